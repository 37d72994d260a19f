"""Fixtures of the test-bench tests: clients that do not retry, and botocore's retry sleeps made instant."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.config import Config

from tests.support import TEMPLATE

NO_RETRIES = Config(retries={"total_max_attempts": 1})


def make_client(service: str, region: str = "us-east-1", **retries: Any) -> Any:
    """A boto3 client under the active mock; without ``retries`` it makes one attempt per call."""
    config = Config(retries=retries) if retries else NO_RETRIES
    return boto3.client(service, region_name=region, config=config)


@pytest.fixture
def incidents(ssm_incidents_onboarded: Any) -> Any:
    """An onboarded ssm-incidents client that makes one attempt per call."""
    return make_client("ssm-incidents")


@pytest.fixture
def contacts(ssm_incidents_onboarded: Any) -> Any:
    """An ssm-contacts client of the onboarded account that makes one attempt per call."""
    return make_client("ssm-contacts")


@pytest.fixture
def plan_arn(incidents: Any) -> str:
    return str(incidents.create_response_plan(name="web", incidentTemplate=TEMPLATE)["arn"])


class FakeClock:
    """botocore's retry clock, moved forward by every read so that no token bucket ever waits."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def current_time(self) -> float:
        self.now += 60.0
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays botocore's retry handler asked for, none of them slept."""
    delays: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=delays.append, time=lambda: 0.0))
    clock = FakeClock()
    import botocore.retries.bucket as bucket

    monkeypatch.setattr(bucket.Clock, "current_time", lambda self: clock.current_time())
    monkeypatch.setattr(bucket.Clock, "sleep", lambda self, seconds: clock.sleep(seconds))
    return delays
