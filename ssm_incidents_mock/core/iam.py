"""IAM for every service: resource policies checked when stored and evaluated, identity policies asked.

Resource policies (response plans', contacts') follow IAM's grammar for resource-based policies,
with Incident Manager's one restriction: every statement allows. ``parse`` checks a document when
it is stored and turns it into plain tuples of strings, so evaluating it can never fail.
Identity policies are moto's: the seam asks moto's IAM for a decision (``authorize``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import seam
from .exceptions import AccessDeniedException, ValidationException
from .wire import codec

if TYPE_CHECKING:
    from .context import RequestContext

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_ELEMENTS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_ELEMENTS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
_PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
_ROLE_SESSION = re.compile(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/[^/]+$")
# "vendor:action" (IAM: one colon, a vendor of letters, digits, "-" and "."), or "*"
_ACTION = re.compile(r"\*|[A-Za-z0-9.-]+:[^:]+")


class Statement(NamedTuple):
    """One Allow statement. ``None`` principals/resources: NotPrincipal/NotResource (such a statement never grants)."""

    principals: tuple[str, ...] | None  # the AWS principals ("*" for anyone)
    actions: tuple[str, ...]  # lower case: IAM matches action names case-insensitively
    not_action: bool
    resources: tuple[str, ...] | None
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]  # (operator, key in lower case, values)


def _invalid(number: int, problem: str) -> ValidationException:
    return ValidationException(f"Statement {number} of the policy is invalid: {problem}")


@lru_cache(maxsize=256)
def parse(policy: str) -> tuple[Statement, ...]:
    """The statements of a policy document, or ValidationException saying what is wrong with it."""
    try:
        document = codec.decode(policy)
    except (ValueError, RecursionError):
        raise ValidationException("The policy is not a valid JSON document.") from None
    if not isinstance(document, dict):
        raise ValidationException("The policy must be a JSON object.")
    unknown = sorted(set(document) - _TOP_ELEMENTS)
    if unknown:
        raise ValidationException(f"The policy has an unknown element '{unknown[0][:64]}'.")
    if "Version" in document and document["Version"] not in VERSIONS:
        raise ValidationException(f"The policy Version must be one of {', '.join(VERSIONS)}.")
    if "Id" in document and not isinstance(document["Id"], str):
        raise ValidationException("The policy Id must be a string.")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not statements or not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise ValidationException("The policy must contain at least one statement.")
    parsed = tuple(_statement(number, statement) for number, statement in enumerate(statements, 1))
    sids = [s["Sid"] for s in statements if s.get("Sid")]
    if len(sids) != len(set(sids)):
        raise ValidationException("Statement IDs (SID) in a single policy must be unique.")
    return parsed


def _statement(number: int, statement: dict[str, Any]) -> Statement:
    if statement.get("Effect") != "Allow":
        raise ValidationException("Every statement of the policy must have the effect Allow.")
    unknown = sorted(set(statement) - _STATEMENT_ELEMENTS)
    if unknown:
        raise _invalid(number, f"unknown element '{unknown[0][:64]}'.")
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        raise _invalid(number, "Sid must be a string.")
    principal_key = _one_of(number, statement, "Principal", "NotPrincipal")
    action_key = _one_of(number, statement, "Action", "NotAction")
    resource_key = _one_of(number, statement, "Resource", "NotResource")
    principals = _principals(number, statement[principal_key])
    actions = _strings(number, action_key, statement[action_key])
    for action in actions:
        if not _ACTION.fullmatch(action):
            raise _invalid(
                number, f"the action '{action[:128]}' must be \"*\" or prefaced by a vendor, e.g. ssm-incidents:*."
            )
    resources = _strings(number, resource_key, statement[resource_key])
    for resource in resources:
        if resource != "*" and not resource.startswith("arn:"):
            raise _invalid(number, f"the resource '{resource[:128]}' must be in ARN format or \"*\".")
    return Statement(
        principals if principal_key == "Principal" else None,
        tuple(action.lower() for action in actions),
        action_key == "NotAction",
        resources if resource_key == "Resource" else None,
        _conditions(number, statement.get("Condition", {})),
    )


def _one_of(number: int, statement: dict[str, Any], key: str, negated: str) -> str:
    if (key in statement) == (negated in statement):
        raise _invalid(number, f"it must have exactly one of {key} and {negated}.")
    return key if key in statement else negated


def _strings(number: int, key: str, value: Any) -> tuple[str, ...]:
    """A string or a non-empty list of strings, none of them empty."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
        raise _invalid(number, f"{key} must be a non-empty string or a non-empty list of non-empty strings.")
    return tuple(values)


def _principals(number: int, principal: Any) -> tuple[str, ...]:
    if principal == "*":
        return ("*",)
    if not isinstance(principal, dict) or not principal or not set(principal) <= _PRINCIPAL_TYPES:
        raise _invalid(
            number, 'a principal must be "*" or an object of AWS, Service, Federated or CanonicalUser principals.'
        )
    named = {kind: _strings(number, f"Principal {kind}", value) for kind, value in principal.items()}
    return named.get("AWS", ())


