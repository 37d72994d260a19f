"""The dashboard through werkzeug's test client, asked as a local browser asks (a loopback Host)."""

from __future__ import annotations

from typing import Any

from werkzeug.test import Client
from werkzeug.wrappers import Request

from ssm_incidents_mock import dashboard

ACCOUNT = "123456789012"
PREFIX = dashboard.DASHBOARD_PATH
OVERVIEW = f"{PREFIX}/account/{ACCOUNT}/aws"


def _app(environ: dict[str, Any], start_response: Any) -> Any:
    return dashboard.handle(Request(environ))(environ, start_response)


def dashboard_client() -> Client:
    return Client(_app)


def get(client: Client, url: str, **kwargs: Any) -> Any:
    """A GET with a loopback Host unless the caller's headers name one."""
    kwargs.setdefault("headers", {}).setdefault("Host", "127.0.0.1:5050")
    return client.get(url, **kwargs)
