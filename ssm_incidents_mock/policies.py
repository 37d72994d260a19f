"""Resource policies on response plans (how a plan and its incidents are shared through AWS RAM).

The mock stores and validates the documents; it does not evaluate them yet. Cross-account access
would read ``ResourcePolicy.document`` of the plan's policies.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from .context import RequestContext
from .exceptions import ValidationException, not_found
from .pagination import paginate
from .state import BackendState


class ResourcePolicy:
    """One policy document attached to a response plan."""

    __slots__ = ("policy_document", "policy_id", "ram_resource_share_region", "seq")

    def __init__(self, policy_document: str, region: str, seq: int) -> None:
        self.policy_id = uuid.uuid4().hex
        self.policy_document = policy_document
        self.ram_resource_share_region = region
        self.seq = seq

    @property
    def document(self) -> dict[str, Any]:
        """The parsed policy document."""
        parsed: dict[str, Any] = json.loads(self.policy_document)
        return parsed


def check_policy_document(policy: str) -> None:
    """A policy must be a JSON object with Allow statements (Incident Manager supports no Deny)."""
    try:
        document = json.loads(policy)
    except ValueError:
        raise ValidationException("The policy is not a valid JSON document.") from None
    if not isinstance(document, dict):
        raise ValidationException("The policy must be a JSON object.")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not statements or not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise ValidationException("The policy must contain at least one statement.")
    for statement in statements:
        if statement.get("Effect") != "Allow":
            raise ValidationException("Every statement of the policy must have the effect Allow.")


class PoliciesMixin(BackendState):
    """PutResourcePolicy, GetResourcePolicies, DeleteResourcePolicy."""

    def put_resource_policy(self, ctx: RequestContext, resource_arn: str, policy: str) -> str:
        plan = self.plan(ctx, resource_arn)
        check_policy_document(policy)
        created = ResourcePolicy(policy, ctx.region, self.next_seq())
        plan.policies[created.policy_id] = created
        return created.policy_id

    def get_resource_policies(
        self,
        ctx: RequestContext,
        resource_arn: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[ResourcePolicy], str | None]:
        policies = sorted(self.plan(ctx, resource_arn).policies.values(), key=lambda p: p.seq)

        def after(position: int | None) -> list[ResourcePolicy]:
            return policies if position is None else [p for p in policies if p.seq > position]

        return paginate("GetResourcePolicies", resource_arn, after, lambda p: p.seq, max_results or 100, next_token)

    def delete_resource_policy(self, ctx: RequestContext, resource_arn: str, policy_id: str) -> None:
        plan = self.plan(ctx, resource_arn)
        if plan.policies.pop(policy_id, None) is None:
            raise not_found("RESOURCE_POLICY", policy_id, "resource policy")
