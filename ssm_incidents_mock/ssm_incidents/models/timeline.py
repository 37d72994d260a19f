"""An incident's timeline and related items: the operations on them, and the events the backend writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core import clock
from ...core.context import RequestContext
from ...core.ids import derived_number
from ...core.wire.codec import canonical, compact, decode
from .. import effects
from ..arns import incident_id
from ..exceptions import ConflictException, ResourceNotFoundException, ValidationException, not_found
from ..filters import parse_filters
from ..records.incidents import IncidentRecord
from ..records.timeline import RECORD_UPDATE, TIMELINE_FILTER_KEYS, RecordUpdate, RelatedItem, TimelineEvent
from .state import BackendState

# The only event types callers may create, or change an event to (model docs).
CALLER_EVENT_TYPES = ("Custom Event", "Note")
# Events IM writes itself carry an ``SSM ...`` type; callers may not change or delete them.
AUTOMATIC_PREFIX = "SSM "


class TimelineOperations(BackendState):
    """CreateTimelineEvent, GetTimelineEvent, UpdateTimelineEvent, DeleteTimelineEvent, ListTimelineEvents,
    UpdateRelatedItems, ListRelatedItems; and the events and items the other operations add."""

    def _add_event(
        self,
        incident: IncidentRecord,
        event_type: str,
        event_data: str | RecordUpdate,
        event_time: float | None = None,
        references: list[dict[str, str]] | None = None,
        updated_time: float | None = None,
    ) -> TimelineEvent:
        now = clock.now() if updated_time is None else updated_time
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

    def _add_page_events(self, record: IncidentRecord) -> None:
        """Bring the contacts' page and acknowledgement events onto the timeline, as of now (read lazily:
        later escalation stages page when their time has come)."""
        pages = record.engagement_pages
        hook = effects.contacts
        if not pages or hook is None:
            return
        for event in hook.page_events(list(pages)):
            seen = pages.setdefault(decode(event["eventData"])["engagementArn"], set())
            if event["key"] not in seen:
                seen.add(event["key"])
                self._add_event(record, event["eventType"], event["eventData"], event["eventTime"])

    def _record_update(
        self,
        ctx: RequestContext,
        incident: IncidentRecord,
        changes: tuple[tuple[str, str], ...] = (),
        item: RelatedItem | None = None,
        item_added: bool = True,
    ) -> TimelineEvent:
        """Bump lastModified* and write the one record-update event of a change."""
        caller = ctx.caller_arn
        event = self._add_event(
            incident, RECORD_UPDATE, RecordUpdate(caller, incident.title, changes, item, item_added)
        )
        incident.last_modified_by = caller
        incident.last_modified_time = event.event_time
        return event

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
        return self._add_event(incident, event_type, event_data, event_time, _copy_refs(event_references))

    def get_timeline_event(self, ctx: RequestContext, incident_record_arn: str, event_id: str) -> TimelineEvent:
        incident = self.incident(ctx, incident_record_arn)
        self._add_page_events(incident)
        event = _find_event(incident, event_id)
        if event is None:
            raise not_found(
                "TIMELINE_EVENT", event_id, f"timeline event in incident record {incident_record_arn} with ID"
            )
        return event

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
        event = self.get_timeline_event(ctx, incident_record_arn, event_id)
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
        event.event_updated_time = clock.now()

    def delete_timeline_event(self, ctx: RequestContext, incident_record_arn: str, event_id: str) -> None:
        self.require_onboarded(ctx, modeled_not_found=False)
        incident = self.incidents.get(incident_record_arn)
        event = _find_event(incident, event_id) if incident is not None else None
        if incident is None or event is None:
            return  # the operation models no ResourceNotFoundException
        _check_editable(event, "delete")
        incident.timeline[event.number - 1] = None

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
        self.require_onboarded(ctx, modeled_not_found=False)
        incident = self.incidents.get(incident_record_arn)
        if incident is not None:
            self._add_page_events(incident)
        descending = sort_order != "ASCENDING"
        events = sorted(
            incident.events() if incident is not None else (),
            key=lambda e: (e.event_time, e.number),
            reverse=descending,
        )

        def after(position: list[float] | None) -> Iterator[TimelineEvent]:
            for event in events:
                if position is not None:
                    key = [event.event_time, event.number]
                    if (key >= position) if descending else (key <= position):
                        continue
                if all(f.matches(event) for f in parsed):
                    yield event

        scope = [incident_record_arn, filters, sort_by, sort_order]
        return self._page(
            "ListTimelineEvents", scope, after, lambda e: [e.event_time, e.number], max_results or 100, next_token
        )

    # --- related items --------------------------------------------------------------------

    def _add_related_item(self, incident: IncidentRecord, item: dict[str, Any]) -> RelatedItem:
        related = RelatedItem.from_input(incident.arn, item, self.next_seq())
        incident.add_related_item(related)
        return related

    def update_related_items(
        self, ctx: RequestContext, incident_record_arn: str, related_items_update: dict[str, Any]
    ) -> None:
        incident = self.incident(ctx, incident_record_arn)
        if "itemToAdd" in related_items_update:
            wanted = related_items_update["itemToAdd"]
            if incident.related_item(wanted["identifier"]) is not None:
                raise ConflictException(
                    f"The related item {_describe(wanted['identifier'])} already exists in incident record "
                    f"{incident.arn}.",
                    identifier=incident.arn,
                )
            item = self._add_related_item(incident, wanted)
        else:
            identifier = related_items_update["itemToRemove"]
            found = incident.related_item(identifier)
            if found is None:
                raise ResourceNotFoundException(  # no resource type names a related item
                    f"The related item {_describe(identifier)} does not exist in incident record {incident.arn}.",
                    None,
                    incident.arn,
                )
            item = found
            incident.remove_related_item(item)
        added = "itemToAdd" in related_items_update
        self._record_update(ctx, incident, item=item, item_added=added)
        if incident.notification_targets or incident.chat_channel:
            update = {"itemToAdd": item.as_update()} if added else {"itemToRemove": item.identifier}
            changes = (("relatedItems", compact(update)),)
            self.notifications.extend(effects.notify(self.account_id, ctx, incident, RECORD_UPDATE, changes))

    def list_related_items(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[RelatedItem], str | None]:
        self.require_onboarded(ctx, modeled_not_found=False)
        incident = self.incidents.get(incident_record_arn)
        items = list(incident.related_items) if incident is not None else []

        def after(position: int | None) -> Iterator[RelatedItem]:
            for item in reversed(items):  # newest first
                if position is None or item.seq < position:
                    yield item

        return self._page(
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


def _describe(identifier: dict[str, Any]) -> str:
    return f"of type {identifier.get('type')} with value {canonical(identifier.get('value'))}"
