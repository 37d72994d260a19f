"""Who is calling, and IAM as moto's own services enforce it."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

from .versions import moto_internal_moved

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
