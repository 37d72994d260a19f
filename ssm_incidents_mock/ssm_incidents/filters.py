"""The ``Filter`` shape of the list operations, turned into predicates.

A filter is ``{key, condition}``; ``condition`` is one of ``before`` / ``after`` (timestamps)
or ``equals`` (``stringValues`` or ``integerValues``). Filters combine with AND, values within
one ``equals`` with OR. Each operation declares which keys it knows and which condition kind each
key takes; anything else is a ValidationException.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .exceptions import ValidationException

# key -> (condition kind, accessor). kind is "time", "string" or "integer".
FilterKeys = dict[str, tuple[str, Callable[[Any], Any]]]


class Filter:
    """One parsed filter: its key, kind and the values or bound it compares with."""

    __slots__ = ("accessor", "after", "before", "key", "kind", "values")

    def __init__(self, raw: dict[str, Any], known: FilterKeys) -> None:
        key = raw["key"]
        if key not in known:
            names = ", ".join(sorted(known))
            raise ValidationException(f"Unsupported filter key '{key}'. Supported keys: {names}.")
        kind, accessor = known[key]
        condition = raw["condition"]
        self.key = key
        self.kind = kind
        self.accessor = accessor
        self.before = condition.get("before")
        self.after = condition.get("after")
        equals = condition.get("equals")
        self.values: frozenset[Any] | None = None
        if kind == "time":
            if equals is not None:
                raise ValidationException(f"Filter key '{key}' takes a 'before' or 'after' condition.")
            return
        if equals is None:
            raise ValidationException(f"Filter key '{key}' takes an 'equals' condition.")
        wanted = "integerValues" if kind == "integer" else "stringValues"
        if wanted not in equals:
            raise ValidationException(f"Filter key '{key}' takes '{wanted}'.")
        self.values = frozenset(equals[wanted])

    def matches(self, item: Any) -> bool:
        value = self.accessor(item)
        if self.kind == "time":
            if self.before is not None:
                return bool(value < self.before)
            return bool(value > self.after)
        assert self.values is not None
        if isinstance(value, (list, tuple, set, frozenset)):
            return any(v in self.values for v in value)
        return value in self.values


def parse_filters(raw_filters: Sequence[dict[str, Any]] | None, known: FilterKeys) -> list[Filter]:
    return [Filter(raw, known) for raw in raw_filters or ()]


def matches_all(filters: Sequence[Filter], item: Any) -> bool:
    return all(f.matches(item) for f in filters)
