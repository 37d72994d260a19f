"""Stateful fuzzing: random sequences of plan, incident, timeline and related-item operations.

A hypothesis state machine keeps a model of what the sequence did and, after every step, checks
cross-operation invariants against the mock: every listed incident is gettable and matches the
model, deleted things are gone everywhere, and counts (incidents, events, related items) match.
It runs in process and through the HTTP server.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule, run_state_machine_as_test

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support.fuzz import COUNTER, LONG, client, fuzz_settings, reset_backend
from tests.support.shapes import output_problems

# These tests are about stateful fuzzing, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

SETTINGS = fuzz_settings(ci_examples=30, long_examples=60)
SETTINGS = SETTINGS.__class__(SETTINGS, stateful_step_count=40 if LONG else 15)
PLAN_NAMES = ["alpha", "beta", "gamma"]
URLS = [f"https://example.com/runbook/{n}" for n in range(4)]


class IncidentModel:
    def __init__(self, title: str, impact: int, related: int) -> None:
        self.title = title
        self.impact = impact
        self.status = "OPEN"
        self.events: set[str] = set()
        self.deleted_events: set[str] = set()
        self.urls: set[str] = set()
        self.base_related = related  # items the incident started with (none from these plans)


class IncidentsMachine(RuleBasedStateMachine):
    """Model-checked sequences; ``self.c`` is a boto3 client (in process or against the server)."""

    plans = Bundle("plans")
    incidents = Bundle("incidents")

    def __init__(self, c: Any, suite: str) -> None:
        super().__init__()
        self.c = c
        self.suite = suite
        self.plan_arns: dict[str, str] = {}
        self.live: dict[str, IncidentModel] = {}
        self.deleted: set[str] = set()
        self.tokens: dict[str, tuple[tuple[str, int], str]] = {}

    def send(self, op: str, **params: Any) -> Any:
        COUNTER.add(self.suite)
        answer = getattr(self.c, op)(**params)
        operation = "".join(part.title() for part in op.split("_"))
        assert not output_problems(operation, answer), output_problems(operation, answer)
        return answer

    def expect_error(self, code: str, op: str, **params: Any) -> None:
        try:
            self.send(op, **params)
        except ClientError as error:
            assert error.response["Error"]["Code"] == code, error.response
            assert error.response["Error"]["Message"]
            return
        raise AssertionError(f"{op} succeeded although {code} was expected")

    # --- plans ----------------------------------------------------------------------------

    @rule(target=plans, name=st.sampled_from(PLAN_NAMES), impact=st.integers(1, 5))
    def create_plan(self, name: str, impact: int) -> str:
        template = {"title": f"{name} incident", "impact": impact}
        if name in self.plan_arns:
            self.expect_error("ConflictException", "create_response_plan", name=name, incidentTemplate=template)
            return self.plan_arns[name]
        arn = str(self.send("create_response_plan", name=name, incidentTemplate=template)["arn"])
        self.plan_arns[name] = arn
        return arn

    @rule(plan=consumes(plans))
    def delete_plan(self, plan: str) -> None:
        self.send("delete_response_plan", arn=plan)
        self.plan_arns = {n: a for n, a in self.plan_arns.items() if a != plan}
        self.expect_error("ResourceNotFoundException", "get_response_plan", arn=plan)

    # --- incidents ------------------------------------------------------------------------

    @rule(
        target=incidents,
        plan=plans,
        title=st.none() | st.text(min_size=1, max_size=20),
        impact=st.none() | st.integers(1, 5),
    )
    def start_incident(self, plan: str, title: str | None, impact: int | None) -> str:
        params: dict[str, Any] = {"responsePlanArn": plan}
        if title is not None:
            params["title"] = title
        if impact is not None:
            params["impact"] = impact
        if plan not in self.plan_arns.values():
            self.expect_error("ResourceNotFoundException", "start_incident", **params)
            return ""
        arn = str(self.send("start_incident", **params)["incidentRecordArn"])
        template = self.send("get_response_plan", arn=plan)["incidentTemplate"]
        items = self.send("list_related_items", incidentRecordArn=arn)["relatedItems"]
        self.live[arn] = IncidentModel(
            title if title is not None else template["title"], impact or template["impact"], len(items)
        )
        return arn

    @rule(target=incidents, plan=plans, token=st.sampled_from(["tok-a", "tok-b"]), impact=st.integers(1, 2))
    def start_incident_idempotently(self, plan: str, token: str, impact: int) -> str:
        """Same clientToken and input: the first incident again; other input: ConflictException."""
        params = {"responsePlanArn": plan, "impact": impact, "clientToken": token}
        fingerprint = (plan, impact)
        if token in self.tokens:
            first, arn = self.tokens[token]
            if first != fingerprint:
                self.expect_error("ConflictException", "start_incident", **params)
                return ""
            assert self.send("start_incident", **params)["incidentRecordArn"] == arn
            return arn
        if plan not in self.plan_arns.values():
            self.expect_error("ResourceNotFoundException", "start_incident", **params)
            return ""
        arn = str(self.send("start_incident", **params)["incidentRecordArn"])
        template = self.send("get_response_plan", arn=plan)["incidentTemplate"]
        items = self.send("list_related_items", incidentRecordArn=arn)["relatedItems"]
        self.live[arn] = IncidentModel(template["title"], impact, len(items))
        self.tokens[token] = (fingerprint, arn)
        return arn

    @rule(
        incident=incidents,
        title=st.none() | st.text(min_size=1, max_size=20),
        impact=st.none() | st.integers(1, 5),
        status=st.none() | st.sampled_from(["OPEN", "RESOLVED"]),
    )
    def update_incident(self, incident: str, title: str | None, impact: int | None, status: str | None) -> None:
        params = {k: v for k, v in {"title": title, "impact": impact, "status": status}.items() if v is not None}
        if incident not in self.live:
            if incident:
                self.expect_error("ResourceNotFoundException", "update_incident_record", arn=incident, **params)
            return
        self.send("update_incident_record", arn=incident, **params)
        model = self.live[incident]
        model.title = title if title is not None else model.title
        model.impact = impact if impact is not None else model.impact
        model.status = status if status is not None else model.status

    @rule(incident=consumes(incidents))
    def delete_incident(self, incident: str) -> None:
        if not incident:
            return
        self.send("delete_incident_record", arn=incident)  # idempotent
        self.live.pop(incident, None)
        self.deleted.add(incident)

    # --- timeline -------------------------------------------------------------------------

    @rule(incident=incidents, data=st.text(min_size=1, max_size=30))
    def create_event(self, incident: str, data: str) -> None:
        params = {
            "incidentRecordArn": incident,
            "eventTime": datetime(2024, 5, 1, tzinfo=timezone.utc),
            "eventType": "Custom Event",
            "eventData": data,
        }
        if incident not in self.live:
            if incident:
                self.expect_error("ResourceNotFoundException", "create_timeline_event", **params)
            return
        event = str(self.send("create_timeline_event", **params)["eventId"])
        self.live[incident].events.add(event)

    @rule(incident=incidents, pick=st.integers(0, 50))
    def delete_event(self, incident: str, pick: int) -> None:
        model = self.live.get(incident)
        if model is None or not model.events:
            return
        event = sorted(model.events)[pick % len(model.events)]
        self.send("delete_timeline_event", incidentRecordArn=incident, eventId=event)
        model.events.discard(event)
        model.deleted_events.add(event)
        self.expect_error("ResourceNotFoundException", "get_timeline_event", incidentRecordArn=incident, eventId=event)

    # --- related items --------------------------------------------------------------------

    @rule(incident=incidents, url=st.sampled_from(URLS), add=st.booleans())
    def update_related_items(self, incident: str, url: str, add: bool) -> None:
        identifier = {"type": "OTHER", "value": {"url": url}}
        update = {"itemToAdd": {"identifier": identifier, "title": "runbook"}} if add else {"itemToRemove": identifier}
        model = self.live.get(incident)
        if model is None:
            if incident:
                self.expect_error(
                    "ResourceNotFoundException",
                    "update_related_items",
                    incidentRecordArn=incident,
                    relatedItemsUpdate=update,
                )
            return
        if add and url in model.urls:
            self.expect_error(
                "ConflictException", "update_related_items", incidentRecordArn=incident, relatedItemsUpdate=update
            )
        elif not add and url not in model.urls:
            self.expect_error(
                "ResourceNotFoundException",
                "update_related_items",
                incidentRecordArn=incident,
                relatedItemsUpdate=update,
            )
        else:
            self.send("update_related_items", incidentRecordArn=incident, relatedItemsUpdate=update)
            (model.urls.add if add else model.urls.discard)(url)

    # --- invariants -----------------------------------------------------------------------

    def pages(self, op: str, key: str, **params: Any) -> list[Any]:
        """Every item of a list operation, two per page (exercises the tokens)."""
        items: list[Any] = []
        token: str | None = None
        for _ in range(500):
            page = self.send(op, maxResults=2, **params, **({"nextToken": token} if token else {}))
            items += page[key]
            token = page.get("nextToken")
            if not token:
                return items
        raise AssertionError(f"{op} did not finish paginating")

    @invariant()
    def listed_incidents_are_the_live_ones_and_gettable(self) -> None:
        listed = self.pages("list_incident_records", "incidentRecordSummaries")
        arns = [s["arn"] for s in listed]
        assert len(arns) == len(set(arns)), "an incident listed twice"
        assert set(arns) == set(self.live), set(arns) ^ set(self.live)
        for summary in listed:
            record = self.send("get_incident_record", arn=summary["arn"])["incidentRecord"]
            model = self.live[summary["arn"]]
            assert (record["title"], record["impact"], record["status"]) == (model.title, model.impact, model.status)
            assert (summary["title"], summary["impact"], summary["status"]) == (model.title, model.impact, model.status)

    @invariant()
    def timelines_and_related_items_match(self) -> None:
        for arn, model in self.live.items():
            events = self.pages("list_timeline_events", "eventSummaries", incidentRecordArn=arn)
            ids = {e["eventId"] for e in events}
            assert len(ids) == len(events), "an event listed twice"
            assert model.events <= ids, model.events - ids
            assert not (model.deleted_events & ids)
            custom = [e for e in events if e["eventType"] == "Custom Event" and e["eventId"] in model.events]
            assert len(custom) == len(model.events)
            items = self.pages("list_related_items", "relatedItems", incidentRecordArn=arn)
            urls = {i["identifier"]["value"].get("url") for i in items} - {None}
            assert len(items) == model.base_related + len(model.urls)
            assert set(model.urls) <= urls

    @invariant()
    def deleted_incidents_are_gone_everywhere(self) -> None:
        for arn in self.deleted:
            self.expect_error("ResourceNotFoundException", "get_incident_record", arn=arn)
            assert self.send("list_related_items", incidentRecordArn=arn)["relatedItems"] == []


def test_state_machine_in_process(mocked_ssm_incidents: Any) -> None:
    c = client()

    def machine() -> IncidentsMachine:
        reset_backend()
        return IncidentsMachine(c, "stateful in-process")

    run_state_machine_as_test(machine, settings=SETTINGS)  # type: ignore[arg-type]  # a factory is accepted


def test_state_machine_through_server(server: ThreadedSSMIncidentsServer) -> None:
    """The conftest ``server`` clears the backends it leaves behind: the last machine's state used to reach later tests."""
    c = client(server.url, connect_timeout=5, read_timeout=30)

    def machine() -> IncidentsMachine:
        reset_backend()
        return IncidentsMachine(c, "stateful server")

    run_state_machine_as_test(machine, settings=SETTINGS)  # type: ignore[arg-type]  # a factory is accepted
