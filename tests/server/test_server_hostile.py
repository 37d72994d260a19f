"""Hostile HTTP against the server: raw sockets on 127.0.0.1 only, every loop bounded in time.

Framing (Content-Length, chunk sizes), head limits, slow clients, the connection cap, who may call
(Host, Origin, Sec-Fetch-Site, CORS, SigV4, control endpoints), the state dump's lock, request logs.
"""

from __future__ import annotations

import importlib.machinery
import json
import logging
import socket
import sys
import threading
import time
import types
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from werkzeug.test import Client
from werkzeug.wrappers import Request as WSGIRequest
from werkzeug.wrappers import Response as WSGIResponse

from ssm_incidents_mock import snapshot
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer, make_app
from ssm_incidents_mock.server import app as server_app

# These tests are about the HTTP server, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

AUTH = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ssm-incidents/aws4_request, SignedHeaders=host, Signature=00"
PLAN = json.dumps({"name": "hostile", "incidentTemplate": {"title": "t", "impact": 3}}).encode()


# --- raw socket helpers (bounded) -----------------------------------------------------------------


def read_answer(sock: socket.socket, seconds: float = 10.0) -> bytes:
    """Everything until the peer closes or ``seconds`` pass."""
    sock.settimeout(0.5)
    received = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            if b"\r\n\r\n" in received and _complete(received):
                break
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
        if _complete(received):
            break
    return received


def _complete(data: bytes) -> bool:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":", 1)[1])
    return True


def exchange(port: int, data: bytes, seconds: float = 10.0) -> tuple[int, dict[str, str], Any]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass
        answer = read_answer(sock, seconds)
    return parse(answer)


def parse(answer: bytes) -> tuple[int, dict[str, str], Any]:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    payload = json.loads(body) if body and headers.get("content-type", "").startswith("application/json") else body
    return int(lines[0].split()[1]), headers, payload


def request(
    method: str, path: str, body: bytes = b"", host: str = "127.0.0.1", extra: tuple[str, ...] = (), auth: bool = True
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
    if auth:
        lines.append(f"Authorization: {AUTH}")
    lines += extra
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with ThreadedSSMIncidentsServer(
        allowed_hosts=["mock", ".example.test"], cors_origins=["http://localhost:3000"]
    ) as running:
        yield running.port_number


def plan_count(port: int) -> int:
    status, _, payload = exchange(port, request("POST", "/listResponsePlans", b"{}"))
    assert status == 200, payload
    return len(payload["responsePlanSummaries"])


def reset(port: int) -> None:
    status, _, _ = exchange(port, request("POST", "/_ssm_incidents_mock/reset", extra=("X-SSM-Incidents-Mock: 1",)))
    assert status == 200


# --- Content-Length and chunked sizes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "length",
    [b"\xb2", b"\xb9\xb2", "١٢".encode(), b"+2", b"2 2", b"0x2", b"2.0", b"-0", b"9" * 23],  # \xb2 is latin-1 "²"
)
def test_content_length_must_be_ascii_digits(port: int, length: bytes) -> None:
    head = request("POST", "/listResponsePlans")[: -len(b"Content-Length: 0\r\n\r\n")]
    status, headers, payload = exchange(port, head + b"Content-Length: " + length + b"\r\n\r\n{}")
    assert (status, headers["x-amzn-errortype"]) == (400, "ValidationException")
    assert "Content-Length" in payload["message"]


@pytest.mark.parametrize("size", [b"-1", b"0x2", b"+2", b"0_2", b" 2", b"2 x", b"", b"1" * 17])
def test_chunk_sizes_are_strict_hex(port: int, size: bytes) -> None:
    head = request("POST", "/listResponsePlans")[: -len(b"Content-Length: 0\r\n\r\n")]
    data = head + b"Transfer-Encoding: chunked\r\n\r\n" + size + b"\r\n{}\r\n0\r\n\r\n"
    status, headers, payload = exchange(port, data)
    assert (status, headers["x-amzn-errortype"]) == (400, "ValidationException")
    assert "chunked" in payload["message"]


def test_chunk_extensions_and_trailers_are_accepted(port: int) -> None:
    head = request("POST", "/listResponsePlans")[: -len(b"Content-Length: 0\r\n\r\n")]
    data = head + b"Transfer-Encoding: chunked\r\n\r\n2;name=value\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n"
    assert exchange(port, data)[0] == 200


