"""The dashboard's entry point: who may ask, which view answers, and the headers every answer carries."""

from __future__ import annotations

import logging

from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from ..core.hosts import host_name, is_loopback
from .render import error_response
from .urls import match
from .views import VIEWS

log = logging.getLogger(__name__)

READ_METHODS = ("GET", "HEAD")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def handle(request: Request, host_checked: bool = False) -> Response:
    """Answer one request under ``DASHBOARD_PATH`` (or ``/``, which links to it).

    ``host_checked``: the server has already allowed the request's Host (loopback, or a name the user
    allowed); otherwise only loopback names are served. Every method other than GET and HEAD is
    answered 405. Every answer, errors included, carries the security headers.
    """
    try:
        response = _answer(request, host_checked)
    except HTTPException as error:
        response = error_response(error)
    except Exception:
        log.exception("The dashboard failed to answer %s %s", request.method, request.full_path)
        response = error_response(InternalServerError("The dashboard failed on this page; the server log says why."))
    response.headers.update(SECURITY_HEADERS)
    return response


def _answer(request: Request, host_checked: bool) -> Response:
    if not host_checked:
        name = host_name(request.headers.get("Host", ""))
        if name is None or not is_loopback(name):
            raise Forbidden("The dashboard is served to loopback host names only (127.0.0.1, localhost, [::1]).")
    if request.method not in READ_METHODS:
        raise MethodNotAllowed(list(READ_METHODS), "The dashboard is read-only: use GET.")
    try:
        endpoint, values = match(request.path)
    except NotFound:
        raise NotFound("There is no dashboard page here.") from None
    return VIEWS[endpoint](request, **values)
