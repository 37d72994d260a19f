"""The server as a WSGI application: who may call, the control endpoints, the dashboard, AWS operations.

Each AWS request goes to the service it names (``services.service_for``: AWS host, ``X-Amz-Target``,
SigV4 scope) and through ``core.dispatch``, the dispatcher the in-process mock uses, so both modes
answer alike. Every error the server writes itself goes through ``error_response``, in the wire
shape of the request's service.

Who may call: only requests naming a loopback host (or a name the user allows), never a
cross-origin browser request unless the user opted in to CORS for that origin, and AWS operations
only when signed (``Authorization`` present), as AWS requires. See docs/reliability.md.

Control endpoints live under ``/_ssm_incidents_mock/`` (``CONTROL_ENDPOINTS``: method and sub-path
to handler; ``register_control`` adds one). Each needs the ``X-SSM-Incidents-Mock`` header or a JSON
``Content-Type``, which no simple cross-site request can send.
"""

from __future__ import annotations

import importlib
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request as WSGIRequest
from werkzeug.wrappers import Response as WSGIResponse

from .. import seam
from ..core import control
from ..core.context import credential_scope
from ..core.dispatch import Seen, Service, dispatch
from ..core.exceptions import ServiceError
from ..core.wire import codec
from ..core.wire.http import MAX_BODY_BYTES, Request, Response, split_url
from ..core.wire.model import dns_suffixes
from ..hosts import host_name, is_loopback
from ..services import served, service_for
from ..snapshot import dump_state, reset_state
from ..ssm_contacts.models import code_for

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__package__)  # "ssm_incidents_mock.server": the request log's name

CONTROL_PREFIX = "/_ssm_incidents_mock/"
CONTROL_HEADER = "X-SSM-Incidents-Mock"
MOTO_RESET_PATH = "/moto-api/reset"
MOTO_API_PATHS = {MOTO_RESET_PATH: "reset", "/moto-api/seed": "seed"}  # moto's server's paths of two endpoints

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]*\+)?(?:x-amz-)?json(?:-[\d.]+)?$")

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


# --- answers ------------------------------------------------------------------------------------------


class _ServerError(ServiceError):
    """An error the server answers before (or instead of) an operation: any code, no members."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def error_response(status: int, code: str, message: str, service: Service | None = None) -> Response:
    """Every error the server writes itself: ``status``, ``code`` and ``message`` in the wire shape of
    ``service`` (``x-amzn-ErrorType``, and ``__type`` for JSON 1.1), ssm-incidents' when it is unknown."""
    protocol = (service or served()[0]).protocol
    _, headers, body = protocol.render_error(None, _ServerError(code, message))
    return status, headers, body


def validation_error(message: str, service: Service | None = None) -> Response:
    return error_response(400, "ValidationException", message, service)


def access_denied(message: str, service: Service | None = None) -> Response:
    return error_response(403, "AccessDeniedException", message, service)


def internal_error(service: Service | None = None) -> Response:
    return error_response(500, "InternalServerException", "The mock server failed to process the request.", service)


def json_answer(payload: Any, status: int = 200) -> Response:
    """A control endpoint's answer."""
    return status, {"Content-Type": "application/json"}, codec.encode(payload)


# --- who may call ---------------------------------------------------------------------------------------


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


