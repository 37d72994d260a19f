"""The domain records the backend (``models.py``) stores, and the incident index.

Records hold data and derive what AWS derives from it (ids, rendered event data); they call
nothing else. Nested members are kept as the model's plain dicts (camelCase keys); everything the
output renderers read is an attribute named by ``botocore.xform_name`` of the model member.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Collection, Iterator
from datetime import datetime, timezone
from operator import attrgetter
from typing import Any

from .. import seam
from ..config import settings
from ..core.ids import derived_uuid, derived_value, random_hex, random_uuid, unused
from ..core.wire.codec import canonical, compact
from . import SPEC
from .filters import Filter, FilterKeys, matches_all

CUSTOM_SOURCE = "aws.ssm-incidents.custom"
GENERATED_DEDUPE_MASK = 0xA5C3_96E1
RECORD_UPDATE = "SSM Incident Record Update"
# Related items' ids are derived from numbers above every event number (see ids.py); the parent
# OpsItem's id from one above those.
RELATED_ITEM_NUMBERS = 1 << 64
PARENT_OPSITEM_NUMBER = 1 << 80
DEFAULT_KEY = "DefaultKey"
_SEQ = attrgetter("seq")
MAX_EVENT_DATA: int = SPEC.model.shape_for("EventData").metadata["max"]


def fitted(render: Callable[[list[str]], str], texts: list[str]) -> str:
    """``render(texts)`` within the model's maximum ``eventData`` length: the longest texts are cut until it fits.

    Cutting n characters shortens the JSON text by at least n, so each text is cut at most once.
    """
    data = render(texts)
    while len(data) > MAX_EVENT_DATA and any(texts):
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        texts[longest] = texts[longest][: max(0, len(texts[longest]) - (len(data) - MAX_EVENT_DATA))]
        data = render(texts)
    return data


_CREATED = attrgetter("creation_time")


def incident_id(incident_record_arn: str) -> str:
    """The id at the end of an incident record ARN (``.../incident-record/<plan>/<id>``)."""
    return incident_record_arn[-36:]


def parent_opsitem_id(incident_record_arn: str) -> str:
    """The id of the OpsItem Incident Manager makes an incident's parent: derived, so as unique as the incident's."""
    value = derived_value(incident_id(incident_record_arn), PARENT_OPSITEM_NUMBER)
    return f"oi-{value & 0xFFFF_FFFF_FFFF:012x}"


# --------------------------------------------------------------------------- replication set


# moto's state manager drives the set and its regions (``set_transition`` with this model name
# overrides the default). The default is immediate: every change is complete on the next read, so
# waiters pass on their first poll. With replication phases on (``settings.replication_phases``) it
# is moto's usual one for slow resources, one status step per GetReplicationSet.
REPLICATION_SET_MODEL = "ssmincidents::replicationset"
IMMEDIATE_TRANSITION = {"progression": "immediate"}
PHASES_TRANSITION = {"progression": "manual", "times": 1}
_TRANSITIONS: list[tuple[str | None, str]] = [("CREATING", "ACTIVE"), ("UPDATING", "ACTIVE"), ("DELETING", "DELETED")]
seam.register_transition(REPLICATION_SET_MODEL, IMMEDIATE_TRANSITION)


def default_transition() -> dict[str, Any]:
    """The replication set's default transition as the settings have it now."""
    return PHASES_TRANSITION if settings.replication_phases else IMMEDIATE_TRANSITION


class Lifecycle(seam.ManagedState):
    """A status that moves on as moto's state manager says: CREATING/UPDATING -> ACTIVE, DELETING -> DELETED."""

    def __init__(self, status: str = "CREATING") -> None:
        super().__init__(REPLICATION_SET_MODEL, _TRANSITIONS)
        self.restart(status)

    def restart(self, status: str) -> None:
        """Enter ``status`` afresh (a new change): it lasts as many reads as the transition says."""
        self.status = status
        self._tick = 0
        self._time_progressed = datetime.now()

    @property
    def current(self) -> str:
        # the settings are read on every call: the default follows them, a user's transition still wins
        seam.register_transition(REPLICATION_SET_MODEL, default_transition())
        return str(self.status)


