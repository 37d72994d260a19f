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

from collections.abc import Iterator

from moto.core.base_backend import BackendDict

from ...core.arns import PARTITIONS
from .findings import FindingOperations
from .incidents import IncidentOperations
from .replication_sets import ReplicationSetOperations
from .response_plans import ResponsePlanOperations
from .tags import TagOperations
from .timeline import AUTOMATIC_PREFIX

__all__ = [
    "AUTOMATIC_PREFIX",
    "PARTITIONS",
    "SSMIncidentsBackend",
    "backend_for",
    "existing_backend",
    "existing_backends",
    "ssmincidents_backends",
]


class SSMIncidentsBackend(
    ReplicationSetOperations, ResponsePlanOperations, TagOperations, IncidentOperations, FindingOperations
):
    """All Incident Manager state of one account in one partition, and the 31 operations on it."""


ssmincidents_backends: BackendDict[SSMIncidentsBackend] = BackendDict(
    SSMIncidentsBackend, "ssm-incidents", use_boto3_regions=False, additional_regions=list(PARTITIONS)
)


def backend_for(account_id: str, partition: str) -> SSMIncidentsBackend:
    """``ssmincidents_backends[account_id][partition]``, made on first use; read directly once it exists.

    moto's ``BackendDict.__getitem__`` takes a lock and scans lists on every lookup to create
    missing backends; that is needed only the first time.
    """
    backend = existing_backend(account_id, partition)
    return backend if backend is not None else ssmincidents_backends[account_id][partition]


def existing_backend(account_id: str, partition: str) -> SSMIncidentsBackend | None:
    """The backend of an account and partition if the mock has made it (none is made)."""
    accounts = dict.get(ssmincidents_backends, account_id)
    return dict.get(accounts, partition) if accounts is not None else None


def existing_backends(partition: str | None = None) -> Iterator[tuple[str, str, SSMIncidentsBackend]]:
    """``(account, partition, backend)`` of every backend that exists (of ``partition`` only, when given).

    None is made, and backends made meanwhile (by other threads) are not waited for.
    """
    for account_id, partitions in list(dict.items(ssmincidents_backends)):
        for name, backend in list(dict.items(partitions)):
            if partition is None or name == partition:
                yield str(account_id), str(name), backend
