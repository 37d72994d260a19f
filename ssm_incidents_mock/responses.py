"""The dispatcher: every transport hands it a request; it walks down once and returns the answer.

route -> caller context -> (moto's IAM on: authenticate) -> parse and validate (``wire``) -> (authorize)
-> owner of the resource (another account's only through sharing) -> idempotency -> backend -> render.
The backend method and how its result becomes the output come from the model (``wire.model``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from . import access, seam
from .context import RequestContext
from .exceptions import ConflictException, InternalServerException, ServiceError, ValidationException
from .models import IDEMPOTENCY_CACHE_SIZE, PARTITIONS, SSMIncidentsBackend, ssmincidents_backends
from .records import IncidentRecord, ResponsePlan
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
            shared = _shared_with(ctx, name)
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
