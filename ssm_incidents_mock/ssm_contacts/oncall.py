"""On-call rotations, their overrides and their shifts: the rotation operations of ssm-contacts.

Shifts come from the shift engine (``rotations.py``), one at a time: a page computes only the shifts it
returns (and one more to know whether there is a next page), whatever the window asked for.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any

from ..core.context import RequestContext
from ..core.ids import random_uuid, unused
from . import rotations
from .exceptions import INVALID, ServiceQuotaExceededException, invalid, not_found
from .records import CONTACT, PERSONAL, ROTATION, ROTATION_OVERRIDE, Rotation, RotationOverride
from .state import ContactsState, now, tag_map

MAX_OVERRIDES_PER_ROTATION = 1000  # the mock's choice (docs/behaviour.md)


class OnCallOperations(ContactsState):
    """Rotations, overrides, ListRotationShifts and ListPreviewRotationShifts."""

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
        _check_recurrence(recurrence, len(contact_ids))
        tags_by_key = tag_map(tags)
        arn = self.new_arn("rotation", self.rotations)
        rotation = Rotation(
            arn,
            name,
            list(contact_ids),
            now() if start_time is None else start_time,
            time_zone_id,
            copy.deepcopy(recurrence),
            self.next_seq(),
        )
        self.rotations[arn] = rotation
        self._index_members(rotation, ())
        if tags_by_key:
            self.tags[arn] = tags_by_key
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
        _check_recurrence(recurrence, len(rotation.contact_ids if contact_ids is None else contact_ids))
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

    # --- overrides

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
        created = now()
        self.settle(created)
        override = RotationOverride(
            unused(random_uuid, rotation.overrides),
            rotation.rotation_arn,
            list(new_contact_ids),
            start_time,
            end_time,
            created,
        )
        override.seq = self.next_seq()
        rotation.overrides = {**rotation.overrides, override.rotation_override_id: override}
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
        overrides = dict(rotation.overrides)  # a new dict: the rotation's override segments follow it
        del overrides[override.rotation_override_id]
        rotation.overrides = overrides

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
        _check_window(start_time, end_time)
        found = sorted(rotation.overrides_between(start_time, end_time), key=lambda o: (o.start_time, o.seq))

        def after(position: Any) -> Iterator[RotationOverride]:
            key = tuple(position) if isinstance(position, list) else None
            return (o for o in found if key is None or (o.start_time, o.seq) > key)

        scope = [rotation_id, start_time, end_time]
        return self._page(
            "ListRotationOverrides", scope, after, lambda o: [o.start_time, o.seq], max_results, next_token
        )

    # --- shifts

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
        start = now() if start_time is None else start_time
        _check_window(start, end_time)
        scope = [rotation_id, start_time, end_time]
        window = (start, end_time)
        return self._shift_page("ListRotationShifts", scope, rotation.as_input(), window, max_results, next_token)

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
        if len(set(members)) != len(members):
            raise invalid("A member is listed more than once.", "Members")
        _check_time_zone(time_zone_id)
        _check_recurrence(recurrence, len(members))
        origin = rotation_start_time if rotation_start_time is not None else start_time
        origin = now() if origin is None else origin
        start = origin if start_time is None else start_time
        _check_window(start, end_time)
        preview = {
            "contact_ids": list(members),
            "start_time": origin,
            "time_zone_id": time_zone_id,
            "recurrence": recurrence,
            "overrides": _preview_overrides(overrides or ()),
        }
        scope = [members, time_zone_id, recurrence, rotation_start_time, start_time, end_time, overrides]
        window = (start, end_time)
        return self._shift_page("ListPreviewRotationShifts", scope, preview, window, max_results, next_token)

    def _shift_page(
        self,
        operation: str,
        scope: Any,
        rotation: dict[str, Any],
        window: tuple[float, float],
        max_results: int | None,
        next_token: str | None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the shifts of ``rotation`` (the engine's inputs) in ``window``. The position is the
        EndTime of the last shift returned: the next page starts the engine there, so pages stay contiguous
        even when an override or an update between them changes the shift in progress."""
        start, end = window

        def after(position: Any) -> Iterator[dict[str, Any]]:
            low = max(start, float(position)) if isinstance(position, (int, float)) else start
            return rotations.rotation_shifts(**rotation, window_start=low, window_end=end)

        return self._page(operation, scope, after, lambda s: s["EndTime"], max_results, next_token)


def _check_time_zone(time_zone_id: str) -> None:
    """An IANA zone (``Area/Location``) or UTC: designators without DST rules (``PST``, ``EST``) are refused (model doc)."""
    if not rotations.known_zone(time_zone_id):
        raise invalid(
            f"Time zone {time_zone_id} is not supported; use an IANA time zone such as America/Los_Angeles or UTC.",
            "TimeZoneId",
        )


def _check_recurrence(recurrence: dict[str, Any], member_count: int) -> None:
    problems = rotations.validate_recurrence(recurrence)
    if problems:  # the engine's messages may carry the service's prefix already
        raise invalid("; ".join(problem.removeprefix(INVALID) for problem in problems), "Recurrence")
    too_many = rotations.validate_team(recurrence, member_count)
    if too_many:
        raise invalid("; ".join(too_many), "Recurrence.NumberOfOnCalls")


def _check_window(start: float, end: float) -> None:
    if end <= start:
        raise invalid("EndTime must be after StartTime.", "EndTime")


def _preview_overrides(overrides: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The preview's overrides as the engine takes them (``NewMembers`` are the new contacts)."""
    checked = []
    for number, override in enumerate(overrides, 1):
        begins, ends = override.get("StartTime"), override.get("EndTime")
        if begins is None or ends is None or ends <= begins:
            raise invalid("An override needs a StartTime and a later EndTime.", f"Overrides.{number}.member")
        checked.append({"NewContactIds": list(override.get("NewMembers") or ()), "StartTime": begins, "EndTime": ends})
    return checked
