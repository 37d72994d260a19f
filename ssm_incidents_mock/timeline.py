"""Timeline events and related items of an incident record."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from .context import RequestContext
from .exceptions import ConflictException, ResourceNotFoundException, ValidationException, not_found
from .filters import FilterKeys, matches_all, parse_filters
from .ids import random_hex, random_uuid
from .pagination import paginate
from .state import BackendState

if TYPE_CHECKING:
    from .incidents import IncidentRecord

RECORD_UPDATE = "SSM Incident Record Update"
# The only event types callers may create, or change an event to (model docs).
CALLER_EVENT_TYPES = ("Custom Event", "Note")
# Events IM writes itself carry an ``SSM ...`` type; callers may not change or delete them.
AUTOMATIC_PREFIX = "SSM "


class TimelineEvent:
    __slots__ = (
        "event_data",
        "event_id",
        "event_references",
        "event_time",
        "event_type",
        "event_updated_time",
        "incident_record_arn",
        "seq",
    )

    def __init__(
        self,
        incident_record_arn: str,
        event_time: float,
        event_type: str,
        event_data: str,
        event_references: list[dict[str, str]] | None,
        seq: int,
    ) -> None:
        self.incident_record_arn = incident_record_arn
        self.event_id = random_uuid()
        self.event_time = event_time
        self.event_updated_time = time.time()
        self.event_type = event_type
        self.event_data = event_data
        self.event_references = event_references
        self.seq = seq

    def referenced(self) -> list[str]:
        """The ARNs and related-item ids this event references (for the eventReference filter)."""
        return [next(iter(ref.values())) for ref in self.event_references or ()]


class RelatedItem:
    __slots__ = ("generated_id", "identifier", "seq", "title")

    def __init__(self, identifier: dict[str, Any], title: str | None, seq: int) -> None:
        self.identifier = identifier
        self.title = title
        self.generated_id = f"related-item/{identifier['type']}/{random_hex(32).upper()}"
        self.seq = seq

    def as_update(self) -> dict[str, Any]:
        item: dict[str, Any] = {"identifier": self.identifier}
        if self.title is not None:
            item["title"] = self.title
        return item


TIMELINE_FILTER_KEYS: FilterKeys = {
    "eventTime": ("time", lambda e: e.event_time),
    "eventType": ("string", lambda e: e.event_type),
    "eventReference": ("string", lambda e: e.referenced()),
}


def record_update_data(caller: str, title: str, changes: list[tuple[str, str]]) -> str:
    """The eventData of an ``SSM Incident Record Update`` event (JSON text)."""
    return json.dumps(
        {
            "modifiedBy": caller,
            "modifiedAttributes": [{"attributeName": name, "newValue": value} for name, value in changes],
            "incidentTitle": title,
        },
        separators=(",", ":"),
    )


class TimelineMixin(BackendState):
    """Writing events and related items; ListTimelineEvents."""

    def add_event(
        self,
        incident: IncidentRecord,
        event_type: str,
        event_data: str,
        event_time: float | None = None,
        references: list[dict[str, str]] | None = None,
    ) -> TimelineEvent:
        event = TimelineEvent(
            incident.arn,
            time.time() if event_time is None else event_time,
            event_type,
            event_data,
            references,
            self.next_seq(),
        )
        incident.timeline[event.event_id] = event
        return event

    def add_related_item(self, incident: IncidentRecord, item: dict[str, Any]) -> RelatedItem:
        related = RelatedItem(item["identifier"], item.get("title"), self.next_seq())
        incident.related_items.append(related)
        return related

    def record_update(
        self,
        ctx: RequestContext,
        incident: IncidentRecord,
        changes: list[tuple[str, str]],
        references: list[dict[str, str]] | None = None,
    ) -> TimelineEvent:
        """Bump lastModified* and write the one record-update event of a change."""
        event = self.add_event(
            incident,
            RECORD_UPDATE,
            record_update_data(ctx.caller_arn, incident.title, changes),
            references=references or [{"resource": incident.arn}],
        )
        incident.last_modified_by = ctx.caller_arn
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
            incident.timeline.values() if incident is not None else (),
            key=lambda e: (e.event_time, e.seq),
            reverse=descending,
        )

        def after(position: list[float] | None) -> Any:
            for event in events:
                if position is not None:
                    key = [event.event_time, event.seq]
                    if (key >= position) if descending else (key <= position):
                        continue
                if matches_all(parsed, event):
                    yield event

        scope = [incident_record_arn, filters, sort_by, sort_order]
        return paginate(
            "ListTimelineEvents", scope, after, lambda e: [e.event_time, e.seq], max_results or 100, next_token
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
            event.event_data = event_data
        if event_references is not None:  # replaces the whole list; [] clears it
            event.event_references = _copy_refs(event_references)
        event.event_updated_time = time.time()

    def delete_timeline_event(self, ctx: RequestContext, incident_record_arn: str, event_id: str) -> None:
        incident = self.incidents.get(incident_record_arn) if self.visible(ctx) else None
        event = incident.timeline.get(event_id) if incident is not None else None
        if incident is None or event is None:
            return  # the operation models no ResourceNotFoundException
        _check_editable(event, "delete")
        del incident.timeline[event_id]

    def _event(self, ctx: RequestContext, incident_record_arn: str, event_id: str) -> TimelineEvent:
        incident = self.incident(ctx, incident_record_arn)
        event = incident.timeline.get(event_id)
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
            item = self.add_related_item(incident, wanted)
            update: dict[str, Any] = {"itemToAdd": item.as_update()}
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
            update = {"itemToRemove": item.identifier}
        self.record_update(
            ctx,
            incident,
            [("relatedItems", json.dumps(update, separators=(",", ":")))],
            references=[{"relatedItemId": item.generated_id}, {"resource": incident.arn}],
        )

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


def _find_item(incident: IncidentRecord, identifier: dict[str, Any]) -> RelatedItem | None:
    """The related item with this exact identifier (type and value), if any."""
    for item in incident.related_items:
        if item.identifier == identifier:
            return item
    return None


def _describe(identifier: dict[str, Any]) -> str:
    value = json.dumps(identifier.get("value"), separators=(",", ":"), sort_keys=True)
    return f"of type {identifier.get('type')} with value {value}"
