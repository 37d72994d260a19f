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

import bisect
import copy
import heapq
import itertools
import re
import threading
import time
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, TypeVar

from moto.core.base_backend import BackendDict, BaseBackend
from moto.utilities.utils import get_partition

from ..config import settings
from ..core import iam
from ..core.context import RequestContext
from ..core.ids import random_uuid
from ..core.pagination import paginate
from ..core.wire.codec import compact, decode
from ..ssm_incidents import effects as incidents_effects
from ..ssm_incidents import models as incidents
from . import engagements, rotations
from .engagements import Branch
from .exceptions import (
    INVALID,
    ConflictException,
    ServiceQuotaExceededException,
    invalid,
    not_found,
)
from .records import (
    ACTIVATED,
    CONTACT,
    CONTACT_CHANNEL,
    ENGAGEMENT,
    ESCALATION,
    NOT_ACTIVATED,
    ONCALL_SCHEDULE,
    PAGE,
    PERSONAL,
    RESOURCE_TYPES,
    ROTATION,
    ROTATION_OVERRIDE,
    Contact,
    ContactChannel,
    ContactPolicy,
    Engagement,
    Page,
    Receipt,
    Rotation,
    RotationOverride,
    arn_kind,
    as_tags,
)

T = TypeVar("T")
SERVICE_NAME = "ssm-contacts"
DEFAULT_PAGE_SIZE = 100  # MaxResults absent or 0 (the model allows 0)

# Quotas (AWS publishes none for these; each is the mock's choice, see docs/behaviour.md).
MAX_STAGES = 100  # StageIndex is 0-100 in the model
MAX_TARGETS_PER_STAGE = 30
MAX_ROTATIONS_PER_SCHEDULE = 8  # UG: up to 8 rotations per on-call schedule
MAX_CHANNELS_PER_CONTACT = 100
MAX_OVERRIDES_PER_ROTATION = 1000
MAX_TAGS_PER_RESOURCE = 50

NOT_ONBOARDED = "Account not found for the request"
ROTATION_MEMBER = "ROTATION_MEMBER"  # DependentEntity.RelationType of a rotation a contact is a member of
INCIDENT_SENDER = "Incident Manager"
PAGE_EVENT = "SSM Contacts Page for Incident"
ACKNOWLEDGEMENT_EVENT = "SSM Contacts Page Acknowledgement for Incident"

_PHONE = re.compile(r"\+[1-9][0-9]{1,14}")  # E.164: '+', country code and number, at most 15 digits
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DAY = 86_400.0
_MAX_SHIFT_WINDOWS = 64


