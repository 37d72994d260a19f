"""The on-call shift engine (placeholder: the real engine replaces this file).

The backend calls only these three functions, by keyword, with the model's member names inside
``recurrence`` and each override (``NewContactIds``, ``StartTime``, ``EndTime``; times are epoch seconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def rotation_shifts(
    *,
    contact_ids: list[str],
    start_time: float,
    time_zone_id: str,
    recurrence: Mapping[str, Any],
    window_start: float,
    window_end: float,
    overrides: Iterable[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """The ``RotationShift`` dicts of the rotation that intersect ``[window_start, window_end)``, in time order."""
    raise NotImplementedError("the rotation shift engine is not merged yet")


def on_call_now(
    *,
    contact_ids: list[str],
    start_time: float,
    time_zone_id: str,
    recurrence: Mapping[str, Any],
    at: float,
    overrides: Iterable[Mapping[str, Any]] = (),
) -> list[str]:
    """The contacts on call at the instant ``at``."""
    raise NotImplementedError("the rotation shift engine is not merged yet")


def validate_recurrence(recurrence: Mapping[str, Any]) -> list[str]:
    """What is wrong with ``recurrence`` beyond the model's constraints (empty when it is valid)."""
    raise NotImplementedError("the rotation shift engine is not merged yet")