def check_access(
    policy: AccessPolicy, environ: WSGIEnvironment, service: Service | None = None
) -> tuple[Response | None, str | None]:
    """An answer refusing the request (or None), and the origin to answer with CORS headers."""
    host = environ.get("HTTP_HOST")
    if host is None and environ.get("SERVER_PROTOCOL") != "HTTP/1.0":  # HTTP/1.1 requires it (RFC 9112)
        return validation_error("An HTTP/1.1 request must carry a Host header.", service), None
    if host is not None:  # only HTTP/1.0 clients may omit it, and browsers never do
        name = host_name(host)
        if name is None:
            return validation_error(f"Invalid Host header '{host[:200]}'.", service), None
        if not policy.host_allowed(name):
            return access_denied(
                f"Host '{name[:200]}' is not allowed: this server answers loopback names only. "
                f"Start it with --allow-host {name[:200]} (or allowed_hosts=[...]) to allow this name.",
                service,
            ), None
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None:
        if host is not None and origin.lower() == f"{environ.get('wsgi.url_scheme', 'http')}://{host.lower()}":
            return None, None  # same origin: a page served by this server
        if policy.cors_allowed(origin):
            return None, origin
        return access_denied(
            f"Cross-origin request from '{origin[:200]}' refused. Start the server with "
            f"--cors-origin {origin[:200]} (or cors_origins=[...]) to let that page call it.",
            service,
        ), None
    if environ.get("HTTP_SEC_FETCH_SITE", "") in ("cross-site", "same-site"):
        navigation = environ.get("REQUEST_METHOD") in ("GET", "HEAD") and environ.get("HTTP_SEC_FETCH_MODE") == (
            "navigate"
        )
        if not navigation:
            return access_denied("Cross-site browser requests are refused.", service), None
    return None, None


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


# --- control endpoints ---------------------------------------------------------------------------------

ControlHandler = Callable[[WSGIRequest, str], Response]  # (request, sub-path) -> answer

# (method, sub-path under CONTROL_PREFIX) -> handler; ``register_control`` adds endpoints. A sub-path
# ``name/*`` stands for ``name/<one segment>`` (``faults/<id>``).
CONTROL_ENDPOINTS: dict[tuple[str, str], ControlHandler] = {}


def register_control(method: str, name: str, handler: ControlHandler) -> None:
    """Serve ``method /_ssm_incidents_mock/<name>`` with ``handler`` (behind the control header check)."""
    CONTROL_ENDPOINTS[(method.upper(), name)] = handler


def _reset(request: WSGIRequest, name: str) -> Response:
    reset_state()
    control.reset()
    return json_answer({"status": "ok", "message": "All Incident Manager state was reset."})


def _state(request: WSGIRequest, name: str) -> Response:
    return json_answer(dump_state())


def _test_bench(request: WSGIRequest, name: str) -> Response:
    """Fault rules, the call recorder and the clock (``core.control``)."""
    status, payload = control.handle(
        request.method, name, request.get_data(cache=False), request.query_string.decode("latin-1")
    )
    return json_answer(payload, status)


def _contact_code(request: WSGIRequest, name: str) -> Response:
    """``GET code?arn=<contact channel or page ARN>``: the code its recipient would read on the device."""
    arn = request.args.get("arn", "")
    code = code_for(arn) if arn else None
    if code is None:
        message = "Give the ARN of a contact channel that was sent an activation code, or of a page: ?arn=..."
        return json_answer({"message": message}, 404)
    return json_answer({"arn": arn, "code": code})


def _seed(request: WSGIRequest, name: str) -> Response:
    """``POST seed?a=N``: moto's random generator seeded with N, as moto's server does (ids repeat from there)."""
    try:
        number = int(request.args.get("a", ""))
    except ValueError:
        return validation_error("Give the seed as an integer: seed?a=N.")
    seam.moto_random().seed(number)
    return json_answer({"status": "ok", "seed": number})


register_control("POST", "reset", _reset)
register_control("POST", "seed", _seed)
register_control("GET", "code", _contact_code)
register_control("GET", "state", _state)
for _method, _name in [
    ("GET", "faults"),
    ("POST", "faults"),
    ("DELETE", "faults"),
    ("GET", "faults/*"),
    ("DELETE", "faults/*"),
    ("GET", "calls"),
    ("DELETE", "calls"),
    ("GET", "clock"),
    ("POST", "clock"),
]:
    register_control(_method, _name, _test_bench)


def _control_name(path: str) -> str:
    """The sub-path of a control endpoint (moto's reset and seed paths are ``reset`` and ``seed``)."""
    return MOTO_API_PATHS.get(path) or path[len(CONTROL_PREFIX) :]


