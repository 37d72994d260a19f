"""What the ssm-incidents pages show, copied out of the backends as plain frozen records.

Each function takes a backend's lock once, copies the few fields a page shows, and lets go; the
templates then render the copy. Long lists are capped (newest first) and carry their full count,
so a page costs the same with ten related items or ten thousand, and the copy is all the ETag
needs (``repr`` of the copy changes exactly when what the page shows changes).

Record updates are read as the backend keeps them (:class:`RecordUpdate`), never from the
``eventData`` text rendered from them. Other event data is shown as its text; a JSON string
(``"Paged the on-call"``, as the CLI writes event data) shows as the string it holds.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..config import settings
from ..core.wire.codec import compact, decode
from ..ssm_incidents.access import plan_of_record
from ..ssm_incidents.filters import Filter
from ..ssm_incidents.models import AUTOMATIC_PREFIX, PARTITIONS, SSMIncidentsBackend, ssmincidents_backends
from ..ssm_incidents.records import IncidentRecord, RecordUpdate, TimelineEvent, plan_name

S = TypeVar("S")
T = TypeVar("T")

PAGE_SIZE = 50  # incidents per overview page
MAX_EVENTS = 500  # newest timeline events shown on an incident page
MAX_ITEMS = 100  # newest related items, findings and automation executions shown
MAX_PLANS = 200  # response plans shown on an overview, by name
STATUSES = ("OPEN", "RESOLVED")


@dataclass(frozen=True, slots=True)
class Capped(Generic[T]):
    """The first ``len(shown)`` of ``total`` items (the rest are left out, said in a note)."""

    shown: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


def capped(items: Iterable[T], total: int, limit: int) -> Capped[T]:
    shown: list[T] = []
    for item in items:
        if len(shown) == limit:
            break
        shown.append(item)
    return Capped(tuple(shown), total)


# --- accounts -----------------------------------------------------------------------------------


def backends() -> list[tuple[str, str, SSMIncidentsBackend]]:
    """Every account and partition that exists (nothing is created by looking)."""
    found = [
        (str(account_id), str(partition), backend)
        for account_id, per_partition in list(dict.items(ssmincidents_backends))
        for partition, backend in list(dict.items(per_partition))
    ]
    return sorted(found, key=lambda entry: (entry[0], PARTITIONS.index(entry[1]) if entry[1] in PARTITIONS else 9))


def backend(account: str, partition: str) -> SSMIncidentsBackend | None:
    per_partition = dict.get(ssmincidents_backends, account)
    return dict.get(per_partition, partition) if per_partition is not None else None


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    status: str
    kms_key: str
    message: str | None
    updated: float


@dataclass(frozen=True, slots=True)
class ReplicationSet:
    arn: str
    status: str
    deletion_protected: bool
    created_by: str
    created: float
    modified: float
    regions: tuple[Region, ...]


def replication_set(backend: SSMIncidentsBackend) -> ReplicationSet | None:
    """The set with the statuses the next GetReplicationSet answers (looking does not count as a read)."""
    rs = backend.replication_set
    if rs is None:
        return None
    regions = tuple(
        Region(name, info.lifecycle.current, info.sse_kms_key_id, info.status_message, info.status_update_date_time)
        for name, info in sorted(rs.region_map.items())
    )
    return ReplicationSet(
        rs.arn, rs.current_status, rs.deletion_protected, rs.created_by, rs.created_time, rs.last_modified_time, regions
    )


def visible_regions(rs: ReplicationSet | None) -> str:
    if rs is not None:
        return ", ".join(r.name for r in rs.regions)
    return "none (strict mode: no replication set)" if settings.strict_replication_set else "every region"


@dataclass(frozen=True, slots=True)
class Account:
    account: str
    partition: str
    regions: str
    replication_set: ReplicationSet | None
    plans: int
    incidents: int
    open: int


def accounts() -> tuple[Account, ...]:
    """One row per account and partition holding Incident Manager data."""
    rows = []
    for account, partition, found in backends():
        with found.lock:
            rs = replication_set(found)
            plans = len(found.response_plans)
            incidents = len(found.incidents)
            open_count = len(found.incidents.by_status.get("OPEN", ()))
        if rs is not None or plans or incidents:
            rows.append(Account(account, partition, visible_regions(rs), rs, plans, incidents, open_count))
    return tuple(rows)


# --- account overview ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    arn: str
    name: str
    display_name: str | None
    title: str
    impact: int
    runbooks: tuple[str, ...]
    engagements: int
    chat: int
    integrations: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    policies: int

    @property
    def reach(self) -> str:
        """Engagements, chat, integrations and policies in a few words."""
        parts = (
            f"{self.engagements} engagement(s)" if self.engagements else "",
            f"{self.chat} chat topic(s)" if self.chat else "",
            ", ".join(self.integrations),
            f"{self.policies} resource policy(ies)" if self.policies else "",
        )
        return ", ".join(part for part in parts if part) or "—"


@dataclass(frozen=True, slots=True)
class Row:
    arn: str
    seq: int
    title: str
    status: str
    impact: int
    plan: str
    created: float
    resolved: float | None


@dataclass(frozen=True, slots=True)
class Overview:
    account: str
    partition: str
    replication_set: ReplicationSet | None
    visible_regions: str
    plans: Capped[Plan]
    rows: tuple[Row, ...]
    more: bool
    total: int
    by_status: tuple[tuple[str, int], ...]

    def count(self, status: str) -> int:
        return dict(self.by_status).get(status, 0)


def _tags(backend: SSMIncidentsBackend, arn: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(backend.tags.get(arn, {}).items()))


def row(record: IncidentRecord) -> Row:
    return Row(
        record.arn,
        record.seq,
        record.title,
        record.status,
        record.impact,
        plan_name(record.arn),
        record.creation_time,
        record.resolved_time,
    )


def _plan(backend: SSMIncidentsBackend, arn: str) -> Plan:
    plan = backend.response_plans[arn]
    template = plan.incident_template
    runbooks = tuple(a["ssmAutomation"]["documentName"] for a in plan.actions or () if "ssmAutomation" in a)
    integrations = tuple(
        str(i["pagerDutyConfiguration"].get("name", "PagerDuty"))
        for i in plan.integrations or ()
        if "pagerDutyConfiguration" in i
    )
    return Plan(
        arn,
        plan.name,
        plan.display_name,
        template.get("title", ""),
        template.get("impact", 0),
        runbooks,
        len(plan.engagements or ()),
        len(plan.chatbot_sns or ()),
        integrations,
        _tags(backend, arn),
        len(plan.policies),
    )


def overview(
    account: str, partition: str, backend: SSMIncidentsBackend, filters: list[Filter], before: int | None
) -> Overview:
    """One page of an account's overview: ``PAGE_SIZE`` incidents older than ``before``, newest first."""
    rows: list[Row] = []
    more = False
    with backend.lock:
        rs = replication_set(backend)
        names = sorted((plan.name, arn) for arn, plan in backend.response_plans.items())
        plans = capped((_plan(backend, arn) for _, arn in names), len(names), MAX_PLANS)
        index = backend.incidents
        for record in index.newest_first(filters, before):
            if len(rows) == PAGE_SIZE:
                more = True
                break
            rows.append(row(record))
        total = len(index)
        by_status = tuple((status, len(index.by_status.get(status, ()))) for status in STATUSES)
    return Overview(account, partition, rs, visible_regions(rs), plans, tuple(rows), more, total, by_status)


