"""Response plans: the templates incidents are started from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .automation import start_automation_execution
from .context import RequestContext
from .exceptions import ConflictException, not_found
from .pagination import paginate
from .state import BackendState

if TYPE_CHECKING:
    from .incidents import IncidentRecord
    from .policies import ResourcePolicy

AUTOMATION_ITEM = "AUTOMATION"

# UpdateResponsePlan's flat incident-template members and the template keys they set.
_TEMPLATE_FIELDS = {
    "incident_template_title": "title",
    "incident_template_impact": "impact",
    "incident_template_summary": "summary",
    "incident_template_dedupe_string": "dedupeString",
    "incident_template_notification_targets": "notificationTargets",
    "incident_template_tags": "incidentTags",
}


def _no_channel(channel: dict[str, Any] | None) -> bool:
    return channel is None or "chatbotSns" not in channel


def _set_template_field(template: dict[str, Any], key: str, value: Any) -> None:
    """Replace one template member; an empty value clears an optional one."""
    if key in ("title", "impact") or value not in ("", [], {}):
        template[key] = value
    else:
        template.pop(key, None)


class ResponsePlan:
    """A response plan. Nested members are kept as the model's plain dicts (camelCase keys).

    "Nothing set" is always None, so GetResponsePlan omits a member that was never set and one
    that was cleared alike (``""`` strings, ``[]`` lists, ``{"empty": {}}`` chat channel).
    """

    def __init__(
        self,
        arn: str,
        name: str,
        seq: int,
        incident_template: dict[str, Any],
        display_name: str | None = None,
        chat_channel: dict[str, Any] | None = None,
        engagements: list[str] | None = None,
        actions: list[dict[str, Any]] | None = None,
        integrations: list[dict[str, Any]] | None = None,
    ) -> None:
        self.arn = arn
        self.name = name
        self.seq = seq
        self.incident_template: dict[str, Any] = {}
        for key, value in incident_template.items():
            _set_template_field(self.incident_template, key, value)
        self.display_name = display_name or None
        self.chat_channel = None if _no_channel(chat_channel) else chat_channel
        self.engagements = engagements or None
        self.actions = actions or None
        self.integrations = integrations or None
        self.policies: dict[str, ResourcePolicy] = {}

    @property
    def chatbot_sns(self) -> list[str] | None:
        """The plan's chat channel SNS topics, None when it has no channel."""
        channel = self.chat_channel or {}
        return channel.get("chatbotSns")


class ResponsePlansMixin(BackendState):
    """The response-plan operations and the plan actions run at StartIncident."""

    response_plans: dict[str, ResponsePlan]

    def plan(self, ctx: RequestContext, arn: str) -> ResponsePlan:
        """The plan with this ARN as the calling region sees it, or ResourceNotFoundException."""
        plan = self.response_plans.get(arn)
        if plan is None or not self.visible(ctx):
            raise not_found("RESPONSE_PLAN", arn, "response plan")
        return plan

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
        self, ctx: RequestContext, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[ResponsePlan], str | None]:
        plans = sorted(self.response_plans.values(), key=lambda p: p.seq) if self.visible(ctx) else []

        def after(position: int | None) -> list[ResponsePlan]:
            return plans if position is None else [p for p in plans if p.seq > position]

        return paginate("ListResponsePlans", None, after, lambda p: p.seq, max_results or 100, next_token)

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
            plan.chat_channel = None if _no_channel(chat_channel) else chat_channel
        if engagements is not None:
            plan.engagements = engagements or None
        if actions is not None:
            plan.actions = actions or None
        if integrations is not None:
            plan.integrations = integrations or None
        for field, value in template_fields.items():
            if value is not None:
                _set_template_field(plan.incident_template, _TEMPLATE_FIELDS[field], value)

    def delete_response_plan(self, ctx: RequestContext, arn: str) -> None:
        """Delete a plan with its tags and resource policies; a missing plan is no error."""
        if not self.visible(ctx) or self.response_plans.pop(arn, None) is None:
            return
        self.tags.pop(arn, None)

    def start_plan_actions(self, ctx: RequestContext, plan: ResponsePlan, record: IncidentRecord) -> None:
        """Start the plan's runbook for a new incident and link it as an AUTOMATION related item."""
        for action in plan.actions or ():
            automation = action.get("ssmAutomation")
            if automation is None:
                continue
            involved = [
                item.value
                for item in record.related_items
                if item.item_type == "INVOLVED_RESOURCE" and item.value_key == "arn"
            ]
            execution = start_automation_execution(ctx, automation, record.arn, involved)
            self.automation_executions[execution.execution_id] = execution
            record.automation_executions += ({"ssmExecutionArn": execution.arn},)
            item = self.add_related_item(record, AUTOMATION_ITEM, "arn", execution.arn, automation["documentName"])
            self.record_update(ctx, record, item=item)
