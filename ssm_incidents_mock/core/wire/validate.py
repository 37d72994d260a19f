"""Input checks compiled from the model: one small function per shape type.

``InputCompiler.compile(shape)`` returns ``check(value, path, errors) -> value``: it checks a
decoded JSON value against every constraint the model states (required, type, length, range,
pattern, enum, list and map sizes, union arity), converts timestamps to epoch seconds, drops
members the shape does not have, and appends each violation to ``errors`` in AWS's wording:
``Value '6' at 'impact' failed to satisfy constraint: Member must have value less than or equal
to 5``, with 1-based ``.member.`` list paths. ``errors`` keeps the first ``MAX_LISTED_ERRORS``;
lists and maps stop being walked once it overflows, so a request of a million bad items costs
what ten cost.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from datetime import timezone
from typing import Any, cast

from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape
from botocore.utils import parse_timestamp as botocore_parse_timestamp

from ..exceptions import ValidationException

MAX_LISTED_ERRORS = 10  # violations named in one message; a request with more says so
_MAX_ECHO = 1024  # longest value echoed back inside a validation message
_MAX_ECHO_DEPTH = 32  # deeper containers are echoed as "..." (deep JSON must not exhaust the stack)
# The model's integer and long are Java's int and long: a JSON number beyond them is no such value.
_INTEGER_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


class Errors(list[str]):
    """The violations of one input: the first ``MAX_LISTED_ERRORS``; ``more`` says whether there were others."""

    more = False

    def append(self, message: str) -> None:
        if len(self) < MAX_LISTED_ERRORS:
            super().append(message)
        else:
            self.more = True

    def extend(self, messages: Iterable[str]) -> None:
        for message in messages:
            self.append(message)


Check = Callable[[Any, str, Errors], Any]

# The JSON type named in "Member must be of type ..." for each shape type.
TYPE_NAMES = {"long": "integer", "double": "number", "float": "number"}
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
}


def render_value(value: Any) -> str:
    """Java ``toString``-like rendering used by AWS validation messages, cut after ``_MAX_ECHO`` characters.

    Only as much of a large value is rendered as the message shows.
    """
    parts: list[str] = []
    size = 0
    for part in _render_parts(value, 0):
        parts.append(part)
        size += len(part)
        if size > _MAX_ECHO:
            break
    text = "".join(parts)
    return text if len(text) <= _MAX_ECHO else text[:_MAX_ECHO] + "..."


def _render_parts(value: Any, depth: int) -> Iterator[str]:
    if isinstance(value, bool):
        yield "true" if value else "false"
    elif isinstance(value, (list, dict)) and depth >= _MAX_ECHO_DEPTH:
        yield "..."
    elif isinstance(value, list):
        yield "["
        for index, item in enumerate(value):
            if index:
                yield ", "
            yield from _render_parts(item, depth + 1)
        yield "]"
    elif isinstance(value, dict):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield f"{', ' if index else ''}{key}="
            yield from _render_parts(item, depth + 1)
        yield "}"
    elif isinstance(value, str):
        yield value
    else:
        yield str(value)


def violation(value: Any, path: str, constraint: str) -> str:
    if value is None:
        return f"Value null at '{path}' failed to satisfy constraint: {constraint}"
    return f"Value '{render_value(value)}' at '{path}' failed to satisfy constraint: {constraint}"


def format_errors(errors: list[str]) -> str:
    """AWS's message for the violations; beyond ``MAX_LISTED_ERRORS`` it names the first ones and says there are more."""
    count = len(errors)
    if getattr(errors, "more", False):
        return f"More than {count} validation errors detected; the first {count}: " + "; ".join(errors)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(errors)


_VIOLATION_PATH = re.compile(r" at '([^']*)' failed to satisfy constraint: ")


def violation_fields(errors: Errors) -> list[dict[str, str]]:
    """The violations as ``{Name, Message}`` pairs (the ``Fields`` member some services' ValidationException has)."""
    fields = []
    for text in errors:
        match = _VIOLATION_PATH.search(text)
        fields.append({"Name": match.group(1) if match else "", "Message": text})
    return fields