def _conditions(number: int, condition: Any) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    problem = "Condition must map operators to objects of condition keys and their values (strings, numbers, booleans)."
    if not isinstance(condition, dict) or not all(isinstance(pairs, dict) for pairs in condition.values()):
        raise _invalid(number, problem)
    parsed = []
    for operator, pairs in condition.items():
        for key, expected in pairs.items():
            values = expected if isinstance(expected, list) else [expected]
            if not all(isinstance(v, (str, int, float)) for v in values):  # bool is an int
                raise _invalid(number, problem)
            parsed.append((operator, key.lower(), tuple(_condition_text(v) for v in values)))
    return tuple(parsed)


def _condition_text(value: str | float) -> str:
    """A condition value as IAM compares it: numbers and booleans as their JSON text."""
    return value if isinstance(value, str) else codec.compact(value)


@lru_cache(maxsize=4096)
def policies_allow(documents: tuple[str, ...], caller: str, account_id: str, action: str, resource: str) -> bool:
    """Whether any statement of the resource policies grants ``caller`` the action on the resource."""
    forms = caller_forms(caller, account_id)
    context = {"aws:principalaccount": account_id, "aws:principalarn": caller}
    action = action.lower()
    return any(
        _grants(statement, forms, context, action, resource)
        for document in documents
        for statement in _stored_statements(document)
    )


def caller_forms(caller: str, account_id: str) -> frozenset[str]:
    """The Principal values that name this caller: its ARN, its account (id or root ARN), its role."""
    partition = caller.split(":", 2)[1] if caller.startswith("arn:") else "aws"
    forms = {caller, account_id, f"arn:{partition}:iam::{account_id}:root"}
    session = _ROLE_SESSION.match(caller)
    if session is not None:
        forms.add(f"arn:{session.group(1)}:iam::{session.group(2)}:role/{session.group(3)}")
    return frozenset(forms)


def _stored_statements(document: str) -> tuple[Statement, ...]:
    """A stored document's statements; one that does not parse grants nothing."""
    try:
        return parse(document)
    except ValidationException:
        return ()


def _names(principals: tuple[str, ...], forms: frozenset[str]) -> bool:
    for value in principals:
        if value == "*" or value in forms:
            return True
        if ":role/" in value:  # a role ARN with a path names the session of that role
            head, _, rest = value.partition(":role/")
            if f"{head}:role/{rest.rsplit('/', 1)[-1]}" in forms:
                return True
    return False


def _grants(statement: Statement, forms: frozenset[str], context: dict[str, str], action: str, resource: str) -> bool:
    """A statement grants only if it names the caller, its conditions hold and it covers the action and resource.

    NotPrincipal and NotResource statements never grant.
    """
    if statement.principals is None or statement.resources is None or not _names(statement.principals, forms):
        return False
    if statement.conditions and not _conditions_hold(statement.conditions, context):
        return False
    if any(wildcard_match(a, action) for a in statement.actions) == statement.not_action:
        return False
    return any(wildcard_match(r, resource) for r in statement.resources)


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.DOTALL)


def wildcard_match(pattern: str, value: str) -> bool:
    """IAM's wildcard match: ``*`` is any run of characters, ``?`` any one; every other character is itself."""
    return pattern == value or pattern == "*" or _wildcard(pattern).fullmatch(value) is not None


def _conditions_hold(conditions: tuple[tuple[str, str, tuple[str, ...]], ...], context: dict[str, str]) -> bool:
    """StringEquals/StringLike (IgnoreCase, IfExists) on aws:PrincipalAccount and aws:PrincipalArn.

    Any other operator or key (aws:PrincipalOrgID: the mock knows no organizations) does not hold.
    """
    for operator, key, values in conditions:
        if_exists = operator.endswith("IfExists")
        base = operator[: -len("IfExists")] if if_exists else operator
        if base not in ("StringEquals", "StringEqualsIgnoreCase", "StringLike"):
            return False
        actual = context.get(key)
        if actual is None:
            if if_exists:
                continue
            return False
        if base == "StringEquals":
            ok = actual in values
        elif base == "StringEqualsIgnoreCase":
            ok = actual.lower() in (v.lower() for v in values)
        else:
            ok = any(wildcard_match(v, actual) for v in values)
        if not ok:
            return False
    return True


def denied(ctx: RequestContext, action: str, resource: str, reason: str) -> AccessDeniedException:
    """``action`` is ``<service>:<Operation>``."""
    return AccessDeniedException(
        f"User: {ctx.caller_arn} is not authorized to perform: {action} on resource: {resource} {reason}"
    )


def authorize(principal: Any, ctx: RequestContext, action: str, arns: Iterable[str]) -> None:
    """The caller's identity policies must allow ``action`` (``<service>:<Operation>``) on every resource."""
    for resource in arns:
        decision = seam.identity_decision(principal, action, resource, wildcard_match)
        if decision == "DENIED":
            raise denied(ctx, action, resource, "with an explicit deny in an identity-based policy")
        if decision != "ALLOWED":
            raise denied(ctx, action, resource, f"because no identity-based policy allows the {action} action")
