"""Server mode: ssm-incidents over HTTP on one port, for the AWS CLI and every SDK.

A lean threaded HTTP/1.1 server (keep-alive, one thread per connection) hands each request to
``responses.handle``, the dispatcher the in-process mock uses, so both modes answer alike. The
service is recognised from the request's SigV4 credential scope; account and region are resolved
as in-process (``context.RequestContext``). Requests signed for another service get a JSON error:
``ssm-incidents-mock moto-server`` serves ssm-incidents next to moto's services instead.

Control endpoints (not part of the AWS API):

- ``POST /_ssm_incidents_mock/reset`` (and moto's ``POST /moto-api/reset``): drop all state;
- ``GET /_ssm_incidents_mock/state``: every account's state as JSON, for debugging.
"""

from __future__ import annotations

import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Mapping
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .config import settings
from .context import credential_scope
from .exceptions import InternalServerException, ValidationException
from .models import SSMIncidentsBackend, ssmincidents_backends
from .responses import dispatch
from .wire import codec
from .wire.model import SERVICE_NAME, SPEC
from .wire.rest_json import MAX_BODY_BYTES, Request, Response, render_error, split_url

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5050
CONTROL_PREFIX = "/_ssm_incidents_mock/"
MOTO_RESET_PATH = "/moto-api/reset"
IDLE_TIMEOUT_SECONDS = 300.0  # an idle keep-alive connection (or a stalled body) is closed after this
MAX_LINE_BYTES = 65536  # longest request line or header line
MAX_HEADERS = 100
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024  # an oversized body up to this size is read and discarded, larger ones close

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]*\+)?(?:x-amz-)?json(?:-[\d.]+)?$")


def _json_response(status: int, error_type: str | None, payload: Any) -> Response:
    headers = {"Content-Type": "application/json"}
    if error_type is not None:
        headers["x-amzn-ErrorType"] = error_type
    return status, headers, codec.encode(payload)


def _validation_error(message: str) -> Response:
    return render_error(None, ValidationException(message))


# --- control endpoints ------------------------------------------------------------------------


def reset_state() -> None:
    """Forget every account's Incident Manager data (other moto services are left alone)."""
    from moto.core.base_backend import backend_lock

    with backend_lock:
        ssmincidents_backends.clear()


def dump_state() -> dict[str, Any]:
    """A read-only JSON view of all state: ``{account: {partition: {...}}}``, rendered as the API does."""
    accounts: dict[str, Any] = {}
    for account_id, per_partition in list(ssmincidents_backends.items()):
        for partition, backend in list(per_partition.items()):
            with backend.lock:
                accounts.setdefault(account_id, {})[partition] = _dump_backend(backend)
    return {"service": SERVICE_NAME, "accounts": accounts}


def _render(operation: str, member: str | None, value: Any) -> Any:
    render = SPEC.operations[operation].render
    assert render is not None
    rendered = render({member: value} if member else value)
    return rendered.get(member) if member else rendered


def _dump_backend(backend: SSMIncidentsBackend) -> dict[str, Any]:
    plans = []
    for plan in backend.response_plans.values():
        entry = _render("GetResponsePlan", None, plan)
        if plan.policies:
            entry["resourcePolicies"] = _render("GetResourcePolicies", "resourcePolicies", list(plan.policies.values()))
        plans.append(entry)
    incidents = []
    for record in backend.incidents.by_arn.values():
        entry = _render("GetIncidentRecord", "incidentRecord", record)
        entry["timelineEvents"] = [_render("GetTimelineEvent", "event", event) for event in record.events()]
        entry["relatedItems"] = _render("ListRelatedItems", "relatedItems", list(record.related_items)) or []
        incidents.append(entry)
    replication_set = backend.replication_set
    return {
        "replicationSet": _render("GetReplicationSet", "replicationSet", replication_set) if replication_set else None,
        "responsePlans": plans,
        "incidentRecords": incidents,
        "tags": {arn: dict(tags) for arn, tags in backend.tags.items()},
    }


