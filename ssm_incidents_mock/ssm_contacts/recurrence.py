"""The wall clock of a rotation: its time zone, its hand-off points and its coverage, from the model's
``RecurrenceSettings``. The shift engine (``rotations.py``) builds shifts from these.

Hand-offs are points of a period: every day (``DailySettings``), every Monday-based week
(``WeeklySettings``) or every month (``MonthlySettings``), at a local time of the rotation's IANA zone.
Each hand-off has an ordinal (``period * points + index``), so the hand-off before any instant is found
by arithmetic, whatever the distance from the rotation's start. Local times that a DST change skips
happen when the clocks jump; local times it repeats happen at their first occurrence.
"""

from __future__ import annotations

import bisect
import calendar
import itertools
import math
import zoneinfo
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
SETTINGS = ("DailySettings", "WeeklySettings", "MonthlySettings")
# The last instant whose local time is a valid datetime in every zone: past it there is no hand-off and
# every minute is covered, so the shift in progress goes on to the end of any window.
HORIZON = datetime(9999, 12, 30, tzinfo=timezone.utc).timestamp()
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_STEPS = tuple(2**power for power in range(1, 64))  # the gallop from a guess to a bracket of the hand-off


# --- time zones --------------------------------------------------------------------------------


class Zone:
    """An IANA zone: epoch seconds to naive local wall time and back."""

    __slots__ = ("tz",)

    def __init__(self, name: str) -> None:
        self.tz = _zone(name)

    def local(self, instant: float) -> datetime:
        """The wall time at ``instant`` (naive)."""
        try:
            return datetime.fromtimestamp(instant, self.tz).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):  # where the platform's conversion does not reach
            return (_EPOCH + timedelta(seconds=instant)).astimezone(self.tz).replace(tzinfo=None)

    def instant(self, local: datetime) -> float:
        """When the wall clock shows ``local``: its first occurrence, or the end of the DST gap that skips it."""
        offset = self.tz.utcoffset(local)  # fold=0: the offset in force before a change
        if offset is not None and not local.microsecond:
            # the usual case, in whole seconds: the wall clock shows ``local`` at the instant this offset gives
            at = ((local - _NAIVE_EPOCH) - offset).total_seconds()
            if self._offset_or_none(at) == offset:
                return at
        return self._instant_around_change(local)

    def _instant_around_change(self, local: datetime) -> float:
        """:meth:`instant` where the offset of ``local`` is not the one in force at the instant it gives."""
        after_gap = local.replace(tzinfo=self.tz).timestamp()  # fold=0: the offset in force before the change
        try:
            shown = self.local(after_gap)
        except OverflowError:
            return after_gap
        if shown == local:
            return after_gap
        before_gap = local.replace(tzinfo=self.tz, fold=1).timestamp()
        return self._change_between(before_gap, after_gap)

    def _change_between(self, low: float, high: float) -> float:
        """The first second in ``(low, high]`` with ``high``'s UTC offset: when the clocks jumped."""
        offset = self._offset(high)
        low_s, high_s = math.floor(low), math.ceil(high)
        while high_s - low_s > 1:
            middle = (low_s + high_s) // 2
            if self._offset(middle) == offset:
                high_s = middle
            else:
                low_s = middle
        return float(high_s)

    def _offset(self, instant: float) -> timedelta | None:
        return (_EPOCH + timedelta(seconds=instant)).astimezone(self.tz).utcoffset()

    def _offset_or_none(self, instant: float) -> timedelta | None:
        """:meth:`_offset`, or None where the platform's conversion does not reach."""
        try:
            return datetime.fromtimestamp(instant, self.tz).utcoffset()
        except (OverflowError, OSError, ValueError):
            return None


@lru_cache(maxsize=256)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def known_zone(name: str) -> bool:
    """Whether ``name`` is an IANA ``Area/Location`` zone or ``UTC`` (designators such as ``PST`` are not)."""
    return name == "UTC" or ("/" in name and name in _time_zones())


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


# --- hand-offs ---------------------------------------------------------------------------------


def minute_of_day(hand_off: Mapping[str, Any]) -> int:
    return int(hand_off["HourOfDay"]) * 60 + int(hand_off["MinuteOfHour"])


