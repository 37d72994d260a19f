"""ssm-contacts for the one dispatcher (``dispatch.py``): its ``Service``, which ``access`` answers for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.context import RequestContext
from ..core.dispatch import Service, Target
from ..core.dispatch import dispatch as dispatch_to
from ..core.exceptions import ServiceError
from ..core.wire import codec
from ..core.wire.http import Request, Response, split_url
from ..core.wire.model import OperationSpec
from . import SPEC, access
from .exceptions import ConflictException
from .records import CONTACT, CONTACT_CHANNEL

# The resource type a token's first answer names, by its output member (the operations that model
# ConflictException and take an IdempotencyToken: CreateContact, CreateContactChannel).
_CREATED_TYPES = {"ContactArn": CONTACT, "ContactChannelArn": CONTACT_CHANNEL}


class SSMContactsService(Service):
    """ssm-contacts for the dispatcher: backends per account and region, contacts shared by contact policy."""

    def target(self, ctx: RequestContext, op: OperationSpec, params: dict[str, Any]) -> Target:
        return access.target(ctx, op, params)

    def resources(self, op: OperationSpec, params: dict[str, Any]) -> list[str]:
        return access.resources(op, params)

    def idempotency_conflict(self, op: OperationSpec, message: str, first: Response) -> ServiceError:
        """ssm-contacts' ConflictException requires ResourceId and ResourceType: the resource the token's
        first call created."""
        created = codec.decode(first[2]) if "ConflictException" in op.errors else {}
        member = next((name for name in created if name in _CREATED_TYPES), None)
        if member is None:
            return super().idempotency_conflict(op, message, first)
        return ConflictException(message, created[member], _CREATED_TYPES[member])


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
