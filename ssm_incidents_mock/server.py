"""Server mode: ssm-incidents and ssm-contacts over HTTP on one port, for the AWS CLI and every SDK.

The HTTP layer is werkzeug's WSGI server: ``make_app()`` is a WSGI application (werkzeug
``Request``/``Response``) that can be mounted anywhere, and ``SSMIncidentsHTTPServer`` serves it
with werkzeug's threaded server and a request handler that adds what werkzeug's development
handler lacks: keep-alive, strict body framing, bounded headers, a deadline per request and a cap
on connections. Each AWS request goes to the service it names (``services.service_for``: host,
``X-Amz-Target``, SigV4 scope) and through ``core.dispatch``, the dispatcher the in-process mock
uses, so both modes answer alike.

Who may call: only requests naming a loopback host (or a name the user allows), never a
cross-origin browser request unless the user opted in to CORS for that origin, and AWS operations
only when signed (``Authorization`` present), as AWS requires. See docs/reliability.md.

Control endpoints (not part of the AWS API; they need the ``X-SSM-Incidents-Mock`` header or a
JSON ``Content-Type``, which no simple cross-site request can send):

- ``POST /_ssm_incidents_mock/reset`` (and moto's ``POST /moto-api/reset``): drop all state;
- ``GET /_ssm_incidents_mock/state``: every account's state as JSON, for debugging.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import io
import logging
import os
import re
import select
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from email.utils import formatdate
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wrappers import Request as WSGIRequest
from werkzeug.wrappers import Response as WSGIResponse

from . import seam
from .config import settings
from .core.context import credential_scope
from .core.dispatch import Service, dispatch
from .core.exceptions import InternalServerException, ValidationException
from .core.hosts import host_name, is_loopback
from .core.wire import codec
from .core.wire.http import MAX_BODY_BYTES, Request, Response, split_url
from .core.wire.model import dns_suffixes
from .services import served, service_for
from .snapshot import dump_state, reset_state
from .ssm_incidents.responses import SERVICE

render_error = SERVICE.protocol.render_error

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5050
CONTROL_PREFIX = "/_ssm_incidents_mock/"
DASHBOARD_PATH = CONTROL_PREFIX + "dashboard"
CONTROL_HEADER = "X-SSM-Incidents-Mock"
MOTO_RESET_PATH = "/moto-api/reset"

IDLE_TIMEOUT_SECONDS = 300.0  # an idle keep-alive connection is closed after this (sooner when crowded)
REQUEST_TIMEOUT_SECONDS = 30.0  # the whole request (line, headers, body) must arrive within this
WRITE_TIMEOUT_SECONDS = 60.0  # the whole response must be taken within this
MAX_CONNECTIONS = 128  # open connections (= handler threads); more wait, then get 503
MAX_LINE_BYTES = 65536  # longest request line or header line
MAX_HEAD_BYTES = 65536  # request line and all header lines together
MAX_HEADERS = 100  # header lines, folded continuation lines included
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024  # an oversized body up to this size is read and discarded, larger ones close
_IDLE_TICK_SECONDS = 0.5  # how often an idle connection looks whether the server is crowded
_CROWD_WAIT_SECONDS = 2.0  # how long a new connection waits for a free slot before its 503

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]*\+)?(?:x-amz-)?json(?:-[\d.]+)?$")
_FIELD_LINE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+:")  # a header name, no space before the colon
_DIGITS = re.compile(r"[0-9]{1,19}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")

# What the AWS SDK for JavaScript sends from a page (and this mock's own headers).
CORS_ALLOW_HEADERS = (
    "authorization",
    "content-type",
    "x-amz-date",
    "x-amz-user-agent",
    "x-amz-content-sha256",
    "x-amz-security-token",
    "x-amz-target",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
    "x-moto-account-id",
    "x-ssm-incidents-mock",
)
CORS_EXPOSE_HEADERS = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"
CORS_ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE"


def _json_response(status: int, error_type: str | None, payload: Any) -> Response:
    headers = {"Content-Type": "application/json"}
    if error_type is not None:
        headers["x-amzn-ErrorType"] = error_type
    return status, headers, codec.encode(payload)


def _validation_error(message: str, service: Service = SERVICE) -> Response:
    return service.protocol.render_error(None, ValidationException(message))


def _access_denied(message: str) -> Response:
    return _json_response(403, "AccessDeniedException", {"message": message})


# --- control endpoints ------------------------------------------------------------------------


def control_response(method: str, path: str) -> Response:
    """Answer a control endpoint (``path`` starts with the control prefix or is moto's reset path)."""
    if path in (CONTROL_PREFIX + "reset", MOTO_RESET_PATH):
        if method != "POST":
            return _json_response(405, "UnknownOperationException", {"message": f"Use POST {path} to reset."})
        reset_state()
        return _json_response(200, None, {"status": "ok", "message": "All Incident Manager state was reset."})
    if path == CONTROL_PREFIX + "state":
        if method != "GET":
            return _json_response(405, "UnknownOperationException", {"message": f"Use GET {path}."})
        return _json_response(200, None, dump_state())
    return _json_response(404, "UnknownOperationException", {"message": f"No control endpoint {path}."})


def _control_path_known(path: str) -> bool:
    return path in (CONTROL_PREFIX + "reset", CONTROL_PREFIX + "state", MOTO_RESET_PATH)


# --- request checks -----------------------------------------------------------------------------


def unknown_service(headers: Mapping[str, str]) -> Response:
    """The answer to a request for a service not served here (signed for it, or naming its target)."""
    _, _, signed_for = credential_scope(headers.get("Authorization") or "")
    named = f"signed for '{signed_for[:100]}'" if signed_for else "for another service"
    target = headers.get("X-Amz-Target")
    if target:
        named += f" (X-Amz-Target '{target[:100]}')"
    names = " and ".join(service.spec.name for service in served())
    message = (
        f"This endpoint serves {names} only; the request is {named}. "
        "Run 'ssm-incidents-mock moto-server' to serve Incident Manager next to moto's services."
    )
    return _json_response(400, "UnknownServiceException", {"__type": "UnknownServiceException", "message": message})


def content_type_error(headers: Mapping[str, str], service: Service) -> Response | None:
    """A body must be JSON; a body without Content-Type is read as JSON too."""
    content_type = headers.get("Content-Type")
    if not content_type:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    if _JSON_TYPE.match(media_type):
        return None
    message = f"Unsupported Content-Type '{media_type}': {service.spec.name} accepts JSON bodies."
    return _validation_error(message, service)


class AccessPolicy:
    """Which hosts and browser origins may use the server (see docs/reliability.md)."""

    def __init__(
        self,
        allowed_hosts: Iterable[str] = (),
        cors_origins: Iterable[str] = (),
        bound_host: str = "",
        any_aws_host: bool = False,
    ) -> None:
        """``any_aws_host``: every AWS endpoint name is allowed (moto's server), not only the served services'."""
        hosts = {h.strip().lower().rstrip(".") for h in allowed_hosts if h.strip()}
        self.aws_suffixes = tuple("." + suffix for suffix in dns_suffixes()) if any_aws_host else ()
        bound = host_name(bound_host) if bound_host else None
        if bound and bound not in ("0.0.0.0", "::"):
            hosts.add(bound)  # the address the server listens on, as clients name it
        self.any_host = "*" in hosts
        self.hosts = frozenset(h.strip("[]") for h in hosts if not h.startswith("."))
        self.domains = tuple(h for h in hosts if h.startswith("."))
        origins = {o.strip().rstrip("/").lower() for o in cors_origins if o.strip()}
        self.any_origin = "*" in origins
        self.origins = frozenset(origins - {"*"})

    def host_allowed(self, name: str) -> bool:
        return (
            self.any_host
            or is_loopback(name)
            or name in self.hosts
            or name.endswith(self.domains)
            or name.endswith(self.aws_suffixes)
            or any(service.host_pattern.fullmatch(name) for service in served())
        )

    def cors_allowed(self, origin: str) -> bool:
        return origin != "null" and (self.any_origin or origin.lower() in self.origins)


# --- the WSGI application ---------------------------------------------------------------------------


def _raw_target(environ: WSGIEnvironment) -> tuple[str, str]:
    """The raw (still percent-encoded) path and query."""
    target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not target:  # another WSGI server: rebuild it from the decoded path
        path = quote(
            environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace"), safe="/:@!$&'()*+,;=-._~"
        )
        return path or "/", environ.get("QUERY_STRING", "")
    _, path, query = split_url(target)  # an absolute-form target loses scheme and authority
    return path, query


def check_access(policy: AccessPolicy, environ: WSGIEnvironment) -> tuple[Response | None, str | None]:
    """An answer refusing the request (or None), and the origin to answer with CORS headers."""
    host = environ.get("HTTP_HOST")
    if host is None and environ.get("SERVER_PROTOCOL") != "HTTP/1.0":  # HTTP/1.1 requires it (RFC 9112)
        return _validation_error("An HTTP/1.1 request must carry a Host header."), None
    if host is not None:  # only HTTP/1.0 clients may omit it, and browsers never do
        name = host_name(host)
        if name is None:
            return _validation_error(f"Invalid Host header '{host[:200]}'."), None
        if not policy.host_allowed(name):
            return _access_denied(
                f"Host '{name[:200]}' is not allowed: this server answers loopback names only. "
                f"Start it with --allow-host {name[:200]} (or allowed_hosts=[...]) to allow this name."
            ), None
    origin = environ.get("HTTP_ORIGIN")
    fetch_site = environ.get("HTTP_SEC_FETCH_SITE", "")
    if origin is not None:
        if host is not None and origin.lower() == f"{environ.get('wsgi.url_scheme', 'http')}://{host.lower()}":
            return None, None  # same origin: a page served by this server
        if policy.cors_allowed(origin):
            return None, origin
        return _access_denied(
            f"Cross-origin request from '{origin[:200]}' refused. Start the server with "
            f"--cors-origin {origin[:200]} (or cors_origins=[...]) to let that page call it."
        ), None
    if fetch_site in ("cross-site", "same-site"):
        navigation = (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD") and environ.get("HTTP_SEC_FETCH_MODE") == "navigate"
        )
        if not navigation:
            return _access_denied("Cross-site browser requests are refused."), None
    return None, None


class SSMIncidentsApp:
    """The server as a WSGI application: access checks, control endpoints, the dashboard, AWS operations."""

    def __init__(self, policy: AccessPolicy | None = None) -> None:
        self.policy = policy or AccessPolicy()
        self._dashboard: Callable[[WSGIRequest], WSGIResponse] | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = WSGIRequest(environ)
        path, query = _raw_target(environ)
        cors_origin: str | None = None
        try:
            denied, cors_origin = check_access(self.policy, environ)
            if denied is not None:
                answer: Response | WSGIResponse = denied
            else:
                answer = self._answer(request, path, query, cors_origin)
        except Exception:  # a bug here: never answer with a stack trace
            log.exception("ssm-incidents-mock server failed on %s %s", request.method, path)
            answer = render_error(None, InternalServerException("The mock server failed to process the request."))
        response = answer if isinstance(answer, WSGIResponse) else WSGIResponse(answer[2], answer[0], answer[1])
        if cors_origin is not None:
            response.headers["Access-Control-Allow-Origin"] = cors_origin
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
            response.headers["Vary"] = "Origin"
        if log.isEnabledFor(logging.INFO):
            _log_request(request, path, response.status_code, started)
        return response(environ, start_response)

    def _answer(self, request: WSGIRequest, path: str, query: str, cors_origin: str | None) -> Response | WSGIResponse:
        method = request.method
        headers = cast("Mapping[str, str]", request.headers)
        if method == "OPTIONS" and "Access-Control-Request-Method" in headers:
            return self._preflight(request, cors_origin)
        if method in ("GET", "HEAD") and self._wants_dashboard(request, path):
            dashboard = self._dashboard_handler()
            if dashboard is not None:
                response = dashboard(request, host_checked="Host" in headers)  # checked in _check_access
                response.headers.setdefault("X-Frame-Options", "DENY")
                response.headers.setdefault("X-Content-Type-Options", "nosniff")
                return response
            if path != "/":
                return _json_response(404, "UnknownOperationException", {"message": "The dashboard is not installed."})
        if path.startswith(CONTROL_PREFIX) or path == MOTO_RESET_PATH:
            return self._control(request, path)
        host = headers.get("Host") or ""
        service = service_for(host, headers)
        if service is None:
            return unknown_service(headers)
        body = request.get_data(cache=False)  # the handler has framed and bounded it
        if len(body) > MAX_BODY_BYTES:
            return _validation_error(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.", service)
        if not headers.get("Authorization") and "X-Amz-Signature=" not in query:
            return service.protocol.render_auth_error(
                "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if "%" in path and _BAD_PERCENT.search(path):  # invalid UTF-8 after decoding is caught by the parser
            return _validation_error("The request URI is not valid percent-encoded UTF-8.", service)
        if body:
            error = content_type_error(headers, service)
            if error is not None:
                return error
        return dispatch(service, Request(method, path, query, headers, body), host)

    def _control(self, request: WSGIRequest, path: str) -> Response:
        if _control_path_known(path) and CONTROL_HEADER not in request.headers:
            media_type = (request.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            if not _JSON_TYPE.match(media_type):
                return _access_denied(
                    f"Control endpoints need the header '{CONTROL_HEADER}: 1' (or Content-Type: application/json), "
                    "which no simple cross-site request can send."
                )
        return control_response(request.method, path)

    def _preflight(self, request: WSGIRequest, cors_origin: str | None) -> WSGIResponse:
        if cors_origin is None:  # same-origin pages never send preflights; other origins were refused already
            status, headers, body = _access_denied("CORS is not enabled for this origin; start with --cors-origin.")
            return WSGIResponse(body, status, headers)
        requested = [h.strip().lower() for h in request.headers.get("Access-Control-Request-Headers", "").split(",")]
        allowed = [h for h in requested if h in CORS_ALLOW_HEADERS or h.startswith(("amz-sdk-", "x-amz-"))]
        response = WSGIResponse(b"", 204)
        response.headers["Access-Control-Allow-Methods"] = CORS_ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ", ".join(allowed or CORS_ALLOW_HEADERS)
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    @staticmethod
    def _wants_dashboard(request: WSGIRequest, path: str) -> bool:
        if path == DASHBOARD_PATH or path.startswith(DASHBOARD_PATH + "/"):
            return True
        if path != "/" or "Authorization" in request.headers:
            return False
        return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"

    def _dashboard_handler(self) -> Callable[..., WSGIResponse] | None:
        if self._dashboard is None:
            name = f"{__package__}.dashboard"
            if importlib.util.find_spec(name) is None:  # the dashboard is optional
                return None
            self._dashboard = importlib.import_module(name).handle
        return self._dashboard


class AccessGuard:
    """The access policy in front of another WSGI application (moto's server): refused requests never reach it."""

    def __init__(self, app: WSGIApplication, policy: AccessPolicy) -> None:
        self.app = app
        self.policy = policy

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        denied, _ = check_access(self.policy, environ)
        if denied is None:
            return self.app(environ, start_response)
        status, headers, body = denied
        return WSGIResponse(body, status, headers)(environ, start_response)


def make_app(
    allowed_hosts: Iterable[str] = (), cors_origins: Iterable[str] = (), bound_host: str = ""
) -> WSGIApplication:
    """The server's WSGI application, for mounting in another WSGI server (werkzeug, moto's, gunicorn)."""
    return SSMIncidentsApp(AccessPolicy(allowed_hosts, cors_origins, bound_host))


def _log_request(request: WSGIRequest, path: str, status: int, started: float) -> None:
    """One INFO line: operation, account, status, latency (the time comes from the log format)."""
    from .core.context import RequestContext

    headers = cast("Mapping[str, str]", request.headers)
    host = headers.get("Host") or ""
    service = service_for(host, headers)
    operation = account = "-"
    if service is not None:
        try:
            operation = service.protocol.route(Request(request.method, path, "", headers, b""))[0].name
        except Exception:
            pass
        try:
            account = RequestContext.from_request(host, headers, service.host_pattern).account_id
        except Exception:
            pass
    elapsed = (time.perf_counter() - started) * 1000
    log.info(
        "%s %s operation=%s account=%s status=%d latency=%.1fms",
        printable(request.method[:20]),
        printable(path[:200]),
        operation,
        account,
        status,
        elapsed,
    )


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters (C0, DEL, C1) and other unprintables as escapes."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def enable_request_log(stream: Any = None) -> None:
    """Log every request to ``stream`` (stderr) at INFO, once per process."""
    if any(getattr(h, "_ssm_incidents_mock", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    handler._ssm_incidents_mock = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)


# --- HTTP -------------------------------------------------------------------------------------------


class _Idle(Exception):
    """An idle keep-alive connection is closed (timeout, crowded server, or shutdown)."""


class _BodyError(Exception):
    """The request body cannot be used; ``keep_alive`` tells whether the stream is still in sync."""

    def __init__(self, response: Response, keep_alive: bool) -> None:
        super().__init__(response[2].decode("utf-8", "replace"))
        self.response = response
        self.keep_alive = keep_alive


class _SocketReader(io.RawIOBase):
    """Reads a connection under a deadline for the whole request, not per read.

    Between requests it waits for the next one's first byte up to the idle timeout, looking every
    half second whether the server is crowded (then an idle connection is closed to make room).
    """

    def __init__(self, sock: socket.socket, server: SSMIncidentsHTTPServer) -> None:
        self.sock = sock
        self.server = server
        self.deadline = float("inf")
        self.idle_until = 0.0
        self._poll: Any = None
        if hasattr(select, "poll"):
            self._poll = select.poll()
            self._poll.register(sock, select.POLLIN | select.POLLPRI)

    def readable(self) -> bool:
        return True

    def next_request(self) -> None:
        self.idle_until = time.monotonic() + self.server.idle_timeout

    def readinto(self, buffer: Any) -> int:
        if self.idle_until:
            self._await_request()
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request was not received within the request timeout")
        self.sock.settimeout(remaining)
        return self.sock.recv_into(buffer)

    def _await_request(self) -> None:
        while not self._ready(_IDLE_TICK_SECONDS):
            if time.monotonic() >= self.idle_until or self.server.crowded or self.server.closing:
                raise _Idle
        self.idle_until = 0.0
        self.deadline = time.monotonic() + self.server.request_timeout

    def _ready(self, seconds: float) -> bool:
        if self._poll is not None:
            return bool(self._poll.poll(seconds * 1000))
        readable, _, _ = select.select([self.sock], [], [], seconds)
        return bool(readable)


class RequestHandler(WSGIRequestHandler):
    """One connection: keep-alive requests, each framed strictly and bounded, answered by the WSGI app."""

    protocol_version = "HTTP/1.1"
    server: SSMIncidentsHTTPServer

    def setup(self) -> None:
        self.connection = self.request
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, True)
        except OSError:
            pass
        self.reader = _SocketReader(self.connection, self.server)
        self.rfile = io.BufferedReader(self.reader, 65536)
        self.wfile = _SocketWriter(self.connection)  # type: ignore[assignment]

    def finish(self) -> None:
        try:
            self.rfile.close()
        except OSError:
            pass

    def handle(self) -> None:
        self.close_connection = True
        try:
            while True:
                self.reader.next_request()
                self.handle_one_request()
                if self.close_connection:
                    break
        except (_Idle, ConnectionError, TimeoutError):
            pass
        except OSError:  # the socket was shut down by stop()
            pass

    def handle_one_request(self) -> None:
        self.command = self.request_version = ""
        self.close_connection = True
        try:
            line = self.rfile.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            self.raw_requestline = line
            if len(line) > MAX_LINE_BYTES:
                self.requestline = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG, "Request line too long")
                return
            if not self.parse_request():
                return
            self.run_wsgi()
        except TimeoutError:
            self.close_connection = True
            self.send_error(HTTPStatus.REQUEST_TIMEOUT, "The request was not received in time")

    def parse_request(self) -> bool:
        """The request line and headers, with limits http.server lacks (total size, line syntax)."""
        self.requestline = self.raw_requestline.decode("latin-1").rstrip("\r\n")
        words = self.requestline.split(" ")
        if len(words) != 3 or not words[1]:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({self.requestline[:100]!r})")
            return False
        if words[2] not in ("HTTP/1.1", "HTTP/1.0"):
            if re.fullmatch(r"HTTP/\d+(?:\.\d+)?", words[2]):
                self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({words[2][:20]})")
            else:
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({words[2][:20]!r})")
            return False
        head = self._read_head()
        if head is None:
            return False
        stream = self.rfile
        self.rfile = io.BytesIO(head)
        try:
            if not super().parse_request():
                return False
        finally:
            self.rfile = stream
        for name in ("Host", "Content-Length", "Transfer-Encoding"):
            if len(self.headers.get_all(name) or ()) > 1:
                self.send_error(HTTPStatus.BAD_REQUEST, f"More than one {name} header")
                return False
        return True

    def handle_expect_100(self) -> bool:
        self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def _read_head(self) -> bytes | None:
        budget = MAX_HEAD_BYTES - len(self.raw_requestline)
        lines: list[bytes] = []
        while True:
            line = self.rfile.readline(min(MAX_LINE_BYTES, max(budget, 0)) + 1)
            if not line:
                return None  # the client went away mid-head
            budget -= len(line)
            if len(line) > MAX_LINE_BYTES or budget < 0:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Header section too large")
                return None
            if line in (b"\r\n", b"\n"):
                return b"".join(lines) + b"\r\n"
            if len(lines) >= MAX_HEADERS:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
                return None
            content = line.rstrip(b"\r\n")
            folded = content[:1] in (b" ", b"\t")
            if (folded and not lines) or (not folded and not _FIELD_LINE.match(content)):
                self.send_error(HTTPStatus.BAD_REQUEST, f"Malformed header line ({content[:100]!r})")
                return None
            if b"\r" in content or b"\x00" in content:
                self.send_error(HTTPStatus.BAD_REQUEST, "Control character in a header line")
                return None
            lines.append(line)

    def run_wsgi(self) -> None:
        """Read the body, call the app, write its answer; keep the connection when the stream is in sync."""
        try:
            body = self._read_body()
        except _BodyError as error:
            if not error.keep_alive:
                self.close_connection = True
            self._write(*error.response)
            return
        environ = self.make_environ()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["wsgi.input_terminated"] = True
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        captured: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
            captured[:] = [int(status.split(None, 1)[0]), headers]
            return lambda data: None  # the app returns its body

        try:
            chunks = self.server.app(environ, start_response)
            try:
                data = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
        except Exception:
            log.exception("ssm-incidents-mock server failed on %s %s", self.command, self.path)
            self.close_connection = True
            self._write(*render_error(None, InternalServerException("The mock server failed to process the request.")))
            return
        status, headers = captured
        self._write(status, headers, data)

    def _read_body(self) -> bytes:
        headers = self.headers
        encoding = headers.get("Transfer-Encoding")
        if encoding is not None:
            if encoding.strip().lower() != "chunked" or self.request_version != "HTTP/1.1":
                raise _BodyError(_validation_error(f"Unsupported Transfer-Encoding '{encoding[:100]}'."), False)
            if headers.get("Content-Length") is not None:
                raise _BodyError(_validation_error("Content-Length and Transfer-Encoding together."), False)
            return self._read_chunked()
        length_text = headers.get("Content-Length")
        if length_text is None:
            return b""
        length_text = length_text.strip(" \t")
        if not _DIGITS.fullmatch(length_text):
            raise _BodyError(_validation_error(f"Invalid Content-Length '{length_text[:100]}'."), keep_alive=False)
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
        """RFC 9112 chunked coding: sizes are hex digits only (no sign, prefix or underscore)."""
        parts: list[bytes] = []
        size = 0
        malformed = _BodyError(_validation_error("Malformed chunked request body."), keep_alive=False)
        while True:
            line = self.rfile.readline(1026)
            if not line.endswith(b"\n"):
                raise malformed
            size_text = line.rstrip(b"\r\n").split(b";", 1)[0].rstrip(b" \t")
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise malformed
            chunk_size = int(size_text, 16)
            if chunk_size == 0:
                budget = MAX_HEAD_BYTES
                while True:  # trailer fields, bounded like the head
                    trailer = self.rfile.readline(MAX_LINE_BYTES + 1)
                    budget -= len(trailer)
                    if trailer in (b"\r\n", b"\n"):
                        return b"".join(parts)
                    if not trailer.endswith(b"\n") or budget < 0:
                        raise malformed
            size += chunk_size
            if size > MAX_BODY_BYTES:
                message = f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes."
                raise _BodyError(_validation_error(message), keep_alive=False)
            data = self.rfile.read(chunk_size)
            if len(data) < chunk_size:
                raise _BodyError(_validation_error("Truncated chunked request body."), keep_alive=False)
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise malformed
            parts.append(data)

    def _write(self, status: int, headers: Mapping[str, str] | Iterable[tuple[str, str]], body: bytes) -> None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        items = headers.items() if isinstance(headers, Mapping) else headers
        head = [f"HTTP/1.1 {status} {reason}\r\nDate: {_http_date()}\r\n"]
        head.extend(f"{name}: {value}\r\n" for name, value in items if name.lower() not in _FRAMING_HEADERS)
        if status >= 200 and status not in (204, 304):
            head.append(f"Content-Length: {len(body)}\r\n")
        if self.close_connection:
            head.append("Connection: close\r\n")
        elif self.request_version == "HTTP/1.0":
            head.append("Connection: keep-alive\r\n")
        head.append("\r\n")
        data = "".join(head).encode("latin-1")
        if self.command != "HEAD" and status not in (204, 304):
            data += body
        self.connection.settimeout(self.server.write_timeout)
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
        try:
            self._write(
                code, {"Content-Type": "application/json", "x-amzn-ErrorType": error_type}, codec.encode(payload)
            )
        except OSError:
            pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # the app logs each request (logger ssm_incidents_mock.server)

    def log_error(self, format: str, *args: Any) -> None:
        self.log_message(format, *args)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *(printable(arg) if isinstance(arg, str) else arg for arg in args))


_FRAMING_HEADERS = frozenset({"content-length", "connection", "transfer-encoding", "date"})


class _SocketWriter:
    """Unbuffered writes: each response goes out in one ``sendall`` (bounded by the write timeout)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def write(self, data: bytes) -> int:
        self.sock.sendall(data)
        return len(data)

    def flush(self) -> None:
        pass


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


class _BindError(Exception):
    """Carries a bind failure past werkzeug, which would print it and exit the process."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class SSMIncidentsHTTPServer(ThreadedWSGIServer):
    """werkzeug's threaded WSGI server with this package's handler, a connection cap and shutdown of open connections."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        host: str,
        port: int,
        verbose: bool = False,
        app: WSGIApplication | None = None,
        allowed_hosts: Iterable[str] = (),
        cors_origins: Iterable[str] = (),
        max_connections: int = MAX_CONNECTIONS,
        request_timeout: float = REQUEST_TIMEOUT_SECONDS,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        write_timeout: float = WRITE_TIMEOUT_SECONDS,
    ) -> None:
        self.verbose = verbose
        self.max_connections = max_connections
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.write_timeout = write_timeout
        self.closing = False
        self._connections: set[socket.socket] = set()
        self._waiting: deque[tuple[float, socket.socket, Any]] = deque()  # (until, connection, address)
        self._slots = threading.Lock()
        if app is None:
            app = make_app(allowed_hosts, cors_origins, bound_host=host)
        try:
            super().__init__(host, port, app, handler=RequestHandler)
        except _BindError as error:
            raise error.error from None

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn); skip it, the URL uses the host as given.
        import socketserver

        try:
            socketserver.TCPServer.server_bind(self)
        except OSError as error:
            raise _BindError(error) from None
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    @property
    def crowded(self) -> bool:
        """Three quarters of the connection slots are taken: idle connections make room."""
        return len(self._connections) * 4 >= self.max_connections * 3

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve a new connection in a thread of its own, or let it wait for a free slot.

        A waiting connection never holds up the accept loop: each waits up to 2 s of its own,
        however many wait (``service_actions`` admits or refuses them).
        """
        with self._slots:
            admitted = len(self._connections) < self.max_connections
            if admitted:
                self._connections.add(request)
            elif len(self._waiting) < self.max_connections:
                self._waiting.append((time.monotonic() + _CROWD_WAIT_SECONDS, request, client_address))
                return
        if admitted:
            super().process_request(request, client_address)
        else:  # as many wait as may be served: refuse at once
            self._refuse(request)

    def service_actions(self) -> None:
        """Between accepts (at least every poll interval): admit waiting connections to free slots, in
        arrival order, and refuse those that waited their 2 s."""
        if not self._waiting:
            return
        admitted: list[tuple[Any, Any]] = []
        expired: list[Any] = []
        now = time.monotonic()
        with self._slots:
            while self._waiting and len(self._connections) < self.max_connections:
                _, request, client_address = self._waiting.popleft()
                self._connections.add(request)
                admitted.append((request, client_address))
            while self._waiting and self._waiting[0][0] <= now:
                expired.append(self._waiting.popleft()[1])
        for request in expired:
            self._refuse(request)
        for request, client_address in admitted:
            super().process_request(request, client_address)

    def _refuse(self, request: socket.socket) -> None:
        """503 and close: the cap is reached."""
        body = b'{"message":"The mock server has too many open connections; retry shortly."}'
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            "x-amzn-ErrorType: ServiceUnavailableException\r\nRetry-After: 1\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        try:
            request.settimeout(1.0)
            request.sendall(head.encode() + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def shutdown_request(self, request: Any) -> None:
        with self._slots:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open keep-alive connection (their threads then finish)."""
        self.closing = True
        with self._slots:
            connections = list(self._connections)
            waiting = [request for _, request, _ in self._waiting]
            self._waiting.clear()
        for request in waiting:
            super().shutdown_request(request)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    @property
    def url(self) -> str:
        address, port = self.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def make_server(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    verbose: bool = False,
    allowed_hosts: Iterable[str] = (),
    cors_origins: Iterable[str] = (),
    **options: Any,
) -> SSMIncidentsHTTPServer:
    """A bound (not yet serving) server; ``port=0`` picks a free one. ``options``: limits, or ``app``."""
    if verbose:
        enable_request_log()
    return SSMIncidentsHTTPServer(
        host, port, verbose=verbose, allowed_hosts=allowed_hosts, cors_origins=cors_origins, **options
    )


class ThreadedSSMIncidentsServer:
    """The server in a background thread, for tests: ``start()``, ``.url``, ``stop()``; also a context manager.

    It serves this process's state, the same the in-process mock uses. ``allowed_hosts`` adds host
    names besides loopback; ``cors_origins`` lets pages of those origins call it from a browser.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        strict: bool | None = None,
        verbose: bool = False,
        allowed_hosts: Iterable[str] = (),
        cors_origins: Iterable[str] = (),
        **options: Any,
    ) -> None:
        self.host = host
        self.port = port
        self.strict = strict
        self.verbose = verbose
        self.allowed_hosts = tuple(allowed_hosts)
        self.cors_origins = tuple(cors_origins)
        self.options = options
        self._server: SSMIncidentsHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._strict_token: int | None = None

    def start(self) -> None:
        if self._server is not None:
            return
        server = make_server(
            self.host,
            self.port,
            verbose=self.verbose,
            allowed_hosts=self.allowed_hosts,
            cors_origins=self.cors_origins,
            **self.options,
        )
        if self.strict is not None:
            self._strict_token = settings.push_strict(self.strict)
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

    @property
    def http_server(self) -> SSMIncidentsHTTPServer:
        """The underlying werkzeug server (limits, open connection count)."""
        if self._server is None:
            raise RuntimeError("The server is not running: call start() first.")
        return self._server

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
        if self._strict_token is not None:
            settings.pop_strict(self._strict_token)
            self._strict_token = None

    def __enter__(self) -> ThreadedSSMIncidentsServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    strict: bool | None = None,
    verbose: bool = False,
    allowed_hosts: Iterable[str] = (),
    cors_origins: Iterable[str] = (),
) -> int:
    """Run in the foreground until SIGINT or SIGTERM; prints the endpoint URL first. Returns the exit code."""
    try:
        server = make_server(host, port, verbose=verbose, allowed_hosts=allowed_hosts, cors_origins=cors_origins)
    except OSError as error:
        print(f"ssm-incidents-mock: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    if strict is not None:  # None: the environment decides (strict unless SSM_INCIDENTS_MOCK_STRICT=false)
        settings.push_strict(strict)  # held for the life of the process
    _announce("ssm-incidents and ssm-contacts", server.url, host)
    serve_until_signalled(server, server.close_connections)
    print("ssm-incidents-mock: stopped", flush=True)
    return 0


def _announce(what: str, url: str, host: str) -> None:
    print(f"ssm-incidents-mock: serving {what} on {url} (Ctrl+C to stop)", flush=True)
    if not is_loopback(host_name(host) or ""):
        print(
            "ssm-incidents-mock: warning: listening beyond loopback; the server has no authentication "
            "(clients must name it by a loopback or --allow-host name)",
            flush=True,
        )


def serve_until_signalled(server: Any, close_connections: Callable[[], None] | None = None) -> None:
    """Serve in a thread until SIGINT or SIGTERM, then stop: shut the accept loop, end open connections.

    The signals only set a flag that this (main) thread polls: no exception is raised into the accept
    loop or into the stop itself, so a second Ctrl+C, or a signal while a connection is accepted,
    interrupts nothing and prints no traceback.
    """
    stop = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stop.set()

    previous = {number: signal.signal(number, request_stop) for number in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.5}, name="ssm-incidents-mock-server", daemon=True
    )
    thread.start()
    try:
        while thread.is_alive() and not stop.wait(0.5):
            pass
        server.shutdown()
        if close_connections is not None:
            close_connections()
        thread.join(timeout=10)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _moto_parser() -> argparse.ArgumentParser:
    """``moto_server``'s options, and the access options of ``ssm-incidents-mock server``."""
    parser = argparse.ArgumentParser(
        prog="ssm-incidents-mock moto-server",
        description="moto's server with ssm-incidents and ssm-contacts, behind this package's access checks.",
    )
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; no auth!)")
    parser.add_argument(
        "-p", "--port", type=int, default=int(os.environ.get("MOTO_PORT", 5000)), help="port to bind (default 5000)"
    )
    parser.add_argument("-r", "--reload", action="store_true", help="reload the server when a file changes")
    parser.add_argument("-s", "--ssl", action="store_true", help="serve HTTPS with a generated certificate")
    parser.add_argument("-c", "--ssl-cert", help="path to an SSL certificate")
    parser.add_argument("-k", "--ssl-key", help="path to the SSL private key")
    add_access_options(parser)
    return parser


