"""Running the server: ``make_server``, the background ``ThreadedSSMIncidentsServer`` for tests, the
foreground ``serve`` (``ssm-incidents-mock server``) and ``serve_with_moto`` (``... moto-server``).

Both commands serve in a thread while the main thread waits for SIGINT or SIGTERM; the signals only
set a flag, so a second Ctrl+C, or a signal while a connection is accepted, interrupts nothing.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import ThreadedWSGIServer

from .. import seam
from ..config import settings
from ..hosts import host_name, is_loopback
from .app import AccessGuard, AccessPolicy, enable_request_log, make_app
from .connection import SSMIncidentsHTTPServer

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5050
_STOP_POLL_SECONDS = 0.5  # how often the main thread looks for a stop signal (and the accept loop for a stop)


def make_server(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    verbose: bool = False,
    allowed_hosts: Iterable[str] = (),
    cors_origins: Iterable[str] = (),
    app: Any = None,
    **limits: Any,
) -> SSMIncidentsHTTPServer:
    """A bound (not yet serving) server; ``port=0`` picks a free one. ``limits``: ``max_connections``,
    ``request_timeout``, ``idle_timeout``, ``write_timeout``; ``app`` replaces the WSGI application."""
    if verbose:
        enable_request_log()
    if app is None:
        app = make_app(allowed_hosts, cors_origins, bound_host=host)
    return SSMIncidentsHTTPServer(host, port, app, **limits)


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
        replication_phases: bool | None = None,
        **options: Any,
    ) -> None:
        self.host = host
        self.port = port
        self.strict = strict
        self.replication_phases = replication_phases
        self.verbose = verbose
        self.allowed_hosts = tuple(allowed_hosts)
        self.cors_origins = tuple(cors_origins)
        self.options = options
        self._server: SSMIncidentsHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._strict_token: int | None = None
        self._phases_token: int | None = None

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
        if self.replication_phases is not None:
            self._phases_token = settings.push_replication_phases(self.replication_phases)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="ssm-incidents-mock-server", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return self.http_server.url

    @property
    def port_number(self) -> int:
        """The port actually bound (useful with ``port=0``)."""
        return int(self.http_server.server_address[1])

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
        if self._phases_token is not None:
            settings.pop_replication_phases(self._phases_token)
            self._phases_token = None

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
    replication_phases: bool | None = None,
) -> int:
    """Run in the foreground until SIGINT or SIGTERM; prints the endpoint URL first. Returns the exit code.

    ``strict`` and ``replication_phases`` (None: the environment decides) hold for the life of the process.
    """
    try:
        server = make_server(host, port, verbose=verbose, allowed_hosts=allowed_hosts, cors_origins=cors_origins)
    except OSError as error:
        print(f"ssm-incidents-mock: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    if strict is not None:  # None: the environment decides (strict unless SSM_INCIDENTS_MOCK_STRICT=false)
        settings.push_strict(strict)
    if replication_phases is not None:  # None: SSM_INCIDENTS_MOCK_REPLICATION_PHASES decides (off by default)
        settings.push_replication_phases(replication_phases)
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
        target=server.serve_forever,
        kwargs={"poll_interval": _STOP_POLL_SECONDS},
        name="ssm-incidents-mock-server",
        daemon=True,
    )
    thread.start()
    try:
        while thread.is_alive() and not stop.wait(_STOP_POLL_SECONDS):
            pass
        server.shutdown()
        if close_connections is not None:
            close_connections()
        thread.join(timeout=10)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# --- moto's server ----------------------------------------------------------------------------------------


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


def serve_with_moto(argv: list[str]) -> int:
    """Run moto's own server (``moto_server``'s arguments) with both services, behind the access policy."""
    options = _moto_parser().parse_args(argv)
    from ..mock import register

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
    policy = AccessPolicy(options.allow_host, options.cors_origin, bound_host=options.host, any_aws_host=True)
    app = AccessGuard(moto_app, policy)
    ssl_context: Any = (options.ssl_cert, options.ssl_key) if options.ssl_cert and options.ssl_key else None
    if ssl_context is None and options.ssl:
        ssl_context = "adhoc"
    if options.reload:  # werkzeug's reloader runs the server in a child process it restarts
        from werkzeug.serving import run_simple

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
    host = f"[{options.host}]" if ":" in options.host else options.host
    scheme = "https" if ssl_context is not None else "http"
    _announce("moto with ssm-incidents and ssm-contacts", f"{scheme}://{host}:{server.port}", options.host)
    serve_until_signalled(server)
    print("ssm-incidents-mock: stopped", flush=True)
    return 0
