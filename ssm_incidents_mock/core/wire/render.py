"""Output renderers compiled from the model: one small function per shape type.

``OutputCompiler.compile(shape)`` returns ``render(value) -> JSON-ready value``, or None where the
value is already JSON-ready. A structure is rendered from a plain dict (the model's camelCase
keys) or from a domain object (the members' ``xform_name`` attributes); timestamps become epoch
seconds with milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from botocore import xform_name
from botocore.model import ListShape, MapShape, Shape, StructureShape

Render = Callable[[Any], Any]


def epoch_millis(value: Any) -> Any:
    if type(value) is not float:  # the backend keeps floats; datetimes come from callers of the public API
        value = value.timestamp() if isinstance(value, datetime) else value
    elif value.is_integer():  # whole seconds (shift boundaries, most given times) are already rounded
        return value
    return round(value, 3)


class OutputCompiler:
    """Compiles output shapes into renderers, once per shape name (recursive shapes included)."""

    def __init__(self) -> None:
        self.memo: dict[str, Render | None] = {}

    def compile(self, shape: Shape) -> Render | None:
        if shape.name in self.memo:
            return self.memo[shape.name]
        builder = getattr(self, "_" + shape.type_name, None)
        render = builder(shape) if builder is not None else None
        self.memo[shape.name] = render
        return render

    def _structure(self, shape: Shape) -> Render:
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

        self.memo[shape.name] = render_structure  # before the members: a shape may contain itself
        members.extend(
            (name, xform_name(name), self.compile(sub)) for name, sub in cast(StructureShape, shape).members.items()
        )
        return render_structure

    def _list(self, shape: Shape) -> Render:
        self.memo[shape.name] = None  # placeholder against recursion
        element = self.compile(cast(ListShape, shape).member)
        if element is None:
            return list
        return lambda value: [element(item) for item in value] if value else []

    def _map(self, shape: Shape) -> Render:
        value_render = self.compile(cast(MapShape, shape).value)
        if value_render is None:
            return dict
        return lambda value: {key: value_render(item) for key, item in value.items()}

    def _timestamp(self, shape: Shape) -> Render:
        return epoch_millis
