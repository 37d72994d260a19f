"""The one dispatcher: every transport hands it (service, request); it walks down once and answers.

route (the service's wire protocol) -> caller context -> (moto's IAM on: authenticate) -> parse and
validate -> (authorize) -> the backend that owns the resource (the service decides: sharing) ->
idempotency -> backend method -> render. The method and how its result becomes the output come from
the model (``wire.model``); what differs between services is a ``Service``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from .. import seam
from . import iam
from .arns import PARTITIONS
from .calls import CALLS, Call
from .context import RequestContext
from .exceptions import ConflictException, InternalServerException, ServiceError, ValidationException
from .faults import FAULTS, Fault, register_service
from .wire.codec import digest
from .wire.http import Request, Response, UnknownOperation
from .wire.model import OperationSpec, ServiceSpec
from .wire.protocols import protocol_for

log = logging.getLogger(__name__)

IDEMPOTENCY_CACHE_SIZE = 10_000


class Target:
    """Where one call goes: the backend, a check to run under its lock (sharing) before the call, and
    what other accounts share with the caller for it (the backend reads it as ``ctx.shared``)."""

    __slots__ = ("backend", "check", "owner", "shared")

    def __init__(
        self,
        backend: Any,
        owner: str | None = None,
        check: Callable[[], None] | None = None,
        shared: tuple[Any, ...] = (),
    ) -> None:
        self.backend = backend
        self.owner = owner  # another account's id when the resource is shared with the caller
        self.check = check
        self.shared = shared


class Service:
    """What the dispatcher needs of one service. A service package subclasses it (its ``responses.py``)."""

    def __init__(self, spec: ServiceSpec) -> None:
        self.spec = spec
        self.protocol = protocol_for(spec)
        self.host_pattern = re.compile(spec.endpoint_host)
        register_service(spec)

    def target(self, ctx: RequestContext, op: OperationSpec, params: dict[str, Any]) -> Target:
        """The backend the call runs on (the caller's own unless the service shares resources)."""
        raise NotImplementedError

    def resources(self, op: OperationSpec, params: dict[str, Any]) -> list[str]:
        """The ARNs IAM checks the call on (``*`` for operations without a resource type)."""
        raise NotImplementedError

    def authorize(self, principal: Any, ctx: RequestContext, op: OperationSpec, params: dict[str, Any]) -> None:
        """moto's IAM decision for the call (only while IAM enforcement is on)."""
        iam.authorize(principal, ctx, f"{self.spec.signing_name}:{op.name}", self.resources(op, params))

    def idempotency_conflict(self, op: OperationSpec, message: str, first: Response) -> ServiceError:
        """The error for an idempotency token reused with other input (``first``: the token's first answer):
        ConflictException where the operation models it, else ValidationException. A service whose
        ConflictException requires more members overrides this."""
        return ConflictException(message) if "ConflictException" in op.errors else ValidationException(message)


class Seen:
    """What the recorder (and a transport's request log) learns of a request while it is answered."""

    __slots__ = ("ctx", "fault", "op", "params")

    def __init__(self) -> None:
        self.op: OperationSpec | None = None
        self.ctx: RequestContext | None = None
        self.params: dict[str, Any] | None = None
        self.fault: Fault | None = None


def dispatch(service: Service, request: Request, host: str, seen: Seen | None = None) -> Response:
    """Answer one request of ``service`` and record it. ``host`` carries the region when it is an AWS host;
    ``seen``, when given, is filled with the operation and caller the dispatcher found."""
    if seen is None:
        seen = Seen()
    response = _answer(service, request, host, seen)
    fault = seen.fault
    if fault is not None and fault.status is not None and fault.error is not None:
        response = (fault.status, response[1], response[2])
    op, ctx = seen.op, seen.ctx
    CALLS.record(
        Call(
            service.spec.name,
            op.name if op is not None else None,
            ctx.account_id if ctx is not None else None,
            ctx.region if ctx is not None else None,
            seen.params,
            response,
            fault.rule.id if fault is not None else None,
        )
    )
    return response


def _answer(service: Service, request: Request, host: str, seen: Seen) -> Response:
    protocol = service.protocol
    op: OperationSpec | None = None
    try:
        op, labels = protocol.route(request)
        seen.op = op
        ctx = RequestContext.from_request(host, request.headers, service.host_pattern)
        seen.ctx = ctx
        if ctx.partition not in PARTITIONS:
            raise ValidationException(
                f"Incident Manager is not available in the region {ctx.region} ({ctx.partition})."
            )
        principal = _authenticate(request, host, ctx, op) if seam.iam_enabled() else None
        params = protocol.parse(op, labels, request)
        seen.params = dict(params)
        if principal is not None:
            service.authorize(principal, ctx, op, params)
        fault = FAULTS.decide(service.spec.name, op.name, ctx.account_id, ctx.region, params)
        if fault is not None:
            seen.fault = fault
            _delay(fault)
        target = service.target(ctx, op, params)
        backend = target.backend
        method = getattr(backend, op.method_name, None)
        if method is None:
            raise InternalServerException(f"{op.name} is not implemented by ssm-incidents-mock yet.")
        # An empty token is no token: SDK callers pass "" to mean "none" and AWS accepts that.
        token = params.pop(op.idempotency_token, None) if op.idempotency_token else None
        names = op.argument_names
        kwargs = {names[k]: v for k, v in params.items()}
        ctx.shared = target.shared
        with backend.lock:
            if target.check is not None:
                target.check()
            if not token:
                return protocol.render_result(op, method(ctx, **kwargs))
            key = (op.name, token) if target.owner is None else (op.name, token, ctx.account_id)
            return _idempotent(
                backend,
                key,
                digest(params),
                lambda: protocol.render_result(op, method(ctx, **kwargs)),
                lambda first: service.idempotency_conflict(
                    op, f"The {op.idempotency_token} {token} was already used with different parameters.", first
                ),
            )
    except UnknownOperation as error:
        return protocol.render_unknown(error)
    except seam.AuthError as error:
        return protocol.render_auth_error(error.code, error.message)
    except seam.MotoInternalMoved as error:
        return protocol.render_error(op, InternalServerException(str(error)))
    except ServiceError as error:
        return protocol.render_error(op, error)
    except Exception:  # a bug in the mock: answer like AWS would, never with a stack trace
        log.exception("ssm-incidents-mock failed on %s %s", request.method, request.path)
        return protocol.render_error(op, InternalServerException("The mock failed to process the request."))


def _delay(fault: Fault) -> None:
    """The fault's latency (only a rule asking for one sleeps), then its error, before the operation runs."""
    if fault.latency:
        time.sleep(fault.latency)
    if fault.error is not None:
        raise fault.error


def _authenticate(request: Request, host: str, ctx: RequestContext, op: OperationSpec) -> Any:
    """moto's signature check for this request; its principal (AWS authenticates before it validates)."""
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    netloc = host.split("://", 1)[-1] or "localhost"
    url = f"https://{netloc}{request.path}" + (f"?{request.query}" if request.query else "")
    return seam.authenticate(request.method, url, request.headers, body, ctx.account_id, op.name)


def _idempotent(
    backend: Any,
    key: tuple[str, ...],
    fingerprint: str,
    call: Callable[[], Response],
    conflict: Callable[[Response], ServiceError],
) -> Response:
    """Same token + same input: the first answer again. Same token + other input: ``conflict``'s error."""
    cached = backend.idempotency.get(key)
    if cached is not None:
        if cached[0] != fingerprint:
            raise conflict(cached[1])
        response: Response = cached[1]
        return response
    response = call()
    cache = backend.idempotency
    cache[key] = (fingerprint, response)
    if len(cache) > IDEMPOTENCY_CACHE_SIZE:
        del cache[next(iter(cache))]
    return response