def control_response(method: str, path: str) -> Response:
    """Answer a control endpoint (``path`` starts with the control prefix or is moto's reset path)."""
    if path in (CONTROL_PREFIX + "reset", MOTO_RESET_PATH):
        if method != "POST":
            return _json_response(405, "UnknownOperationException", {"message": f"Use POST {path} to reset."})
        reset_state()
        return _json_response(200, None, {"status": "ok", "message": "All ssm-incidents state was reset."})
    if path == CONTROL_PREFIX + "state":
        if method != "GET":
            return _json_response(405, "UnknownOperationException", {"message": f"Use GET {path}."})
        return _json_response(200, None, dump_state())
    return _json_response(404, "UnknownOperationException", {"message": f"No control endpoint {path}."})


# --- request checks -----------------------------------------------------------------------------


def foreign_service(headers: Mapping[str, str]) -> str | None:
    """The service a SigV4-signed request names when it is not ssm-incidents, else None."""
    _, _, service = credential_scope(headers.get("Authorization") or "")
    return None if service is None or service == SERVICE_NAME else service


def content_type_error(headers: Mapping[str, str]) -> Response | None:
    """A body must be JSON; a body without Content-Type is read as JSON too."""
    content_type = headers.get("Content-Type")
    if not content_type:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    if _JSON_TYPE.match(media_type):
        return None
    return _validation_error(f"Unsupported Content-Type '{media_type}': ssm-incidents accepts application/json bodies.")


# --- HTTP -------------------------------------------------------------------------------------------


class Headers(dict[str, str]):
    """Request headers: names stored in lower case, looked up in any case."""

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name.lower() if isinstance(name, str) else name)


class _BodyError(Exception):
    """The request body cannot be used; ``keep_alive`` tells whether the stream is still in sync."""

    def __init__(self, response: Response, keep_alive: bool) -> None:
        super().__init__(response[2].decode("utf-8", "replace"))
        self.response = response
        self.keep_alive = keep_alive


