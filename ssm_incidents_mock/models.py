"""The Incident Manager backend: one per account and partition, held in a moto ``BackendDict``.

Incident Manager data is account-wide (its ARNs have an empty region field) and replicated to
the regions of the account's replication set, so the backend is keyed by partition rather than
by region; which regions see the data is decided per call (see ``replication.py``). Each area of
the API lives in its own module as a mixin over ``state.BackendState``; this class creates the state.
"""

from __future__ import annotations

import itertools
import threading
from typing import TYPE_CHECKING, Any

from moto.core.base_backend import BackendDict

from .automation import AutomationExecution
from .findings import FindingsMixin
from .incidents import IncidentIndex, IncidentsMixin
from .plans import ResponsePlan, ResponsePlansMixin
from .policies import PoliciesMixin
from .replication import ReplicationSet, ReplicationSetsMixin
from .tagging import TaggingMixin
from .timeline import TimelineMixin

if TYPE_CHECKING:
    from .protocol import RawRequest

PARTITIONS = ["aws", "aws-cn", "aws-us-gov"]
IDEMPOTENCY_CACHE_SIZE = 10_000


class SSMIncidentsBackend(
    ReplicationSetsMixin,
    ResponsePlansMixin,
    PoliciesMixin,
    TaggingMixin,
    IncidentsMixin,
    TimelineMixin,
    FindingsMixin,
):
    """All Incident Manager state of one account in one partition."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.replication_set: ReplicationSet | None = None
        self.response_plans: dict[str, ResponsePlan] = {}
        self.incidents = IncidentIndex()
        self.tags: dict[str, dict[str, str]] = {}
        self.idempotency: dict[tuple[str, str], tuple[RawRequest, Any]] = {}
        self.automation_executions: dict[str, AutomationExecution] = {}
        self.last_creation_time = 0.0
        self._seq = itertools.count(1)

    def next_seq(self) -> int:
        """A number that orders everything created in this backend."""
        return next(self._seq)

    def clear_incident_manager_data(self) -> None:
        """Forget what DeleteReplicationSet deletes: the set, plans (and their policies), incidents, tags."""
        self.replication_set = None
        self.response_plans.clear()
        self.incidents = IncidentIndex()
        self.tags.clear()
        self.idempotency.clear()


ssmincidents_backends: BackendDict[SSMIncidentsBackend] = BackendDict(
    SSMIncidentsBackend, "ssm-incidents", use_boto3_regions=False, additional_regions=PARTITIONS
)
