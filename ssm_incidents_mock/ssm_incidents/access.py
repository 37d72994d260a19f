"""Who may do what: the resources of each operation, IAM checks and sharing by resource policy.

A response plan is shared with another account when one of its resource policies names that
account's principal (AWS RAM creates such a policy). The consumer then uses the plan and the
incidents created with it, which stay in the owner's account (ARNs with the owner's account id).
Calls on the caller's own resources never enter the sharing path: the ARN's account is compared
first, and only a foreign one costs a policy evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import seam
from . import policies
from .exceptions import AccessDeniedException, ValidationException

if TYPE_CHECKING:
    from ..core.context import RequestContext
    from .records import ResponsePlan

PLAN = "response-plan"
RECORD = "incident-record"  # the record and its response plan (both are required resources)
RECORD_ONLY = "incident-record-only"
REPLICATION_SET = "replication-set"
TAGGABLE = "taggable"

# Operation -> (input member holding the resource ARN, resource types in the Service Authorization
# Reference for Incident Manager). Operations not listed take "*" (List*, Create*).
TARGETS: dict[str, tuple[str, str]] = {
    "BatchGetIncidentFindings": ("incidentRecordArn", RECORD),
    "CreateTimelineEvent": ("incidentRecordArn", RECORD),
    "DeleteIncidentRecord": ("arn", RECORD_ONLY),
    "DeleteReplicationSet": ("arn", REPLICATION_SET),
    "DeleteResourcePolicy": ("resourceArn", PLAN),
    "DeleteResponsePlan": ("arn", PLAN),
    "DeleteTimelineEvent": ("incidentRecordArn", RECORD_ONLY),
    "GetIncidentRecord": ("arn", RECORD),
    "GetReplicationSet": ("arn", REPLICATION_SET),
    "GetResourcePolicies": ("resourceArn", PLAN),
    "GetResponsePlan": ("arn", PLAN),
    "GetTimelineEvent": ("incidentRecordArn", RECORD),
    "ListIncidentFindings": ("incidentRecordArn", RECORD),
    "ListRelatedItems": ("incidentRecordArn", RECORD),
    "ListTagsForResource": ("resourceArn", TAGGABLE),
    "ListTimelineEvents": ("incidentRecordArn", RECORD),
    "PutResourcePolicy": ("resourceArn", PLAN),
    "StartIncident": ("responsePlanArn", PLAN),
    "TagResource": ("resourceArn", TAGGABLE),
    "UntagResource": ("resourceArn", TAGGABLE),
    "UpdateDeletionProtection": ("arn", REPLICATION_SET),
    "UpdateIncidentRecord": ("arn", RECORD),
    "UpdateRelatedItems": ("incidentRecordArn", RECORD),
    "UpdateReplicationSet": ("arn", REPLICATION_SET),
    "UpdateResponsePlan": ("arn", PLAN),
    "UpdateTimelineEvent": ("incidentRecordArn", RECORD),
}

# What a consumer may do with a shared plan and its incidents ("use and view"), if a policy allows it.
# Tags, resource policies, changing or deleting the plan and deleting incidents stay with the owner.
SHAREABLE = frozenset(
    {
        "GetResponsePlan",
        "StartIncident",
        "GetIncidentRecord",
        "UpdateIncidentRecord",
        "CreateTimelineEvent",
        "GetTimelineEvent",
        "UpdateTimelineEvent",
        "DeleteTimelineEvent",
        "ListTimelineEvents",
        "UpdateRelatedItems",
        "ListRelatedItems",
        "ListIncidentFindings",
        "BatchGetIncidentFindings",
    }
)

_RECORD_ARN = re.compile(r"^(arn:[^:]+:ssm-incidents:[^:]*:[^:]*:)incident-record/([^/]+)/[^/]+$")
_ROLE_SESSION = re.compile(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/[^/]+$")


def plan_of_record(arn: str) -> str | None:
    """The response plan ARN an incident record ARN sits under."""
    match = _RECORD_ARN.match(arn)
    return f"{match.group(1)}response-plan/{match.group(2)}" if match else None


def resources(operation: str, params: dict[str, Any]) -> list[str]:
    """The ARNs IAM checks the operation on (``*`` for operations without a resource type)."""
    target = TARGETS.get(operation)
    arn = params.get(target[0]) if target is not None else None
    if not arn:
        return ["*"]
    if target is not None and target[1] == RECORD:
        plan = plan_of_record(arn)
        return [arn, plan] if plan else [arn]
    return [arn]


def foreign_owner(operation: str, params: dict[str, Any], account_id: str) -> str | None:
    """The account owning the operation's Incident Manager ARN when it is not the caller's, else None."""
    target = TARGETS.get(operation)
    if target is None:
        return None
    arn = params.get(target[0])
    if arn is None:
        return None
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[4] == account_id:  # the usual case: the caller's own resource
        return None
    if parts[0] != "arn" or parts[2] != "ssm-incidents" or not parts[4].isdigit():
        return None
    return str(parts[4])


def denied(ctx: RequestContext, action: str, resource: str, reason: str) -> AccessDeniedException:
    """``action`` is ``<service>:<Operation>``."""
    return AccessDeniedException(
        f"User: {ctx.caller_arn} is not authorized to perform: {action} on resource: {resource} {reason}"
    )


def no_resource_policy(ctx: RequestContext, operation: str, resource: str) -> AccessDeniedException:
    action = f"ssm-incidents:{operation}"
    return denied(ctx, action, resource, f"because no resource-based policy allows the {action} action")


def check_shared(ctx: RequestContext, plans: dict[str, ResponsePlan], operation: str, arn: str) -> None:
    """Refuse a call on another account's resource unless a policy of its plan allows it (owner's lock held)."""
    kind = TARGETS[operation][1]
    plan_arn = arn if kind == PLAN else plan_of_record(arn)
    plan = plans.get(plan_arn) if plan_arn else None
    if operation not in SHAREABLE or plan is None or not plan.policies:
        raise no_resource_policy(ctx, operation, arn)
    wanted = [arn] if kind == PLAN else [arn, plan.arn]
    for resource in wanted:
        if not plan_allows(plan, ctx, operation, resource):
            raise no_resource_policy(ctx, operation, resource)


def plan_allows(plan: ResponsePlan, ctx: RequestContext, operation: str, resource: str) -> bool:
    documents = tuple(p.policy_document for p in plan.policies.values())
    return policies_allow(documents, ctx.caller_arn, ctx.account_id, f"ssm-incidents:{operation}", resource)


@lru_cache(maxsize=4096)
def policies_allow(documents: tuple[str, ...], caller: str, account_id: str, action: str, resource: str) -> bool:
    """Whether any statement of the resource policies grants ``caller`` the action on the resource."""
    forms = caller_forms(caller, account_id)
    context = {"aws:principalaccount": account_id, "aws:principalarn": caller}
    action = action.lower()
    return any(
        _grants(statement, forms, context, action, resource)
        for document in documents
        for statement in _statements(document)
    )


def caller_forms(caller: str, account_id: str) -> frozenset[str]:
    """The Principal values that name this caller: its ARN, its account (id or root ARN), its role."""
    partition = caller.split(":", 2)[1] if caller.startswith("arn:") else "aws"
    forms = {caller, account_id, f"arn:{partition}:iam::{account_id}:root"}
    session = _ROLE_SESSION.match(caller)
    if session is not None:
        forms.add(f"arn:{session.group(1)}:iam::{session.group(2)}:role/{session.group(3)}")
    return frozenset(forms)


def _statements(document: str) -> tuple[policies.Statement, ...]:
    """A stored document's statements; one that does not parse (PutResourcePolicy stores none) grants nothing."""
    try:
        return policies.parse(document)
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


def _grants(
    statement: policies.Statement, forms: frozenset[str], context: dict[str, str], action: str, resource: str
) -> bool:
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


def authorize(
    principal: Any, ctx: RequestContext, operation: str, arns: Iterable[str], service: str = "ssm-incidents"
) -> None:
    """The caller's identity policies must allow the action on every resource (moto's IAM on)."""
    action = f"{service}:{operation}"
    for resource in arns:
        decision = seam.identity_decision(principal, action, resource, wildcard_match)
        if decision == "DENIED":
            raise denied(ctx, action, resource, "with an explicit deny in an identity-based policy")
        if decision != "ALLOWED":
            raise denied(ctx, action, resource, f"because no identity-based policy allows the {action} action")
