"""Who may do what in ssm-incidents: the resources of each operation and sharing by resource policy.

A response plan is shared with another account when one of its resource policies names that
account's principal (AWS RAM creates such a policy). The consumer then uses the plan and the
incidents created with it, which stay in the owner's account (ARNs with the owner's account id).
Calls on the caller's own resources never enter the sharing path: the ARN's account is compared
first, and only a foreign one costs a policy evaluation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..core import iam
from .exceptions import AccessDeniedException

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


def no_resource_policy(ctx: RequestContext, operation: str, resource: str) -> AccessDeniedException:
    action = f"ssm-incidents:{operation}"
    return iam.denied(ctx, action, resource, f"because no resource-based policy allows the {action} action")


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
    return iam.policies_allow(documents, ctx.caller_arn, ctx.account_id, f"ssm-incidents:{operation}", resource)
