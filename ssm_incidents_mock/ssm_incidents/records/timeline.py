"""An incident's timeline events, its related items and the record-update events that tell of changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core.ids import derived_uuid, derived_value
from ...core.wire.codec import canonical, compact
from .. import SPEC
from ..arns import incident_id
from ..filters import FilterKeys

RECORD_UPDATE = "SSM Incident Record Update"
# Related items' ids are derived from numbers above every event number (see ids.py).
RELATED_ITEM_NUMBERS = 1 << 64
MAX_EVENT_DATA: int = SPEC.model.shape_for("EventData").metadata["max"]


def fitted(render: Callable[[list[str]], str], texts: list[str]) -> str:
    """``render(texts)`` within the model's maximum ``eventData`` length: the longest texts are cut until it fits.

    Cutting n characters shortens the JSON text by at least n, so each text is cut at most once.
    """
    data = render(texts)
    while len(data) > MAX_EVENT_DATA and any(texts):
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        texts[longest] = texts[longest][: max(0, len(texts[longest]) - (len(data) - MAX_EVENT_DATA))]
        data = render(texts)
    return data


class TimelineEvent:
    """One event. Its id is derived from the incident's id and ``number`` (its place in the timeline).

    ``data`` is the eventData text, or for an ``SSM Incident Record Update`` event the
    :class:`RecordUpdate` it is rendered from (those events are never edited, so rendering late
    gives what rendering early would have).
    """

    __slots__ = (
        "data",
        "event_time",
        "event_type",
        "event_updated_time",
        "incident_record_arn",
        "number",
        "references",
    )

    def __init__(
        self,
        incident_record_arn: str,
        number: int,
        event_time: float,
        event_updated_time: float,
        event_type: str,
        data: str | RecordUpdate,
        references: list[dict[str, str]] | None,
    ) -> None:
        self.incident_record_arn = incident_record_arn
        self.number = number
        self.event_time = event_time
        self.event_updated_time = event_updated_time
        self.event_type = event_type
        self.data = data
        self.references = references

    @property
    def event_id(self) -> str:
        return derived_uuid(incident_id(self.incident_record_arn), self.number)

    @property
    def event_data(self) -> str:
        data = self.data
        return data if isinstance(data, str) else data.text()

    @property
    def event_references(self) -> list[dict[str, str]] | None:
        data = self.data
        return self.references if isinstance(data, str) else data.references(self.incident_record_arn)

    def referenced(self) -> list[str]:
        """The ARNs and related-item ids this event references (for the eventReference filter)."""
        return [next(iter(ref.values())) for ref in self.event_references or ()]


TIMELINE_FILTER_KEYS: FilterKeys = {
    "eventTime": ("time", lambda e: e.event_time),
    "eventType": ("string", lambda e: e.event_type),
    "eventReference": ("string", lambda e: e.referenced()),
}


class RelatedItem:
    """A related item; its identifier is kept as type, value member and value (a union has one)."""

    __slots__ = ("incident_record_arn", "item_type", "seq", "title", "value", "value_key")

    def __init__(
        self, incident_record_arn: str, item_type: str, value_key: str, value: Any, title: str | None, seq: int
    ) -> None:
        self.incident_record_arn = incident_record_arn
        self.item_type = item_type
        self.value_key = value_key
        self.value = value
        self.title = title
        self.seq = seq

    @classmethod
    def from_input(cls, incident_record_arn: str, item: dict[str, Any], seq: int) -> RelatedItem:
        """A related item from the model's ``RelatedItem`` input."""
        identifier = item["identifier"]
        ((value_key, value),) = identifier["value"].items()
        return cls(incident_record_arn, identifier["type"], value_key, value, item.get("title"), seq)

    @property
    def identifier(self) -> dict[str, Any]:
        return {"type": self.item_type, "value": {self.value_key: self.value}}

    @property
    def key(self) -> tuple[str, str, str]:
        return item_key(self.item_type, self.value_key, self.value)

    @property
    def generated_id(self) -> str:
        number = RELATED_ITEM_NUMBERS + self.seq
        return f"related-item/{self.item_type}/{derived_value(incident_id(self.incident_record_arn), number):032X}"

    def as_update(self) -> dict[str, Any]:
        item: dict[str, Any] = {"identifier": self.identifier}
        if self.title is not None:
            item["title"] = self.title
        return item


def item_key(item_type: str, value_key: str, value: Any) -> tuple[str, str, str]:
    return item_type, value_key, value if isinstance(value, str) else canonical(value)


class RecordUpdate:
    """What an ``SSM Incident Record Update`` event says: changed attributes, or a related item."""

    __slots__ = ("changes", "item", "item_added", "modified_by", "title")

    def __init__(
        self,
        modified_by: str,
        title: str,
        changes: tuple[tuple[str, str], ...] = (),
        item: RelatedItem | None = None,
        item_added: bool = True,
    ) -> None:
        self.modified_by = modified_by
        self.title = title
        self.changes = changes
        self.item = item
        self.item_added = item_added

    def text(self) -> str:
        names = [name for name, _ in self.changes]
        values = [value for _, value in self.changes]
        item = self.item
        if item is not None:
            update = {"itemToAdd": item.as_update()} if self.item_added else {"itemToRemove": item.identifier}
            names.append("relatedItems")
            values.append(compact(update))

        def render(new_values: list[str]) -> str:
            attributes = [{"attributeName": n, "newValue": v} for n, v in zip(names, new_values, strict=True)]
            return compact(
                {"modifiedBy": self.modified_by, "modifiedAttributes": attributes, "incidentTitle": self.title}
            )

        return fitted(render, values)

    def references(self, incident_record_arn: str) -> list[dict[str, str]]:
        if self.item is None:
            return [{"resource": incident_record_arn}]
        return [{"relatedItemId": self.item.generated_id}, {"resource": incident_record_arn}]