# --- incident page ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    attribute: str
    value: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    added: bool
    item_type: str
    value: str


@dataclass(frozen=True, slots=True)
class Update:
    """What an ``SSM Incident Record Update`` event says, from the backend's structured record."""

    modified_by: str
    changes: tuple[Change, ...]
    item: ItemChange | None


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    time: float
    edited: float | None  # when a caller's event was edited after it was written
    event_type: str
    kind: str  # auto, note or custom
    text: str | None
    is_json: bool
    update: Update | None
    references: tuple[str, ...]

    @property
    def label(self) -> str:
        return {"auto": "Automatic", "note": "Note"}.get(self.kind, "Custom event")


@dataclass(frozen=True, slots=True)
class Item:
    item_type: str
    value: str
    title: str | None


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # cloudFormationStackUpdate or codeDeployDeployment
    resource: str
    group: str | None
    started: float | None
    ended: float | None
    found: float


@dataclass(frozen=True, slots=True)
class Execution:
    arn: str
    document: str | None
    version: str | None
    status: str | None
    started: float | None
    parameters: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Incident:
    account: str
    partition: str
    row: Row
    summary: str | None
    created_by: str
    modified_by: str
    modified: float
    dedupe: str
    source: str | None
    trigger: str | None
    chat: tuple[str, ...]
    targets: tuple[str, ...]
    events: Capped[Event]
    items: Capped[Item]
    findings: Capped[Finding]
    executions: Capped[Execution]
    engagements: tuple[str, ...]
    tags: tuple[tuple[str, str], ...]
    plan_display: str | None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else compact(value)


