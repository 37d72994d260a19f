"""The one seam: every use of moto's, botocore's and aiobotocore's *internals* is in this module.

Public APIs (``mock_aws``, ``BaseBackend``, ``BackendDict``, ``moto.utilities`` helpers, botocore's
loaders) are used where they are needed; anything else of theirs is reached from here only, so a
new release that moves an internal breaks this module and nothing else.

Checked against moto 5.2.0, 5.2.1 and 5.2.5 (botocore 1.35 to 1.43, aiobotocore 2.13 and newer).
The internals used:

- ``moto.backend_index.backend_url_patterns``: moto's ``responses`` mock and server route by it;
- ``moto.core.botocore_stubber.BotocoreStubber.__call__``: moto's one before-send handler, wrapped
  so that ssm-incidents requests go straight to our dispatcher;
- ``moto.core.models``: ``MockAWS._nested_count`` / ``_decorate_class``, ``botocore_stubber``,
  ``responses_mock``, ``RESPONSES_METHODS``; ``moto.core.custom_responses_mock.CallbackResponse``;
- ``moto.core.config.default_user_config`` / ``passthrough_url``: moto's passthrough settings;
- ``moto.core.base_backend.backend_lock``: held while one service's backends are dropped;
- ``moto.sts.models.sts_backends`` and ``moto.iam.models.get_account_id_from``: who a key belongs to;
- ``moto.settings.INITIAL_NO_AUTH_ACTION_COUNT``, ``ActionAuthenticatorMixin.request_count`` and
  ``moto.iam.access_control`` (``IAMRequest``, its private ``_access_key``, ``IAMPolicy``,
  ``IAMPolicyStatement``): moto's IAM enforcement and its policy statement matcher;
- ``aiobotocore.endpoint.first_non_none_response`` and ``AioEndpoint._do_get_response``.
"""

from __future__ import annotations

import importlib.util
import inspect
import io
import ipaddress
import math
import re
import sys
import threading
import warnings
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse

Dispatch = Callable[[Any, str], tuple[int, dict[str, str], bytes]]  # (Request, host) -> Response
RequestFactory = Callable[[str, str, Any, Any], Any]  # (method, url, headers, body) -> Request

SERVICE = "ssmincidents"  # moto's name for the service (``moto.ssmincidents``, ``get_backend``)
_EVENT_PREFIX = "before-send.ssm-incidents."
_lock = threading.Lock()
_installed = False


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


# --- who is calling -------------------------------------------------------------------------------


def caller_identity(account_id: str, partition: str, region: str, access_key: str) -> str:
    """The principal ARN moto's STS reports for an access key."""
    from moto.sts.models import sts_backends

    _, arn, _ = sts_backends[account_id][partition].get_caller_identity(access_key, region)
    return str(arn)


def account_of_access_key(access_key: str) -> str:
    """The account moto's IAM assigns to an access key (its default account for unknown keys)."""
    from moto.iam.models import get_account_id_from

    return str(get_account_id_from(access_key))


# --- IAM, as moto's own services enforce it -------------------------------------------------------


class AuthError(Exception):
    """An authentication or authorization failure, rendered with AWS's code and a 403."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


def iam_enabled() -> bool:
    """moto's gate (``set_initial_no_auth_action_count``): the first N requests pass and are counted.

    Off by default (the limit is infinite): one attribute read and a comparison.
    """
    from moto import settings as moto_settings  # moto reassigns the attribute: read it on every call

    limit = moto_settings.INITIAL_NO_AUTH_ACTION_COUNT
    if limit == math.inf:
        return False
    from moto.core.authorization import ActionAuthenticatorMixin

    if ActionAuthenticatorMixin.request_count >= limit:
        return True
    ActionAuthenticatorMixin.request_count += 1  # the counter moto's services share
    return False


def authenticate(method: str, url: str, headers: Any, body: bytes, account_id: str, operation: str) -> Any:
    """Check the SigV4 signature against moto's IAM/STS keys; the principal (opaque) or AuthError."""
    from moto.core.exceptions import InvalidClientTokenIdError, SignatureDoesNotMatchError
    from moto.iam.access_control import IAMRequest
    from werkzeug.datastructures import Headers

    text = Headers([(k, v.decode("utf-8", "replace") if isinstance(v, bytes) else v) for k, v in headers.items()])
    if "Authorization" not in text:
        raise AuthError("MissingAuthenticationTokenException", "Missing Authentication Token")
    scheme_host, _, path = url.partition("://")[2].partition("/")
    if "Host" not in text:  # botocore signs Host but does not put it in the prepared request
        text["Host"] = scheme_host
    try:
        request = IAMRequest(
            account_id=account_id,
            method=method,
            path="/" + path,
            data={},
            body=body,
            headers=text,  # type: ignore[arg-type]
            action=operation,
        )
        request.check_signature()
    except InvalidClientTokenIdError:
        raise AuthError(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        ) from None
    except SignatureDoesNotMatchError:
        raise AuthError("InvalidSignatureException", _BAD_SIGNATURE) from None
    return request._access_key


