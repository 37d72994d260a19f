"""The dispatcher: every transport hands it a request; it walks down once and returns the answer.

route -> parse and validate (``wire``) -> caller context -> idempotency -> backend -> render.
The backend method and how its result becomes the output come from the model (``wire.model``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from .context import RequestContext
from .exceptions import ConflictException, InternalServerException, ServiceError, ValidationException
from .models import IDEMPOTENCY_CACHE_SIZE, PARTITIONS, SSMIncidentsBackend, ssmincidents_backends
from .wire.codec import digest
from .wire.model import OperationSpec
from .wire.rest_json import (
    Request,
    Response,
    UnknownOperation,
    parse,
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
        params = parse(op, labels, request)
        ctx = RequestContext.from_request(host, request.headers)
        if ctx.partition not in PARTITIONS:
            raise ValidationException(
                f"Incident Manager is not available in the region {ctx.region} ({ctx.partition})."
            )
        backend = backend_for(ctx.account_id, ctx.partition)
        method = getattr(backend, op.method_name, None)
        if method is None:
            raise InternalServerException(f"{op.name} is not implemented by ssm-incidents-mock yet.")
        # An empty clientToken is no token: SDK callers pass "" to mean "none" and AWS accepts that.
        token = params.pop(op.idempotency_token, None) if op.idempotency_token else None
        names = op.argument_names
        kwargs = {names[k]: v for k, v in params.items()}
        with backend.lock:
            if not token:
                return render_result(op, method(ctx, **kwargs))
            return _idempotent(backend, op, token, digest(params), lambda: render_result(op, method(ctx, **kwargs)))
    except UnknownOperation as error:
        return render_unknown(error)
    except ServiceError as error:
        return render_error(op, error)
    except Exception:  # a bug in the mock: answer like AWS would, never with a stack trace
        log.exception("ssm-incidents-mock failed on %s %s", request.method, request.path)
        return render_error(op, InternalServerException("The mock failed to process the request."))


def _idempotent(backend: SSMIncidentsBackend, op: OperationSpec, token: str, fingerprint: str, call: Any) -> Response:
    """Same token + same input: the first answer again. Same token + other input: rejected."""
    key = (op.name, token)
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
