"""The resource-policy language of response plans: checked when PutResourcePolicy stores a policy,
parsed into plain tuples of strings that the sharing checks (``access.py``) read.

The grammar is IAM's (Grammar of the IAM JSON policy language) for resource-based policies, with
Incident Manager's one restriction: every statement allows. Whatever passes here is made of
strings only, so evaluating it can never fail.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from ..core.wire import codec
from .exceptions import ValidationException

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_ELEMENTS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_ELEMENTS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
_PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
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