class RequestHandler(BaseHTTPRequestHandler):
    """One connection: reads requests until the client closes or asks to close."""

    protocol_version = "HTTP/1.1"
    server_version = "ssm-incidents-mock"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT_SECONDS
    server: SSMIncidentsHTTPServer
    request_headers: Headers

    def handle_one_request(self) -> None:
        try:
            if self._read_head():
                self._serve()
        except (TimeoutError, ConnectionError):
            self.close_connection = True

    def _read_head(self) -> bool:
        """Request line and headers (a lean stand-in for ``parse_request``); False when answered or done."""
        self.command = self.request_version = ""
        self.close_connection = True
        line = self.rfile.readline(MAX_LINE_BYTES + 1)
        if not line:
            return False
        self.raw_requestline = line
        self.requestline = line.decode("latin-1").rstrip("\r\n")
        if len(line) > MAX_LINE_BYTES:
            self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
            return False
        parts = self.requestline.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({self.requestline!r})")
            return False
        self.command, self.path, self.request_version = parts
        if self.request_version not in ("HTTP/1.1", "HTTP/1.0"):
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({self.request_version})")
            return False
        headers = Headers()
        name = ""
        while True:
            line = self.rfile.readline(MAX_LINE_BYTES + 1)
            if len(line) > MAX_LINE_BYTES:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Header line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            text = line.decode("latin-1").rstrip("\r\n")
            if text[:1] in (" ", "\t") and name:  # obsolete line folding
                headers[name] += " " + text.strip()
                continue
            name, colon, value = text.partition(":")
            name = name.strip().lower()
            if not colon or not name:
                self.send_error(HTTPStatus.BAD_REQUEST, f"Malformed header line ({text[:100]!r})")
                return False
            value = value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
            if len(headers) > MAX_HEADERS:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
                return False
        self.request_headers = headers
        self.headers = headers  # type: ignore[assignment]  # for http.server code that reads it
        connection = headers.get("connection", "").lower()
        self.close_connection = connection == "close" or (
            self.request_version == "HTTP/1.0" and connection != "keep-alive"
        )
        if headers.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def _serve(self) -> None:
        started = time.perf_counter() if self.server.verbose else 0.0
        try:
            response = self._respond()
        except _BodyError as error:
            response = error.response
            if not error.keep_alive:
                self.close_connection = True
        except Exception:  # a bug here: never answer with a stack trace
            log.exception("ssm-incidents-mock server failed on %s %s", self.command, self.path)
            self.close_connection = True
            response = render_error(None, InternalServerException("The mock server failed to process the request."))
        self._write(*response)
        if self.server.verbose:
            elapsed = (time.perf_counter() - started) * 1000
            sys.stderr.write(f"{self.command} {self.path} -> {response[0]} ({elapsed:.1f} ms)\n")

    def _respond(self) -> Response:
        _, path, query = split_url(self.path)  # an absolute-form target loses scheme and authority
        headers = self.request_headers
        body = self._read_body()
        if path.startswith(CONTROL_PREFIX) or path == MOTO_RESET_PATH:
            return control_response(self.command, path)
        if "%" in path and _BAD_PERCENT.search(path):  # invalid UTF-8 after decoding is caught by the parser
            return _validation_error("The request URI is not valid percent-encoded UTF-8.")
        service = foreign_service(headers)
        if service is not None:
            message = (
                f"This endpoint serves {SERVICE_NAME} only; the request is signed for '{service}'. "
                "Run 'ssm-incidents-mock moto-server' to serve ssm-incidents next to moto's services."
            )
            return _json_response(
                400, "UnknownServiceException", {"__type": "UnknownServiceException", "message": message}
            )
        if body:
            error = content_type_error(headers)
            if error is not None:
                return error
        host = headers.get("Host") or ""
        return dispatch(Request(self.command, path, query, headers, body), host)

    def _read_body(self) -> bytes:
        headers = self.request_headers
        encoding = headers.get("Transfer-Encoding")
        if encoding is not None:
            if encoding.strip().lower() != "chunked":
                raise _BodyError(_validation_error(f"Unsupported Transfer-Encoding '{encoding}'."), keep_alive=False)
            return self._read_chunked()
        length_text = headers.get("Content-Length")
        if length_text is None:
            return b""
        length_text = length_text.strip()
        if not length_text.isdigit():
            raise _BodyError(_validation_error(f"Invalid Content-Length '{length_text}'."), keep_alive=False)
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            too_large = _validation_error(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.")
            if length > DRAIN_LIMIT_BYTES:
                raise _BodyError(too_large, keep_alive=False)
            self._discard(length)
            raise _BodyError(too_large, keep_alive=True)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise _BodyError(
                _validation_error("The request body is shorter than its Content-Length."), keep_alive=False
            )
        return body

    def _discard(self, length: int) -> None:
        remaining = length
        while remaining:
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                raise _BodyError(_validation_error("The request body is shorter than its Content-Length."), False)
            remaining -= len(chunk)

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(1026)
            try:
                chunk_size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BodyError(_validation_error("Malformed chunked request body."), keep_alive=False) from None
            if chunk_size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):  # trailers
                    pass
                return b"".join(parts)
            size += chunk_size
            if size > MAX_BODY_BYTES:
                message = f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes."
                raise _BodyError(_validation_error(message), keep_alive=False)
            data = self.rfile.read(chunk_size)
            self.rfile.readline(3)
            if len(data) < chunk_size:
                raise _BodyError(_validation_error("Truncated chunked request body."), keep_alive=False)
            parts.append(data)

    def _write(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        head = [f"HTTP/1.1 {status} {reason}\r\nDate: {_http_date()}\r\n"]
        head.extend(f"{name}: {value}\r\n" for name, value in headers.items())
        if status != 204 and status >= 200:
            head.append(f"Content-Length: {len(body)}\r\n")
        if self.close_connection:
            head.append("Connection: close\r\n")
        head.append("\r\n")
        data = "".join(head).encode("latin-1")
        if self.command != "HEAD" and status != 204:
            data += body
        self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, oversized headers, ...) as JSON, then close."""
        self.close_connection = True
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        error_type = "UnknownOperationException" if code in (404, 405, 501) else "ValidationException"
        payload = {"message": f"{phrase}: {message}" if message else phrase}
        self._write(code, {"Content-Type": "application/json", "x-amzn-ErrorType": error_type}, codec.encode(payload))

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


class SSMIncidentsHTTPServer(ThreadingHTTPServer):
    """The threaded server; it remembers open connections so ``close_connections`` can end them."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, verbose: bool = False) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.verbose = verbose
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((host, port), RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); skip it, the URL uses the host as given.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open keep-alive connection (their threads then finish)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @property
    def url(self) -> str:
        address, port = self.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, verbose: bool = False) -> SSMIncidentsHTTPServer:
    """A bound (not yet serving) server; ``port=0`` picks a free port."""
    return SSMIncidentsHTTPServer(host, port, verbose=verbose)


