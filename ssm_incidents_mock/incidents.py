"""Incident records: StartIncident, Get/Update/List/DeleteIncidentRecord."""

from __future__ import annotations

import json
import math
import time
from bisect import bisect_left, insort
from collections.abc import Iterator
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from .context import RequestContext
from .exceptions import not_found
from .filters import Filter, FilterKeys, matches_all, parse_filters
from .ids import random_hex, random_uuid
from .pagination import paginate
from .state import BackendState
from .timeline import compact_json, incident_id, item_parts

if TYPE_CHECKING:
    from .timeline import RelatedItem, TimelineEvent

CUSTOM_SOURCE = "aws.ssm-incidents.custom"
START_MARKER_DATA = json.dumps("Incident Started")
GENERATED_DEDUPE_MASK = 0xA5C3_96E1
_SEQ = attrgetter("seq")


class IncidentRecord:
    """One incident. Members AWS derives or that are usually empty cost nothing until set."""

    __slots__ = (
        "arn",
        "automation_executions",
        "chat_channel",
        "created_by",
        "creation_time",
        "findings",
        "generated_dedupe",
        "impact",
        "last_modified_by",
        "last_modified_time",
        "notification_targets",
        "related_items",
        "resolved_time",
        "seq",
        "source",
        "status",
        "summary",
        "template_dedupe",
        "timeline",
        "title",
        "trigger_arn",
    )

    def __init__(self, arn: str, seq: int, creation_time: float, caller: str) -> None:
        self.arn = arn
        self.seq = seq
        self.title = ""
        self.summary: str | None = None
        self.impact = 5
        self.status = "OPEN"
        self.creation_time = creation_time
        self.resolved_time: float | None = None
        self.created_by = caller
        self.last_modified_by = caller
        self.last_modified_time = creation_time
        self.template_dedupe: str | None = None
        self.generated_dedupe: str | None = None  # made when first read
        self.source = CUSTOM_SOURCE
        self.trigger_arn: str | None = None
        self.automation_executions: tuple[dict[str, str], ...] = ()
        self.chat_channel: dict[str, Any] | None = None
        self.notification_targets: tuple[dict[str, str], ...] = ()
        self.timeline: list[TimelineEvent | None] = []  # by event number; a deleted event leaves None
        self.related_items: list[RelatedItem] = []
        self.findings: dict[str, Any] | None = None

    @property
    def dedupe_string(self) -> str:
        """The template's dedupe string, or one generated for this incident.

        The generated one is the incident id with its first 8 digits changed: id-shaped, unique,
        and related to the id as AWS's generated strings visibly are (they share digits).
        """
        if self.template_dedupe:
            return self.template_dedupe
        generated = self.generated_dedupe
        if generated is None:
            own_id = incident_id(self.arn)
            generated = self.generated_dedupe = f"{int(own_id[:8], 16) ^ GENERATED_DEDUPE_MASK:08x}{own_id[8:]}"
        return generated

    @property
    def incident_record_source(self) -> dict[str, str]:
        source = {"createdBy": self.created_by, "invokedBy": self.created_by, "source": self.source}
        if self.trigger_arn:
            source["resourceArn"] = self.trigger_arn
        return source

    def events(self) -> list[TimelineEvent]:
        return [event for event in self.timeline if event is not None]


INCIDENT_FILTER_KEYS: FilterKeys = {
    "creationTime": ("time", lambda r: r.creation_time),
    "impact": ("integer", lambda r: r.impact),
    "status": ("string", lambda r: r.status),
    "createdBy": ("string", lambda r: r.created_by),
}