def test_many_small_chunks_cannot_pass_the_body_limit(port: int) -> None:
    head = request("POST", "/createResponsePlan")[: -len(b"Content-Length: 0\r\n\r\n")]
    chunk = b"ffff\r\n" + b" " * 0xFFFF + b"\r\n"
    status, _, payload = exchange(port, head + b"Transfer-Encoding: chunked\r\n\r\n" + chunk * 17 + b"0\r\n\r\n")
    assert status == 400 and "exceeds the maximum size" in payload["message"]


@pytest.mark.parametrize(
    "extra",
    [
        ("Transfer-Encoding: chunked",),  # with a Content-Length: request smuggling
        ("Content-Length: 2",),  # two Content-Length headers
        ("Host: other",),  # two Host headers
    ],
)
def test_ambiguous_framing_is_refused(port: int, extra: tuple[str, ...]) -> None:
    status, headers, _ = exchange(port, request("POST", "/listResponsePlans", b"{}", extra=extra))
    assert status == 400
    assert headers["connection"] == "close"


# --- the head ------------------------------------------------------------------------------------------


def test_two_thousand_folded_lines_are_refused_quickly(port: int) -> None:
    head = b"POST /listResponsePlans HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Folded: a\r\n" + b" b\r\n" * 2000
    started = time.monotonic()
    status, _, payload = exchange(port, head + b"\r\n")
    assert status == 431 and "Too many headers" in payload["message"]
    assert time.monotonic() - started < 5


def test_repeated_header_names_count_toward_the_limit(port: int) -> None:
    head = b"POST /listResponsePlans HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Same: v\r\n" * 150
    assert exchange(port, head + b"\r\n")[0] == 431


