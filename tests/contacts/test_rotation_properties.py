"""Properties of the shift engine over generated rotations (hypothesis): shifts are ordered, disjoint,
within the window and, without coverage, contiguous and covering it; members take turns in order,
NumberOfOnCalls at a time; hand-offs keep their wall-clock time across DST; coverage and overrides decide
who is on call at any instant; pages of ListPreviewRotationShifts join up to the whole listing."""

from __future__ import annotations

import itertools
import zoneinfo
from datetime import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts import rotations
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend

DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# Zones with DST in both hemispheres, a half-hour one and one without
ZONES = ("UTC", "America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "Australia/Lord_Howe")
LOW, HIGH = 1_577_836_800, 1_893_456_000  # 2020-01-01 to 2030-01-01
HOUR, DAY = 3600, 86_400
BOUNDED = settings(max_examples=40, deadline=None)

members = st.lists(st.sampled_from([f"m{i}" for i in range(12)]), min_size=1, max_size=8, unique=True)
# Distinct hours, so that no two hand-offs fall into one skipped DST hour and coincide
hours = st.lists(st.integers(0, 23), min_size=1, max_size=3, unique=True)


@st.composite
def recurrences(draw: st.DrawFn, team: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["DailySettings", "WeeklySettings", "MonthlySettings"]))
    times = [{"HourOfDay": hour, "MinuteOfHour": draw(st.integers(0, 59))} for hour in draw(hours)]
    settings_: list[dict[str, Any]]
    if kind == "WeeklySettings":
        settings_ = [{"DayOfWeek": draw(st.sampled_from(DAYS)), "HandOffTime": t} for t in times]
    elif kind == "MonthlySettings":  # days every month has, so that no two points fall on one day's end
        settings_ = [{"DayOfMonth": draw(st.integers(1, 28)), "HandOffTime": t} for t in times]
    else:
        settings_ = list(times)
    multiplier = draw(st.integers(1, 3) if kind == "DailySettings" else st.just(1))
    return {kind: settings_, "NumberOfOnCalls": draw(st.integers(1, team)), "RecurrenceMultiplier": multiplier}


@st.composite
def rotation_cases(draw: st.DrawFn, span_days: int = 120) -> dict[str, Any]:
    team = draw(members)
    start = draw(st.integers(LOW, HIGH))
    window_start = draw(st.integers(start - 30 * DAY, start + 60 * DAY))
    return {
        "contact_ids": team,
        "start_time": float(start),
        "time_zone_id": draw(st.sampled_from(ZONES)),
        "recurrence": draw(recurrences(len(team))),
        "window_start": float(window_start),
        "window_end": float(window_start + draw(st.integers(HOUR, span_days * DAY))),
    }


def listed(case: dict[str, Any], **more: Any) -> list[dict[str, Any]]:
    return list(rotations.rotation_shifts(**case, **more))


def covered_from(case: dict[str, Any]) -> float:
    return float(max(case["window_start"], case["start_time"]))


@BOUNDED
@given(rotation_cases())
def test_shifts_are_contiguous_ordered_and_cover_the_window(case: dict[str, Any]) -> None:
    shifts = listed(case)
    if case["window_end"] <= covered_from(case):
        assert shifts == []
        return
    assert shifts[0]["StartTime"] == covered_from(case)
    assert shifts[-1]["EndTime"] == case["window_end"]
    for shift, after in itertools.pairwise(shifts):
        assert shift["StartTime"] < shift["EndTime"] == after["StartTime"]
    assert all(s["Type"] == "REGULAR" and "ShiftDetails" not in s for s in shifts)


