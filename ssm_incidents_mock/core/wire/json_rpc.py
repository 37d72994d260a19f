"""AWS JSON 1.1 on the wire (``json`` in botocore's models): every operation is ``POST /`` named by
``X-Amz-Target: <targetPrefix>.<Operation>``, input is the JSON body, and an error names itself in the
body's ``__type`` (botocore reads the code from there only)."""

from __future__ import annotations

from typing import Any

from ..exceptions import ServiceError, ValidationException
from . import codec
from .http import MAX_BODY_BYTES, Request, Response, UnknownOperation, answer_headers
from .model import OperationSpec, ServiceSpec
from .validate import check_input

CONTENT_TYPE = "application/x-amz-json-1.1"


class JsonProtocol:
    """One service's JSON 1.1: ``route``, ``parse`` and the renderers, all from its ``ServiceSpec``."""

    def __init__(self, spec: ServiceSpec) -> None:
        self.spec = spec
        prefix = f"{spec.target_prefix}."
        self._targets = {prefix + name: op for name, op in spec.operations.items()}

    def route(self, request: Request) -> tuple[OperationSpec, dict[str, str]]:
        target = request.headers.get("X-Amz-Target") or request.headers.get("x-amz-target") or ""
        if isinstance(target, bytes):
            target = target.decode("latin-1")
        op = self._targets.get(target)
        if op is None or request.method != "POST" or request.path != "/":
            shown = "".join(c if c.isprintable() else "?" for c in target[:128])
            raise UnknownOperation(f"{request.method} {request.path[:128]} (X-Amz-Target '{shown}')", 400)
        return op, {}

    def parse(self, op: OperationSpec, labels: dict[str, str], request: Request) -> dict[str, Any]:
        body = request.body
        params: dict[str, Any] = {}
        if body:
            if len(body) > MAX_BODY_BYTES:
                raise ValidationException(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.")
            if not body.isspace():
                params = codec.decode_object(body)
        return check_input(op, params)

    def render_result(self, op: OperationSpec, result: Any) -> Response:
        output = op.output(result)
        payload = op.render(output) if op.render is not None and output is not None else {}
        return 200, answer_headers(CONTENT_TYPE), codec.encode(payload)

    def render_error(self, op: OperationSpec | None, error: ServiceError) -> Response:
        status, code, body = self.spec.error_body(op, error)
        headers = answer_headers(CONTENT_TYPE, {"x-amzn-ErrorType": code})
        retry_after = body.get("RetryAfterSeconds")
        if retry_after is not None:  # Smithy binds it to the Retry-After header; botocore reads the body
            headers["Retry-After"] = str(retry_after)
        return status, headers, codec.encode({"__type": code, **body})

    def render_auth_error(self, code: str, message: str) -> Response:
        body = {"__type": code, "message": message}
        return 403, answer_headers(CONTENT_TYPE, {"x-amzn-ErrorType": code}), codec.encode(body)

    def render_unknown(self, error: UnknownOperation) -> Response:
        message = f"{self.spec.name} has no operation for {error.description}."
        body = {"__type": "UnknownOperationException", "message": message}
        headers = answer_headers(CONTENT_TYPE, {"x-amzn-ErrorType": "UnknownOperationException"})
        return error.status, headers, codec.encode(body)
