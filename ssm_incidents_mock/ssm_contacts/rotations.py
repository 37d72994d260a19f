"""The on-call shift engine: the shifts of a rotation and who is on call at an instant.

Pure functions of their inputs; the backend calls them by keyword with the model's member names inside
``recurrence`` and each override (``NewContactIds``, ``StartTime``, ``EndTime``); times are epoch seconds.
The rules, each in its own function:

- the rotation starts at its StartTime; every ``RecurrenceMultiplier``-th hand-off after it ends a shift
  and starts the next (:class:`Rotation`, hand-offs in ``recurrence.py``), so shifts keep their local
  times across DST changes (a daily shift across one lasts 23 or 25 hours);
- shift ``i`` has ``NumberOfOnCalls`` members from index ``i * NumberOfOnCalls``, in order, wrapping
  (:meth:`Rotation.members`);
- with ShiftCoverages only the covered parts of a shift are listed, one RotationShift each; outside them
  nobody is on call (:func:`_covered`);
- an override turns the part of a shift it spans into an OVERRIDDEN shift of its contacts, with the
  regular ones in ``ShiftDetails.OverriddenContactIds``; where overrides overlap, the later one wins
  (:func:`override_segments`, :func:`_split`);
- shifts are clipped to the window asked for (:func:`rotation_shifts`).

Nothing walks from the rotation's start: the shift at any instant is found by arithmetic on hand-off
ordinals, and shifts are generated one by one, so a page costs the same whatever the window.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .recurrence import (
    HandOffs,
    Zone,
    cadence_of,
    coverage_of,
    team_problems,
    validate,
)
from .recurrence import known_zone as known_zone

REGULAR = "REGULAR"
OVERRIDDEN = "OVERRIDDEN"

Segment = tuple[float, float, list[str]]  # an override in force from start to end, with its contacts


class Rotation:
    """A rotation's shifts: boundaries and members by shift number."""

    __slots__ = ("contact_ids", "coverage", "first", "hand_offs", "multiplier", "on_calls", "start", "turns", "zone")

    def __init__(
        self, contact_ids: list[str], start_time: float, time_zone_id: str, recurrence: Mapping[str, Any]
    ) -> None:
        self.contact_ids = list(contact_ids)
        self.turns = self.contact_ids * 2  # the members twice over: a shift's members are one slice, wrapping or not
        self.start = float(start_time)
        self.zone = Zone(time_zone_id)
        self.hand_offs = HandOffs(cadence_of(recurrence), self.zone)
        self.multiplier = int(recurrence["RecurrenceMultiplier"])
        self.on_calls = min(int(recurrence["NumberOfOnCalls"]), len(self.contact_ids))
        self.coverage = coverage_of(recurrence, self.zone)
        self.first = self.hand_offs.last_at(self.start) if self.hand_offs.cadence.points else 0

    def boundary(self, number: int) -> float:
        """Where shift ``number`` starts: the rotation's start, then every multiplier-th hand-off after it."""
        if number == 0:
            return self.start
        if not self.hand_offs.cadence.points:
            return math.inf
        return self.hand_offs.instant(self.first + number * self.multiplier)

    def shift_at(self, instant: float) -> tuple[int, float, float]:
        """``(number, start, end)`` of the shift in progress at ``instant`` (at or after the start)."""
        if not self.hand_offs.cadence.points:
            return 0, self.start, math.inf
        ordinal, at, next_at = self.hand_offs.around(instant)
        number = (ordinal - self.first) // self.multiplier
        return number, self._boundary_of(number, ordinal, at), self._boundary_of(number + 1, ordinal + 1, next_at)

    def _boundary_of(self, number: int, ordinal: int, at: float) -> float:
        """:meth:`boundary` of ``number``, knowing that hand-off ``ordinal`` happens ``at``."""
        if number and self.first + number * self.multiplier == ordinal:
            return at
        return self.boundary(number)

    def members(self, number: int) -> list[str]:
        """The contacts of shift ``number``: NumberOfOnCalls of them in order from ``number * NumberOfOnCalls``."""
        count = len(self.contact_ids)
        if not count:
            return []
        first = number * self.on_calls % count
        return self.turns[first : first + self.on_calls]  # on_calls is at most count


def rotation_shifts(
    *,
    contact_ids: list[str],
    start_time: float,
    time_zone_id: str,
    recurrence: Mapping[str, Any],
    window_start: float,
    window_end: float,
    overrides: Iterable[Mapping[str, Any]] = (),
    built: Rotation | None = None,
    segments: list[Segment] | None = None,
) -> Iterator[dict[str, Any]]:
    """The ``RotationShift`` dicts of the rotation within ``[window_start, window_end)``, in time order,
    generated one at a time (take only what a page needs).

    ``built`` and ``segments``, when given, are the :class:`Rotation` of these inputs and the
    :func:`override_segments` of ``overrides``, kept by the caller: neither changes once built.
    """
    rotation = built if built is not None else Rotation(contact_ids, start_time, time_zone_id, recurrence)
    if segments is None:
        segments = override_segments(overrides)
    return _shifts(rotation, segments, max(window_start, rotation.start), window_end)


