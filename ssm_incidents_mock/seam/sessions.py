"""boto3's default session under the mock: fresh sessions on botocore's parsed data."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

from ..config import new_lock
from .mocking import mock_active

# --- boto3's default session under the mock -------------------------------------------------------
# moto sets ``boto3.DEFAULT_SESSION`` to None while it is active, so the first ``boto3.client()`` of a
# test builds a new session: fresh credentials and config, as moto promises, but also a new botocore
# loader that reads and parses the JSON models again (about 100 ms for one client), and ~130 built-in
# handlers registered one by one. ``fresh_session`` is that new session built from what cannot change:
# the parsed data (loaders with the same search paths share one cache) and the handlers every new
# session registers, registered once in a template the session's emitter reads until something
# registers on it, when it takes a copy (botocore copies emitters the same way for every client).
# Used: ``boto3.setup_default_session`` (replaced: ``boto3._get_default_session`` calls it by name),
# ``boto3.Session._register_default_handlers`` (skipped), ``Loader._cache`` (where
# ``botocore.loaders.instance_cache`` keeps what a loader read), and ``HierarchicalEmitter``'s
# ``_handlers``, ``_unique_id_handlers`` and ``_register_section`` (where every registration goes).

_lock = new_lock()  # the counts below
_FAST_SESSIONS = {"mocks": 0, "everywhere": 0}  # active mocks of this package; the mock_aws switch
_LOADER_CACHES: dict[tuple[str, ...], dict[Any, Any]] = {}
_builtin_emitter: list[Any] = [None, None]  # (the BUILTIN_HANDLERS they came from, the emitter)


def _shared_loader_class() -> type:
    from botocore.loaders import Loader

    class SharedLoader(Loader):
        """botocore's loader whose cache is shared by every loader with the same search paths."""

        @property
        def _cache(self) -> dict[Any, Any]:
            paths = tuple(self.search_paths)
            cache = _LOADER_CACHES.get(paths)
            if cache is None:
                cache = _LOADER_CACHES.setdefault(paths, {})
            return cache

        @_cache.setter
        def _cache(self, _: Any) -> None:
            """The loader's own empty cache is not used."""

    return SharedLoader


@lru_cache(maxsize=1)
def _loader_class() -> type:
    return _shared_loader_class()


def _loader(data_path: str | None) -> Any:
    """``botocore.loaders.create_loader(data_path)`` with the shared cache."""
    import os

    if data_path is None:
        return _loader_class()()
    paths = [os.path.expanduser(os.path.expandvars(path)) for path in data_path.split(os.pathsep)]
    return _loader_class()(extra_search_paths=paths)


def _builtin_handlers() -> Any:
    """An emitter holding the handlers every new boto3 session registers (botocore's built-in ones, then
    boto3's), built again when ``BUILTIN_HANDLERS`` changes. Nothing registers on it afterwards."""
    import boto3
    import botocore.handlers
    import botocore.session
    from botocore.hooks import EventAliaser, HierarchicalEmitter

    specs = tuple(botocore.handlers.BUILTIN_HANDLERS)  # moto appends its stubber to the list, users may too
    if _builtin_emitter[0] != specs:
        emitter = HierarchicalEmitter()
        events = EventAliaser(emitter)
        for spec in specs:
            if len(spec) == 2:
                events.register(spec[0], spec[1])
            elif spec[2] is botocore.handlers.REGISTER_FIRST:
                events.register_first(spec[0], spec[1])
            elif spec[2] is botocore.handlers.REGISTER_LAST:
                events.register_last(spec[0], spec[1])
        core = botocore.session.Session(event_hooks=emitter, include_builtin_handlers=False)
        core.lazy_register_component("data_loader", lambda: _loader(None))
        boto3.Session(botocore_session=core)  # registers boto3's own handlers (``_register_default_handlers``)
        _builtin_emitter[:] = [specs, emitter]
    return _builtin_emitter[1]


