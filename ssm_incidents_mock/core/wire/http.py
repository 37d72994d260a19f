"""What every transport hands a protocol, and what it gets back: one request type, one answer type."""

from __future__ import annotations

from collections.abc import Mapping

from ..ids import request_id

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
    """No operation of the model matches the request (method and path, or target header)."""

    def __init__(self, description: str, status: int = 404) -> None:
        super().__init__(f"No operation matches {description}")
        self.description = description
        self.status = status


def answer_headers(content_type: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    headers = {"Content-Type": content_type, "x-amzn-RequestId": request_id()}
    if extra:
        headers.update(extra)
    return headers
