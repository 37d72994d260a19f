"""One walker over botocore shapes, compiled once per shape.

``compile_input`` turns an input shape into a function that checks a decoded JSON value against
every constraint the model states (required, type, length, range, pattern, enum, list and map
sizes, union arity) and converts timestamps to epoch floats. Violations are collected in AWS's
wording: ``Value '6' at 'impact' failed to satisfy constraint: Member must have value less than
or equal to 5``, with 1-based ``.member.`` list paths.

``compile_output`` turns an output shape into a function that picks the shape's members from
plain dicts (camelCase keys) or domain objects (snake_case attributes) and renders timestamps
as epoch seconds with milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, cast

from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape

Errors = list[str]
Check = Callable[[Any, str, Errors], Any]
Render = Callable[[Any], Any]

_MAX_ECHO = 1024  # longest value echoed back inside a validation message


_MAX_ECHO_DEPTH = 32  # deeper containers are echoed as "..." (deep JSON must not exhaust the stack)


def render_value(value: Any, depth: int = 0) -> str:
    """Java ``toString``-like rendering used by AWS validation messages."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (str, int, float)):
        text = str(value)
    elif isinstance(value, (list, dict)) and depth >= _MAX_ECHO_DEPTH:
        text = "..."
    elif isinstance(value, list):
        text = "[" + ", ".join(render_value(v, depth + 1) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}={render_value(v, depth + 1)}" for k, v in value.items()) + "}"
    else:
        text = str(value)
    return text if len(text) <= _MAX_ECHO else text[:_MAX_ECHO] + "..."


def violation(value: Any, path: str, constraint: str) -> str:
    if value is None:
        return f"Value null at '{path}' failed to satisfy constraint: {constraint}"
    return f"Value '{render_value(value)}' at '{path}' failed to satisfy constraint: {constraint}"


def format_errors(errors: Errors) -> str:
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(errors)


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


# --------------------------------------------------------------------------- input


def _size_rules(shape: Shape, unit: str) -> list[tuple[Callable[[int], bool], str]]:
    meta = shape.metadata
    rules: list[tuple[Callable[[int], bool], str]] = []
    if "min" in meta:
        low = meta["min"]
        rules.append((lambda n: bool(n >= low), f"Member must have {unit} greater than or equal to {low}"))
    if "max" in meta:
        high = meta["max"]
        rules.append((lambda n: bool(n <= high), f"Member must have {unit} less than or equal to {high}"))
    return rules


def _scalar_constraints(shape: Shape) -> Callable[[Any], list[str]]:
    """Constraints of a string or number shape as a function returning the failed ones."""
    if shape.type_name == "string":
        rules = _size_rules(shape, "length")
        pattern = shape.metadata.get("pattern")
        regex = re.compile(pattern) if pattern else None
        enum = cast(StringShape, shape).enum
        enum_set = frozenset(enum) if enum else None

        def failed(value: Any) -> list[str]:
            out = [msg for ok, msg in rules if not ok(len(value))]
            if regex is not None and regex.fullmatch(value) is None:
                out.append(f"Member must satisfy regular expression pattern: {pattern}")
            if enum_set is not None and value not in enum_set:
                out.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
            return out

        return failed
    rules = _size_rules(shape, "value")
    return lambda value: [msg for ok, msg in rules if not ok(value)]


def _scalar_passes(shape: Shape) -> Callable[[Any], bool]:
    """True when ``_scalar_constraints(shape)`` would find nothing: the cheap test of the usual case."""
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    if shape.type_name != "string":
        return lambda value: (low is None or value >= low) and (high is None or value <= high)
    pattern = meta.get("pattern")
    regex = re.compile(pattern) if pattern else None
    enum = cast(StringShape, shape).enum
    enum_set = frozenset(enum) if enum else None

    def passes(value: str) -> bool:
        size = len(value)
        return (
            (low is None or size >= low)
            and (high is None or size <= high)
            and (regex is None or regex.fullmatch(value) is not None)
            and (enum_set is None or value in enum_set)
        )

    return passes


_TYPE_NAMES = {
    "string": "string",
    "integer": "integer",
    "long": "integer",
    "boolean": "boolean",
    "timestamp": "timestamp",
    "structure": "structure",
    "list": "list",
    "map": "map",
    "double": "number",
    "float": "number",
}


def _type_error(value: Any, path: str, expected: str, errors: Errors) -> None:
    errors.append(violation(value, path, f"Member must be of type {expected}"))


