"""Turning page data into responses: Jinja2 templates (autoescaped), ETags, the packaged static files.

A page is its data (a frozen copy, see ``incidents.py``) and the templates that show it. The
ETag is a digest of the data and of the templates, so a refresh whose data did not change is
answered 304 without rendering anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from werkzeug.exceptions import HTTPException
from werkzeug.http import quote_etag
from werkzeug.wrappers import Request, Response

from .incidents import STATUSES
from .urls import url_for

POLL_SECONDS = 2
IMPACTS = {1: "Critical", 2: "High", 3: "Medium", 4: "Low", 5: "No impact"}
STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
_STATIC = files(__package__) / "static"
ASSETS = {
    entry.name: STATIC_TYPES[suffix]
    for entry in _STATIC.iterdir()
    if (suffix := "." + entry.name.rpartition(".")[2]) in STATIC_TYPES
}
"""The static files (name -> media type); nothing else is served from ``static/``."""

Crumbs = tuple[tuple[str, str | None], ...]  # (label, link) from the top down; the last has no link


def moment(epoch: float | None) -> tuple[str, str] | None:
    """An epoch time as ISO 8601 (for ``<time datetime>``) and as shown; None when it is not a date."""
    if epoch is None:
        return None
    try:
        at = datetime.fromtimestamp(epoch, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z"), at.strftime("%Y-%m-%d %H:%M:%S")


environment = Environment(
    loader=PackageLoader(__package__, "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
environment.filters["moment"] = moment
environment.globals.update(url_for=url_for, poll_seconds=POLL_SECONDS, impacts=IMPACTS, statuses=STATUSES)


@dataclass(frozen=True)
class Page:
    """A page: ``page.html`` around the live part ``<name>_live.html``, which shows ``data``.

    ``head`` is a template shown above the live part (it does not change while the page is open);
    ``extra`` are more template variables. Without ``heading`` the live part brings its own ``<h1>``.
    """

    name: str
    title: str
    data: Any
    crumbs: Crumbs = ()
    head: str | None = None
    heading: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def variables(self) -> dict[str, Any]:
        return {"data": self.data, **self.extra}


@cache
def _templates_digest() -> bytes:
    """A digest of every template: a new version of the dashboard never matches an old ETag."""
    loader = environment.loader
    assert loader is not None
    hashed = hashlib.blake2b(digest_size=16)
    for name in loader.list_templates():
        hashed.update(loader.get_source(environment, name)[0].encode())
    return hashed.digest()


def etag(page: Page) -> str:
    """What the live part shows, as a digest: the template name and the copied data (no rendering)."""
    hashed = hashlib.blake2b(_templates_digest(), digest_size=16)
    hashed.update(f"{page.name}\0{page.variables!r}".encode("utf-8", "surrogatepass"))
    return hashed.hexdigest()


def html(body: str, status: int = 200) -> Response:
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


def page_response(request: Request, page: Page) -> Response:
    """The whole page, or with ``?fragment=1`` only its live part (304 when the client's ETag still holds)."""
    tag = etag(page)
    if request.args.get("fragment") == "1":
        if request.if_none_match.contains_weak(tag):
            response = html("", 304)
        else:
            response = html(environment.get_template(f"{page.name}_live.html").render(page.variables))
        response.set_etag(tag)
        return response
    context = {
        "title": page.title,
        "crumbs": page.crumbs,
        "heading": page.heading,
        "head": page.head,
        "live": f"{page.name}_live.html",
        "etag": quote_etag(tag),
    }
    return html(environment.get_template("page.html").render(context | page.variables))


def message_response(status: int, title: str, message: str, href: str | None = None) -> Response:
    context = {"title": title, "crumbs": (), "heading": True, "message": message, "href": href}
    return html(environment.get_template("message.html").render(context), status)


def error_response(error: HTTPException) -> Response:
    """An error page for a werkzeug HTTP error, with the headers it brings (``Allow`` for a 405)."""
    code = error.code or 500
    response = message_response(code, f"Error {code}", error.description or error.name)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


@cache
def _static_file(name: str) -> tuple[bytes, str]:
    content = (_STATIC / name).read_bytes()
    return content, hashlib.blake2b(content, digest_size=16).hexdigest()


def static_response(request: Request, name: str) -> Response | None:
    """A packaged static file, conditional on its ETag; None for a name that is not one."""
    media_type = ASSETS.get(name)
    if media_type is None:
        return None
    content, tag = _static_file(name)
    response = Response(content, content_type=media_type)
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(tag)
    return response.make_conditional(request)