class Cadence:
    """The hand-off points of one kind of period, in minutes from the period's local start."""

    __slots__ = ("kind", "month_days", "offsets", "points")

    def __init__(self, kind: str, offsets: list[int], month_days: list[tuple[int, int]] | None = None) -> None:
        self.kind = kind
        self.offsets = sorted(set(offsets))
        self.month_days = sorted(set(month_days or ()))  # monthly: (DayOfMonth, minute of day)
        self.points = len(self.month_days) if kind == "MonthlySettings" else len(self.offsets)

    def period_of(self, local: datetime) -> int:
        if self.kind == "DailySettings":
            return local.toordinal()
        if self.kind == "WeeklySettings":
            return (local.toordinal() - 1) // 7  # ordinal 1 (0001-01-01) is a Monday
        return local.year * 12 + local.month - 1

    def period_start(self, period: int) -> datetime:
        if self.kind == "DailySettings":
            return datetime.fromordinal(period)
        if self.kind == "WeeklySettings":
            return datetime.fromordinal(period * 7 + 1)
        year, month = divmod(period, 12)
        return datetime(year, month + 1, 1)

    def offsets_in(self, period: int) -> list[int]:
        """The points of ``period`` in order; a day of month past the month's end falls on its last day."""
        if self.kind != "MonthlySettings":
            return self.offsets
        year, month = divmod(period, 12)
        return _month_offsets(tuple(self.month_days), calendar.monthrange(year, month + 1)[1])

    def local(self, ordinal: int) -> datetime:
        """The local time of hand-off number ``ordinal``."""
        period, index = divmod(ordinal, self.points)
        return self.period_start(period) + timedelta(minutes=self.offsets_in(period)[index])

    def ordinal_guess(self, local: datetime) -> int:
        """The ordinal of the last hand-off whose local time is at or before ``local``."""
        period = self.period_of(local)
        minutes = (local - self.period_start(period)) / timedelta(minutes=1)
        return period * self.points + bisect.bisect_right(self.offsets_in(period), minutes) - 1


@lru_cache(maxsize=64)
def _month_offsets(month_days: tuple[tuple[int, int], ...], length: int) -> list[int]:
    return sorted((min(day, length) - 1) * MINUTES_PER_DAY + minute for day, minute in month_days)


def cadence_of(recurrence: Mapping[str, Any]) -> Cadence:
    """The hand-off points of the one kind of setting the recurrence has (see ``validate``)."""
    daily = recurrence.get("DailySettings")
    if daily:
        return Cadence("DailySettings", [minute_of_day(h) for h in daily])
    weekly = recurrence.get("WeeklySettings")
    if weekly:
        offsets = [DAYS.index(w["DayOfWeek"]) * MINUTES_PER_DAY + minute_of_day(w["HandOffTime"]) for w in weekly]
        return Cadence("WeeklySettings", offsets)
    monthly = recurrence.get("MonthlySettings") or ()
    month_days = [(int(m["DayOfMonth"]), minute_of_day(m["HandOffTime"])) for m in monthly]
    return Cadence("MonthlySettings", [], month_days)


class HandOffs:
    """The hand-off instants of a cadence in a zone, numbered by ordinal."""

    __slots__ = ("cadence", "zone")

    def __init__(self, cadence: Cadence, zone: Zone) -> None:
        self.cadence = cadence
        self.zone = zone

    def instant(self, ordinal: int) -> float:
        """When hand-off ``ordinal`` happens (infinity past the horizon)."""
        try:
            instant = self.zone.instant(self.cadence.local(ordinal))
        except (OverflowError, ValueError):
            return math.inf if ordinal > 0 else -math.inf
        return math.inf if instant > HORIZON else instant

    def last_at(self, instant: float) -> int:
        """The ordinal of the last hand-off at or before ``instant``."""
        return self.around(instant)[0]

    def around(self, instant: float) -> tuple[int, float, float]:
        """``(ordinal, when, when the next)`` of the last hand-off at or before ``instant``: from the guess
        the wall clock gives (off only around DST changes), gallop to a bracket, then halve it. Instants
        grow with ordinals; each is computed once."""
        instant = min(instant, HORIZON)
        guess = self.cadence.ordinal_guess(self.zone.local(instant))
        low, high = guess, guess + 1
        low_at, high_at = self.instant(low), self.instant(high)
        for step in _STEPS:
            if low_at > instant:
                low, high, high_at = guess - step, low, low_at
                low_at = self.instant(low)
            elif high_at <= instant:
                low, high, low_at = high, guess + step, high_at
                high_at = self.instant(high)
            else:
                break
        while high - low > 1:
            middle = (low + high) // 2
            middle_at = self.instant(middle)
            if middle_at <= instant:
                low, low_at = middle, middle_at
            else:
                high, high_at = middle, middle_at
        return low, low_at, high_at


# --- coverage ----------------------------------------------------------------------------------


