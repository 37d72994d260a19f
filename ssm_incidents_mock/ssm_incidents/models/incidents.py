"""Incident records: starting one (from a plan, a trigger or a call), reading, updating, listing, deleting."""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterator
from typing import Any

from ...core import clock
from ...core.context import RequestContext
from ...core.ids import random_uuid_value, unused, uuid_text
from ...core.wire.codec import compact
from .. import effects
from ..arns import record_arn
from ..filters import parse_filters
from ..records.incidents import INCIDENT_FILTER_KEYS, IncidentRecord, parent_opsitem_id
from ..records.index import list_position, listing_key
from ..records.plans import ResponsePlan, chat_channel_or_none
from ..records.timeline import RECORD_UPDATE, fitted
from .timeline import TimelineOperations

AUTOMATION_ITEM = "AUTOMATION"
START_MARKER_DATA = compact("Incident Started")
# Triggers Incident Manager deduplicates by default: the same alarm, the same EventBridge rule.
_DEDUPED_TRIGGER = re.compile(r"arn:aws[a-z-]*:(?:cloudwatch:[^:]*:\d{12}:alarm:.+|events:[^:]*:\d{12}:rule/.+)")


class IncidentOperations(TimelineOperations):
    """StartIncident, GetIncidentRecord, UpdateIncidentRecord, ListIncidentRecords, DeleteIncidentRecord."""

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
        key = dedupe or (trigger_dedupe_key(plan.arn, trigger_details) if trigger_details else None)
        if key:
            existing = self.incidents.open_with(key)
            if existing is not None:
                if trigger_details:  # the trigger is folded into the open incident
                    self._add_trigger_event(existing, trigger_details, created=False)
                return existing.arn

        # Each incident is created strictly later than the last one, whatever the clock says: listings
        # order and page by creation time.
        now = max(clock.now(), math.nextafter(self.last_creation_time, math.inf))
        self.last_creation_time = now
        new_id = uuid_text(unused(random_uuid_value, self.incidents.ids))
        arn = record_arn(plan.arn, new_id)  # in the plan owner's account
        record = IncidentRecord(arn, self.next_seq(), now, ctx.caller_arn)
        record.title = title if title is not None else template["title"]
        record.impact = impact if impact is not None else template["impact"]
        record.summary = template.get("summary")
        record.template_dedupe = dedupe or None
        record.dedupe_key = key or None
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

        self._add_event(record, "Custom Event", START_MARKER_DATA, float(math.floor(now)), updated_time=now)
        if trigger_details:
            self._add_trigger_event(record, trigger_details, created=True)
        for item in related_items or ():
            if record.related_item(item["identifier"]) is None:
                self._add_related_item(record, item)
        if plan.actions:
            self._start_plan_actions(ctx, plan, record)
        opsitem = f"arn:{ctx.partition}:ssm:{ctx.region}:{self.account_id}:opsitem/{parent_opsitem_id(arn)}"
        parent = {"identifier": {"type": "PARENT", "value": {"arn": opsitem}}, "title": "parentItem"}
        self._record_update(ctx, record, item=self._add_related_item(record, parent))
        if plan.engagements:
            self.engagements.extend(effects.engagements(ctx, plan, record))
            self._add_page_events(record)
        if record.notification_targets or record.chat_channel:
            self.notifications.extend(effects.notify(self.account_id, ctx, record, "SSM Incident Start"))
        return arn

    def _add_trigger_event(self, record: IncidentRecord, trigger_details: dict[str, Any], created: bool) -> None:
        def render(raw: list[str]) -> str:
            data = {
                "createdIncident": created,
                "incidentSource": trigger_details["source"],
                "triggerArn": trigger_details.get("triggerArn"),
                "rawData": raw[0] if raw else None,
            }
            return compact(data)

        raw_data = trigger_details.get("rawData")
        self._add_event(
            record,
            "SSM Incident Trigger",
            fitted(render, [raw_data] if raw_data is not None else []),
            event_time=trigger_details["timestamp"],
            references=[{"resource": record.arn}],
        )

    def _start_plan_actions(self, ctx: RequestContext, plan: ResponsePlan, record: IncidentRecord) -> None:
        """Start the plan's runbooks for a new incident and link each as an AUTOMATION related item."""
        for action in plan.actions or ():
            automation = action.get("ssmAutomation")
            if automation is None:
                continue
            execution = effects.start_runbook(self.account_id, ctx, record, automation)
            if isinstance(execution, str):  # it cannot start (no such document in moto's SSM, ...): AWS's event
                data = effects.start_failure_data(automation, execution)
                self._add_event(record, effects.START_FAILURE, data, references=[{"resource": record.arn}])
                continue
            self.automation_executions[execution.execution_id] = execution
            record.automation_executions += ({"ssmExecutionArn": execution.arn},)
            runbook = {"identifier": {"type": AUTOMATION_ITEM, "value": {"arn": execution.arn}}}
            runbook["title"] = automation["documentName"]
            self._record_update(ctx, record, item=self._add_related_item(record, runbook))

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
            record.resolved_time = clock.now() if status == "RESOLVED" else None
        self.incidents.change(record, status, impact)
        if chat_channel is not None:
            channel = chat_channel_or_none(chat_channel)
            channel = {"chatbotSns": list(channel["chatbotSns"])} if channel is not None else None
            if channel != record.chat_channel:
                record.chat_channel = channel
                changes.append(("chatChannel", compact(chat_channel)))
        if notification_targets is not None and tuple(notification_targets) != record.notification_targets:
            record.notification_targets = tuple(notification_targets)
            changes.append(("notificationTargets", compact(notification_targets)))
        if changes:
            self._record_update(ctx, record, tuple(changes))
            if record.notification_targets or record.chat_channel:
                self.notifications.extend(effects.notify(self.account_id, ctx, record, RECORD_UPDATE, tuple(changes)))

    def list_incident_records(
        self,
        ctx: RequestContext,
        filters: list[dict[str, Any]] | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[IncidentRecord], str | None]:
        """Newest first (``listing_key``); ``ctx.shared`` adds records of other accounts' plans shared with the caller.

        ``ctx.shared`` holds, in ``listing_key`` order, the first shared records after this request's
        position (``page_position``), at least a page of them when there are so many. Positions are the
        creation time and ARN of the last record listed, with or without shared plans, so a share
        added or removed between pages neither repeats nor skips a record listed before.
        """
        parsed = parse_filters(filters, INCIDENT_FILTER_KEYS)
        visible = self.visible(ctx)
        shared = ctx.shared

        def after(position: Any) -> Iterator[IncidentRecord]:
            own = self.incidents.newest_first_after(parsed, list_position(position)) if visible else iter(())
            return heapq.merge(own, shared, key=listing_key) if shared else own

        return self._page(
            "ListIncidentRecords",
            filters,
            after,
            lambda r: [r.creation_time, r.arn],
            max_results or 100,
            next_token,
        )

    def delete_incident_record(self, ctx: RequestContext, arn: str) -> None:
        self.require_onboarded(ctx, modeled_not_found=False)
        record = self.incidents.get(arn)
        if record is None:
            return
        self.incidents.remove(record)
        self.tags.pop(arn, None)
        self.notifications.drop_incident(arn)
        self.engagements.drop_incident(arn)


def trigger_dedupe_key(plan_arn: str, trigger_details: dict[str, Any] | None) -> str | None:
    """What a start without a template dedupe string folds in by: the plan and the alarm or rule.

    The alarm action itself is a StartIncident call with triggerDetails, so a direct call naming the
    same alarm or rule is deduplicated alike.
    """
    trigger_arn = (trigger_details or {}).get("triggerArn")
    if trigger_arn and _DEDUPED_TRIGGER.fullmatch(trigger_arn):
        return f"{plan_arn}\n{trigger_arn}"
    return None
