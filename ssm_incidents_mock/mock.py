"""``mock_ssm_incidents``: decorator, context manager, start/stop switch and state inspector.

It is moto's own ``mock_aws`` underneath (one nesting count, one reset, one set of fake
credentials), so it nests with ``mock_aws`` in either order without losing data, and every
other AWS service is served by moto at the same time.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, overload

from moto import mock_aws
from moto.core.models import MockAWS

from .config import settings
from .context import DEFAULT_ACCOUNT_ID
from .incidents import IncidentRecord
from .integration import register
from .models import SSMIncidentsBackend, ssmincidents_backends

F = TypeVar("F", bound=Callable[..., Any])


class SSMIncidentsMock:
    """An activatable mock of ssm-incidents (and, through moto, of every other AWS service).

    ``strict=True`` requires a replication set before other operations work, as on AWS; the
    default serves an account without one as if its set held the calling region.
    """

    def __init__(self, strict: bool | None = None, config: dict[str, Any] | None = None) -> None:
        register()
        self.strict = strict
        self._aws = mock_aws(config=config)  # type: ignore[arg-type]
        self._saved_strict: list[bool | None] = []

    # --- switching ------------------------------------------------------------------------

    def start(self, reset: bool = True) -> None:
        self._saved_strict.append(settings.strict_override)
        if self.strict is not None:
            settings.strict_override = self.strict
        self._aws.start(reset=reset)

    def stop(self, remove_data: bool = True) -> None:
        self._aws.stop(remove_data=remove_data)
        if self._saved_strict:
            settings.strict_override = self._saved_strict.pop()

    def __enter__(self) -> SSMIncidentsMock:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __call__(self, func: F, reset: bool = True, remove_data: bool = True) -> F:
        if inspect.isclass(func):
            # moto's class decoration (unittest setUp handling included) calls back into
            # ``self(method, reset=..., remove_data=...)`` for every test method.
            return MockAWS._decorate_class(self, func)  # type: ignore[arg-type,return-value]
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
        return MockAWS._nested_count > 0

    def backend(self, account_id: str = DEFAULT_ACCOUNT_ID, partition: str = "aws") -> SSMIncidentsBackend:
        """The backend holding ``account_id``'s Incident Manager state."""
        return ssmincidents_backends[account_id][partition]

    def incident_records(self, account_id: str = DEFAULT_ACCOUNT_ID, partition: str = "aws") -> list[IncidentRecord]:
        """The account's incident records, oldest first: a read-only view for assertions."""
        return sorted(self.backend(account_id, partition).incidents.by_arn.values(), key=lambda r: r.seq)

    def reset(self) -> None:
        """Drop all state of every mocked service, as moto's reset does."""
        from moto.core.base_backend import BackendDict

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
        See :func:`ssm_incidents_mock.findings.add_finding`.
        """
        from .findings import add_finding

        parts = incident_arn.split(":")
        partition = parts[1] if len(parts) > 4 else "aws"
        account = account_id or (parts[4] if len(parts) > 4 and parts[4] else DEFAULT_ACCOUNT_ID)
        return add_finding(
            self.backend(account, partition),
            incident_arn,
            cloudformation_stack_arn=cloudformation_stack_arn,
            codedeploy_deployment_group_arn=codedeploy_deployment_group_arn,
            deployment_id=deployment_id,
            start_time=start_time,
            end_time=end_time,
            creation_time=creation_time,
        )


@overload
def mock_ssm_incidents(func: F) -> F: ...


@overload
def mock_ssm_incidents(
    func: None = None, *, strict: bool | None = None, config: dict[str, Any] | None = None
) -> SSMIncidentsMock: ...


def mock_ssm_incidents(func: Any = None, *, strict: bool | None = None, config: dict[str, Any] | None = None) -> Any:
    """Mock ssm-incidents: ``@mock_ssm_incidents``, ``@mock_ssm_incidents()``, ``with ...:``."""
    mock = SSMIncidentsMock(strict=strict, config=config)
    return mock(func) if func is not None else mock
