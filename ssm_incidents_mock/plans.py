"""Response plans: the templates incidents are started from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .context import RequestContext
from .exceptions import ConflictException, not_found
from .pagination import paginate

if TYPE_CHECKING:
    from .models import SSMIncidentsBackend


class ResponsePlan:
    """A response plan. Nested members are kept as the model's plain dicts (camelCase keys)."""

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
        self.incident_template = incident_template
        self.display_name = display_name
        self.chat_channel = chat_channel
        self.engagements = engagements
        self.actions = actions
        self.integrations = integrations
        self.policies: dict[str, str] = {}

    @property
    def chatbot_sns(self) -> list[str] | None:
        """The plan's chat channel SNS topics, None when it has no channel."""
        channel = self.chat_channel or {}
        return channel.get("chatbotSns")


class ResponsePlansMixin:
    """CreateResponsePlan, GetResponsePlan, ListResponsePlans."""

    response_plans: dict[str, ResponsePlan]

    def plan(self: SSMIncidentsBackend, ctx: RequestContext, arn: str) -> ResponsePlan:
        """The plan with this ARN as the calling region sees it, or ResourceNotFoundException."""
        plan = self.response_plans.get(arn)
        if plan is None or not self.visible(ctx):
            raise not_found("RESPONSE_PLAN", arn, "response plan")
        return plan

    def create_response_plan(
        self: SSMIncidentsBackend,
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

    def get_response_plan(self: SSMIncidentsBackend, ctx: RequestContext, arn: str) -> ResponsePlan:
        return self.plan(ctx, arn)

    def list_response_plans(
        self: SSMIncidentsBackend, ctx: RequestContext, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[ResponsePlan], str | None]:
        plans = sorted(self.response_plans.values(), key=lambda p: p.seq) if self.visible(ctx) else []

        def after(position: int | None) -> list[ResponsePlan]:
            return plans if position is None else [p for p in plans if p.seq > position]

        return paginate("ListResponsePlans", None, after, lambda p: p.seq, max_results or 100, next_token)

    def start_plan_actions(self: SSMIncidentsBackend, ctx: RequestContext, plan: ResponsePlan, record: Any) -> None:
        """Run the plan's actions for a new incident (SSM automation comes with the full API)."""
