"""The records the ssm-contacts backend stores: contacts (with their channels and policy), rotations
(with their overrides), engagements, pages and receipts.

Records hold data; every attribute an output renderer reads is named by ``botocore.xform_name`` of
the model member, and nested members (plans, recurrences, addresses) are the model's plain dicts.
A stored nested dict is never changed in place, only replaced: a running engagement keeps the plan
it read (see ``engagements.py``).
"""

from __future__ import annotations

import heapq
import re
from typing import Any

from ..core.ids import random_hex, random_uuid
from . import rotations

# arn:<partition>:ssm-contacts:<region>:<account>:<kind>/<rest>
_ARN = re.compile(r"arn:([^:]+):ssm-contacts:([^:]*):([^:]*):([^/:]+)/(.+)")

PERSONAL = "PERSONAL"
ESCALATION = "ESCALATION"
ONCALL_SCHEDULE = "ONCALL_SCHEDULE"
ACTIVATED = "ACTIVATED"
NOT_ACTIVATED = "NOT_ACTIVATED"

# The ResourceType of each resource kind in errors (the values AWS uses are not published).
CONTACT = "CONTACT"
CONTACT_CHANNEL = "CONTACT_CHANNEL"
ENGAGEMENT = "ENGAGEMENT"
PAGE = "PAGE"
ROTATION = "ROTATION"
ROTATION_OVERRIDE = "ROTATION_OVERRIDE"
RESOURCE_TYPES = {
    "contact": CONTACT,
    "contact-channel": CONTACT_CHANNEL,
    "engagement": ENGAGEMENT,
    "page": PAGE,
    "rotation": ROTATION,
}

# What the provider of each channel type answers for a sent message (the SENT receipt's ReceiptInfo):
# Twilio-style SIDs for SMS (seen in the CLI examples) and calls, an SES-style id for e-mail.
_PROVIDER_PREFIX = {"SMS": "SM", "VOICE": "CA"}


def arn_kind(arn: str) -> tuple[str, str, str, str, str] | None:
    """``(partition, region, account, kind, rest)`` of an ssm-contacts ARN; None for anything else."""
    match = _ARN.fullmatch(arn)
    return match.groups() if match else None  # type: ignore[return-value]


def six_digits() -> str:
    """A code as Incident Manager sends them (activation and accept codes are 6 digits)."""
    return f"{int(random_hex(8), 16) % 1_000_000:06d}"


def provider_message_id(channel_type: str) -> str:
    prefix = _PROVIDER_PREFIX.get(channel_type)
    if prefix is not None:
        return prefix + random_hex(32)
    return f"0100{random_hex(12)}-{random_uuid()}-000000"


def as_tags(tags: dict[str, str]) -> list[dict[str, str]]:
    """The model's ``[{Key, Value}]`` form of a stored tag map."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]


# --------------------------------------------------------------------------- contacts


class ContactChannel:
    """One channel of a PERSONAL contact. ``activation_code`` is the latest code sent (None: none sent yet)."""

    __slots__ = (
        "activation_code",
        "activation_status",
        "contact_arn",
        "contact_channel_arn",
        "delivery_address",
        "name",
        "seq",
        "type",
    )

    def __init__(
        self, arn: str, contact_arn: str, name: str, channel_type: str, address: dict[str, str], seq: int
    ) -> None:
        self.contact_channel_arn = arn
        self.contact_arn = contact_arn
        self.name = name
        self.type = channel_type
        self.delivery_address = address
        self.activation_status = NOT_ACTIVATED
        self.activation_code: str | None = None
        self.seq = seq

    def send_activation_code(self) -> str:
        self.activation_code = six_digits()
        return self.activation_code


class Contact:
    """A contact, escalation plan or on-call schedule: all share the ``contact/<alias>`` ARN space.

    ``plan`` is the model's ``Plan`` as GetContact answers it: ``{"Stages": [...]}``, or
    ``{"RotationIds": [...]}`` for an on-call schedule.
    """

    __slots__ = ("alias", "channels", "contact_arn", "display_name", "plan", "policy", "seq", "type")

    def __init__(
        self, arn: str, alias: str, contact_type: str, plan: dict[str, Any], display_name: str | None, seq: int
    ) -> None:
        self.contact_arn = arn
        self.alias = alias
        self.type = contact_type
        self.plan = plan
        self.display_name = display_name
        self.seq = seq
        self.channels: dict[str, ContactChannel] = {}
        self.policy: str | None = None

    @property
    def stages(self) -> list[dict[str, Any]]:
        stages: list[dict[str, Any]] = self.plan.get("Stages") or []
        return stages

    @property
    def rotation_ids(self) -> list[str]:
        rotation_ids: list[str] = self.plan.get("RotationIds") or []
        return rotation_ids


class ContactPolicy:
    """GetContactPolicy's answer."""

    __slots__ = ("contact_arn", "policy")

    def __init__(self, contact_arn: str, policy: str | None) -> None:
        self.contact_arn = contact_arn
        self.policy = policy


