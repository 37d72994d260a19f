"""Request handling: one thin handler per operation, and the dispatcher every transport calls."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from .context import RequestContext
from .exceptions import ConflictException, InternalServerException, ServiceError, ValidationException
from .models import IDEMPOTENCY_CACHE_SIZE, SSMIncidentsBackend, ssmincidents_backends
from .protocol import (
    RawRequest,
    Request,
    Response,
    UnknownOperation,
    parse,
    render_error,
    render_result,
    render_unknown,
)
from .spec import OperationSpec

log = logging.getLogger(__name__)


class SSMIncidentsResponse:
    """Maps each operation's parsed input to one backend call and its output members."""

    def __init__(self, backend: SSMIncidentsBackend, ctx: RequestContext) -> None:
        self.backend = backend
        self.ctx = ctx

    # --- replication sets
    def create_replication_set(self, **kw: Any) -> Any:
        return {"arn": self.backend.create_replication_set(self.ctx, **kw)}

    def get_replication_set(self, arn: str) -> Any:
        return {"replicationSet": self.backend.get_replication_set(self.ctx, arn)}

    def list_replication_sets(self, **kw: Any) -> Any:
        arns, token = self.backend.list_replication_sets(self.ctx, **kw)
        return {"replicationSetArns": arns, "nextToken": token}

    def update_replication_set(self, **kw: Any) -> None:
        self.backend.update_replication_set(self.ctx, **kw)

    def delete_replication_set(self, arn: str) -> None:
        self.backend.delete_replication_set(self.ctx, arn)

    def update_deletion_protection(self, **kw: Any) -> None:
        self.backend.update_deletion_protection(self.ctx, **kw)

    # --- response plans
    def create_response_plan(self, **kw: Any) -> Any:
        return {"arn": self.backend.create_response_plan(self.ctx, **kw)}

    def get_response_plan(self, arn: str) -> Any:
        return self.backend.get_response_plan(self.ctx, arn)

    def list_response_plans(self, **kw: Any) -> Any:
        plans, token = self.backend.list_response_plans(self.ctx, **kw)
        return {"responsePlanSummaries": plans, "nextToken": token}

    def update_response_plan(self, **kw: Any) -> None:
        self.backend.update_response_plan(self.ctx, **kw)

    def delete_response_plan(self, arn: str) -> None:
        self.backend.delete_response_plan(self.ctx, arn)

    # --- resource policies
    def put_resource_policy(self, **kw: Any) -> Any:
        return {"policyId": self.backend.put_resource_policy(self.ctx, **kw)}

    def get_resource_policies(self, **kw: Any) -> Any:
        policies, token = self.backend.get_resource_policies(self.ctx, **kw)
        return {"resourcePolicies": policies, "nextToken": token}

    def delete_resource_policy(self, **kw: Any) -> Any:
        self.backend.delete_resource_policy(self.ctx, **kw)
        return {}

    # --- tags
    def tag_resource(self, **kw: Any) -> None:
        self.backend.tag_resource(self.ctx, **kw)

    def untag_resource(self, **kw: Any) -> None:
        self.backend.untag_resource(self.ctx, **kw)

    def list_tags_for_resource(self, resource_arn: str) -> Any:
        return {"tags": self.backend.list_tags_for_resource(self.ctx, resource_arn)}

    # --- incident records
    def start_incident(self, **kw: Any) -> Any:
        return {"incidentRecordArn": self.backend.start_incident(self.ctx, **kw)}

    def get_incident_record(self, arn: str) -> Any:
        return {"incidentRecord": self.backend.get_incident_record(self.ctx, arn)}

    def update_incident_record(self, **kw: Any) -> None:
        self.backend.update_incident_record(self.ctx, **kw)

    def list_incident_records(self, **kw: Any) -> Any:
        records, token = self.backend.list_incident_records(self.ctx, **kw)
        return {"incidentRecordSummaries": records, "nextToken": token}

    def delete_incident_record(self, arn: str) -> None:
        self.backend.delete_incident_record(self.ctx, arn)

    # --- timeline events
    def create_timeline_event(self, **kw: Any) -> Any:
        event = self.backend.create_timeline_event(self.ctx, **kw)
        return {"eventId": event.event_id, "incidentRecordArn": event.incident_record_arn}

    def get_timeline_event(self, **kw: Any) -> Any:
        return {"event": self.backend.get_timeline_event(self.ctx, **kw)}

    def update_timeline_event(self, **kw: Any) -> None:
        self.backend.update_timeline_event(self.ctx, **kw)

    def delete_timeline_event(self, **kw: Any) -> None:
        self.backend.delete_timeline_event(self.ctx, **kw)

    def list_timeline_events(self, **kw: Any) -> Any:
        events, token = self.backend.list_timeline_events(self.ctx, **kw)
        return {"eventSummaries": events, "nextToken": token}

    # --- related items
    def update_related_items(self, **kw: Any) -> None:
        self.backend.update_related_items(self.ctx, **kw)

    def list_related_items(self, **kw: Any) -> Any:
        items, token = self.backend.list_related_items(self.ctx, **kw)
        return {"relatedItems": items, "nextToken": token}

    # --- findings
    def batch_get_incident_findings(self, **kw: Any) -> Any:
        findings, errors = self.backend.batch_get_incident_findings(self.ctx, **kw)
        return {"findings": findings, "errors": errors}

    def list_incident_findings(self, **kw: Any) -> Any:
        findings, token = self.backend.list_incident_findings(self.ctx, **kw)
        return {"findings": findings, "nextToken": token}


