"""ssm-incidents for the one dispatcher (``dispatch.py``): which backend a call runs on, sharing, IAM."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.context import RequestContext
from ..core.dispatch import Service, Target
from ..core.dispatch import dispatch as dispatch_to
from ..core.wire.http import Request, Response, split_url
from ..core.wire.model import OperationSpec
from . import SPEC, access
from .models import SSMIncidentsBackend, ssmincidents_backends
from .records import IncidentRecord, ResponsePlan


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
            extra = None
            if name in _SHARED_LISTINGS:
                shared = _shared_with(ctx, name)
                extra = {"shared": shared} if shared else None
            return Target(backend_for(ctx.account_id, ctx.partition), extra=extra)
        backend = _owner_backend(ctx, name, params, owner)
        arn = params[access.TARGETS[name][0]]
        return Target(backend, owner, lambda: access.check_shared(ctx, backend.response_plans, name, arn))

    def authorize(self, principal: Any, ctx: RequestContext, op: OperationSpec, params: dict[str, Any]) -> None:
        access.authorize(principal, ctx, op.name, access.resources(op.name, params))


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


def _shared_with(ctx: RequestContext, operation: str) -> list[Any]:
    """Plans (or their incident records) of other accounts whose resource policies share them with the caller.

    Each owner's lock is taken and released in turn: never two backend locks at once.
    """
    found: list[Any] = []
    for account, partitions in list(dict.items(ssmincidents_backends)):
        owner = dict.get(partitions, ctx.partition) if account != ctx.account_id else None
        if owner is None or not owner.response_plans:
            continue
        with owner.lock:
            if not owner.visible(ctx):
                continue
            for plan in list(owner.response_plans.values()):
                if plan.policies:
                    found.extend(_shared_items(owner, ctx, operation, plan))
    return found


def _shared_items(
    owner: SSMIncidentsBackend, ctx: RequestContext, operation: str, plan: ResponsePlan
) -> list[ResponsePlan] | list[IncidentRecord]:
    if operation == "ListResponsePlans":
        return [plan] if access.plan_allows(plan, ctx, "GetResponsePlan", plan.arn) else []
    if not access.plan_allows(plan, ctx, "GetIncidentRecord", plan.arn):
        return []
    prefix = plan.arn.replace(":response-plan/", ":incident-record/", 1) + "/"
    return [
        record
        for record in owner.incidents.records
        if record.arn.startswith(prefix) and access.plan_allows(plan, ctx, "GetIncidentRecord", record.arn)
    ]


def url_handler(request: Any, full_url: str, headers: Mapping[str, str]) -> Response:
    """moto's entry point (``urls.url_paths``): its ``responses`` callback and its server call this."""
    body = request.get_data() if hasattr(request, "get_data") else request.body  # werkzeug or botocore request
    host, path, query = split_url(full_url or request.url)
    method = getattr(request, "method", "GET")
    return dispatch(Request(method, path, query, request.headers or headers, body), host)
