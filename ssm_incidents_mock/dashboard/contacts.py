"""What the ssm-contacts pages show, copied out of the backends (one per account and region).

As for the incident pages (``incidents.py``), each function copies under the backend's lock and
long lists are capped. Engagements are brought up to now first, as DescribeEngagement does, so
the pages that are due have gone out. Who is on call comes from the backend's shifts (what
ListRotationShifts answers); while the shift engine is not available (it raises
``NotImplementedError``) the pages say so instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..core import clock
from ..core.context import RequestContext
from ..ssm_contacts.models import SSMContactsBackend, ssmcontacts_backends
from ..ssm_contacts.records import ONCALL_SCHEDULE, Contact, ContactChannel, Engagement, Page, Rotation, arn_kind
from .incidents import MAX_ITEMS, Capped, capped

MAX_CONTACTS = 200  # contacts and rotations listed on a region's page, by alias and name
MAX_PAGES = 100  # pages shown on an engagement's page and newest pages on a contact's page
OnCall = tuple[str, ...] | None  # aliases (or ARNs) on call now; None: the shift engine is not available


def backends() -> list[tuple[str, str, SSMContactsBackend]]:
    """Every account and region holding a contacts backend (nothing is created by looking)."""
    found = [
        (str(account_id), str(region), backend)
        for account_id, per_region in list(dict.items(ssmcontacts_backends))
        for region, backend in list(dict.items(per_region))
    ]
    return sorted(found, key=lambda entry: entry[:2])


def backend(account: str, region: str) -> SSMContactsBackend | None:
    per_region = dict.get(ssmcontacts_backends, account)
    return dict.get(per_region, region) if per_region is not None else None


def backend_of(arn: str) -> tuple[str, str, SSMContactsBackend] | None:
    """The account, region and backend an ssm-contacts ARN belongs to."""
    parts = arn_kind(arn)
    if parts is None:
        return None
    _, region, account, _, _ = parts
    found = backend(account, region)
    return (account, region, found) if found is not None else None


@dataclass(frozen=True, slots=True)
class Region:
    account: str
    region: str
    contacts: int
    rotations: int
    engagements: int
    running: int


def regions() -> tuple[Region, ...]:
    """One row per account and region holding contacts, rotations or engagements."""
    rows = []
    for account, region, found in backends():
        with found.lock:
            counts = (len(found.contacts), len(found.rotations), len(found.engagements))
            running = sum(1 for e in found.engagements.values() if e.stop_time is None)  # not stopped yet
        if any(counts):
            rows.append(Region(account, region, *counts, running))
    return tuple(rows)


# --- who is on call -----------------------------------------------------------------------------


def _rotation_on_call(backend: SSMContactsBackend, rotation: Rotation, now: float) -> list[str]:
    """The members on call at ``now``, as ListRotationShifts computes the rotation's shifts."""
    ctx = RequestContext(backend.account_id, backend.region_name)
    shifts, _ = backend.list_rotation_shifts(ctx, rotation.rotation_arn, end_time=now + 1.0, start_time=now)
    on_call = (c for s in shifts if s["StartTime"] <= now < s["EndTime"] for c in s.get("ContactIds") or ())
    return list(dict.fromkeys(on_call))


def _aliases(backend: SSMContactsBackend, arns: Iterable[str]) -> tuple[str, ...]:
    found = backend.contacts
    return tuple(found[arn].alias if arn in found else arn for arn in arns)


def rotation_on_call(backend: SSMContactsBackend, rotation: Rotation, now: float) -> OnCall:
    try:
        return _aliases(backend, _rotation_on_call(backend, rotation, now))
    except NotImplementedError:
        return None


def schedule_on_call(backend: SSMContactsBackend, schedule: Contact, now: float) -> OnCall:
    try:
        return _aliases(backend, backend.on_call(schedule, now))
    except NotImplementedError:
        return None


def _advance(backend: SSMContactsBackend, engagement: Engagement | None = None) -> None:
    """Send what is due by now (in one engagement, or in all); reaching an on-call schedule needs the shift engine."""
    try:
        if engagement is None:
            backend.settle()
        else:
            backend.advance(engagement)
    except NotImplementedError:
        pass


# --- a region's contacts, rotations and engagements -----------------------------------------------


