"""What an account's incidents did elsewhere, kept for tests to read: a bounded log per kind.

``SSMIncidentsBackend.notifications`` and ``.engagements`` are :class:`EffectLog` s. Each keeps at most
``cap`` entries, oldest first, and drops the oldest when a new one comes; an incident's entries go
with the incident (DeleteIncidentRecord) and all go with the replication set. Every change costs
only the entries it adds or drops.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from typing import Generic, Protocol, TypeVar

# At most this many entries per log, account and partition (SNS messages, engagements).
EFFECT_LOG_SIZE = 10_000


class _OfAnIncident(Protocol):
    @property
    def incident_record_arn(self) -> str: ...


T = TypeVar("T", bound=_OfAnIncident)


class EffectLog(Generic[T]):
    """Entries in the order they came, at most ``cap`` of them, findable by incident."""

    def __init__(self, cap: int = EFFECT_LOG_SIZE) -> None:
        self.cap = cap
        self.entries: OrderedDict[int, T] = OrderedDict()
        self._by_incident: dict[str, deque[int]] = {}  # each incident's keys, oldest first
        self._keys = itertools.count()

    def extend(self, entries: Iterable[T]) -> None:
        """Add ``entries`` after the others, dropping the oldest beyond ``cap``."""
        for entry in entries:
            key = next(self._keys)
            self.entries[key] = entry
            self._by_incident.setdefault(entry.incident_record_arn, deque()).append(key)
        while len(self.entries) > self.cap:
            _, oldest = self.entries.popitem(last=False)
            keys = self._by_incident[oldest.incident_record_arn]
            keys.popleft()  # the oldest entry of all is its incident's oldest
            if not keys:
                del self._by_incident[oldest.incident_record_arn]

    def drop_incident(self, incident_record_arn: str) -> None:
        """Forget the entries of one incident."""
        for key in self._by_incident.pop(incident_record_arn, ()):
            del self.entries[key]

    def clear(self) -> None:
        self.entries.clear()
        self._by_incident.clear()

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)
