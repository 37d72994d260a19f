"""The ssm-contacts backend: one per account and region, held in a moto ``BackendDict``.

Contacts ARNs carry their region (``arn:aws:ssm-contacts:us-east-2:111122223333:contact/akuam``)
and aliases are unique per account and region, so unlike ssm-incidents the state is regional.
Each operation is the method ``botocore.xform_name(<Operation>)`` and takes the caller's
:class:`RequestContext` first, then the validated input members by their ``xform_name``; it
returns nothing (empty output), ``(items, next_token)`` (paginated), the one member's value, or
an object whose attributes are the output members. The caller holds ``lock`` around each call.

Onboarding is ssm-incidents': the account's replication set must cover the region
(:func:`incident_manager_ready`). The ssm-incidents side calls :func:`engage_for_incident` when an
incident starts, :func:`incident_timeline` to read the page events of its engagements, and
:func:`delete_account_data` when the replication set goes. Lock order: an ssm-incidents backend's
lock may be held while a contacts lock is taken, never the other way round (the onboarding check
reads the replication set without its lock).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from moto.core.base_backend import BackendDict

from ..core.arns import parse_arn
from ..core.context import RequestContext
from ..ssm_incidents import effects as incidents_effects
from .channels import MAX_CHANNELS_PER_CONTACT, ChannelOperations
from .contacts import (
    MAX_ROTATIONS_PER_SCHEDULE,
    MAX_STAGES,
    MAX_TARGETS_PER_STAGE,
    ROTATION_MEMBER,
    ContactOperations,
)
from .oncall import MAX_OVERRIDES_PER_ROTATION, OnCallOperations
from .pages import ACKNOWLEDGEMENT_EVENT, PAGE_EVENT, PageOperations
from .policies import MAX_TAGS_PER_RESOURCE, PolicyAndTagOperations, contact_allows
from .records import arn_kind
from .state import DEFAULT_PAGE_SIZE, NOT_ONBOARDED, SERVICE_NAME, incident_manager_ready, rotation_on_call

__all__ = [
    "ACKNOWLEDGEMENT_EVENT",
    "DEFAULT_PAGE_SIZE",
    "INCIDENT_SENDER",
    "MAX_CHANNELS_PER_CONTACT",
    "MAX_OVERRIDES_PER_ROTATION",
    "MAX_ROTATIONS_PER_SCHEDULE",
    "MAX_STAGES",
    "MAX_TAGS_PER_RESOURCE",
    "MAX_TARGETS_PER_STAGE",
    "NOT_ONBOARDED",
    "PAGE_EVENT",
    "ROTATION_MEMBER",
    "SERVICE_NAME",
    "IncidentEngagement",
    "SSMContactsBackend",
    "contact_allows",
    "contacts_backend",
    "delete_account_data",
    "engage_for_incident",
    "existing_backend",
    "existing_backends",
    "incident_manager_ready",
    "incident_message",
    "incident_timeline",
    "rotation_on_call",
    "ssmcontacts_backends",
]

INCIDENT_SENDER = "Incident Manager"


class SSMContactsBackend(
    ContactOperations, ChannelOperations, PageOperations, OnCallOperations, PolicyAndTagOperations
):
    """All Incident Manager Contacts state of one account in one region, and the 39 operations on it."""


# --- the backends and what other parts of the package call --------------------------------------


def contacts_backend(account_id: str, region: str) -> SSMContactsBackend | None:
    """``ssmcontacts_backends[account_id][region]`` (created on first use); None for a region without the service."""
    accounts = dict.get(ssmcontacts_backends, account_id)
    backend = dict.get(accounts, region) if accounts is not None else None
    if backend is not None:
        return backend
    regional = ssmcontacts_backends[account_id]
    return regional[region] if region in regional else None


def code_for(arn: str) -> str | None:
    """The latest activation code sent to a contact channel, or the accept code of a page, by its ARN."""
    parsed = parse_arn(arn)
    backend = existing_backend(parsed.account, parsed.region) if parsed is not None else None
    if backend is None:
        return None
    return backend.activation_code(arn) or backend.accept_code(arn)


def existing_backend(account_id: str, region: str) -> SSMContactsBackend | None:
    """The backend of an account and region if the mock has made it (none is made)."""
    accounts = dict.get(ssmcontacts_backends, account_id)
    return dict.get(accounts, region) if accounts is not None else None


def existing_backends(region: str) -> Iterator[tuple[str, SSMContactsBackend]]:
    """``(account, backend)`` of every backend of ``region`` that exists; none is made, and backends made
    meanwhile (by other threads) are not waited for."""
    for account_id, regions in list(dict.items(ssmcontacts_backends)):
        backend = dict.get(regions, region)
        if backend is not None:
            yield str(account_id), backend


def delete_account_data(account_id: str, partition: str) -> None:
    """What DeleteReplicationSet deletes of Contacts: every contact, channel, rotation, engagement and page
    of the account in every region of the partition."""
    accounts = dict.get(ssmcontacts_backends, account_id)
    for backend in list(dict.values(accounts)) if accounts is not None else ():
        if backend.partition == partition:
            with backend.lock:
                backend.delete_all_data()


class IncidentEngagement:
    """An engagement an incident started: the contact, the engagement, and the timeline events so far."""

    __slots__ = ("contact_arn", "engagement_arn", "timeline_events")

    def __init__(self, contact_arn: str, engagement_arn: str, timeline_events: list[dict[str, Any]]) -> None:
        self.contact_arn = contact_arn
        self.engagement_arn = engagement_arn
        self.timeline_events = timeline_events


def incident_message(incident_arn: str, title: str, impact: int, summary: str | None = None) -> dict[str, str | None]:
    """What Incident Manager sends for an incident (AWS's wording is not published)."""
    content = f"Incident: {title}\nImpact: {impact}\nIncident record: {incident_arn}"
    if summary:
        content += f"\nSummary: {summary}"
    return {
        "sender": INCIDENT_SENDER,
        "subject": title,
        "content": content,
        "public_subject": title,
        "public_content": f"Incident Manager engaged you for the incident {title} (impact {impact}).",
    }


def engage_for_incident(
    ctx: RequestContext,
    incident_arn: str,
    contact_arns: Iterable[str],
    title: str,
    impact: int,
    summary: str | None = None,
) -> list[IncidentEngagement]:
    """Start one engagement per contact a new incident's response plan names (IncidentId = the incident ARN).

    ``ctx`` is the incident's caller. A contact that does not exist (or is not onboarded, or is another
    account's and not shared with the caller for StartEngagement) is skipped, as AWS skips contacts
    deleted from a plan. Each contact's backend lock is taken in turn.
    """
    message = incident_message(incident_arn, title, impact, summary)
    started: list[IncidentEngagement] = []
    for contact_arn in dict.fromkeys(contact_arns):
        parts = arn_kind(contact_arn)
        if parts is None or parts[3] != "contact":
            continue
        backend = contacts_backend(parts[2], parts[1]) if parts[0] == ctx.partition else None
        if backend is None:
            continue
        with backend.lock:
            contact = backend.contacts.get(contact_arn)
            if contact is None or not backend.onboarded():
                continue
            if backend.account_id != ctx.account_id and not contact_allows(contact, ctx, "StartEngagement"):
                continue
            engagement = backend.engage(contact, message, incident_arn)
            events = backend.timeline_events(engagement)
        started.append(IncidentEngagement(contact_arn, engagement.engagement_arn, events))
    return started


def incident_timeline(engagement_arns: Iterable[str]) -> list[dict[str, Any]]:
    """The timeline events of these engagements as of now (see ``SSMContactsBackend.timeline_events``),
    in time order; an engagement that no longer exists contributes nothing."""
    events: list[dict[str, Any]] = []
    for arn in engagement_arns:
        parts = arn_kind(arn)
        backend = existing_backend(parts[2], parts[1]) if parts is not None else None
        if backend is None:
            continue
        with backend.lock:
            engagement = backend.engagements.get(arn)
            if engagement is not None:
                events.extend(backend.timeline_events(engagement))
    events.sort(key=lambda e: e["eventTime"])
    return events


ssmcontacts_backends: BackendDict[SSMContactsBackend] = BackendDict(SSMContactsBackend, SERVICE_NAME)


class _ForIncidents:
    """What ssm-incidents asks of Contacts (``ssm_incidents.effects.ContactsHook``)."""

    def engage(self, ctx: RequestContext, record: Any, contact_arns: list[str]) -> dict[str, str]:
        started = engage_for_incident(ctx, record.arn, contact_arns, record.title, record.impact, record.summary)
        return {engagement.contact_arn: engagement.engagement_arn for engagement in started}

    def page_events(self, engagement_arns: list[str]) -> list[dict[str, Any]]:
        return incident_timeline(engagement_arns)

    def forget_account(self, account_id: str, partition: str) -> None:
        delete_account_data(account_id, partition)


incidents_effects.contacts = _ForIncidents()