def add_access_options(parser: argparse.ArgumentParser) -> None:
    """``--allow-host`` and ``--cors-origin``, shared by both commands."""
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests naming this host (repeatable; '.example.com' allows subdomains, '*' any name)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let pages of this origin (e.g. http://localhost:3000) call the server from a browser (repeatable)",
    )


def serve_with_moto(argv: list[str]) -> int:
    """Run moto's own server (``moto_server``'s arguments) with both services, behind the access policy."""
    options = _moto_parser().parse_args(argv)
    from .mock import register

    register()
    try:
        moto_app, handler = seam.moto_server_app()
    except ImportError as error:  # flask and flask-cors come with moto's "server" extra
        missing = getattr(error, "name", None) or str(error)
        print(
            f"ssm-incidents-mock: 'moto-server' needs moto's server dependencies (missing: {missing}). "
            "Install them with: pip install 'ssm-incidents-mock[server]'",
            file=sys.stderr,
        )
        return 1
    from werkzeug.serving import run_simple

    policy = AccessPolicy(options.allow_host, options.cors_origin, bound_host=options.host, any_aws_host=True)
    app = AccessGuard(moto_app, policy)
    ssl_context: Any = (options.ssl_cert, options.ssl_key) if options.ssl_cert and options.ssl_key else None
    if ssl_context is None and options.ssl:
        ssl_context = "adhoc"
    if options.reload:  # werkzeug's reloader runs the server in a child process it restarts
        os.environ.setdefault("MOTO_PORT", str(options.port))
        run_simple(
            options.host,
            options.port,
            app,
            threaded=True,
            use_reloader=True,
            ssl_context=ssl_context,
            request_handler=handler,
        )
        return 0
    server = ThreadedWSGIServer(options.host, options.port, app, handler, ssl_context=ssl_context)
    server.block_on_close = False  # idle keep-alive connections must not hold up the stop
    os.environ.setdefault("MOTO_PORT", str(server.port))  # what moto_server sets: moto builds some URLs with it
    scheme = "https" if ssl_context is not None else "http"
    _announce(
        "moto with ssm-incidents and ssm-contacts", f"{scheme}://{_url_host(options.host)}:{server.port}", options.host
    )
    serve_until_signalled(server)
    print("ssm-incidents-mock: stopped", flush=True)
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


__all__ = [
    "CONTROL_HEADER",
    "CONTROL_PREFIX",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "AccessGuard",
    "AccessPolicy",
    "SSMIncidentsApp",
    "SSMIncidentsHTTPServer",
    "ThreadedSSMIncidentsServer",
    "dump_state",
    "make_app",
    "make_server",
    "reset_state",
    "serve",
    "serve_with_moto",
]