def _shifts(rotation: Rotation, segments: list[Segment], low: float, high: float) -> Iterator[dict[str, Any]]:
    instant = low
    if instant >= high:
        return
    number, start, end = rotation.shift_at(instant)
    while True:
        members = rotation.members(number)
        for begin, finish in _covered(rotation, max(start, instant), min(end, high)):
            yield from _split(begin, finish, members, segments)
        if rotation.coverage is None:
            # the next shift starts where this one ends: no search for it
            instant = end
            if instant >= high:
                return
            number, start, end = number + 1, end, rotation.boundary(number + 2)
            if end <= start:  # hand-offs that fall together (a DST jump): find the shift in progress
                number, start, end = rotation.shift_at(instant)
        else:
            instant = rotation.coverage.next_start(end)
            if instant >= high:
                return
            number, start, end = rotation.shift_at(instant)


def on_call_now(
    *,
    contact_ids: list[str],
    start_time: float,
    time_zone_id: str,
    recurrence: Mapping[str, Any],
    at: float,
    overrides: Iterable[Mapping[str, Any]] = (),
    built: Rotation | None = None,
    segments: list[Segment] | None = None,
) -> list[str]:
    """The contacts on call at the instant ``at`` (none before the rotation starts or outside its coverage);
    ``built`` and ``segments`` as for :func:`rotation_shifts`."""
    for shift in rotation_shifts(
        contact_ids=contact_ids,
        start_time=start_time,
        time_zone_id=time_zone_id,
        recurrence=recurrence,
        window_start=at,
        window_end=math.nextafter(at, math.inf),
        overrides=overrides,
        built=built,
        segments=segments,
    ):
        return list(shift["ContactIds"])
    return []


def validate_recurrence(recurrence: Mapping[str, Any]) -> list[str]:
    """What is wrong with ``recurrence`` beyond the model's constraints (empty when it is valid)."""
    return validate(recurrence)


def validate_team(recurrence: Mapping[str, Any], member_count: int) -> list[str]:
    """What is wrong with the recurrence for a rotation of ``member_count`` contacts."""
    return team_problems(recurrence, member_count)


# --- coverage ----------------------------------------------------------------------------------


def _covered(rotation: Rotation, start: float, end: float) -> Iterator[tuple[float, float]]:
    """The covered parts of ``[start, end)``, adjacent parts joined (so a Sunday-to-Monday window is one)."""
    if start >= end:
        return
    if rotation.coverage is None:
        yield start, end
        return
    pending: tuple[float, float] | None = None
    for begin, finish in rotation.coverage.intervals_from(start):
        if begin >= end:
            break
        begin, finish = max(begin, start), min(finish, end)
        if pending is not None and begin <= pending[1]:
            pending = (pending[0], max(pending[1], finish))
            continue
        if pending is not None:
            yield pending
        pending = (begin, finish)
    if pending is not None:
        yield pending


# --- overrides ---------------------------------------------------------------------------------


def override_segments(overrides: Iterable[Mapping[str, Any]]) -> list[Segment]:
    """The overrides as disjoint ``(start, end, contacts)`` segments in time order; where overrides overlap,
    the one given later (created later) is in force."""
    spans = sorted(
        (float(o["StartTime"]), float(o["EndTime"]), rank, list(o.get("NewContactIds") or ()))
        for rank, o in enumerate(overrides)
    )
    segments: list[Segment] = []
    last_rank = -1
    for left, right, rank, contacts in _in_force([span for span in spans if span[0] < span[1]]):
        if segments and rank == last_rank and segments[-1][1] == left:
            segments[-1] = (segments[-1][0], right, contacts)
        else:
            segments.append((left, right, contacts))
        last_rank = rank
    return segments


def _in_force(spans: list[tuple[float, float, int, list[str]]]) -> Iterator[tuple[float, float, int, list[str]]]:
    """Between each two consecutive edges of the spans (sorted by start), the latest-ranked span covering it."""
    edges = sorted({edge for start, end, _, _ in spans for edge in (start, end)})
    active: list[tuple[int, float, list[str]]] = []  # (-rank, end, contacts): the latest span on top
    waiting = 0
    for left, right in itertools.pairwise(edges):
        while waiting < len(spans) and spans[waiting][0] <= left:
            _, end, rank, contacts = spans[waiting]
            heapq.heappush(active, (-rank, end, contacts))
            waiting += 1
        while active and active[0][1] <= left:
            heapq.heappop(active)
        if active:
            yield left, right, -active[0][0], active[0][2]


def _split(start: float, end: float, members: list[str], segments: list[Segment]) -> Iterator[dict[str, Any]]:
    """One covered part of a shift, cut where overrides begin and end."""
    if not segments:
        yield _shift(start, end, members)
        return
    index = bisect.bisect_right(segments, start, key=_segment_end)
    instant = start
    while index < len(segments) and segments[index][0] < end:
        begin, finish, contacts = segments[index]
        if begin > instant:
            yield _shift(instant, begin, members)
        yield _shift(max(begin, instant), min(finish, end), contacts, members)
        instant = min(finish, end)
        index += 1
    if instant < end:
        yield _shift(instant, end, members)


def _segment_end(segment: Segment) -> float:
    return segment[1]


def _shift(start: float, end: float, contacts: list[str], overridden: list[str] | None = None) -> dict[str, Any]:
    if overridden is None:
        return {"ContactIds": list(contacts), "StartTime": start, "EndTime": end, "Type": REGULAR}
    return {
        "ContactIds": list(contacts),
        "StartTime": start,
        "EndTime": end,
        "Type": OVERRIDDEN,
        "ShiftDetails": {"OverriddenContactIds": list(overridden)},
    }
