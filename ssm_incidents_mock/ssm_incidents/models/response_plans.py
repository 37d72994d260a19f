"""Response plans and their resource policies."""

from __future__ import annotations

from typing import Any

from ...core import iam
from ...core.arns import account_of
from ...core.context import RequestContext
from ..exceptions import ConflictException, not_found
from ..records.plans import ResourcePolicy, ResponsePlan, chat_channel_or_none, set_template_field
from .state import BackendState

# UpdateResponsePlan's flat incident-template members and the template keys they set.
TEMPLATE_FIELDS = {
    "incident_template_title": "title",
    "incident_template_impact": "impact",
    "incident_template_summary": "summary",
    "incident_template_dedupe_string": "dedupeString",
    "incident_template_notification_targets": "notificationTargets",
    "incident_template_tags": "incidentTags",
}


class ResponsePlanOperations(BackendState):
    """CreateResponsePlan, GetResponsePlan, ListResponsePlans, UpdateResponsePlan, DeleteResponsePlan, and
    PutResourcePolicy, GetResourcePolicies, DeleteResourcePolicy."""

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
    ) -> tuple[list[ResponsePlan], str | None]:
        """The caller's plans, then ``ctx.shared``: plans of other accounts shared with the caller.

        A position is ``["", seq]`` for the caller's own plan and ``[account, seq]`` for a shared one, with
        or without shared plans, so a share added or removed between pages repeats nothing.
        """
        own = sorted(self.response_plans.values(), key=lambda p: p.seq) if self.visible(ctx) else []
        listed = [("", p.seq, p) for p in own]
        if ctx.shared:
            listed += sorted((account_of(p.arn), p.seq, p) for p in ctx.shared)

        def after(position: Any) -> list[ResponsePlan]:
            if not (isinstance(position, list) and len(position) == 2):
                return [p for _, _, p in listed]
            return [p for a, q, p in listed if [a, q] > position]

        def position_of(plan: ResponsePlan) -> list[Any]:
            account = account_of(plan.arn)
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
