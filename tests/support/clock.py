"""A clock the tests move by hand, in place of ``time.time`` inside the mock's clock."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ssm_incidents_mock.core import clock as mock_clock


class Clock:
    """Epoch seconds that stand still until :meth:`advance` moves them."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make the mock's clock (``core.clock``, which every backend reads) read this one."""
        monkeypatch.setattr(mock_clock, "time", SimpleNamespace(time=self.time))
