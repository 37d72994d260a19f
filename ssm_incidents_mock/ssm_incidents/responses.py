"""ssm-incidents for the one dispatcher (``dispatch.py``): which backend a call runs on, sharing, IAM."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from itertools import repeat
from typing import Any

from ..core.context import RequestContext
from ..core.dispatch import Service, Target
from ..core.dispatch import dispatch as dispatch_to
from ..core.wire.http import Request, Response, split_url
from ..core.wire.model import OperationSpec
from . import SPEC, access
from .filters import Filter, parse_filters
from .models import SSMIncidentsBackend, ssmincidents_backends
from .records import INCIDENT_FILTER_KEYS, IncidentRecord, ListPosition, ResponsePlan, list_position, listing_key


def backend_for(account_id: str, partition: str) -> SSMIncidentsBackend:
    """``ssmincidents_backends[account_id][partition]``: read directly once it exists.

    moto's ``BackendDict.__getitem__`` takes a lock and scans lists on every lookup to create
    missing backends; that is needed only the first time.
    """
    accounts = dict.get(ssmincidents_backends, account_id)
    backend = dict.get(accounts, partition) if accounts is not None else None
    return backend if backend is not None else ssmincidents_backends[account_id][partition]


class SSMIncidentsService(Service):
    """ssm-incidents for the dispatcher: backends per account and partition, plans shared by resource policy."""

    def target(self, ctx: RequestContext, op: OperationSpec, params: dict[str, Any]) -> Target:
        name = op.name
        owner = access.foreign_owner(name, params, ctx.account_id)
        if owner is None:
            own = backend_for(ctx.account_id, ctx.partition)
            extra = None
            if name in _SHARED_LISTINGS:
                shared = _shared_with(ctx, name, own, params)
                extra = {"shared": shared} if shared else None
            return Target(own, extra=extra)
        backend = _owner_backend(ctx, name, params, owner)
        arn = params[access.TARGETS[name][0]]
        return Target(backend, owner, lambda: access.check_shared(ctx, backend.response_plans, name, arn))

    def resources(self, op: OperationSpec, params: dict[str, Any]) -> list[str]:
        return access.resources(op.name, params)


SERVICE = SSMIncidentsService(SPEC)


def dispatch(request: Request, host: str) -> Response:
    """Answer one ssm-incidents request. ``host`` carries the region when it is an AWS host."""
    return dispatch_to(SERVICE, request, host)


def _owner_backend(ctx: RequestContext, name: str, params: dict[str, Any], owner: str) -> SSMIncidentsBackend:
    """The backend of another account the ARN names; an account the mock never saw shares nothing."""
    accounts = dict.get(ssmincidents_backends, owner)
    backend = dict.get(accounts, ctx.partition) if accounts is not None else None
    if backend is None:
        raise access.no_resource_policy(ctx, name, params[access.TARGETS[name][0]])
    return backend


_SHARED_LISTINGS = ("ListResponsePlans", "ListIncidentRecords")


def _shared_with(
    ctx: RequestContext, operation: str, backend: SSMIncidentsBackend, params: dict[str, Any]
) -> list[Any]:
    """Plans of other accounts whose resource policies share them with the caller, or a page's worth of their
    incident records.

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
    found: list[Any] = []
    for account, partitions in list(dict.items(ssmincidents_backends)):
        owner = dict.get(partitions, ctx.partition) if account != ctx.account_id else None
        if owner is None or not owner.response_plans:
            continue
        with owner.lock:
            if not owner.visible(ctx):
                continue
            action = "GetIncidentRecord" if listing_records else "GetResponsePlan"
            plans = [
                plan
                for plan in owner.response_plans.values()
                if plan.policies and access.plan_allows(plan, ctx, action, plan.arn)
            ]
            if not listing_records:
                found.extend(plans)
            elif plans:
                found.extend(_shared_items(owner, ctx, plans, filters, position, limit))
    return sorted(found, key=listing_key) if listing_records else found


def _shared_items(
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
        if access.plan_allows(plan, ctx, "GetIncidentRecord", record.arn):
            found.append(record)
            if len(found) == limit:
                break
    return found


def url_handler(request: Any, full_url: str, headers: Mapping[str, str]) -> Response:
    """moto's entry point (``urls.url_paths``): its ``responses`` callback and its server call this."""
    body = request.get_data() if hasattr(request, "get_data") else request.body  # werkzeug or botocore request
    host, path, query = split_url(full_url or request.url)
    method = getattr(request, "method", "GET")
    return dispatch(Request(method, path, query, request.headers or headers, body), host)
