"""HTTP/1.1 connections of the threaded server, on werkzeug's request handler and body streams.

werkzeug's ``WSGIRequestHandler`` (on http.server's) reads the request line, parses the head and
builds the WSGI environ; werkzeug's ``LimitedStream`` and ``DechunkedInput`` frame the body. What is
added here is what werkzeug's development handler lacks: keep-alive (it closes every connection),
strict framing (hex-only chunk sizes, ASCII-digit ``Content-Length``, no duplicate framing headers),
bounded heads and bodies, a deadline for each whole request, and a cap on connections, each
beyond it waiting its own 2 s for a slot. The limits are documented in docs/server.md.
"""

from __future__ import annotations

import io
import re
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from email.utils import formatdate
from http import HTTPStatus
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

from werkzeug.exceptions import RequestTimeout
from werkzeug.serving import DechunkedInput, ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

from ..core.wire.http import MAX_BODY_BYTES, Response
from .app import error_response, internal_error, log, printable, validation_error

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

IDLE_TIMEOUT_SECONDS = 300.0  # an idle keep-alive connection is closed after this (sooner when crowded)
REQUEST_TIMEOUT_SECONDS = 30.0  # the whole request (line, headers, body) must arrive within this
WRITE_TIMEOUT_SECONDS = 60.0  # the whole response must be taken within this
MAX_CONNECTIONS = 128  # open connections (= handler threads); more wait, then get 503
MAX_LINE_BYTES = 65536  # longest request line (http.server's limit) or header line
MAX_HEAD_BYTES = 65536  # request line and all header lines together
MAX_HEADERS = 100  # header lines, folded continuation lines included
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024  # an oversized body up to this size is read and discarded, larger ones close
_IDLE_TICK_SECONDS = 0.5  # how often an idle connection looks whether the server is crowded
_CROWD_WAIT_SECONDS = 2.0  # how long a new connection waits for a free slot before its 503

