"""Plugging into moto: one registration, one router.

``register()`` makes moto treat ssm-incidents as one of its own services: the backend module
is importable as ``moto.ssmincidents`` (moto's ``get_backend`` imports by that name), and the
URL pattern is put first in moto's pattern list, so moto's ``responses`` mock and moto's server
route ssm-incidents requests to ``urls.url_paths`` at no scanning cost.

botocore calls are answered earlier, inside moto's own before-send handler: its ``__call__`` is
wrapped so that an ``ssm-incidents`` request goes straight to ``responses.handle``. There is
still exactly one before-send handler (botocore calls every registered one, so a second router
would run each call twice), and it is active exactly when moto's mock is.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import sys
import threading
import warnings
from functools import lru_cache
from typing import Any

from botocore.awsrequest import AWSResponse

from .exceptions import InternalServerException

log = logging.getLogger(__name__)

SERVICE = "ssmincidents"
PATTERN = re.compile(r"https?://ssm-incidents(?:-fips)?\.(.+)\.amazonaws\.com(?:\.cn)?")
_EVENT_PREFIX = "before-send.ssm-incidents."

_lock = threading.Lock()
_registered = False

# --- moto versions ---------------------------------------------------------------------------
# Tested (tox envs moto50-*, moto51-*, moto52-*): the oldest and newest supported release of each series.
# Older moto lacks what the mock relies on: STS backends keyed by partition (5.0.8, see context._identity)
# and the core.service_whitelist option it honours (5.0.13).
MOTO_FLOOR = (5, 0, 13)
MOTO_CEILING = (5, 3)  # first series not yet tested
SUPPORTED_MOTO = ">=5.0.13,<5.3"


class UntestedMotoVersionWarning(UserWarning):
    """moto is newer than the series this release of ssm-incidents-mock was tested with."""


def moto_internal_moved(name: str, error: BaseException) -> InternalServerException:
    """The error for a moto internal this package uses that is missing or changed in the installed moto."""
    import moto

    message = (
        f"ssm-incidents-mock cannot use {name} of moto {moto.__version__} ({type(error).__name__}: {error}); "
        f"it supports moto {SUPPORTED_MOTO}."
    )
    log.error(message)
    return InternalServerException(message)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split(".")[:3]:
        digits = re.match(r"\d+", part)
        parts.append(int(digits.group(0)) if digits else 0)
    return tuple(parts)


def check_moto_version(version: str) -> None:
    """Refuse a moto older than the supported range; warn for one newer than the tested series."""
    found = _version_tuple(version)
    if found < MOTO_FLOOR:
        raise ImportError(
            f"ssm-incidents-mock needs moto {SUPPORTED_MOTO}, but moto {version} is installed: "
            f"pip install 'moto{SUPPORTED_MOTO}'"
        )
    if found[:2] >= MOTO_CEILING:
        warnings.warn(
            f"ssm-incidents-mock is tested with moto {SUPPORTED_MOTO}; moto {version} is installed. It uses moto "
            "internals that may have moved: if something fails, install a supported moto.",
            UntestedMotoVersionWarning,
            stacklevel=3,
        )


class RawBody:
    """The raw body botocore reads through ``stream()``."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        if self.data:
            yield self.data


@lru_cache(maxsize=64)
def _our_host(scheme_and_host: str) -> str | None:
    """``https://<host>`` -> the host when it is an ssm-incidents endpoint."""
    match = PATTERN.match(scheme_and_host)
    return match.group(0) if match else None


def _served_here(url: str, default_user_config: Any) -> bool:
    """What moto's ``service_whitelisted``/``passthrough_*`` checks say, read from its config once."""
    core = default_user_config.get("core")
    if not core:
        return True
    allowed = core.get("service_whitelist")
    if allowed is not None and SERVICE not in allowed:
        return False
    passthrough = core.get("passthrough") or {}
    if SERVICE in passthrough.get("services", ()):
        return False
    if not passthrough.get("urls"):
        return True
    from moto.core.config import passthrough_url

    return not passthrough_url(url.split("?", 1)[0])


def _wrap_stubber_call(original: Any) -> Any:
    from moto.core.config import default_user_config  # one dict, patched in place by mock_aws(config=...)

    from .protocol import Request
    from .responses import handle

    def __call__(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if self.enabled and event_name.startswith(_EVENT_PREFIX):
            url = request.url
            slash = url.find("/", 8)  # the end of "https://<host>"
            host = _our_host(url[:slash] if slash > 0 else url)
            if host is not None and _served_here(url, default_user_config):
                status, headers, body = handle(
                    Request.from_url(request.method, url, request.headers, request.body), host
                )
                return AWSResponse(url, status, headers, RawBody(body))  # type: ignore[arg-type]
        return original(self, event_name, request, **kwargs)

    __call__.ssm_incidents_mock = True  # type: ignore[attr-defined]
    return __call__


def register() -> None:
    """Make moto serve ssm-incidents through this package. Idempotent and thread-safe."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        import moto
        import moto.backend_index as backend_index

        check_moto_version(moto.__version__)
        from moto.core.botocore_stubber import BotocoreStubber

        from . import models

        name = "moto." + SERVICE
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            warnings.warn("moto ships its own ssm-incidents; ssm-incidents-mock leaves it in place", stacklevel=2)
            _registered = True
            return
        sys.modules.setdefault(name, models)
        if not any(service == SERVICE for service, _ in backend_index.backend_url_patterns):
            backend_index.backend_url_patterns.insert(0, (SERVICE, PATTERN))
        if not getattr(BotocoreStubber.__call__, "ssm_incidents_mock", False):
            BotocoreStubber.__call__ = _wrap_stubber_call(BotocoreStubber.__call__)  # type: ignore[method-assign]
        _add_to_running_responses_mock()
        if importlib.util.find_spec("aiobotocore") is not None:  # let aiobotocore use moto's in-process answers
            from .aio import enable as enable_aiobotocore

            enable_aiobotocore()
        _registered = True


def _add_to_running_responses_mock() -> None:
    """If moto's mock is already running, its ``responses`` routes lack our pattern: add it."""
    from moto.core.models import MockAWS

    if MockAWS._nested_count <= 0:
        return
    from moto.core.custom_responses_mock import CallbackResponse
    from moto.core.models import RESPONSES_METHODS, botocore_stubber, responses_mock

    callback = getattr(botocore_stubber, "process_prepared_request", None) or botocore_stubber.process_request
    for method in RESPONSES_METHODS:
        responses_mock.add(CallbackResponse(method=method, url=PATTERN, callback=callback))
