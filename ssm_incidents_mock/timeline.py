"""Timeline events and related items of an incident record."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from .context import RequestContext
from .exceptions import ConflictException, ResourceNotFoundException, ValidationException, not_found
from .filters import FilterKeys, matches_all, parse_filters
from .ids import derived_number, derived_uuid, derived_value
from .pagination import paginate
from .state import BackendState

if TYPE_CHECKING:
    from .incidents import IncidentRecord

RECORD_UPDATE = "SSM Incident Record Update"
# The only event types callers may create, or change an event to (model docs).
CALLER_EVENT_TYPES = ("Custom Event", "Note")
# Events IM writes itself carry an ``SSM ...`` type; callers may not change or delete them.
AUTOMATIC_PREFIX = "SSM "
# Related items' ids are derived from numbers above every event number (see ids.py).
RELATED_ITEM_NUMBERS = 1 << 64


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

    @property
    def identifier(self) -> dict[str, Any]:
        return {"type": self.item_type, "value": {self.value_key: self.value}}

    @property
    def generated_id(self) -> str:
        number = RELATED_ITEM_NUMBERS + self.seq
        return f"related-item/{self.item_type}/{derived_value(incident_id(self.incident_record_arn), number):032X}"

    def as_update(self) -> dict[str, Any]:
        item: dict[str, Any] = {"identifier": self.identifier}
        if self.title is not None:
            item["title"] = self.title
        return item


def item_parts(item: dict[str, Any]) -> tuple[str, str, Any, str | None]:
    """A ``RelatedItem`` input as type, value member, value and title."""
    identifier = item["identifier"]
    ((value_key, value),) = identifier["value"].items()
    return identifier["type"], value_key, value, item.get("title")


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
        attributes = [{"attributeName": name, "newValue": value} for name, value in self.changes]
        item = self.item
        if item is not None:
            update = {"itemToAdd": item.as_update()} if self.item_added else {"itemToRemove": item.identifier}
            attributes.append({"attributeName": "relatedItems", "newValue": compact_json(update)})
        return compact_json(
            {"modifiedBy": self.modified_by, "modifiedAttributes": attributes, "incidentTitle": self.title}
        )

    def references(self, incident_record_arn: str) -> list[dict[str, str]]:
        if self.item is None:
            return [{"resource": incident_record_arn}]
        return [{"relatedItemId": self.item.generated_id}, {"resource": incident_record_arn}]


TIMELINE_FILTER_KEYS: FilterKeys = {
    "eventTime": ("time", lambda e: e.event_time),
    "eventType": ("string", lambda e: e.event_type),
    "eventReference": ("string", lambda e: e.referenced()),
}


def incident_id(incident_record_arn: str) -> str:
    """The id at the end of an incident record ARN (``.../incident-record/<plan>/<id>``)."""
    return incident_record_arn[-36:]


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class TimelineMixin(BackendState):
    """Writing events and related items; ListTimelineEvents."""

    def add_event(
        self,
        incident: IncidentRecord,
        event_type: str,
        event_data: str | RecordUpdate,
        event_time: float | None = None,
        references: list[dict[str, str]] | None = None,
        updated_time: float | None = None,
    ) -> TimelineEvent:
        now = time.time() if updated_time is None else updated_time
        timeline = incident.timeline
        event = TimelineEvent(
            incident.arn,
            len(timeline) + 1,  # deleted events leave a hole, so a number is never reused
            now if event_time is None else event_time,
            now,
            event_type,
            event_data,
            references,
        )
        timeline.append(event)
        return event

    def add_related_item(
        self, incident: IncidentRecord, item_type: str, value_key: str, value: Any, title: str | None
    ) -> RelatedItem:
        related = RelatedItem(incident.arn, item_type, value_key, value, title, self.next_seq())
        incident.related_items.append(related)
        return related

    def record_update(
        self,
        ctx: RequestContext,
        incident: IncidentRecord,
        changes: tuple[tuple[str, str], ...] = (),
        item: RelatedItem | None = None,
        item_added: bool = True,
    ) -> TimelineEvent:
        """Bump lastModified* and write the one record-update event of a change."""
        caller = ctx.caller_arn
        update = RecordUpdate(caller, incident.title, changes, item, item_added)
        event = self.add_event(incident, RECORD_UPDATE, update)
        incident.last_modified_by = caller
        incident.last_modified_time = event.event_time
        return event

    def list_timeline_events(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        filters: list[dict[str, Any]] | None = None,
        sort_by: str | None = None,
        sort_order: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[TimelineEvent], str | None]:
        parsed = parse_filters(filters, TIMELINE_FILTER_KEYS)
        incident = self.incidents.get(incident_record_arn) if self.visible(ctx) else None
        descending = sort_order != "ASCENDING"
        events = sorted(
            incident.events() if incident is not None else (),
            key=lambda e: (e.event_time, e.number),
            reverse=descending,
        )

        def after(position: list[float] | None) -> Any:
            for event in events:
                if position is not None:
                    key = [event.event_time, event.number]
                    if (key >= position) if descending else (key <= position):
                        continue
                if matches_all(parsed, event):
                    yield event

        scope = [incident_record_arn, filters, sort_by, sort_order]
        return paginate(
            "ListTimelineEvents", scope, after, lambda e: [e.event_time, e.number], max_results or 100, next_token
        )

    # --- timeline events ------------------------------------------------------------------

    def create_timeline_event(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        event_time: float,
        event_type: str,
        event_data: str,
        event_references: list[dict[str, str]] | None = None,
    ) -> TimelineEvent:
        incident = self.incident(ctx, incident_record_arn)
        _check_caller_type(event_type, "create")
        # A caller's event is not a change of the record: no record-update event, no lastModified bump.
        return self.add_event(incident, event_type, event_data, event_time, _copy_refs(event_references))

    def get_timeline_event(self, ctx: RequestContext, incident_record_arn: str, event_id: str) -> TimelineEvent:
        return self._event(ctx, incident_record_arn, event_id)

    def update_timeline_event(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        event_id: str,
        event_time: float | None = None,
        event_type: str | None = None,
        event_data: str | None = None,
        event_references: list[dict[str, str]] | None = None,
    ) -> None:
        event = self._event(ctx, incident_record_arn, event_id)
        _check_editable(event, "update")
        if event_type is not None:
            _check_caller_type(event_type, "update")
            event.event_type = event_type
        if event_time is not None:
            event.event_time = event_time
        if event_data is not None:
            event.data = event_data
        if event_references is not None:  # replaces the whole list; [] clears it
            event.references = _copy_refs(event_references)
        event.event_updated_time = time.time()

    def delete_timeline_event(self, ctx: RequestContext, incident_record_arn: str, event_id: str) -> None:
        incident = self.incidents.get(incident_record_arn) if self.visible(ctx) else None
        event = _find_event(incident, event_id) if incident is not None else None
        if incident is None or event is None:
            return  # the operation models no ResourceNotFoundException
        _check_editable(event, "delete")
        incident.timeline[event.number - 1] = None

    def _event(self, ctx: RequestContext, incident_record_arn: str, event_id: str) -> TimelineEvent:
        incident = self.incident(ctx, incident_record_arn)
        event = _find_event(incident, event_id)
        if event is None:
            raise not_found(
                "TIMELINE_EVENT", event_id, f"timeline event in incident record {incident_record_arn} with ID"
            )
        return event

    # --- related items --------------------------------------------------------------------

    def update_related_items(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        related_items_update: dict[str, Any],
    ) -> None:
        incident = self.incident(ctx, incident_record_arn)
        if "itemToAdd" in related_items_update:
            wanted = related_items_update["itemToAdd"]
            if _find_item(incident, wanted["identifier"]) is not None:
                raise ConflictException(
                    f"The related item {_describe(wanted['identifier'])} already exists in incident record "
                    f"{incident.arn}.",
                    identifier=incident.arn,
                )
            item = self.add_related_item(incident, *item_parts(wanted))
        else:
            identifier = related_items_update["itemToRemove"]
            found = _find_item(incident, identifier)
            if found is None:
                error = ResourceNotFoundException(
                    f"The related item {_describe(identifier)} does not exist in incident record {incident.arn}.",
                    "INCIDENT_RECORD",
                    incident.arn,
                )
                error.members.pop("resourceType")  # no resource type names a related item
                raise error
            item = found
            incident.related_items.remove(item)
        self.record_update(ctx, incident, item=item, item_added="itemToAdd" in related_items_update)

    def list_related_items(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[RelatedItem], str | None]:
        incident = self.incidents.get(incident_record_arn) if self.visible(ctx) else None
        items = list(incident.related_items) if incident is not None else []

        def after(position: int | None) -> Any:
            for item in reversed(items):  # newest first
                if position is None or item.seq < position:
                    yield item

        return paginate(
            "ListRelatedItems", [incident_record_arn], after, lambda i: i.seq, max_results or 100, next_token
        )


def _check_caller_type(event_type: str, verb: str) -> None:
    if event_type not in CALLER_EVENT_TYPES:
        raise ValidationException(
            f"Cannot {verb} a timeline event of type '{event_type}'. "
            f"Allowed event types: {', '.join(CALLER_EVENT_TYPES)}."
        )


def _check_editable(event: TimelineEvent, verb: str) -> None:
    if event.event_type.startswith(AUTOMATIC_PREFIX):
        raise ValidationException(
            f"Cannot {verb} timeline event {event.event_id}: events of type '{event.event_type}' "
            "are written by Incident Manager."
        )


def _copy_refs(references: list[dict[str, str]] | None) -> list[dict[str, str]] | None:
    return None if references is None else [dict(ref) for ref in references]


def _find_event(incident: IncidentRecord, event_id: str) -> TimelineEvent | None:
    number = derived_number(incident_id(incident.arn), event_id)
    timeline = incident.timeline
    return timeline[number - 1] if number is not None and 0 < number <= len(timeline) else None


def _find_item(incident: IncidentRecord, identifier: dict[str, Any]) -> RelatedItem | None:
    """The related item with this exact identifier (type and value), if any."""
    for item in incident.related_items:
        if item.identifier == identifier:
            return item
    return None


def _describe(identifier: dict[str, Any]) -> str:
    value = json.dumps(identifier.get("value"), separators=(",", ":"), sort_keys=True)
    return f"of type {identifier.get('type')} with value {value}"