def _update(data: RecordUpdate) -> Update:
    item = data.item
    shown = None if item is None else ItemChange(data.item_added, item.item_type, _text(item.value))
    return Update(data.modified_by, tuple(Change(name, value) for name, value in data.changes), shown)


def event_text(text: str) -> str:
    """Event data as people read it: the string a JSON string holds, else the text itself."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            value = decode(text)  # one string: no nesting to recurse into
        except ValueError:
            return text
        if isinstance(value, str):
            return value
    return text


def _kind(event_type: str) -> str:
    if event_type.startswith(AUTOMATIC_PREFIX):
        return "auto"
    return "note" if event_type == "Note" else "custom"


def _event(event: TimelineEvent) -> Event:
    data = event.data
    kind = _kind(event.event_type)
    edited = event.event_updated_time if kind != "auto" and event.event_updated_time - event.event_time > 1 else None
    references = tuple(str(v) for ref in event.event_references or () for v in ref.values())
    if isinstance(data, RecordUpdate):
        return Event(
            event.event_id, event.event_time, edited, event.event_type, kind, None, False, _update(data), references
        )
    text = event_text(data)
    is_json = text is data and text[:1] in ("{", "[")
    return Event(event.event_id, event.event_time, edited, event.event_type, kind, text, is_json, None, references)


def _finding(finding: Any) -> Finding:
    ((kind, details),) = finding.details.items()
    if kind == "cloudFormationStackUpdate":
        resource, group = details.get("stackArn", ""), None
    else:
        resource, group = details.get("deploymentId", ""), details.get("deploymentGroupArn", "")
    return Finding(kind, resource, group, details.get("startTime"), details.get("endTime"), finding.creation_time)


def _execution(backend: SSMIncidentsBackend, entry: dict[str, str]) -> Execution:
    arn = entry.get("ssmExecutionArn", "")
    execution = backend.automation_executions.get(arn.rsplit("/", 1)[-1])
    if execution is None:
        return Execution(arn, None, None, None, None, ())
    parameters = tuple((name, ", ".join(values)) for name, values in sorted(execution.parameters.items()))
    return Execution(
        arn, execution.document_name, execution.document_version, execution.status, execution.start_time, parameters
    )


def _newest(items: Sequence[S], copy: Callable[[S], T], limit: int = MAX_ITEMS) -> Capped[T]:
    """The last ``limit`` of ``items`` (the newest: lists grow at the end), newest first, copied."""
    return Capped(tuple(copy(item) for item in reversed(items[-limit:])), len(items))


def incident(account: str, partition: str, backend: SSMIncidentsBackend, arn: str) -> Incident | None:
    """An incident's page, copied under the backend's lock (None when there is no such record).

    The timeline is brought up to now first, as ListTimelineEvents does (contacts' page events)."""
    with backend.lock:
        record = backend.incidents.get(arn)
        if record is None:
            return None
        backend._add_page_events(record)
        events = record.events()
        newest = heapq.nlargest(MAX_EVENTS, events, key=lambda e: (e.event_time, e.number))
        plan = backend.response_plans.get(plan_of_record(arn) or "")
        source = record.incident_record_source
        return Incident(
            account=account,
            partition=partition,
            row=row(record),
            summary=record.summary,
            created_by=record.created_by,
            modified_by=record.last_modified_by,
            modified=record.last_modified_time,
            dedupe=record.dedupe_string,
            source=source.get("source"),
            trigger=source.get("resourceArn"),
            chat=tuple((record.chat_channel or {}).get("chatbotSns", ())),
            targets=tuple(t.get("snsTopicArn", "") for t in record.notification_targets),
            events=Capped(tuple(_event(e) for e in newest), len(events)),
            items=_newest(record.related_items, lambda i: Item(i.item_type, _text(i.value), i.title)),
            findings=_newest(list((record.findings or {}).values()), _finding),
            executions=_newest(record.automation_executions, lambda e: _execution(backend, e)),
            engagements=tuple(record.engagement_pages or ()),
            tags=_tags(backend, arn),
            plan_display=plan.display_name if plan else None,
        )