_FIELD_LINE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+:")  # a header name, no space before the colon
_DIGITS = re.compile(r"[0-9]{1,19}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_FRAMING_HEADERS = frozenset({"content-length", "connection", "transfer-encoding", "date"})
_SHORT_BODY = "The request body is shorter than its Content-Length."
_MALFORMED_CHUNKS = "Malformed chunked request body."


class Idle(Exception):
    """An idle keep-alive connection is closed (timeout, crowded server, or shutdown)."""


class FramingError(Exception):
    """The request body cannot be used; ``keep_alive`` tells whether the stream is still in sync."""

    def __init__(self, message: str, keep_alive: bool = False) -> None:
        super().__init__(message)
        self.response = validation_error(message)
        self.keep_alive = keep_alive


# --- the socket -------------------------------------------------------------------------------------------


class SocketReader(io.RawIOBase):
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
            raise RequestTimeout()
        self.sock.settimeout(remaining)
        try:
            return self.sock.recv_into(buffer)
        except TimeoutError:
            raise RequestTimeout() from None

    def _await_request(self) -> None:
        while not self._ready(_IDLE_TICK_SECONDS):
            if time.monotonic() >= self.idle_until or self.server.crowded or self.server.closing:
                raise Idle
        self.idle_until = 0.0
        self.deadline = time.monotonic() + self.server.request_timeout

    def _ready(self, seconds: float) -> bool:
        if self._poll is not None:
            return bool(self._poll.poll(seconds * 1000))
        readable, _, _ = select.select([self.sock], [], [], seconds)
        return bool(readable)


class _SocketWriter:
    """Unbuffered writes: each response goes out in one ``sendall`` (bounded by the write timeout)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def write(self, data: bytes) -> int:
        self.sock.sendall(data)
        return len(data)

    def flush(self) -> None:
        pass


def encode_response(
    response: Response | tuple[int, Iterable[tuple[str, str]], bytes],
    close: bool,
    head_only: bool = False,
    http_1_0: bool = False,
) -> bytes:
    """The bytes of one answer: status line, ``Date``, the answer's headers, framing, body."""
    status, headers, body = response
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    items = headers.items() if isinstance(headers, Mapping) else headers
    head = [f"HTTP/1.1 {status} {reason}\r\nDate: {_http_date()}\r\n"]
    head.extend(f"{name}: {value}\r\n" for name, value in items if name.lower() not in _FRAMING_HEADERS)
    if status >= 200 and status not in (204, 304):
        head.append(f"Content-Length: {len(body)}\r\n")
    if close:
        head.append("Connection: close\r\n")
    elif http_1_0:
        head.append("Connection: keep-alive\r\n")
    head.append("\r\n")
    data = "".join(head).encode("latin-1")
    return data if head_only or status in (204, 304) else data + body


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


# --- the body ----------------------------------------------------------------------------------------------


class _ContentLengthBody(LimitedStream):
    """``Content-Length`` framing: werkzeug's stream, with this package's answer to a body cut short."""

    def on_disconnect(self, error: Exception | None = None) -> None:
        raise FramingError(_SHORT_BODY)


class _StrictDechunkedInput(DechunkedInput):
    """werkzeug's chunked decoding with RFC 9112's syntax enforced: a chunk size is 1 to 16 hex digits
    (no sign, ``0x`` or ``_``), extensions after ``;`` are ignored, trailer fields are skipped and bounded."""

    def read_chunk_len(self) -> int:
        line = self._rfile.readline(1026)
        if not line.endswith(b"\n"):
            raise FramingError(_MALFORMED_CHUNKS)
        size_text = line.rstrip(b"\r\n").split(b";", 1)[0].rstrip(b" \t")
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise FramingError(_MALFORMED_CHUNKS)
        size = int(size_text, 16)
        if size == 0:
            self._skip_trailers()
        return size

    def _skip_trailers(self) -> None:
        """Trailer fields up to the empty line, which werkzeug reads as the last chunk's end."""
        budget = MAX_HEAD_BYTES
        while self._rfile.peek(1)[:1] not in (b"\r", b"\n", b""):  # type: ignore[attr-defined]
            trailer = self._rfile.readline(MAX_LINE_BYTES + 1)
            budget -= len(trailer)
            if not trailer.endswith(b"\n") or budget < 0:
                raise FramingError(_MALFORMED_CHUNKS)

    def readinto(self, buf: bytearray) -> int:  # type: ignore[override]
        try:
            return super().readinto(buf)
        except OSError:  # werkzeug's "missing chunk terminating newline", or the peer went away
            raise FramingError(_MALFORMED_CHUNKS) from None


# --- the request handler -------------------------------------------------------------------------------------


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
        self.reader = SocketReader(self.connection, self.server)
        self.rfile = io.BufferedReader(self.reader, 65536)
        self.wfile = _SocketWriter(self.connection)  # type: ignore[assignment]

    def finish(self) -> None:
        try:
            self.rfile.close()
        except OSError:
            pass

    def handle(self) -> None:
        """werkzeug's loop over keep-alive requests; an idle connection, or one shut by ``stop()``, just ends."""
        try:
            super().handle()
        except (Idle, OSError):
            pass

    def handle_one_request(self) -> None:
        """http.server's: the request line (414 past 64 KiB), ``parse_request``, then ``run_wsgi``."""
        self.reader.next_request()
        self.command = self.request_version = ""  # an error before the request line is parsed knows neither
        try:
            super().handle_one_request()
        except RequestTimeout:
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
        except FramingError as error:
            self.close_connection = self.close_connection or not error.keep_alive
            self._write(error.response)
            return
        environ = self.make_environ()  # werkzeug's
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        captured: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
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
            log.exception("ssm-incidents-mock server failed on %s", printable(self.requestline[:200]))
            self.close_connection = True
            self._write(internal_error())
            return
        status, headers = captured
        self._write((status, headers, data))

    def _read_body(self) -> bytes:
        """The body, framed by ``Transfer-Encoding: chunked`` or ``Content-Length`` and at most 1 MiB."""
        headers = self.headers
        encoding = headers.get("Transfer-Encoding")
        if encoding is not None:
            if encoding.strip().lower() != "chunked" or self.request_version != "HTTP/1.1":
                raise FramingError(f"Unsupported Transfer-Encoding '{encoding[:100]}'.")
            if headers.get("Content-Length") is not None:
                raise FramingError("Content-Length and Transfer-Encoding together.")
            # one byte past the limit tells a body over it from one that fills it
            chunks = cast("IO[bytes]", _StrictDechunkedInput(self._stream()))
            stream: LimitedStream = LimitedStream(chunks, MAX_BODY_BYTES + 1, is_max=True)
            length = None
        else:
            length = self._content_length()
            if length > MAX_BODY_BYTES:
                self._refuse_body(length)
            stream = _ContentLengthBody(self._stream(), length)
        body = stream.readall()
        if len(body) > MAX_BODY_BYTES:
            self._refuse_body(length)
        return body

    def _stream(self) -> IO[bytes]:
        return cast("IO[bytes]", self.rfile)

    def _content_length(self) -> int:
        text = self.headers.get("Content-Length")
        if text is None:
            return 0
        text = text.strip(" \t")
        if not _DIGITS.fullmatch(text):
            raise FramingError(f"Invalid Content-Length '{text[:100]}'.")
        return int(text)

    def _refuse_body(self, length: int | None) -> NoReturn:
        """The body is over the limit: a declared one up to 64 MiB is read and discarded (the connection
        stays in sync), anything else closes the connection."""
        message = f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes."
        if length is None or length > DRAIN_LIMIT_BYTES:
            raise FramingError(message)
        discarded = _ContentLengthBody(self._stream(), length)
        while discarded.read(65536):
            pass
        raise FramingError(message, keep_alive=True)

    def _write(self, response: Response | tuple[int, Iterable[tuple[str, str]], bytes]) -> None:
        data = encode_response(
            response, self.close_connection, self.command == "HEAD", self.request_version == "HTTP/1.0"
        )
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
        try:
            self._write(error_response(code, error_type, f"{phrase}: {message}" if message else phrase))
        except OSError:
            pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # the app logs each request (logger ssm_incidents_mock.server)

    def log_error(self, format: str, *args: Any) -> None:
        self.log_message(format, *args)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *(printable(arg) if isinstance(arg, str) else arg for arg in args))


# --- the server and its connection cap -------------------------------------------------------------------


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
        app: WSGIApplication,
        max_connections: int = MAX_CONNECTIONS,
        request_timeout: float = REQUEST_TIMEOUT_SECONDS,
        idle_timeout: float = IDLE_TIMEOUT_SECONDS,
        write_timeout: float = WRITE_TIMEOUT_SECONDS,
    ) -> None:
        self.max_connections = max_connections
        self.request_timeout = request_timeout
        self.idle_timeout = idle_timeout
        self.write_timeout = write_timeout
        self.closing = False
        self._connections: set[socket.socket] = set()
        self._waiting: deque[tuple[float, socket.socket, Any]] = deque()  # (until, connection, address)
        self._slots = threading.Lock()
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
        status, headers, body = error_response(
            503, "ServiceUnavailableException", "The mock server has too many open connections; retry shortly."
        )
        try:
            request.settimeout(1.0)
            request.sendall(encode_response((status, {**headers, "Retry-After": "1"}, body), close=True))
        except OSError:
            pass
        self.shutdown_request(request)

    def shutdown_request(self, request: Any) -> None:
        with self._slots:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open keep-alive connection (their threads then finish) and every waiting one."""
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
