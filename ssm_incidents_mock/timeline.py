"""Timeline events and related items of an incident record."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Any

from .context import RequestContext
from .filters import FilterKeys, matches_all, parse_filters
from .pagination import paginate

if TYPE_CHECKING:
    from .incidents import IncidentRecord
    from .models import SSMIncidentsBackend

RECORD_UPDATE = "SSM Incident Record Update"


class TimelineEvent:
    __slots__ = (
        "incident_record_arn",
        "event_id",
        "event_time",
        "event_updated_time",
        "event_type",
        "event_data",
        "event_references",
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
        self.event_id = str(uuid.uuid4())
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
    __slots__ = ("identifier", "title", "generated_id", "seq")

    def __init__(self, identifier: dict[str, Any], title: str | None, seq: int) -> None:
        self.identifier = identifier
        self.title = title
        self.generated_id = f"related-item/{identifier['type']}/{uuid.uuid4().hex.upper()}"
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


class TimelineMixin:
    """Writing events and related items; ListTimelineEvents."""

    def add_event(
        self: SSMIncidentsBackend,
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

    def add_related_item(self: SSMIncidentsBackend, incident: IncidentRecord, item: dict[str, Any]) -> RelatedItem:
        related = RelatedItem(item["identifier"], item.get("title"), self.next_seq())
        incident.related_items.append(related)
        return related

    def record_update(
        self: SSMIncidentsBackend,
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
        self: SSMIncidentsBackend,
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