def _table_name(name: str) -> str:
    """The name ``name`` is registered under: itself, or ``first/*`` for ``first/<segment>``."""
    first, slash, rest = name.partition("/")
    return f"{first}/*" if slash and rest and "/" not in rest else name


def control_response(request: WSGIRequest, path: str) -> Response:
    """Answer a control endpoint: its handler, 405 naming the methods it has, or 404."""
    name = _control_name(path)
    key = name if any(known == name for _, known in CONTROL_ENDPOINTS) else _table_name(name)
    handler = CONTROL_ENDPOINTS.get((request.method, key))
    if handler is not None:
        return handler(request, name)
    methods = sorted(method for method, known in CONTROL_ENDPOINTS if known == key)
    if methods:
        return error_response(405, "UnknownOperationException", f"Use {' or '.join(methods)} {path[:200]}.")
    return error_response(404, "UnknownOperationException", f"No control endpoint {path[:200]}.")


def _control_known(path: str) -> bool:
    name = _control_name(path)
    return any(known in (name, _table_name(name)) for _, known in CONTROL_ENDPOINTS)


# --- request checks -------------------------------------------------------------------------------------


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
    # A JSON-protocol request (one naming a target) gets the JSON 1.1 shape, whose __type its SDK reads.
    json_style = next((s for s in served() if s.spec.target_prefix), None) if target else None
    return error_response(400, "UnknownServiceException", message, json_style)


def content_type_error(headers: Mapping[str, str], service: Service) -> Response | None:
    """A body must be JSON; a body without Content-Type is read as JSON too."""
    content_type = headers.get("Content-Type")
    if not content_type:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    if _JSON_TYPE.match(media_type):
        return None
    return validation_error(
        f"Unsupported Content-Type '{media_type}': {service.spec.name} accepts JSON bodies.", service
    )


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


class _BoundedRequest(WSGIRequest):
    """werkzeug's request with the body limit declared, for WSGI servers other than this package's (which
    frames and bounds the body before the application sees it)."""

    max_content_length = MAX_BODY_BYTES


# --- the WSGI application -------------------------------------------------------------------------------


