"""Who may do what in ssm-contacts: the resource of each operation, and sharing by contact policy.

A contact (or escalation plan, or on-call schedule) is shared with another account when its policy
grants that account's principal ``ssm-contacts:<Operation>`` (AWS RAM makes such a policy). The
consumer views and engages the contact and sees its engagements and their pages, which stay in the
owner's account (ARNs with the owner's account id). Everything else (changing or deleting the
contact, its policy, tags, channels, rotations, acknowledging pages) stays with the owner.

``target`` says which backend a call runs on and what it must check there under the owner's lock,
and finds what other accounts share with the caller for the two listings, which the backend reads
from ``ctx.shared``. A call on the caller's own ARN never enters the sharing path: the ARN's account
is compared first, and only a foreign one costs a policy evaluation.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from functools import cache, partial
from itertools import islice, repeat
from typing import Any

from ..core import iam
from ..core.arns import parse_arn
from ..core.context import RequestContext
from ..core.dispatch import Target
from ..core.exceptions import AccessDeniedException
from ..core.wire.model import OperationSpec
from .exceptions import ValidationException
from .models import SSMContactsBackend, contacts_backend, existing_backend, existing_backends
from .pages import engagement_filter, engagement_key, engagement_scope
from .policies import contact_allows
from .records import Contact, Engagement, arn_kind
from .state import DEFAULT_PAGE_SIZE, SERVICE_NAME

# The input members that name the resource an operation acts on (its first one in the model's order).
RESOURCE_MEMBERS = frozenset(
    {"ContactId", "ContactArn", "ContactChannelId", "EngagementId", "PageId", "RotationId", "ResourceARN"}
)

# What a consumer may do with a shared contact ("view and use", User Guide), when its policy allows it.
SHAREABLE = frozenset(
    {
        "GetContact",
        "StartEngagement",
        "ListPagesByContact",
        "DescribeEngagement",
        "ListPagesByEngagement",
        "StopEngagement",
        "DescribePage",
        "ListPageReceipts",
        "ListPageResolutions",
    }
)
# The listings that add what other accounts share with the caller, and the action that lets it read each.
SHARED_LISTINGS = {"ListContacts": "GetContact", "ListEngagements": "DescribeEngagement"}


@cache  # one answer per operation of the model, asked on every request
def resource_member(operation: OperationSpec) -> str | None:
    """The input member holding the ARN the operation acts on (None: List*, Create* of new resources)."""
    return next((name for name in operation.argument_names if name in RESOURCE_MEMBERS), None)


def resources(operation: OperationSpec, params: dict[str, Any]) -> list[str]:
    """The ARNs IAM checks the operation on (``*`` for operations without a resource type)."""
    member = resource_member(operation)
    arn = params.get(member) if member is not None else None
    return [arn] if isinstance(arn, str) and arn else ["*"]


def target(ctx: RequestContext, operation: OperationSpec, params: dict[str, Any]) -> Target:
    """The backend a call runs on: the caller's own in the calling region (with what is shared with the
    caller, for a listing), or, for another account's ARN, the owner's there, where the contact's policy
    is checked under the owner's lock."""
    member = resource_member(operation)
    arn = params.get(member) if member is not None else None
    owner = foreign_owner(arn, ctx.account_id) if isinstance(arn, str) else None
    if owner is not None and isinstance(arn, str):
        backend = existing_backend(owner, ctx.region)
        if backend is None:  # an account the mock never saw in this region shares nothing
            raise no_resource_policy(ctx, operation.name, arn)
        return Target(backend, owner, partial(check_shared, ctx, backend, operation.name, arn))
    own = contacts_backend(ctx.account_id, ctx.region)
    if own is None:
        raise ValidationException(f"Incident Manager Contacts is not available in the region {ctx.region}.")
    name = operation.name
    return Target(own, shared=shared_with(ctx, name, own, params) if name in SHARED_LISTINGS else ())