# --------------------------------------------------------------------------- rotations


class RotationOverride:
    __slots__ = (
        "create_time",
        "end_time",
        "new_contact_ids",
        "rotation_arn",
        "rotation_override_id",
        "seq",
        "start_time",
    )

    def __init__(
        self, override_id: str, rotation_arn: str, new_contact_ids: list[str], start: float, end: float, now: float
    ) -> None:
        self.rotation_override_id = override_id
        self.rotation_arn = rotation_arn
        self.new_contact_ids = new_contact_ids
        self.start_time = start
        self.end_time = end
        self.create_time = now
        self.seq = 0

    def as_input(self) -> dict[str, Any]:
        """The override as the shift engine takes it."""
        return {"NewContactIds": self.new_contact_ids, "StartTime": self.start_time, "EndTime": self.end_time}


class Rotation:
    """An on-call rotation: members in shift order, start, IANA time zone, the model's ``Recurrence``.

    The shift engine's schedule and override segments are built on first use and kept with the
    objects they were built from: assigning any of those (UpdateRotation, a new ``overrides`` dict on
    CreateRotationOverride or DeleteRotationOverride) makes the next read build them again.
    """

    __slots__ = (
        "_schedule",
        "_segments",
        "contact_ids",
        "name",
        "overrides",
        "recurrence",
        "rotation_arn",
        "seq",
        "start_time",
        "time_zone_id",
    )

    def __init__(
        self,
        arn: str,
        name: str,
        contact_ids: list[str],
        start_time: float,
        time_zone_id: str,
        recurrence: dict[str, Any],
        seq: int,
    ) -> None:
        self.rotation_arn = arn
        self.name = name
        self.contact_ids = contact_ids
        self.start_time = start_time
        self.time_zone_id = time_zone_id
        self.recurrence = recurrence
        self.seq = seq
        self.overrides: dict[str, RotationOverride] = {}  # replaced whole on each change, never changed in place
        self._schedule: tuple[Any, ...] = ()  # (the engine's Rotation, *the objects it was built from)
        self._segments: tuple[Any, ...] = ()  # (override segments, their inputs, the overrides dict)

    def as_input(self) -> dict[str, Any]:
        """The rotation and all its overrides as the shift engine takes them (with the window), with the
        engine's schedule and override segments built from them."""
        segments, overrides = self._override_input()
        return {
            "contact_ids": self.contact_ids,
            "start_time": self.start_time,
            "time_zone_id": self.time_zone_id,
            "recurrence": self.recurrence,
            "overrides": overrides,
            "built": self._built(),
            "segments": segments,
        }

    def _built(self) -> rotations.Rotation:
        """The engine's schedule of the rotation as it is now (immutable, so threads may share it)."""
        kept = self._schedule
        if (
            kept
            and kept[1] is self.contact_ids
            and kept[2] is self.start_time
            and kept[3] is self.time_zone_id
            and kept[4] is self.recurrence
        ):
            built: rotations.Rotation = kept[0]
            return built
        inputs = (self.contact_ids, self.start_time, self.time_zone_id, self.recurrence)
        built = rotations.Rotation(*inputs)
        self._schedule = (built, *inputs)
        return built

    def _override_input(self) -> tuple[list[rotations.Segment], list[dict[str, Any]]]:
        """All the overrides as the engine takes them and as its segments (read-only: shared by every call
        until the overrides change)."""
        kept = self._segments
        if kept and kept[2] is self.overrides:
            return kept[0], kept[1]
        overrides = self.overrides
        inputs = [o.as_input() for o in overrides.values()]
        segments = rotations.override_segments(inputs)
        self._segments = (segments, inputs, overrides)
        return segments, inputs

    def overrides_between(self, start: float, end: float) -> list[RotationOverride]:
        """The overrides overlapping ``[start, end)``, oldest first."""
        return [o for o in self.overrides.values() if o.start_time < end and o.end_time > start]


# --------------------------------------------------------------------------- engagements


class Receipt:
    __slots__ = ("contact_channel_arn", "receipt_info", "receipt_time", "receipt_type")

    def __init__(self, channel_arn: str | None, receipt_type: str, info: str | None, at: float) -> None:
        self.contact_channel_arn = channel_arn
        self.receipt_type = receipt_type
        self.receipt_info = info
        self.receipt_time = at