class RegionInfo:
    """A region of the set. ``status`` is what the last GetReplicationSet showed; ``lifecycle`` moves on."""

    def __init__(self, sse_kms_key_id: str | None, now: float) -> None:
        self.sse_kms_key_id = sse_kms_key_id or DEFAULT_KEY
        self.lifecycle = Lifecycle()
        self.status = self.lifecycle.current
        self.status_message: str | None = None
        self.status_update_date_time = now


class ReplicationSet:
    """The account's one replication set. ``status`` (and each region's) is what the last read showed:
    ``observe()`` reads the lifecycles, then advances them, so with replication phases on the first
    GetReplicationSet after a change shows CREATING/UPDATING and the next one ACTIVE (by default, ACTIVE at once).
    """

    def __init__(self, arn: str, regions: dict[str, dict[str, Any]], caller: str) -> None:
        now = time.time()
        self.arn = arn
        self.region_map: dict[str, RegionInfo] = {
            name: RegionInfo((spec or {}).get("sseKmsKeyId"), now) for name, spec in regions.items()
        }
        self.lifecycle = Lifecycle()
        self.status = self.lifecycle.current
        self.deletion_protected = False
        self.created_by = caller
        self.created_time = now
        self.last_modified_by = caller
        self.last_modified_time = now

    def touch(self, caller: str) -> None:
        self.last_modified_by = caller
        self.last_modified_time = time.time()

    @property
    def current_status(self) -> str:
        """The status now (moved on as far as the transition allows), without counting a read."""
        return self.lifecycle.current

    def drop_deleted_regions(self) -> None:
        for name in [n for n, info in self.region_map.items() if info.lifecycle.current == "DELETED"]:
            del self.region_map[name]

    def observe(self) -> None:
        """A GetReplicationSet: take the statuses as they are now, then count the read."""
        self.drop_deleted_regions()
        now = time.time()
        self.status = self.lifecycle.current
        self.lifecycle.advance()
        for info in self.region_map.values():
            status = info.lifecycle.current
            if status != info.status:
                info.status = status
                info.status_update_date_time = now
            info.lifecycle.advance()


# --------------------------------------------------------------------------- response plans


def set_template_field(template: dict[str, Any], key: str, value: Any) -> None:
    """Replace one incident-template member; an empty value clears an optional one."""
    if key in ("title", "impact") or value not in ("", [], {}):
        template[key] = value
    else:
        template.pop(key, None)


def chat_channel_or_none(channel: dict[str, Any] | None) -> dict[str, Any] | None:
    """A chat channel as stored: None unless it names SNS topics (``{"empty": {}}`` clears it)."""
    return channel if channel is not None and "chatbotSns" in channel else None


class ResourcePolicy:
    """One policy document attached to a response plan."""

    __slots__ = ("policy_document", "policy_id", "ram_resource_share_region", "seq")

    def __init__(self, policy_document: str, region: str, seq: int, taken: Collection[str] = ()) -> None:
        self.policy_id = unused(random_hex, taken)
        self.policy_document = policy_document
        self.ram_resource_share_region = region
        self.seq = seq


class ResponsePlan:
    """A response plan. "Nothing set" is always None, so GetResponsePlan omits a member that was
    never set and one that was cleared alike (``""`` strings, ``[]`` lists, ``{"empty": {}}`` chat channel).
    """

    def __init__(
        self,
        arn: str,
        name: str,
        seq: int,
        incident_template: dict[str, Any],
        display_name: str | None = None,
        chat_channel: dict[str, Any] | None = None,
        engagements: list[str] | None = None,
        actions: list[dict[str, Any]] | None = None,
        integrations: list[dict[str, Any]] | None = None,
    ) -> None:
        self.arn = arn
        self.name = name
        self.seq = seq
        self.incident_template: dict[str, Any] = {}
        for key, value in incident_template.items():
            set_template_field(self.incident_template, key, value)
        self.display_name = display_name or None
        self.chat_channel = chat_channel_or_none(chat_channel)
        self.engagements = engagements or None
        self.actions = actions or None
        self.integrations = integrations or None
        self.policies: dict[str, ResourcePolicy] = {}

    @property
    def chatbot_sns(self) -> list[str] | None:
        """The plan's chat channel SNS topics, None when it has no channel."""
        channel = self.chat_channel or {}
        return channel.get("chatbotSns")


