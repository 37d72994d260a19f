"""What every area of the backend may rely on: the shared state and the cross-area helpers.

Each area (``replication.py``, ``plans.py``, ``incidents.py``, ...) is a mixin over this class,
so it can use the state and call another area's helpers with their types known. The helpers
are implemented by the area named in their docstring; ``models.SSMIncidentsBackend`` combines
the areas and creates the state.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from moto.core.base_backend import BaseBackend

if TYPE_CHECKING:
    from .automation import AutomationExecution
    from .context import RequestContext
    from .incidents import IncidentIndex, IncidentRecord
    from .plans import ResponsePlan
    from .protocol import RawRequest
    from .replication import ReplicationSet
    from .timeline import RecordUpdate, RelatedItem, TimelineEvent


class BackendState(BaseBackend):
    """The state shared by all areas (created in ``SSMIncidentsBackend.__init__``)."""

    lock: threading.RLock
    replication_set: ReplicationSet | None
    response_plans: dict[str, ResponsePlan]
    incidents: IncidentIndex
    tags: dict[str, dict[str, str]]
    idempotency: dict[tuple[str, str], tuple[RawRequest, Any]]
    automation_executions: dict[str, AutomationExecution]
    last_creation_time: float

    def next_seq(self) -> int:
        """A number that orders everything created in this backend (models.py)."""
        raise NotImplementedError

    def clear_incident_manager_data(self) -> None:
        """Forget everything DeleteReplicationSet deletes (models.py)."""
        raise NotImplementedError

    def visible(self, ctx: RequestContext) -> bool:
        """Whether the calling region sees this account's data (replication.py)."""
        raise NotImplementedError

    def require_onboarded(self, ctx: RequestContext) -> None:
        """Raise unless a replication set covers the calling region (replication.py)."""
        raise NotImplementedError

    def arn_prefix(self, ctx: RequestContext) -> str:
        """``arn:<partition>:ssm-incidents::<account>:`` (replication.py)."""
        raise NotImplementedError

    def plan(self, ctx: RequestContext, arn: str) -> ResponsePlan:
        """The response plan with this ARN, or ResourceNotFoundException (plans.py)."""
        raise NotImplementedError

    def start_plan_actions(self, ctx: RequestContext, plan: ResponsePlan, record: IncidentRecord) -> None:
        """Run a plan's actions for a new incident (plans.py)."""
        raise NotImplementedError

    def incident(self, ctx: RequestContext, arn: str) -> IncidentRecord:
        """The incident record with this ARN, or ResourceNotFoundException (incidents.py)."""
        raise NotImplementedError

    def add_event(
        self,
        incident: IncidentRecord,
        event_type: str,
        event_data: str | RecordUpdate,
        event_time: float | None = None,
        references: list[dict[str, str]] | None = None,
        updated_time: float | None = None,
    ) -> TimelineEvent:
        """Write a timeline event (timeline.py)."""
        raise NotImplementedError

    def add_related_item(
        self, incident: IncidentRecord, item_type: str, value_key: str, value: Any, title: str | None
    ) -> RelatedItem:
        """Attach a related item (timeline.py)."""
        raise NotImplementedError

    def record_update(
        self,
        ctx: RequestContext,
        incident: IncidentRecord,
        changes: tuple[tuple[str, str], ...] = (),
        item: RelatedItem | None = None,
        item_added: bool = True,
    ) -> TimelineEvent:
        """Bump lastModified* and write the record-update event of a change (timeline.py)."""
        raise NotImplementedError