def parse_timestamp(value: Any) -> float | None:
    """Epoch seconds from a JSON number or an ISO 8601 string; None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp()
    return None


def compile_input(shape: Shape, memo: dict[str, Check] | None = None) -> Check:
    """Compile ``shape`` into ``check(value, path, errors) -> converted value``."""
    memo = {} if memo is None else memo
    if shape.name in memo:
        return memo[shape.name]
    kind = shape.type_name
    check: Check

    if kind == "structure":
        members: list[tuple[str, Check]] = []
        required = tuple(shape.required_members)
        is_union = bool(shape.metadata.get("union"))

        def check_structure(value: Any, path: str, errors: Errors) -> Any:
            if not isinstance(value, dict):
                _type_error(value, path, "structure", errors)
                return value
            out = {}
            for name, sub in members:
                item = value.get(name)
                if item is not None:
                    out[name] = sub(item, f"{path}.{name}" if path else name, errors)
            for name in required:
                if value.get(name) is None:
                    errors.append(violation(None, f"{path}.{name}" if path else name, "Member must not be null"))
            if is_union and len(out) != 1:
                errors.append(violation(value, path, "Member must have exactly one member set"))
            return out

        check = memo[shape.name] = check_structure
        members.extend((name, compile_input(sub, memo)) for name, sub in cast(StructureShape, shape).members.items())
        return check

    if kind == "list":
        size_rules = _size_rules(shape, "length")
        element: list[Check] = []

        def check_list(value: Any, path: str, errors: Errors) -> Any:
            if not isinstance(value, list):
                _type_error(value, path, "list", errors)
                return value
            for ok, msg in size_rules:
                if not ok(len(value)):
                    errors.append(violation(value, path, msg))
            sub = element[0]
            return [sub(item, f"{path}.{i}.member", errors) for i, item in enumerate(value, 1)]

        check = memo[shape.name] = check_list
        element.append(compile_input(cast(ListShape, shape).member, memo))
        return check

    if kind == "map":
        size_rules = _size_rules(shape, "length")
        key_failed = _scalar_constraints(cast(MapShape, shape).key)
        value_shape = cast(MapShape, shape).value
        scalar_values = value_shape.type_name in ("string", "integer", "long", "boolean")
        value_failed = _scalar_constraints(value_shape) if scalar_values else None
        value_check = compile_input(value_shape, memo)
        value_kind = _TYPE_NAMES.get(value_shape.type_name, value_shape.type_name)

        def check_map(value: Any, path: str, errors: Errors) -> Any:
            if not isinstance(value, dict):
                _type_error(value, path, "map", errors)
                return value
            for ok, msg in size_rules:
                if not ok(len(value)):
                    errors.append(violation(value, path, msg))
            bad_keys: list[str] = []
            bad_values: list[str] = []
            out = {}
            for key, item in value.items():
                for msg in key_failed(key):
                    if msg not in bad_keys:
                        bad_keys.append(msg)
                if value_failed is not None:
                    if item is None or not _is_type(item, value_shape.type_name):
                        _type_error(item, f"{path}.{key}.member", value_kind, errors)
                        continue
                    for msg in value_failed(item):
                        if msg not in bad_values:
                            bad_values.append(msg)
                    out[key] = item
                elif item is None:
                    errors.append(violation(None, f"{path}.{key}.member", "Member must not be null"))
                else:
                    out[key] = value_check(item, f"{path}.{key}.member", errors)
            if bad_keys:
                errors.append(violation(value, path, f"Map keys must satisfy constraint: [{', '.join(bad_keys)}]"))
            if bad_values:
                errors.append(violation(value, path, f"Map value must satisfy constraint: [{', '.join(bad_values)}]"))
            return out

        check = memo[shape.name] = check_map
        return check

    if kind == "timestamp":

        def check_timestamp(value: Any, path: str, errors: Errors) -> Any:
            parsed = parse_timestamp(value)
            if parsed is None:
                _type_error(value, path, "timestamp", errors)
                return value
            return parsed

        check = memo[shape.name] = check_timestamp
        return check

    failed = _scalar_constraints(shape) if kind in ("string", "integer", "long") else None
    passes = _scalar_passes(shape) if failed is not None else None
    expected = _TYPE_NAMES.get(kind, kind)
    python_type = str if kind == "string" else None  # the common case, tested inline

    def check_scalar(value: Any, path: str, errors: Errors) -> Any:
        if type(value) is not python_type and not _is_type(value, kind):
            _type_error(value, path, expected, errors)
            return value
        if passes is not None and not passes(value):
            assert failed is not None
            for msg in failed(value):
                errors.append(violation(value, path, msg))
        return value

    check = memo[shape.name] = check_scalar
    return check


def _is_type(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("double", "float"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


def convert_text(value: str, shape: Shape) -> Any:
    """A query-string or path value converted to the shape's JSON type (left as is if it fails)."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            return value
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value


# --------------------------------------------------------------------------- output


def epoch_millis(value: Any) -> Any:
    if type(value) is not float:  # the backend keeps floats; datetimes come from callers of the public API
        value = value.timestamp() if isinstance(value, datetime) else value
    return round(value, 3)


def compile_output(shape: Shape, memo: dict[str, Render | None] | None = None) -> Render | None:
    """Compile ``shape`` into ``render(value) -> JSON-ready value``; None means identity."""
    memo = {} if memo is None else memo
    if shape.name in memo:
        return memo[shape.name]
    kind = shape.type_name

    if kind == "structure":
        members: list[tuple[str, str, Render | None]] = []

        def render_structure(value: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            if isinstance(value, dict):
                for name, _, sub in members:
                    item = value.get(name)
                    if item is not None:
                        out[name] = item if sub is None else sub(item)
            else:
                for name, attr, sub in members:
                    item = getattr(value, attr, None)
                    if item is not None:
                        out[name] = item if sub is None else sub(item)
            return out

        memo[shape.name] = render_structure
        members.extend(
            (name, snake_case(name), compile_output(sub, memo))
            for name, sub in cast(StructureShape, shape).members.items()
        )
        return render_structure

    if kind == "list":
        memo[shape.name] = None  # placeholder against recursion
        element_render = compile_output(cast(ListShape, shape).member, memo)
        render_list: Render = (
            list
            if element_render is None
            else (lambda value: [element_render(item) for item in value] if value else [])
        )
        memo[shape.name] = render_list
        return render_list

    if kind == "map":
        value_render = compile_output(cast(MapShape, shape).value, memo)
        render_map: Render = (
            dict if value_render is None else (lambda value: {k: value_render(v) for k, v in value.items()})
        )
        memo[shape.name] = render_map
        return render_map

    if kind == "timestamp":
        memo[shape.name] = epoch_millis
        return epoch_millis

    memo[shape.name] = None
    return None
