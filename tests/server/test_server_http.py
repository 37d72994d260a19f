"""Bad HTTP input gets a JSON error of a modeled kind, never a stack trace, and the server keeps serving."""

from __future__ import annotations

import http.client
import json
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from ssm_incidents_mock.core.wire.http import MAX_BODY_BYTES
from ssm_incidents_mock.server import DRAIN_LIMIT_BYTES, ThreadedSSMIncidentsServer
from ssm_incidents_mock.server import app as server_app

AUTH = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ssm-incidents/aws4_request, SignedHeaders=host, Signature=00"
SIGNED = {"Authorization": AUTH}
JSON = {"Content-Type": "application/json", **SIGNED}
# Raw requests: a loopback Host and a SigV4 Authorization header, as every SDK sends.
CONTROL = {"X-SSM-Incidents-Mock": "1"}
HOST = b"Host: 127.0.0.1\r\nAuthorization: " + AUTH.encode() + b"\r\n"

# These tests are about the HTTP server, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")
PLAN_BODY = json.dumps({"name": "plan", "incidentTemplate": {"title": "t", "impact": 3}}).encode()


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with ThreadedSSMIncidentsServer() as running:
        yield running.port_number


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body
        self.json: dict[str, Any] = json.loads(body) if body else {}
        assert b"Traceback" not in body and b'File "' not in body

    @property
    def error_type(self) -> str | None:
        return self.headers.get("x-amzn-errortype")


