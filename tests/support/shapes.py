"""Check a response against its operation's output shape in the botocore model.

botocore's parser keeps whatever the server sent that fits the shape and silently drops the
rest, so a missing required member or an invalid enum value would go unnoticed. This checker
walks a boto3-parsed response (or, with ``parsed=False``, the JSON body off the wire) and
reports: missing required members, members the shape does not have, wrong types, enum values
outside the set, string lengths, number ranges and list or map sizes outside the model's
limits, pattern mismatches, and unions without exactly one member.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

import botocore.session
from botocore.model import ServiceModel, Shape

from tests.support.strategies import pattern_ok

SERVICE_NAME = "ssm-incidents"


@lru_cache(maxsize=2)
def service_model(service: str = SERVICE_NAME) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "timestamp": (datetime,),
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
    "double": (float, int),
    "float": (float, int),
    "blob": (bytes, bytearray),
}


def _limits(shape: Shape, size: int | float, path: str, what: str, problems: list[str]) -> None:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        problems.append(f"{path}: {what} {size} below min {meta['min']}")
    if "max" in meta and size > meta["max"]:
        problems.append(f"{path}: {what} {size} above max {meta['max']}")


# On the wire a timestamp is epoch seconds: a JSON number.
_WIRE_TYPES = {**_PY_TYPES, "timestamp": (int, float)}


def _walk(shape: Shape, value: Any, path: str, problems: list[str], parsed: bool) -> None:
    kind = shape.type_name
    expected = (_PY_TYPES if parsed else _WIRE_TYPES).get(kind, (object,))
    numeric = ("integer", "long", "double", "float") if parsed else ("integer", "long", "double", "float", "timestamp")
    if not isinstance(value, expected) or (kind in numeric and isinstance(value, bool)):
        problems.append(f"{path}: expected {kind}, got {type(value).__name__} {value!r:.80}")
        return
    if kind == "structure":
        members = shape.members
        for name in shape.required_members:
            if name not in value:
                problems.append(f"{path}.{name}: required member missing")
        for name, item in value.items():
            if name not in members:
                problems.append(f"{path}.{name}: not a member of {shape.name}")
            else:
                _walk(members[name], item, f"{path}.{name}", problems, parsed)
        if shape.metadata.get("union") and len(value) != 1:
            problems.append(f"{path}: union {shape.name} has {len(value)} members set, expected 1")
    elif kind == "list":
        _limits(shape, len(value), path, "length", problems)
        for index, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{index}]", problems, parsed)
    elif kind == "map":
        _limits(shape, len(value), path, "size", problems)
        for key, item in value.items():
            _walk(shape.key, key, f"{path}<key {key!r}>", problems, parsed)
            _walk(shape.value, item, f"{path}[{key!r}]", problems, parsed)
    elif kind == "string":
        _limits(shape, len(value), path, "length", problems)
        if shape.enum and value not in shape.enum:
            problems.append(f"{path}: {value!r} not in enum {shape.enum}")
        pattern = shape.metadata.get("pattern")
        if pattern and not (pattern_ok(pattern, value) if "\\p{" in pattern else re.search(pattern, value)):
            problems.append(f"{path}: {value!r:.120} does not match {pattern}")
    elif kind in ("integer", "long", "double", "float"):
        _limits(shape, value, path, "value", problems)


def output_problems(
    operation: str, response: dict[str, Any], parsed: bool = True, service: str = SERVICE_NAME
) -> list[str]:
    """Every way ``response`` (a boto3 answer of ``operation``, or its JSON body) departs from the output shape."""
    shape = service_model(service).operation_model(operation).output_shape
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if shape is None:
        return [f"{operation}: has no output shape but answered {body!r}"] if body else []
    problems: list[str] = []
    _walk(shape, body, operation, problems, parsed)
    return problems


def assert_output_shape(operation: str, response: dict[str, Any]) -> None:
    """Fail with every problem listed when ``response`` does not fit ``operation``'s output shape."""
    problems = output_problems(operation, response)
    assert not problems, "\n".join(problems)
