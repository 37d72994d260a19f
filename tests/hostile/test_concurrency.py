"""Many threads on shared incidents, in process and through the server: no exception, no lost
update, no deadlock, no torn list page. Every thread records what it did; the final state must
equal the sum of it. All waits are bounded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config

from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support.fuzz import COUNTER, LONG, Deadline
from tests.support.shapes import output_problems

# These tests are about concurrency, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

THREADS = 8
ROUNDS = 30 if LONG else 6
JOIN_SECONDS = 120.0


def make_client(url: str | None) -> Any:
    """A client of its own per thread (boto3 clients should not be shared across threads freely)."""
    config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30, max_pool_connections=THREADS * 2)
    extra: dict[str, Any] = (
        {"endpoint_url": url, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"} if url else {}
    )
    return boto3.session.Session().client("ssm-incidents", region_name="us-east-1", config=config, **extra)


def run_threads(work: Callable[[int], None], threads: int = THREADS) -> list[BaseException]:
    """Run ``work(i)`` in ``threads`` threads started together; return what they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads, timeout=30)

    def body(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # reported by the test
            errors.append(error)

    workers = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    deadline = Deadline(JOIN_SECONDS)
    for worker in workers:
        while worker.is_alive() and deadline:
            worker.join(timeout=0.5)
    stuck = [w.name for w in workers if w.is_alive()]
    assert not stuck, f"threads did not finish within {JOIN_SECONDS}s (deadlock?): {stuck}"
    return errors


def all_pages(c: Any, op: str, key: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    token = None
    for _ in range(1000):
        page = getattr(c, op)(maxResults=5, **params, **({"nextToken": token} if token else {}))
        problems = output_problems("".join(p.title() for p in op.split("_")), page)
        assert not problems, problems
        items += page[key]
        token = page.get("nextToken")
        if not token:
            return items
    raise AssertionError(f"{op} did not finish")


def mixed_workload(url: str | None, suite: str) -> None:
    setup = make_client(url)
    plan = setup.create_response_plan(name="shared", incidentTemplate={"title": "shared", "impact": 3})["arn"]
    shared = [setup.start_incident(responsePlanArn=plan)["incidentRecordArn"] for _ in range(2)]
    base_items = {arn: len(setup.list_related_items(incidentRecordArn=arn)["relatedItems"]) for arn in shared}
    started: dict[int, list[str]] = {}
    events: dict[int, list[tuple[str, str]]] = {}
    own_titles: dict[int, tuple[str, str]] = {}
    clients = [make_client(url) for _ in range(THREADS)]

    def work(index: int) -> None:
        c = clients[index]
        mine: list[str] = []
        made: list[tuple[str, str]] = []
        for round_ in range(ROUNDS):
            target = shared[(index + round_) % 2]
            arn = c.start_incident(responsePlanArn=plan, title=f"t{index}")["incidentRecordArn"]
            mine.append(arn)
            c.update_incident_record(arn=mine[0], title=f"own {index} {round_}")
            c.update_incident_record(arn=target, impact=1 + (index + round_) % 5)
            event = c.create_timeline_event(
                incidentRecordArn=target,
                eventTime=datetime(2024, 1, 1, tzinfo=timezone.utc),
                eventType="Custom Event",
                eventData=f"{index}-{round_}",
            )["eventId"]
            made.append((target, event))
            item = {"type": "OTHER", "value": {"url": f"https://example.com/{index}/{round_}"}}
            c.update_related_items(incidentRecordArn=target, relatedItemsUpdate={"itemToAdd": {"identifier": item}})
            listed = all_pages(c, "list_incident_records", "incidentRecordSummaries")
            arns = [s["arn"] for s in listed]
            assert len(arns) == len(set(arns)), "an incident listed twice in one traversal"
            assert set(mine) <= set(arns), "an incident this thread started is missing from the list"
            COUNTER.add(suite, 5 + max(1, -(-len(listed) // 5)))
        started[index] = mine
        events[index] = made
        own_titles[index] = (mine[0], f"own {index} {ROUNDS - 1}")

    errors = run_threads(work)
    assert not errors, errors[:3]

    check = make_client(url)
    listed = all_pages(check, "list_incident_records", "incidentRecordSummaries")
    assert len(listed) == 2 + THREADS * ROUNDS
    assert {s["arn"] for s in listed} == set(shared) | {a for arns in started.values() for a in arns}
    for arn, title in own_titles.values():  # each thread's last write to its own incident survived
        assert check.get_incident_record(arn=arn)["incidentRecord"]["title"] == title
    for arn in shared:
        timeline = all_pages(check, "list_timeline_events", "eventSummaries", incidentRecordArn=arn)
        ids = [e["eventId"] for e in timeline]
        assert len(ids) == len(set(ids))
        expected = {event for made in events.values() for target, event in made if target == arn}
        assert expected <= set(ids), "a created timeline event was lost"
        items = all_pages(check, "list_related_items", "relatedItems", incidentRecordArn=arn)
        assert len(items) == base_items[arn] + len(expected), "a related item was lost"
        # every UpdateRelatedItems wrote its record-update event (impact updates may change nothing)
        updates = [e for e in timeline if e["eventType"] == "SSM Incident Record Update"]
        assert len(updates) >= len(expected)


def test_mixed_workload_in_process() -> None:
    with mock_ssm_incidents():
        mixed_workload(None, "concurrency in-process")


def test_mixed_workload_through_server(server: ThreadedSSMIncidentsServer) -> None:
    mixed_workload(server.url, "concurrency server")


def test_concurrent_creates_with_one_name_make_exactly_one_plan() -> None:
    with mock_ssm_incidents():
        clients = [make_client(None) for _ in range(THREADS)]
        outcomes: list[str] = []
        lock = threading.Lock()

        def work(index: int) -> None:
            try:
                clients[index].create_response_plan(name="race", incidentTemplate={"title": "t", "impact": 3})
                result = "created"
            except clients[index].exceptions.ConflictException:
                result = "conflict"
            with lock:
                outcomes.append(result)

        assert not run_threads(work)
        assert sorted(outcomes) == ["conflict"] * (THREADS - 1) + ["created"]
        assert len(make_client(None).list_response_plans()["responsePlanSummaries"]) == 1


def test_concurrent_idempotent_starts_make_one_incident() -> None:
    with mock_ssm_incidents():
        c = make_client(None)
        plan = c.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
        clients = [make_client(None) for _ in range(THREADS)]
        arns: list[str] = []
        lock = threading.Lock()

        def work(index: int) -> None:
            arn = clients[index].start_incident(responsePlanArn=plan, clientToken="same-token")["incidentRecordArn"]
            with lock:
                arns.append(arn)

        assert not run_threads(work)
        assert len(set(arns)) == 1 and len(arns) == THREADS
        assert len(c.list_incident_records()["incidentRecordSummaries"]) == 1
