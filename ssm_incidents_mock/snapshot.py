"""The whole state as JSON, for debugging, and a reset: what the server's control endpoints answer.

The dump never holds an account's lock for long: it lists the account's records under the lock,
then renders them in small batches, taking the lock again for each batch, so other requests
wait at most one batch (not the whole dump, seconds at 100k incidents). Each record is rendered
consistently; a dump taken while clients write is not a point-in-time copy of all records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from . import seam
from .ssm_incidents import SPEC
from .ssm_incidents.models import SSMIncidentsBackend, ssmincidents_backends

BATCH = 256  # records rendered per hold of the lock
_T = TypeVar("_T")


def reset_state() -> None:
    """Forget every account's Incident Manager data, both services (other moto services are left alone)."""
    from .ssm_contacts.models import ssmcontacts_backends

    with seam.backend_lock():
        ssmincidents_backends.clear()
        ssmcontacts_backends.clear()


def dump_state() -> dict[str, Any]:
    """A read-only JSON view of all state, rendered as the API does: ssm-incidents'
    ``{account: {partition: {...}}}`` and, under ``contacts``, ssm-contacts' ``{account: {region: {...}}}``."""
    accounts: dict[str, Any] = {}
    for account_id, per_partition in list(ssmincidents_backends.items()):
        for partition, backend in list(per_partition.items()):
            accounts.setdefault(account_id, {})[partition] = dump_backend(backend)
    return {"service": SPEC.name, "accounts": accounts, "contacts": dump_contacts()}


def dump_contacts() -> dict[str, Any]:
    """ssm-contacts' part of the dump: ``{"service": ..., "accounts": {account: {region: {...}}}}``."""
    from .ssm_contacts.models import ssmcontacts_backends

    accounts: dict[str, Any] = {}
    for account_id, per_region in list(ssmcontacts_backends.items()):
        for region, backend in list(per_region.items()):
            if backend.contacts or backend.rotations or backend.engagements:
                accounts.setdefault(account_id, {})[region] = _dump_contacts_backend(backend)
    return {"service": "ssm-contacts", "accounts": accounts}


def _render(operation: str, member: str | None, value: Any) -> Any:
    render = SPEC.operations[operation].render
    assert render is not None
    rendered = render({member: value} if member else value)
    return rendered.get(member) if member else rendered


def _batches(items: list[_T]) -> Iterable[list[_T]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _plan_entry(plan: Any) -> dict[str, Any]:
    entry: dict[str, Any] = _render("GetResponsePlan", None, plan)
    if plan.policies:
        entry["resourcePolicies"] = _render("GetResourcePolicies", "resourcePolicies", list(plan.policies.values()))
    return entry


def _incident_entry(record: Any) -> dict[str, Any]:
    entry: dict[str, Any] = _render("GetIncidentRecord", "incidentRecord", record)
    entry["timelineEvents"] = [_render("GetTimelineEvent", "event", event) for event in record.events()]
    entry["relatedItems"] = _render("ListRelatedItems", "relatedItems", list(record.related_items)) or []
    return entry


def dump_backend(backend: SSMIncidentsBackend) -> dict[str, Any]:
    """One account and partition, rendered in batches (see the module docstring)."""
    lock = backend.lock
    with lock:
        replication_set = backend.replication_set
        replication = _render("GetReplicationSet", "replicationSet", replication_set) if replication_set else None
        plans = list(backend.response_plans.values())
        records = list(backend.incidents.by_arn.values())
        tagged = list(backend.tags.items())
    plan_entries: list[dict[str, Any]] = []
    for batch in _batches(plans):
        with lock:
            plan_entries.extend(_plan_entry(plan) for plan in batch)
    incident_entries: list[dict[str, Any]] = []
    for record_batch in _batches(records):
        with lock:
            incident_entries.extend(_incident_entry(record) for record in record_batch)
    tags: dict[str, dict[str, str]] = {}
    for tag_batch in _batches(tagged):
        with lock:
            tags.update((arn, dict(resource_tags)) for arn, resource_tags in tag_batch)
    return {
        "replicationSet": replication,
        "responsePlans": plan_entries,
        "incidentRecords": incident_entries,
        "tags": tags,
    }


def _contacts_render(operation: str, record: Any) -> dict[str, Any]:
    from .ssm_contacts import SPEC as CONTACTS

    op = CONTACTS.operations[operation]
    assert op.render is not None
    rendered: dict[str, Any] = op.render(op.output(record))
    return rendered


def _contact_entry(contact: Any) -> dict[str, Any]:
    entry = _contacts_render("GetContact", contact)
    entry["ContactChannels"] = [_contacts_render("GetContactChannel", c) for c in contact.channels.values()]
    if contact.policy:
        entry["Policy"] = contact.policy
    return entry


def _rotation_entry(rotation: Any) -> dict[str, Any]:
    entry = _contacts_render("GetRotation", rotation)
    entry["Overrides"] = [_contacts_render("GetRotationOverride", o) for o in rotation.overrides.values()]
    return entry


def _engagement_entry(engagement: Any) -> dict[str, Any]:
    entry = _contacts_render("DescribeEngagement", engagement)
    entry["Pages"] = [_contacts_render("DescribePage", page) for page in engagement.pages]
    return entry


def _dump_contacts_backend(backend: Any) -> dict[str, Any]:
    """One account and region of ssm-contacts, brought up to the current time and rendered in batches."""
    lock = backend.lock
    with lock:
        backend.settle()  # what any read does first: the stages due by now have fired
        contacts = list(backend.contacts.values())
        rotations = list(backend.rotations.values())
        engagements = list(backend.engagements.values())
        tagged = list(backend.tags.items())
    entries: dict[str, list[dict[str, Any]]] = {"Contacts": [], "Rotations": [], "Engagements": []}
    for batch in _batches(contacts):
        with lock:
            entries["Contacts"].extend(_contact_entry(contact) for contact in batch)
    for rotation_batch in _batches(rotations):
        with lock:
            entries["Rotations"].extend(_rotation_entry(rotation) for rotation in rotation_batch)
    for engagement_batch in _batches(engagements):
        with lock:
            entries["Engagements"].extend(_engagement_entry(engagement) for engagement in engagement_batch)
    with lock:
        tags = {arn: dict(resource_tags) for arn, resource_tags in tagged}
    return {**entries, "Tags": tags}
