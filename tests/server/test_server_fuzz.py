"""Fuzzing through the HTTP server: model-driven inputs via boto3, and bytes-level hostile requests.

The server runs in a background thread of this process (``ThreadedSSMIncidentsServer``), so the
state it serves is the same backend object the snapshot reads.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from ssm_incidents_mock.ssm_incidents import SPEC
from tests.support.fuzz import (
    AUTH,
    COUNTER,
    Deadline,
    build_world,
    call,
    check_answer,
    client,
    encode_request,
    focus,
    fuzz_settings,
    reset_backend,
    snapshot,
)
from tests.support.strategies import request

# These tests are about input fuzzing, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

OPERATIONS = sorted(SPEC.operations)
BOTO3_FUZZ = fuzz_settings(ci_examples=8, long_examples=60)
HTTP_FUZZ = fuzz_settings(ci_examples=500, long_examples=4000)
SOCKET_TIMEOUT = 10.0


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedSSMIncidentsServer]:
    with ThreadedSSMIncidentsServer() as running:
        yield running


_clients: dict[str, Any] = {}


def server_client(url: str) -> Any:
    if url not in _clients:
        _clients[url] = client(url, connect_timeout=5, read_timeout=30)
    return _clients[url]


@pytest.mark.parametrize("op_name", OPERATIONS)
@BOTO3_FUZZ
@given(data=st.data())
def test_boto3_input_fuzz_through_server(server: ThreadedSSMIncidentsServer, op_name: str, data: st.DataObject) -> None:
    reset_backend()
    c = server_client(server.url)
    world = focus(build_world(c, "server boto3", op_name != "CreateReplicationSet"), op_name)
    params, broken = data.draw(request(op_name, world, "boto3"), label="input")
    before = snapshot()
    outcome = call(c, op_name, params)
    COUNTER.add("server boto3")
    check_answer(op_name, params, broken, outcome, before, snapshot())


# --------------------------------------------------------------------------- raw HTTP


def wire(method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("latin-1", "replace") + body


def exchange(url: str, data: bytes) -> bytes:
    """Send ``data`` on a fresh connection, close our side, and read the whole answer."""
    parts = urlsplit(url)
    COUNTER.add("server raw HTTP")
    with socket.create_connection((parts.hostname, parts.port), timeout=SOCKET_TIMEOUT) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer and close before reading everything (bad lengths, oversized bodies)
        chunks: list[bytes] = []
        deadline = Deadline(SOCKET_TIMEOUT * 2)
        while deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def statuses(answer: bytes) -> list[int]:
    """Status codes of every response in ``answer`` (pipelined requests get several)."""
    found = []
    for line in answer.split(b"\r\n"):
        if line.startswith(b"HTTP/1.1 ") and line[9:12].isdigit():
            found.append(int(line[9:12]))
    return found


def first_body(answer: bytes) -> bytes:
    head, _, rest = answer.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return rest[: int(line.split(b":", 1)[1])]
    return b""


MUTATIONS = [
    "none",
    "truncate",
    "nested",
    "invalid_utf8",
    "duplicate_keys",
    "oversized",
    "bad_percent",
    "unknown_path",
    "unknown_method",
    "no_auth",
    "garbage_auth",
    "foreign_auth",
    "bad_content_type",
    "bad_length",
    "chunked",
    "bad_chunked",
    "flip",
    "garbage_line",
    "long_target",
    "many_headers",
    "pipelined",
    "absolute_target",
    "json_scalar",
    "huge_number",
    "null_body",
    "foreign_host",
    "cross_origin",
    "folded_headers",
    "bad_chunk_size",
]


def mutate(draw: Any, kind: str, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    """The bytes-level mutation ``kind`` of a valid request (or of its parts)."""
    hdrs = [h for h in headers if h[0] != "Content-Length"]

    def with_length(b: bytes) -> bytes:
        return wire(method, target, [*hdrs, ("Content-Length", str(len(b)))], b)

    def sent(verb: str, where: str, extra: list[tuple[str, str]], drop: str = "") -> bytes:
        """``body`` with its true length, other method/target, extra headers, one header dropped."""
        kept = [h for h in hdrs if h[0] != drop]
        return wire(verb, where, [*kept, *extra, ("Content-Length", str(len(body)))], body)

    if kind == "none":
        return with_length(body)
    if kind == "truncate":
        cut = draw(st.integers(0, max(len(body) - 1, 0)))
        return wire(method, target, [*hdrs, ("Content-Length", str(len(body)))], body[:cut])
    if kind == "nested":
        depth = draw(st.sampled_from([50, 500, 990, 5000, 100_000]))
        opener, closer = draw(st.sampled_from([(b"[", b"]"), (b'{"a":', b"}")]))
        inner = opener * depth + (b"1" if opener != b"[" else b"") + closer * depth
        member = draw(st.sampled_from([b"title", b"name", b"tags", b"unknown", b"filters"]))
        return with_length(b'{"' + member + b'":' + inner + b"}")
    if kind == "invalid_utf8":
        junk = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]))
        at = draw(st.integers(0, len(body)))
        return with_length(body[:at] + junk + body[at:])
    if kind == "duplicate_keys":
        if body.startswith(b"{") and len(body) > 2:
            return with_length(body[:-1] + b"," + body[1:])
        return with_length(b'{"a":1,"a":2}')
    if kind == "oversized":
        size = draw(st.sampled_from([1024 * 1024 + 1, 2 * 1024 * 1024]))
        return with_length(b'{"title":"' + b"x" * size + b'"}')
    if kind == "bad_percent":
        bad = draw(st.sampled_from(["%", "%zz", "%ff", "%c3%28", "%ed%a0%80", "%00", "%2", "%%"]))
        sep = "&" if "?" in target else "?"
        where = draw(st.sampled_from(["path", "query"]))
        new_target = target + bad if where == "path" else target + sep + "maxResults" + "=" + bad
        return sent(method, new_target, [])
    if kind == "unknown_path":
        path = draw(
            st.sampled_from(
                ["/", "/nope", "/listIncidentRecords/extra", "/../etc/passwd", "//", "/_ssm_incidents_mock/x", "/a b"]
            )
        )
        return sent(method, path, [])
    if kind == "unknown_method":
        verb = draw(
            st.sampled_from(["PATCH", "BREW", "OPTIONS", "HEAD", "TRACE", "CONNECT", "GET", "PUT", "DELETE", "POST"])
        )
        return sent(verb, target, [])
    if kind == "no_auth":
        return sent(method, target, [], drop="Authorization")
    if kind in ("garbage_auth", "foreign_auth"):
        value = (
            draw(
                st.sampled_from(
                    ["", "x", "AWS4-HMAC-SHA256", "Credential=/", "AWS4-HMAC-SHA256 Credential=a/b/c/d/e", "é" * 10]
                )
            )
            if kind == "garbage_auth"
            else AUTH.replace("/ssm-incidents/", "/s3/")
        )
        return sent(method, target, [("Authorization", value)], drop="Authorization")
    if kind == "bad_content_type":
        ctype = draw(
            st.sampled_from(["text/plain", "application/xml", "", "application/json; charset=latin-1", "\x7f"])
        )
        return sent(method, target, [("Content-Type", ctype)], drop="Content-Type")
    if kind == "bad_length":
        value = draw(
            st.sampled_from(
                ["-1", "abc", "1e3", "99999999999", str(len(body) + 5), "", "0x10", "10, 10", "\xb2", "+2", "1_0"]
            )
        )
        return wire(method, target, [*hdrs, ("Content-Length", value)], body)
    if kind == "chunked":
        size = draw(st.integers(1, 4))
        pieces = [body[i : i + size] for i in range(0, len(body), size)] or []
        data = b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"
        return wire(method, target, [*hdrs, ("Transfer-Encoding", "chunked")], data)
    if kind == "bad_chunked":
        data = draw(st.sampled_from([b"zz\r\nabc\r\n0\r\n\r\n", b"ffffffff\r\nab", b"5\r\nab", b"", b"3\r\nabc"]))
        encoding = draw(st.sampled_from(["chunked", "gzip", "chunked, gzip"]))
        return wire(method, target, [*hdrs, ("Transfer-Encoding", encoding)], data)
    if kind == "flip":
        flipped = bytearray(with_length(body))
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(flipped) - 1))
            flipped[at] = draw(st.integers(0, 255))
        return bytes(flipped)
    if kind == "garbage_line":
        return draw(
            st.sampled_from(
                [
                    b"GET\r\n\r\n",
                    b"\x00\x01\x02\r\n\r\n",
                    b"GET / HTTP/9.9\r\n\r\n",
                    b"GET /\r\n\r\n",
                    b"hello world\r\n\r\n",
                    b"POST / HTTP/1.1\r\nbad header\r\n\r\n",
                ]
            )
        )
    if kind == "long_target":
        return sent(method, target + "?q=" + "a" * draw(st.sampled_from([5000, 70_000])), [])
    if kind == "many_headers":
        extra = [(f"X-Junk-{i}", "v") for i in range(draw(st.sampled_from([50, 120])))]
        return sent(method, target, extra)
    if kind == "pipelined":
        one = with_length(body)
        return one + one + draw(st.sampled_from([b"", b"GARBAGE\r\n\r\n"]))
    if kind == "absolute_target":
        return sent(method, "http://localhost" + target, [])
    if kind == "json_scalar":
        return with_length(draw(st.sampled_from([b"[]", b"1", b'"x"', b"null", b"true", b"{", b"}", b" ", b"{}{}"])))
    if kind == "huge_number":
        number = draw(
            st.sampled_from([b"1e999999", b"9" * 5000, b"-0", b"NaN", b"Infinity", b"1.0", b"-9223372036854775809"])
        )
        return with_length(b'{"maxResults":' + number + b',"impact":' + number + b',"title":' + number + b"}")
    if kind == "foreign_host":
        host = draw(st.sampled_from(["evil.example", "10.0.0.1", "localhost.evil", "", "[::2]", "a b", "x:99999"]))
        kept = [h for h in hdrs if h[0] != "Host"]
        return wire(method, target, [("Host", host), *kept, ("Content-Length", str(len(body)))], body)
    if kind == "cross_origin":
        extra = draw(
            st.sampled_from(
                [
                    [("Origin", "http://evil.example")],
                    [("Origin", "null")],
                    [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors")],
                    [("Origin", "http://evil.example"), ("Access-Control-Request-Method", "POST")],
                ]
            )
        )
        return sent(draw(st.sampled_from([method, "OPTIONS"])), target, extra)
    if kind == "folded_headers":
        lines = draw(st.sampled_from([10, 99, 101, 2000]))
        head = wire(method, target, [*hdrs, ("Content-Length", str(len(body)))], b"")[:-2]
        return head + b"X-Folded: a\r\n" + b" b\r\n" * lines + b"\r\n" + body
    if kind == "bad_chunk_size":
        size = draw(st.sampled_from([b"-1", b"0x2", b"+2", b"0_2", b"-0", b"fffffffffffffffff"]))
        return wire(method, target, [*hdrs, ("Transfer-Encoding", "chunked")], size + b"\r\n{}\r\n0\r\n\r\n")
    if kind == "null_body":
        return with_length(b"\x00" * draw(st.integers(1, 64)))
    raise AssertionError(kind)


@st.composite
def hostile_http(draw: Any) -> tuple[str, str, bytes]:
    op_name = draw(st.sampled_from(OPERATIONS), label="operation")
    world = focus(WORLD, op_name)
    params, _ = draw(request(op_name, world, "raw"), label="input")
    req = encode_request(op_name, params)
    target = req.path + ("?" + req.query if req.query else "")
    body = req.body if isinstance(req.body, bytes) else (req.body or "").encode()
    headers = [("Host", "ssm-incidents.us-east-1.amazonaws.com"), *req.headers.items()]
    kind = draw(st.sampled_from(MUTATIONS), label="mutation")
    return op_name, kind, mutate(draw, kind, req.method, target, headers, body)


WORLD: dict[str, list[str]] = {}


def test_raw_http_fuzz(server: ThreadedSSMIncidentsServer) -> None:
    reset_backend()
    WORLD.clear()
    WORLD.update(build_world(server_client(server.url), "server raw HTTP"))

    @HTTP_FUZZ
    @given(case=hostile_http())
    def one(case: tuple[str, str, bytes]) -> None:
        op_name, kind, data = case
        before = snapshot()
        answer = exchange(server.url, data)
        codes = statuses(answer)
        if codes and all(code >= 400 for code in codes):
            assert snapshot() == before, f"a rejected request changed state: {answer[:300]!r}"
        assert codes, f"no answer to {data[:300]!r}"
        # 505 is HTTP's own answer to a request line naming another protocol version (HTTP/2.0, HTTP/9.9)
        allowed = (
            {505} if codes[0] == 505 and not data.split(b"\r\n", 1)[0].endswith((b"HTTP/1.1", b"HTTP/1.0")) else set()
        )
        assert all(code < 500 or code in allowed for code in codes), (codes, answer[:600], data[:300])
        if kind == "invalid_utf8" and SPEC.operations[op_name].body_members:
            assert codes[0] == 400, f"invalid UTF-8 in the body was accepted: {data[-300:]!r}"
        body = first_body(answer)
        if body:
            payload = json.loads(body)
            assert isinstance(payload, dict)
            if codes[0] >= 400:
                assert payload.get("message"), answer[:600]

    one()
    # the server is still up and serving valid requests
    assert server_client(server.url).list_response_plans()["ResponseMetadata"]["HTTPStatusCode"] == 200
