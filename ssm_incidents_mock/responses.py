"""The dispatcher: every transport hands it a request; it walks down once and returns the answer.

route -> caller context -> (moto's IAM on: authenticate) -> parse and validate (``wire``) -> (authorize)
-> owner of the resource (another account's only through sharing) -> idempotency -> backend -> render.
The backend method and how its result becomes the output come from the model (``wire.model``).
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Mapping
from itertools import repeat
from typing import Any

from . import access, seam
from .context import RequestContext
from .exceptions import ConflictException, InternalServerException, ServiceError, ValidationException
from .filters import Filter, parse_filters
from .models import IDEMPOTENCY_CACHE_SIZE, PARTITIONS, SSMIncidentsBackend, ssmincidents_backends
from .records import INCIDENT_FILTER_KEYS, IncidentRecord, ListPosition, ResponsePlan, list_position, listing_key
from .wire.codec import digest
from .wire.model import OperationSpec
from .wire.rest_json import (
    Request,
    Response,
    UnknownOperation,
    parse,
    render_auth_error,
    render_error,
    render_result,
    render_unknown,
    route,
    split_url,
)

log = logging.getLogger(__name__)


def backend_for(account_id: str, partition: str) -> SSMIncidentsBackend:
    """``ssmincidents_backends[account_id][partition]``: read directly once it exists.

    moto's ``BackendDict.__getitem__`` takes a lock and scans lists on every lookup to create
    missing backends; that is needed only the first time.
    """
    accounts = dict.get(ssmincidents_backends, account_id)
    backend = dict.get(accounts, partition) if accounts is not None else None
    return backend if backend is not None else ssmincidents_backends[account_id][partition]


def dispatch(request: Request, host: str) -> Response:
    """Answer one ssm-incidents request. ``host`` carries the region when it is an AWS host."""
    op: OperationSpec | None = None
    try:
        op, labels = route(request)
        ctx = RequestContext.from_request(host, request.headers)
        if ctx.partition not in PARTITIONS:
            raise ValidationException(
                f"Incident Manager is not available in the region {ctx.region} ({ctx.partition})."
            )
        principal = _authenticate(request, host, ctx, op) if seam.iam_enabled() else None
        params = parse(op, labels, request)
        name = op.name
        if principal is not None:
            access.authorize(principal, ctx, name, access.resources(name, params))
        owner = access.foreign_owner(name, params, ctx.account_id)
        backend = (
            backend_for(ctx.account_id, ctx.partition) if owner is None else _owner_backend(ctx, name, params, owner)
        )
        method = getattr(backend, op.method_name, None)
        if method is None:
            raise InternalServerException(f"{name} is not implemented by ssm-incidents-mock yet.")
        # An empty clientToken is no token: SDK callers pass "" to mean "none" and AWS accepts that.
        token = params.pop(op.idempotency_token, None) if op.idempotency_token else None
        names = op.argument_names
        kwargs = {names[k]: v for k, v in params.items()}
        if name in _SHARED_LISTINGS:
            shared = _shared_with(ctx, name, backend, params)
            if shared:
                kwargs["shared"] = shared
        with backend.lock:
            if owner is not None:
                access.check_shared(ctx, backend.response_plans, name, params[access.TARGETS[name][0]])
            if not token:
                return render_result(op, method(ctx, **kwargs))
            key = (name, token) if owner is None else (name, token, ctx.account_id)
            return _idempotent(backend, op, key, digest(params), lambda: render_result(op, method(ctx, **kwargs)))
    except UnknownOperation as error:
        return render_unknown(error)
    except seam.AuthError as error:
        return render_auth_error(error.code, error.message)
    except ServiceError as error:
        return render_error(op, error)
    except Exception:  # a bug in the mock: answer like AWS would, never with a stack trace
        log.exception("ssm-incidents-mock failed on %s %s", request.method, request.path)
        return render_error(op, InternalServerException("The mock failed to process the request."))


def _owner_backend(ctx: RequestContext, name: str, params: dict[str, Any], owner: str) -> SSMIncidentsBackend:
    """The backend of another account the ARN names; an account the mock never saw shares nothing."""
    accounts = dict.get(ssmincidents_backends, owner)
    backend = dict.get(accounts, ctx.partition) if accounts is not None else None
    if backend is None:
        raise access.no_resource_policy(ctx, name, params[access.TARGETS[name][0]])
    return backend


def _authenticate(request: Request, host: str, ctx: RequestContext, op: OperationSpec) -> Any:
    """moto's signature check for this request; its principal (AWS authenticates before it validates)."""
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    netloc = host.split("://", 1)[-1] or "localhost"
    url = f"https://{netloc}{request.path}" + (f"?{request.query}" if request.query else "")
    return seam.authenticate(request.method, url, request.headers, body, ctx.account_id, op.name)


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


def _idempotent(
    backend: SSMIncidentsBackend, op: OperationSpec, key: tuple[str, ...], fingerprint: str, call: Any
) -> Response:
    """Same token + same input: the first answer again. Same token + other input: rejected."""
    token = key[1]
    cached = backend.idempotency.get(key)
    if cached is not None:
        if cached[0] != fingerprint:
            message = f"The clientToken {token} was already used with different parameters."
            raise ConflictException(message) if "ConflictException" in op.errors else ValidationException(message)
        response: Response = cached[1]
        return response
    response = call()
    cache = backend.idempotency
    cache[key] = (fingerprint, response)
    if len(cache) > IDEMPOTENCY_CACHE_SIZE:
        del cache[next(iter(cache))]
    return response


def url_handler(request: Any, full_url: str, headers: Mapping[str, str]) -> Response:
    """moto's entry point (``urls.url_paths``): its ``responses`` callback and its server call this."""
    body = request.get_data() if hasattr(request, "get_data") else request.body  # werkzeug or botocore request
    host, path, query = split_url(full_url or request.url)
    method = getattr(request, "method", "GET")
    return dispatch(Request(method, path, query, request.headers or headers, body), host)
