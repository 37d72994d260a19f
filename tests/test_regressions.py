"""Plain regression tests for every bug the fuzz, concurrency and isolation suites found.

Each test names the suite that found the bug; docs/reliability.md lists them with their fixes.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ssm_incidents_mock.protocol import Request
from ssm_incidents_mock.responses import handle
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer, reset_state
from tests.conftest import assert_error

PLAN = "arn:aws:ssm-incidents::123456789012:response-plan/p"
TEMPLATE = {"title": "t", "impact": 3}


def unchecked(region: str = "us-east-1") -> Any:
    return boto3.client("ssm-incidents", region_name=region, config=Config(parameter_validation=False))


def plans(c: Any) -> list[str]:
    return [s["name"] for s in c.list_response_plans()["responsePlanSummaries"]]


def nested(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def raw(method: str, path: str, body: bytes, query: str = "") -> tuple[int, str, dict[str, Any]]:
    status, headers, payload = handle(
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


@pytest.mark.parametrize("member", ["name", "tags", "title"])
def test_deep_value_in_a_member_is_echoed_shortened_not_a_500(ssm_incidents: Any, member: str) -> None:
    """Echoing a 600-deep list in the validation message recursed past the stack limit (500)."""
    params: dict[str, Any] = {"name": "p", "incidentTemplate": TEMPLATE}
    if member == "title":
        params["incidentTemplate"] = {"title": nested(600), "impact": 3}
    else:
        params[member] = nested(600) if member == "name" else {"k": nested(600)}
    with pytest.raises(ClientError) as exc_info:
        unchecked().create_response_plan(**params)
    response = assert_error(exc_info, "ValidationException", 400, "failed to satisfy constraint", "...")
    assert len(response["Error"]["Message"]) < 2000
    assert plans(ssm_incidents) == []


def test_deep_json_through_the_server_answers_400_and_the_server_stays_up() -> None:
    reset_state()  # the server serves process state; a decorated TestCase run before may have left some
    with ThreadedSSMIncidentsServer() as server:
        body = b'{"name":' + b"[" * 5000 + b"]" * 5000 + b',"incidentTemplate":{"title":"t","impact":3}}'
        head = f"POST /createResponsePlan HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        host, port = server.url.rsplit("/", 1)[-1].split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(head.encode() + body)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
        assert b"x-amzn-ErrorType: ValidationException" in answer
        c = boto3.client(
            "ssm-incidents",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="a",
            aws_secret_access_key="b",
        )
        assert c.list_response_plans()["responsePlanSummaries"] == []


# --- found by the in-process fuzz (previous helper): lone surrogates answered 500 ---------------


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
def test_lone_surrogate_in_a_string_is_a_validation_error(ssm_incidents: Any, text: str) -> None:
    """A \\u escape of a lone surrogate parsed fine but could not be encoded as UTF-8 when echoed (500)."""
    with pytest.raises(ClientError) as exc_info:
        unchecked().create_response_plan(name="p", incidentTemplate={"title": text, "impact": 3})
    assert_error(exc_info, "ValidationException", 400, "lone UTF-16 surrogate")
    assert plans(ssm_incidents) == []


def test_a_surrogate_pair_is_ordinary_text(ssm_incidents: Any) -> None:
    unchecked().create_response_plan(name="p", incidentTemplate={"title": "\U0001f600", "impact": 3})
    assert ssm_incidents.get_response_plan(arn=PLAN)["incidentTemplate"]["title"] == "\U0001f600"


# --- found by the in-process fuzz (previous helper): empty URI labels answered 404 --------------


@pytest.mark.parametrize(
    "op, params",
    [
        ("list_tags_for_resource", {"resourceArn": ""}),
        ("tag_resource", {"resourceArn": "", "tags": {"a": "b"}}),
        ("untag_resource", {"resourceArn": "", "tagKeys": ["a"]}),
    ],
)
def test_empty_uri_label_is_a_missing_member(ssm_incidents: Any, op: str, params: dict[str, Any]) -> None:
    """``/tags/`` matched no route and answered an unmodeled UnknownOperationException 404."""
    with pytest.raises(ClientError) as exc_info:
        getattr(unchecked(), op)(**params)
    assert_error(exc_info, "ValidationException", 400, "Value null at 'resourceArn'", "must not be null")


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
