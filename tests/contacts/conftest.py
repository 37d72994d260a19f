"""Fixtures of the ssm-contacts backend tests: a backend per test, its clock, a stand-in shift engine
(for the tests that ask for it: the others run on the real one).

The backend is called directly with a ``RequestContext``; helpers are in ``tests.support.contacts``.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from ssm_incidents_mock.core import clock as mock_clock
from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts import rotations
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend, ssmcontacts_backends
from ssm_incidents_mock.ssm_incidents import models as incident_models
from tests.support import Clock
from tests.support.contacts import REGION, FakeShifts, onboard

_ACCOUNTS = iter(range(200_000_000_000, 300_000_000_000, 7919))


@pytest.fixture
def account() -> Iterator[str]:
    """An account no other test uses; its backends of both services are dropped afterwards."""
    account_id = f"{next(_ACCOUNTS):012d}"
    yield account_id
    dict.pop(ssmcontacts_backends, account_id, None)
    dict.pop(incident_models.ssmincidents_backends, account_id, None)


@pytest.fixture
def ctx(account: str) -> RequestContext:
    return RequestContext(account, REGION)


@pytest.fixture
def backend(account: str) -> SSMContactsBackend:
    """The contacts backend of ``account`` in ``REGION``, onboarded."""
    onboard(account, REGION)
    return ssmcontacts_backends[account][REGION]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The contacts backend's time, standing still until the test advances it."""
    frozen = Clock()
    monkeypatch.setattr(mock_clock, "time", SimpleNamespace(time=frozen.time))
    return frozen


@pytest.fixture
def shifts(monkeypatch: pytest.MonkeyPatch) -> FakeShifts:
    """The stand-in shift engine, for tests of the backend's part that must not depend on the shift rules."""
    fake = FakeShifts()
    monkeypatch.setattr(rotations, "rotation_shifts", fake.rotation_shifts)
    monkeypatch.setattr(rotations, "on_call_now", fake.on_call_now)
    monkeypatch.setattr(rotations, "validate_recurrence", fake.validate_recurrence)
    return fake


@pytest.fixture
def other_account() -> Iterator[str]:
    """A second account of the test (sharing), dropped afterwards like ``account``."""
    account_id = f"{next(_ACCOUNTS):012d}"
    yield account_id
    dict.pop(ssmcontacts_backends, account_id, None)
    dict.pop(incident_models.ssmincidents_backends, account_id, None)