# --------------------------------------------------------------------------- incidents


class IncidentRecord:
    """One incident. Members AWS derives or that are usually empty cost nothing until set."""

    __slots__ = (
        "_related_index",
        "arn",
        "automation_executions",
        "chat_channel",
        "created_by",
        "creation_time",
        "dedupe_key",
        "engagement_pages",
        "findings",
        "generated_dedupe",
        "impact",
        "invoked_by",
        "last_modified_by",
        "last_modified_time",
        "notification_targets",
        "related_items",
        "resolved_time",
        "seq",
        "source",
        "status",
        "summary",
        "template_dedupe",
        "timeline",
        "title",
        "trigger_arn",
    )

    def __init__(self, arn: str, seq: int, creation_time: float, caller: str) -> None:
        self.arn = arn
        self.seq = seq
        self.title = ""
        self.summary: str | None = None
        self.impact = 5
        self.status = "OPEN"
        self.creation_time = creation_time
        self.resolved_time: float | None = None
        self.created_by = caller
        self.last_modified_by = caller
        self.last_modified_time = creation_time
        self.template_dedupe: str | None = None
        self.dedupe_key: str | None = None  # what later starts fold in by: the template's string or the trigger
        self.invoked_by: str | None = None  # the service principal when a service started it
        self.generated_dedupe: str | None = None  # made when first read
        # Engagement ARN -> keys of its page events already on the timeline; None until contacts are engaged.
        self.engagement_pages: dict[str, set[str]] | None = None
        self.source = CUSTOM_SOURCE
        self.trigger_arn: str | None = None
        self.automation_executions: tuple[dict[str, str], ...] = ()
        self.chat_channel: dict[str, Any] | None = None
        self.notification_targets: tuple[dict[str, str], ...] = ()
        self.timeline: list[TimelineEvent | None] = []  # by event number; a deleted event leaves None
        self.related_items: list[RelatedItem] = []
        self._related_index: dict[tuple[str, str, str], RelatedItem] | None = None  # built on the first lookup
        self.findings: dict[str, Finding] | None = None

    @property
    def dedupe_string(self) -> str:
        """The template's dedupe string, or one generated for this incident.

        The generated one is the incident id with its first 8 digits changed: id-shaped, unique,
        and related to the id as AWS's generated strings visibly are (they share digits).
        """
        if self.template_dedupe:
            return self.template_dedupe
        generated = self.generated_dedupe
        if generated is None:
            own_id = incident_id(self.arn)
            generated = self.generated_dedupe = f"{int(own_id[:8], 16) ^ GENERATED_DEDUPE_MASK:08x}{own_id[8:]}"
        return generated

    @property
    def incident_record_source(self) -> dict[str, str]:
        source = {"createdBy": self.created_by, "invokedBy": self.invoked_by or self.created_by, "source": self.source}
        if self.trigger_arn:
            source["resourceArn"] = self.trigger_arn
        return source

    def events(self) -> list[TimelineEvent]:
        return [event for event in self.timeline if event is not None]

    def related_item(self, identifier: dict[str, Any]) -> RelatedItem | None:
        """The related item with this exact identifier (type and value), if any."""
        index = self._related_index
        if index is None:
            index = self._related_index = {item.key: item for item in self.related_items}
        ((value_key, value),) = identifier["value"].items()
        return index.get(_item_key(identifier["type"], value_key, value))

    def add_related_item(self, item: RelatedItem) -> None:
        self.related_items.append(item)
        if self._related_index is not None:
            self._related_index[item.key] = item

    def remove_related_item(self, item: RelatedItem) -> None:
        self.related_items.remove(item)
        if self._related_index is not None:
            del self._related_index[item.key]


