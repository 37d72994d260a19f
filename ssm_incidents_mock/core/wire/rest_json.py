"""rest-json on the wire: a request routed by method and path, its input from body, query and URI
labels, and answers with the error code in ``x-amzn-ErrorType``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from ..exceptions import ServiceError, ValidationException
from . import codec
from .http import MAX_BODY_BYTES, Request, Response, UnknownOperation, answer_headers
from .model import OperationSpec, ServiceSpec
from .validate import check_input

CONTENT_TYPE = "application/json"


class RestJsonProtocol:
    """One service's rest-json: ``route``, ``parse`` and the renderers, all from its ``ServiceSpec``."""

    def __init__(self, spec: ServiceSpec) -> None:
        self.spec = spec

    def route(self, request: Request) -> tuple[OperationSpec, dict[str, str]]:
        """The request's operation and its raw URI labels, or UnknownOperation."""
        routed = self.spec.route(request.method, request.path)
        if routed is None:
            status = 405 if self.spec.path_known(request.path) else 404
            raise UnknownOperation(f"{request.method} {request.path}", status)
        return routed

    def parse(self, op: OperationSpec, labels: dict[str, str], request: Request) -> dict[str, Any]:
        """The request's input members, validated against every constraint of the model."""
        params: dict[str, Any] = {}
        body = request.body
        if op.body_members and body:
            if len(body) > MAX_BODY_BYTES:
                raise ValidationException(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.")
            if not body.isspace():
                data = codec.decode_object(body)
                if op.body_only:
                    params = data  # the check keeps the members and drops anything else
                else:
                    for name in op.body_members:
                        value = data.get(name)
                        if value is not None:
                            params[name] = value
        try:
            if op.query_members and request.query:
                for key, values in _parse_query(request.query).items():
                    if key in op.query_members:
                        name, value = op.coerce_text(key, values, op.query_members)
                        params[name] = value
            for label, raw_label in labels.items():
                if raw_label:  # an empty label is a missing member
                    name, value = op.coerce_text(label, unquote(raw_label, errors="strict"), op.uri_members)
                    params[name] = value
        except UnicodeDecodeError:
            raise ValidationException("The request URI is not valid percent-encoded UTF-8.") from None
        return check_input(op, params)

    def render_result(self, op: OperationSpec, result: Any) -> Response:
        """The backend's result as the operation's success answer."""
        if op.success_status == 204:
            return 204, answer_headers(CONTENT_TYPE), b""
        output = op.output(result)
        payload = op.render(output) if op.render is not None and output is not None else {}
        return op.success_status, answer_headers(CONTENT_TYPE), codec.encode(payload)

    def render_error(self, op: OperationSpec | None, error: ServiceError) -> Response:
        """The error as rest-json; an error the operation does not model becomes a 500."""
        status, code, body = self.spec.error_body(op, error)
        return status, answer_headers(CONTENT_TYPE, {"x-amzn-ErrorType": code}), codec.encode(body)

    def render_auth_error(self, code: str, message: str) -> Response:
        """An authentication failure (no operation models these): 403 with the code AWS's auth layer gives."""
        return 403, answer_headers(CONTENT_TYPE, {"x-amzn-ErrorType": code}), codec.encode({"message": message})

    def render_unknown(self, error: UnknownOperation) -> Response:
        body = {"message": f"{self.spec.name} has no operation for {error.description}."}
        headers = answer_headers(CONTENT_TYPE, {"x-amzn-ErrorType": "UnknownOperationException"})
        return error.status, headers, codec.encode(body)


def _parse_query(query: str) -> dict[str, list[str]]:
    """``parse_qs(query, keep_blank_values=True, errors="strict")`` without its overhead."""
    out: dict[str, list[str]] = {}
    for part in query.split("&"):
        if part:
            key, _, value = part.partition("=")
            out.setdefault(_unquote_plus(key), []).append(_unquote_plus(value))
    return out


def _unquote_plus(text: str) -> str:
    if "+" in text:
        text = text.replace("+", " ")
    return _unquote(text) if "%" in text else text


@lru_cache(maxsize=512)
def _unquote(text: str) -> str:
    """Percent-decoding is slow in pure Python, and tests ask for the same ARNs again and again."""
    return unquote(text, errors="strict")
