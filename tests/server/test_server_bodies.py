"""Request bodies the HTTP server must survive: answered with a modeled error, and the server keeps serving."""

from __future__ import annotations

import socket

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support import client

# --- found by the raw HTTP fuzz (mutation "nested"): deep JSON answered 500 ---------------------


def test_deep_json_through_the_server_answers_400_and_the_server_stays_up(server: ThreadedSSMIncidentsServer) -> None:
    body = b'{"name":' + b"[" * 5000 + b"]" * 5000 + b',"incidentTemplate":{"title":"t","impact":3}}'
    auth = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ssm-incidents/aws4_request, SignedHeaders=host"
    head = (
        f"POST /createResponsePlan HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}, Signature=00\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    host, port = server.url.rsplit("/", 1)[-1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"x-amzn-ErrorType: ValidationException" in answer
    assert client(endpoint_url=server.url).list_response_plans()["responsePlanSummaries"] == []