def principal_arn(principal: Any) -> str:
    return str(principal.arn)


def identity_decision(principal: Any, action: str, resource: str) -> str:
    """moto's evaluation of the principal's identity policies: "ALLOWED", "DENIED" (explicit) or "NEUTRAL"."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    allowed = False
    for policy in principal.collect_policies():
        result = IAMPolicy(policy).is_action_permitted(action, resource)
        if result == PermissionResult.DENIED:
            return "DENIED"
        allowed = allowed or result == PermissionResult.PERMITTED
    return "ALLOWED" if allowed else "NEUTRAL"


def statement_decision(statement: dict[str, Any], action: str, resource: str) -> str:
    """moto's matcher for one statement's Effect/Action/NotAction/Resource (no Principal, no Condition)."""
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    result = IAMPolicyStatement(statement).is_action_permitted(action, resource)
    return (
        "ALLOWED"
        if result == PermissionResult.PERMITTED
        else "DENIED"
        if result == PermissionResult.DENIED
        else "NEUTRAL"
    )


# --- routing botocore requests to the dispatcher ---------------------------------------------------


class RawBody:
    """The raw body botocore reads through ``stream()``."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        if self.data:
            yield self.data


def install(dispatch: Dispatch, make_request: RequestFactory, pattern: re.Pattern[str], backends: ModuleType) -> None:
    """Make moto serve ssm-incidents: ``backends`` becomes ``moto.ssmincidents``, ``pattern`` routes to it,
    and botocore requests to ``pattern`` go to ``dispatch``. Idempotent and thread-safe.
    """
    global _installed
    if _installed:
        return
    with _lock:
        if _installed:
            return
        import moto.backend_index as backend_index
        from moto.core.botocore_stubber import BotocoreStubber

        name = "moto." + SERVICE
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            warnings.warn("moto ships its own ssm-incidents; ssm-incidents-mock leaves it in place", stacklevel=3)
            _installed = True
            return
        sys.modules.setdefault(name, backends)
        if not any(service == SERVICE for service, _ in backend_index.backend_url_patterns):
            backend_index.backend_url_patterns.insert(0, (SERVICE, pattern))
        if not getattr(BotocoreStubber.__call__, "ssm_incidents_mock", False):
            BotocoreStubber.__call__ = _wrap_stubber_call(  # type: ignore[method-assign]
                BotocoreStubber.__call__, dispatch, make_request, pattern
            )
        _add_to_running_responses_mock(pattern)
        if importlib.util.find_spec("aiobotocore") is not None:
            enable_aiobotocore()
        _installed = True