def test_total_head_size_is_bounded_below_the_per_line_limit(port: int) -> None:
    lines = b"".join(b"X-Big-%d: %s\r\n" % (i, b"a" * 4000) for i in range(20))  # 80 KB in 20 short lines
    status, _, payload = exchange(port, b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n" + lines + b"\r\n")
    assert status == 431 and "too large" in payload["message"]


def test_sixty_megabytes_of_headers_are_cut_off_early(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sent = 0
        line = b"X-H: " + b"a" * 1000 + b"\r\n"
        try:
            while sent < 60 * 1024 * 1024:
                sock.sendall(line * 64)
                sent += len(line) * 64
        except OSError:
            pass  # the server answered and closed long before 60 MB
        answer = read_answer(sock)
    assert sent < 60 * 1024 * 1024
    assert parse(answer)[0] == 431


@pytest.mark.parametrize(
    "line",
    [b"Bad Name: v", b"Space-Before-Colon : v", b"X-Nul: a\x00b", b"X-Cr: a\rb", b" leading-fold: v"],
)
def test_malformed_header_lines_are_refused(port: int, line: bytes) -> None:
    status, headers, _ = exchange(port, b"GET /x HTTP/1.1\r\n" + line + b"\r\nHost: 127.0.0.1\r\n\r\n")
    assert status == 400 and headers["connection"] == "close"


@pytest.mark.parametrize("line", [b"GET /x HTTP/1.1 extra", b"GET /x", b"GET  /x HTTP/1.1", b"GET /x FTP/1.0"])
def test_malformed_request_lines(port: int, line: bytes) -> None:
    assert exchange(port, line + b"\r\nHost: 127.0.0.1\r\n\r\n")[0] == 400


# --- slow clients and the connection cap ----------------------------------------------------------------


def test_a_byte_a_while_cannot_hold_a_connection_past_the_request_deadline() -> None:
    with ThreadedSSMIncidentsServer(request_timeout=1.0) as running:
        data = request("POST", "/listResponsePlans", b"{}")
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", running.port_number), timeout=10) as sock:
            sent = 0
            try:
                while sent < len(data) and time.monotonic() - started < 10:
                    sock.sendall(data[sent : sent + 1])  # each byte well within any per-read timeout
                    sent += 1
                    time.sleep(0.1)
            except OSError:
                pass
            answer = read_answer(sock, 5)
        assert time.monotonic() - started < 4
        assert sent < len(data)
        status, _, payload = parse(answer)
        assert status == 408 and "in time" in payload["message"]


def test_idle_connections_make_room_when_the_server_is_crowded() -> None:
    with ThreadedSSMIncidentsServer(max_connections=4) as running:
        idle = [socket.create_connection(("127.0.0.1", running.port_number), timeout=10) for _ in range(4)]
        try:
            started = time.monotonic()
            status, _, _ = exchange(running.port_number, request("POST", "/listResponsePlans", b"{}"))
            assert status == 200
            assert time.monotonic() - started < 8
            deadline = time.monotonic() + 5
            while running.http_server.open_connections > 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert running.http_server.open_connections <= 2  # idle ones closed until under 3/4 of the cap
        finally:
            for sock in idle:
                sock.close()


def test_connections_beyond_the_cap_get_503_not_a_thread_each() -> None:
    with ThreadedSSMIncidentsServer(max_connections=3, request_timeout=20) as running:
        threads_before = threading.active_count()
        busy = []
        for _ in range(3):  # mid-request: not idle, so nothing can be closed to make room
            sock = socket.create_connection(("127.0.0.1", running.port_number), timeout=10)
            sock.sendall(b"POST /listResponsePlans HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            busy.append(sock)
        try:
            deadline = time.monotonic() + 5
            while running.http_server.open_connections < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            status, headers, payload = exchange(running.port_number, request("POST", "/listResponsePlans", b"{}"))
            assert status == 503 and headers["retry-after"] == "1"
            assert "too many open connections" in payload["message"]
            assert threading.active_count() <= threads_before + 3
        finally:
            for sock in busy:
                sock.close()


def test_connections_waiting_beyond_the_cap_wait_side_by_side_not_in_turn() -> None:
    # The accept loop waited 2 s for each connection in turn: the sixth beyond the cap waited 12 s.
    with ThreadedSSMIncidentsServer(max_connections=2, request_timeout=30) as running:
        busy = fill_with_mid_request_connections(running, 2)
        answers: dict[int, bytes] = {}

        def wait_for_answer(number: int) -> None:
            with socket.create_connection(("127.0.0.1", running.port_number), timeout=10) as sock:
                sock.sendall(request("POST", "/listResponsePlans", b"{}"))
                answers[number] = read_answer(sock, seconds=6)  # well past the 2 s wait of each one

        try:
            waiters = [threading.Thread(target=wait_for_answer, args=(n,)) for n in range(6)]
            for waiter in waiters:
                waiter.start()
            for waiter in waiters:
                waiter.join(timeout=30)
        finally:
            for sock in busy:
                sock.close()
    assert sorted(answers) == list(range(6))
    assert [parse(answer)[0] for answer in answers.values()] == [503] * 6


def test_a_waiting_connection_takes_the_first_slot_that_frees(monkeypatch: pytest.MonkeyPatch) -> None:
    # The point is which connection gets the slot, not the 2 s a waiting one is given: on a loaded
    # machine the freed slot may take longer than that to be seen.
    from ssm_incidents_mock.server import connection

    monkeypatch.setattr(connection, "_CROWD_WAIT_SECONDS", 20.0)
    with ThreadedSSMIncidentsServer(max_connections=1, request_timeout=30) as running:
        (busy,) = fill_with_mid_request_connections(running, 1)
        with socket.create_connection(("127.0.0.1", running.port_number), timeout=10) as sock:
            sock.sendall(request("POST", "/listResponsePlans", b"{}"))
            busy.close()  # a slot frees while the new connection waits
            status, _, payload = parse(read_answer(sock))
    assert status == 200 and payload["responsePlanSummaries"] == []


def fill_with_mid_request_connections(running: ThreadedSSMIncidentsServer, count: int) -> list[socket.socket]:
    """``count`` connections that sent half a request head (not idle: nothing may close them to make room)."""
    busy = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", running.port_number), timeout=10)
        sock.sendall(b"POST /listResponsePlans HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        busy.append(sock)
    deadline = time.monotonic() + 5
    while running.http_server.open_connections < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.http_server.open_connections == count
    return busy


# --- who may call -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.0.0.2:80",
        "localhost:5050",
        "LOCALHOST",
        "app.localhost",
        "[::1]:1",
        "[::ffff:127.0.0.1]",
        "mock",
        "mock:5050",
        "a.example.test:1",
        "ssm-incidents.eu-west-1.amazonaws.com",
        "ssm-incidents.us-east-1.api.aws",
    ],
)
def test_loopback_allowed_and_aws_hosts_are_served(port: int, host: str) -> None:
    assert exchange(port, request("POST", "/listResponsePlans", b"{}", host=host))[0] == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "127.0.0.1.evil.example", "10.0.0.5", "localhost.evil", "mockx", "example.test"]
)
def test_other_hosts_are_refused(port: int, host: str) -> None:
    reset(port)
    status, headers, payload = exchange(port, request("POST", "/createResponsePlan", PLAN, host=host))
    assert (status, headers["x-amzn-errortype"]) == (403, "AccessDeniedException")
    assert "--allow-host" in payload["message"]
    assert plan_count(port) == 0


