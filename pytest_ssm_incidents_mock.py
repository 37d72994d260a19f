"""pytest plugin of ssm-incidents-mock, loaded through the ``pytest11`` entry point.

Loading it imports nothing but pytest and the standard library: the mock (and with it moto,
botocore and boto3) is imported the first time a test asks for one of its fixtures, so a pytest
session that never uses them pays nothing for the plugin.

Fixtures (``pytest --fixtures`` shows their docstrings):

- ``ssm_incidents``: a boto3 ``ssm-incidents`` client under the in-process mock;
- ``ssm_incidents_onboarded``: the same client once a replication set exists in its region;
- ``mocked_ssm_incidents``: the active ``SSMIncidentsMock``, to inspect or seed state
  (``ssm_incidents_mock`` is its deprecated old name);
- ``ssm_contacts``: a boto3 ``ssm-contacts`` client under the same mock;
- ``ssm_incidents_faults``: the fault rules of the mock (``.add(operation=..., error=...)``);
- ``ssm_incidents_calls``: the call recorder of the mock (``.assert_called_once("StartIncident", impact=1)``);
- ``ssm_incidents_server``: a ``ThreadedSSMIncidentsServer`` for the session, reset for each test;
- ``ssm_incidents_settings``: the region, account, strictness and replication phases the fixtures use.

Choose them per test with ``@pytest.mark.ssm_incidents(region=..., account_id=..., strict=...,
replication_phases=..., clock=...)``, or for the whole suite with the ini options ``ssm_incidents_region``,
``ssm_incidents_account_id``, ``ssm_incidents_strict``, ``ssm_incidents_replication_phases`` and
``ssm_incidents_clock``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mypy_boto3_ssm_contacts import SSMContactsClient
    from mypy_boto3_ssm_incidents import SSMIncidentsClient

    from ssm_incidents_mock import Calls, Faults, SSMIncidentsMock
    from ssm_incidents_mock.server import ThreadedSSMIncidentsServer

MARKER = "ssm_incidents"
MARKER_ARGS = ("region", "account_id", "strict", "replication_phases", "clock")
DEFAULT_REGION = "us-east-1"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class SSMIncidentsSettings:
    """What the fixtures of one test use.

    ``region``: the client's region. ``account_id``: the account every request of the test runs
    in (set through ``MOTO_ACCOUNT_ID``), or None for moto's rules (default ``123456789012``).
    ``strict``: require a replication set before other operations (None: the
    ``SSM_INCIDENTS_MOCK_STRICT`` environment variable decides). ``replication_phases``: the
    replication set reads CREATING/UPDATING/DELETING once after each change instead of ACTIVE at
    once (None: the ``SSM_INCIDENTS_MOCK_REPLICATION_PHASES`` environment variable decides).
    ``clock``: the epoch seconds the mock's clock reads when the test starts (it runs on from there;
    escalation stages, rotation shifts and every timestamp follow it), or None for the time of day.
    """

    region: str
    account_id: str | None
    strict: bool | None
    replication_phases: bool | None = None
    clock: float | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "ssm_incidents_region",
        "region of the ssm_incidents client fixture (default: AWS_DEFAULT_REGION, else us-east-1)",
        default="",
    )
    parser.addini("ssm_incidents_account_id", "account the ssm-incidents fixtures run in (default: moto's)", default="")
    parser.addini(
        "ssm_incidents_strict",
        "false: the ssm-incidents fixtures need no replication set first (default: required, as on AWS)",
        default="",
    )
    parser.addini(
        "ssm_incidents_replication_phases",
        "true: the replication set reads CREATING/UPDATING/DELETING once after each change (default: ACTIVE at once)",
        default="",
    )
    parser.addini(
        "ssm_incidents_clock",
        "the time the mock's clock reads when each test starts: ISO 8601 (e.g. 2030-01-07T09:00:00Z) or epoch "
        "seconds (default: the time of day)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(region=None, account_id=None, strict=None, replication_phases=None, clock=None): region, "
        "account, strictness, replication-set phases and start time of the ssm-incidents-mock fixtures for this test",
    )


def _flag(value: object, where: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise pytest.UsageError(f"{where}: expected true or false, got {value!r}")


@pytest.fixture
def ssm_incidents_settings(request: pytest.FixtureRequest) -> SSMIncidentsSettings:
    """Region, account and strictness, and the replication phases, for this test's ssm-incidents fixtures.

    The nearest ``@pytest.mark.ssm_incidents(region=..., account_id=..., strict=..., replication_phases=...)``
    wins, then the ini options ``ssm_incidents_region`` / ``ssm_incidents_account_id`` /
    ``ssm_incidents_strict`` / ``ssm_incidents_replication_phases``; the region then falls back to
    ``AWS_DEFAULT_REGION``, else ``us-east-1``.
    """
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):  # the nearest marker last, so it wins
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only ({', '.join(MARKER_ARGS)})")
        unknown = set(marker.kwargs) - set(MARKER_ARGS)
        if unknown:
            raise pytest.UsageError(f"@pytest.mark.{MARKER}: unknown argument(s) {sorted(unknown)}")
        options.update(marker.kwargs)
    ini = request.config.getini
    region = options.get("region") or ini("ssm_incidents_region") or os.environ.get("AWS_DEFAULT_REGION")
    account = options.get("account_id") or ini("ssm_incidents_account_id") or None
    return SSMIncidentsSettings(
        region=str(region or DEFAULT_REGION),
        account_id=account,
        strict=_option_flag(options, ini, "strict"),
        replication_phases=_option_flag(options, ini, "replication_phases"),
        clock=_epoch(options["clock"], MARKER)
        if "clock" in options
        else _epoch(ini("ssm_incidents_clock"), "ssm_incidents_clock"),
    )


def _epoch(value: object, where: str) -> float | None:
    """A start time as epoch seconds: a ``datetime`` (naive means UTC), an ISO 8601 text, or a number."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise pytest.UsageError(f"{where}: clock must be ISO 8601 or epoch seconds, got {value!r}") from None
    else:
        raise pytest.UsageError(f"{where}: clock must be a datetime, ISO 8601 text or epoch seconds, got {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


def _option_flag(options: dict[str, Any], ini: Any, name: str) -> bool | None:
    """A true/false option: the marker's, else the ini option ``ssm_incidents_<name>``'s, else None."""
    if name in options:
        return _flag(options[name], MARKER)
    return _flag(ini(f"ssm_incidents_{name}"), f"ssm_incidents_{name}")


def _use_account(settings: SSMIncidentsSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    if settings.account_id:
        monkeypatch.setenv("MOTO_ACCOUNT_ID", str(settings.account_id))


@pytest.fixture
def mocked_ssm_incidents(
    ssm_incidents_settings: SSMIncidentsSettings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SSMIncidentsMock]:
    """The active in-process mock (moto's ``mock_aws`` underneath) for this test, with empty state.

    Use it to look at state (``.backend(account_id)``, ``.incident_records()``) or to seed findings
    (``.add_finding(...)``). Every boto3 client created during the test talks to the mock.
    """
    from ssm_incidents_mock import SSMIncidentsMock

    _use_account(ssm_incidents_settings, monkeypatch)
    options = ssm_incidents_settings
    with SSMIncidentsMock(strict=options.strict, replication_phases=options.replication_phases) as mock:
        if options.clock is not None:
            _set_clock(mock.clock, options.clock)
        yield mock


def _set_clock(clock: Any, epoch: float) -> None:
    try:
        clock.set_time(epoch)
    except ValueError as error:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}(clock=...): {error}") from None


@pytest.fixture
def ssm_incidents_mock(mocked_ssm_incidents: SSMIncidentsMock) -> SSMIncidentsMock:
    """Deprecated name of ``mocked_ssm_incidents`` (it hid the package's name inside a test)."""
    warnings.warn(
        "The ssm_incidents_mock fixture is deprecated: use mocked_ssm_incidents.", DeprecationWarning, stacklevel=2
    )
    return mocked_ssm_incidents


@pytest.fixture
def ssm_incidents(
    mocked_ssm_incidents: SSMIncidentsMock, ssm_incidents_settings: SSMIncidentsSettings
) -> SSMIncidentsClient:
    """A boto3 ``ssm-incidents`` client under the in-process mock, in the region of ``ssm_incidents_settings``.

    As on AWS, the account needs a replication set before plans and incidents (see
    ``ssm_incidents_onboarded``), unless the test is lenient (``strict=False``).
    """
    import boto3

    client: SSMIncidentsClient = boto3.client("ssm-incidents", region_name=ssm_incidents_settings.region)
    return client


@pytest.fixture
def ssm_incidents_onboarded(
    ssm_incidents: SSMIncidentsClient, ssm_incidents_settings: SSMIncidentsSettings
) -> SSMIncidentsClient:
    """The ``ssm_incidents`` client after its account is onboarded: a replication set holds its region.

    Tests need this (or their own CreateReplicationSet) before creating response plans or starting
    incidents, as on AWS.
    """
    ssm_incidents.create_replication_set(regions={ssm_incidents_settings.region: {}})
    return ssm_incidents


@pytest.fixture
def ssm_contacts(
    mocked_ssm_incidents: SSMIncidentsMock, ssm_incidents_settings: SSMIncidentsSettings
) -> SSMContactsClient:
    """A boto3 ``ssm-contacts`` client under the same mock, in the region of ``ssm_incidents_settings``.

    Contacts need the account's replication set (``ssm_incidents_onboarded``), as on AWS.
    """
    import boto3

    client: SSMContactsClient = boto3.client("ssm-contacts", region_name=ssm_incidents_settings.region)
    return client


@pytest.fixture
def ssm_incidents_faults(mocked_ssm_incidents: SSMIncidentsMock) -> Faults:
    """The fault rules of this test's mock, for both services: ``add(operation=..., error=..., ...)``.

    It starts empty and every rule is gone after the test.
    """
    return mocked_ssm_incidents.faults


@pytest.fixture
def ssm_incidents_calls(mocked_ssm_incidents: SSMIncidentsMock) -> Calls:
    """Every request this test's mock answered, oldest first, with assertion helpers
    (``assert_called_once("StartIncident", impact=1)``). It starts empty for each test."""
    return mocked_ssm_incidents.calls


@pytest.fixture(scope="session")
def ssm_incidents_server_session() -> Iterator[ThreadedSSMIncidentsServer]:
    """One ``ThreadedSSMIncidentsServer`` on a free loopback port for the whole session (per xdist worker).

    Prefer ``ssm_incidents_server``, which also resets its state for each test.
    """
    from ssm_incidents_mock.server import ThreadedSSMIncidentsServer

    with ThreadedSSMIncidentsServer(host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def ssm_incidents_server(
    ssm_incidents_server_session: ThreadedSSMIncidentsServer,
    ssm_incidents_settings: SSMIncidentsSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ThreadedSSMIncidentsServer]:
    """The session's HTTP server with empty ssm-incidents state, for clients that need an endpoint URL.

    Point any SDK or the AWS CLI at ``server.url`` with dummy credentials. The account and strictness
    of ``ssm_incidents_settings`` apply while the test runs; state is cleared before and after it.
    """
    from ssm_incidents_mock.config import settings
    from ssm_incidents_mock.core import control
    from ssm_incidents_mock.server import reset_state

    _use_account(ssm_incidents_settings, monkeypatch)
    held = [
        (switch, switch.push(value))
        for switch, value in (
            (settings.strict, ssm_incidents_settings.strict),
            (settings.phases, ssm_incidents_settings.replication_phases),
        )
        if value is not None
    ]
    reset_state()
    control.reset()
    if ssm_incidents_settings.clock is not None:
        from ssm_incidents_mock.core import clock

        _set_clock(clock, ssm_incidents_settings.clock)
    try:
        yield ssm_incidents_server_session
    finally:
        reset_state()
        control.reset()
        for switch, token in held:
            switch.pop(token)
