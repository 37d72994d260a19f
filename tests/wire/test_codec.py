"""The JSON codec on the request path: bodies too deep to parse, lone surrogates, surrogates as UTF-8 bytes.

Each case was a 500 that a fuzz suite found (docs/reliability.md lists them); the tests name the suite.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock.core.wire.http import Request
from ssm_incidents_mock.ssm_incidents.responses import dispatch
from tests.support import assert_error, create_plan, unchecked

PLAN = "arn:aws:ssm-incidents::123456789012:response-plan/p"


def plans(c: Any) -> list[str]:
    return [s["name"] for s in c.list_response_plans()["responsePlanSummaries"]]


def raw(method: str, path: str, body: bytes, query: str = "") -> tuple[int, str, dict[str, Any]]:
    status, headers, payload = dispatch(
        Request(method, path, query, {"Content-Type": "application/json"}, body), "localhost"
    )
    return status, headers.get("x-amzn-ErrorType", ""), json.loads(payload) if payload else {}


# --- found by the raw HTTP fuzz (mutation "nested"): deep JSON answered 500 ---------------------


def test_very_deep_json_body_is_a_validation_error_not_a_500(ssm_incidents: Any) -> None:
    """json.loads raised RecursionError (not ValueError) and the dispatcher answered 500."""
    body = b'{"name":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    status, code, payload = raw("POST", "/createResponsePlan", body)
    assert (status, code) == (400, "ValidationException")
    assert "nests JSON values too deeply" in payload["message"]
    assert plans(ssm_incidents) == []


# --- found by the in-process fuzz (previous helper): lone surrogates answered 500 ---------------


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
def test_lone_surrogate_in_a_string_is_a_validation_error(ssm_incidents: Any, text: str) -> None:
    """A \\u escape of a lone surrogate parsed fine but could not be encoded as UTF-8 when echoed (500)."""
    with pytest.raises(ClientError) as exc_info:
        unchecked().create_response_plan(name="p", incidentTemplate={"title": text, "impact": 3})
    assert_error(exc_info, "ValidationException", 400, "lone UTF-16 surrogate")
    assert plans(ssm_incidents) == []


def test_a_surrogate_pair_is_ordinary_text(ssm_incidents: Any) -> None:
    create_plan(unchecked(), "p", {"title": "\U0001f600"})
    assert ssm_incidents.get_response_plan(arn=PLAN)["incidentTemplate"]["title"] == "\U0001f600"


# --- found by the long raw HTTP fuzz (mutation "invalid_utf8"): UTF-8-encoded surrogates accepted


@pytest.mark.parametrize("junk", [b"\xed\xa0\x80", b"\xed\xbf\xbf"])
def test_utf8_encoded_surrogate_bytes_are_rejected_like_the_escape(ssm_incidents: Any, junk: bytes) -> None:
    """json.loads decodes with 'surrogatepass', so invalid UTF-8 bytes of a surrogate were stored (201)."""
    body = b'{"name":"p","incidentTemplate":{"title":"a' + junk + b'b","impact":3}}'
    status, code, payload = raw("POST", "/createResponsePlan", body)
    assert (status, code) == (400, "ValidationException")
    assert "lone UTF-16 surrogate" in payload["message"]
    assert plans(ssm_incidents) == []
    # an unknown member is no way around it either
    status, code, _ = raw("POST", "/listResponsePlans", b'{"x' + junk + b'":1}')
    assert (status, code) == (400, "ValidationException")