@BOUNDED
@given(rotation_cases())
def test_members_take_turns_in_order_on_calls_at_a_time(case: dict[str, Any]) -> None:
    team, on_calls = case["contact_ids"], case["recurrence"]["NumberOfOnCalls"]
    shifts = listed(case)
    for shift in shifts:
        first = team.index(shift["ContactIds"][0])
        assert shift["ContactIds"] == [team[(first + offset) % len(team)] for offset in range(on_calls)]
    turns = [team.index(shift["ContactIds"][0]) for shift in shifts]
    assert all((later - earlier) % len(team) == on_calls % len(team) for earlier, later in itertools.pairwise(turns))
    if shifts and case["window_start"] <= case["start_time"]:
        assert shifts[0]["ContactIds"][0] == team[0]  # the first shift is the first member's


@BOUNDED
@given(
    st.sampled_from(["America/New_York", "Europe/London"]),
    st.integers(3, 23),  # away from the hours the clocks change at (01:00-03:00 local)
    st.integers(0, 59),
    st.integers(1, 3),
    st.integers(LOW, HIGH),
)
def test_daily_hand_offs_keep_their_wall_clock_time_across_dst(
    zone: str, hour: int, minute: int, multiplier: int, start: int
) -> None:
    recurrence = {
        "DailySettings": [{"HourOfDay": hour, "MinuteOfHour": minute}],
        "NumberOfOnCalls": 1,
        "RecurrenceMultiplier": multiplier,
    }
    case = {"contact_ids": ["a", "b"], "start_time": float(start), "time_zone_id": zone, "recurrence": recurrence}
    shifts = listed(case, window_start=float(start), window_end=float(start + 400 * DAY))  # a DST change or two
    tz = zoneinfo.ZoneInfo(zone)
    boundaries = [datetime.fromtimestamp(s["StartTime"], tz) for s in shifts[1:]]
    assert {(b.hour, b.minute) for b in boundaries} == {(hour, minute)}
    lengths = {s["EndTime"] - s["StartTime"] for s in shifts[1:-1]}
    assert lengths <= {multiplier * DAY - HOUR, multiplier * DAY, multiplier * DAY + HOUR}
    assert multiplier * DAY in lengths