class SSMIncidentsApp:
    """The server as a WSGI application: access checks, control endpoints, the dashboard, AWS operations."""

    def __init__(self, policy: AccessPolicy | None = None) -> None:
        self.policy = policy or AccessPolicy()
        self._dashboard: Any = None  # the dashboard package, imported on first use: most servers never show it

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = _BoundedRequest(environ)
        path, query = _raw_target(environ)
        seen = Seen() if log.isEnabledFor(logging.INFO) else None  # the dispatcher fills it for the log
        headers = cast("Mapping[str, str]", request.headers)
        service = service_for(headers.get("Host") or "", headers)
        cors_origin: str | None = None
        try:
            denied, cors_origin = check_access(self.policy, environ, service)
            answer = denied if denied is not None else self._answer(request, path, query, service, cors_origin, seen)
        except Exception:  # a bug here: never answer with a stack trace
            log.exception("ssm-incidents-mock server failed on %s", printable(f"{request.method[:20]} {path[:200]}"))
            answer = internal_error(service)
        response = answer if isinstance(answer, WSGIResponse) else WSGIResponse(answer[2], answer[0], answer[1])
        if cors_origin is not None:
            response.headers["Access-Control-Allow-Origin"] = cors_origin
            response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
            response.headers["Vary"] = "Origin"
        if seen is not None:
            _log_request(request.method, path, response.status_code, started, seen)
        return response(environ, start_response)

    def _answer(
        self,
        request: WSGIRequest,
        path: str,
        query: str,
        service: Service | None,
        cors_origin: str | None,
        seen: Seen | None,
    ) -> Response | WSGIResponse:
        method = request.method
        headers = cast("Mapping[str, str]", request.headers)
        if method == "OPTIONS" and "Access-Control-Request-Method" in headers:
            return self._preflight(request, cors_origin)
        if self._wants_dashboard(request, path):  # the dashboard answers other methods 405
            return self._dashboard_page(request)
        if path.startswith(CONTROL_PREFIX) or path in MOTO_API_PATHS:
            return self._control(request, path)
        if service is None:
            return unknown_service(headers)
        if not headers.get("Authorization") and "X-Amz-Signature=" not in query:
            return error_response(403, "MissingAuthenticationTokenException", "Missing Authentication Token", service)
        if "%" in path and _BAD_PERCENT.search(path):  # invalid UTF-8 after decoding is caught by the parser
            return validation_error("The request URI is not valid percent-encoded UTF-8.", service)
        try:
            body = request.get_data(cache=False)
        except RequestEntityTooLarge:  # only under another WSGI server: this package's handler bounds the body
            return validation_error(f"Request body exceeds the maximum size of {MAX_BODY_BYTES} bytes.", service)
        if body:
            error = content_type_error(headers, service)
            if error is not None:
                return error
        return dispatch(service, Request(method, path, query, headers, body), headers.get("Host") or "", seen)

    def _control(self, request: WSGIRequest, path: str) -> Response:
        if _control_known(path) and CONTROL_HEADER not in request.headers:
            media_type = (request.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            if not _JSON_TYPE.match(media_type):
                return access_denied(
                    f"Control endpoints need the header '{CONTROL_HEADER}: 1' (or Content-Type: application/json), "
                    "which no simple cross-site request can send."
                )
        return control_response(request, path)

    def _preflight(self, request: WSGIRequest, cors_origin: str | None) -> Response | WSGIResponse:
        if cors_origin is None:  # same-origin pages never send preflights; other origins were refused already
            return access_denied("CORS is not enabled for this origin; start with --cors-origin.")
        requested = [h.strip().lower() for h in request.headers.get("Access-Control-Request-Headers", "").split(",")]
        allowed = [h for h in requested if h in CORS_ALLOW_HEADERS or h.startswith(("amz-sdk-", "x-amz-"))]
        response = WSGIResponse(b"", 204)
        response.headers["Access-Control-Allow-Methods"] = CORS_ALLOW_METHODS
        response.headers["Access-Control-Allow-Headers"] = ", ".join(allowed or CORS_ALLOW_HEADERS)
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    def _wants_dashboard(self, request: WSGIRequest, path: str) -> bool:
        """A path under the dashboard's ``DASHBOARD_PATH``, or a browser asking for ``/``."""
        if path == "/":
            return (
                request.method in ("GET", "HEAD")
                and "Authorization" not in request.headers
                and (request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html")
            )
        if not path.startswith(CONTROL_PREFIX):
            return False
        mount: str = self._dashboard_package().DASHBOARD_PATH
        return path == mount or path.startswith(mount + "/")

    def _dashboard_package(self) -> Any:
        if self._dashboard is None:
            self._dashboard = importlib.import_module("ssm_incidents_mock.dashboard")
        return self._dashboard

    def _dashboard_page(self, request: WSGIRequest) -> WSGIResponse:
        handle = self._dashboard_package().handle
        response: WSGIResponse = handle(request, host_checked="Host" in request.headers)  # checked in check_access
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def make_app(
    allowed_hosts: Iterable[str] = (), cors_origins: Iterable[str] = (), bound_host: str = ""
) -> WSGIApplication:
    """The server's WSGI application, for mounting in another WSGI server (werkzeug, moto's, gunicorn)."""
    return SSMIncidentsApp(AccessPolicy(allowed_hosts, cors_origins, bound_host))


# --- the request log ------------------------------------------------------------------------------------


def _log_request(method: str, path: str, status: int, started: float, seen: Seen) -> None:
    """One INFO line: operation, account, status, latency (the time comes from the log format)."""
    elapsed = (time.perf_counter() - started) * 1000
    log.info(
        "%s %s operation=%s account=%s status=%d latency=%.1fms",
        printable(method[:20]),
        printable(path[:200]),
        seen.op.name if seen.op is not None else "-",
        seen.ctx.account_id if seen.ctx is not None else "-",
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
