"""The protocol registry, keyed by the model's ``protocol`` as botocore's serializers are."""

from __future__ import annotations

from typing import Any, Protocol

from ..exceptions import ServiceError
from .http import Request, Response, UnknownOperation
from .json_rpc import JsonProtocol
from .model import OperationSpec, ServiceSpec
from .rest_json import RestJsonProtocol


class WireProtocol(Protocol):
    spec: ServiceSpec

    def __init__(self, spec: ServiceSpec) -> None: ...

    def route(self, request: Request) -> tuple[OperationSpec, dict[str, str]]: ...
    def parse(self, op: OperationSpec, labels: dict[str, str], request: Request) -> dict[str, Any]: ...
    def render_result(self, op: OperationSpec, result: Any) -> Response: ...
    def render_error(self, op: OperationSpec | None, error: ServiceError) -> Response: ...
    def render_auth_error(self, code: str, message: str) -> Response: ...
    def render_unknown(self, error: UnknownOperation) -> Response: ...


PROTOCOLS: dict[str, type[WireProtocol]] = {"rest-json": RestJsonProtocol, "json": JsonProtocol}


def protocol_for(spec: ServiceSpec) -> WireProtocol:
    """The wire protocol of a service, bound to its spec."""
    return PROTOCOLS[spec.protocol](spec)