def foreign_owner(arn: str, account_id: str) -> str | None:
    """The account owning an ssm-contacts ARN when it is not the caller's, else None."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.account == account_id:  # the usual case: the caller's own resource
        return None
    if parsed.service != SERVICE_NAME or len(parsed.account) != 12 or not parsed.account.isdigit():
        return None
    return parsed.account


def no_resource_policy(ctx: RequestContext, operation: str, resource: str) -> AccessDeniedException:
    action = f"{SERVICE_NAME}:{operation}"
    return iam.denied(ctx, action, resource, f"because no resource-based policy allows the {action} action")


def check_shared(ctx: RequestContext, backend: SSMContactsBackend, operation: str, arn: str) -> None:
    """Refuse a call on another account's resource unless the policy of a contact it belongs to allows it
    (owner's lock held). Nothing tells the caller whether the resource exists."""
    if operation in SHAREABLE and backend.onboarded():
        for contact in contacts_of(backend, arn):
            if contact_allows(contact, ctx, operation, arn):
                return
    raise no_resource_policy(ctx, operation, arn)


def contacts_of(backend: SSMContactsBackend, arn: str) -> list[Contact]:
    """The contacts whose policy decides who else may act on ``arn``: the contact itself, an engagement's
    engaged contact, a page's engaged contact and its paged contact (owner's lock held)."""
    parts = arn_kind(arn)
    kind = parts[3] if parts is not None else ""
    contact_arns: list[str] = []
    if kind == "contact":
        contact_arns = [arn]
    elif kind == "engagement":
        engagement = backend.engagements.get(arn)
        contact_arns = [engagement.contact_arn] if engagement is not None else []
    elif kind == "page":
        page = backend.pages.get(arn)
        contact_arns = [page.engagement.contact_arn, page.contact_arn] if page is not None else []
    found = (backend.contacts.get(contact_arn) for contact_arn in dict.fromkeys(contact_arns))
    return [contact for contact in found if contact is not None]


def shared_with(
    ctx: RequestContext, operation: str, backend: SSMContactsBackend, params: dict[str, Any]
) -> tuple[Any, ...]:
    """For a listing of the caller's ``backend``: the contacts of other accounts in the region whose policies
    share them with the caller, or a page's worth of those contacts' engagements after the request's position."""
    if operation == "ListContacts":
        return tuple(_from_each_owner(ctx, "GetContact", lambda owner, contacts: contacts))
    incident_id, time_range = params.get("IncidentId"), params.get("TimeRangeValue")
    wanted = engagement_filter(incident_id, time_range)
    position = backend.page_position(operation, engagement_scope(incident_id, time_range), params.get("NextToken"))
    key = tuple(position) if isinstance(position, list) else None
    limit = (params.get("MaxResults") or DEFAULT_PAGE_SIZE) + 1  # a page, and one more to know if another follows
    found = _from_each_owner(
        ctx,
        "DescribeEngagement",
        lambda owner, contacts: _shared_engagements(owner, ctx, contacts, wanted, key, limit),
    )
    return tuple(heapq.nlargest(limit, found, key=engagement_key))


def _from_each_owner(
    ctx: RequestContext, action: str, collect: Callable[[SSMContactsBackend, list[Contact]], Iterable[Any]]
) -> list[Any]:
    """What ``collect`` finds in each other account of the region among its contacts shared with the caller
    for ``action``. Each owner's lock is taken and released in turn (never two backend locks at once) and held
    for work bounded by the contacts that have a policy and what ``collect`` takes of them."""
    found: list[Any] = []
    for account, owner in existing_backends(ctx.region):
        if account == ctx.account_id or not owner.policy_contacts:
            continue
        with owner.lock:
            contacts = owner.contacts_shared_with(ctx, action)
            if contacts:
                found.extend(collect(owner, contacts))
    return found


def _shared_engagements(
    owner: SSMContactsBackend,
    ctx: RequestContext,
    contacts: list[Contact],
    wanted: Callable[[Engagement], bool],
    key: tuple[Any, ...] | None,
    limit: int,
) -> list[Engagement]:
    """The first ``limit`` engagements of ``contacts`` older than ``key``, newest first, that their policies let
    the caller describe (owner's lock held). The contacts' indexes are merged lazily: only engagements that
    reach the page are checked."""
    sources: list[Iterator[tuple[Engagement, Contact]]] = [
        zip(owner.engagements_before(key, wanted, contact.contact_arn), repeat(contact), strict=False)
        for contact in contacts
    ]
    merged = heapq.merge(*sources, key=lambda pair: engagement_key(pair[0]), reverse=True)
    allowed = (e for e, contact in merged if contact_allows(contact, ctx, "DescribeEngagement", e.engagement_arn))
    return list(islice(allowed, limit))
