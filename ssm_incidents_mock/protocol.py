"""rest-json on the wire: a transport-neutral request, parsed and answered from the model."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from .exceptions import ServiceError, ValidationException
from .ids import request_id
from .shapes import format_errors
from .spec import SPEC, OperationSpec

Response = tuple[int, dict[str, str], bytes]
RawRequest = tuple[str, str, str, bytes | str | None]  # method, raw path, raw query, body

MAX_BODY_BYTES = 1024 * 1024  # larger request bodies are refused (documented in docs/server.md)
# Rendered payloads are trees built per response: no cycle check needed.
_DUMP_TEXT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode
_DUMP_ASCII = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode
# A \u escape of a surrogate, or a surrogate encoded as UTF-8 bytes (invalid UTF-8 that json accepts).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _DUMP(payload: Any) -> str:
    """Compact JSON; escaped when a string holds a lone surrogate, which UTF-8 cannot encode."""
    text = _DUMP_TEXT(payload)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _DUMP_ASCII(payload)
    return text


def _dump_bytes(payload: Any) -> bytes:
    """``_DUMP(payload)`` as UTF-8, encoded once."""
    try:
        return _DUMP_TEXT(payload).encode("utf-8")
    except UnicodeEncodeError:
        return _DUMP_ASCII(payload).encode("utf-8")


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

    @classmethod
    def from_url(cls, method: str, url: str, headers: Mapping[str, str], body: bytes | str | None) -> Request:
        rest = url.split("://", 1)[-1]
        slash = rest.find("/")
        target = rest[slash:] if slash >= 0 else "/"
        path, _, query = target.partition("?")
        return cls(method, path, query, headers, body)


class UnknownOperation(Exception):
    """No operation of the model has this method and path."""

    def __init__(self, method: str, path: str, path_known: bool) -> None:
        super().__init__(f"No operation matches {method} {path}")
        self.status = 405 if path_known else 404
        self.method = method
        self.path = path


def parse(request: Request) -> tuple[OperationSpec, dict[str, Any]]:
    """Route ``request`` and return its operation and validated input members."""
    routed = SPEC.route(request.method, request.path)
    if routed is None:
        raise UnknownOperation(request.method, request.path, SPEC.path_known(request.path))
    op, labels = routed
    params: dict[str, Any] = {}
    if op.body_members:
        body = request.body
        if body and len(body) > MAX_BODY_BYTES:
            raise ValidationException(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.")
        if body and not body.isspace():
            try:
                data = _load_json(_json_text(body))
            except (ValueError, UnicodeDecodeError):
                raise ValidationException("The request body could not be parsed as a JSON object.") from None
            except RecursionError:
                raise ValidationException("The request body nests JSON values too deeply.") from None
            if not isinstance(data, dict):
                raise ValidationException("The request body must be a JSON object.")
            raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
            if (b"\\u" in raw or b"\xed" in raw) and _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(data):
                raise ValidationException("The request body holds a lone UTF-16 surrogate, which is not valid text.")
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
        errors: list[str] = []
        params = op.check(params, "", errors)
        if errors:
            raise ValidationException(format_errors(errors))
    return op, params


_DECODER = json.JSONDecoder()


def _load_json(text: bytes | str) -> Any:
    """``json.loads(text)``, skipping its whitespace scans for the usual body that starts with ``{``."""
    if isinstance(text, str) and text[:1] == "{":
        data, end = _DECODER.raw_decode(text)
        if end == len(text) or text[end:].isspace():
            return data
    return json.loads(text)


def _json_text(body: bytes | str) -> bytes | str:
    """The body for ``json.loads``: an object in UTF-8 (the usual case) skips its encoding detection."""
    if isinstance(body, bytes) and body[:1] == b"{" and body[1:2] != b"\x00":
        return body.decode("utf-8", "surrogatepass")  # what json.loads does once it has detected UTF-8
    return body


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


def _has_lone_surrogate(data: Any) -> bool:
    try:
        _DUMP_TEXT(data).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id()}
    if extra:
        headers.update(extra)
    return headers


def render_result(op: OperationSpec, result: Any) -> Response:
    if op.success_status == 204:
        return 204, _headers(), b""
    payload = op.render(result) if op.render is not None and result is not None else {}
    return op.success_status, _headers(), _dump_bytes(payload)


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
    return SPEC.error_status.get(code, 400), _headers({"x-amzn-ErrorType": code}), _dump_bytes(body)


def render_unknown(error: UnknownOperation) -> Response:
    body = {"message": f"ssm-incidents has no operation for {error.method} {error.path}."}
    return error.status, _headers({"x-amzn-ErrorType": "UnknownOperationException"}), _dump_bytes(body)
