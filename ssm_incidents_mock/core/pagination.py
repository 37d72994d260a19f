"""Opaque, tamper-evident ``nextToken``s and the one paging helper every list operation uses.

A token records the operation, a digest of the request's other members and the position of the
last item returned; it is signed with a per-process secret. A token that was altered, comes from
another operation or another request, or does not decode, is rejected with ValidationException.
Positions are keys of the listing's order, so items added between pages are never returned twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

from .exceptions import ValidationException
from .wire import codec

T = TypeVar("T")

_SECRET = os.urandom(16)
# Between the payload (URL-safe base64, never "/") and its signature; "/" also fits ssm-contacts'
# PaginationToken pattern, which refuses ".".
_SEPARATOR = "/"


def encode_token(operation: str, scope: Any, position: Any) -> str:
    payload = codec.compact({"d": codec.digest([operation, scope]), "p": position})
    blob = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    signature = hmac.new(_SECRET, blob.encode(), hashlib.sha256).hexdigest()[:24]
    return f"{blob}{_SEPARATOR}{signature}"


def decode_token(operation: str, scope: Any, token: str, member: str = "nextToken") -> Any:
    """The position a token of ``operation`` over ``scope`` holds; ``member`` names the token in errors."""
    blob, _, signature = token.partition(_SEPARATOR)
    invalid = f"The {member} is not valid."
    if not token.isascii():  # compare_digest refuses non-ASCII text; no token of ours has any
        raise ValidationException(invalid)
    expected = hmac.new(_SECRET, blob.encode(), hashlib.sha256).hexdigest()[:24]
    if not signature or not hmac.compare_digest(signature, expected):
        raise ValidationException(invalid)
    try:
        payload = codec.decode(base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4)))
    except ValueError:
        raise ValidationException(invalid) from None
    if payload.get("d") != codec.digest([operation, scope]):
        raise ValidationException(f"The {member} does not belong to this request.")
    return payload.get("p")


def paginate(
    operation: str,
    scope: Any,
    items_after: Callable[[Any], Iterable[T]],
    position_of: Callable[[T], Any],
    max_results: int,
    next_token: str | None,
    token_member: str = "nextToken",
) -> tuple[list[T], str | None]:
    """One page: up to ``max_results`` items after the token's position, and the next token.

    ``items_after(position)`` yields the listing in order, starting after ``position``
    (from the start when it is None). ``scope`` holds the request members other than paging.
    """
    position = decode_token(operation, scope, next_token, token_member) if next_token else None
    iterator: Iterator[T] = iter(items_after(position))
    page = list(islice(iterator, max_results + 1))
    if len(page) <= max_results:
        return page, None
    page = page[:max_results]
    return page, encode_token(operation, scope, position_of(page[-1]))


class BackendPages:
    """Paging for a backend of one account and region (a moto backend's ``account_id`` and ``region_name``):
    its tokens are refused by every other backend. ``token_member`` names the token in errors as the
    service's model does; ``default_page_size`` serves a request without MaxResults (or with 0)."""

    account_id: str
    region_name: str
    token_member = "nextToken"
    default_page_size = 100

    def _page(
        self,
        operation: str,
        scope: Any,
        items_after: Callable[[Any], Iterable[T]],
        position_of: Callable[[T], Any],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[T], str | None]:
        """One page (see ``paginate``)."""
        scoped = [self.account_id, self.region_name, scope]
        size = max_results or self.default_page_size
        return paginate(operation, scoped, items_after, position_of, size, next_token, self.token_member)

    def page_position(self, operation: str, scope: Any, next_token: str | None) -> Any:
        """The position a token of this backend's ``operation`` holds (None for the first page)."""
        if not next_token:
            return None
        return decode_token(operation, [self.account_id, self.region_name, scope], next_token, self.token_member)