class SSMContactsBackend(BaseBackend):
    """All Incident Manager Contacts state of one account in one region, and the 39 operations on it."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.partition = get_partition(region_name)
        self.arn_prefix = f"arn:{self.partition}:ssm-contacts:{region_name}:{account_id}:"
        self._own = RequestContext(account_id, region_name)  # where the replication set is asked about
        self._init_state()

    def _init_state(self) -> None:
        self.contacts: dict[str, Contact] = {}
        self.channels: dict[str, ContactChannel] = {}
        self.rotations: dict[str, Rotation] = {}
        self.engagements: dict[str, Engagement] = {}
        self.pages: dict[str, Page] = {}
        self.tags: dict[str, dict[str, str]] = {}
        # (operation, IdempotencyToken) -> (digest of the validated input, the rendered answer): the dispatcher's
        self.idempotency: dict[tuple[str, ...], tuple[str, Any]] = {}
        # (when, tie-break, engagement): when each running engagement next has a stage due (see ``_track``)
        self.due: list[tuple[float, int, Engagement]] = []
        self._due_order = itertools.count()
        self.engagement_order: list[tuple[float, int, str]] = []  # (StartTime, seq, ARN), ascending
        self.engagements_by_incident: dict[str, list[Engagement]] = {}
        self.pages_by_contact: dict[str, list[Page]] = {}
        self.rotations_by_member: dict[str, dict[str, None]] = {}  # contact ARN -> rotations it is a member of
        self.schedules_by_rotation: dict[str, dict[str, None]] = {}  # rotation ARN -> on-call schedules listing it
        self._seq = 0

    def next_seq(self) -> int:
        """A number that orders everything created in this backend."""
        self._seq += 1
        return self._seq

    def delete_all_data(self) -> None:
        """Forget everything (the replication set was deleted)."""
        self._init_state()

    # --- shared rules ---------------------------------------------------------------------

    def onboarded(self) -> bool:
        return incident_manager_ready(self.account_id, self.partition, self.region_name, self._own)

    def require_onboarded(self) -> None:
        """AWS's answer in an account (or region) without the replication set of ssm-incidents."""
        if not self.onboarded():
            raise invalid(NOT_ONBOARDED)

    def contact(self, arn: str) -> Contact | None:
        """The contact with this ARN, as it is now (the engagement engine's ``Directory``)."""
        return self.contacts.get(arn)

    def find_contact(self, arn: str) -> Contact:
        self.require_onboarded()
        found = self.contacts.get(arn)
        if found is None:
            raise not_found(CONTACT, arn)
        return found

    def find_channel(self, arn: str) -> ContactChannel:
        self.require_onboarded()
        found = self.channels.get(arn)
        if found is None:
            raise not_found(CONTACT_CHANNEL, arn)
        return found

    def find_engagement(self, arn: str) -> Engagement:
        self.require_onboarded()
        found = self.engagements.get(arn)
        if found is None:
            raise not_found(ENGAGEMENT, arn)
        return found

    def find_page(self, arn: str) -> Page:
        self.require_onboarded()
        found = self.pages.get(arn)
        if found is None:
            raise not_found(PAGE, arn)
        return found

    def find_rotation(self, arn: str) -> Rotation:
        self.require_onboarded()
        found = self.rotations.get(arn)
        if found is None:
            raise not_found(ROTATION, arn)
        return found

    def _page(
        self,
        operation: str,
        scope: Any,
        items_after: Callable[[Any], Iterable[T]],
        position_of: Callable[[T], Any],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[T], str | None]:
        """One page (``pagination.paginate``); its NextToken is accepted in this account and region only."""
        return paginate(
            operation,
            [self.account_id, self.region_name, scope],
            items_after,
            position_of,
            max_results or DEFAULT_PAGE_SIZE,
            next_token,
        )

    # --- the clock ------------------------------------------------------------------------

    def advance(self, engagement: Engagement, now: float | None = None) -> None:
        """Bring one engagement up to ``now``: the stages due since fire."""
        if engagement.run is None:
            return
        engagements.advance(engagement, time.time() if now is None else now, self)
        self._track(engagement)

    def _track(self, engagement: Engagement) -> None:
        """List the engagement in ``due`` at its next due stage. An entry whose time is no longer the run's
        ``listed_at`` is stale and skipped, so each engagement costs one entry per stage at most."""
        run = engagement.run
        if run is None or not run.due:
            return
        when = run.due[0][0]
        if when != run.listed_at:
            run.listed_at = when
            heapq.heappush(self.due, (when, next(self._due_order), engagement))

    def settle(self, now: float | None = None) -> None:
        """Fire every stage due by now, in any engagement. Called before a change of what a due stage would do
        (channels, plans, rotations), so that each stage acts on the state of its own instant. Costs only
        the engagements that have something due."""
        due = self.due
        if not due:
            return
        now = time.time() if now is None else now
        while due and due[0][0] <= now:
            when, _, engagement = heapq.heappop(due)
            run = engagement.run
            if run is not None and run.listed_at == when:
                run.listed_at = None
                self.advance(engagement, now)

    def on_call(self, schedule: Contact, at: float) -> list[str]:
        """The contacts on call at ``at`` in the schedule's rotations (in rotation order, each once)."""
        found: dict[str, None] = {}
        for rotation_arn in schedule.rotation_ids:
            rotation = self.rotations.get(rotation_arn)
            if rotation is None:
                continue
            for shift in self._shifts(rotation, at, at + 1.0):
                if shift["StartTime"] <= at < shift["EndTime"]:
                    found.update(dict.fromkeys(shift.get("ContactIds") or ()))
        return list(found)

    def send_page(self, engagement: Engagement, branch: Branch, channel_arn: str, at: float) -> Page | None:
        """Page one channel of the branch's contact, if it still exists and is activated."""
        contact = branch.contact
        channel = contact.channels.get(channel_arn)
        if channel is None or channel.activation_status != ACTIVATED:
            return None
        arn = f"{self.arn_prefix}page/{contact.alias}/{random_uuid()}"
        page = Page(arn, engagement, contact.contact_arn, channel, at, branch.resolution, branch, self.next_seq())
        self.pages[arn] = page
        engagement.pages.append(page)
        self.pages_by_contact.setdefault(contact.contact_arn, []).append(page)
        return page

    # --- contacts -------------------------------------------------------------------------

    def create_contact(
        self,
        ctx: RequestContext,
        alias: str,
        type: str,
        plan: dict[str, Any],
        display_name: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> str:
        self.require_onboarded()
        arn = f"{self.arn_prefix}contact/{alias}"
        if arn in self.contacts:
            raise ConflictException(f"A contact with the alias {alias} already exists.", arn, CONTACT)
        stored_plan = self._checked_plan(type, plan, None)
        tag_map = _tag_map(tags)
        contact = Contact(arn, alias, type, stored_plan, display_name or None, self.next_seq())
        self.contacts[arn] = contact
        self._index_schedule(contact, ())
        if tag_map:
            self.tags[arn] = tag_map
        return arn

    def get_contact(self, ctx: RequestContext, contact_id: str) -> Contact:
        return self.find_contact(contact_id)

    def update_contact(
        self,
        ctx: RequestContext,
        contact_id: str,
        display_name: str | None = None,
        plan: dict[str, Any] | None = None,
    ) -> None:
        """Partial update: an omitted member stays; a given plan replaces the whole plan."""
        contact = self.find_contact(contact_id)
        stored_plan = self._checked_plan(contact.type, plan, contact) if plan is not None else None
        self.settle()
        if display_name is not None:
            contact.display_name = display_name or None
        if stored_plan is not None:
            before = contact.rotation_ids
            contact.plan = stored_plan
            self._index_schedule(contact, before)

    def delete_contact(self, ctx: RequestContext, contact_id: str) -> None:
        """Delete a contact with its channels, tags and policy. Plans naming it keep the ARN (model doc);
        its past engagements and pages stay readable."""
        contact = self.find_contact(contact_id)
        member_of = self.rotations_by_member.get(contact.contact_arn)
        if member_of:
            raise ConflictException(
                f"The contact {contact.contact_arn} is a member of {len(member_of)} rotation(s). "
                "Remove it from those rotations first.",
                contact.contact_arn,
                CONTACT,
                [{"RelationType": ROTATION_MEMBER, "DependentResourceIds": list(member_of)}],
            )
        self.settle()
        del self.contacts[contact.contact_arn]
        for channel_arn in contact.channels:
            self.channels.pop(channel_arn, None)
        self._index_schedule(contact, contact.rotation_ids, removed=True)
        self.tags.pop(contact.contact_arn, None)

    def list_contacts(
        self,
        ctx: RequestContext,
        next_token: str | None = None,
        max_results: int | None = None,
        alias_prefix: str | None = None,
        type: str | None = None,
        shared: list[Contact] | None = None,
    ) -> tuple[list[Contact], str | None]:
        """The account's contacts in alias order, then ``shared`` (other accounts' contacts shared with the
        caller) by account and alias. An account that is not onboarded has none (no error: AWS's
        Terraform prechecks call ListContacts before any replication set exists)."""
        wanted_type = type

        def wanted(contact: Contact) -> bool:
            return (alias_prefix is None or contact.alias.startswith(alias_prefix)) and (
                wanted_type is None or contact.type == wanted_type
            )

        own = self.contacts.values() if self.onboarded() else ()
        listed = sorted((("", c.alias, c) for c in own if wanted(c)), key=_first_two)
        shared_listed = ((c.contact_arn.split(":", 5)[4], c.alias, c) for c in shared or () if wanted(c))
        listed += sorted(shared_listed, key=_first_two)

        def after(position: Any) -> Iterator[Contact]:
            start = 0 if not isinstance(position, list) else bisect.bisect_right(listed, position, key=_first_two)
            return (entry[2] for entry in listed[start:])

        return self._page(
            "ListContacts",
            [alias_prefix, type],
            after,
            lambda c: ["" if c.contact_arn.startswith(self.arn_prefix) else c.contact_arn.split(":", 5)[4], c.alias],
            max_results,
            next_token,
        )

    def _checked_plan(self, contact_type: str, plan: dict[str, Any], contact: Contact | None) -> dict[str, Any]:
        """The plan as stored, after the rules of the contact's type (``contact``: None while it is created)."""
        stages = plan.get("Stages")
        rotation_ids = plan.get("RotationIds")
        if contact_type == ONCALL_SCHEDULE:
            if stages is not None:
                raise invalid("ONCALL SCHEDULE contact cannot have stages in plan", "Plan.Stages")
            return {"RotationIds": self._checked_rotation_ids(rotation_ids or [])}
        if rotation_ids:
            raise invalid(f"{contact_type} contact cannot have rotations in plan", "Plan.RotationIds")
        stages = stages or []
        if len(stages) > MAX_STAGES:
            raise ServiceQuotaExceededException(
                f"A plan can have at most {MAX_STAGES} stages; this one has {len(stages)}.", "stages-per-plan"
            )
        checked = []
        for number, stage in enumerate(stages, 1):
            path = f"Plan.Stages.{number}.member"
            targets = stage.get("Targets") or []
            if stage["DurationInMinutes"] == 0 and not targets:
                raise invalid(
                    "The duration can only be set to 0 if a target is specified.", f"{path}.DurationInMinutes"
                )
            if len(targets) > MAX_TARGETS_PER_STAGE:
                raise ServiceQuotaExceededException(
                    f"A stage can have at most {MAX_TARGETS_PER_STAGE} targets; stage {number} has {len(targets)}.",
                    "targets-per-stage",
                )
            for index, target in enumerate(targets, 1):
                self._check_target(contact_type, target, contact, f"{path}.Targets.{index}.member")
            checked.append({"DurationInMinutes": stage["DurationInMinutes"], "Targets": copy.deepcopy(targets)})
        return {"Stages": checked}

    def _check_target(self, contact_type: str, target: dict[str, Any], contact: Contact | None, path: str) -> None:
        channel_target = target.get("ChannelTargetInfo")
        contact_target = target.get("ContactTargetInfo")
        if (channel_target is None) == (contact_target is None):
            raise invalid("A target must have exactly one of ChannelTargetInfo and ContactTargetInfo.", path)
        if contact_type == PERSONAL:
            if channel_target is None:
                raise invalid("The engagement plan of a PERSONAL contact can target only its own channels.", path)
            channel_arn = channel_target["ContactChannelId"]
            if contact is None or channel_arn not in contact.channels:
                raise invalid(
                    f"Contact channel {channel_arn} is not a channel of this contact.",
                    f"{path}.ChannelTargetInfo.ContactChannelId",
                )
            return
        if contact_target is None:
            raise invalid("An escalation plan can target only contacts and on-call schedules.", path)
        target_arn = contact_target.get("ContactId")
        field = f"{path}.ContactTargetInfo.ContactId"
        if not target_arn:
            raise invalid("The target contact is required.", field)
        reached = self.contacts.get(target_arn)
        if reached is None:
            raise invalid(f"Contact {target_arn} not found in this account and region.", field)
        if reached.type == ESCALATION:
            raise invalid(f"An escalation plan cannot target the escalation plan {target_arn}.", field)

    def _checked_rotation_ids(self, rotation_ids: list[str]) -> list[str]:
        if not rotation_ids:
            raise invalid("ONCALL SCHEDULE contact must have at least one rotation in plan", "Plan.RotationIds")
        if len(rotation_ids) > MAX_ROTATIONS_PER_SCHEDULE:
            raise ServiceQuotaExceededException(
                f"An on-call schedule can have at most {MAX_ROTATIONS_PER_SCHEDULE} rotations.",
                "rotations-per-schedule",
            )
        if len(set(rotation_ids)) != len(rotation_ids):
            raise invalid("A rotation is listed more than once in the plan.", "Plan.RotationIds")
        for number, rotation_arn in enumerate(rotation_ids, 1):
            if rotation_arn not in self.rotations:
                raise invalid(f"Rotation {rotation_arn} not found.", f"Plan.RotationIds.{number}.member")
        return list(rotation_ids)

    def _index_schedule(self, contact: Contact, before: Iterable[str], removed: bool = False) -> None:
        """Keep ``schedules_by_rotation`` in step with an on-call schedule's rotations."""
        for rotation_arn in before:
            schedules = self.schedules_by_rotation.get(rotation_arn)
            if schedules is not None:
                schedules.pop(contact.contact_arn, None)
                if not schedules:
                    del self.schedules_by_rotation[rotation_arn]
        if not removed:
            for rotation_arn in contact.rotation_ids:
                self.schedules_by_rotation.setdefault(rotation_arn, {})[contact.contact_arn] = None

    # --- contact channels -----------------------------------------------------------------

    def create_contact_channel(
        self,
        ctx: RequestContext,
        contact_id: str,
        name: str,
        type: str,
        delivery_address: dict[str, str],
        defer_activation: bool | None = None,
    ) -> str:
        self.require_onboarded()
        contact = self.contacts.get(contact_id)
        if contact is None:  # the operation models no ResourceNotFoundException
            raise invalid(f"Contact {contact_id} not found.", "ContactId")
        if contact.type != PERSONAL:
            raise invalid(f"Only PERSONAL contacts have contact channels; {contact_id} is {contact.type}.", "ContactId")
        address = _checked_address(type, delivery_address)
        _check_unique_address(contact, type, address, None)
        if len(contact.channels) >= MAX_CHANNELS_PER_CONTACT:
            raise invalid(f"A contact can have at most {MAX_CHANNELS_PER_CONTACT} contact channels.")
        arn = f"{self.arn_prefix}contact-channel/{contact.alias}/{random_uuid()}"
        channel = ContactChannel(arn, contact.contact_arn, name, type, address, self.next_seq())
        if not defer_activation:
            channel.send_activation_code()
        contact.channels[arn] = channel
        self.channels[arn] = channel
        return arn

    def get_contact_channel(self, ctx: RequestContext, contact_channel_id: str) -> ContactChannel:
        return self.find_channel(contact_channel_id)

    def update_contact_channel(
        self,
        ctx: RequestContext,
        contact_channel_id: str,
        name: str | None = None,
        delivery_address: dict[str, str] | None = None,
    ) -> None:
        """A new address is a new device: the channel needs activating again (a code is sent to it)."""
        channel = self.find_channel(contact_channel_id)
        address = _checked_address(channel.type, delivery_address) if delivery_address is not None else None
        if address is not None:
            _check_unique_address(self.contacts[channel.contact_arn], channel.type, address, channel)
        self.settle()
        if name is not None:
            channel.name = name
        if address is not None and address != channel.delivery_address:
            channel.delivery_address = address
            channel.activation_status = NOT_ACTIVATED
            channel.send_activation_code()

    def delete_contact_channel(self, ctx: RequestContext, contact_channel_id: str) -> None:
        """Plans keep naming the channel; stages that target it page nothing more (model doc)."""
        channel = self.find_channel(contact_channel_id)
        self.settle()
        del self.channels[channel.contact_channel_arn]
        self.contacts[channel.contact_arn].channels.pop(channel.contact_channel_arn, None)

    def list_contact_channels(
        self,
        ctx: RequestContext,
        contact_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[ContactChannel], str | None]:
        channels = list(self.find_contact(contact_id).channels.values())  # in creation order

        def after(position: Any) -> Iterator[ContactChannel]:
            return (c for c in channels if not isinstance(position, int) or c.seq > position)

        return self._page("ListContactChannels", contact_id, after, lambda c: c.seq, max_results, next_token)

    def send_activation_code(self, ctx: RequestContext, contact_channel_id: str) -> None:
        """A new code replaces the previous one."""
        self.find_channel(contact_channel_id).send_activation_code()

    def activate_contact_channel(self, ctx: RequestContext, contact_channel_id: str, activation_code: str) -> None:
        channel = self.find_channel(contact_channel_id)
        if channel.activation_code is None:
            raise invalid(
                "No activation code was sent to this contact channel. Call SendActivationCode first.",
                "ActivationCode",
            )
        if activation_code != channel.activation_code:
            raise invalid("The activation code is not the one sent to this contact channel.", "ActivationCode")
        self.settle()
        channel.activation_status = ACTIVATED

    def deactivate_contact_channel(self, ctx: RequestContext, contact_channel_id: str) -> None:
        channel = self.find_channel(contact_channel_id)
        self.settle()
        channel.activation_status = NOT_ACTIVATED

    # --- engagements and pages ------------------------------------------------------------

    def start_engagement(
        self,
        ctx: RequestContext,
        contact_id: str,
        sender: str,
        subject: str,
        content: str,
        public_subject: str | None = None,
        public_content: str | None = None,
        incident_id: str | None = None,
    ) -> str:
        contact = self.find_contact(contact_id)
        message = {
            "sender": sender,
            "subject": subject,
            "content": content,
            "public_subject": public_subject,
            "public_content": public_content,
        }
        return self.engage(contact, message, incident_id).engagement_arn

    def engage(self, contact: Contact, message: dict[str, str | None], incident_id: str | None) -> Engagement:
        """Start an engagement of ``contact`` now; what its first stage sends goes out at once."""
        now = time.time()
        arn = f"{self.arn_prefix}engagement/{contact.alias}/{random_uuid()}"
        engagement = Engagement(arn, contact.contact_arn, message, incident_id, now, self.next_seq())
        self.engagements[arn] = engagement
        bisect.insort(self.engagement_order, (now, engagement.seq, arn))
        if engagement.incident_id:
            self.engagements_by_incident.setdefault(engagement.incident_id, []).append(engagement)
        engagements.start(engagement, contact, self)
        self._track(engagement)
        return engagement

    def describe_engagement(self, ctx: RequestContext, engagement_id: str) -> Engagement:
        engagement = self.find_engagement(engagement_id)
        self.advance(engagement)
        return engagement

    def stop_engagement(self, ctx: RequestContext, engagement_id: str, reason: str | None = None) -> None:
        """Stop paging; open pages get a STOP receipt. Stopping a stopped engagement changes nothing."""
        engagement = self.find_engagement(engagement_id)
        if engagement.stop_time is not None:
            return
        now = time.time()
        self.advance(engagement, now)
        engagement.stop_time = now
        engagement.stop_reason = reason
        engagements.stop(engagement, now)
        for page in engagement.pages:
            if page.read_time is None and not page.has_receipt("STOP"):
                page.receipts.append(Receipt(page.contact_channel_arn, "STOP", reason or None, now))

    def list_engagements(
        self,
        ctx: RequestContext,
        next_token: str | None = None,
        max_results: int | None = None,
        incident_id: str | None = None,
        time_range_value: dict[str, float] | None = None,
    ) -> tuple[list[Engagement], str | None]:
        """Newest first; ``TimeRangeValue`` keeps those whose StartTime is inside the (inclusive) range."""
        window = time_range_value or {}
        earliest, latest = window.get("StartTime"), window.get("EndTime")
        if earliest is not None and latest is not None and latest < earliest:
            raise invalid("The end of the time range is before its start.", "TimeRangeValue")
        self.require_onboarded()
        order = self.engagement_order
        by_incident = self.engagements_by_incident.get(incident_id, []) if incident_id else None

        def in_range(start: float) -> bool:
            return (earliest is None or start >= earliest) and (latest is None or start <= latest)

        def after(position: Any) -> Iterator[Engagement]:
            key = tuple(position) if isinstance(position, list) else None
            if by_incident is not None:
                chosen = sorted(by_incident, key=lambda e: (e.start_time, e.seq), reverse=True)
                for engagement in chosen:
                    if (key is None or (engagement.start_time, engagement.seq) < key) and in_range(
                        engagement.start_time
                    ):
                        yield engagement
                return
            end = len(order) if key is None else bisect.bisect_left(order, key)
            for index in range(end - 1, -1, -1):
                start, _, arn = order[index]
                if in_range(start):
                    yield self.engagements[arn]

        scope = [incident_id, earliest, latest]
        return self._page("ListEngagements", scope, after, lambda e: [e.start_time, e.seq], max_results, next_token)

    def list_pages_by_engagement(
        self,
        ctx: RequestContext,
        engagement_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[Page], str | None]:
        """The pages sent so far, in the order they went out."""
        engagement = self.find_engagement(engagement_id)
        self.advance(engagement)
        pages = list(engagement.pages)

        def after(position: Any) -> Iterator[Page]:
            return (p for p in pages if not isinstance(position, int) or p.seq > position)

        return self._page("ListPagesByEngagement", engagement_id, after, lambda p: p.seq, max_results, next_token)

    def list_pages_by_contact(
        self,
        ctx: RequestContext,
        contact_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[Page], str | None]:
        """The pages sent to the contact's channels (whatever engagement sent them), oldest first."""
        contact = self.find_contact(contact_id)
        self.settle()
        pages = sorted(self.pages_by_contact.get(contact.contact_arn, ()), key=lambda p: (p.sent_time, p.seq))

        def after(position: Any) -> Iterator[Page]:
            key = tuple(position) if isinstance(position, list) else None
            return (p for p in pages if key is None or (p.sent_time, p.seq) > key)

        return self._page(
            "ListPagesByContact", contact_id, after, lambda p: [p.sent_time, p.seq], max_results, next_token
        )

    def describe_page(self, ctx: RequestContext, page_id: str) -> Page:
        return self.find_page(page_id)

    def list_page_receipts(
        self,
        ctx: RequestContext,
        page_id: str,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[Receipt], str | None]:
        """The page's receipts in the order they happened (SENT, then DELIVERED, READ or STOP)."""
        receipts = list(self.find_page(page_id).receipts)

        def after(position: Any) -> list[Receipt]:
            return receipts[position + 1 :] if isinstance(position, int) else receipts

        return self._page("ListPageReceipts", page_id, after, lambda r: _index_of(receipts, r), max_results, next_token)

    def list_page_resolutions(
        self, ctx: RequestContext, page_id: str, next_token: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The path from the engaged contact down to the paged one (escalation plan, on-call schedule, person)."""
        path = list(self.find_page(page_id).resolution)

        def after(position: Any) -> list[dict[str, Any]]:
            return path[position + 1 :] if isinstance(position, int) else path

        return self._page("ListPageResolutions", page_id, after, lambda n: _index_of(path, n), None, next_token)

    def accept_page(
        self,
        ctx: RequestContext,
        page_id: str,
        accept_type: str,
        accept_code: str,
        contact_channel_id: str | None = None,
        note: str | None = None,
        accept_code_validation: str | None = None,
    ) -> None:
        """DELIVERED records the delivery; READ acknowledges the page, which stops the escalation it belongs
        to as far as ``engagements.acknowledge`` says. A second accept of the same kind changes nothing."""
        page = self.find_page(page_id)
        if accept_code_validation == "ENFORCE" and accept_code != page.accept_code:
            raise invalid("The accept code does not match the code sent with the page.", "AcceptCode")
        if contact_channel_id is not None and contact_channel_id != page.contact_channel_arn:
            raise invalid(
                f"The page {page_id} was not sent to the contact channel {contact_channel_id}.", "ContactChannelId"
            )
        now = time.time()
        self.advance(page.engagement, now)
        info = note or accept_code
        if page.delivery_time is None:
            page.delivery_time = now
            page.receipts.append(Receipt(page.contact_channel_arn, "DELIVERED", info, now))
        if accept_type == "READ" and page.read_time is None:
            page.read_time = now
            page.receipts.append(Receipt(page.contact_channel_arn, "READ", info, now))
            engagements.acknowledge(page, now)

    # --- rotations ------------------------------------------------------------------------

    def create_rotation(
        self,
        ctx: RequestContext,
        name: str,
        contact_ids: list[str],
        time_zone_id: str,
        recurrence: dict[str, Any],
        start_time: float | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> str:
        self.require_onboarded()
        self._check_members(contact_ids, "ContactIds")
        _check_time_zone(time_zone_id)
        _check_recurrence(recurrence)
        tag_map = _tag_map(tags)
        arn = f"{self.arn_prefix}rotation/{random_uuid()}"
        now = time.time()
        rotation = Rotation(
            arn,
            name,
            list(contact_ids),
            now if start_time is None else start_time,
            time_zone_id,
            copy.deepcopy(recurrence),
            self.next_seq(),
        )
        self.rotations[arn] = rotation
        self._index_members(rotation, ())
        if tag_map:
            self.tags[arn] = tag_map
        return arn

    def get_rotation(self, ctx: RequestContext, rotation_id: str) -> Rotation:
        return self.find_rotation(rotation_id)

    def update_rotation(
        self,
        ctx: RequestContext,
        rotation_id: str,
        recurrence: dict[str, Any],
        contact_ids: list[str] | None = None,
        start_time: float | None = None,
        time_zone_id: str | None = None,
    ) -> None:
        """The recurrence is replaced whole; omitted members stay. Overrides are kept."""
        rotation = self.find_rotation(rotation_id)
        if contact_ids is not None:
            self._check_members(contact_ids, "ContactIds")
        if time_zone_id is not None:
            _check_time_zone(time_zone_id)
        _check_recurrence(recurrence)
        self.settle()
        rotation.recurrence = copy.deepcopy(recurrence)
        if contact_ids is not None:
            before = rotation.contact_ids
            rotation.contact_ids = list(contact_ids)
            self._index_members(rotation, before)
        if start_time is not None:
            rotation.start_time = start_time
        if time_zone_id is not None:
            rotation.time_zone_id = time_zone_id

    def delete_rotation(self, ctx: RequestContext, rotation_id: str) -> None:
        """The rotation leaves every on-call schedule that lists it (model doc), with its overrides and tags."""
        rotation = self.find_rotation(rotation_id)
        self.settle()
        arn = rotation.rotation_arn
        for schedule_arn in self.schedules_by_rotation.pop(arn, {}):
            schedule = self.contacts.get(schedule_arn)
            if schedule is not None:  # a new plan, not a change in place: running engagements keep theirs
                schedule.plan = {"RotationIds": [r for r in schedule.rotation_ids if r != arn]}
        del self.rotations[arn]
        self._index_members(rotation, rotation.contact_ids, removed=True)
        self.tags.pop(arn, None)

    def list_rotations(
        self,
        ctx: RequestContext,
        rotation_name_prefix: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[Rotation], str | None]:
        """In creation order."""
        self.require_onboarded()
        rotations = list(self.rotations.values())

        def after(position: Any) -> Iterator[Rotation]:
            for rotation in rotations:
                if isinstance(position, int) and rotation.seq <= position:
                    continue
                if rotation_name_prefix is None or rotation.name.startswith(rotation_name_prefix):
                    yield rotation

        return self._page("ListRotations", rotation_name_prefix, after, lambda r: r.seq, max_results, next_token)

    def _check_members(self, contact_ids: list[str], field: str) -> None:
        """Rotation members and override contacts: existing PERSONAL contacts, each once."""
        if len(set(contact_ids)) != len(contact_ids):
            raise invalid("A contact is listed more than once.", field)
        for number, arn in enumerate(contact_ids, 1):
            contact = self.contacts.get(arn)
            if contact is None:
                raise not_found(CONTACT, arn)
            if contact.type != PERSONAL:
                raise invalid(
                    f"Only PERSONAL contacts can be on call; {arn} is {contact.type}.", f"{field}.{number}.member"
                )

    def _index_members(self, rotation: Rotation, before: Iterable[str], removed: bool = False) -> None:
        arn = rotation.rotation_arn
        for contact_arn in before:
            rotations_of = self.rotations_by_member.get(contact_arn)
            if rotations_of is not None:
                rotations_of.pop(arn, None)
                if not rotations_of:
                    del self.rotations_by_member[contact_arn]
        if not removed:
            for contact_arn in rotation.contact_ids:
                self.rotations_by_member.setdefault(contact_arn, {})[arn] = None

    # --- rotation overrides ---------------------------------------------------------------

    def create_rotation_override(
        self,
        ctx: RequestContext,
        rotation_id: str,
        new_contact_ids: list[str],
        start_time: float,
        end_time: float,
    ) -> str:
        """The new contacts replace who is on call from StartTime to EndTime (current members must be listed
        to stay on call; an empty list leaves nobody on call)."""
        rotation = self.find_rotation(rotation_id)
        self._check_members(new_contact_ids, "NewContactIds")
        if end_time <= start_time:
            raise invalid("The override must end after it starts.", "EndTime")
        if len(rotation.overrides) >= MAX_OVERRIDES_PER_ROTATION:
            raise ServiceQuotaExceededException(
                f"A rotation can have at most {MAX_OVERRIDES_PER_ROTATION} overrides.",
                "overrides-per-rotation",
                rotation.rotation_arn,
                ROTATION,
            )
        now = time.time()
        self.settle(now)
        override = RotationOverride(
            random_uuid(), rotation.rotation_arn, list(new_contact_ids), start_time, end_time, now
        )
        override.seq = self.next_seq()
        rotation.overrides[override.rotation_override_id] = override
        return override.rotation_override_id

    def _override(self, rotation_id: str, override_id: str) -> tuple[Rotation, RotationOverride]:
        rotation = self.find_rotation(rotation_id)
        override = rotation.overrides.get(override_id)
        if override is None:
            raise not_found(ROTATION_OVERRIDE, override_id)
        return rotation, override

    def get_rotation_override(
        self, ctx: RequestContext, rotation_id: str, rotation_override_id: str
    ) -> RotationOverride:
        return self._override(rotation_id, rotation_override_id)[1]

    def delete_rotation_override(self, ctx: RequestContext, rotation_id: str, rotation_override_id: str) -> None:
        rotation, override = self._override(rotation_id, rotation_override_id)
        self.settle()
        del rotation.overrides[override.rotation_override_id]

    def list_rotation_overrides(
        self,
        ctx: RequestContext,
        rotation_id: str,
        start_time: float,
        end_time: float,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[RotationOverride], str | None]:
        """The overrides overlapping the range, by StartTime."""
        rotation = self.find_rotation(rotation_id)
        if end_time <= start_time:
            raise invalid("EndTime must be after StartTime.", "EndTime")
        found = sorted(rotation.overrides_between(start_time, end_time), key=lambda o: (o.start_time, o.seq))

        def after(position: Any) -> Iterator[RotationOverride]:
            key = tuple(position) if isinstance(position, list) else None
            return (o for o in found if key is None or (o.start_time, o.seq) > key)

        scope = [rotation_id, start_time, end_time]
        return self._page(
            "ListRotationOverrides", scope, after, lambda o: [o.start_time, o.seq], max_results, next_token
        )

    # --- shifts ---------------------------------------------------------------------------

    def _shifts(self, rotation: Rotation, window_start: float, window_end: float) -> list[dict[str, Any]]:
        return rotations.rotation_shifts(
            contact_ids=rotation.contact_ids,
            start_time=rotation.start_time,
            time_zone_id=rotation.time_zone_id,
            recurrence=rotation.recurrence,
            window_start=window_start,
            window_end=window_end,
            overrides=[o.as_input() for o in rotation.overrides_between(window_start, window_end)],
        )

    def list_rotation_shifts(
        self,
        ctx: RequestContext,
        rotation_id: str,
        end_time: float,
        start_time: float | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The rotation's shifts from StartTime (default: now) to EndTime."""
        rotation = self.find_rotation(rotation_id)
        start = time.time() if start_time is None else start_time
        if end_time <= start:
            raise invalid("EndTime must be after StartTime.", "EndTime")
        scope = [rotation_id, start_time, end_time]
        return self._shift_page(
            "ListRotationShifts",
            scope,
            lambda lo, hi: self._shifts(rotation, lo, hi),
            start,
            end_time,
            max_results,
            next_token,
        )

    def list_preview_rotation_shifts(
        self,
        ctx: RequestContext,
        end_time: float,
        members: list[str],
        time_zone_id: str,
        recurrence: dict[str, Any],
        rotation_start_time: float | None = None,
        start_time: float | None = None,
        overrides: list[dict[str, Any]] | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The shifts an unsaved rotation would have: no stored resource is read, so no onboarding is needed.
        The rotation starts at RotationStartTime (default: StartTime, else now); shifts are listed from
        StartTime (default: the rotation start) to EndTime."""
        _check_time_zone(time_zone_id)
        _check_recurrence(recurrence)
        origin = rotation_start_time if rotation_start_time is not None else start_time
        origin = time.time() if origin is None else origin
        start = origin if start_time is None else start_time
        if end_time <= start:
            raise invalid("EndTime must be after StartTime.", "EndTime")
        preview_overrides = []
        for number, override in enumerate(overrides or (), 1):
            begins, ends = override.get("StartTime"), override.get("EndTime")
            if begins is None or ends is None or ends <= begins:
                raise invalid("An override needs a StartTime and a later EndTime.", f"Overrides.{number}.member")
            preview_overrides.append(
                {"NewContactIds": list(override.get("NewMembers") or ()), "StartTime": begins, "EndTime": ends}
            )

        def compute(lo: float, hi: float) -> list[dict[str, Any]]:
            return rotations.rotation_shifts(
                contact_ids=list(members),
                start_time=origin,
                time_zone_id=time_zone_id,
                recurrence=recurrence,
                window_start=lo,
                window_end=hi,
                overrides=[o for o in preview_overrides if o["StartTime"] < hi and o["EndTime"] > lo],
            )

        scope = [members, time_zone_id, recurrence, rotation_start_time, start_time, end_time, overrides]
        return self._shift_page("ListPreviewRotationShifts", scope, compute, start, end_time, max_results, next_token)

    def _shift_page(
        self,
        operation: str,
        scope: Any,
        compute: Callable[[float, float], list[dict[str, Any]]],
        start: float,
        end: float,
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of shifts, computed over growing windows only as far as the page needs.

        A shift that reaches a window's end may continue past it, so it is taken from the next window.
        The position is the StartTime of the last shift returned.
        """

        def after(position: Any) -> Iterator[dict[str, Any]]:
            last = float(position) if isinstance(position, (int, float)) else None
            low = start if last is None else max(start, last)
            span = _DAY
            for _ in range(_MAX_SHIFT_WINDOWS):
                high = min(end, low + span)
                complete = high >= end
                for shift in compute(low, high):
                    if last is not None and shift["StartTime"] <= last:
                        continue
                    if not complete and shift["EndTime"] >= high:
                        break
                    yield shift
                    last = shift["StartTime"]
                    low = max(low, shift["EndTime"])
                if complete:
                    return
                span *= 4

        return self._page(operation, scope, after, lambda s: s["StartTime"], max_results, next_token)

    # --- contact policies -----------------------------------------------------------------

    def put_contact_policy(self, ctx: RequestContext, contact_arn: str, policy: str) -> None:
        """One policy per contact: a new one replaces it. Stored verbatim."""
        contact = self.find_contact(contact_arn)
        _check_policy(policy)
        contact.policy = policy

    def get_contact_policy(self, ctx: RequestContext, contact_arn: str) -> ContactPolicy:
        contact = self.find_contact(contact_arn)
        return ContactPolicy(contact.contact_arn, contact.policy)

    def contacts_shared_with(self, ctx: RequestContext) -> list[Contact]:
        """This account's contacts whose policy lets ``ctx`` (another account) read them: its ListContacts lists them."""
        if not self.onboarded():
            return []
        return [c for c in self.contacts.values() if c.policy and contact_allows(c, ctx, "GetContact")]

    # --- tags -----------------------------------------------------------------------------

    def tagged_resource(self, arn: str) -> dict[str, str]:
        """The tags of a contact or rotation (empty if it has none), or the error for anything else."""
        self.require_onboarded()
        if arn in self.contacts or arn in self.rotations:
            return self.tags.get(arn, {})
        parts = arn_kind(arn)
        resource_type = RESOURCE_TYPES.get(parts[3], "RESOURCE") if parts else "RESOURCE"
        if arn in self.channels or arn in self.engagements or arn in self.pages:
            raise invalid(
                f"Tags are not supported for {resource_type.replace('_', ' ').lower()} resources.", "ResourceARN"
            )
        raise not_found(resource_type, arn)

    def tag_resource(self, ctx: RequestContext, resource_arn: str, tags: list[dict[str, str]]) -> None:
        """TagResource with an existing key replaces its value."""
        merged = {**self.tagged_resource(resource_arn), **_tag_map(tags)}
        if len(merged) > MAX_TAGS_PER_RESOURCE:
            raise ServiceQuotaExceededException(
                f"A resource can have at most {MAX_TAGS_PER_RESOURCE} tags; this request would give "
                f"{resource_arn} {len(merged)}.",
                "tags-per-resource",
                resource_arn,
                RESOURCE_TYPES.get((arn_kind(resource_arn) or ("", "", "", "", ""))[3]),
            )
        self.tags[resource_arn] = merged

    def untag_resource(self, ctx: RequestContext, resource_arn: str, tag_keys: list[str]) -> None:
        remaining = {k: v for k, v in self.tagged_resource(resource_arn).items() if k not in tag_keys}
        if remaining:
            self.tags[resource_arn] = remaining
        else:
            self.tags.pop(resource_arn, None)

    def list_tags_for_resource(self, ctx: RequestContext, resource_arn: str) -> list[dict[str, str]]:
        return as_tags(self.tagged_resource(resource_arn))

    # --- test support ---------------------------------------------------------------------

    def activation_code(self, contact_channel_arn: str) -> str | None:
        """The latest activation code sent to a channel (what its owner would read on the device)."""
        channel = self.channels.get(contact_channel_arn)
        return channel.activation_code if channel is not None else None

    def accept_code(self, page_arn: str) -> str | None:
        """The code sent with a page (what the recipient replies with to acknowledge it)."""
        page = self.pages.get(page_arn)
        return page.accept_code if page is not None else None

    # --- for ssm-incidents ----------------------------------------------------------------

    def timeline_events(self, engagement: Engagement) -> list[dict[str, Any]]:
        """The incident timeline events of an engagement so far: one per page sent, one per acknowledgement.

        Each has the ssm-incidents members ``eventType``, ``eventTime`` and ``eventData`` (JSON text
        ``{"contactArn", "engagementArn"}``) and a ``key`` that stays the same on every call.
        """
        self.advance(engagement)
        events: list[dict[str, Any]] = []
        for page in engagement.pages:
            data = compact({"contactArn": page.contact_arn, "engagementArn": engagement.engagement_arn})
            events.append(
                {
                    "key": f"{page.page_arn}#page",
                    "eventType": PAGE_EVENT,
                    "eventTime": page.sent_time,
                    "eventData": data,
                }
            )
            if page.read_time is not None:
                events.append(
                    {
                        "key": f"{page.page_arn}#ack",
                        "eventType": ACKNOWLEDGEMENT_EVENT,
                        "eventTime": page.read_time,
                        "eventData": data,
                    }
                )
        return events


# --- rules of single operations -----------------------------------------------------------------


def _index_of(items: list[Any], item: Any) -> int:
    return next(index for index, candidate in enumerate(items) if candidate is item)


def _first_two(entry: tuple[str, str, Contact]) -> list[str]:
    return [entry[0], entry[1]]


def _tag_map(tags: list[dict[str, str]] | None) -> dict[str, str]:
    """Tags as stored (a later duplicate key wins); the model leaves Key and Value optional, AWS needs both."""
    tag_map: dict[str, str] = {}
    for number, tag in enumerate(tags or (), 1):
        key, value = tag.get("Key"), tag.get("Value")
        if key is None or value is None:
            raise invalid("A tag needs a Key and a Value.", f"Tags.{number}.member")
        tag_map[key] = value
    return tag_map


def _checked_address(channel_type: str, delivery_address: dict[str, str]) -> dict[str, str]:
    """SMS and VOICE: '+', country code and number (E.164); EMAIL: an e-mail address."""
    address = delivery_address.get("SimpleAddress")
    field = "DeliveryAddress.SimpleAddress"
    if not address:
        raise invalid("The delivery address is required.", field)
    if channel_type in ("SMS", "VOICE"):
        if _PHONE.fullmatch(address) is None:
            raise invalid(
                f"{channel_type} delivery address must be '+' followed by the country code and phone number, "
                f"not '{address}'.",
                field,
            )
    elif _EMAIL.fullmatch(address) is None:
        raise invalid(f"EMAIL delivery address must be an e-mail address, not '{address}'.", field)
    return {"SimpleAddress": address}


def _check_unique_address(
    contact: Contact, channel_type: str, address: dict[str, str], updating: ContactChannel | None
) -> None:
    for channel in contact.channels.values():
        if channel is not updating and channel.type == channel_type and channel.delivery_address == address:
            raise ConflictException(
                f"The contact already has the {channel_type} channel {channel.contact_channel_arn} "
                f"for {address['SimpleAddress']}.",
                channel.contact_channel_arn,
                CONTACT_CHANNEL,
            )


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _check_time_zone(time_zone_id: str) -> None:
    """An IANA zone (``Area/Location``) or UTC: designators without DST rules (``PST``, ``EST``) are refused (model doc)."""
    if time_zone_id != "UTC" and ("/" not in time_zone_id or time_zone_id not in _time_zones()):
        raise invalid(
            f"Time zone {time_zone_id} is not supported; use an IANA time zone such as America/Los_Angeles or UTC.",
            "TimeZoneId",
        )


def _check_recurrence(recurrence: dict[str, Any]) -> None:
    problems = rotations.validate_recurrence(recurrence)
    if problems:  # the engine's messages may carry the service's prefix already
        raise invalid("; ".join(problem.removeprefix(INVALID) for problem in problems), "Recurrence")


def _check_policy(policy: str) -> None:
    """A JSON object with at least one statement object (what ``core.iam`` can evaluate)."""
    try:
        document = decode(policy)
    except ValueError:
        raise invalid("The policy is not a valid JSON document.", "Policy") from None
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not statements or not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise invalid("The policy must be a JSON object with at least one statement.", "Policy")


def contact_allows(contact: Contact, ctx: RequestContext, operation: str, resource: str | None = None) -> bool:
    """Whether the contact's policy grants ``ctx`` ``ssm-contacts:<operation>`` on ``resource`` (default: the contact)."""
    if not contact.policy:
        return False
    return iam.policies_allow(
        (contact.policy,),
        ctx.caller_arn,
        ctx.account_id,
        f"{SERVICE_NAME}:{operation}",
        resource or contact.contact_arn,
    )


# --- the backends and what other parts of the package call --------------------------------------


def incident_manager_ready(account_id: str, partition: str, region: str, ctx: RequestContext | None = None) -> bool:
    """Whether the account is onboarded in the region: its ssm-incidents replication set covers it
    (in lenient mode an account without a set is served too). Reads the set without its lock."""
    accounts = dict.get(incidents.ssmincidents_backends, account_id)
    backend = dict.get(accounts, partition) if accounts is not None else None
    if backend is None:  # the account never used ssm-incidents: no replication set
        return not settings.strict_replication_set
    return backend.visible(ctx or RequestContext(account_id, region))


def contacts_backend(account_id: str, region: str) -> SSMContactsBackend | None:
    """``ssmcontacts_backends[account_id][region]`` (created on first use); None for a region without the service."""
    accounts = dict.get(ssmcontacts_backends, account_id)
    backend = dict.get(accounts, region) if accounts is not None else None
    if backend is not None:
        return backend
    regional = ssmcontacts_backends[account_id]
    return regional[region] if region in regional else None


def _existing_backend(account_id: str, region: str) -> SSMContactsBackend | None:
    accounts = dict.get(ssmcontacts_backends, account_id)
    return dict.get(accounts, region) if accounts is not None else None


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
        backend = _existing_backend(parts[2], parts[1]) if parts is not None else None
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