@st.composite
def coverages(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """Windows between 08:00 and 20:00 (so that no DST change falls inside one), some overnight."""
    chosen = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    windows = {}
    for day in chosen:
        start, end = sorted(draw(st.lists(st.integers(8 * 60, 20 * 60), min_size=2, max_size=2, unique=True)))
        if draw(st.booleans()):
            start, end = end, start  # from the evening to the next morning
        windows[day] = [{"Start": _hand_off(start), "End": _hand_off(end)}]
    return windows


def _hand_off(minutes: int) -> dict[str, int]:
    return {"HourOfDay": minutes // 60, "MinuteOfHour": minutes % 60}


def in_coverage(windows: dict[str, list[dict[str, Any]]], zone: str, instant: float) -> bool:
    """Whether the wall clock at ``instant`` is inside a window (written independently of the engine)."""
    local = datetime.fromtimestamp(instant, zoneinfo.ZoneInfo(zone))
    minute = local.hour * 60 + local.minute + local.second / 60
    today, yesterday = DAYS[local.weekday()], DAYS[(local.weekday() - 1) % 7]
    for window in windows.get(today, ()):
        start, end = _minutes(window["Start"]), _minutes(window["End"])
        if start <= minute < (end if end > start else 1440):
            return True
    for window in windows.get(yesterday, ()):
        start, end = _minutes(window["Start"]), _minutes(window["End"])
        if end <= start and minute < end:
            return True
    return False


def _minutes(hand_off: dict[str, int]) -> int:
    return hand_off["HourOfDay"] * 60 + hand_off["MinuteOfHour"]


@BOUNDED
@given(rotation_cases(span_days=30), coverages(), st.lists(st.floats(0, 1), min_size=5, max_size=5))
def test_with_coverage_someone_is_on_call_exactly_inside_it(
    case: dict[str, Any], windows: dict[str, list[dict[str, Any]]], samples: list[float]
) -> None:
    case["recurrence"]["ShiftCoverages"] = windows
    shifts = listed(case)
    for shift, after in itertools.pairwise(shifts):
        assert shift["StartTime"] < shift["EndTime"] <= after["StartTime"]
    assert all(covered_from(case) <= s["StartTime"] and s["EndTime"] <= case["window_end"] for s in shifts)
    zone = case["time_zone_id"]
    for shift in shifts:
        assert in_coverage(windows, zone, shift["StartTime"]) and in_coverage(windows, zone, shift["EndTime"] - 1)
    low, high = case["window_start"], case["window_end"]
    for fraction in samples:
        instant = float(int(low + fraction * (high - low)))
        on_call = _on_call(case, instant)
        expected = instant >= case["start_time"] and in_coverage(windows, zone, instant)
        assert bool(on_call) == expected, (instant, on_call)


def _on_call(case: dict[str, Any], instant: float, overrides: list[dict[str, Any]] | None = None) -> list[str]:
    rotation = {k: case[k] for k in ("contact_ids", "start_time", "time_zone_id", "recurrence")}
    return rotations.on_call_now(**rotation, at=instant, overrides=overrides or ())


@st.composite
def overrides_within(draw: st.DrawFn, case: dict[str, Any]) -> list[dict[str, Any]]:
    low, high = int(case["window_start"]) - DAY, int(case["window_end"]) + DAY
    found = []
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(low, high))
        found.append(
            {
                "NewContactIds": draw(st.lists(st.sampled_from(["x", "y", "z"]), max_size=2, unique=True)),
                "StartTime": float(start),
                "EndTime": float(start + draw(st.integers(60, 3 * DAY))),
            }
        )
    return found


@BOUNDED
@given(st.data())
def test_overrides_change_who_not_when_and_the_latest_one_wins(data: st.DataObject) -> None:
    case = data.draw(rotation_cases(span_days=20))
    overrides = data.draw(overrides_within(case))
    regular, shifts = listed(case), listed(case, overrides=overrides)
    assert _spans(shifts) == _spans(regular)
    for shift in shifts:
        instant = shift["StartTime"]
        in_force = [o for o in overrides if o["StartTime"] <= instant < o["EndTime"]]
        if in_force:
            assert shift["Type"] == "OVERRIDDEN" and shift["ContactIds"] == in_force[-1]["NewContactIds"]
            assert shift["ShiftDetails"]["OverriddenContactIds"] == _on_call(case, instant)
        else:
            assert shift["Type"] == "REGULAR" and shift["ContactIds"] == _on_call(case, instant)
        assert _on_call(case, instant, overrides) == shift["ContactIds"]


def _spans(shifts: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """The time the shifts cover, as joined intervals."""
    spans: list[tuple[float, float]] = []
    for shift in shifts:
        if spans and spans[-1][1] == shift["StartTime"]:
            spans[-1] = (spans[-1][0], shift["EndTime"])
        else:
            spans.append((shift["StartTime"], shift["EndTime"]))
    return spans


_PREVIEWS = SSMContactsBackend("us-east-2", "000000000000")  # previews read no stored state


@BOUNDED
@given(rotation_cases(span_days=40), st.integers(1, 7))
def test_preview_pages_join_up_to_the_whole_listing(case: dict[str, Any], page_size: int) -> None:
    ctx = RequestContext("000000000000", "us-east-2")
    request = {
        "end_time": case["window_end"],
        "members": case["contact_ids"],
        "time_zone_id": case["time_zone_id"],
        "recurrence": case["recurrence"],
        "rotation_start_time": case["start_time"],
        "start_time": case["window_start"],
    }
    whole, token = _PREVIEWS.list_preview_rotation_shifts(ctx, **request, max_results=1024)
    assert token is None and whole == listed(case)
    paged: list[dict[str, Any]] = []
    token = None
    for _ in range(len(whole) + 1):
        items, token = _PREVIEWS.list_preview_rotation_shifts(ctx, **request, max_results=page_size, next_token=token)
        assert len(items) <= page_size
        paged += items
        if token is None:
            break
    assert paged == whole
