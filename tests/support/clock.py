"""A clock the tests move by hand, in place of ``time.time`` inside the package."""

from __future__ import annotations

import sys
import time
from types import SimpleNamespace

import pytest

from ssm_incidents_mock.ssm_incidents import models, records  # noqa: F401  # loads every module that reads the clock

# The backend's packages: each of their modules that reads ``time`` reads this clock instead.
BACKEND_PACKAGES = ("ssm_incidents_mock.ssm_incidents.models.", "ssm_incidents_mock.ssm_incidents.records.")


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
        for name, module in list(sys.modules.items()):
            if name.startswith(BACKEND_PACKAGES) and getattr(module, "time", None) is time:
                monkeypatch.setattr(module, "time", fake)
