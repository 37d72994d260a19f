"""rest-json on the wire: a transport-neutral request parsed into an operation and its input, and answers rendered."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from ..exceptions import ServiceError, ValidationException
from ..ids import request_id
from . import codec
from .model import SPEC, OperationSpec
from .validate import Errors, format_errors

Response = tuple[int, dict[str, str], bytes]

MAX_BODY_BYTES = 1024 * 1024  # larger request bodies are refused (documented in docs/server.md)


def split_url(url: str) -> tuple[str, str, str]:
    """``scheme://host/path?query`` (or just ``/path?query``) -> host, path and raw query."""
    if url.startswith("/"):
        host, target = "", url
    else:
        rest = url.split("://", 1)[-1]
        slash = rest.find("/")
        host, target = (rest[:slash], rest[slash:]) if slash >= 0 else (rest, "/")
    path, _, query = target.partition("?")
    return host, path, query


class Request:
    """What every transport hands the dispatcher: method, raw path, raw query, headers, body."""

    __slots__ = ("body", "headers", "method", "path", "query")

    def __init__(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes | str | None
    ) -> None:
        self.method = method.upper()
        self.path = path or "/"
        self.query = query
        self.headers = headers
        self.body = body


class UnknownOperation(Exception):
    """No operation of the model has this method and path."""

    def __init__(self, method: str, path: str, path_known: bool) -> None:
        super().__init__(f"No operation matches {method} {path}")
        self.status = 405 if path_known else 404
        self.method = method
        self.path = path


def route(request: Request) -> tuple[OperationSpec, dict[str, str]]:
    """The request's operation and its raw URI labels, or UnknownOperation."""
    routed = SPEC.route(request.method, request.path)
    if routed is None:
        raise UnknownOperation(request.method, request.path, SPEC.path_known(request.path))
    return routed


def parse(op: OperationSpec, labels: dict[str, str], request: Request) -> dict[str, Any]:
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
    if op.check is not None:
        errors = Errors()
        params = op.check(params, "", errors)
        if errors:
            raise ValidationException(format_errors(errors))
    return params


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


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id()}
    if extra:
        headers.update(extra)
    return headers


def render_result(op: OperationSpec, result: Any) -> Response:
    """The backend's result as the operation's success answer."""
    if op.success_status == 204:
        return 204, _headers(), b""
    output = op.output(result)
    payload = op.render(output) if op.render is not None and output is not None else {}
    return op.success_status, _headers(), codec.encode(payload)


def render_error(op: OperationSpec | None, error: ServiceError) -> Response:
    """The error as rest-json; an error the operation does not model becomes a 500."""
    code = error.code
    message = error.message
    if op is not None and code not in op.errors:
        message = f"ssm-incidents-mock raised {code} ({message}), which {op.name} does not model."
        code = "InternalServerException"
        members: dict[str, Any] = {}
    else:
        render = SPEC.error_render.get(code)
        members = render(error.members) if render is not None else {}
    body = {"message": message, **members}
    return SPEC.error_status.get(code, 400), _headers({"x-amzn-ErrorType": code}), codec.encode(body)


def render_auth_error(code: str, message: str) -> Response:
    """An authentication failure (no operation models these): 403 with the code AWS's auth layer gives."""
    return 403, _headers({"x-amzn-ErrorType": code}), codec.encode({"message": message})


def render_unknown(error: UnknownOperation) -> Response:
    body = {"message": f"ssm-incidents has no operation for {error.method} {error.path}."}
    return error.status, _headers({"x-amzn-ErrorType": "UnknownOperationException"}), codec.encode(body)
