"""The Incident Manager backend: one per account and partition, held in a moto ``BackendDict``.

Incident Manager data is account-wide (its ARNs have an empty region field) and replicated to the
regions of the account's replication set, so the backend is keyed by partition rather than by
region; which regions see the data is decided per call (``visible``). Each operation is the method
``botocore.xform_name(<Operation>)`` and takes the caller's :class:`RequestContext` first, then
the validated input members by their ``xform_name``. The records live in ``records.py``.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from moto.core.base_backend import BackendDict, BaseBackend

from ..config import new_lock, settings
from ..core import iam
from ..core.context import RequestContext
from ..core.ids import derived_number, random_uuid, random_uuid_value, unused, uuid_text
from ..core.pagination import decode_token, paginate
from ..core.wire.codec import canonical, compact, decode
from . import effects
from .exceptions import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ValidationException,
    not_found,
)
from .filters import parse_filters
from .logs import EffectLog
from .records import (
    DEFAULT_KEY,
    INCIDENT_FILTER_KEYS,
    RECORD_UPDATE,
    TIMELINE_FILTER_KEYS,
    AutomationExecution,
    Engagement,
    Finding,
    IncidentIndex,
    IncidentRecord,
    Notification,
    RecordUpdate,
    RegionInfo,
    RelatedItem,
    ReplicationSet,
    ResourcePolicy,
    ResponsePlan,
    TimelineEvent,
    chat_channel_or_none,
    fitted,
    incident_id,
    list_position,
    listing_key,
    parent_opsitem_id,
    set_template_field,
)

T = TypeVar("T")
# The partitions the model's ARN patterns allow (``^arn:aws(-cn|-us-gov)?:``): the service exists there only.
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
IDEMPOTENCY_CACHE_SIZE = 10_000
MAX_REGIONS = 3
MAX_TAGS_PER_RESOURCE = 50
AUTOMATION_ITEM = "AUTOMATION"
START_MARKER_DATA = compact("Incident Started")
# The only event types callers may create, or change an event to (model docs).
CALLER_EVENT_TYPES = ("Custom Event", "Note")
# Events IM writes itself carry an ``SSM ...`` type; callers may not change or delete them.
AUTOMATIC_PREFIX = "SSM "
FINDINGS_PAGE_SIZE = 20  # ListIncidentFindings maxResults is 1-20 in the model

# The resource kind in an Incident Manager ARN and its ``resourceType`` in errors.
RESOURCE_TYPES = {
    "replication-set": "REPLICATION_SET",
    "response-plan": "RESPONSE_PLAN",
    "incident-record": "INCIDENT_RECORD",
}
# UpdateResponsePlan's flat incident-template members and the template keys they set.
TEMPLATE_FIELDS = {
    "incident_template_title": "title",
    "incident_template_impact": "impact",
    "incident_template_summary": "summary",
    "incident_template_dedupe_string": "dedupeString",
    "incident_template_notification_targets": "notificationTargets",
    "incident_template_tags": "incidentTags",
}
_REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
_KMS_KEY_REGION = re.compile(r"arn:aws[a-z-]*:kms:([a-z0-9-]+):")


class SSMIncidentsBackend(BaseBackend):
    """All Incident Manager state of one account in one partition, and the 31 operations on it."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = new_lock(reentrant=True)  # unlocked again in a forked child
        self.replication_set: ReplicationSet | None = None
        self.response_plans: dict[str, ResponsePlan] = {}
        self.incidents = IncidentIndex()
        self.tags: dict[str, dict[str, str]] = {}
        # (operation, clientToken) -> (digest of the validated input, the rendered answer)
        self.idempotency: dict[tuple[str, ...], tuple[str, Any]] = {}
        self.automation_executions: dict[str, AutomationExecution] = {}
        # what Incident Manager did elsewhere (effects.py): SNS messages, engagements it started (bounded)
        self.notifications: EffectLog[Notification] = EffectLog()
        self.engagements: EffectLog[Engagement] = EffectLog()
        self.last_creation_time = 0.0
        self._seq = itertools.count(1)

    # --- shared rules ---------------------------------------------------------------------

    def next_seq(self) -> int:
        """A number that orders everything created in this backend."""
        return next(self._seq)

    def arn_prefix(self, ctx: RequestContext) -> str:
        """ARNs carry the owning account: a consumer's incident from a shared plan is the plan owner's."""
        return f"arn:{ctx.partition}:ssm-incidents::{self.account_id}:"

    def visible(self, ctx: RequestContext) -> bool:
        """Whether the calling region sees this account's Incident Manager data."""
        rs = self.replication_set
        if rs is None:
            return not settings.strict_replication_set
        return ctx.region in rs.region_map

    def not_onboarded(self, ctx: RequestContext, modeled_not_found: bool = True) -> Exception:
        """The error of a call that needs the replication set where there is none for the calling region.

        ResourceNotFoundException (REPLICATION_SET) where the operation models it, else ValidationException.
        """
        rs = self.replication_set
        if ctx.account_id != self.account_id:
            message = (
                f"The resources of account {self.account_id} are not available in the region {ctx.region}: "
                "its replication set does not include that region."
            )
            identifier = self.account_id
        elif rs is None:
            message = (
                "No replication set exists in this account. Create one with CreateReplicationSet "
                "before using Incident Manager."
            )
            identifier = ctx.account_id
        else:
            message = (
                f"The replication set {rs.arn} does not include the region {ctx.region}, so Incident Manager "
                f"data of this account is not available there. Add the region with UpdateReplicationSet."
            )
            identifier = rs.arn
        if modeled_not_found:
            return ResourceNotFoundException(message, "REPLICATION_SET", identifier)
        return ValidationException(message)

    def require_onboarded(self, ctx: RequestContext, modeled_not_found: bool = True) -> None:
        """A replication set must cover the calling region."""
        if not self.visible(ctx):
            raise self.not_onboarded(ctx, modeled_not_found)

    def plan(self, ctx: RequestContext, arn: str) -> ResponsePlan:
        """The plan with this ARN as the calling region sees it, or ResourceNotFoundException."""
        plan = self.response_plans.get(arn)
        if plan is None or not self.visible(ctx):
            self.require_onboarded(ctx)
            raise not_found("RESPONSE_PLAN", arn, "response plan")
        return plan

    def incident(self, ctx: RequestContext, arn: str) -> IncidentRecord:
        """The incident record with this ARN as the calling region sees it, or ResourceNotFoundException."""
        record = self.incidents.get(arn)
        if record is None or not self.visible(ctx):
            self.require_onboarded(ctx)
            raise not_found("INCIDENT_RECORD", arn, "incident record")
        return record

    def _page(
        self,
        operation: str,
        scope: Any,
        items_after: Callable[[Any], Iterable[T]],
        position_of: Callable[[T], Any],
        max_results: int,
        next_token: str | None,
    ) -> tuple[list[T], str | None]:
        """One page (see ``pagination.paginate``); its nextToken is accepted in this account and partition only."""
        return paginate(
            operation, [self.account_id, self.region_name, scope], items_after, position_of, max_results, next_token
        )

    def clear_incident_manager_data(self) -> None:
        """Forget what DeleteReplicationSet deletes: the set, plans (and their policies), incidents, tags."""
        self.replication_set = None
        self.response_plans.clear()
        self.incidents = IncidentIndex()
        self.tags.clear()
        self.idempotency.clear()  # runbook executions are SSM's data: they stay
        self.notifications.clear()
        self.engagements.clear()

    # --- replication sets -----------------------------------------------------------------

    def create_replication_set(
        self, ctx: RequestContext, regions: dict[str, Any], tags: dict[str, str] | None = None
    ) -> str:
        if self.replication_set is not None:
            raise ServiceQuotaExceededException(
                "Only one replication set is allowed per account.",
                quota_code="replication-sets-per-account",
                resource_type="REPLICATION_SET",
                identifier=self.replication_set.arn,
            )
        arn = f"{self.arn_prefix(ctx)}replication-set/{random_uuid()}"
        self.replication_set = ReplicationSet(arn, regions, ctx.caller_arn)
        if tags:
            self.tags[arn] = dict(tags)
        return arn

    def get_replication_set(self, ctx: RequestContext, arn: str) -> ReplicationSet:
        rs = self.find_replication_set(ctx, arn)
        rs.observe()  # a read moves the statuses on (moto's state manager)
        return rs

    def find_replication_set(self, ctx: RequestContext, arn: str) -> ReplicationSet:
        rs = self.replication_set
        if rs is None or rs.arn != arn or ctx.region not in rs.region_map:
            raise not_found("REPLICATION_SET", arn, "replication set")
        return rs

    def list_replication_sets(
        self, ctx: RequestContext, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[str], str | None]:
        arns = [self.replication_set.arn] if self.replication_set is not None else []
        return self._page(
            "ListReplicationSets",
            None,
            lambda pos: arns[1:] if pos else arns,
            lambda a: 1,
            max_results or 100,
            next_token,
        )

    def update_replication_set(self, ctx: RequestContext, arn: str, actions: list[dict[str, Any]]) -> None:
        """Add or delete one region (the model allows exactly one action with one member set)."""
        rs = self.find_replication_set(ctx, arn)
        status = rs.current_status
        if status != "ACTIVE":
            raise ConflictException(
                f"The replication set {arn} is {status}; wait until it is ACTIVE.", "REPLICATION_SET", arn
            )
        action = actions[0]
        if "addRegionAction" in action:
            add = action["addRegionAction"]
            _check_new_region(rs, add["regionName"], add.get("sseKmsKeyId"))
            rs.region_map[add["regionName"]] = RegionInfo(add.get("sseKmsKeyId"), time.time())
            rs.lifecycle.restart("UPDATING")
            rs.touch(ctx.caller_arn)
            return
        name = action["deleteRegionAction"]["regionName"]
        if name not in rs.region_map:
            raise ValidationException(f"The region {name} is not part of the replication set.")
        if len(rs.region_map) > 1:
            rs.region_map[name].lifecycle.restart("DELETING")  # gone once a read has seen it DELETING
            rs.lifecycle.restart("UPDATING")
            rs.drop_deleted_regions()
            rs.touch(ctx.caller_arn)
            return
        if rs.deletion_protected:
            raise ValidationException(
                f"The region {name} is the last region of the replication set, which is protected from deletion. "
                "Turn deletion protection off to delete it."
            )
        self.clear_incident_manager_data()  # the last region goes: the set and all data go with it

    def delete_replication_set(self, ctx: RequestContext, arn: str) -> None:
        """Delete the set and with it all Incident Manager data of the account."""
        rs = self.find_replication_set(ctx, arn)
        if rs.deletion_protected:
            raise ValidationException(
                f"The replication set {arn} is protected from deletion. Turn deletion protection off to delete it."
            )
        self.clear_incident_manager_data()
        if effects.contacts is not None:
            effects.contacts.forget_account(self.account_id, ctx.partition)

    def update_deletion_protection(self, ctx: RequestContext, arn: str, deletion_protected: bool) -> None:
        rs = self.find_replication_set(ctx, arn)
        rs.deletion_protected = deletion_protected
        rs.touch(ctx.caller_arn)

    # --- response plans -------------------------------------------------------------------

    def create_response_plan(
        self,
        ctx: RequestContext,
        name: str,
        incident_template: dict[str, Any],
        display_name: str | None = None,
        chat_channel: dict[str, Any] | None = None,
        engagements: list[str] | None = None,
        actions: list[dict[str, Any]] | None = None,
        integrations: list[dict[str, Any]] | None = None,
        tags: dict[str, str] | None = None,
    ) -> str:
        self.require_onboarded(ctx)
        arn = f"{self.arn_prefix(ctx)}response-plan/{name}"
        if arn in self.response_plans:
            raise ConflictException(f"A response plan named {name} already exists.", "RESPONSE_PLAN", arn)
        self.response_plans[arn] = ResponsePlan(
            arn,
            name,
            self.next_seq(),
            incident_template,
            display_name=display_name,
            chat_channel=chat_channel,
            engagements=engagements,
            actions=actions,
            integrations=integrations,
        )
        if tags:
            self.tags[arn] = dict(tags)
        return arn

    def get_response_plan(self, ctx: RequestContext, arn: str) -> ResponsePlan:
        return self.plan(ctx, arn)

    def list_response_plans(
        self,
        ctx: RequestContext,
        max_results: int | None = None,
        next_token: str | None = None,
        shared: list[ResponsePlan] | None = None,
    ) -> tuple[list[ResponsePlan], str | None]:
        """The caller's plans, then ``shared``: plans of other accounts shared with the caller.

        A position is ``["", seq]`` for the caller's own plan and ``[account, seq]`` for a shared one, with
        or without shared plans, so a share added or removed between pages repeats nothing.
        """
        own = sorted(self.response_plans.values(), key=lambda p: p.seq) if self.visible(ctx) else []
        listed = [("", p.seq, p) for p in own]
        if shared:
            listed += sorted((_account_of(p.arn), p.seq, p) for p in shared)

        def after(position: Any) -> list[ResponsePlan]:
            if not (isinstance(position, list) and len(position) == 2):
                return [p for _, _, p in listed]
            return [p for a, q, p in listed if [a, q] > position]

        def position_of(plan: ResponsePlan) -> list[Any]:
            account = _account_of(plan.arn)
            return ["" if account == self.account_id else account, plan.seq]

        return self._page("ListResponsePlans", None, after, position_of, max_results or 100, next_token)

    def update_response_plan(
        self,
        ctx: RequestContext,
        arn: str,
        display_name: str | None = None,
        chat_channel: dict[str, Any] | None = None,
        engagements: list[str] | None = None,
        actions: list[dict[str, Any]] | None = None,
        integrations: list[dict[str, Any]] | None = None,
        **template_fields: Any,
    ) -> None:
        """Partial update: omitted members stay; given ones replace; empty values clear."""
        plan = self.plan(ctx, arn)
        if display_name is not None:
            plan.display_name = display_name or None
        if chat_channel is not None:
            plan.chat_channel = chat_channel_or_none(chat_channel)
        if engagements is not None:
            plan.engagements = engagements or None
        if actions is not None:
            plan.actions = actions or None
        if integrations is not None:
            plan.integrations = integrations or None
        for field, value in template_fields.items():
            if value is not None:
                set_template_field(plan.incident_template, TEMPLATE_FIELDS[field], value)

    def delete_response_plan(self, ctx: RequestContext, arn: str) -> None:
        """Delete a plan with its tags and resource policies; a missing plan is no error."""
        self.require_onboarded(ctx, modeled_not_found=False)
        if self.response_plans.pop(arn, None) is None:
            return
        self.tags.pop(arn, None)

    # --- resource policies ----------------------------------------------------------------

    def put_resource_policy(self, ctx: RequestContext, resource_arn: str, policy: str) -> str:
        plan = self.plan(ctx, resource_arn)
        iam.parse(policy)
        created = ResourcePolicy(policy, ctx.region, self.next_seq(), taken=plan.policies)
        plan.policies[created.policy_id] = created
        return created.policy_id

    def get_resource_policies(
        self, ctx: RequestContext, resource_arn: str, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[ResourcePolicy], str | None]:
        policies = sorted(self.plan(ctx, resource_arn).policies.values(), key=lambda p: p.seq)

        def after(position: int | None) -> list[ResourcePolicy]:
            return policies if position is None else [p for p in policies if p.seq > position]

        return self._page("GetResourcePolicies", resource_arn, after, lambda p: p.seq, max_results or 100, next_token)

    def delete_resource_policy(self, ctx: RequestContext, resource_arn: str, policy_id: str) -> None:
        plan = self.plan(ctx, resource_arn)
        if plan.policies.pop(policy_id, None) is None:
            raise not_found("RESOURCE_POLICY", policy_id, "resource policy")

    # --- tags -----------------------------------------------------------------------------

    def tagged_resource(self, ctx: RequestContext, arn: str) -> dict[str, str]:
        """The tags of an existing taggable resource (empty if it has none), or not-found."""
        rs = self.replication_set
        exists = (rs is not None and rs.arn == arn) or arn in self.response_plans or arn in self.incidents.by_arn
        if not exists or not self.visible(ctx):
            self.require_onboarded(ctx)
            resource_type = _resource_type(arn)
            raise not_found(resource_type, arn) if resource_type else not_found(None, arn, "resource")
        return self.tags.get(arn, {})

    def tag_resource(self, ctx: RequestContext, resource_arn: str, tags: dict[str, str]) -> None:
        merged = {**self.tagged_resource(ctx, resource_arn), **tags}
        if len(merged) > MAX_TAGS_PER_RESOURCE:
            raise ServiceQuotaExceededException(
                f"A resource can have at most {MAX_TAGS_PER_RESOURCE} tags; this request would give "
                f"{resource_arn} {len(merged)}.",
                quota_code="tags-per-resource",
                resource_type=_resource_type(resource_arn),
                identifier=resource_arn,
            )
        self.tags[resource_arn] = merged

    def untag_resource(self, ctx: RequestContext, resource_arn: str, tag_keys: list[str]) -> None:
        remaining = {k: v for k, v in self.tagged_resource(ctx, resource_arn).items() if k not in tag_keys}
        if remaining:
            self.tags[resource_arn] = remaining
        else:
            self.tags.pop(resource_arn, None)

    def list_tags_for_resource(self, ctx: RequestContext, resource_arn: str) -> dict[str, str]:
        return dict(self.tagged_resource(ctx, resource_arn))

    # --- incident records -----------------------------------------------------------------

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
        key = dedupe or (effects.trigger_dedupe_key(plan.arn, trigger_details) if trigger_details else None)
        if key:
            existing = self.incidents.open_with(key)
            if existing is not None:
                if trigger_details:  # the trigger is folded into the open incident
                    self._add_trigger_event(existing, trigger_details, created=False)
                return existing.arn

        # Each incident is created strictly later than the last one, whatever the clock says: listings
        # order and page by creation time.
        now = max(time.time(), math.nextafter(self.last_creation_time, math.inf))
        self.last_creation_time = now
        new_id = uuid_text(unused(random_uuid_value, self.incidents.ids))
        arn = f"{self.arn_prefix(ctx)}incident-record/{plan.name}/{new_id}"
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
            record.resolved_time = time.time() if status == "RESOLVED" else None
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
        shared: list[IncidentRecord] | None = None,
    ) -> tuple[list[IncidentRecord], str | None]:
        """Newest first (``listing_key``); ``shared`` adds records of other accounts' plans shared with the caller.

        ``shared`` holds, in ``listing_key`` order, the first shared records after this request's
        position (``page_position``), at least a page of them when there are so many. Positions are the
        creation time and ARN of the last record listed, with or without shared plans, so a share
        added or removed between pages neither repeats nor skips a record listed before.
        """
        parsed = parse_filters(filters, INCIDENT_FILTER_KEYS)
        visible = self.visible(ctx)

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

    def page_position(self, operation: str, scope: Any, next_token: str | None) -> Any:
        """The position a ``nextToken`` of this account's ``operation`` holds (None for the first page)."""
        return decode_token(operation, [self.account_id, self.region_name, scope], next_token) if next_token else None

    def delete_incident_record(self, ctx: RequestContext, arn: str) -> None:
        self.require_onboarded(ctx, modeled_not_found=False)
        record = self.incidents.get(arn)
        if record is None:
            return
        self.incidents.remove(record)
        self.tags.pop(arn, None)
        self.notifications.drop_incident(arn)
        self.engagements.drop_incident(arn)

    # --- timeline events ------------------------------------------------------------------

    def _add_event(
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
        event.event_updated_time = time.time()

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

    # --- findings -------------------------------------------------------------------------

    def add_finding(self, incident_arn: str, details: dict[str, Any], creation_time: float) -> str:
        """Attach a finding (a ``FindingDetails`` union) to an incident record; return its id."""
        record = self.incidents.get(incident_arn)
        if record is None:
            raise ValueError(f"No incident record {incident_arn} in account {self.account_id}.")
        finding = Finding(details, creation_time, self.next_seq(), taken=record.findings or ())
        if record.findings is None:
            record.findings = {}
        record.findings[finding.id] = finding
        return finding.id

    def batch_get_incident_findings(
        self, ctx: RequestContext, incident_record_arn: str, finding_ids: list[str]
    ) -> dict[str, list[Any]]:
        record = self.incident(ctx, incident_record_arn)
        findings: list[Finding] = []
        errors: list[dict[str, str]] = []
        for finding_id in dict.fromkeys(finding_ids):  # each id answered once, in request order
            finding = record.findings.get(finding_id) if record.findings else None
            if finding is not None:
                findings.append(finding)
            else:
                errors.append(
                    {
                        "findingId": finding_id,
                        "code": "ResourceNotFoundException",
                        "message": f"Finding with ID '{finding_id}' is not accessible",
                    }
                )
        return {"findings": findings, "errors": errors}

    def list_incident_findings(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[Finding], str | None]:
        record = self.incident(ctx, incident_record_arn)
        ordered = sorted((record.findings or {}).values(), key=lambda f: f.seq, reverse=True)  # newest first

        def after(position: int | None) -> Iterator[Finding]:
            return (f for f in ordered if position is None or f.seq < position)

        return self._page(
            "ListIncidentFindings",
            [incident_record_arn],
            after,
            lambda f: f.seq,
            max_results or FINDINGS_PAGE_SIZE,
            next_token,
        )


# --- rules of single operations -----------------------------------------------------------


def _check_new_region(rs: ReplicationSet, name: str, key: str | None) -> None:
    """The semantic rules for adding ``name`` (encrypted with ``key``) to ``rs``."""
    if _REGION_NAME.fullmatch(name) is None:
        raise ValidationException(f"The region name '{name}' is not a valid AWS Region.")
    if name in rs.region_map:
        raise ValidationException(f"The region {name} is already part of the replication set.")
    if len(rs.region_map) >= MAX_REGIONS:
        raise ValidationException(f"A replication set can hold at most {MAX_REGIONS} regions.")
    key_region = _KMS_KEY_REGION.match(key or "")
    if key_region is not None and key_region.group(1) != name:
        raise ValidationException(f"The KMS key {key} must be in the region {name} it encrypts.")
    uses_default = [info.sse_kms_key_id == DEFAULT_KEY for info in rs.region_map.values()]
    if uses_default and uses_default[0] != (key in (None, "", DEFAULT_KEY)):
        raise ValidationException(
            "All regions of a replication set must use the same kind of KMS key: "
            "either the AWS owned key (DefaultKey) or customer managed keys."
        )


def _account_of(arn: str) -> str:
    return arn.split(":", 5)[4]


def _resource_type(arn: str) -> str | None:
    return RESOURCE_TYPES.get(arn.split(":", 5)[-1].split("/", 1)[0])


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


ssmincidents_backends: BackendDict[SSMIncidentsBackend] = BackendDict(
    SSMIncidentsBackend, "ssm-incidents", use_boto3_regions=False, additional_regions=list(PARTITIONS)
)
