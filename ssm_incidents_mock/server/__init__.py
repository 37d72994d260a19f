"""Server mode: ssm-incidents and ssm-contacts over HTTP on one port, for the AWS CLI and every SDK.

- ``app``: the WSGI application (routing to the services, who may call, control endpoints, the dashboard);
- ``connection``: HTTP/1.1 on werkzeug's request handler (keep-alive, strict framing, limits, the cap);
- ``run``: ``make_server``, ``ThreadedSSMIncidentsServer``, ``serve`` and ``serve_with_moto``.
"""

from ..snapshot import dump_state, reset_state
from .app import (
    CONTROL_ENDPOINTS,
    CONTROL_HEADER,
    CONTROL_PREFIX,
    AccessGuard,
    AccessPolicy,
    SSMIncidentsApp,
    enable_request_log,
    make_app,
    register_control,
)
from .connection import DRAIN_LIMIT_BYTES, MAX_CONNECTIONS, SSMIncidentsHTTPServer
from .run import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    ThreadedSSMIncidentsServer,
    add_access_options,
    make_server,
    serve,
    serve_with_moto,
)

__all__ = [
    "CONTROL_ENDPOINTS",
    "CONTROL_HEADER",
    "CONTROL_PREFIX",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DRAIN_LIMIT_BYTES",
    "MAX_CONNECTIONS",
    "AccessGuard",
    "AccessPolicy",
    "SSMIncidentsApp",
    "SSMIncidentsHTTPServer",
    "ThreadedSSMIncidentsServer",
    "add_access_options",
    "dump_state",
    "enable_request_log",
    "make_app",
    "make_server",
    "register_control",
    "reset_state",
    "serve",
    "serve_with_moto",
]