INCIDENT_FILTER_KEYS: FilterKeys = {
    "creationTime": ("time", lambda r: r.creation_time),
    "impact": ("integer", lambda r: r.impact),
    "status": ("string", lambda r: r.status),
    "createdBy": ("string", lambda r: r.created_by),
}


class IncidentIndex:
    """Incident records by ARN, plus creation-ordered lists of them: all, by status, by impact, by plan.

    Sequence numbers and creation times both grow with creation (the backend makes each creation
    time later than the last), so each list is sorted by either: a page of a filtered listing walks
    the smallest matching list newest-first and stops when it is full.
    """

    def __init__(self) -> None:
        self.by_arn: dict[str, IncidentRecord] = {}
        # the numbers of the incident ids in use, whatever the plan: an id is never given twice
        self.ids: set[int] = set()
        self.records: list[IncidentRecord] = []
        self.by_status: dict[str, list[IncidentRecord]] = {}
        self.by_impact: dict[int, list[IncidentRecord]] = {}
        self.by_plan: dict[str, list[IncidentRecord]] = {}  # by the plan name in the ARN
        # a dedupe key (a template's dedupe string, or a plan and the alarm/rule that triggered it)
        # -> the OPEN records carrying it, oldest first (almost always one)
        self.open_by_dedupe: dict[str, list[IncidentRecord]] = {}

    def __len__(self) -> int:
        return len(self.by_arn)

    def get(self, arn: str) -> IncidentRecord | None:
        return self.by_arn.get(arn)

    def add(self, record: IncidentRecord) -> None:
        self.by_arn[record.arn] = record
        self.ids.add(_id_number(record.arn))
        self.records.append(record)
        self.by_status.setdefault(record.status, []).append(record)
        self.by_impact.setdefault(record.impact, []).append(record)
        self.by_plan.setdefault(plan_name(record.arn), []).append(record)
        if record.status == "OPEN":
            self._index_open(record)

    def open_with(self, dedupe: str) -> IncidentRecord | None:
        """The oldest OPEN record with this dedupe string: the one new incidents fold into."""
        records = self.open_by_dedupe.get(dedupe)
        return records[0] if records else None

    def remove(self, record: IncidentRecord) -> None:
        _discard(self.records, record)
        _discard(self.by_status[record.status], record)
        _discard(self.by_impact[record.impact], record)
        name = plan_name(record.arn)
        of_plan = self.by_plan[name]
        _discard(of_plan, record)
        if not of_plan:
            del self.by_plan[name]
        self._unindex_open(record)
        self.ids.discard(_id_number(record.arn))
        del self.by_arn[record.arn]

    def _index_open(self, record: IncidentRecord) -> None:
        if record.dedupe_key:  # a generated dedupe string is the record's own: nothing folds into it
            insort(self.open_by_dedupe.setdefault(record.dedupe_key, []), record, key=_SEQ)

    def _unindex_open(self, record: IncidentRecord) -> None:
        dedupe = record.dedupe_key
        records = self.open_by_dedupe.get(dedupe) if dedupe else None
        if dedupe and records:
            _discard(records, record)
            if not records:
                del self.open_by_dedupe[dedupe]

    def change(self, record: IncidentRecord, status: str | None, impact: int | None) -> None:
        """Apply a status and/or impact change to the record and its indexes."""
        if status is not None and status != record.status:
            _discard(self.by_status[record.status], record)
            insort(self.by_status.setdefault(status, []), record, key=_SEQ)
            record.status = status
            if status == "OPEN":
                self._index_open(record)
            else:
                self._unindex_open(record)
        if impact is not None and impact != record.impact:
            _discard(self.by_impact[record.impact], record)
            insort(self.by_impact.setdefault(impact, []), record, key=_SEQ)
            record.impact = impact

    def _candidates(self, filters: list[Filter]) -> list[IncidentRecord]:
        """The smallest creation-ordered list holding every record the filters can match."""
        candidates = self.records
        for f in filters:
            if f.values is not None and f.key in ("status", "impact"):
                index: dict[Any, list[IncidentRecord]] = self.by_status if f.key == "status" else self.by_impact
                lists = [index.get(v, []) for v in f.values]
                merged = lists[0] if len(lists) == 1 else sorted((r for part in lists for r in part), key=_SEQ)
                if len(merged) < len(candidates):
                    candidates = merged
        return candidates

    def newest_first(self, filters: list[Filter], before_seq: int | None) -> Iterator[IncidentRecord]:
        """Records matching every filter, newest first, with sequence below ``before_seq``."""
        candidates = self._candidates(filters)
        end = len(candidates) if before_seq is None else bisect_left(candidates, before_seq, key=_SEQ)
        return _walk_back(candidates, end, filters, None)

    def newest_first_after(
        self, filters: list[Filter], position: ListPosition | None, plan: str | None = None
    ) -> Iterator[IncidentRecord]:
        """Records (of the plan named ``plan``, or all) matching every filter, in ``listing_key`` order after ``position``."""
        candidates = self._candidates(filters) if plan is None else self.by_plan.get(plan, [])
        end = len(candidates) if position is None else bisect_right(candidates, position[0], key=_CREATED)
        return _walk_back(candidates, end, filters, position)


