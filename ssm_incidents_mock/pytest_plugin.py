"""pytest fixtures, registered through the ``pytest11`` entry point (no conftest needed).

- ``ssm_incidents_mock``: an active :class:`~ssm_incidents_mock.SSMIncidentsMock` for the test.
- ``ssm_incidents``: a boto3 ``ssm-incidents`` client (us-east-1) under that mock.
- ``ssm_incidents_onboarded``: that client, after a replication set holding us-east-1 was created.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .mock import SSMIncidentsMock


@pytest.fixture
def ssm_incidents_mock() -> Iterator[SSMIncidentsMock]:
    with SSMIncidentsMock() as mock:
        yield mock


@pytest.fixture
def ssm_incidents(ssm_incidents_mock: SSMIncidentsMock) -> Any:
    import boto3

    return boto3.client("ssm-incidents", region_name="us-east-1")


@pytest.fixture
def ssm_incidents_onboarded(ssm_incidents: Any) -> Any:
    """The ``ssm_incidents`` client of an onboarded account (replication set in us-east-1)."""
    ssm_incidents.create_replication_set(regions={"us-east-1": {}})
    return ssm_incidents