def _backend(account_id: str, partition: str) -> SSMIncidentsBackend:
    """``ssmincidents_backends[account_id][partition]``: read directly once it exists.

    moto's ``BackendDict.__getitem__`` takes a lock and scans lists on every lookup to create
    missing backends; that is needed only the first time.
    """
    accounts = dict.get(ssmincidents_backends, account_id)
    backend = dict.get(accounts, partition) if accounts is not None else None
    return backend if backend is not None else ssmincidents_backends[account_id][partition]


def handle(request: Request, host: str) -> Response:
    """Answer one ssm-incidents request. ``host`` carries the region when it is an AWS host."""
    op: OperationSpec | None = None
    try:
        op, params = parse(request)
        ctx = RequestContext.from_request(host, request.headers)
        backend = _backend(ctx.account_id, ctx.partition)
        handler = getattr(SSMIncidentsResponse(backend, ctx), op.handler_name, None)
        if handler is None:
            raise InternalServerException(f"{op.name} is not implemented by ssm-incidents-mock yet.")
        token = params.pop(op.idempotency_token, None) if op.idempotency_token else None
        names = op.argument_names
        kwargs = {names[k]: v for k, v in params.items()}
        with backend.lock:
            if token is None:
                return render_result(op, handler(**kwargs))
            return _idempotent(backend, op, token, request, params, lambda: handler(**kwargs))
    except UnknownOperation as error:
        return render_unknown(error)
    except ServiceError as error:
        return render_error(op, error)
    except Exception:  # a bug in the mock: answer like AWS would, never with a stack trace
        log.exception("ssm-incidents-mock failed on %s %s", request.method, request.path)
        return render_error(op, InternalServerException("The mock failed to process the request."))


def _idempotent(
    backend: SSMIncidentsBackend, op: OperationSpec, token: str, request: Request, params: dict[str, Any], call: Any
) -> Response:
    """Same token + same input: the first answer again. Same token + other input: rejected.

    The first request is kept as it arrived and compared only when its token comes back: the same
    bytes are the same input; otherwise it is parsed again and the validated inputs are compared.
    """
    key = (op.name, token)
    cached = backend.idempotency.get(key)
    if cached is not None:
        first, response = cached[0], cast(Response, cached[1])
        if first != _raw(request) and _input_of(first, op) != params:
            message = f"The clientToken {token} was already used with different parameters."
            raise ConflictException(message) if "ConflictException" in op.errors else ValidationException(message)
        return response
    response = render_result(op, call())
    cache = backend.idempotency
    cache[key] = (_raw(request), response)
    if len(cache) > IDEMPOTENCY_CACHE_SIZE:
        del cache[next(iter(cache))]
    return response


def _raw(request: Request) -> RawRequest:
    return request.method, request.path, request.query, request.body


def _input_of(raw: RawRequest, op: OperationSpec) -> dict[str, Any]:
    """The validated input of a kept request, without its token (it parsed once, so it parses again)."""
    method, path, query, body = raw
    _, params = parse(Request(method, path, query, {}, body))
    params.pop(op.idempotency_token or "", None)
    return params


def url_handler(request: Any, full_url: str, headers: Mapping[str, str]) -> Response:
    """Entry point for moto: its ``responses`` callback and its server call this."""
    if hasattr(request, "get_data"):  # a werkzeug / moto request
        body = request.get_data()
    else:  # botocore AWSPreparedRequest
        body = request.body
    url = full_url or request.url
    host = url.split("://", 1)[-1].split("/", 1)[0]
    method = getattr(request, "method", "GET")
    return handle(Request.from_url(method, url, request.headers or headers, body), host)