# A place in ListIncidentRecords' order: the creation time and ARN of the last record listed.
ListPosition = tuple[float, str]


def list_position(token_position: Any) -> ListPosition | None:
    """The position a ListIncidentRecords ``nextToken`` holds (``[creation time, ARN]``); None for none."""
    if isinstance(token_position, list) and len(token_position) == 2:
        return float(token_position[0]), str(token_position[1])
    return None


def listing_key(record: IncidentRecord) -> tuple[float, str]:
    """ListIncidentRecords' order, whichever accounts the records come from: newest first, then by ARN."""
    return (-record.creation_time, record.arn)


def _id_number(incident_record_arn: str) -> int:
    return int(incident_id(incident_record_arn).replace("-", ""), 16)  # half the memory of the text


def plan_name(incident_record_arn: str) -> str:
    """The plan name in an incident record ARN (``.../incident-record/<plan>/<id>``)."""
    return incident_record_arn[:-37].rsplit("/", 1)[-1]


def _walk_back(
    candidates: list[IncidentRecord], end: int, filters: list[Filter], position: ListPosition | None
) -> Iterator[IncidentRecord]:
    """``candidates[:end]`` newest first, matching the filters, after ``position`` where creation times tie."""
    for i in range(end - 1, -1, -1):
        record = candidates[i]
        if position is not None and record.creation_time == position[0] and record.arn <= position[1]:
            continue  # the last record listed, or one of another account created at the same time before it
        if matches_all(filters, record):
            yield record


def _discard(records: list[IncidentRecord], record: IncidentRecord) -> None:
    i = bisect_left(records, record.seq, key=_SEQ)
    if i < len(records) and records[i] is record:
        del records[i]


# --------------------------------------------------------------------------- timeline and related items


class TimelineEvent:
    """One event. Its id is derived from the incident's id and ``number`` (its place in the timeline).

    ``data`` is the eventData text, or for an ``SSM Incident Record Update`` event the
    :class:`RecordUpdate` it is rendered from (those events are never edited, so rendering late
    gives what rendering early would have).
    """

    __slots__ = (
        "data",
        "event_time",
        "event_type",
        "event_updated_time",
        "incident_record_arn",
        "number",
        "references",
    )

    def __init__(
        self,
        incident_record_arn: str,
        number: int,
        event_time: float,
        event_updated_time: float,
        event_type: str,
        data: str | RecordUpdate,
        references: list[dict[str, str]] | None,
    ) -> None:
        self.incident_record_arn = incident_record_arn
        self.number = number
        self.event_time = event_time
        self.event_updated_time = event_updated_time
        self.event_type = event_type
        self.data = data
        self.references = references

    @property
    def event_id(self) -> str:
        return derived_uuid(incident_id(self.incident_record_arn), self.number)

    @property
    def event_data(self) -> str:
        data = self.data
        return data if isinstance(data, str) else data.text()

    @property
    def event_references(self) -> list[dict[str, str]] | None:
        data = self.data
        return self.references if isinstance(data, str) else data.references(self.incident_record_arn)

    def referenced(self) -> list[str]:
        """The ARNs and related-item ids this event references (for the eventReference filter)."""
        return [next(iter(ref.values())) for ref in self.event_references or ()]


