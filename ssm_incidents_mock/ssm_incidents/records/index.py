"""The incident index: records by ARN, and in creation order by status, impact and plan."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from operator import attrgetter
from typing import Any

from ..arns import incident_id, plan_name
from ..filters import Filter, matches_all
from .incidents import IncidentRecord

_SEQ = attrgetter("seq")
_CREATED = attrgetter("creation_time")


class IncidentIndex:
    """Incident records by ARN, plus creation-ordered lists of them: all, by status, by impact, by plan.

    Sequence numbers and creation times both grow with creation (the backend makes each creation
    time later than the last), so each list is sorted by either: a page of a filtered listing walks
    the smallest matching list newest-first and stops when it is full.
    """

    def __init__(self) -> None:
        self.by_arn: dict[str, IncidentRecord] = {}
        # the numbers of the incident ids in use, whatever the plan: an id is never given twice
        self.ids: set[int] = set()
        self.records: list[IncidentRecord] = []
        self.by_status: dict[str, list[IncidentRecord]] = {}
        self.by_impact: dict[int, list[IncidentRecord]] = {}
        self.by_plan: dict[str, list[IncidentRecord]] = {}  # by the plan name in the ARN
        # a dedupe key (a template's dedupe string, or a plan and the alarm/rule that triggered it)
        # -> the OPEN records carrying it, oldest first (almost always one)
        self.open_by_dedupe: dict[str, list[IncidentRecord]] = {}

    def __len__(self) -> int:
        return len(self.by_arn)

    def get(self, arn: str) -> IncidentRecord | None:
        return self.by_arn.get(arn)

    def add(self, record: IncidentRecord) -> None:
        self.by_arn[record.arn] = record
        self.ids.add(_id_number(record.arn))
        self.records.append(record)
        self.by_status.setdefault(record.status, []).append(record)
        self.by_impact.setdefault(record.impact, []).append(record)
        self.by_plan.setdefault(plan_name(record.arn), []).append(record)
        if record.status == "OPEN":
            self._index_open(record)

    def open_with(self, dedupe: str) -> IncidentRecord | None:
        """The oldest OPEN record with this dedupe string: the one new incidents fold into."""
        records = self.open_by_dedupe.get(dedupe)
        return records[0] if records else None

    def remove(self, record: IncidentRecord) -> None:
        _discard(self.records, record)
        _discard(self.by_status[record.status], record)
        _discard(self.by_impact[record.impact], record)
        name = plan_name(record.arn)
        of_plan = self.by_plan[name]
        _discard(of_plan, record)
        if not of_plan:
            del self.by_plan[name]
        self._unindex_open(record)
        self.ids.discard(_id_number(record.arn))
        del self.by_arn[record.arn]

    def _index_open(self, record: IncidentRecord) -> None:
        if record.dedupe_key:  # a generated dedupe string is the record's own: nothing folds into it
            insort(self.open_by_dedupe.setdefault(record.dedupe_key, []), record, key=_SEQ)

    def _unindex_open(self, record: IncidentRecord) -> None:
        dedupe = record.dedupe_key
        records = self.open_by_dedupe.get(dedupe) if dedupe else None
        if dedupe and records:
            _discard(records, record)
            if not records:
                del self.open_by_dedupe[dedupe]

    def change(self, record: IncidentRecord, status: str | None, impact: int | None) -> None:
        """Apply a status and/or impact change to the record and its indexes."""
        if status is not None and status != record.status:
            _discard(self.by_status[record.status], record)
            insort(self.by_status.setdefault(status, []), record, key=_SEQ)
            record.status = status
            if status == "OPEN":
                self._index_open(record)
            else:
                self._unindex_open(record)
        if impact is not None and impact != record.impact:
            _discard(self.by_impact[record.impact], record)
            insort(self.by_impact.setdefault(impact, []), record, key=_SEQ)
            record.impact = impact

    def _candidates(self, filters: list[Filter]) -> list[IncidentRecord]:
        """The smallest creation-ordered list holding every record the filters can match."""
        candidates = self.records
        for f in filters:
            if f.values is not None and f.key in ("status", "impact"):
                index: dict[Any, list[IncidentRecord]] = self.by_status if f.key == "status" else self.by_impact
                lists = [index.get(v, []) for v in f.values]
                merged = lists[0] if len(lists) == 1 else sorted((r for part in lists for r in part), key=_SEQ)
                if len(merged) < len(candidates):
                    candidates = merged
        return candidates

    def newest_first(self, filters: list[Filter], before_seq: int | None) -> Iterator[IncidentRecord]:
        """Records matching every filter, newest first, with sequence below ``before_seq``."""
        candidates = self._candidates(filters)
        end = len(candidates) if before_seq is None else bisect_left(candidates, before_seq, key=_SEQ)
        return _walk_back(candidates, end, filters, None)

    def newest_first_after(
        self, filters: list[Filter], position: ListPosition | None, plan: str | None = None
    ) -> Iterator[IncidentRecord]:
        """Records (of the plan named ``plan``, or all) matching every filter, in ``listing_key`` order after ``position``."""
        candidates = self._candidates(filters) if plan is None else self.by_plan.get(plan, [])
        end = len(candidates) if position is None else bisect_right(candidates, position[0], key=_CREATED)
        return _walk_back(candidates, end, filters, position)


# A place in ListIncidentRecords' order: the creation time and ARN of the last record listed.
ListPosition = tuple[float, str]


def list_position(token_position: Any) -> ListPosition | None:
    """The position a ListIncidentRecords ``nextToken`` holds (``[creation time, ARN]``); None for none."""
    if isinstance(token_position, list) and len(token_position) == 2:
        return float(token_position[0]), str(token_position[1])
    return None


def listing_key(record: IncidentRecord) -> tuple[float, str]:
    """ListIncidentRecords' order, whichever accounts the records come from: newest first, then by ARN."""
    return (-record.creation_time, record.arn)


def _id_number(incident_record_arn: str) -> int:
    return int(incident_id(incident_record_arn).replace("-", ""), 16)  # half the memory of the text


def _walk_back(
    candidates: list[IncidentRecord], end: int, filters: list[Filter], position: ListPosition | None
) -> Iterator[IncidentRecord]:
    """``candidates[:end]`` newest first, matching the filters, after ``position`` where creation times tie."""
    for i in range(end - 1, -1, -1):
        record = candidates[i]
        if position is not None and record.creation_time == position[0] and record.arn <= position[1]:
            continue  # the last record listed, or one of another account created at the same time before it
        if matches_all(filters, record):
            yield record


def _discard(records: list[IncidentRecord], record: IncidentRecord) -> None:
    i = bisect_left(records, record.seq, key=_SEQ)
    if i < len(records) and records[i] is record:
        del records[i]
