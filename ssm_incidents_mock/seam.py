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
  ``moto.iam.access_control`` (``IAMRequest``, its private ``_access_key``, ``IAMPolicy`` and its private
  ``_policy_json``, ``IAMPolicyStatement`` and its ``_check_element_matches``): moto's IAM enforcement and
  its statement evaluation, with IAM's wildcard matching in place of moto's regular expressions;
- ``aiobotocore.endpoint.first_non_none_response`` and ``AioEndpoint._do_get_response``;
- in moto's world (the last section): CloudWatch alarms, EventBridge rules, SNS, SSM, the state manager
  and ``mock_random``.
"""

from __future__ import annotations

import importlib.util
import inspect
import io
import logging
import math
import re
import sys
import warnings
from collections.abc import Callable
from functools import lru_cache
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSResponse
from moto.moto_api import state_manager
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

from .config import new_lock
from .core.exceptions import InternalServerException
from .core.hosts import is_loopback

log = logging.getLogger(__name__)

Dispatch = Callable[[Any, str], tuple[int, dict[str, str], bytes]]  # (Request, host) -> Response
RequestFactory = Callable[[str, str, Any, Any], Any]  # (method, url, headers, body) -> Request

# --- moto versions ---------------------------------------------------------------------------------
# Tested (tox envs moto52-oldest, moto52-newest): the oldest and newest release of the 5.2 series.
# Older series pass the core, but their CloudWatch, SSM and IAM internals (and their CloudWatch
# against current botocore) differ from what the effects on moto's other services use.
MOTO_FLOOR = (5, 2, 0)
MOTO_CEILING = (5, 3)  # first series not yet tested
SUPPORTED_MOTO = ">=5.2.0,<5.3"


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
            stacklevel=4,
        )


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


# --- who is calling -------------------------------------------------------------------------------


def caller_identity(account_id: str, partition: str, region: str, access_key: str) -> str:
    """The principal ARN moto's STS reports for an access key.

    ``STSBackend.get_caller_identity(access_key, region)`` returns (user_id, arn, account_id) in moto 5.0.3
    to 5.2; should it move, fail loudly rather than record another principal.
    """
    try:
        from moto.sts.models import sts_backends

        _, arn, _ = sts_backends[account_id][partition].get_caller_identity(access_key, region)
    except (ImportError, AttributeError, KeyError, TypeError, ValueError) as error:
        raise moto_internal_moved("moto.sts.models.STSBackend.get_caller_identity", error) from error
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


Matcher = Callable[[str, str], bool]  # (IAM pattern, value) -> whether the pattern covers the value


def identity_decision(principal: Any, action: str, resource: str, match: Matcher) -> str:
    """moto's evaluation of the principal's identity policies: "ALLOWED", "DENIED" (explicit) or "NEUTRAL".

    moto matches Action and Resource as regular expressions (``.`` is any character, ``?`` makes the
    previous one optional) and action names case-sensitively; ``match`` replaces that matcher.
    """
    from moto.iam.access_control import IAMPolicy, PermissionResult

    statement_class = _statement_class(match)
    allowed = False
    for policy in principal.collect_policies():
        statements = IAMPolicy(policy)._policy_json["Statement"]
        for statement in statements if isinstance(statements, list) else [statements]:
            result = statement_class(statement).is_action_permitted(action, resource)
            if result == PermissionResult.DENIED:
                return "DENIED"
            allowed = allowed or result == PermissionResult.PERMITTED
    return "ALLOWED" if allowed else "NEUTRAL"


@lru_cache(maxsize=4)
def _statement_class(match: Matcher) -> type:
    """moto's ``IAMPolicyStatement`` with ``match`` for its Action, NotAction, Resource and NotResource elements."""
    from moto.iam.access_control import IAMPolicyStatement

    class Statement(IAMPolicyStatement):
        def _check_element_matches(self, statement_element: str, value: str) -> bool:
            patterns = self._statement[statement_element]
            fold = statement_element in ("Action", "NotAction")  # IAM's action names ignore case
            if fold:
                value = value.lower()
            return any(
                isinstance(pattern, str) and match(pattern.lower() if fold else pattern, value)
                for pattern in (patterns if isinstance(patterns, list) else [patterns])
            )

    return Statement


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
            enable_aiobotocore()
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


