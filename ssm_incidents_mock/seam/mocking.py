"""moto's mock: botocore requests routed to the dispatcher, mock_aws's nesting and reset, requests refused."""

from __future__ import annotations

import importlib.util
import re
import sys
import warnings
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse
from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

from ..config import new_lock
from ..core.hosts import is_loopback
from .aio import enable_aiobotocore_on_import
from .imports import when_imported
from .versions import check_moto_version

Dispatch = Callable[[Any, str], tuple[int, dict[str, str], bytes]]  # (Request, host) -> Response
RequestFactory = Callable[[str, str, Any, Any], Any]  # (method, url, headers, body) -> Request


class Served:
    """One service this package serves in moto's place."""

    __slots__ = ("dispatch", "event_prefix", "make_request", "moto_name", "pattern")

    def __init__(
        self,
        moto_name: str,
        event_prefix: str,
        pattern: re.Pattern[str],
        dispatch: Dispatch,
        make_request: RequestFactory,
    ) -> None:
        self.moto_name = moto_name  # moto's name for it (``moto.<name>``, ``service_whitelist``)
        self.event_prefix = event_prefix  # botocore's ``before-send.<service id>.``
        self.pattern = pattern
        self.dispatch = dispatch
        self.make_request = make_request


_lock = new_lock()
_served: dict[str, Served] = {}  # by botocore event prefix


# --- mock_aws -------------------------------------------------------------------------------------


def mock_active() -> bool:
    """Whether moto's mock (``mock_aws`` or ours) is switched on."""
    from moto.core.models import MockAWS

    return MockAWS._nested_count > 0


def backend_lock() -> Any:
    """The lock moto holds while it creates or resets backends."""
    from moto.core.base_backend import backend_lock

    return backend_lock


def heal_nesting() -> None:
    """Undo what a stray ``mock_aws().stop()`` leaves behind: moto decrements its nesting count below zero
    before it raises, and no later mock would then switch on."""
    from moto.core.models import MockAWS

    with MockAWS._mock_init_lock:
        if MockAWS._nested_count < 0:
            MockAWS._nested_count = 0


def decorate_class(mock: Any, klass: type) -> type:
    """moto's class decoration; it calls back ``mock(method, reset=..., remove_data=...)`` per test method."""
    from moto.core.models import MockAWS

    return MockAWS._decorate_class(mock, klass)


def on_moto_reset(callback: Callable[[], None]) -> None:
    """Run ``callback`` whenever moto drops its state (``BackendDict.reset``: a mock starting with reset,
    stopping with remove_data, or ``/moto-api/reset``). Idempotent per callback."""
    from moto.core.base_backend import BackendDict

    original = BackendDict.__dict__["reset"].__func__
    callbacks: list[Callable[[], None]] | None = getattr(original, "ssm_incidents_mock", None)
    if callbacks is None:
        callbacks = []

        def reset(cls: type) -> None:
            original(cls)
            for each in list(callbacks):
                each()

        reset.ssm_incidents_mock = callbacks  # type: ignore[attr-defined]
        BackendDict.reset = classmethod(reset)  # type: ignore[method-assign, assignment]
    if callback not in callbacks:
        callbacks.append(callback)


# --- routing botocore requests to the dispatcher ---------------------------------------------------


