"""``mock_ssm_incidents``: decorator, context manager, start/stop switch and state inspector.

It is moto's own ``mock_aws`` underneath (one nesting count, one reset, one set of fake
credentials), so it nests with ``mock_aws`` in either order without losing data, and every
other AWS service is served by moto at the same time.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from datetime import datetime
from types import ModuleType
from typing import Any, TypeVar, overload

from moto import mock_aws
from moto.core.base_backend import BackendDict
from moto.utilities.arns import parse_arn

from . import seam
from .config import settings
from .core import clock, control
from .core.calls import CALLS, Calls
from .core.context import DEFAULT_ACCOUNT_ID
from .core.faults import FAULTS, Faults
from .core.wire.http import Request, split_url
from .core.wire.validate import EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, parse_timestamp
from .ssm_incidents.models import SSMIncidentsBackend, ssmincidents_backends
from .ssm_incidents.records import AutomationExecution, Engagement, IncidentRecord, Notification
from .ssm_incidents.responses import dispatch
from .ssm_incidents.urls import url_bases

F = TypeVar("F", bound=Callable[..., Any])
URL_PATTERN = re.compile(url_bases[0])


def register() -> None:
    """Make moto serve ssm-incidents and ssm-contacts through this package (``mock_aws`` too).

    Idempotent and thread-safe.
    """
    from .ssm_contacts import models as contacts_models
    from .ssm_contacts import responses as contacts
    from .ssm_contacts.urls import url_bases as contacts_bases
    from .ssm_incidents import models, triggers

    seam.install(seam.Served("ssmincidents", "before-send.ssm-incidents.", URL_PATTERN, dispatch, _request), models)
    contacts_pattern = re.compile(contacts_bases[0])
    served = seam.Served("ssmcontacts", "before-send.ssm-contacts.", contacts_pattern, contacts.dispatch, _request)
    seam.install(served, contacts_models)
    triggers.install()
    seam.on_moto_reset(control.reset)  # no fault rule or recorded call outlives moto's state


def speed_up_mock_aws(enabled: bool = True) -> None:
    """Give plain ``mock_aws`` the fresh default boto3 session this package's mocks give: new credentials
    and config for each mock, built around botocore's data already parsed (a ``boto3.client()`` costs a
    few milliseconds instead of ~100). ``False`` restores moto's own session building."""
    register()
    seam.fast_sessions(0, everywhere=enabled)


def _request(method: str, url: str, headers: Any, body: bytes | str | None) -> Request:
    _, path, query = split_url(url)
    return Request(method, path, query, headers, body)