class IncidentIndex:
    """Incident records by ARN, plus creation-ordered lists of them by status and impact.

    Sequence numbers grow with creation time, so each list is sorted by them: a page of a
    filtered listing walks the smallest matching list newest-first and stops when it is full.
    """

    def __init__(self) -> None:
        self.by_arn: dict[str, IncidentRecord] = {}
        self.records: list[IncidentRecord] = []
        self.by_status: dict[str, list[IncidentRecord]] = {}
        self.by_impact: dict[int, list[IncidentRecord]] = {}
        # a template's dedupe string -> the OPEN records carrying it, oldest first (almost always one)
        self.open_by_dedupe: dict[str, list[IncidentRecord]] = {}

    def __len__(self) -> int:
        return len(self.by_arn)

    def get(self, arn: str) -> IncidentRecord | None:
        return self.by_arn.get(arn)

    def add(self, record: IncidentRecord) -> None:
        self.by_arn[record.arn] = record
        self.records.append(record)
        self.by_status.setdefault(record.status, []).append(record)
        self.by_impact.setdefault(record.impact, []).append(record)
        if record.status == "OPEN":
            self._index_open(record)

    def open_with(self, dedupe: str) -> IncidentRecord | None:
        """The oldest OPEN record with this dedupe string: the one new incidents fold into."""
        records = self.open_by_dedupe.get(dedupe)
        return records[0] if records else None

    def remove(self, record: IncidentRecord) -> None:
        _discard(self.records, record)
        _discard(self.by_status[record.status], record)
        _discard(self.by_impact[record.impact], record)
        self._unindex_open(record)
        del self.by_arn[record.arn]

    def _index_open(self, record: IncidentRecord) -> None:
        if record.template_dedupe:  # a generated dedupe string is the record's own: nothing folds into it
            insort(self.open_by_dedupe.setdefault(record.template_dedupe, []), record, key=_SEQ)

    def _unindex_open(self, record: IncidentRecord) -> None:
        dedupe = record.template_dedupe
        records = self.open_by_dedupe.get(dedupe) if dedupe else None
        if dedupe and records:
            _discard(records, record)
            if not records:
                del self.open_by_dedupe[dedupe]

    def change(self, record: IncidentRecord, status: str | None, impact: int | None) -> None:
        """Apply a status and/or impact change to the record and its indexes."""
        if status is not None and status != record.status:
            _discard(self.by_status[record.status], record)
            insort(self.by_status.setdefault(status, []), record, key=_SEQ)
            record.status = status
            if status == "OPEN":
                self._index_open(record)
            else:
                self._unindex_open(record)
        if impact is not None and impact != record.impact:
            _discard(self.by_impact[record.impact], record)
            insort(self.by_impact.setdefault(impact, []), record, key=_SEQ)
            record.impact = impact

    def newest_first(self, filters: list[Filter], before_seq: int | None) -> Iterator[IncidentRecord]:
        """Records matching every filter, newest first, with sequence below ``before_seq``."""
        candidates = self.records
        for f in filters:
            if f.values is not None and f.key in ("status", "impact"):
                index: dict[Any, list[IncidentRecord]] = self.by_status if f.key == "status" else self.by_impact
                lists = [index.get(v, []) for v in f.values]
                merged = lists[0] if len(lists) == 1 else sorted((r for part in lists for r in part), key=_SEQ)
                if len(merged) < len(candidates):
                    candidates = merged
        end = len(candidates) if before_seq is None else bisect_left(candidates, before_seq, key=_SEQ)
        for i in range(end - 1, -1, -1):
            record = candidates[i]
            if matches_all(filters, record):
                yield record


def _discard(records: list[IncidentRecord], record: IncidentRecord) -> None:
    i = bisect_left(records, record.seq, key=_SEQ)
    if i < len(records) and records[i] is record:
        del records[i]