TIMELINE_FILTER_KEYS: FilterKeys = {
    "eventTime": ("time", lambda e: e.event_time),
    "eventType": ("string", lambda e: e.event_type),
    "eventReference": ("string", lambda e: e.referenced()),
}


class RelatedItem:
    """A related item; its identifier is kept as type, value member and value (a union has one)."""

    __slots__ = ("incident_record_arn", "item_type", "seq", "title", "value", "value_key")

    def __init__(
        self, incident_record_arn: str, item_type: str, value_key: str, value: Any, title: str | None, seq: int
    ) -> None:
        self.incident_record_arn = incident_record_arn
        self.item_type = item_type
        self.value_key = value_key
        self.value = value
        self.title = title
        self.seq = seq

    @classmethod
    def from_input(cls, incident_record_arn: str, item: dict[str, Any], seq: int) -> RelatedItem:
        """A related item from the model's ``RelatedItem`` input."""
        identifier = item["identifier"]
        ((value_key, value),) = identifier["value"].items()
        return cls(incident_record_arn, identifier["type"], value_key, value, item.get("title"), seq)

    @property
    def identifier(self) -> dict[str, Any]:
        return {"type": self.item_type, "value": {self.value_key: self.value}}

    @property
    def key(self) -> tuple[str, str, str]:
        return _item_key(self.item_type, self.value_key, self.value)

    @property
    def generated_id(self) -> str:
        number = RELATED_ITEM_NUMBERS + self.seq
        return f"related-item/{self.item_type}/{derived_value(incident_id(self.incident_record_arn), number):032X}"

    def as_update(self) -> dict[str, Any]:
        item: dict[str, Any] = {"identifier": self.identifier}
        if self.title is not None:
            item["title"] = self.title
        return item


def _item_key(item_type: str, value_key: str, value: Any) -> tuple[str, str, str]:
    return item_type, value_key, value if isinstance(value, str) else canonical(value)


class RecordUpdate:
    """What an ``SSM Incident Record Update`` event says: changed attributes, or a related item."""

    __slots__ = ("changes", "item", "item_added", "modified_by", "title")

    def __init__(
        self,
        modified_by: str,
        title: str,
        changes: tuple[tuple[str, str], ...] = (),
        item: RelatedItem | None = None,
        item_added: bool = True,
    ) -> None:
        self.modified_by = modified_by
        self.title = title
        self.changes = changes
        self.item = item
        self.item_added = item_added

    def text(self) -> str:
        names = [name for name, _ in self.changes]
        values = [value for _, value in self.changes]
        item = self.item
        if item is not None:
            update = {"itemToAdd": item.as_update()} if self.item_added else {"itemToRemove": item.identifier}
            names.append("relatedItems")
            values.append(compact(update))

        def render(new_values: list[str]) -> str:
            attributes = [{"attributeName": n, "newValue": v} for n, v in zip(names, new_values, strict=True)]
            return compact(
                {"modifiedBy": self.modified_by, "modifiedAttributes": attributes, "incidentTitle": self.title}
            )

        return fitted(render, values)

    def references(self, incident_record_arn: str) -> list[dict[str, str]]:
        if self.item is None:
            return [{"resource": incident_record_arn}]
        return [{"relatedItemId": self.item.generated_id}, {"resource": incident_record_arn}]


# --------------------------------------------------------------------------- findings and runbooks