class SSMIncidentsMock:
    """An activatable mock of ssm-incidents (and, through moto, of every other AWS service).

    As on AWS, operations need a replication set covering the calling region first (strict, the
    default); ``strict=False`` (lenient) serves an account without one as if its set held that region.
    The replication set is ACTIVE on its first read; ``replication_phases=True`` shows it CREATING,
    UPDATING or DELETING for one GetReplicationSet after each change, as moto's slow resources are.
    ``None`` leaves either to the environment (``SSM_INCIDENTS_MOCK_STRICT``,
    ``SSM_INCIDENTS_MOCK_REPLICATION_PHASES``).
    """

    def __init__(
        self,
        strict: bool | None = None,
        config: dict[str, Any] | None = None,
        replication_phases: bool | None = None,
    ) -> None:
        register()
        self.strict = strict
        self.replication_phases = replication_phases
        self._aws = mock_aws(config=config)  # type: ignore[arg-type]
        # one (strictness, phases) pair of override tokens per start() not yet stopped
        self._tokens: list[tuple[int | None, int | None]] = []

    # --- switching ------------------------------------------------------------------------

    def start(self, reset: bool = True) -> None:
        seam.heal_nesting()
        seam.fast_sessions(+1)
        try:
            self._aws.start(reset=reset)
        except BaseException:
            seam.fast_sessions(-1)
            raise
        strict = settings.strict.push(self.strict) if self.strict is not None else None
        phases = self.replication_phases
        self._tokens.append((strict, settings.phases.push(phases) if phases is not None else None))

    def stop(self, remove_data: bool = True) -> None:
        """Undo one ``start()``. A stop without a start raises and leaves every other mock as it was."""
        if not self._tokens:
            raise RuntimeError("Called stop() before start(): this mock is not active.")
        strict, phases = self._tokens.pop()
        if strict is not None:
            settings.strict.pop(strict)
        if phases is not None:
            settings.phases.pop(phases)
        seam.fast_sessions(-1)
        self._aws.stop(remove_data=remove_data)

    def __enter__(self) -> SSMIncidentsMock:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __call__(self, func: F, reset: bool = True, remove_data: bool = True) -> F:
        if inspect.isclass(func):
            # moto's class decoration (unittest setUp handling included) calls back into
            # ``self(method, reset=..., remove_data=...)`` for every test method.
            return seam.decorate_class(self, func)  # type: ignore[return-value]
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                self.start(reset=reset)
                try:
                    return await func(*args, **kwargs)
                finally:
                    self.stop(remove_data=remove_data)

            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.start(reset=reset)
            try:
                return func(*args, **kwargs)
            finally:
                self.stop(remove_data=remove_data)

        return wrapper  # type: ignore[return-value]

    # --- inspecting -----------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return seam.mock_active()

    @property
    def faults(self) -> Faults:
        """The fault rules (``faults.add(operation=..., error=...)``), emptied when the mock starts and stops."""
        return FAULTS

    @property
    def calls(self) -> Calls:
        """Every request the mock answered, oldest first (``calls.assert_called_once("StartIncident", impact=1)``)."""
        return CALLS

    @property
    def clock(self) -> ModuleType:
        """The mock's clock (``now()``, ``advance(seconds)``, ``set_time(epoch)``, ``reset()``), back at the
        time of day when a mock starts and stops; every backend reads it, so moving it moves escalation."""
        return clock

    def backend(self, account_id: str = DEFAULT_ACCOUNT_ID, partition: str = "aws") -> SSMIncidentsBackend:
        """The backend holding ``account_id``'s Incident Manager state."""
        return ssmincidents_backends[account_id][partition]

    def incident_records(self, account_id: str = DEFAULT_ACCOUNT_ID, partition: str = "aws") -> list[IncidentRecord]:
        """The account's incident records, oldest first: a read-only view for assertions."""
        return sorted(self.backend(account_id, partition).incidents.by_arn.values(), key=lambda r: r.seq)

    def automation_executions(
        self, account_id: str = DEFAULT_ACCOUNT_ID, partition: str = "aws"
    ) -> list[AutomationExecution]:
        """The runbook executions the account's incidents started, oldest first (each with the account and
        region it runs in, the document version that ran and its resolved ``parameters``)."""
        return sorted(self.backend(account_id, partition).automation_executions.values(), key=lambda e: e.start_time)

    def notifications(self, account_id: str = DEFAULT_ACCOUNT_ID, partition: str = "aws") -> list[Notification]:
        """The SNS messages the account's incidents published (or failed to publish), oldest first: the last
        10,000 (``logs.EFFECT_LOG_SIZE``) of incidents not deleted."""
        backend = self.backend(account_id, partition)
        with backend.lock:
            return list(backend.notifications)

    def engagements(self, account_id: str = DEFAULT_ACCOUNT_ID, partition: str = "aws") -> list[Engagement]:
        """The engagements the account's response plans started, oldest first: the last 10,000 of incidents
        not deleted."""
        backend = self.backend(account_id, partition)
        with backend.lock:
            return list(backend.engagements)

    def contacts_backend(self, account_id: str = DEFAULT_ACCOUNT_ID, region: str = "us-east-1") -> Any:
        """The backend holding ``account_id``'s ssm-contacts state in ``region`` (activation and accept
        codes: ``activation_code(channel_arn)``, ``accept_code(page_arn)``)."""
        from .ssm_contacts.models import ssmcontacts_backends

        return ssmcontacts_backends[account_id][region]

    def reset(self) -> None:
        """Drop all state of every mocked service, as moto's reset does."""
        BackendDict.reset()

    def add_finding(
        self,
        incident_arn: str,
        *,
        cloudformation_stack_arn: str | None = None,
        codedeploy_deployment_group_arn: str | None = None,
        deployment_id: str | None = None,
        start_time: float | datetime | None = None,
        end_time: float | datetime | None = None,
        creation_time: float | datetime | None = None,
        account_id: str | None = None,
    ) -> str:
        """Seed a finding on an incident record, as Incident Manager would record one; return its id.

        Give ``cloudformation_stack_arn`` (a stack update) or ``codedeploy_deployment_group_arn``
        plus ``deployment_id`` (a deployment). ``start_time`` defaults to now; ``end_time`` is
        omitted unless given (still running). The account defaults to the one in ``incident_arn``.
        Times are epoch seconds or datetimes within the range the API accepts (1970 to 9999; not NaN).
        Raises ``ValueError`` for an unknown incident or bad arguments, and stores nothing then.
        """
        arn = parse_arn(incident_arn)
        backend = self.backend(account_id or arn.account or DEFAULT_ACCOUNT_ID, incident_arn.split(":")[1])
        if (cloudformation_stack_arn is None) == (codedeploy_deployment_group_arn is None):
            raise ValueError("Give exactly one of cloudformation_stack_arn and codedeploy_deployment_group_arn.")
        now = clock.now()
        start = now if start_time is None else _epoch("start_time", start_time)
        end = None if end_time is None else _epoch("end_time", end_time)
        created = now if creation_time is None else _epoch("creation_time", creation_time)
        if cloudformation_stack_arn is not None:
            if deployment_id is not None:
                raise ValueError("deployment_id belongs to a CodeDeploy finding.")
            details: dict[str, Any] = {"cloudFormationStackUpdate": {"stackArn": cloudformation_stack_arn}}
        else:
            if not deployment_id:
                raise ValueError("A CodeDeploy finding needs deployment_id.")
            details = {
                "codeDeployDeployment": {
                    "deploymentGroupArn": codedeploy_deployment_group_arn,
                    "deploymentId": deployment_id,
                }
            }
        body = next(iter(details.values()))
        body["startTime"] = start
        if end is not None:
            body["endTime"] = end
        with backend.lock:
            return backend.add_finding(incident_arn, details, created)


