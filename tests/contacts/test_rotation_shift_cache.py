"""A stored rotation keeps the shift engine's schedule and override segments between calls: whatever
changes the rotation must change the shifts it lists next, even when the rotation was listed before."""

from __future__ import annotations

from typing import Any

import pytest

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend, rotation_on_call
from tests.support.contacts import daily, personal

DAY = 86_400.0
START = 1_700_000_000.0  # 2023-11-14T22:13:20Z
WINDOW = (START + 3 * DAY, START + 10 * DAY)
ZONE = "America/Los_Angeles"

CHANGES: dict[str, dict[str, Any]] = {
    "members": {"contact_ids": [2, 0]},
    "start time": {"start_time": START + 1.5 * DAY},
    "time zone": {"time_zone_id": "Asia/Tokyo"},
    "recurrence": {"recurrence": daily(multiplier=2)},
}


def _listed(backend: SSMContactsBackend, ctx: RequestContext, arn: str) -> list[dict[str, Any]]:
    shifts, _ = backend.list_rotation_shifts(ctx, rotation_id=arn, start_time=WINDOW[0], end_time=WINDOW[1])
    return shifts


def _previewed(backend: SSMContactsBackend, ctx: RequestContext, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """The shifts a rotation with ``settings`` has, computed afresh (nothing stored, nothing kept)."""
    shifts, _ = backend.list_preview_rotation_shifts(
        ctx,
        end_time=WINDOW[1],
        members=settings["contact_ids"],
        time_zone_id=settings["time_zone_id"],
        recurrence=settings["recurrence"],
        rotation_start_time=settings["start_time"],
        start_time=WINDOW[0],
    )
    return shifts


@pytest.mark.parametrize("change", list(CHANGES))
def test_update_rotation_changes_the_shifts_of_a_rotation_listed_before(
    backend: SSMContactsBackend, ctx: RequestContext, change: str
) -> None:
    members = [personal(backend, ctx, alias) for alias in ("a", "b", "c")]
    settings: dict[str, Any] = {
        "contact_ids": members,
        "start_time": START,
        "time_zone_id": ZONE,
        "recurrence": daily(),
    }
    arn = backend.create_rotation(ctx, name="primary", **settings)
    before = _listed(backend, ctx, arn)
    assert before == _previewed(backend, ctx, settings)
    update = dict(CHANGES[change])
    if "contact_ids" in update:
        update["contact_ids"] = [members[index] for index in update["contact_ids"]]
    settings.update(update)

    backend.update_rotation(ctx, rotation_id=arn, **{"recurrence": settings["recurrence"], **update})

    after = _listed(backend, ctx, arn)
    assert after != before
    assert after == _previewed(backend, ctx, settings)
    rotation = backend.rotations[arn]
    at = after[0]["StartTime"]
    assert rotation_on_call(rotation, at) == after[0]["ContactIds"]


def test_overrides_change_the_shifts_of_a_rotation_listed_before(
    backend: SSMContactsBackend, ctx: RequestContext
) -> None:
    members = [personal(backend, ctx, alias) for alias in ("a", "b")]
    stand_in = personal(backend, ctx, "stand-in")
    arn = backend.create_rotation(
        ctx, name="primary", contact_ids=members, time_zone_id=ZONE, recurrence=daily(), start_time=START
    )
    regular = _listed(backend, ctx, arn)
    assert {shift["Type"] for shift in regular} == {"REGULAR"}
    begins, ends = WINDOW[0] + DAY, WINDOW[0] + 2 * DAY
    assert rotation_on_call(backend.rotations[arn], begins) != [stand_in]

    override = backend.create_rotation_override(
        ctx, rotation_id=arn, new_contact_ids=[stand_in], start_time=begins, end_time=ends
    )

    overridden = [shift for shift in _listed(backend, ctx, arn) if shift["Type"] == "OVERRIDDEN"]
    assert len(overridden) == 2  # cut at the day's hand-off
    assert (overridden[0]["StartTime"], overridden[-1]["EndTime"]) == (begins, ends)
    assert [shift["ContactIds"] for shift in overridden] == [[stand_in], [stand_in]]
    assert rotation_on_call(backend.rotations[arn], begins) == [stand_in]

    backend.delete_rotation_override(ctx, arn, override)

    assert _listed(backend, ctx, arn) == regular
    assert rotation_on_call(backend.rotations[arn], begins) != [stand_in]
