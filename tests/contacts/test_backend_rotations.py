"""Rotations, overrides and shifts: the backend's part (the shift rules are test_rotation_engine.py's)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts import rotations
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend, ssmcontacts_backends
from tests.support import Clock
from tests.support.contacts import REGION, FakeShifts, daily, personal, raises, render, rotation

DAY = 86_400.0
HOUR = 3600.0
HAND_OFF = 1_700_067_600.0  # 2023-11-15T17:00:00Z: 09:00 in Los Angeles, the day after the clock's start
EARLIEST, LATEST = 0.0, 253_402_300_799.999  # the timestamps the model's checks let through
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def test_create_and_get_a_rotation(backend: SSMContactsBackend, ctx: RequestContext, clock: Clock) -> None:
    members = [personal(backend, ctx, alias) for alias in ("b", "a", "c")]
    arn = backend.create_rotation(
        ctx, name="primary", contact_ids=members, time_zone_id="Australia/Sydney", recurrence=daily(2)
    )
    assert re.fullmatch(rf"{re.escape(backend.arn_prefix)}rotation/{UUID}", arn)
    assert render("GetRotation", backend.get_rotation(ctx, rotation_id=arn)) == {
        "RotationArn": arn,
        "Name": "primary",
        "ContactIds": members,  # shift order as given
        "StartTime": clock.now,  # none given: the creation time
        "TimeZoneId": "Australia/Sydney",
        "Recurrence": daily(2),
    }


def test_members_are_existing_personal_contacts_each_once(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    member = personal(backend, ctx, "member")
    missing = f"{backend.arn_prefix}contact/nobody"
    error = raises("CreateRotation", "ResourceNotFoundException", lambda: rotation(backend, ctx, [member, missing], 0))
    assert error.members == {"ResourceId": missing, "ResourceType": "CONTACT"}
    schedule = backend.create_contact(
        ctx, alias="s", type="ONCALL_SCHEDULE", plan={"RotationIds": [rotation(backend, ctx, [member], 0)]}
    )
    raises("CreateRotation", "ValidationException", lambda: rotation(backend, ctx, [schedule], 0), "Only PERSONAL")
    raises(
        "CreateRotation", "ValidationException", lambda: rotation(backend, ctx, [member, member], 0), "more than once"
    )
    assert len(backend.rotations) == 1


@pytest.mark.parametrize("zone", ["PST", "EST", "Mars/Olympus_Mons", "America/Los_Angeles "])
def test_time_zones_are_iana_zones_with_dst_rules(backend: SSMContactsBackend, ctx: RequestContext, zone: str) -> None:
    member = personal(backend, ctx, "member")
    error = raises(
        "CreateRotation",
        "ValidationException",
        lambda: backend.create_rotation(ctx, name="r", contact_ids=[member], time_zone_id=zone, recurrence=daily()),
        f"Time zone {zone} is not supported",
    )
    assert error.members["Fields"][0]["Name"] == "TimeZoneId"


def test_recurrence_problems_of_the_shift_engine_are_validation_errors(
    backend: SSMContactsBackend, ctx: RequestContext, shifts: FakeShifts
) -> None:
    member = personal(backend, ctx, "member")
    shifts.problems = ["Invalid value provided - DailySettings and WeeklySettings cannot be combined"]
    recurrence: dict[str, Any] = {
        **daily(),
        "WeeklySettings": [{"DayOfWeek": "MON", "HandOffTime": daily()["DailySettings"][0]}],
    }
    error = raises(
        "CreateRotation",
        "ValidationException",
        lambda: backend.create_rotation(ctx, name="r", contact_ids=[member], time_zone_id="UTC", recurrence=recurrence),
        "Invalid value provided - DailySettings and WeeklySettings cannot be combined",
    )
    assert error.message == "Invalid value provided - DailySettings and WeeklySettings cannot be combined"
    assert {"recurrence": recurrence} in shifts.calls
    assert backend.rotations == {}


def test_update_rotation_replaces_the_recurrence_and_keeps_what_is_omitted(
    backend: SSMContactsBackend, ctx: RequestContext
) -> None:
    first, second = personal(backend, ctx, "first"), personal(backend, ctx, "second")
    arn = rotation(backend, ctx, [first], 100.0)
    monthly = {
        "MonthlySettings": [{"DayOfMonth": 20, "HandOffTime": {"HourOfDay": 8, "MinuteOfHour": 0}}],
        "NumberOfOnCalls": 1,
        "RecurrenceMultiplier": 1,
    }
    backend.update_rotation(ctx, rotation_id=arn, recurrence=monthly)
    found = backend.get_rotation(ctx, rotation_id=arn)
    assert (found.recurrence, found.contact_ids, found.start_time, found.time_zone_id) == (
        monthly,
        [first],
        100.0,
        "America/Los_Angeles",
    )
    backend.update_rotation(
        ctx, rotation_id=arn, recurrence=daily(), contact_ids=[second, first], start_time=200.0, time_zone_id="UTC"
    )
    found = backend.get_rotation(ctx, rotation_id=arn)
    assert (found.recurrence, found.contact_ids, found.start_time, found.time_zone_id) == (
        daily(),
        [second, first],
        200.0,
        "UTC",
    )
    backend.update_rotation(ctx, rotation_id=arn, recurrence=daily(), contact_ids=[second])
    backend.delete_contact(ctx, contact_id=first)  # no longer a member
    raises("DeleteContact", "ConflictException", lambda: backend.delete_contact(ctx, contact_id=second))


def test_delete_rotation_leaves_the_schedules_that_list_it(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    member = personal(backend, ctx, "member")
    kept, deleted = rotation(backend, ctx, [member], 0), rotation(backend, ctx, [member], 0)
    schedule = backend.create_contact(ctx, alias="s", type="ONCALL_SCHEDULE", plan={"RotationIds": [deleted, kept]})
    backend.tag_resource(ctx, resource_arn=deleted, tags=[{"Key": "k", "Value": "v"}])
    backend.delete_rotation(ctx, rotation_id=deleted)
    assert backend.get_contact(ctx, contact_id=schedule).plan == {"RotationIds": [kept]}
    for operation, call in [
        ("GetRotation", lambda: backend.get_rotation(ctx, rotation_id=deleted)),
        ("DeleteRotation", lambda: backend.delete_rotation(ctx, rotation_id=deleted)),
        ("UpdateRotation", lambda: backend.update_rotation(ctx, rotation_id=deleted, recurrence=daily())),
        ("ListRotationShifts", lambda: backend.list_rotation_shifts(ctx, rotation_id=deleted, end_time=1e10)),
        ("ListTagsForResource", lambda: backend.list_tags_for_resource(ctx, resource_arn=deleted)),
    ]:
        error = raises(operation, "ResourceNotFoundException", call)
        assert error.members == {"ResourceId": deleted, "ResourceType": "ROTATION"}


def test_list_rotations_by_name_prefix_and_pages(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    member = personal(backend, ctx, "member")
    arns = [
        backend.create_rotation(ctx, name=name, contact_ids=[member], time_zone_id="UTC", recurrence=daily())
        for name in ("prod-1", "dev", "production")
    ]
    assert [r.rotation_arn for r in backend.list_rotations(ctx, rotation_name_prefix="prod")[0]] == [arns[0], arns[2]]
    first, token = backend.list_rotations(ctx, max_results=2)
    rest, end = backend.list_rotations(ctx, next_token=token, max_results=2)
    assert [r.rotation_arn for r in first + rest] == arns and end is None
    assert set(render("ListRotations", (first, token))["Rotations"][0]) == {
        "RotationArn",
        "Name",
        "ContactIds",
        "StartTime",
        "TimeZoneId",
        "Recurrence",
    }


def test_overrides_life_cycle(backend: SSMContactsBackend, ctx: RequestContext, clock: Clock) -> None:
    first, second = personal(backend, ctx, "first"), personal(backend, ctx, "second")
    arn = rotation(backend, ctx, [first], 0)
    override_id = backend.create_rotation_override(
        ctx, rotation_id=arn, new_contact_ids=[second], start_time=1000.0, end_time=5000.0
    )
    assert re.fullmatch(UUID, override_id)
    assert render("GetRotationOverride", backend.get_rotation_override(ctx, arn, override_id)) == {
        "RotationOverrideId": override_id,
        "RotationArn": arn,
        "NewContactIds": [second],
        "StartTime": 1000.0,
        "EndTime": 5000.0,
        "CreateTime": clock.now,
    }
    later = backend.create_rotation_override(
        ctx, rotation_id=arn, new_contact_ids=[], start_time=6000.0, end_time=7000.0
    )
    assert [o.rotation_override_id for o in backend.list_rotation_overrides(ctx, arn, 0.0, 10_000.0)[0]] == [
        override_id,
        later,
    ]
    assert [o.rotation_override_id for o in backend.list_rotation_overrides(ctx, arn, 5500.0, 6500.0)[0]] == [later]
    listed = render("ListRotationOverrides", backend.list_rotation_overrides(ctx, arn, 0.0, 2000.0))
    assert set(listed["RotationOverrides"][0]) == {
        "RotationOverrideId",
        "NewContactIds",
        "StartTime",
        "EndTime",
        "CreateTime",
    }
    raises(
        "CreateRotationOverride",
        "ValidationException",
        lambda: backend.create_rotation_override(
            ctx, rotation_id=arn, new_contact_ids=[], start_time=9.0, end_time=9.0
        ),
        "must end after it starts",
    )
    backend.delete_rotation_override(ctx, arn, override_id)
    error = raises(
        "GetRotationOverride", "ResourceNotFoundException", lambda: backend.get_rotation_override(ctx, arn, override_id)
    )
    assert error.members == {"ResourceId": override_id, "ResourceType": "ROTATION_OVERRIDE"}
    raises(
        "DeleteRotationOverride",
        "ResourceNotFoundException",
        lambda: backend.delete_rotation_override(ctx, arn, override_id),
    )


def test_list_rotation_shifts_pages_through_the_window(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    members = [personal(backend, ctx, alias) for alias in ("a", "b", "c")]
    arn = rotation(backend, ctx, members, HAND_OFF)  # starts tomorrow at its 09:00 hand-off
    override = (HAND_OFF + 3 * DAY + 3600, HAND_OFF + 3 * DAY + 7200)
    backend.create_rotation_override(
        ctx, rotation_id=arn, new_contact_ids=[members[2]], start_time=override[0], end_time=override[1]
    )
    end = HAND_OFF + 10 * DAY
    whole, token = backend.list_rotation_shifts(ctx, rotation_id=arn, end_time=end)  # from now: nobody until then
    assert token is None and len(whole) == 12  # 10 days, one of them split in three by the override
    assert (whole[0]["StartTime"], whole[-1]["EndTime"]) == (HAND_OFF, end)
    assert [s["EndTime"] for s in whole[:-1]] == [s["StartTime"] for s in whole[1:]]
    assert [s["ContactIds"] for s in whole[:3]] == [[members[0]], [members[1]], [members[2]]]
    assert [s["Type"] for s in whole[3:6]] == ["REGULAR", "OVERRIDDEN", "REGULAR"]
    paged: list[dict[str, Any]] = []
    token = None
    for _ in range(10):
        items, token = backend.list_rotation_shifts(ctx, rotation_id=arn, end_time=end, max_results=5, next_token=token)
        paged += items
        if token is None:
            break
    assert paged == whole
    assert render("ListRotationShifts", (whole[4:5], None))["RotationShifts"][0] == {
        "ContactIds": [members[2]],
        "StartTime": override[0],
        "EndTime": override[1],
        "Type": "OVERRIDDEN",
        "ShiftDetails": {"OverriddenContactIds": [members[0]]},
    }
    raises(
        "ListRotationShifts",
        "ValidationException",
        lambda: backend.list_rotation_shifts(ctx, rotation_id=arn, end_time=clock.now - 1),
        "EndTime must be after StartTime",
    )


def test_the_longest_window_computes_only_the_page(
    backend: SSMContactsBackend, ctx: RequestContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = [personal(backend, ctx, f"m{index}") for index in range(30)]
    arn = backend.create_rotation(
        ctx,
        name="r",
        contact_ids=members,
        time_zone_id="Pacific/Kiritimati",
        recurrence=daily(on_calls=3),
        start_time=EARLIEST,
    )
    drawn = _count_drawn_shifts(monkeypatch)
    first, token = backend.list_rotation_shifts(
        ctx, rotation_id=arn, start_time=EARLIEST, end_time=LATEST, max_results=1024
    )
    assert len(first) == 1024 and token is not None
    assert drawn == [1025]  # the page and one more, to know that a next page exists
    second, _ = backend.list_rotation_shifts(
        ctx, rotation_id=arn, start_time=EARLIEST, end_time=LATEST, max_results=2, next_token=token
    )
    assert second[0]["StartTime"] == first[-1]["EndTime"]
    assert second[0]["ContactIds"] == [members[(1024 * 3 + offset) % 30] for offset in range(3)]
    last, token = backend.list_rotation_shifts(ctx, rotation_id=arn, start_time=LATEST - DAY, end_time=LATEST)
    assert token is None and last[-1]["EndTime"] == LATEST


def _count_drawn_shifts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many shifts each call of the engine had to generate."""
    counts: list[int] = []
    engine = rotations.rotation_shifts

    def counting(**call: Any) -> Iterator[dict[str, Any]]:
        counts.append(0)
        for shift in engine(**call):
            counts[-1] += 1
            yield shift

    monkeypatch.setattr(rotations, "rotation_shifts", counting)
    return counts


