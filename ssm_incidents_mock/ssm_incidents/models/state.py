"""The state of one account and partition, and the rules every operation shares."""

from __future__ import annotations

import itertools
from typing import Any

from moto.core.base_backend import BaseBackend

from ...config import new_lock, settings
from ...core.context import RequestContext
from ...core.pagination import BackendPages
from ..exceptions import ResourceNotFoundException, ValidationException, not_found
from ..logs import EffectLog
from ..records.effects import AutomationExecution, Engagement, Notification
from ..records.incidents import IncidentRecord
from ..records.index import IncidentIndex
from ..records.plans import ResponsePlan
from ..records.replication import ReplicationSet


class BackendState(BackendPages, BaseBackend):
    """All Incident Manager state of one account in one partition; the operations are its subclasses'."""

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

    def clear_incident_manager_data(self) -> None:
        """Forget what DeleteReplicationSet deletes: the set, plans (and their policies), incidents, tags."""
        self.replication_set = None
        self.response_plans.clear()
        self.incidents = IncidentIndex()
        self.tags.clear()
        self.idempotency.clear()  # runbook executions are SSM's data: they stay
        self.notifications.clear()
        self.engagements.clear()