def send(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    connection.request(method, path, body=body, headers=headers if headers is not None else JSON)
    response = connection.getresponse()
    return Answer(response.status, dict(response.getheaders()), response.read())


def connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def raw_exchange(port: int, data: bytes, half_close: bool = False) -> Answer:
    """Send raw bytes, read one response (bounded by the socket timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
        while len(body) < length:
            chunk = sock.recv(65536)
            assert chunk
            body += chunk
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return Answer(int(lines[0].split()[1]), headers, body)


def still_serving(connection: http.client.HTTPConnection) -> None:
    answer = send(connection, "POST", "/listResponsePlans", b"{}")
    assert answer.status == 200
    assert "responsePlanSummaries" in answer.json


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"responsePlanArn": ', "could not be parsed as a JSON object"),
        (b'{"responsePlanArn": "arn"', "could not be parsed as a JSON object"),
        (b"{'single': 'quotes'}", "could not be parsed as a JSON object"),
        (b"[1, 2, 3]", "must be a JSON object"),
        (b'"a string"', "must be a JSON object"),
        (b"42", "must be a JSON object"),
        (b'{"title": "\xff\xfe broken"}', "could not be parsed as a JSON object"),
    ],
)
def test_bad_json_bodies_are_validation_errors(port: int, body: bytes, fragment: str) -> None:
    connection = connect(port)
    answer = send(connection, "POST", "/startIncident", body)
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert fragment in answer.json["message"]
    assert answer.headers["content-type"] == "application/json"
    still_serving(connection)  # same keep-alive connection


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_wrong_content_type_is_rejected(port: int, content_type: str) -> None:
    connection = connect(port)
    answer = send(connection, "POST", "/createResponsePlan", PLAN_BODY, {**SIGNED, "Content-Type": content_type})
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert f"Unsupported Content-Type '{content_type}'" in answer.json["message"]
    still_serving(connection)


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/x-amz-json-1.1", None])
def test_json_content_types_and_none_are_accepted(port: int, content_type: str | None) -> None:
    headers = {**SIGNED, "Content-Type": content_type} if content_type else SIGNED
    answer = send(connect(port), "POST", "/listResponsePlans", b'{"maxResults": 5}', headers)
    assert answer.status == 200, answer.json


@pytest.mark.parametrize("arn", ["arn%FF%FE", "arn%ZZ", "arn%4", "arn%"])
def test_bad_percent_encoding_in_tags_path(port: int, arn: str) -> None:
    connection = connect(port)
    answer = send(connection, "GET", f"/tags/{arn}", headers=SIGNED)
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert "percent-encoded" in answer.json["message"]
    still_serving(connection)


def test_well_encoded_tags_path_reaches_the_operation(port: int) -> None:
    arn = "arn%3Aaws%3Assm-incidents%3A%3A123456789012%3Aresponse-plan%2Fnever-created"
    answer = send(connect(port), "GET", f"/tags/{arn}", headers=SIGNED)
    assert (answer.status, answer.error_type) == (404, "ResourceNotFoundException")
    assert "response-plan/never-created" in answer.json["message"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nope", 404),
        ("POST", "/", 404),
        ("PATCH", "/startIncident", 405),
        ("FOO", "/startIncident", 405),
        ("DELETE", "/listResponsePlans", 405),
    ],
)
def test_unknown_paths_and_methods(port: int, method: str, path: str, status: int) -> None:
    connection = connect(port)
    answer = send(connection, method, path, b"{}")
    assert (answer.status, answer.error_type) == (status, "UnknownOperationException")
    assert path in answer.json["message"] and method in answer.json["message"]
    still_serving(connection)


def test_head_gets_headers_without_body(port: int) -> None:
    connection = connect(port)
    connection.request("HEAD", "/nope", headers=SIGNED)
    response = connection.getresponse()
    assert response.status == 404
    assert response.getheader("x-amzn-ErrorType") == "UnknownOperationException"
    assert response.read() == b""
    still_serving(connection)


def test_body_over_the_limit_is_refused_and_the_connection_survives(port: int) -> None:
    connection = connect(port)
    answer = send(connection, "POST", "/createResponsePlan", b"{" + b" " * MAX_BODY_BYTES + b"}")
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert f"exceeds the maximum size of {MAX_BODY_BYTES} bytes" in answer.json["message"]
    still_serving(connection)


def test_body_declared_beyond_the_drain_limit_closes_the_connection(port: int) -> None:
    head = b"POST /createResponsePlan HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\n"
    answer = raw_exchange(port, head + b"Content-Length: %d\r\n\r\n{" % (DRAIN_LIMIT_BYTES + 1))
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert "exceeds the maximum size" in answer.json["message"]
    assert answer.headers["connection"] == "close"
    still_serving(connect(port))


def test_body_shorter_than_its_content_length(port: int) -> None:
    head = b"POST /startIncident HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    answer = raw_exchange(port, head + b'{"responsePlanArn":', half_close=True)
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert "shorter than its Content-Length" in answer.json["message"]
    still_serving(connect(port))


@pytest.mark.parametrize("length", ["abc", "-1", "1e3"])
def test_invalid_content_length(port: int, length: str) -> None:
    answer = raw_exchange(
        port, b"POST /listResponsePlans HTTP/1.1\r\n" + HOST + f"Content-Length: {length}\r\n\r\n{{}}".encode()
    )
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert "Content-Length" in answer.json["message"]
    still_serving(connect(port))


def test_unsupported_transfer_encoding(port: int) -> None:
    answer = raw_exchange(port, b"POST /listResponsePlans HTTP/1.1\r\n" + HOST + b"Transfer-Encoding: gzip\r\n\r\n")
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert "Transfer-Encoding" in answer.json["message"]


def test_chunked_body_is_read(port: int) -> None:
    send(connect(port), "POST", "/_ssm_incidents_mock/reset", b"", CONTROL)
    body = json.dumps({"name": "chunked", "incidentTemplate": {"title": "t", "impact": 3}}).encode()
    chunks = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:10], body[10:]))
    head = (
        b"POST /createResponsePlan HTTP/1.1\r\n"
        + HOST
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer = raw_exchange(port, head + chunks + b"0\r\n\r\n")
    assert answer.status == 201, answer.json
    assert answer.json["arn"].endswith(":response-plan/chunked")


def test_malformed_chunked_body(port: int) -> None:
    head = (
        b"POST /createResponsePlan HTTP/1.1\r\n"
        + HOST
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer = raw_exchange(port, head + b"zz\r\n{}\r\n0\r\n\r\n")
    assert (answer.status, answer.error_type) == (400, "ValidationException")
    assert "chunked" in answer.json["message"]


@pytest.mark.parametrize("request_line", [b"GARBAGE\r\n\r\n", b"GET /x HTTP/9.9\r\n\r\n", b"GET\r\n\r\n"])
def test_malformed_request_line(port: int, request_line: bytes) -> None:
    answer = raw_exchange(port, request_line)
    assert 400 <= answer.status < 600
    assert answer.error_type in ("ValidationException", "UnknownOperationException")
    assert answer.json["message"]
    still_serving(connect(port))


def test_oversized_header_line(port: int) -> None:
    answer = raw_exchange(port, b"GET /x HTTP/1.1\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n")
    assert (answer.status, answer.error_type) == (431, "ValidationException")
    assert "Header" in answer.json["message"]
    still_serving(connect(port))


def test_request_signed_for_another_service(port: int) -> None:
    auth = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00"
    answer = send(connect(port), "POST", "/", b"{}", {**JSON, "Authorization": auth})
    assert (answer.status, answer.error_type) == (400, "UnknownServiceException")
    assert "signed for 'sqs'" in answer.json["message"]
    assert "moto-server" in answer.json["message"]


def test_unsigned_request_gets_aws_missing_authentication_token(port: int) -> None:
    # AWS answers an unsigned rest-json request with 403 MissingAuthenticationTokenException (see docs/reliability.md)
    send(connect(port), "POST", "/_ssm_incidents_mock/reset", b"", CONTROL)
    answer = send(connect(port), "POST", "/createResponsePlan", PLAN_BODY, {"Content-Type": "application/json"})
    assert (answer.status, answer.error_type) == (403, "MissingAuthenticationTokenException")
    assert answer.json == {"message": "Missing Authentication Token"}
    assert send(connect(port), "POST", "/listResponsePlans", b"{}").json["responsePlanSummaries"] == []


def test_absolute_form_request_target(port: int) -> None:
    answer = send(connect(port), "POST", f"http://127.0.0.1:{port}/listResponsePlans", b"{}")
    assert answer.status == 200
    assert "responsePlanSummaries" in answer.json


def test_many_requests_share_one_keep_alive_connection(port: int) -> None:
    connection = connect(port)
    for _ in range(20):
        still_serving(connection)
    assert connection.sock is not None  # never reconnected: the server kept the connection open


def test_a_failure_inside_the_server_is_a_json_500(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(server_app, "dispatch", broken)
    answer = send(connect(port), "POST", "/listResponsePlans", b"{}")
    assert (answer.status, answer.error_type) == (500, "InternalServerException")
    assert "secret internals" not in answer.json["message"]
    monkeypatch.undo()
    still_serving(connect(port))


def test_expect_100_continue_is_honoured(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = b"POST /listResponsePlans HTTP/1.1\r\n" + HOST + b"Content-Length: 2\r\nExpect: 100-continue\r\n\r\n"
        sock.sendall(head)
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = sock.recv(4096)
            assert chunk
            interim += chunk
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"{}")
        rest = interim.split(b"\r\n\r\n", 1)[1]
        while b"responsePlanSummaries" not in rest:
            chunk = sock.recv(4096)
            assert chunk
            rest += chunk
    assert rest.startswith(b"HTTP/1.1 200 OK")


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"GET /x HTTP/1.1\r\nno colon here\r\n\r\n", 400),
        (b"GET /x HTTP/1.1\r\n: empty name\r\n\r\n", 400),
        (b"GET /x HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(101)) + b"\r\n", 431),
    ],
)
def test_malformed_headers(port: int, head: bytes, status: int) -> None:
    answer = raw_exchange(port, head)
    assert (answer.status, answer.error_type) == (status, "ValidationException")
    assert answer.headers["connection"] == "close"
    still_serving(connect(port))


def test_header_names_are_case_insensitive_and_folded_lines_join(port: int) -> None:
    send(connect(port), "POST", "/_ssm_incidents_mock/reset", b"", CONTROL)
    body = json.dumps({"name": "folded", "incidentTemplate": {"title": "t", "impact": 3}}).encode()
    head = (
        b"POST /createResponsePlan HTTP/1.1\r\nhost: localhost\r\nauthorization: "
        + AUTH.encode()
        + b"\r\nCONTENT-TYPE: application/json\r\n"
        b"X-Folded: first\r\n second\r\ncontent-LENGTH: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    answer = raw_exchange(port, head + body)
    assert answer.status == 201, answer.json
    assert answer.json["arn"].endswith(":response-plan/folded")


def test_http_1_0_closes_after_the_response(port: int) -> None:
    answer = raw_exchange(
        port,
        b"POST /listResponsePlans HTTP/1.0\r\nAuthorization: " + AUTH.encode() + b"\r\nContent-Length: 2\r\n\r\n{}",
    )
    assert answer.status == 200
    assert answer.headers["connection"] == "close"
    assert "responsePlanSummaries" in answer.json