def test_preview_shifts_need_no_stored_rotation_nor_onboarding(account: str) -> None:
    backend = ssmcontacts_backends[account][REGION]
    ctx = RequestContext(account, REGION)
    items, token = backend.list_preview_rotation_shifts(
        ctx,
        rotation_start_time=0.0,  # 1970-01-01T00:00Z; hand-offs at 09:00 UTC
        start_time=DAY,
        end_time=3 * DAY,
        members=["Akua", "Alejandro"],
        time_zone_id="UTC",
        recurrence={**daily(), "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}]},
        overrides=[{"NewMembers": ["Ana"], "StartTime": DAY, "EndTime": 2 * DAY}],
    )
    assert token is None
    assert [(s["ContactIds"], s["StartTime"], s["Type"], s.get("ShiftDetails")) for s in items] == [
        (["Ana"], DAY, "OVERRIDDEN", {"OverriddenContactIds": ["Alejandro"]}),
        (["Ana"], DAY + 9 * HOUR, "OVERRIDDEN", {"OverriddenContactIds": ["Akua"]}),
        (["Akua"], 2 * DAY, "REGULAR", None),
        (["Alejandro"], 2 * DAY + 9 * HOUR, "REGULAR", None),
    ]
    for overrides, message in [
        ([{"NewMembers": ["b"], "StartTime": DAY}], "An override needs a StartTime and a later EndTime."),
        (
            [{"NewMembers": ["b"], "StartTime": DAY, "EndTime": DAY}],
            "An override needs a StartTime and a later EndTime.",
        ),
    ]:
        raises(
            "ListPreviewRotationShifts",
            "ValidationException",
            lambda overrides=overrides: backend.list_preview_rotation_shifts(
                ctx,
                end_time=3 * DAY,
                start_time=0.0,
                members=["a"],
                time_zone_id="UTC",
                recurrence=daily(),
                overrides=overrides,
            ),
            message,
        )


def test_more_on_call_than_members_is_refused(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    first, second = personal(backend, ctx, "first"), personal(backend, ctx, "second")
    error = raises(
        "CreateRotation",
        "ValidationException",
        lambda: rotation(backend, ctx, [first], 0.0, on_calls=2),
        "NumberOfOnCalls (2) cannot be more than the number of contacts in the rotation (1).",
    )
    assert error.members["Fields"] == [
        {"Name": "Recurrence.NumberOfOnCalls", "Message": error.message.removeprefix("Invalid value provided - ")}
    ]
    arn = rotation(backend, ctx, [first, second], 0.0, on_calls=2)
    raises(
        "UpdateRotation",
        "ValidationException",
        lambda: backend.update_rotation(ctx, rotation_id=arn, recurrence=daily(on_calls=2), contact_ids=[second]),
        "cannot be more than the number of contacts",
    )
    assert backend.get_rotation(ctx, rotation_id=arn).contact_ids == [first, second]
    raises(
        "ListPreviewRotationShifts",
        "ValidationException",
        lambda: backend.list_preview_rotation_shifts(
            ctx, end_time=DAY, start_time=0.0, members=["a"], time_zone_id="UTC", recurrence=daily(on_calls=2)
        ),
        "cannot be more than the number of contacts",
    )
    raises(
        "ListPreviewRotationShifts",
        "ValidationException",
        lambda: backend.list_preview_rotation_shifts(
            ctx, end_time=DAY, start_time=0.0, members=["a", "a"], time_zone_id="UTC", recurrence=daily()
        ),
        "A member is listed more than once.",
    )


@pytest.mark.parametrize(
    ("recurrence", "message"),
    [
        (
            {**daily(), "WeeklySettings": [{"DayOfWeek": "MON", "HandOffTime": {"HourOfDay": 9, "MinuteOfHour": 0}}]},
            "A recurrence needs exactly one of DailySettings, WeeklySettings and MonthlySettings, "
            "not DailySettings and WeeklySettings.",
        ),
        (
            {"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1, "DailySettings": []},
            "A recurrence needs exactly one of DailySettings, WeeklySettings and MonthlySettings.",
        ),
        (
            {**daily(), "ShiftCoverages": {"MON": [{"Start": {"HourOfDay": 9, "MinuteOfHour": 0}}]}},
            "ShiftCoverages.MON.1: a coverage time needs a Start and an End.",
        ),
        ({**daily(), "ShiftCoverages": {"MON": [], "TUE": []}}, "ShiftCoverages must list at least one coverage time."),
    ],
)
def test_recurrences_the_engine_refuses(
    backend: SSMContactsBackend, ctx: RequestContext, recurrence: dict[str, Any], message: str
) -> None:
    member = personal(backend, ctx, "member")
    error = raises(
        "CreateRotation",
        "ValidationException",
        lambda: backend.create_rotation(ctx, name="r", contact_ids=[member], time_zone_id="UTC", recurrence=recurrence),
    )
    assert error.message == f"Invalid value provided - {message}"
    assert error.members["Fields"][0]["Name"] == "Recurrence"
    assert backend.rotations == {}
