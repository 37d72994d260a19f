"""Section 1: each call's cost as a ratio of its floor, under ``mock_ssm_incidents`` and moto's ``mock_aws``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from moto import mock_aws

from benchmarks.calls import CALLS, State, call_set, floor_calls
from benchmarks.common import capture, client, floor_client, interleaved
from ssm_incidents_mock import mock_ssm_incidents, register
from ssm_incidents_mock.core.context import DEFAULT_ACCOUNT_ID

ACTIVATIONS: dict[str, Callable[[], AbstractContextManager[Any]]] = {
    "mock_ssm_incidents": mock_ssm_incidents,
    "mock_aws": mock_aws,
}


def run(rounds: int, n: int) -> dict[str, Any]:
    register()  # what importing the package's pytest plugin or mock does: mock_aws alone then serves ssm-incidents
    out: dict[str, Any] = {}
    for label, activate in ACTIVATIONS.items():
        with activate():
            state = State(DEFAULT_ACCOUNT_ID, incidents=60, target_events=3)
            real_client = client()
            real = call_set(real_client, state)
            floor = floor_calls(real_client, state)
            out[label] = {name: interleaved(real[name], floor[name], rounds, n) for name in CALLS}
            if label == "mock_ssm_incidents":  # A/A: the floor against a second floor client, the noise band
                other = floor_calls(real_client, state, ("GetIncidentRecord",))["GetIncidentRecord"]
                out["floor_aa"] = interleaved(floor["GetIncidentRecord"], other, rounds, n)
    out["moto_scheduler_GetSchedule"] = moto_reference(rounds, n)
    return out


def moto_reference(rounds: int, n: int) -> dict[str, float]:
    """moto's own scheduler GetSchedule against its floor, for context."""
    with mock_aws():
        scheduler = client("scheduler")
        scheduler.create_schedule(
            Name="bench",
            ScheduleExpression="rate(5 minutes)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={
                "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "RoleArn": "arn:aws:iam::123456789012:role/r",
            },
            StartDate=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
        )

        def get(c: Any) -> Callable[[], Any]:
            return lambda: c.get_schedule(Name="bench")

        answer = capture(scheduler, "GetSchedule", get(scheduler))
        return interleaved(get(scheduler), get(floor_client("scheduler", "GetSchedule", answer)), rounds, n)