class Finding:
    """One finding; ``details`` is the model's ``FindingDetails`` union as a plain dict."""

    __slots__ = ("creation_time", "details", "id", "last_modified_time", "seq")

    def __init__(self, details: dict[str, Any], creation_time: float, seq: int, taken: Collection[str] = ()) -> None:
        self.id = unused(random_uuid, taken)
        self.creation_time = creation_time
        self.last_modified_time = creation_time
        self.details = details
        self.seq = seq


class AutomationExecution:
    """One runbook execution started in moto's SSM (by a response plan for an incident, or by
    StartAutomationExecution), with its resolved parameters. Nothing runs: it stays ``InProgress``.
    """

    __slots__ = (
        "account_id",
        "arn",
        "document_name",
        "document_version",
        "execution_id",
        "incident_record_arn",
        "parameters",
        "region",
        "role_arn",
        "start_time",
        "status",
        "target_account",
    )

    def __init__(
        self,
        partition: str,
        account_id: str,
        region: str,
        document_name: str,
        document_version: str,
        parameters: dict[str, list[str]],
        role_arn: str | None = None,
        target_account: str | None = None,
        incident_record_arn: str | None = None,
    ) -> None:
        # unique where SSM looks it up: the account's and region's executions
        self.execution_id = unused(random_uuid, seam.automation_executions(account_id, region))
        self.arn = f"arn:{partition}:ssm:{region}:{account_id}:automation-execution/{self.execution_id}"
        self.account_id = account_id
        self.region = region
        self.document_name = document_name
        self.document_version = document_version  # the version that ran ($DEFAULT/$LATEST resolved)
        self.role_arn = role_arn
        self.target_account = target_account
        self.parameters = parameters
        self.incident_record_arn = incident_record_arn
        self.start_time = time.time()
        self.status = "InProgress"

    def description(self) -> dict[str, Any]:
        """What SSM's GetAutomationExecution says about it."""
        return {
            "AutomationExecutionId": self.execution_id,
            "DocumentName": self.document_name,
            "DocumentVersion": self.document_version,
            "ExecutionStartTime": datetime.fromtimestamp(self.start_time, timezone.utc),
            "AutomationExecutionStatus": self.status,
            "Parameters": {name: list(values) for name, values in self.parameters.items()},
            "Mode": "Auto",
        }


def resolve_parameters(
    automation: dict[str, Any], incident_arn: str, involved_resources: list[str]
) -> dict[str, list[str]]:
    """The runbook's static parameters plus its dynamic ones filled in from the incident."""
    values = {"INCIDENT_RECORD_ARN": [incident_arn], "INVOLVED_RESOURCES": involved_resources}
    parameters = {name: list(v) for name, v in (automation.get("parameters") or {}).items()}
    for name, dynamic in (automation.get("dynamicParameters") or {}).items():
        parameters[name] = list(values[dynamic["variable"]])
    return parameters


# --------------------------------------------------------------------------- what IM does elsewhere


class Engagement:
    """A contact a response plan engaged for a new incident: ``engagement_arn`` is the engagement
    ssm-contacts started, None when the contact does not exist there (nobody is paged)."""

    __slots__ = ("contact_arn", "engagement_arn", "incident_record_arn", "response_plan_arn", "start_time")

    def __init__(
        self,
        contact_arn: str,
        incident_record_arn: str,
        response_plan_arn: str,
        start_time: float,
        engagement_arn: str | None = None,
    ) -> None:
        self.contact_arn = contact_arn
        self.incident_record_arn = incident_record_arn
        self.response_plan_arn = response_plan_arn
        self.start_time = start_time
        self.engagement_arn = engagement_arn


class Notification:
    """One message Incident Manager published to an SNS topic about an incident.

    ``message_id`` is SNS's id, or None when publishing failed (then ``error`` says why).
    """

    __slots__ = ("error", "incident_record_arn", "message", "message_id", "topic_arn")

    def __init__(
        self, topic_arn: str, incident_record_arn: str, message: str, message_id: str | None, error: str | None
    ) -> None:
        self.topic_arn = topic_arn
        self.incident_record_arn = incident_record_arn
        self.message = message
        self.message_id = message_id
        self.error = error