# --- moto's world ----------------------------------------------------------------------------------
# Incident Manager acts on and is acted on by other services moto serves. The internals used:
#
# - ``moto.cloudwatch.models.Alarm.update_state``: the one place an alarm changes state (SetAlarmState,
#   and any evaluation moto may gain), wrapped to see alarms entering ALARM;
# - ``moto.events.models.Rule.send_to_targets``: where ``put_events`` delivers a matching event, wrapped
#   so that response-plan targets start incidents (moto raises NotImplementedError for them otherwise);
# - ``moto.sns.models.sns_backends``: publishing to a topic;
# - ``moto.ssm.models.ssm_backends`` (``_documents``) and ``moto.ssm.responses.SimpleSystemManagerResponse``:
#   runbook documents, and GetAutomationExecution/StartAutomationExecution, which moto lacks;
# - ``moto.moto_api``: ``state_manager``, ``ManagedState`` and ``mock_random`` (what ``/moto-api/seed`` seeds).

PLAN_ARN = re.compile(r"arn:aws[a-z-]*:ssm-incidents::\d{12}:response-plan/[^/]+")
# (alarm account, alarm region, response plan ARNs among its actions, the alarm state-change event)
AlarmHandler = Callable[[str, str, list[str], dict[str, Any]], None]
# (rule account, rule region, rule ARN, the PutTargets target, the event as EventBridge delivers it)
EventHandler = Callable[[str, str, str, dict[str, Any], dict[str, Any]], None]
# (account, region, document name, version asked for, parameters) -> the execution's SSM description,
# or None when no such Automation document exists
AutomationStarter = Callable[[str, str, str, str | None, dict[str, list[str]]], "dict[str, Any] | None"]
_SSM_RESPONSES = "moto.ssm.responses"
_EXECUTIONS = "_ssm_incidents_mock_executions"


def moto_random() -> Any:
    """moto's process-wide random generator, which ``POST /moto-api/seed?a=N`` seeds."""
    return mock_random


def register_transition(model_name: str, transition: dict[str, Any]) -> None:
    """A model's default transition in moto's state manager (users override it with ``set_transition``)."""
    state_manager.register_default_transition(model_name, transition)


def restart_state(state: ManagedState, status: str) -> None:
    """Put a managed state into ``status`` afresh, as a new change: it lasts as many reads (``manual``) or
    seconds (``time``) as its transition says. Resets ``ManagedState``'s private read count and clock."""
    from datetime import datetime

    state.status = status
    state._tick = 0
    state._time_progressed = datetime.now()


def hook_world(on_alarm: AlarmHandler, on_event: EventHandler, start_automation: AutomationStarter) -> None:
    """Let alarms and EventBridge rules reach ``on_alarm``/``on_event``, and moto's SSM serve automation
    executions. Idempotent. A handler's failure is logged and never fails the other service's call.
    """
    from moto.cloudwatch.models import Alarm
    from moto.events.models import Rule

    if not getattr(Alarm.update_state, "ssm_incidents_mock", False):
        Alarm.update_state = _wrap_update_state(Alarm.update_state, on_alarm)  # type: ignore[method-assign]
    if not getattr(Rule.send_to_targets, "ssm_incidents_mock", False):
        Rule.send_to_targets = _wrap_send_to_targets(Rule.send_to_targets, on_event)  # type: ignore[method-assign]
    global _start_automation
    _start_automation = start_automation
    if _SSM_RESPONSES in sys.modules:
        _add_automation_api(sys.modules[_SSM_RESPONSES])
    elif not any(isinstance(f, _AfterImport) for f in sys.meta_path):
        # moto's SSM takes seconds to import: add the API when moto imports it, not now.
        sys.meta_path.insert(0, _AfterImport(_SSM_RESPONSES, _add_automation_api))


def _guard(handler: Callable[..., None], *args: Any) -> None:
    try:
        handler(*args)
    except Exception:  # AWS runs alarm actions and rule targets apart from the call that caused them
        log.exception("ssm-incidents-mock: an incident trigger failed")


