"""Opaque page tokens: round trip, tampering, other operations and other requests."""

from __future__ import annotations

import pytest

from ssm_incidents_mock.core.exceptions import ValidationException
from ssm_incidents_mock.core.pagination import decode_token, encode_token, paginate

ITEMS = list(range(1, 8))


def after(position: int | None) -> list[int]:
    return [i for i in ITEMS if position is None or i > position]


def test_pages_walk_everything_once() -> None:
    seen: list[int] = []
    token = None
    for _ in range(10):
        page, token = paginate("Op", {"f": 1}, after, lambda i: i, 3, token)
        seen.extend(page)
        if token is None:
            break
    assert seen == ITEMS


def test_last_page_has_no_token() -> None:
    assert paginate("Op", None, after, lambda i: i, 7, None) == (ITEMS, None)
    page, token = paginate("Op", None, after, lambda i: i, 6, None)
    assert token is not None and page == ITEMS[:6]


def test_token_is_opaque_and_round_trips() -> None:
    token = encode_token("Op", ["scope"], [1.5, 2])
    assert "1.5" not in token
    assert decode_token("Op", ["scope"], token) == [1.5, 2]


@pytest.mark.parametrize(
    "mutate", [lambda t: t + "x", lambda t: "A" + t[1:], lambda t: t.split("/")[0], lambda t: "garbage"]
)
def test_tampered_tokens_are_rejected(mutate: object) -> None:
    token = encode_token("Op", None, 3)
    with pytest.raises(ValidationException, match="nextToken"):
        decode_token("Op", None, mutate(token))  # type: ignore[operator]


def test_tokens_of_another_operation_or_request_are_rejected() -> None:
    token = encode_token("ListIncidentRecords", [{"key": "status"}], 3)
    with pytest.raises(ValidationException, match="does not belong"):
        decode_token("ListResponsePlans", [{"key": "status"}], token)
    with pytest.raises(ValidationException, match="does not belong"):
        decode_token("ListIncidentRecords", [{"key": "impact"}], token)
