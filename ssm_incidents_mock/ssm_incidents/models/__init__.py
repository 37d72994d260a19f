"""The Incident Manager backend: one per account and partition, held in a moto ``BackendDict``.

Incident Manager data is account-wide (its ARNs have an empty region field) and replicated to the
regions of the account's replication set, so the backend is keyed by partition rather than by
region; which regions see the data is decided per call (``visible``). Each operation is the method
``botocore.xform_name(<Operation>)`` and takes the caller's :class:`RequestContext` first, then
the validated input members by their ``xform_name``. The operations come in groups, a module each
(as moto splits its larger backends): the state and shared rules in ``state.py``, the replication
set, response plans, tags, incident records, their timeline and related items, and findings. The
records live in ``records/``.
"""

from __future__ import annotations

from moto.core.base_backend import BackendDict

from .findings import FindingOperations
from .incidents import IncidentOperations
from .replication_sets import ReplicationSetOperations
from .response_plans import ResponsePlanOperations
from .tags import TagOperations
from .timeline import AUTOMATIC_PREFIX

__all__ = ["AUTOMATIC_PREFIX", "PARTITIONS", "SSMIncidentsBackend", "ssmincidents_backends"]

# The partitions the model's ARN patterns allow (``^arn:aws(-cn|-us-gov)?:``): the service exists there only.
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


class SSMIncidentsBackend(
    ReplicationSetOperations, ResponsePlanOperations, TagOperations, IncidentOperations, FindingOperations
):
    """All Incident Manager state of one account in one partition, and the 31 operations on it."""


ssmincidents_backends: BackendDict[SSMIncidentsBackend] = BackendDict(
    SSMIncidentsBackend, "ssm-incidents", use_boto3_regions=False, additional_regions=list(PARTITIONS)
)