def _recurrence(recurrence: dict[str, Any]) -> str:
    """A rotation's recurrence in a few words: ``2 on call, every 1 week: MON 09:00, THU 09:00``."""

    def hand_off(time_of_day: dict[str, int]) -> str:
        return f"{time_of_day.get('HourOfDay', 0):02d}:{time_of_day.get('MinuteOfHour', 0):02d}"

    every = recurrence.get("RecurrenceMultiplier", 1)
    if recurrence.get("WeeklySettings"):
        unit = "week"
        when = [f"{s.get('DayOfWeek')} {hand_off(s.get('HandOffTime', {}))}" for s in recurrence["WeeklySettings"]]
    elif recurrence.get("MonthlySettings"):
        unit = "month"
        when = [
            f"day {s.get('DayOfMonth')} {hand_off(s.get('HandOffTime', {}))}" for s in recurrence["MonthlySettings"]
        ]
    else:
        unit = "day"
        when = [hand_off(t) for t in recurrence.get("DailySettings") or ()]
    coverage = " (set hours)" if recurrence.get("ShiftCoverages") else ""
    return f"{recurrence.get('NumberOfOnCalls', 1)} on call, every {every} {unit}: {', '.join(when)}{coverage}"


@dataclass(frozen=True, slots=True)
class ContactRow:
    arn: str
    alias: str
    display_name: str | None
    contact_type: str
    channels: int
    stages: int
    rotations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RotationRow:
    arn: str
    name: str
    members: tuple[str, ...]
    time_zone: str
    start: float
    recurrence: str
    overrides: int
    on_call: OnCall


@dataclass(frozen=True, slots=True)
class EngagementRow:
    arn: str
    contact: str
    sender: str | None
    subject: str | None
    incident: str | None
    started: float
    stopped: float | None
    pages: int


@dataclass(frozen=True, slots=True)
class RegionPage:
    account: str
    region: str
    onboarded: bool
    contacts: Capped[ContactRow]
    rotations: Capped[RotationRow]
    engagements: Capped[EngagementRow]


def _contact_row(backend: SSMContactsBackend, contact: Contact) -> ContactRow:
    names = tuple(backend.rotations[r].name if r in backend.rotations else r for r in contact.rotation_ids)
    return ContactRow(
        contact.contact_arn,
        contact.alias,
        contact.display_name,
        contact.type,
        len(contact.channels),
        len(contact.stages),
        names,
    )


def _rotation_row(backend: SSMContactsBackend, rotation: Rotation, now: float) -> RotationRow:
    return RotationRow(
        rotation.rotation_arn,
        rotation.name,
        _aliases(backend, rotation.contact_ids),
        rotation.time_zone_id,
        rotation.start_time,
        _recurrence(rotation.recurrence),
        len(rotation.overrides),
        rotation_on_call(backend, rotation, now),
    )


def _engagement_row(backend: SSMContactsBackend, engagement: Engagement) -> EngagementRow:
    _advance(backend, engagement)
    return EngagementRow(
        engagement.engagement_arn,
        _aliases(backend, [engagement.contact_arn])[0],
        engagement.sender,
        engagement.subject,
        engagement.incident_id,
        engagement.start_time,
        engagement.stop_time,
        len(engagement.pages),
    )


def region_page(account: str, region: str, backend: SSMContactsBackend) -> RegionPage:
    """The region's contacts by alias, rotations by name, and newest engagements."""
    now = clock.now()
    with backend.lock:
        contacts = sorted(backend.contacts.values(), key=lambda c: c.alias)
        rotations = sorted(backend.rotations.values(), key=lambda r: (r.name, r.rotation_arn))
        newest = [backend.engagements[arn] for _, _, arn in reversed(backend.engagement_order[-MAX_ITEMS:])]
        return RegionPage(
            account,
            region,
            backend.onboarded(),
            capped((_contact_row(backend, c) for c in contacts), len(contacts), MAX_CONTACTS),
            capped((_rotation_row(backend, r, now) for r in rotations), len(rotations), MAX_CONTACTS),
            Capped(tuple(_engagement_row(backend, e) for e in newest), len(backend.engagement_order)),
        )


# --- one contact -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Channel:
    arn: str
    name: str
    channel_type: str
    address: str
    status: str


@dataclass(frozen=True, slots=True)
class Target:
    kind: str  # channel or contact
    name: str
    arn: str
    detail: str  # retry interval, or whether the contact is essential


