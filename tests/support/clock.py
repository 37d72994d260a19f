"""A clock the tests move by hand, in place of ``time.time`` inside the package."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from ssm_incidents_mock.ssm_incidents import models, records


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
        """Make the backend and its records read this clock; everything else keeps the real time."""
        fake = SimpleNamespace(**{name: getattr(time, name) for name in dir(time) if not name.startswith("_")})
        fake.time = self.time
        for module in (models, records):
            monkeypatch.setattr(module, "time", fake)
