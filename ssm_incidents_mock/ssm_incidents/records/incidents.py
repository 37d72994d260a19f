"""Incident records and their findings."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ...core.ids import derived_value, random_uuid, unused
from ..arns import incident_id
from ..filters import FilterKeys
from .timeline import RelatedItem, TimelineEvent, item_key

CUSTOM_SOURCE = "aws.ssm-incidents.custom"
GENERATED_DEDUPE_MASK = 0xA5C3_96E1
# The parent OpsItem's id is derived from a number above every related item's (see timeline.py).
PARENT_OPSITEM_NUMBER = 1 << 80


def parent_opsitem_id(incident_record_arn: str) -> str:
    """The id of the OpsItem Incident Manager makes an incident's parent: derived, so as unique as the incident's."""
    value = derived_value(incident_id(incident_record_arn), PARENT_OPSITEM_NUMBER)
    return f"oi-{value & 0xFFFF_FFFF_FFFF:012x}"


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
        return index.get(item_key(identifier["type"], value_key, value))

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


class Finding:
    """One finding; ``details`` is the model's ``FindingDetails`` union as a plain dict."""

    __slots__ = ("creation_time", "details", "id", "last_modified_time", "seq")

    def __init__(self, details: dict[str, Any], creation_time: float, seq: int, taken: Collection[str] = ()) -> None:
        self.id = unused(random_uuid, taken)
        self.creation_time = creation_time
        self.last_modified_time = creation_time
        self.details = details
        self.seq = seq