def test_http_1_1_without_host_is_a_400(port: int) -> None:
    # RFC 9112: the Host check is the rebinding defence, so an HTTP/1.1 request must name its host.
    lines = ["GET /_ssm_incidents_mock/state HTTP/1.1", "X-SSM-Incidents-Mock: 1", "Connection: close"]
    status, headers, payload = exchange(port, ("\r\n".join(lines) + "\r\n\r\n").encode())
    assert (status, headers["x-amzn-errortype"]) == (400, "ValidationException")
    assert "Host" in payload["message"]
    signed = request("POST", "/createResponsePlan", PLAN).replace(b"Host: 127.0.0.1\r\n", b"")
    assert exchange(port, signed)[0] == 400
    http_1_0 = b"GET /_ssm_incidents_mock/state HTTP/1.0\r\nX-SSM-Incidents-Mock: 1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(http_1_0)
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 200 ")  # HTTP/1.0 has no Host requirement (and no browser speaks it)


def test_dns_rebinding_cannot_read_the_state(port: int) -> None:
    extra = ("X-SSM-Incidents-Mock: 1",)
    assert (
        exchange(port, request("GET", "/_ssm_incidents_mock/state", host="rebind.evil.example", extra=extra))[0] == 403
    )


@pytest.mark.parametrize(
    "extra",
    [
        ("Origin: http://evil.example", "Content-Type: text/plain"),  # a no-cors form POST
        ("Origin: http://localhost:4000",),  # another local app
        ("Origin: null",),  # sandboxed frame, file:// page
        ("Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: no-cors"),
        ("Sec-Fetch-Site: same-site", "Sec-Fetch-Mode: cors"),
    ],
)
def test_cross_origin_browser_requests_are_refused(port: int, extra: tuple[str, ...]) -> None:
    reset(port)
    for signed in (True, False):
        status, headers, _ = exchange(port, request("POST", "/createResponsePlan", PLAN, extra=extra, auth=signed))
        assert (status, headers["x-amzn-errortype"]) == (403, "AccessDeniedException")
    assert plan_count(port) == 0


def test_same_origin_pages_and_top_level_navigation_pass(port: int) -> None:
    same = (f"Origin: http://127.0.0.1:{port}",)
    assert exchange(port, request("POST", "/listResponsePlans", b"{}", host=f"127.0.0.1:{port}", extra=same))[0] == 200
    navigate = ("Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate")
    assert exchange(port, request("GET", "/nope", extra=navigate))[0] == 404


def test_cors_opt_in_answers_the_js_sdk_preflight(port: int) -> None:
    sdk_headers = "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token,x-amz-user-agent"
    extra = (
        "Origin: http://localhost:3000",
        "Access-Control-Request-Method: POST",
        f"Access-Control-Request-Headers: {sdk_headers}",
    )
    status, headers, _ = exchange(port, request("OPTIONS", "/startIncident", extra=extra, auth=False))
    assert status == 204
    assert headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "POST" in headers["access-control-allow-methods"]
    assert set(headers["access-control-allow-headers"].split(", ")) == set(sdk_headers.split(","))
    status, headers, _ = exchange(
        port, request("POST", "/listResponsePlans", b"{}", extra=("Origin: http://localhost:3000",))
    )
    assert status == 200 and headers["access-control-allow-origin"] == "http://localhost:3000"
    exposed = headers["access-control-expose-headers"].lower()
    assert "x-amzn-requestid" in exposed and "x-amzn-errortype" in exposed
    other = ("Origin: http://localhost:3001", "Access-Control-Request-Method: POST")
    assert exchange(port, request("OPTIONS", "/startIncident", extra=other, auth=False))[0] == 403