def check_input(op: Any, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` checked against the operation's input shape: the validated input, or ValidationException."""
    if op.check is None:
        return params
    errors = Errors()
    params = op.check(params, "", errors)
    if errors:
        raise ValidationException(
            format_errors(errors), Reason="FIELD_VALIDATION_FAILED", Fields=violation_fields(errors)
        )
    return params


def is_type(value: Any, type_name: str) -> bool:
    """Whether a decoded JSON value is a value of the shape type (booleans are not numbers).

    Numbers must fit the type: an integer or long within Java's range, a double or float finite.
    """
    expected = _PYTHON_TYPES.get(type_name)
    if expected is None:
        return True
    if not isinstance(value, expected) or (type_name != "boolean" and isinstance(value, bool)):
        return False
    number = cast(float, value)
    bounds = _INTEGER_RANGES.get(type_name)
    if bounds is not None:
        return bounds[0] <= number <= bounds[1]
    if type_name in ("double", "float"):
        return _finite(number)
    return True


def _finite(number: float) -> bool:
    """Whether a JSON number is a finite double (a JSON integer may be too large for one)."""
    try:
        return math.isfinite(number)
    except OverflowError:
        return False


def parse_timestamp(value: Any) -> float | None:
    """Epoch seconds from a JSON number or a timestamp string botocore can parse; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not _finite(value):
            return None
        seconds = float(value)
    elif isinstance(value, str):
        try:
            parsed = botocore_parse_timestamp(value.strip())
        except (ValueError, TypeError, OverflowError, OSError, RuntimeError):
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        seconds = parsed.timestamp()
    else:
        return None
    return seconds if math.isfinite(seconds) else None


# What every SDK reads back: from the epoch to the last millisecond of year 9999 (answers carry milliseconds).
EARLIEST_TIMESTAMP = 0.0
LATEST_TIMESTAMP = 253402300799.999


_PROPERTY = re.compile(r"\\p\{(\w)\}")
_PROPERTY_CLASS = re.compile(r"\^\[((?:[^\]\\]|\\.)*)\]\*\$")


class _PropertyClass:
    """``^[...]*$`` with Unicode property classes (``\\p{L}``), which Python's ``re`` lacks: every
    character is of one of the general categories or matches the rest of the class."""

    __slots__ = ("categories", "rest")

    def __init__(self, body: str) -> None:
        self.categories = frozenset(_PROPERTY.findall(body))
        rest = _PROPERTY.sub("", body)
        self.rest = re.compile(f"[{rest}]") if rest else None

    def fullmatch(self, text: str) -> bool | None:
        rest = self.rest
        for char in text:
            if unicodedata.category(char)[0] not in self.categories and (rest is None or not rest.fullmatch(char)):
                return None
        return True


def compile_pattern(pattern: str) -> Any:
    """The model's pattern as an object with ``fullmatch``; a class of Unicode properties as ``_PropertyClass``."""
    if "\\p{" in pattern:
        whole = _PROPERTY_CLASS.fullmatch(pattern)
        if whole is None:
            raise ValueError(f"Unsupported pattern in the model: {pattern}")
        return _PropertyClass(whole.group(1))
    return re.compile(pattern)


class ScalarRule:
    """A string or number shape's constraints: ``passes`` is the cheap test, ``failures`` says which."""

    __slots__ = ("failures", "passes")

    def __init__(self, shape: Shape) -> None:
        meta = shape.metadata
        low, high = meta.get("min"), meta.get("max")
        is_string = shape.type_name == "string"
        unit = "length" if is_string else "value"
        pattern = meta.get("pattern") if is_string else None
        regex = compile_pattern(pattern) if pattern else None
        enum = cast(StringShape, shape).enum if is_string else None
        enum_set = frozenset(enum) if enum else None

        def passes(value: Any) -> bool:
            size = len(value) if is_string else value
            return (
                (low is None or size >= low)
                and (high is None or size <= high)
                and (regex is None or regex.fullmatch(value) is not None)
                and (enum_set is None or value in enum_set)
            )

        def failures(value: Any) -> list[str]:
            size = len(value) if is_string else value
            out = []
            if low is not None and size < low:
                out.append(f"Member must have {unit} greater than or equal to {low}")
            if high is not None and size > high:
                out.append(f"Member must have {unit} less than or equal to {high}")
            if regex is not None and regex.fullmatch(value) is None:
                out.append(f"Member must satisfy regular expression pattern: {pattern}")
            if enum_set is not None and value not in enum_set:
                out.append(f"Member must satisfy enum value set: [{', '.join(cast(list[str], enum))}]")
            return out

        self.passes: Callable[[Any], bool] = passes
        self.failures: Callable[[Any], list[str]] = failures


def _size_failures(shape: Shape) -> Callable[[int], list[str]]:
    """A list's or map's length constraints."""
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def failures(size: int) -> list[str]:
        out = []
        if low is not None and size < low:
            out.append(f"Member must have length greater than or equal to {low}")
        if high is not None and size > high:
            out.append(f"Member must have length less than or equal to {high}")
        return out

    return failures


_TIMESTAMP_RANGE = "Member must be a timestamp from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z"


def _type_error(value: Any, path: str, type_name: str, errors: Errors) -> None:
    errors.append(violation(value, path, f"Member must be of type {TYPE_NAMES.get(type_name, type_name)}"))


class InputCompiler:
    """Compiles input shapes into checks, once per shape name (recursive shapes included)."""

    def __init__(self) -> None:
        self.memo: dict[str, Check] = {}

    def compile(self, shape: Shape) -> Check:
        check = self.memo.get(shape.name)
        if check is None:
            builder = getattr(self, "_" + shape.type_name, self._scalar)
            check = builder(shape)
        return check

    def _structure(self, shape: Shape) -> Check:
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

        self.memo[shape.name] = check_structure  # before the members: a shape may contain itself
        members.extend((name, self.compile(sub)) for name, sub in cast(StructureShape, shape).members.items())
        return check_structure

    def _list(self, shape: Shape) -> Check:
        size_failures = _size_failures(shape)
        element: list[Check] = []

        def check_list(value: Any, path: str, errors: Errors) -> Any:
            if not isinstance(value, list):
                _type_error(value, path, "list", errors)
                return value
            errors.extend(violation(value, path, message) for message in size_failures(len(value)))
            sub = element[0]
            out = []
            for i, item in enumerate(value, 1):
                out.append(sub(item, f"{path}.{i}.member", errors))
                if errors.more:
                    break  # the answer is a ValidationException naming the first ones: stop walking
            return out

        self.memo[shape.name] = check_list
        element.append(self.compile(cast(ListShape, shape).member))
        return check_list

    def _map(self, shape: Shape) -> Check:
        """Map keys and scalar values report their constraints once per map, as AWS does."""
        size_failures = _size_failures(shape)
        key_rule = ScalarRule(cast(MapShape, shape).key)
        value_shape = cast(MapShape, shape).value
        value_type = value_shape.type_name
        value_rule = ScalarRule(value_shape) if value_type in ("string", "integer", "long") else None
        value_check = self.compile(value_shape)

        def check_map(value: Any, path: str, errors: Errors) -> Any:
            if not isinstance(value, dict):
                _type_error(value, path, "map", errors)
                return value
            errors.extend(violation(value, path, message) for message in size_failures(len(value)))
            bad_keys: dict[str, None] = {}
            bad_values: dict[str, None] = {}
            out = {}
            for key, item in value.items():
                bad_keys.update(dict.fromkeys(key_rule.failures(key)))
                item_path = f"{path}.{key}.member"
                if value_rule is not None:
                    if item is None or not is_type(item, value_type):
                        _type_error(item, item_path, value_type, errors)
                        continue
                    bad_values.update(dict.fromkeys(value_rule.failures(item)))
                    out[key] = item
                elif item is None:
                    errors.append(violation(None, item_path, "Member must not be null"))
                else:
                    out[key] = value_check(item, item_path, errors)
                if errors.more:
                    break
            if bad_keys:
                errors.append(violation(value, path, f"Map keys must satisfy constraint: [{', '.join(bad_keys)}]"))
            if bad_values:
                errors.append(violation(value, path, f"Map value must satisfy constraint: [{', '.join(bad_values)}]"))
            return out

        self.memo[shape.name] = check_map
        return check_map

    def _timestamp(self, shape: Shape) -> Check:
        def check_timestamp(value: Any, path: str, errors: Errors) -> Any:
            seconds = parse_timestamp(value)
            if seconds is None:
                _type_error(value, path, "timestamp", errors)
                return value
            # a time within the range rounds to one within it (both ends are whole milliseconds): only a
            # time outside it can round into it
            if not EARLIEST_TIMESTAMP <= seconds <= LATEST_TIMESTAMP and not (
                EARLIEST_TIMESTAMP <= round(seconds, 3) <= LATEST_TIMESTAMP
            ):
                errors.append(violation(value, path, _TIMESTAMP_RANGE))
            return seconds

        self.memo[shape.name] = check_timestamp
        return check_timestamp

    def _scalar(self, shape: Shape) -> Check:
        type_name = shape.type_name
        rule = ScalarRule(shape) if type_name in ("string", "integer", "long") else None
        passes = rule.passes if rule is not None else None
        python_type = str if type_name == "string" else None  # the common case, tested inline

        def check_scalar(value: Any, path: str, errors: Errors) -> Any:
            if type(value) is not python_type and not is_type(value, type_name):
                _type_error(value, path, type_name, errors)
                return value
            if passes is not None and not passes(value):
                errors.extend(violation(value, path, message) for message in rule.failures(value))  # type: ignore[union-attr]
            return value

        self.memo[shape.name] = check_scalar
        return check_scalar


_INTEGER_TEXT = re.compile(r"-?[0-9]{1,20}")


def convert_text(value: str, shape: Shape) -> Any:
    """A query-string or path value as the shape's JSON type (left as text when it is not one)."""
    type_name = shape.type_name
    if type_name in ("integer", "long"):
        return int(value) if _INTEGER_TEXT.fullmatch(value) else value  # more digits: no long, left as text
    if type_name == "boolean":
        return {"true": True, "false": False}.get(value, value)
    return value
