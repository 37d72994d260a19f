"""ssm-contacts for the one dispatcher (``dispatch.py``): backends per account and region, IAM actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.context import RequestContext
from ..core.dispatch import Service, Target
from ..core.dispatch import dispatch as dispatch_to
from ..core.wire.http import Request, Response, split_url
from ..core.wire.model import OperationSpec
from . import SPEC
from .exceptions import ValidationException
from .models import contacts_backend


class SSMContactsService(Service):
    """ssm-contacts: every resource lives in the caller's account and region."""

    def target(self, ctx: RequestContext, op: OperationSpec, params: dict[str, Any]) -> Target:
        backend = contacts_backend(ctx.account_id, ctx.region)
        if backend is None:
            raise ValidationException(f"Incident Manager Contacts is not available in the region {ctx.region}.")
        return Target(backend)

    def resources(self, op: OperationSpec, params: dict[str, Any]) -> list[str]:
        arns = [value for value in params.values() if isinstance(value, str) and value.startswith("arn:")]
        return arns[:1] or ["*"]


SERVICE = SSMContactsService(SPEC)


def dispatch(request: Request, host: str) -> Response:
    """Answer one ssm-contacts request. ``host`` carries the region when it is an AWS host."""
    return dispatch_to(SERVICE, request, host)


def url_handler(request: Any, full_url: str, headers: Mapping[str, str]) -> Response:
    """moto's entry point (``urls.url_paths``): its ``responses`` callback and its server call this."""
    body = request.get_data() if hasattr(request, "get_data") else request.body
    host, path, query = split_url(full_url or request.url)
    method = getattr(request, "method", "GET")
    return dispatch(Request(method, path, query, request.headers or headers, body), host)