def _wrap_update_state(original: Any, on_alarm: AlarmHandler) -> Any:
    def update_state(self: Any, reason: str, reason_data: str, state_value: str) -> None:
        old_state = self.state_value
        original(self, reason, reason_data, state_value)
        # "When the updated state differs from the previous value, the action configured for the
        # appropriate state is invoked" (SetAlarmState): only a change into ALARM starts incidents.
        if state_value == "ALARM" and old_state != "ALARM" and self.actions_enabled:
            plans = [arn for arn in self.alarm_actions or () if PLAN_ARN.fullmatch(arn)]
            if plans:
                _, _, _, region, account, _ = self.alarm_arn.split(":", 5)
                _guard(on_alarm, account, region, plans, _alarm_event(self, account, region))

    update_state.ssm_incidents_mock = True  # type: ignore[attr-defined]
    return update_state


def _wrap_send_to_targets(original: Any, on_event: EventHandler) -> Any:
    import copy

    def send_to_targets(self: Any, original_event: dict[str, Any], transform_input: bool = True) -> None:
        ours = [t for t in self.targets if PLAN_ARN.fullmatch(t.get("Arn", ""))]
        if not ours:
            original(self, original_event, transform_input)
            return
        others = [t for t in self.targets if t not in ours]
        if others:
            clone = copy.copy(self)  # never change the shared rule (moto's server runs requests in threads)
            clone.targets = others
            original(clone, original_event, transform_input)
        # moto delivers for DISABLED rules and treats a rule without pattern (a schedule) as matching
        # every event; EventBridge does neither.
        if self.state != "ENABLED" or not self.event_pattern.get_pattern():
            return
        if not self.event_pattern.matches_event(original_event):
            return
        event = _delivered_event(original_event)  # a shallow copy: a deep one recurses once per nesting level
        for target in ours:
            _guard(on_event, self.account_id, self.region_name, self.arn, dict(target), dict(event))

    send_to_targets.ssm_incidents_mock = True  # type: ignore[attr-defined]
    return send_to_targets


def _alarm_time(value: Any) -> str:
    return f"{value.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}+0000"


def _alarm_state(reason: str, reason_data: str, value: str, timestamp: Any) -> dict[str, str]:
    state = {"value": value, "reason": reason}
    if reason_data and reason_data != "{}":
        state["reasonData"] = reason_data
    state["timestamp"] = _alarm_time(timestamp)
    return state


def _alarm_event(alarm: Any, account: str, region: str) -> dict[str, Any]:
    """The "CloudWatch Alarm State Change" event CloudWatch sends for ``alarm`` (its EventBridge form)."""
    metrics: list[dict[str, Any]] = []
    if alarm.metric_data_queries:
        for query in alarm.metric_data_queries:
            entry: dict[str, Any] = {"id": query.id}
            stat = query.metric_stat
            if stat is not None:
                metric = stat.metric
                entry["metricStat"] = {
                    "metric": {
                        "namespace": metric.namespace,
                        "name": metric.metric_name,
                        "dimensions": {d.name: d.value for d in metric.dimensions or ()},
                    },
                    "period": int(stat.period),
                    "stat": stat.stat,
                }
            if query.expression:
                entry["expression"] = query.expression
            if query.label:
                entry["label"] = query.label
            entry["returnData"] = query.return_data not in (False, "false", "False")
            metrics.append(entry)
    else:
        metrics.append(
            {
                "id": str(mock_random.uuid4()),
                "metricStat": {
                    "metric": {
                        "dimensions": {d.name: d.value for d in alarm.dimensions},
                        "name": alarm.metric_name,
                        "namespace": alarm.namespace,
                    },
                    "period": alarm.period,
                    "stat": alarm.statistic or alarm.extended_statistic,
                },
                "returnData": True,
            }
        )
    configuration: dict[str, Any] = {"metrics": metrics}
    if alarm.description:
        configuration["description"] = alarm.description
    _, previous_reason, previous_data, previous_value, previous_time = alarm.history[-1]
    return {
        "version": "0",
        "id": str(mock_random.uuid4()),
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": account,
        "time": alarm.state_updated_timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [alarm.alarm_arn],
        "detail": {
            "alarmName": alarm.name,
            "state": _alarm_state(
                alarm.state_reason, alarm.state_reason_data, alarm.state_value, alarm.state_updated_timestamp
            ),
            "previousState": _alarm_state(previous_reason, previous_data, previous_value, previous_time),
            "configuration": configuration,
        },
    }