@pytest.mark.parametrize("path", ["/_ssm_incidents_mock/reset", "/moto-api/reset"])
def test_control_endpoints_refuse_simple_requests(port: int, path: str) -> None:
    reset(port)
    exchange(port, request("POST", "/createResponsePlan", PLAN))
    for extra in [(), ("Content-Type: text/plain",), ("Content-Type: application/x-www-form-urlencoded",)]:
        status, headers, payload = exchange(port, request("POST", path, extra=extra, auth=False))
        assert (status, headers["x-amzn-errortype"]) == (403, "AccessDeniedException")
        assert "X-SSM-Incidents-Mock" in payload["message"]
    assert plan_count(port) == 1
    assert exchange(port, request("POST", path, extra=("Content-Type: application/json",), auth=False))[0] == 200
    assert plan_count(port) == 0


def test_state_dump_needs_the_header_too(port: int) -> None:
    assert exchange(port, request("GET", "/_ssm_incidents_mock/state", auth=False))[0] == 403
    status, _, payload = exchange(
        port, request("GET", "/_ssm_incidents_mock/state", extra=("X-SSM-Incidents-Mock: 1",), auth=False)
    )
    assert status == 200 and payload["service"] == "ssm-incidents"


# --- the dashboard mount ------------------------------------------------------------------------------------


def test_dashboard_is_mounted_behind_the_same_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("ssm_incidents_mock.dashboard")
    fake.__spec__ = importlib.machinery.ModuleSpec("ssm_incidents_mock.dashboard", None)

    def handle(req: WSGIRequest, host_checked: bool = False) -> WSGIResponse:
        return WSGIResponse(f"<p>dashboard {req.path}</p>", mimetype="text/html")

    fake.handle = handle  # type: ignore[attr-defined]
    fake.DASHBOARD_PATH = "/_ssm_incidents_mock/dashboard"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ssm_incidents_mock.dashboard", fake)
    with ThreadedSSMIncidentsServer() as running:
        status, headers, body = exchange(
            running.port_number, request("GET", "/_ssm_incidents_mock/dashboard", auth=False)
        )
        assert status == 200 and b"dashboard /_ssm_incidents_mock/dashboard" in body
        assert headers["x-frame-options"] == "DENY"
        html = ("Accept: text/html,application/xhtml+xml,*/*;q=0.8",)
        assert b"dashboard /" in exchange(running.port_number, request("GET", "/", extra=html, auth=False))[2]
        refused = request("GET", "/_ssm_incidents_mock/dashboard", host="evil.example", auth=False)
        assert exchange(running.port_number, refused)[0] == 403


def test_the_wsgi_app_mounts_in_another_server() -> None:
    client = Client(make_app())
    response = client.post(
        "/tags/arn%3Aaws%3Assm-incidents%3A%3A123456789012%3Aresponse-plan%2Fnever",
        data=b'{"tags": {"a": "b"}}',
        headers={"Authorization": AUTH, "Host": "localhost", "Content-Type": "application/json"},
    )
    assert response.status_code == 404
    assert "response-plan/never" in response.get_json()["message"]
    assert client.post("/listResponsePlans", data=b"{}", headers={"Host": "evil.example"}).status_code == 403


# --- the state dump and its lock ---------------------------------------------------------------------------


