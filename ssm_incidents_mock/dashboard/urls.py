"""Where the dashboard lives (``DASHBOARD_PATH``, which the server mounts) and the werkzeug rules of its pages.

The server takes both names from the package (``from .dashboard import DASHBOARD_PATH, handle``):
the dashboard imports nothing of the server, so there is no import circle.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Map, Rule

DASHBOARD_PATH = "/_ssm_incidents_mock/dashboard"

url_map = Map(
    [
        Rule("/", endpoint="root"),
        Rule(DASHBOARD_PATH, endpoint="index"),
        Rule(f"{DASHBOARD_PATH}/static/<name>", endpoint="static"),
        Rule(f"{DASHBOARD_PATH}/account/<account>/<partition>", endpoint="overview"),
        Rule(f"{DASHBOARD_PATH}/incident", endpoint="incident"),
        Rule(f"{DASHBOARD_PATH}/contacts/<account>/<region>", endpoint="contacts"),
        Rule(f"{DASHBOARD_PATH}/contact", endpoint="contact"),
        Rule(f"{DASHBOARD_PATH}/engagement", endpoint="engagement"),
    ],
    strict_slashes=False,  # a trailing slash finds the same page, without a redirect
    merge_slashes=False,
)
_urls = url_map.bind("localhost")


def url_for(endpoint: str, **values: Any) -> str:
    """The path of a page; values the rule does not name become the query (a list repeats its key)."""
    return _urls.build(endpoint, {k: v for k, v in values.items() if v is not None and v != []})


def match(path: str) -> tuple[str, dict[str, Any]]:
    """The endpoint and path values of a GET for ``path``; werkzeug's ``NotFound`` when no page is there."""
    endpoint, values = _urls.match(path, method="GET")
    return str(endpoint), dict(values)