def _delivered_event(event: dict[str, Any]) -> dict[str, Any]:
    """moto's internal event as EventBridge delivers it: ISO ``time``, no ``ingestion-time``."""
    import datetime

    delivered = {k: v for k, v in event.items() if k != "ingestion-time"}
    when = delivered.get("time")
    if isinstance(when, (int, float)):
        moment = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
        delivered["time"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(when, datetime.datetime):
        delivered["time"] = when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return delivered


# SNS


def sns_publish(topic_arn: str, message: str) -> str:
    """Publish ``message`` to the topic through moto's SNS (the backend of the ARN's own account and region).

    Raises what moto raises, e.g. for a topic that does not exist.
    """
    from moto.sns.models import sns_backends

    _, _, _, region, account, _ = topic_arn.split(":", 5)
    return str(sns_backends[account][region].publish(message=message, arn=topic_arn))


# SSM documents and automation executions


def has_document(account: str, region: str, name: str) -> bool:
    """Whether moto's SSM of ``account``/``region`` holds a document named ``name`` (of any type)."""
    from moto.ssm.models import ssm_backends

    return name in ssm_backends[account][region]._documents


def automation_document(account: str, region: str, name: str, version: str | None) -> str | None:
    """The version of the Automation document ``name`` that ``version`` means in moto's SSM, or None."""
    from moto.ssm.models import ssm_backends

    backend = ssm_backends[account][region]
    documents = backend._documents.get(name)
    if documents is None:
        return None
    if version in (None, "", "$DEFAULT"):
        document = documents.get_default_version()
    else:
        document = documents.find(version, strict=False)
    if document is None or document.document_type != "Automation":
        return None
    return str(document.document_version)


def automation_executions(account: str, region: str) -> dict[str, dict[str, Any]]:
    """The automation executions of moto's SSM in ``account``/``region`` (id -> description); moto's
    reset drops them with the SSM backend."""
    from moto.ssm.models import ssm_backends

    backend = ssm_backends[account][region]
    store: dict[str, dict[str, Any]] | None = getattr(backend, _EXECUTIONS, None)
    if store is None:
        store = {}
        setattr(backend, _EXECUTIONS, store)
    return store


_start_automation: AutomationStarter | None = None


class _AfterImport:
    """A ``sys.meta_path`` finder that runs ``callback(module)`` once ``name`` has been imported."""

    def __init__(self, name: str, callback: Callable[[ModuleType], None]) -> None:
        self.name = name
        self.callback = callback

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(fullname, path)
        loader = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        execute = loader.exec_module
        callback = self.callback

        def exec_module(module: ModuleType) -> None:
            execute(module)
            callback(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _add_automation_api(module: ModuleType) -> None:
    """GetAutomationExecution and StartAutomationExecution in moto's SSM (moto 5.2 has neither)."""
    from moto.core.exceptions import JsonRESTError
    from moto.core.responses import ActionResult
    from moto.ssm.exceptions import InvalidDocument

    class AutomationExecutionNotFoundException(JsonRESTError):
        def __init__(self, execution_id: str) -> None:
            super().__init__("AutomationExecutionNotFoundException", f"Automation execution {execution_id} not found")

    def get_automation_execution(self: Any) -> Any:
        execution_id = self._get_param("AutomationExecutionId")
        execution = automation_executions(self.current_account, self.region).get(execution_id)
        if execution is None:
            raise AutomationExecutionNotFoundException(execution_id)
        return ActionResult({"AutomationExecution": execution})

    def start_automation_execution(self: Any) -> Any:
        execution = None
        if _start_automation is not None:
            execution = _start_automation(
                self.current_account,
                self.region,
                self._get_param("DocumentName"),
                self._get_param("DocumentVersion"),
                self._get_param("Parameters") or {},
            )
        if execution is None:
            raise InvalidDocument("The specified document does not exist.")
        return ActionResult({"AutomationExecutionId": execution["AutomationExecutionId"]})

    responses = module.SimpleSystemManagerResponse
    for name, handler in (
        ("get_automation_execution", get_automation_execution),
        ("start_automation_execution", start_automation_execution),
    ):
        if not hasattr(responses, name):
            setattr(responses, name, handler)