@lru_cache(maxsize=1)
def _session_classes() -> tuple[type, type]:
    """boto3's session without its handler registration (they are in ``_builtin_handlers()`` already),
    and an emitter that reads a template's handlers until it is first changed, then copies them."""
    import copy

    import boto3
    from botocore.hooks import HierarchicalEmitter

    class FreshSession(boto3.Session):
        def _register_default_handlers(self) -> None:
            """Registered in the template this session's emitter reads."""

    class SharedEmitter(HierarchicalEmitter):
        _shared = False

        def share(self, template: Any) -> Any:
            self._handlers = template._handlers
            self._unique_id_handlers = template._unique_id_handlers
            self._shared = True
            return self

        def _own(self) -> None:
            if self._shared:
                self._handlers = copy.copy(self._handlers)
                self._unique_id_handlers = copy.copy(self._unique_id_handlers)
                self._shared = False

        def _register_section(self, *args: Any, **kwargs: Any) -> Any:
            self._own()
            return super()._register_section(*args, **kwargs)  # type: ignore[misc]

        def unregister(self, *args: Any, **kwargs: Any) -> Any:
            self._own()
            return super().unregister(*args, **kwargs)

        def __copy__(self) -> Any:
            twin = super().__copy__()  # copies the handlers
            twin._shared = False
            return twin

    return FreshSession, SharedEmitter


def fresh_session(**kwargs: Any) -> Any:
    """A new ``boto3.Session(**kwargs)`` that reuses botocore's parsed data and the handlers every session has."""
    import botocore.session

    session_class, emitter_class = _session_classes()
    emitter = emitter_class().share(_builtin_handlers())
    core = botocore.session.Session(event_hooks=emitter, include_builtin_handlers=False)
    core.lazy_register_component("data_loader", lambda: _loader(core.get_config_variable("data_path")))
    return session_class(botocore_session=core, **kwargs)


def _fast() -> bool:
    return bool(_FAST_SESSIONS["mocks"] or _FAST_SESSIONS["everywhere"])


def fast_sessions(delta: int, everywhere: bool | None = None) -> None:
    """Count an active mock of this package in (+1) or out (-1); ``everywhere``: also under plain ``mock_aws``.

    Call it before the mock starts: moto's routes are built as it starts (see ``_reused_routes``).
    """
    import boto3

    with _lock:
        _FAST_SESSIONS["mocks"] = max(0, _FAST_SESSIONS["mocks"] + delta)
        if everywhere is not None:
            _FAST_SESSIONS["everywhere"] = int(everywhere)
        original = boto3.setup_default_session
        if getattr(original, "ssm_incidents_mock", False):
            return

        def setup_default_session(**kwargs: Any) -> None:
            if mock_active() and _fast():
                boto3.DEFAULT_SESSION = fresh_session(**kwargs)
            else:
                original(**kwargs)

        setup_default_session.ssm_incidents_mock = True  # type: ignore[attr-defined]
        boto3.setup_default_session = setup_default_session
        _reuse_routes()


# moto's start adds a ``responses`` route per URL pattern of every service and HTTP method (1,300
# objects, a few thousand allocations, which in a large test process mostly cost garbage collection).
# The routes hold nothing of a test but the requests they matched: while the fast mode is on, each
# start gets the routes of the last one with their call lists emptied. Used: the name ``CallbackResponse``
# in ``moto.core.models``, which ``MockAWS._enable_patching`` calls for each route.

_ROUTES: dict[tuple[Any, ...], Any] = {}


def _reuse_routes() -> None:
    from moto.core import models

    names = vars(models)  # the module's globals, where ``_enable_patching`` looks the name up
    build = names["CallbackResponse"]
    if getattr(build, "ssm_incidents_mock", False):
        return

    def route(method: str, url: Any, callback: Any, **kwargs: Any) -> Any:
        if not _fast() or kwargs:
            return build(method=method, url=url, callback=callback, **kwargs)
        key = (method, getattr(url, "pattern", url), callback)
        found = _ROUTES.get(key)
        if found is None:
            found = _ROUTES.setdefault(key, build(method=method, url=url, callback=callback))
        found.calls.reset()
        return found

    route.ssm_incidents_mock = True  # type: ignore[attr-defined]
    names["CallbackResponse"] = route