class Coverage:
    """The covered minutes of the local week (``[start, end)`` intervals, sorted and disjoint) in a zone."""

    __slots__ = ("ends", "intervals", "zone")

    def __init__(self, intervals: list[tuple[int, int]], zone: Zone) -> None:
        self.intervals = intervals
        self.ends = [end for _, end in intervals]
        self.zone = zone

    def intervals_from(self, instant: float, weeks: int | None = None) -> Iterator[tuple[float, float]]:
        """The covered intervals (instants) that end after ``instant``, in order, for ``weeks`` weeks
        (None: for ever). Intervals a DST change empties are left out; past the horizon all is covered."""
        week, index = self._first(instant)
        last = week + weeks + 1 if weeks is not None else None
        while last is None or week < last:
            for start_minute, end_minute in itertools.islice(self.intervals, index, None):
                begin = self._instant(week, start_minute)
                if begin >= HORIZON:
                    yield max(HORIZON, instant), math.inf
                    return
                finish = self._instant(week, end_minute)
                if finish > instant and finish > begin:
                    yield begin, finish
            week, index = week + 1, 0

    def _first(self, instant: float) -> tuple[int, int]:
        """``(week, index)`` of the first interval that ends after ``instant``: in the local week of the
        instant (earlier weeks end before it), found by halving, since interval ends grow with the index."""
        week = (self.zone.local(min(instant, HORIZON)).toordinal() - 1) // 7
        low, high = 0, len(self.intervals)
        while low < high:
            middle = (low + high) // 2
            if self._instant(week, self.ends[middle]) > instant:
                high = middle
            else:
                low = middle + 1
        return week, low

    def _instant(self, week: int, minute: int) -> float:
        """When the local week number ``week`` reaches ``minute`` (infinity past the last date)."""
        try:
            return self.zone.instant(datetime.fromordinal(week * 7 + 1) + timedelta(minutes=minute))
        except (OverflowError, ValueError):
            return math.inf

    def next_start(self, instant: float) -> float:
        """The first covered instant at or after ``instant`` (infinity when none comes)."""
        for begin, _ in self.intervals_from(instant, weeks=3):
            return max(begin, instant)
        return math.inf


def coverage_of(recurrence: Mapping[str, Any], zone: Zone) -> Coverage | None:
    """The rotation's coverage; None when every minute is covered (no ShiftCoverages, an empty map, or
    windows that cover the whole week).

    A window ends on its day, or on the next day when its end is not after its start: an end equal to the
    start covers 24 hours.
    """
    coverages = recurrence.get("ShiftCoverages")
    if not coverages:
        return None
    intervals: list[tuple[int, int]] = []
    for day, windows in coverages.items():
        day_start = DAYS.index(day) * MINUTES_PER_DAY
        for window in windows:
            start, end = minute_of_day(window["Start"]), minute_of_day(window["End"])
            if end <= start:
                end += MINUTES_PER_DAY
            intervals.extend(_in_week(day_start + start, day_start + end))
    merged = _merged(intervals)
    return None if merged == [(0, MINUTES_PER_WEEK)] else Coverage(merged, zone)


def _in_week(start: int, end: int) -> list[tuple[int, int]]:
    """An interval of the week, split where it runs past Sunday midnight into the next week."""
    if end <= MINUTES_PER_WEEK:
        return [(start, end)]
    return [(start, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK)]


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --- validation --------------------------------------------------------------------------------


def validate(recurrence: Mapping[str, Any]) -> list[str]:
    """What is wrong with a recurrence beyond the model's constraints (empty when it is valid)."""
    kinds = [name for name in SETTINGS if recurrence.get(name)]
    problems = []
    if len(kinds) != 1:
        problems.append(
            "A recurrence needs exactly one of DailySettings, WeeklySettings and MonthlySettings"
            + (f", not {' and '.join(kinds)}." if kinds else ".")
        )
    problems += _coverage_problems(recurrence.get("ShiftCoverages") or {})
    return problems


def _coverage_problems(coverages: Mapping[str, Any]) -> list[str]:
    problems = []
    for day, windows in coverages.items():
        for number, window in enumerate(windows, 1):
            if window.get("Start") is None or window.get("End") is None:
                problems.append(f"ShiftCoverages.{day}.{number}: a coverage time needs a Start and an End.")
    if coverages and not problems and not any(coverages.values()):
        problems.append("ShiftCoverages must list at least one coverage time.")
    return problems


def team_problems(recurrence: Mapping[str, Any], members: int) -> list[str]:
    """NumberOfOnCalls cannot ask for more contacts than the rotation has."""
    on_calls = int(recurrence["NumberOfOnCalls"])
    if on_calls > members:
        return [f"NumberOfOnCalls ({on_calls}) cannot be more than the number of contacts in the rotation ({members})."]
    return []