class CountingLock:
    """Wraps a backend lock, recording how long each outermost hold lasted."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.depth = 0
        self.since = 0.0
        self.holds: list[float] = []

    def __enter__(self) -> None:
        self.inner.acquire()
        self.depth += 1
        if self.depth == 1:
            self.since = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.holds.append(time.perf_counter() - self.since)
        self.inner.release()


def test_state_dump_holds_the_lock_one_batch_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssm_incidents_mock import mock_ssm_incidents
    from ssm_incidents_mock.ssm_incidents.models import ssmincidents_backends

    with mock_ssm_incidents():
        ssm = boto3.client("ssm-incidents", region_name="us-east-1", config=Config(retries={"max_attempts": 1}))
        plan = ssm.create_response_plan(name="dump", incidentTemplate={"title": "t", "impact": 3})["arn"]
        for _ in range(40):
            ssm.start_incident(responsePlanArn=plan)
        monkeypatch.setattr(snapshot, "BATCH", 8)
        backend = ssmincidents_backends["123456789012"]["aws"]
        counting = CountingLock(backend.lock)
        monkeypatch.setattr(backend, "lock", counting)
        rendered_in_hold: dict[int, int] = {}  # hold number -> incidents rendered during it
        render = snapshot._incident_entry

        def counted(record: Any) -> Any:
            assert counting.depth > 0, "each record is rendered under the lock"
            hold = len(counting.holds)
            rendered_in_hold[hold] = rendered_in_hold.get(hold, 0) + 1
            return render(record)

        monkeypatch.setattr(snapshot, "_incident_entry", counted)
        dumped = snapshot.dump_backend(backend)
    assert len(dumped["incidentRecords"]) == 40
    assert sum(rendered_in_hold.values()) == 40
    assert max(rendered_in_hold.values()) <= 8  # never more than one batch per hold of the lock
    assert len(counting.holds) >= 1 + 40 // 8


# --- request logs -------------------------------------------------------------------------------------------


def server_client(url: str, service: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def test_requests_are_logged_with_operation_account_status_latency(caplog: pytest.LogCaptureFixture) -> None:
    with ThreadedSSMIncidentsServer() as running, caplog.at_level(logging.INFO, logger="ssm_incidents_mock.server"):
        server_client(running.url, "ssm-incidents").list_response_plans()
    (line,) = [r.getMessage() for r in caplog.records if "ListResponsePlans" in r.getMessage()]
    assert "operation=ListResponsePlans" in line and "account=123456789012" in line and "status=200" in line
    assert "latency=" in line and line.endswith("ms")


@pytest.mark.parametrize(
    "target", ["/\x1b[2J\x1b]0;owned\x07", "/\x9b31m", "/\x7f\x08\x08"], ids=["esc", "c1-csi", "del-bs"]
)
def test_control_characters_of_the_request_line_are_escaped_in_the_log(
    caplog: pytest.LogCaptureFixture, target: str
) -> None:
    with ThreadedSSMIncidentsServer() as running, caplog.at_level(logging.INFO, logger="ssm_incidents_mock.server"):
        answer = exchange(running.port_number, request("POST", target, b"{}"))
    assert answer[0] == 404
    (line,) = [r.getMessage() for r in caplog.records if "status=404" in r.getMessage()]
    assert line.isprintable(), line
    assert repr(target[1:])[1:-1] in line  # shown as Python escapes, e.g. \x1b


def test_the_request_log_takes_operation_and_account_from_the_one_dispatch(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssm_incidents_mock.ssm_contacts.responses import SERVICE

    routed: list[str] = []
    route = SERVICE.protocol.route

    def counted(request: Any) -> Any:
        routed.append(request.path)
        return route(request)

    monkeypatch.setattr(SERVICE.protocol, "route", counted)
    with ThreadedSSMIncidentsServer() as running, caplog.at_level(logging.INFO, logger="ssm_incidents_mock.server"):
        contacts = server_client(running.url, "ssm-contacts")
        contacts.meta.events.register(
            "before-sign.ssm-contacts.*",
            lambda request, **_: request.headers.add_header("x-moto-account-id", "111122223333"),
        )
        assert contacts.list_contacts()["Contacts"] == []  # lenient: no replication set needed
    (line,) = [r.getMessage() for r in caplog.records if "ListContacts" in r.getMessage()]
    assert "POST / operation=ListContacts account=111122223333 status=200" in line
    assert routed == ["/"]  # the log does not route the request again


def test_a_broken_dispatcher_is_a_json_500_through_werkzeug(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server_app, "dispatch", lambda *_: 1 / 0)
    status, headers, payload = exchange(port, request("POST", "/listResponsePlans", b"{}"))
    assert (status, headers["x-amzn-errortype"]) == (500, "InternalServerException")
    assert "ZeroDivision" not in json.dumps(payload)
