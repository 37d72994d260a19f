"""The shift rules of the engine, one by one, with the times written out (``rotations.py``, ``recurrence.py``)."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from typing import Any

import pytest

from ssm_incidents_mock.ssm_contacts import rotations

LATEST = 253_402_300_799.999  # 9999-12-31T23:59:59.999Z, the last timestamp the model's checks let through


def at(text: str) -> float:
    """Epoch seconds of a UTC time written ``2024-03-08T12:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def utc(instant: float) -> str:
    return datetime.fromtimestamp(instant, timezone.utc).strftime("%Y-%m-%dT%H:%M")


def hand_off(hour: int, minute: int = 0) -> dict[str, int]:
    return {"HourOfDay": hour, "MinuteOfHour": minute}


def daily(*times: tuple[int, int], multiplier: int = 1, on_calls: int = 1, **more: Any) -> dict[str, Any]:
    return {
        "DailySettings": [hand_off(*t) for t in times],
        "NumberOfOnCalls": on_calls,
        "RecurrenceMultiplier": multiplier,
        **more,
    }


def weekly(*points: tuple[str, int, int], multiplier: int = 1) -> dict[str, Any]:
    settings = [{"DayOfWeek": day, "HandOffTime": hand_off(hour, minute)} for day, hour, minute in points]
    return {"WeeklySettings": settings, "NumberOfOnCalls": 1, "RecurrenceMultiplier": multiplier}


def monthly(*points: tuple[int, int, int], multiplier: int = 1) -> dict[str, Any]:
    settings = [{"DayOfMonth": day, "HandOffTime": hand_off(hour, minute)} for day, hour, minute in points]
    return {"MonthlySettings": settings, "NumberOfOnCalls": 1, "RecurrenceMultiplier": multiplier}