class Engagement:
    """One StartEngagement. ``run`` is the schedule still to come (None once nothing more can be sent)."""

    __slots__ = (
        "contact_arn",
        "content",
        "engagement_arn",
        "incident_id",
        "pages",
        "public_content",
        "public_subject",
        "run",
        "sender",
        "seq",
        "start_time",
        "stop_reason",
        "stop_time",
        "subject",
    )

    def __init__(
        self,
        arn: str,
        contact_arn: str,
        message: dict[str, str | None],
        incident_id: str | None,
        start_time: float,
        seq: int,
    ) -> None:
        self.engagement_arn = arn
        self.contact_arn = contact_arn
        self.sender = message["sender"]
        self.subject = message["subject"]
        self.content = message["content"]
        self.public_subject = message.get("public_subject")
        self.public_content = message.get("public_content")
        self.incident_id = incident_id or None
        self.start_time = start_time
        self.stop_time: float | None = None
        self.stop_reason: str | None = None
        self.seq = seq
        self.pages: list[Page] = []
        self.run: Run | None = None


class Page:
    """The engagement of one contact channel: the message fields are the engagement's.

    ``accept_code`` is the code sent with the page (what the recipient replies with);
    ``resolution`` the ``ResolutionContact`` path from the engaged contact down to the paged one.
    """

    __slots__ = (
        "accept_code",
        "branch",
        "contact_arn",
        "contact_channel_arn",
        "delivery_time",
        "engagement",
        "page_arn",
        "read_time",
        "receipts",
        "resolution",
        "sent_time",
        "seq",
    )

    def __init__(
        self,
        arn: str,
        engagement: Engagement,
        contact_arn: str,
        channel: ContactChannel,
        sent_time: float,
        resolution: tuple[dict[str, Any], ...],
        branch: Branch,
        seq: int,
    ) -> None:
        self.page_arn = arn
        self.engagement = engagement
        self.contact_arn = contact_arn
        self.contact_channel_arn = channel.contact_channel_arn
        self.sent_time = sent_time
        self.delivery_time: float | None = None
        self.read_time: float | None = None
        self.accept_code = six_digits()
        self.resolution = resolution
        self.branch = branch
        self.seq = seq
        self.receipts = [Receipt(channel.contact_channel_arn, "SENT", provider_message_id(channel.type), sent_time)]

    def has_receipt(self, receipt_type: str) -> bool:
        return any(r.receipt_type == receipt_type for r in self.receipts)

    @property
    def engagement_arn(self) -> str:
        return self.engagement.engagement_arn

    @property
    def sender(self) -> str | None:
        return self.engagement.sender

    @property
    def subject(self) -> str | None:
        return self.engagement.subject

    @property
    def content(self) -> str | None:
        return self.engagement.content

    @property
    def public_subject(self) -> str | None:
        return self.engagement.public_subject

    @property
    def public_content(self) -> str | None:
        return self.engagement.public_content

    @property
    def incident_id(self) -> str | None:
        return self.engagement.incident_id


# Bounds per engagement, so that no plan can make a call do unbounded work or store unbounded pages.
MAX_PAGES_PER_ENGAGEMENT = 1000
MAX_STEPS_PER_ENGAGEMENT = 10_000  # stages fired plus contacts engaged


class Branch:
    """One contact reached by an engagement, and the plan it was reached with.

    ``resolution`` is the ``ResolutionContact`` path from the engaged contact down to this one;
    ``essential`` says whether the escalation target that led here was essential.
    """

    __slots__ = ("contact", "essential", "parent", "resolution", "stages", "stopped_at")

    def __init__(
        self, contact: Contact, parent: Branch | None, essential: bool, resolution: tuple[dict[str, Any], ...]
    ) -> None:
        self.contact = contact
        self.parent = parent
        self.essential = essential
        self.resolution = resolution
        self.stages = contact.stages  # the plan as it is when the contact is reached
        self.stopped_at: float | None = None

    def stopped_by(self, at: float) -> bool:
        """Whether this branch or one it hangs from was stopped at or before ``at``."""
        node: Branch | None = self
        while node is not None:
            if node.stopped_at is not None and node.stopped_at <= at:
                return True
            node = node.parent
        return False

    def stop(self, at: float) -> None:
        if self.stopped_at is None or at < self.stopped_at:
            self.stopped_at = at


class Run:
    """The stages of an engagement still to come, by due time (ties: in the order they were planned)."""

    __slots__ = ("due", "listed_at", "pages_left", "planned", "root", "steps_left")

    def __init__(self) -> None:
        self.due: list[tuple[float, int, Branch, int]] = []
        self.listed_at: float | None = None  # the due time the backend has listed this run at
        self.planned = 0
        self.root: Branch | None = None
        self.pages_left = MAX_PAGES_PER_ENGAGEMENT
        self.steps_left = MAX_STEPS_PER_ENGAGEMENT

    def plan(self, at: float, branch: Branch, stage_index: int) -> None:
        self.planned += 1
        heapq.heappush(self.due, (at, self.planned, branch, stage_index))
