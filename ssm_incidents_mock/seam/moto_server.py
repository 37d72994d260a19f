"""moto's own server as a WSGI application."""

from __future__ import annotations

from typing import Any

from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

# --- moto's server ------------------------------------------------------------------------------------


def moto_server_app() -> tuple[Any, Any]:
    """moto's server as a WSGI application, and the request handler ``moto_server`` serves it with.

    Raises ImportError without moto's server dependencies (Flask).
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

    return DomainDispatcherApplication(create_backend_app), MotoRequestHandler
