"""Fixtures shared by every test folder. ``ssm_incidents_mock`` and ``ssm_incidents`` come from the package's plugin.

The helpers themselves live in ``tests.support``; ``assert_error`` is re-exported here for suites that import it
from ``tests.conftest``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer, reset_state
from tests.support import Clock, assert_error, create_plan, start_incident, unchecked
from tests.support.fuzz import COUNTER

__all__ = ["assert_error"]


@pytest.fixture
def server() -> Iterator[ThreadedSSMIncidentsServer]:
    """A threaded server on a free loopback port.

    It serves this process's module-level backends, which outlive the test (the in-process mock
    clears them when it starts; a server does not): start from empty state and leave none behind.
    """
    reset_state()
    with ThreadedSSMIncidentsServer() as running:
        yield running
    reset_state()


@pytest.fixture
def plan(ssm_incidents: Any) -> str:
    """A response plan named ``plan`` with the shared ``TEMPLATE``."""
    return create_plan(ssm_incidents)


@pytest.fixture
def incident(ssm_incidents: Any, plan: str) -> str:
    """An open incident of ``plan``."""
    return start_incident(ssm_incidents, plan)


@pytest.fixture
def unchecked_client(mocked_ssm_incidents: Any) -> Any:
    """A client under the mock without botocore's parameter validation: the mock's own checks answer."""
    return unchecked()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The backend's time, standing still until the test advances it."""
    frozen = Clock()
    frozen.install(monkeypatch)
    return frozen


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many requests the fuzz suites sent (and, with SSM_INCIDENTS_FUZZ_OUTCOMES, what they got back)."""
    if not COUNTER.counts:
        return  # under xdist the workers count; run with -p no:xdist (or -n 0) to see the numbers
    write = terminalreporter.write_line
    terminalreporter.section("ssm-incidents fuzz budget")
    for suite, count in sorted(COUNTER.counts.items()):
        write(f"{suite}: {count} requests")
    write(f"total: {sum(COUNTER.counts.values())} requests")
    if os.environ.get("SSM_INCIDENTS_FUZZ_OUTCOMES"):
        for key, count in sorted(COUNTER.findings.items()):
            write(f"  {key}: {count}")


@pytest.fixture
def lenient(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lenient onboarding for the test (and processes it starts): no replication set needed."""
    monkeypatch.setenv("SSM_INCIDENTS_MOCK_STRICT", "false")
