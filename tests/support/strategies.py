"""Hypothesis strategies generated from the botocore input shapes.

``request(op, world, channel)`` draws one operation input that is either valid or hostile
(values just outside every constraint, wrong JSON types, missing required members, unions with
zero or two members, unicode, empty and huge strings). It returns ``(params, broken)``: whether
the input violates the model, judged by an oracle written independently of ``shapes.py``.

``world`` holds identifiers of resources that exist (a plan, an incident, an event, ...) so that
valid requests reach the backend's semantic paths instead of stopping at not-found.

Channels: ``"boto3"`` draws only values botocore can serialize with parameter validation off;
``"raw"`` draws any JSON (nulls, containers in place of scalars, unknown members).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timezone
from typing import Any

from botocore.model import ServiceModel, Shape
from hypothesis import strategies as st

from ssm_incidents_mock.ssm_incidents import SPEC

World = dict[str, list[str]]

# Which identifier pool feeds a string shape, by shape name.
POOL_OF_SHAPE = {
    "Arn": "arn",
    "String": "arn",  # only the tagging operations' resourceArn uses the bare String shape
    "UUID": "event_id",
    "PolicyId": "policy_id",
    "GeneratedId": "related_item_id",
    "RegionName": "region",
    "TimelineEventType": "event_type",
    "Policy": "policy",
}
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]
WEIRD_TEXT = [
    "",
    " ",
    "\u0000",
    "\ud800",
    "\udfff",
    "é",
    "😀" * 3,
    "a\nb",
    "%",
    "%zz",
    "../..",
    "\\u0000",
    '"}',
    "null",
]
URI_SAFE_WEIRD_TEXT = [w for w in WEIRD_TEXT if not any(0xD800 <= ord(ch) <= 0xDFFF for ch in w)]
_CORRUPT = 7  # a node is corrupted when st.integers(0, _CORRUPT) draws _CORRUPT: shrinking goes to valid


def _bounds(shape: Shape) -> tuple[int | None, int | None]:
    meta = shape.metadata
    return meta.get("min"), meta.get("max")


# --------------------------------------------------------------------------- oracle


def leaf_ok(shape: Shape, value: Any) -> bool:
    """Whether a scalar value satisfies its shape (type, length, range, pattern, enum)."""
    kind = shape.type_name
    low, high = _bounds(shape)
    if kind == "string":
        if not isinstance(value, str):
            return False
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            return False
        pattern = shape.metadata.get("pattern")
        if pattern and not pattern_ok(pattern, value):
            return False
        enum = getattr(shape, "enum", None)
        return not enum or value in enum
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return not ((low is not None and value < low) or (high is not None and value > high))
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "timestamp":
        return isinstance(value, (int, float, datetime)) and not isinstance(value, bool)
    raise AssertionError(kind)


def pattern_ok(pattern: str, value: str) -> bool:
    """``re.fullmatch``, and for ssm-contacts' ``^[...]*$`` classes with ``\\p{L}`` (which ``re`` lacks): every
    character of one of the named Unicode categories or of the rest of the class."""
    if "\\p{" not in pattern:
        return re.fullmatch(pattern, value) is not None
    body = pattern[len("^[") : -len("]*$")]
    categories = set(re.findall(r"\\p\{(\w)\}", body))
    rest = re.sub(r"\\p\{\w\}", "", body)
    return all(unicodedata.category(ch)[0] in categories or (rest and re.fullmatch(f"[{rest}]", ch)) for ch in value)


# --------------------------------------------------------------------------- drawing


def _corrupt(draw: Any, hostile: bool) -> bool:
    return hostile and draw(st.integers(0, _CORRUPT)) == _CORRUPT


def _valid_string(draw: Any, shape: Shape, world: World, in_uri: bool) -> str:
    enum = getattr(shape, "enum", None)
    if enum:
        return str(draw(st.sampled_from(enum)))
    low, high = _bounds(shape)
    low = low or 0
    pool = world.get(shape.name) or world.get(POOL_OF_SHAPE.get(shape.name, ""), [])
    pick = draw(st.integers(0, 3)) if pool else 3
    if pick <= 1:
        return pool[0]  # the resource this operation is about (see harness.focus)
    if pick == 2:
        return str(draw(st.sampled_from(pool)))
    pattern = shape.metadata.get("pattern")
    if pattern and "\\p{" in pattern:
        letters = st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs"), whitelist_characters="_.-")
        size = min(high if high is not None else 40, 40)
        return str(
            draw(st.text(letters, min_size=max(low, 1), max_size=max(size, 1)).filter(lambda s: leaf_ok(shape, s)))
        )
    if pattern:
        cap = high if high is not None else 2000
        text = draw(st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= cap and "\x00" not in s))
        return str(text)
    cap = min(high if high is not None else 40, 40)
    alphabet = (
        st.characters(blacklist_categories=("Cs",))
        if not in_uri
        else st.characters(min_codepoint=32, max_codepoint=0x2FFF, blacklist_categories=("Cs",))
    )
    choice = draw(st.integers(0, 4))
    if choice == 4 and high is not None and high > 0:
        return "x" * high  # the longest allowed string
    size = st.integers(max(low, 1 if in_uri else 0), max(cap, low, 1 if in_uri else 0))
    return str(draw(st.text(alphabet=alphabet, min_size=draw(size), max_size=max(cap, low))))


def _hostile_string(draw: Any, shape: Shape, channel: str, in_uri: bool) -> Any:
    low, high = _bounds(shape)
    options: list[Any] = [st.sampled_from(WEIRD_TEXT if not in_uri else URI_SAFE_WEIRD_TEXT)]
    if high is not None:
        options.append(st.integers(high + 1, high + 40).map(lambda n: "y" * n))
        options.append(st.just("z" * (high * 4 + 1000)))
    if low:
        options.append(st.just(""))
    if shape.metadata.get("pattern") or getattr(shape, "enum", None):
        options.append(st.text(max_size=30))
        options.append(st.sampled_from(["arn:aws:x", "ARN:AWS", "open", "related-item/FOO/123", "not-a-pattern!"]))
    if not in_uri:
        options.append(st.sampled_from([0, -1, 3.5, True, False]))
        if channel == "raw":
            options.append(st.sampled_from([None, [], {}, ["a"], {"a": "b"}]))
    value = draw(st.one_of(*options))
    return value if not in_uri else str(value)


def _integer(draw: Any, shape: Shape, channel: str, hostile: bool) -> Any:
    low, high = _bounds(shape)
    lo = low if low is not None else -(2**31)
    hi = high if high is not None else 2**31 - 1
    if not _corrupt(draw, hostile):
        return draw(st.integers(lo, hi))
    options: list[Any] = [
        st.sampled_from([lo - 1, hi + 1, 2**63, -(2**63) - 1, 10**30]),
        st.sampled_from(["3", 2.5, 1.0, True]),
    ]
    if channel == "raw":
        options.append(st.sampled_from([None, [], {}, "", "NaN"]))
    return draw(st.one_of(*options))


def _timestamp(draw: Any, channel: str, hostile: bool) -> Any:
    if _corrupt(draw, hostile) and channel == "raw":
        return draw(st.sampled_from(["yesterday", "", True, [], {}, None, -1e300, 1e300, "2024-13-45T99:00:00Z"]))
    moment = draw(st.datetimes(datetime(2000, 1, 1), datetime(2090, 1, 1), timezones=st.just(timezone.utc)))
    if channel == "raw":
        return draw(st.sampled_from([moment.timestamp(), int(moment.timestamp()), moment.isoformat()]))
    return moment


def draw_value(
    draw: Any, shape: Shape, world: World, channel: str, hostile: bool, depth: int = 0, in_uri: bool = False
) -> tuple[Any, bool]:
    """One value for ``shape`` and whether it breaks the model."""
    kind = shape.type_name
    if kind == "structure":
        return _structure(draw, shape, world, channel, hostile, depth)
    if kind == "list":
        return _list(draw, shape, world, channel, hostile, depth, in_uri)
    if kind == "map":
        return _map(draw, shape, world, channel, hostile, depth)
    if kind == "string":
        if _corrupt(draw, hostile):
            value = _hostile_string(draw, shape, channel, in_uri)
        else:
            value = _valid_string(draw, shape, world, in_uri)
        return value, not leaf_ok(shape, value)
    if kind in ("integer", "long"):
        value = _integer(draw, shape, channel, hostile)
        return value, not leaf_ok(shape, value)
    if kind == "boolean":
        if _corrupt(draw, hostile):
            value = draw(st.sampled_from(["true", 1, 0] + ([None, [], {}] if channel == "raw" else [])))
        else:
            value = draw(st.booleans())
        return value, not isinstance(value, bool)
    if kind == "timestamp":
        value = _timestamp(draw, channel, hostile)
        ok = value is not None and (
            isinstance(value, datetime)
            or (isinstance(value, (int, float)) and not isinstance(value, bool))
            or _iso(value)
        )
        return value, not ok
    raise AssertionError(kind)


def _iso(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _wrong_container(draw: Any, channel: str) -> Any:
    return draw(st.sampled_from(["text", 5, True, None, [1], {"a": 1}] if channel == "raw" else []))


def _structure(draw: Any, shape: Shape, world: World, channel: str, hostile: bool, depth: int) -> tuple[Any, bool]:
    if channel == "raw" and depth > 0 and _corrupt(draw, hostile):
        value = _wrong_container(draw, channel)
        return value, not isinstance(value, dict) or value is None
    members = shape.members
    required = set(shape.required_members)
    broken = False
    out: dict[str, Any] = {}
    if shape.metadata.get("union"):
        names = list(members)
        chosen = [draw(st.sampled_from(names))] if names else []
        if _corrupt(draw, hostile):
            chosen = draw(st.sampled_from([[], names[:2] if len(names) > 1 else []]))
            broken = True
        for name in chosen:
            value, bad = draw_value(draw, members[name], world, channel, hostile, depth + 1)
            if value is None:
                continue
            broken |= bad
            out[name] = value
        if len(out) != 1:
            broken = True
        return out, broken
    for name, member in members.items():
        location = member.serialization.get("location")
        in_uri = location in ("uri", "querystring")
        if name in required:
            if _corrupt(draw, hostile) and not (location == "uri" and channel == "boto3"):  # botocore needs labels
                broken = True  # a required member left out
                continue
        elif not draw(st.booleans()):
            continue
        value, bad = draw_value(draw, member, world, channel, hostile, depth + 1, in_uri)
        if value is None:  # JSON null reads as "not set"
            broken |= name in required
            if channel == "raw" and location is None:
                out[name] = None
            continue
        if location == "uri" and value == "":
            broken = True  # an empty path label cannot reach the operation (see docs/reliability.md)
        broken |= bad
        out[name] = value
    if channel == "raw" and _corrupt(draw, hostile):
        out[draw(st.sampled_from(["unknownMember", "Title", "__proto__"]))] = draw(st.sampled_from([1, "x", None, {}]))
    return out, broken


def _list(
    draw: Any, shape: Shape, world: World, channel: str, hostile: bool, depth: int, in_uri: bool
) -> tuple[Any, bool]:
    low, high = _bounds(shape)
    low = low or 0
    if channel == "raw" and not in_uri and _corrupt(draw, hostile):
        value = _wrong_container(draw, channel)
        return value, True
    if _corrupt(draw, hostile):
        size = draw(
            st.sampled_from(
                [n for n in (low - 1, (high or 0) + 1) if n >= 0 and (n < low or (high is not None and n > high))]
                or [low]
            )
        )
    else:
        size = draw(st.integers(low, max(low, min(high if high is not None else 3, 3))))
    items: list[Any] = []
    broken = not ((size >= low) and (high is None or size <= high))
    distinct = min(size, 3)
    for _ in range(distinct):
        value, bad = draw_value(draw, shape.member, world, channel, hostile, depth + 1, in_uri)
        broken |= bad
        items.append(value)
    while items and len(items) < size:
        items.append(items[len(items) % distinct])
    if in_uri and channel == "boto3":
        items = [str(i) for i in items]
    return items, broken


def _map(draw: Any, shape: Shape, world: World, channel: str, hostile: bool, depth: int) -> tuple[Any, bool]:
    low, high = _bounds(shape)
    low = low or 0
    if channel == "raw" and _corrupt(draw, hostile):
        return _wrong_container(draw, channel), True
    if _corrupt(draw, hostile):
        size = draw(
            st.sampled_from(
                [n for n in (low - 1, (high or 0) + 1) if n >= 0 and (n < low or (high is not None and n > high))]
                or [low]
            )
        )
    else:
        size = draw(st.integers(low, max(low, min(high if high is not None else 3, 3))))
    out: dict[str, Any] = {}
    broken = False
    key_shape = shape.key
    for index in range(size):
        if index < 3:
            key, bad = draw_value(draw, key_shape, {"region": REGIONS}, channel, hostile, depth + 1)
            if not isinstance(key, str):
                key = str(key)
                bad = not leaf_ok(key_shape, key)
        else:
            key, bad = f"k{index}", False
        value, bad_value = draw_value(draw, shape.value, world, channel, hostile, depth + 1)
        if value is None:
            bad_value = True
        if key in out:
            continue
        broken |= bad or bad_value
        out[key] = value
    if not (len(out) >= low and (high is None or len(out) <= high)):
        broken = True
    return out, broken


def request(
    op_name: str, world: World, channel: str, model: ServiceModel | None = None
) -> st.SearchStrategy[tuple[dict[str, Any], bool]]:
    """Strategy for one input of ``op_name`` (of ``model``, ssm-incidents' by default) and whether it breaks the model."""
    shape = (model or SPEC.model).operation_model(op_name).input_shape

    @st.composite
    def build(draw: Any) -> tuple[dict[str, Any], bool]:
        hostile = draw(st.booleans())
        value, broken = draw_value(draw, shape, world, channel, hostile)
        return value, broken

    return build()
