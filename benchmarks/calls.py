"""The benchmarked calls and the state they run against.

State is built by calling the backend directly (fast, no HTTP); calls are measured through boto3.
Each account is a separate backend, so one process can hold an empty and a populated state side
by side: a client is pinned to an account with moto's ``x-moto-account-id`` header.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from botocore.client import BaseClient

from benchmarks.common import REGION, TEMPLATE, capture, client, floor_client
from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_incidents.models import SSMIncidentsBackend, ssmincidents_backends

CALLS = ("GetIncidentRecord", "StartIncident", "UpdateIncidentRecord", "ListIncidentRecords", "CreateTimelineEvent")
EVENT_TIME = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def pin(c: BaseClient, account_id: str) -> BaseClient:
    """Make the mock serve ``c``'s requests from ``account_id``'s backend."""

    def add_header(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = account_id

    c.meta.events.register("before-sign.ssm-incidents", add_header)
    return c


def pinned_client(account_id: str) -> BaseClient:
    return pin(client(), account_id)


class State:
    """One account's Incident Manager state: a plan, a target incident with timeline events, and more incidents."""

    def __init__(self, account_id: str, incidents: int, target_events: int = 100) -> None:
        self.account_id = account_id
        self.ctx = RequestContext(account_id, REGION, "testing")
        self.backend: SSMIncidentsBackend = ssmincidents_backends[account_id]["aws"]
        with self.backend.lock:
            if self.backend.replication_set is None:  # onboarding first, as on AWS
                self.backend.create_replication_set(self.ctx, regions={REGION: {}})
            self.plan = self.backend.create_response_plan(self.ctx, name="bench-plan", incident_template=dict(TEMPLATE))
            self.populate(max(incidents, 60))
            self.target = self.backend.start_incident(self.ctx, self.plan)
            for i in range(target_events):
                self.add_event(self.target, f"note {i}")

    def populate(self, count: int) -> None:
        """``count`` incidents of mixed impact; every other one resolved."""
        backend, ctx, plan = self.backend, self.ctx, self.plan
        for i in range(count):
            arn = backend.start_incident(ctx, plan, impact=1 + i % 5)
            if i % 2:
                backend.update_incident_record(ctx, arn, status="RESOLVED")

    def add_event(self, arn: str, data: str) -> None:
        self.backend.create_timeline_event(self.ctx, arn, EVENT_TIME.timestamp(), "Custom Event", data)


def call_set(c: BaseClient, state: State) -> dict[str, Callable[[], Any]]:
    """Each benchmarked operation as a no-argument call on client ``c``."""
    titles = itertools.cycle(("Payment API errors", "Payment API errors (mitigated)"))
    return {
        "GetIncidentRecord": lambda: c.get_incident_record(arn=state.target),
        "StartIncident": lambda: c.start_incident(responsePlanArn=state.plan),
        "UpdateIncidentRecord": lambda: c.update_incident_record(arn=state.target, title=next(titles)),
        "ListIncidentRecords": lambda: c.list_incident_records(maxResults=50),
        "CreateTimelineEvent": lambda: c.create_timeline_event(
            incidentRecordArn=state.target,
            eventTime=EVENT_TIME,
            eventType="Custom Event",
            eventData="checked dashboards",
        ),
    }


def floor_calls(real: BaseClient, state: State, names: tuple[str, ...] = CALLS) -> dict[str, Callable[[], Any]]:
    """The same calls on floor clients answering with the bytes the mock really returns."""
    out = {}
    for name in names:
        answer = capture(real, name, call_set(real, state)[name])
        out[name] = call_set(floor_client("ssm-incidents", name, answer), state)[name]
    return out