class IncidentsMixin(BackendState):
    """The incident-record operations."""

    incidents: IncidentIndex

    def incident(self, ctx: RequestContext, arn: str) -> IncidentRecord:
        record = self.incidents.get(arn)
        if record is None or not self.visible(ctx):
            raise not_found("INCIDENT_RECORD", arn, "incident record")
        return record

    def start_incident(
        self,
        ctx: RequestContext,
        response_plan_arn: str,
        title: str | None = None,
        impact: int | None = None,
        trigger_details: dict[str, Any] | None = None,
        related_items: list[dict[str, Any]] | None = None,
    ) -> str:
        self.require_onboarded(ctx)
        plan = self.plan(ctx, response_plan_arn)
        template = plan.incident_template
        dedupe = template.get("dedupeString")
        if dedupe:
            existing = self.incidents.open_with(dedupe)
            if existing is not None:
                if trigger_details:  # the trigger is folded into the open incident
                    self._add_trigger_event(existing, trigger_details, created=False)
                return existing.arn

        now = max(time.time(), self.last_creation_time + 1e-6)
        self.last_creation_time = now
        arn = f"{self.arn_prefix(ctx)}incident-record/{plan.name}/{random_uuid()}"
        record = IncidentRecord(arn, self.next_seq(), now, ctx.caller_arn)
        record.title = title if title is not None else template["title"]
        record.impact = impact if impact is not None else template["impact"]
        record.summary = template.get("summary")
        record.template_dedupe = dedupe or None
        targets = template.get("notificationTargets")
        if targets:
            record.notification_targets = tuple(targets)
        if plan.chatbot_sns:
            record.chat_channel = {"chatbotSns": list(plan.chatbot_sns)}
        if trigger_details:
            record.source = trigger_details["source"]
            record.trigger_arn = trigger_details.get("triggerArn")
        self.incidents.add(record)
        if template.get("incidentTags"):
            self.tags[arn] = dict(template["incidentTags"])

        self.add_event(record, "Custom Event", START_MARKER_DATA, float(math.floor(now)), updated_time=now)
        if trigger_details:
            self._add_trigger_event(record, trigger_details, created=True)
        for item in related_items or ():
            if not any(known.identifier == item["identifier"] for known in record.related_items):
                self.add_related_item(record, *item_parts(item))
        if plan.actions:
            self.start_plan_actions(ctx, plan, record)
        opsitem = f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account_id}:opsitem/oi-{random_hex(12)}"
        self.record_update(ctx, record, item=self.add_related_item(record, "PARENT", "arn", opsitem, "parentItem"))
        return arn

    def _add_trigger_event(self, record: IncidentRecord, trigger_details: dict[str, Any], created: bool) -> None:
        data = {
            "createdIncident": created,
            "incidentSource": trigger_details["source"],
            "triggerArn": trigger_details.get("triggerArn"),
            "rawData": trigger_details.get("rawData"),
        }
        self.add_event(
            record,
            "SSM Incident Trigger",
            compact_json(data),
            event_time=trigger_details["timestamp"],
            references=[{"resource": record.arn}],
        )

    def get_incident_record(self, ctx: RequestContext, arn: str) -> IncidentRecord:
        return self.incident(ctx, arn)

    def update_incident_record(
        self,
        ctx: RequestContext,
        arn: str,
        title: str | None = None,
        summary: str | None = None,
        impact: int | None = None,
        status: str | None = None,
        chat_channel: dict[str, Any] | None = None,
        notification_targets: list[dict[str, str]] | None = None,
    ) -> None:
        record = self.incident(ctx, arn)
        changes: list[tuple[str, str]] = []
        if title is not None and title != record.title:
            record.title = title
            changes.append(("title", title))
        if summary is not None and summary != record.summary:
            record.summary = summary
            changes.append(("summary", summary))
        if impact is not None and impact != record.impact:
            changes.append(("impact", str(impact)))
        if status is not None and status != record.status:
            changes.append(("status", status))
            record.resolved_time = time.time() if status == "RESOLVED" else None
        self.incidents.change(record, status, impact)
        if chat_channel is not None:
            channel = None if "empty" in chat_channel else {"chatbotSns": list(chat_channel["chatbotSns"])}
            if channel != record.chat_channel:
                record.chat_channel = channel
                changes.append(("chatChannel", compact_json(chat_channel)))
        if notification_targets is not None and tuple(notification_targets) != record.notification_targets:
            record.notification_targets = tuple(notification_targets)
            changes.append(("notificationTargets", compact_json(notification_targets)))
        if changes:
            self.record_update(ctx, record, tuple(changes))

    def list_incident_records(
        self,
        ctx: RequestContext,
        filters: list[dict[str, Any]] | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[IncidentRecord], str | None]:
        parsed = parse_filters(filters, INCIDENT_FILTER_KEYS)
        visible = self.visible(ctx)

        def after(position: int | None) -> Iterator[IncidentRecord]:
            return self.incidents.newest_first(parsed, position) if visible else iter(())

        return paginate("ListIncidentRecords", filters, after, lambda r: r.seq, max_results or 100, next_token)

    def delete_incident_record(self, ctx: RequestContext, arn: str) -> None:
        record = self.incidents.get(arn)
        if record is None or not self.visible(ctx):
            return
        self.incidents.remove(record)
        self.tags.pop(arn, None)