def coverage(*days: str, start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {day: [{"Start": hand_off(*start), "End": hand_off(*end)}] for day in days}


def shifts(
    recurrence: dict[str, Any],
    start: str,
    end: str,
    *,
    members: str = "abc",
    zone: str = "UTC",
    rotation_start: str | None = None,
    overrides: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
) -> list[tuple[str, ...]]:
    """The engine's shifts as ``(start, end, contacts[, overridden])``, contacts one letter each."""
    listed = rotations.rotation_shifts(
        contact_ids=list(members),
        start_time=at(rotation_start or start),
        time_zone_id=zone,
        recurrence=recurrence,
        window_start=at(start),
        window_end=at(end),
        overrides=[{"NewContactIds": list(c), "StartTime": at(s), "EndTime": at(e)} for s, e, c in overrides],
    )
    return [_row(shift) for shift in listed]


def _row(shift: dict[str, Any]) -> tuple[str, ...]:
    row = (utc(shift["StartTime"]), utc(shift["EndTime"]), "".join(shift["ContactIds"]))
    if shift["Type"] == "OVERRIDDEN":
        return (*row, "".join(shift["ShiftDetails"]["OverriddenContactIds"]))
    assert "ShiftDetails" not in shift and shift["Type"] == "REGULAR"
    return row


# --- hand-offs and shift lengths -----------------------------------------------------------------


def test_the_first_shift_runs_from_the_start_to_the_first_hand_off() -> None:
    assert shifts(daily((9, 0)), "2024-01-01T12:00", "2024-01-04T00:00") == [
        ("2024-01-01T12:00", "2024-01-02T09:00", "a"),
        ("2024-01-02T09:00", "2024-01-03T09:00", "b"),
        ("2024-01-03T09:00", "2024-01-04T00:00", "c"),
    ]


def test_a_start_at_a_hand_off_gives_whole_shifts_and_members_wrap() -> None:
    assert [row[2] for row in shifts(daily((9, 0)), "2024-01-01T09:00", "2024-01-06T09:00")] == list("abcab")


def test_the_multiplier_makes_a_shift_last_that_many_hand_offs() -> None:
    assert shifts(daily((9, 0), multiplier=3), "2024-01-01T09:00", "2024-01-08T09:00") == [
        ("2024-01-01T09:00", "2024-01-04T09:00", "a"),
        ("2024-01-04T09:00", "2024-01-07T09:00", "b"),
        ("2024-01-07T09:00", "2024-01-08T09:00", "c"),
    ]
    # an off-time start: the third hand-off after it ends the first shift
    assert shifts(daily((9, 0), multiplier=3), "2024-01-01T12:00", "2024-01-05T00:00")[0][:2] == (
        "2024-01-01T12:00",
        "2024-01-04T09:00",
    )


def test_several_daily_hand_offs_each_end_a_shift() -> None:
    assert shifts(daily((20, 0), (8, 0)), "2024-01-01T08:00", "2024-01-02T20:00", members="ab") == [
        ("2024-01-01T08:00", "2024-01-01T20:00", "a"),
        ("2024-01-01T20:00", "2024-01-02T08:00", "b"),
        ("2024-01-02T08:00", "2024-01-02T20:00", "a"),
    ]


def test_weekly_hand_offs() -> None:
    # 2024-01-01 is a Monday
    assert shifts(weekly(("MON", 9, 0), multiplier=2), "2024-01-03T00:00", "2024-02-01T00:00") == [
        ("2024-01-03T00:00", "2024-01-15T09:00", "a"),
        ("2024-01-15T09:00", "2024-01-29T09:00", "b"),
        ("2024-01-29T09:00", "2024-02-01T00:00", "c"),
    ]
    assert shifts(weekly(("FRI", 15, 57), ("WED", 7, 34)), "2024-01-01T00:00", "2024-01-11T00:00") == [
        ("2024-01-01T00:00", "2024-01-03T07:34", "a"),
        ("2024-01-03T07:34", "2024-01-05T15:57", "b"),
        ("2024-01-05T15:57", "2024-01-10T07:34", "c"),
        ("2024-01-10T07:34", "2024-01-11T00:00", "a"),
    ]


def test_monthly_hand_offs_past_the_end_of_a_month_fall_on_its_last_day() -> None:
    assert [row[1] for row in shifts(monthly((31, 8, 0)), "2024-01-01T00:00", "2024-06-01T00:00")] == [
        "2024-01-31T08:00",
        "2024-02-29T08:00",  # a leap year
        "2024-03-31T08:00",
        "2024-04-30T08:00",
        "2024-05-31T08:00",
        "2024-06-01T00:00",
    ]


def test_several_monthly_hand_offs_in_day_order() -> None:
    rows = shifts(monthly((20, 8, 0), (13, 12, 34), (1, 4, 58)), "2024-01-01T00:00", "2024-02-15T00:00")
    assert [row[1] for row in rows] == [
        "2024-01-01T04:58",
        "2024-01-13T12:34",
        "2024-01-20T08:00",
        "2024-02-01T04:58",
        "2024-02-13T12:34",
        "2024-02-15T00:00",
    ]


def test_number_of_on_calls_takes_the_next_members_in_order() -> None:
    rows = shifts(daily((0, 0), on_calls=2), "2024-01-01T00:00", "2024-01-04T00:00", members="abcde")
    assert [row[2] for row in rows] == ["ab", "cd", "ea"]


# --- time zones and DST --------------------------------------------------------------------------


def test_hand_offs_keep_their_local_time_across_dst_in_new_york() -> None:
    # 2024-03-10: clocks go from 02:00 EST to 03:00 EDT; 2024-11-03: from 02:00 EDT back to 01:00 EST
    spring = shifts(daily((9, 0)), "2024-03-09T14:00", "2024-03-11T13:00", zone="America/New_York")
    assert spring == [("2024-03-09T14:00", "2024-03-10T13:00", "a"), ("2024-03-10T13:00", "2024-03-11T13:00", "b")]
    autumn = shifts(daily((9, 0)), "2024-11-02T13:00", "2024-11-04T14:00", zone="America/New_York")
    assert autumn == [("2024-11-02T13:00", "2024-11-03T14:00", "a"), ("2024-11-03T14:00", "2024-11-04T14:00", "b")]


def test_hand_offs_keep_their_local_time_across_dst_in_london() -> None:
    # 2024-03-31 01:00 GMT -> 02:00 BST; 2024-10-27 02:00 BST -> 01:00 GMT
    assert [
        row[1] for row in shifts(weekly(("SUN", 12, 0)), "2024-03-24T12:00", "2024-04-08T00:00", zone="Europe/London")
    ] == [
        "2024-03-31T11:00",
        "2024-04-07T11:00",
        "2024-04-08T00:00",
    ]
    rows = shifts(daily((0, 30)), "2024-10-26T23:30", "2024-10-28T00:30", zone="Europe/London")
    assert rows[0][:2] == ("2024-10-26T23:30", "2024-10-28T00:30")  # 25 hours: the night the clocks go back


def test_a_hand_off_in_the_skipped_hour_happens_when_the_clocks_jump() -> None:
    rows = shifts(daily((2, 30)), "2024-03-09T07:30", "2024-03-11T07:00", zone="America/New_York")
    assert rows == [
        ("2024-03-09T07:30", "2024-03-10T07:00", "a"),
        ("2024-03-10T07:00", "2024-03-11T06:30", "b"),
        ("2024-03-11T06:30", "2024-03-11T07:00", "c"),
    ]


def test_a_hand_off_in_the_repeated_hour_happens_at_its_first_occurrence() -> None:
    rows = shifts(daily((1, 30)), "2024-11-02T05:30", "2024-11-04T07:00", zone="America/New_York")
    assert [row[1] for row in rows] == ["2024-11-03T05:30", "2024-11-04T06:30", "2024-11-04T07:00"]


def test_a_skipped_day_hands_off_when_the_clocks_jump() -> None:
    # Samoa went from 2011-12-29T23:59:59-10:00 to 2011-12-31T00:00+14:00: its 30 December never was
    rows = shifts(daily((9, 0)), "2011-12-28T19:00", "2011-12-31T19:00", zone="Pacific/Apia")
    assert [row[:2] for row in rows] == [
        ("2011-12-28T19:00", "2011-12-29T19:00"),
        ("2011-12-29T19:00", "2011-12-30T10:00"),  # the jump
        ("2011-12-30T10:00", "2011-12-30T19:00"),  # 09:00 on the 31st, at +14:00
        ("2011-12-30T19:00", "2011-12-31T19:00"),
    ]


def test_hand_offs_every_five_minutes_through_the_repeated_hour() -> None:
    every_five = [(hour, minute) for hour in range(24) for minute in range(0, 60, 5)]
    rows = shifts(daily(*every_five), "2024-11-03T04:00", "2024-11-03T08:00", zone="America/New_York", members="a")
    starts = [row[0] for row in rows]
    # 00:00-01:55 EDT (04:00-05:55Z) every five minutes, then 02:00 EST (07:00Z): the hour the clocks repeat
    # (06:00-06:55Z) holds no hand-off, its wall times were handed off at their first occurrence
    assert len(starts) == 24 + 12 and starts[23:25] == ["2024-11-03T05:55", "2024-11-03T07:00"]


# --- coverage ------------------------------------------------------------------------------------


def test_outside_coverage_nobody_is_on_call() -> None:
    weekdays = coverage("MON", "TUE", "WED", "THU", "FRI", start=(9, 0), end=(17, 0))
    rows = shifts(daily((9, 0), ShiftCoverages=weekdays), "2024-01-05T09:00", "2024-01-09T00:00")  # Fri to Tue
    assert rows == [("2024-01-05T09:00", "2024-01-05T17:00", "a"), ("2024-01-08T09:00", "2024-01-08T17:00", "a")]
    # the weekend's shifts (b's and c's) are uncovered: the members still take their turn
    args: dict[str, Any] = {"contact_ids": list("abc"), "start_time": at("2024-01-05T09:00"), "time_zone_id": "UTC"}
    recurrence = daily((9, 0), ShiftCoverages=weekdays)
    assert rotations.on_call_now(**args, recurrence=recurrence, at=at("2024-01-08T10:00")) == ["a"]
    assert rotations.on_call_now(**args, recurrence=recurrence, at=at("2024-01-06T10:00")) == []
    assert rotations.on_call_now(**args, recurrence=recurrence, at=at("2024-01-08T17:00")) == []


def test_coverage_cuts_a_long_shift_into_its_covered_parts() -> None:
    nights = coverage("MON", "TUE", start=(22, 0), end=(6, 0))  # ends the next morning
    rows = shifts(weekly(("MON", 0, 0)), "2024-01-01T00:00", "2024-01-08T00:00", members="a")
    assert rows == [("2024-01-01T00:00", "2024-01-08T00:00", "a")]
    covered = shifts({**weekly(("MON", 0, 0)), "ShiftCoverages": nights}, "2024-01-01T00:00", "2024-01-08T00:00")
    assert covered == [("2024-01-01T22:00", "2024-01-02T06:00", "a"), ("2024-01-02T22:00", "2024-01-03T06:00", "a")]


def test_windows_that_touch_are_one_and_a_full_week_is_no_restriction() -> None:
    whole_days = coverage("SUN", "MON", start=(0, 0), end=(0, 0))  # an end equal to the start: 24 hours
    rows = shifts({**weekly(("WED", 0, 0)), "ShiftCoverages": whole_days}, "2024-01-03T00:00", "2024-01-10T00:00")
    assert rows == [("2024-01-07T00:00", "2024-01-09T00:00", "a")]  # Sunday and Monday, across the week's end
    every_day = coverage("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN", start=(6, 0), end=(6, 0))
    plain = shifts(daily((9, 0)), "2024-01-01T12:00", "2024-01-09T00:00")
    assert shifts(daily((9, 0), ShiftCoverages=every_day), "2024-01-01T12:00", "2024-01-09T00:00") == plain


def test_coverage_keeps_its_local_time() -> None:
    mornings = coverage("MON", start=(9, 0), end=(12, 0))
    rows = shifts(
        daily((0, 0), ShiftCoverages=mornings), "2024-03-04T05:00", "2024-03-19T00:00", zone="America/New_York"
    )
    assert [row[:2] for row in rows] == [
        ("2024-03-04T14:00", "2024-03-04T17:00"),
        ("2024-03-11T13:00", "2024-03-11T16:00"),  # EDT since Sunday
        ("2024-03-18T13:00", "2024-03-18T16:00"),
    ]


# --- overrides -----------------------------------------------------------------------------------


def test_an_override_splits_the_shifts_it_spans() -> None:
    rows = shifts(
        daily((9, 0)),
        "2024-01-01T09:00",
        "2024-01-04T09:00",
        overrides=[("2024-01-02T06:00", "2024-01-03T12:00", "z")],
    )
    assert rows == [
        ("2024-01-01T09:00", "2024-01-02T06:00", "a"),
        ("2024-01-02T06:00", "2024-01-02T09:00", "z", "a"),
        ("2024-01-02T09:00", "2024-01-03T09:00", "z", "b"),
        ("2024-01-03T09:00", "2024-01-03T12:00", "z", "c"),
        ("2024-01-03T12:00", "2024-01-04T09:00", "c"),
    ]


def test_the_later_override_wins_where_they_overlap_and_an_empty_one_leaves_nobody() -> None:
    rows = shifts(
        daily((0, 0)),
        "2024-01-01T00:00",
        "2024-01-02T00:00",
        members="a",
        overrides=[("2024-01-01T02:00", "2024-01-01T08:00", "x"), ("2024-01-01T04:00", "2024-01-01T06:00", "")],
    )
    assert rows == [
        ("2024-01-01T00:00", "2024-01-01T02:00", "a"),
        ("2024-01-01T02:00", "2024-01-01T04:00", "x", "a"),
        ("2024-01-01T04:00", "2024-01-01T06:00", "", "a"),
        ("2024-01-01T06:00", "2024-01-01T08:00", "x", "a"),
        ("2024-01-01T08:00", "2024-01-02T00:00", "a"),
    ]


def test_overrides_apply_only_where_the_rotation_has_a_shift() -> None:
    business = daily((0, 0), ShiftCoverages=coverage("MON", start=(9, 0), end=(17, 0)))
    rows = shifts(
        business,
        "2024-01-01T00:00",
        "2024-01-02T00:00",
        rotation_start="2024-01-01T10:00",
        overrides=[("2024-01-01T00:00", "2024-01-01T12:00", "z")],
    )
    assert rows == [("2024-01-01T10:00", "2024-01-01T12:00", "z", "a"), ("2024-01-01T12:00", "2024-01-01T17:00", "a")]


# --- windows -------------------------------------------------------------------------------------


def test_nothing_before_the_rotation_starts() -> None:
    rows = shifts(daily((9, 0)), "2024-01-01T00:00", "2024-01-02T00:00", rotation_start="2024-01-01T12:00")
    assert rows == [("2024-01-01T12:00", "2024-01-02T00:00", "a")]
    args: dict[str, Any] = {"contact_ids": ["a"], "start_time": at("2024-01-01T12:00"), "time_zone_id": "UTC"}
    assert rotations.on_call_now(**args, recurrence=daily((9, 0)), at=at("2024-01-01T11:59")) == []
    assert shifts(daily((9, 0)), "2024-01-01T00:00", "2024-01-01T06:00", rotation_start="2024-01-02T00:00") == []


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
@pytest.mark.parametrize(
    "recurrence",
    [
        daily((9, 0)),
        monthly((31, 23, 0)),
        {**weekly(("FRI", 9, 0)), "ShiftCoverages": coverage("MON", start=(9, 0), end=(17, 0))},
    ],
)
def test_the_last_shift_of_the_longest_window_reaches_its_end(zone: str, recurrence: dict[str, Any]) -> None:
    listed = rotations.rotation_shifts(
        contact_ids=["a", "b"],
        start_time=0.0,
        time_zone_id=zone,
        recurrence=recurrence,
        window_start=LATEST - 40 * 86_400,
        window_end=LATEST,
    )
    assert list(listed)[-1]["EndTime"] == LATEST
    first = rotations.rotation_shifts(
        contact_ids=["a", "b"],
        start_time=0.0,
        time_zone_id=zone,
        recurrence=recurrence,
        window_start=0.0,
        window_end=LATEST,
    )
    assert len(list(itertools.islice(first, 1000))) == 1000


# --- validation ----------------------------------------------------------------------------------


def test_what_the_engine_refuses() -> None:
    assert rotations.validate_recurrence(daily((9, 0))) == []
    assert rotations.validate_recurrence({**daily((9, 0)), **weekly(("MON", 9, 0))}) != []
    assert rotations.validate_recurrence({"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1}) != []
    assert rotations.validate_recurrence(daily((9, 0), ShiftCoverages={})) == []  # an empty map: no restriction
    assert rotations.validate_recurrence(daily((9, 0), ShiftCoverages={"MON": [{"End": hand_off(9)}]})) != []
    assert rotations.validate_team(daily((9, 0), on_calls=3), 3) == []
    assert rotations.validate_team(daily((9, 0), on_calls=4), 3) != []
    assert rotations.known_zone("Europe/London") and rotations.known_zone("UTC")
    assert not rotations.known_zone("PST") and not rotations.known_zone("Mars/Olympus_Mons")
