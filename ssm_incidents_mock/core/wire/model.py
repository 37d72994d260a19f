"""A botocore service model, indexed once: operations, routes, checks, renderers and endpoint hosts.

One ``ServiceSpec`` per service the mock serves; nothing here knows which service it is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

import botocore.session
from botocore import xform_name
from botocore.model import ListShape, OperationModel, ServiceModel, Shape, StructureShape

from ..exceptions import ServiceError
from .render import OutputCompiler, Render
from .validate import Check, InputCompiler, convert_text


@lru_cache(maxsize=1)
def dns_suffixes() -> tuple[str, ...]:
    """The DNS suffixes of every partition's endpoints (plain and dual-stack), longest first."""
    partitions = botocore.session.get_session().get_component("data_loader").load_data("partitions")
    suffixes = {p["outputs"][key] for p in partitions["partitions"] for key in ("dnsSuffix", "dualStackDnsSuffix")}
    return tuple(sorted(suffixes, key=len, reverse=True))


def endpoint_host(endpoint_prefix: str) -> str:
    """Every host botocore's endpoint rules build for a service: plain, FIPS and dual-stack, in every partition.

    The region is the regex's first group.
    """
    alternatives = "|".join(re.escape(suffix) for suffix in dns_suffixes())
    return rf"{re.escape(endpoint_prefix)}(?:-fips)?\.([a-z0-9-]+)\.(?:{alternatives})"


class OperationSpec:
    """What the mock needs to know about one operation, taken from the model.

    The backend method is ``xform_name(name)`` and takes the input members by their
    ``xform_name``. What it returns becomes the output by the output shape: no members, nothing;
    a paginated operation, ``(items, next_token)``; one member, that member's value; otherwise
    the whole output structure (a dict or an object with the members as attributes).
    """

    def __init__(
        self,
        model: OperationModel,
        inputs: InputCompiler,
        outputs: OutputCompiler,
        result_key: str | None,
        output_token: str = "nextToken",
    ):
        http = model.http
        self.name: str = model.name
        self.method_name: str = xform_name(model.name)
        self.http_method: str = http["method"]
        self.request_uri: str = http["requestUri"]
        self.success_status: int = int(http.get("responseCode", 200))
        self.errors: frozenset[str] = frozenset(shape.name for shape in model.error_shapes)
        self.idempotency_token: str | None = None
        self.body_members: tuple[str, ...] = ()
        self.body_only = False  # every input member is in the JSON body
        self.query_members: dict[str, tuple[str, Shape]] = {}
        self.uri_members: dict[str, tuple[str, Shape]] = {}
        self.argument_names: dict[str, str] = {}
        self.check: Check | None = None
        self.render: Render | None = None
        self.output_members: tuple[str, ...] = ()
        self.result_key = result_key
        self.output_token = output_token

        shape = model.input_shape
        if shape is not None:
            body = []
            for name, member in shape.members.items():
                self.argument_names[name] = xform_name(name)
                location = member.serialization.get("location")
                wire_name = member.serialization.get("name", name)
                if location == "querystring":
                    self.query_members[wire_name] = (name, member)
                elif location == "uri":
                    self.uri_members[wire_name] = (name, member)
                else:
                    body.append(name)
                # CreateRotation's IdempotencyToken lacks the trait but means the same (botocore sends none).
                if member.metadata.get("idempotencyToken") or name == "IdempotencyToken":
                    self.idempotency_token = name
            self.body_members = tuple(body)
            self.body_only = bool(body) and not self.query_members and not self.uri_members
            self.check = inputs.compile(shape)
        if model.output_shape is not None:
            self.render = outputs.compile(model.output_shape)
            self.output_members = tuple(model.output_shape.members)

    def output(self, result: Any) -> Any:
        """The backend's result as the output structure (see the class docstring)."""
        if not self.output_members:
            return None
        if self.result_key is not None:
            items, token = result
            return {self.result_key: items, self.output_token: token}
        if len(self.output_members) == 1:
            return {self.output_members[0]: result}
        return result

    def uri_regex(self) -> re.Pattern[str]:
        """The request URI as a regex; the last label may hold ``/`` once decoded."""
        path = self.request_uri.split("?", 1)[0]
        parts = re.split(r"\{(\w+)\+?\}", path)
        pattern = ""
        for index, part in enumerate(parts):
            if index % 2:
                last = index == len(parts) - 2 and parts[-1] == ""
                pattern += f"(?P<{part}>{'.*' if last else '[^/]*'})"  # empty: a missing member, rejected by the check
            else:
                pattern += re.escape(part)
        return re.compile(pattern + "$")

    def coerce_text(
        self, wire_name: str, value: str | list[str], members: dict[str, tuple[str, Shape]]
    ) -> tuple[str, Any]:
        name, shape = members[wire_name]
        if shape.type_name == "list":
            values = value if isinstance(value, list) else [value]
            return name, [convert_text(v, cast(ListShape, shape).member) for v in values]
        text = value[0] if isinstance(value, list) else value
        return name, convert_text(text, shape)


