"""Contacts, escalation plans and on-call schedules: CreateContact, GetContact, UpdateContact,
DeleteContact, ListContacts, and the rules of each type's plan."""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterable, Iterator
from typing import Any

from ..core.arns import account_of
from ..core.context import RequestContext
from .exceptions import ConflictException, ServiceQuotaExceededException, invalid
from .records import CONTACT, ESCALATION, ONCALL_SCHEDULE, PERSONAL, Contact
from .state import ContactsState, tag_map

# Quotas (AWS publishes none for these; each is the mock's choice, see docs/behaviour.md).
MAX_STAGES = 100  # StageIndex is 0-100 in the model
MAX_TARGETS_PER_STAGE = 30
MAX_ROTATIONS_PER_SCHEDULE = 8  # UG: up to 8 rotations per on-call schedule
ROTATION_MEMBER = "ROTATION_MEMBER"  # DependentEntity.RelationType of a rotation a contact is a member of


class ContactOperations(ContactsState):
    """The contact operations and the plan rules."""

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
        tags_by_key = tag_map(tags)
        contact = Contact(arn, alias, type, stored_plan, display_name or None, self.next_seq())
        self.contacts[arn] = contact
        self._index_schedule(contact, ())
        if tags_by_key:
            self.tags[arn] = tags_by_key
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
        self.policy_contacts.pop(contact.contact_arn, None)

    def list_contacts(
        self,
        ctx: RequestContext,
        next_token: str | None = None,
        max_results: int | None = None,
        alias_prefix: str | None = None,
        type: str | None = None,
    ) -> tuple[list[Contact], str | None]:
        """The account's contacts in alias order, then ``ctx.shared`` (other accounts' contacts shared with the
        caller, ``access.target``) by account and alias. An account that is not onboarded has none of its own
        (no error: AWS's Terraform prechecks call ListContacts before any replication set exists)."""
        wanted_type = type

        def wanted(contact: Contact) -> bool:
            return (alias_prefix is None or contact.alias.startswith(alias_prefix)) and (
                wanted_type is None or contact.type == wanted_type
            )

        own = self.contacts.values() if self.onboarded() else ()
        listed = sorted((("", c.alias, c) for c in own if wanted(c)), key=_first_two)
        shared_listed = ((account_of(c.contact_arn), c.alias, c) for c in ctx.shared if wanted(c))
        listed += sorted(shared_listed, key=_first_two)

        def after(position: Any) -> Iterator[Contact]:
            start = 0 if not isinstance(position, list) else bisect.bisect_right(listed, position, key=_first_two)
            return (entry[2] for entry in listed[start:])

        return self._page(
            "ListContacts",
            [alias_prefix, type],
            after,
            lambda c: ["" if c.contact_arn.startswith(self.arn_prefix) else account_of(c.contact_arn), c.alias],
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
        if reached is None and account_of(target_arn) != self.account_id:
            raise invalid(
                f"Contact {target_arn} belongs to another account; shared contacts cannot be used in a plan.", field
            )
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


def _first_two(entry: tuple[str, str, Contact]) -> list[str]:
    return [entry[0], entry[1]]