def _epoch(name: str, value: float | datetime) -> float:
    """Epoch seconds of a time the API could have been given (the core's timestamp check), else ValueError."""
    seconds = value.timestamp() if isinstance(value, datetime) else parse_timestamp(value)
    if seconds is None or not EARLIEST_TIMESTAMP <= round(seconds, 3) <= LATEST_TIMESTAMP:
        raise ValueError(
            f"{name} must be a time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z "
            f"(epoch seconds or a datetime), not {value!r}."
        )
    return seconds


@overload
def mock_ssm_incidents(func: F) -> F: ...


@overload
def mock_ssm_incidents(
    func: None = None,
    *,
    strict: bool | None = None,
    config: dict[str, Any] | None = None,
    replication_phases: bool | None = None,
) -> SSMIncidentsMock: ...


def mock_ssm_incidents(
    func: Any = None,
    *,
    strict: bool | None = None,
    config: dict[str, Any] | None = None,
    replication_phases: bool | None = None,
) -> Any:
    """Mock ssm-incidents: ``@mock_ssm_incidents``, ``@mock_ssm_incidents()``, ``with ...:``
    (options: see :class:`SSMIncidentsMock`)."""
    mock = SSMIncidentsMock(strict=strict, config=config, replication_phases=replication_phases)
    return mock(func) if func is not None else mock


mock_incident_manager = mock_ssm_incidents
"""Both halves of Incident Manager, ssm-incidents and ssm-contacts (one mock serves both): the same as
``mock_ssm_incidents``, named for what it covers."""
