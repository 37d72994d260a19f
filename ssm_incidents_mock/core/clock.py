"""The mock's clock: the time of day plus an offset that tests move, in-process or over HTTP.

``now()`` is ``time.time()`` plus the offset, read on every call, so freezegun and time-machine move
it as they move ``time.time`` and a server's clients move it with ``advance``/``set_time``. Everything
"later" in the backends (engagement stages, page deliveries) is evaluated lazily against ``now()``
on each read: moving the clock moves them, with no thread and no sleep.
"""

from __future__ import annotations

import math
import time

MAX_OFFSET_SECONDS = 100 * 365 * 86_400.0  # a century either way
_offset = [0.0]


def now() -> float:
    """Epoch seconds as the mock sees them."""
    return time.time() + _offset[0]


def offset() -> float:
    """Seconds the mock's clock runs ahead of the time of day (negative: behind)."""
    return _offset[0]


def advance(seconds: float) -> float:
    """Move the clock ``seconds`` forward (never back); the new ``now()``."""
    seconds = _seconds(seconds, "seconds")
    if seconds < 0:
        raise ValueError("The clock only moves forward: give seconds of 0 or more (or set_time).")
    return _set_offset(_offset[0] + seconds)


def set_time(epoch: float) -> float:
    """Make ``now()`` read ``epoch`` (it goes on running from there); the new ``now()``."""
    return _set_offset(_seconds(epoch, "epoch") - time.time())


def reset() -> None:
    """Back to the time of day."""
    _offset[0] = 0.0


def _set_offset(value: float) -> float:
    if abs(value) > MAX_OFFSET_SECONDS:
        raise ValueError("The clock can move at most a century away from the time of day.")
    _offset[0] = value
    return now()


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}.")
    return float(value)