class RawBody:
    """The raw body botocore reads through ``stream()``."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        if self.data:
            yield self.data


def install(served: Served, backends: ModuleType) -> None:
    """Make moto serve a service through this package: ``backends`` becomes ``moto.<moto_name>``, its
    pattern routes to it, and botocore requests it matches go to its dispatcher. Idempotent and thread-safe.
    """
    if served.event_prefix in _served:
        return
    with _lock:
        if served.event_prefix in _served:
            return
        import moto
        import moto.backend_index as backend_index
        from moto.core.botocore_stubber import BotocoreStubber

        check_moto_version(moto.__version__)

        name = "moto." + served.moto_name
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            warnings.warn(f"moto ships its own {served.moto_name}; ssm-incidents-mock leaves it in place", stacklevel=3)
            _served[served.event_prefix] = served
            return
        sys.modules.setdefault(name, backends)
        if not any(service == served.moto_name for service, _ in backend_index.backend_url_patterns):
            backend_index.backend_url_patterns.insert(0, (served.moto_name, served.pattern))
        if not getattr(BotocoreStubber.__call__, "ssm_incidents_mock", False):
            BotocoreStubber.__call__ = _wrap_stubber_call(BotocoreStubber.__call__)  # type: ignore[method-assign]
        _add_to_running_responses_mock(served.pattern)
        if importlib.util.find_spec("aiobotocore") is not None:
            # aiohttp takes ~150 ms to import: patch aiobotocore when something imports it, not now.
            when_imported("aiobotocore.endpoint", enable_aiobotocore_on_import)
        _served[served.event_prefix] = served


def _served_for(event_name: str) -> Served | None:
    """The service a botocore event belongs to: ``before-send.<service id>.<Operation>``."""
    prefix = event_name[: event_name.rfind(".") + 1]
    return _served.get(prefix)


def _wrap_stubber_call(original: Any) -> Any:
    from moto.core.config import default_user_config  # one dict, patched in place by mock_aws(config=...)

    @lru_cache(maxsize=64)
    def our_host(served: Served, scheme_and_host: str) -> str | None:
        match = served.pattern.match(scheme_and_host)
        return match.group(0) if match else None

    def __call__(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if not self.enabled:
            return original(self, event_name, request, **kwargs)
        url = request.url
        served = _served_for(event_name) if _served else None
        if served is not None:
            slash = url.find("/", 8)  # the end of "https://<host>"
            host = our_host(served, url[:slash] if slash > 0 else url)
            if host is None:
                if not may_leave(url, default_user_config):
                    raise RequestRefused(url, event_name.split(".")[1])
            elif _served_here(served, url, default_user_config):
                answer = served.dispatch(served.make_request(request.method, url, request.headers, request.body), host)
                status, headers, body = answer
                return AWSResponse(url, status, headers, RawBody(body))  # type: ignore[arg-type]
            return original(self, event_name, request, **kwargs)
        response = original(self, event_name, request, **kwargs)
        if response is None and ".api." in url:  # another service's dual-stack endpoint: moto knows only the other
            single_stack = _single_stack_url(url)
            if single_stack != url:
                request.url = single_stack
                response = original(self, event_name, request, **kwargs)
                if response is None:
                    request.url = url
        return response

    __call__.ssm_incidents_mock = True  # type: ignore[attr-defined]
    return __call__


class RequestRefused(ConnectionError):
    """A request of a service served here for a host that is neither AWS nor loopback, while the mock is active."""

    def __init__(self, url: str, service: str = "ssm-incidents") -> None:
        variable = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")
        super().__init__(
            f"ssm-incidents-mock is active and refused to send an {service} request to {url.split('?', 1)[0]}: "
            "it is neither an AWS endpoint (served by the mock) nor a loopback address. Remove the custom "
            f"endpoint_url / {variable}, point it at the mock's server, or list the URL in "
            "moto's passthrough settings."
        )


_DUAL_STACK_SUFFIX = re.compile(r"\.api\.aws(?=[:/]|$)")


def _single_stack_url(url: str) -> str:
    """``https://sqs.us-east-1.api.aws/...`` -> ``https://sqs.us-east-1.amazonaws.com/...`` (aws partition)."""
    _, _, rest = url.partition("://")
    host = rest.split("/", 1)[0]
    return url.replace(host, _DUAL_STACK_SUFFIX.sub(".amazonaws.com", host), 1)


def may_leave(url: str, default_user_config: Any) -> bool:
    """Whether a request may go past the mock: to a loopback address, or to a URL moto's passthrough lists."""
    if is_loopback((urlsplit(url).hostname or "").lower()):
        return True
    passthrough = (default_user_config.get("core") or {}).get("passthrough") or {}
    if not passthrough.get("urls"):
        return False
    from moto.core.config import passthrough_url

    return bool(passthrough_url(url.split("?", 1)[0]))


def _served_here(served: Served, url: str, default_user_config: Any) -> bool:
    """What moto's ``service_whitelisted``/``passthrough_*`` checks say, read from its config once."""
    core = default_user_config.get("core")
    if not core:
        return True
    allowed = core.get("service_whitelist")
    if allowed is not None and served.moto_name not in allowed:
        return False
    passthrough = core.get("passthrough") or {}
    if served.moto_name in passthrough.get("services", ()):
        return False
    if not passthrough.get("urls"):
        return True
    from moto.core.config import passthrough_url

    return not passthrough_url(url.split("?", 1)[0])


def _add_to_running_responses_mock(pattern: re.Pattern[str]) -> None:
    """If moto's mock is already running, its ``responses`` routes lack our pattern: add it."""
    if not mock_active():
        return
    from moto.core.custom_responses_mock import CallbackResponse
    from moto.core.models import RESPONSES_METHODS, botocore_stubber, responses_mock

    callback = getattr(botocore_stubber, "process_prepared_request", None) or botocore_stubber.process_request
    for method in RESPONSES_METHODS:
        responses_mock.add(CallbackResponse(method=method, url=pattern, callback=callback))
