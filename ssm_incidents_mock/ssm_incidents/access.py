"""Who may do what in ssm-incidents: the resources of each operation, and sharing by resource policy.

A response plan is shared with another account when one of its resource policies names that
account's principal (AWS RAM creates such a policy). The consumer then uses the plan and the
incidents created with it, which stay in the owner's account (ARNs with the owner's account id).
All of sharing is here: ``target`` says which backend a call runs on and what it must check
there, and finds what other accounts share with the caller for the two listings, which the
backend reads from ``ctx.shared``. Calls on the caller's own resources never enter the sharing
path: the ARN's account is compared first, and only a foreign one costs a policy evaluation.
"""

from __future__ import annotations

import heapq
from functools import partial
from itertools import repeat
from typing import Any

from ..core import iam
from ..core.arns import parse_arn
from ..core.context import RequestContext
from ..core.dispatch import Target
from .arns import plan_of_record
from .exceptions import AccessDeniedException
from .filters import Filter, parse_filters
from .models import SSMIncidentsBackend, backend_for, existing_backend, existing_backends
from .records.incidents import INCIDENT_FILTER_KEYS, IncidentRecord
from .records.index import ListPosition, list_position, listing_key
from .records.plans import ResponsePlan

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
# The listings that add what other accounts share with the caller, and the action that lets it read each.
SHARED_LISTINGS = {"ListResponsePlans": "GetResponsePlan", "ListIncidentRecords": "GetIncidentRecord"}


def target(ctx: RequestContext, operation: str, params: dict[str, Any]) -> Target:
    """The backend a call runs on: the caller's own (with what is shared with the caller, for a listing),
    or, for another account's ARN, the owner's, where its plan's policies are checked under the owner's lock."""
    owner = foreign_owner(operation, params, ctx.account_id)
    if owner is None:
        own = backend_for(ctx.account_id, ctx.partition)
        shared = shared_with(ctx, operation, own, params) if operation in SHARED_LISTINGS else ()
        return Target(own, shared=shared)
    arn = params[TARGETS[operation][0]]
    backend = existing_backend(owner, ctx.partition)
    if backend is None:  # an account the mock never saw shares nothing
        raise no_resource_policy(ctx, operation, arn)
    return Target(backend, owner, partial(check_shared, ctx, backend.response_plans, operation, arn))


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
    parsed = parse_arn(arn)
    if parsed is None or parsed.account == account_id:  # the usual case: the caller's own resource
        return None
    if parsed.service != "ssm-incidents" or not parsed.account.isdigit():
        return None
    return parsed.account


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


def shared_with(
    ctx: RequestContext, operation: str, backend: SSMIncidentsBackend, params: dict[str, Any]
) -> tuple[Any, ...]:
    """For a listing of the caller's ``backend``: the plans of other accounts whose resource policies share
    them with the caller, or a page's worth of those plans' incident records.

    Each owner's lock is taken and released in turn (never two backend locks at once) and held for
    work bounded by the page: records come from each plan's index, newest first from the request's
    position, so the consumer's page costs what the owner's does.
    """
    listing_records = operation == "ListIncidentRecords"
    filters: list[Filter] = []
    position: ListPosition | None = None
    limit = (params.get("maxResults") or 100) + 1  # a page, and one more to know whether another follows
    if listing_records:
        filters = parse_filters(params.get("filters"), INCIDENT_FILTER_KEYS)
        position = list_position(backend.page_position(operation, params.get("filters"), params.get("nextToken")))
    action = SHARED_LISTINGS[operation]
    found: list[Any] = []
    for account, _, owner in existing_backends(ctx.partition):
        if account == ctx.account_id or not owner.response_plans:
            continue
        with owner.lock:
            if not owner.visible(ctx):
                continue
            plans = [
                plan
                for plan in owner.response_plans.values()
                if plan.policies and plan_allows(plan, ctx, action, plan.arn)
            ]
            if not listing_records:
                found.extend(plans)
            elif plans:
                found.extend(_shared_records(owner, ctx, plans, filters, position, limit))
    return tuple(sorted(found, key=listing_key) if listing_records else found)


def _shared_records(
    owner: SSMIncidentsBackend,
    ctx: RequestContext,
    plans: list[ResponsePlan],
    filters: list[Filter],
    position: ListPosition | None,
    limit: int,
) -> list[IncidentRecord]:
    """The first ``limit`` records of ``plans`` after ``position`` that their policies let the caller read.

    The plans' indexes are merged lazily, so only records that reach the page are checked (owner's lock held).
    """
    sources = [
        zip(owner.incidents.newest_first_after(filters, position, plan.name), repeat(plan), strict=False)
        for plan in plans
    ]
    found: list[IncidentRecord] = []
    for record, plan in heapq.merge(*sources, key=lambda pair: listing_key(pair[0])):
        if plan_allows(plan, ctx, "GetIncidentRecord", record.arn):
            found.append(record)
            if len(found) == limit:
                break
    return found