@dataclass(frozen=True, slots=True)
class Stage:
    number: int
    duration: int
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class PageRow:
    arn: str
    engagement: str
    contact: str
    channel: str
    sent: float
    delivered: float | None
    read: float | None
    receipts: tuple[tuple[str, float, str | None], ...]
    resolution: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContactPage:
    account: str
    region: str
    row: ContactRow
    channels: tuple[Channel, ...]
    stages: tuple[Stage, ...]
    rotations: tuple[RotationRow, ...]
    on_call: OnCall
    tags: tuple[tuple[str, str], ...]
    pages: Capped[PageRow]


def _channel(channel: ContactChannel) -> Channel:
    address = next(iter(channel.delivery_address.values()), "")
    return Channel(channel.contact_channel_arn, channel.name, channel.type, address, channel.activation_status)


def _channel_name(backend: SSMContactsBackend, arn: str) -> str:
    channel = backend.channels.get(arn)
    return channel.name if channel is not None else arn


def _target(backend: SSMContactsBackend, target: dict[str, Any]) -> Target:
    if "ChannelTargetInfo" in target:
        info = target["ChannelTargetInfo"]
        arn = info.get("ContactChannelId", "")
        retry = info.get("RetryIntervalInMinutes")
        return Target("channel", _channel_name(backend, arn), arn, f"retry every {retry} min" if retry else "")
    info = target.get("ContactTargetInfo", {})
    arn = info.get("ContactId", "")
    return Target("contact", _aliases(backend, [arn])[0], arn, "essential" if info.get("IsEssential") else "")


def _stages(backend: SSMContactsBackend, contact: Contact) -> tuple[Stage, ...]:
    return tuple(
        Stage(number, stage.get("DurationInMinutes", 0), tuple(_target(backend, t) for t in stage.get("Targets", ())))
        for number, stage in enumerate(contact.stages, start=1)
    )


def _page_row(backend: SSMContactsBackend, page: Page) -> PageRow:
    receipts = tuple((r.receipt_type, r.receipt_time, r.receipt_info) for r in page.receipts)
    path = tuple(_aliases(backend, [step.get("ContactArn", "")])[0] for step in page.resolution)
    return PageRow(
        page.page_arn,
        page.engagement_arn,
        _aliases(backend, [page.contact_arn])[0],
        _channel_name(backend, page.contact_channel_arn),
        page.sent_time,
        page.delivery_time,
        page.read_time,
        receipts,
        path,
    )


def contact_page(account: str, region: str, backend: SSMContactsBackend, arn: str) -> ContactPage | None:
    """A contact with its channels, plan stages (or rotations and who is on call) and newest pages."""
    now = clock.now()
    with backend.lock:
        contact = backend.contacts.get(arn)
        if contact is None:
            return None
        _advance(backend)
        schedule = [backend.rotations[r] for r in contact.rotation_ids if r in backend.rotations]
        rotations = tuple(_rotation_row(backend, rotation, now) for rotation in schedule)
        on_call = schedule_on_call(backend, contact, now) if contact.type == ONCALL_SCHEDULE else ()
        pages = backend.pages_by_contact.get(arn, [])
        return ContactPage(
            account,
            region,
            _contact_row(backend, contact),
            tuple(_channel(c) for c in sorted(contact.channels.values(), key=lambda c: c.seq)),
            _stages(backend, contact),
            rotations,
            on_call,
            tuple(sorted(backend.tags.get(arn, {}).items())),
            Capped(tuple(_page_row(backend, p) for p in reversed(pages[-MAX_PAGES:])), len(pages)),
        )


# --- one engagement --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngagementPage:
    account: str
    region: str
    row: EngagementRow
    contact_arn: str
    content: str | None
    public_subject: str | None
    public_content: str | None
    stop_reason: str | None
    pages: Capped[PageRow]


def engagement_page(account: str, region: str, backend: SSMContactsBackend, arn: str) -> EngagementPage | None:
    """An engagement and the pages it has sent so far, in the order they went out."""
    with backend.lock:
        engagement = backend.engagements.get(arn)
        if engagement is None:
            return None
        row = _engagement_row(backend, engagement)
        pages = engagement.pages
        return EngagementPage(
            account,
            region,
            row,
            engagement.contact_arn,
            engagement.content,
            engagement.public_subject,
            engagement.public_content,
            engagement.stop_reason,
            capped((_page_row(backend, p) for p in pages), len(pages), MAX_PAGES),
        )