class ThreadedSSMIncidentsServer:
    """The server in a background thread, for tests: ``start()``, ``.url``, ``stop()``; also a context manager.

    It serves this process's state, the same the in-process mock uses.
    """

    def __init__(
        self, host: str = DEFAULT_HOST, port: int = 0, strict: bool | None = None, verbose: bool = False
    ) -> None:
        self.host = host
        self.port = port
        self.strict = strict
        self.verbose = verbose
        self._server: SSMIncidentsHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._saved_strict: list[bool | None] = []

    def start(self) -> None:
        if self._server is not None:
            return
        server = make_server(self.host, self.port, verbose=self.verbose)
        if self.strict is not None:
            self._saved_strict.append(settings.strict_override)
            settings.strict_override = self.strict
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="ssm-incidents-mock-server", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("The server is not running: call start() first.")
        return self._server.url

    @property
    def port_number(self) -> int:
        """The port actually bound (useful with ``port=0``)."""
        if self._server is None:
            raise RuntimeError("The server is not running: call start() first.")
        return int(self._server.server_address[1])

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=10)
        self._server = self._thread = None
        if self._saved_strict:
            settings.strict_override = self._saved_strict.pop()

    def __enter__(self) -> ThreadedSSMIncidentsServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, strict: bool | None = None, verbose: bool = False) -> int:
    """Run in the foreground until SIGINT or SIGTERM; prints the endpoint URL first. Returns the exit code."""
    import signal

    try:
        server = make_server(host, port, verbose=verbose)
    except OSError as error:
        print(f"ssm-incidents-mock: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    if strict is not None:  # None: the environment decides (strict unless SSM_INCIDENTS_MOCK_STRICT=false)
        settings.strict_replication_set = strict

    def _interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _interrupt)
    print(f"ssm-incidents-mock: serving ssm-incidents on {server.url} (Ctrl+C to stop)", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("ssm-incidents-mock: warning: listening beyond loopback; the server has no authentication", flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close_connections()
        server.server_close()
    print("ssm-incidents-mock: stopped", flush=True)
    return 0


def serve_with_moto(argv: list[str]) -> int:
    """Run moto's own server (same arguments as ``moto_server``) with ssm-incidents registered into it."""
    from moto.server import main as moto_main

    from .mock import register

    register()
    moto_main(argv)
    return 0


__all__ = [
    "CONTROL_PREFIX",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "SSMIncidentsHTTPServer",
    "ThreadedSSMIncidentsServer",
    "dump_state",
    "make_server",
    "reset_state",
    "serve",
    "serve_with_moto",
]