class ServiceSpec:
    """One service's operations, errors and endpoint hosts, and a router built from its HTTP bindings.

    ``error_statuses`` fills in HTTP statuses that botocore's JSON model leaves out (the Smithy model
    has them); the model's own ``httpStatusCode`` wins where present.
    """

    def __init__(self, service_name: str, error_statuses: dict[str, int] | None = None) -> None:
        session = botocore.session.get_session()
        self.name = service_name
        self.model: ServiceModel = session.get_service_model(service_name)
        metadata = self.model.metadata
        self.protocol: str = metadata["protocol"]
        self.target_prefix: str | None = metadata.get("targetPrefix")
        self.signing_name: str = metadata.get("signingName", service_name)
        self.endpoint_host = endpoint_host(metadata["endpointPrefix"])
        paginators = session.get_paginator_model(service_name)
        inputs, outputs = InputCompiler(), OutputCompiler()
        self.operations: dict[str, OperationSpec] = {}
        for name in self.model.operation_names:
            try:
                paginator = paginators.get_paginator(name)
            except ValueError:  # not paginated
                paginator = {}
            self.operations[name] = OperationSpec(
                self.model.operation_model(name),
                inputs,
                outputs,
                paginator.get("result_key"),
                paginator.get("output_token", "nextToken"),
            )
        self._static: dict[tuple[str, str], OperationSpec] = {}
        self._templated: list[tuple[str, re.Pattern[str], OperationSpec]] = []
        if self.protocol == "rest-json":
            for op in self.operations.values():
                if "{" in op.request_uri:
                    self._templated.append((op.http_method, op.uri_regex(), op))
                else:
                    self._static[(op.http_method, op.request_uri.split("?", 1)[0])] = op
        self.error_status: dict[str, int] = {}
        self.error_render: dict[str, Render | None] = {}
        self.error_message_member: dict[str, str] = {}
        statuses = error_statuses or {}
        for shape in self.model.error_shapes:
            modeled = shape.metadata.get("error", {}).get("httpStatusCode")
            self.error_status[shape.name] = int(modeled or statuses.get(shape.name, 400))
            self.error_render[shape.name] = outputs.compile(shape)
            members = cast(StructureShape, shape).members
            self.error_message_member[shape.name] = next((m for m in members if m.lower() == "message"), "message")

    def error_body(self, op: OperationSpec | None, error: ServiceError) -> tuple[int, str, dict[str, Any]]:
        """Status, code and JSON members of an error; one the operation does not model becomes a 500."""
        code = error.code
        message = error.message
        if op is not None and code not in op.errors:
            message = f"ssm-incidents-mock raised {code} ({message}), which {op.name} does not model."
            code = "InternalServerException"
            members: dict[str, Any] = {}
        else:
            render = self.error_render.get(code)
            members = render(error.members) if render is not None else {}
        body = {self.error_message_member.get(code, "message"): message, **members}
        return self.error_status.get(code, 400), code, body

    def route(self, method: str, path: str) -> tuple[OperationSpec, dict[str, str]] | None:
        """The operation for ``method`` + raw ``path`` and its (still encoded) URI labels (rest-json)."""
        op = self._static.get((method, path))
        if op is not None:
            return op, {}
        for op_method, regex, candidate in self._templated:
            if op_method == method:
                match = regex.match(path)
                if match:
                    return candidate, match.groupdict()
        return None

    def path_known(self, path: str) -> bool:
        """True when some operation has this path under another method."""
        if any(p == path for _, p in self._static):
            return True
        return any(regex.match(path) for _, regex, _ in self._templated)