def _wrap_stubber_call(
    original: Any, dispatch: Dispatch, make_request: RequestFactory, pattern: re.Pattern[str]
) -> Any:
    from moto.core.config import default_user_config  # one dict, patched in place by mock_aws(config=...)

    @lru_cache(maxsize=64)
    def our_host(scheme_and_host: str) -> str | None:
        match = pattern.match(scheme_and_host)
        return match.group(0) if match else None

    def __call__(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        if not self.enabled:
            return original(self, event_name, request, **kwargs)
        url = request.url
        if event_name.startswith(_EVENT_PREFIX):
            slash = url.find("/", 8)  # the end of "https://<host>"
            host = our_host(url[:slash] if slash > 0 else url)
            if host is None:
                if not may_leave(url, default_user_config):
                    raise RequestRefused(url)
            elif _served_here(url, default_user_config):
                status, headers, body = dispatch(make_request(request.method, url, request.headers, request.body), host)
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
    """An ssm-incidents request for a host that is neither AWS nor loopback, while the mock is active."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"ssm-incidents-mock is active and refused to send an ssm-incidents request to {url.split('?', 1)[0]}: "
            "it is neither an AWS endpoint (served by the mock) nor a loopback address. Remove the custom "
            "endpoint_url / AWS_ENDPOINT_URL_SSM_INCIDENTS, point it at the mock's server, or list the URL in "
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
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        if ipaddress.ip_address(host).is_loopback:
            return True
    except ValueError:
        pass
    passthrough = (default_user_config.get("core") or {}).get("passthrough") or {}
    if not passthrough.get("urls"):
        return False
    from moto.core.config import passthrough_url

    return bool(passthrough_url(url.split("?", 1)[0]))


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


def _add_to_running_responses_mock(pattern: re.Pattern[str]) -> None:
    """If moto's mock is already running, its ``responses`` routes lack our pattern: add it."""
    if not mock_active():
        return
    from moto.core.custom_responses_mock import CallbackResponse
    from moto.core.models import RESPONSES_METHODS, botocore_stubber, responses_mock

    callback = getattr(botocore_stubber, "process_prepared_request", None) or botocore_stubber.process_request
    for method in RESPONSES_METHODS:
        responses_mock.add(CallbackResponse(method=method, url=pattern, callback=callback))


# --- aiobotocore -----------------------------------------------------------------------------------
# moto answers botocore calls from a before-send handler with a plain ``AWSResponse`` whose
# ``content`` is bytes; aiobotocore awaits ``content`` (and reads streaming bodies through
# ``raw.content.read``). ``enable_aiobotocore()`` turns such an answer into an ``AioAWSResponse``
# where aiobotocore picks the before-send answer, for ssm-incidents and every service moto serves.
# An async request body (aiobotocore's aws-chunked checksum wrapper) is read into memory before
# moto's handler sees it, only while moto's mock is active.


class _BufferedStream:
    """The part of aiohttp's ``StreamReader`` aiobotocore's streaming body uses, over bytes."""

    __slots__ = ("_data", "_offset")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._offset = 0

    async def read(self, amt: int = -1) -> bytes:
        end = len(self._data) if amt is None or amt < 0 else self._offset + amt
        chunk = self._data[self._offset : end]
        self._offset += len(chunk)
        return chunk

    def at_eof(self) -> bool:
        return self._offset >= len(self._data)


class _BufferedRaw:
    """An in-memory stand-in for the aiohttp ``ClientResponse`` an ``AioAWSResponse`` wraps."""

    __slots__ = ("content", "url")

    def __init__(self, url: str, data: bytes) -> None:
        self.url = url
        self.content = _BufferedStream(data)

    async def read(self) -> bytes:
        return await self.content.read()

    def close(self) -> None:
        """Nothing to release: the body is in memory."""


def as_async_response(response: Any) -> Any:
    """``response`` unchanged unless it is a sync ``AWSResponse``; then an ``AioAWSResponse`` twin."""
    from aiobotocore.awsrequest import AioAWSResponse

    if not isinstance(response, AWSResponse) or isinstance(response, AioAWSResponse):
        return response
    body = response.content  # the sync property drains the stub's raw body once
    return AioAWSResponse(response.url, response.status_code, response.headers, _BufferedRaw(response.url, body))


async def _buffer_async_body(request: Any) -> None:
    """Replace an async request body by its bytes, so moto's sync handler can read it."""
    from moto.core.models import botocore_stubber

    body = request.body
    read = getattr(body, "read", None)
    if read is not None and inspect.iscoroutinefunction(read) and botocore_stubber.enabled:
        request.body = io.BytesIO(await read())


def enable_aiobotocore() -> bool:
    """Let aiobotocore clients use moto's in-process answers. Idempotent; False without aiobotocore."""
    try:
        import aiobotocore.endpoint as endpoint
    except ImportError:
        return False
    original = endpoint.first_non_none_response
    if getattr(original, "ssm_incidents_mock", False):
        return True

    def first_non_none_response(responses: Any, default: Any = None) -> Any:
        return as_async_response(original(responses, default))

    first_non_none_response.ssm_incidents_mock = True  # type: ignore[attr-defined]
    # aiobotocore.endpoint looks this name up on each call; the before-send answer and the
    # needs-retry answer (an int or None, passed through) are the only values it picks.
    endpoint.first_non_none_response = first_non_none_response
    do_get_response = endpoint.AioEndpoint._do_get_response

    async def _do_get_response(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
        await _buffer_async_body(request)
        return await do_get_response(self, request, operation_model, context)

    endpoint.AioEndpoint._do_get_response = _do_get_response
    return True
