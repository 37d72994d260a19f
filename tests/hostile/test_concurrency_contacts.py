"""Many threads on one ssm-contacts account in process: no exception, no lost write, no deadlock, no
torn list page. Every thread records what it did; the final state must equal the sum of it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ssm_incidents_mock import mock_incident_manager
from ssm_incidents_mock.ssm_contacts.models import ssmcontacts_backends
from tests.hostile.test_concurrency import THREADS, run_threads
from tests.support.contacts import seed_through
from tests.support.fuzz import ACCOUNT, COUNTER, LONG, REGION
from tests.support.shapes import output_problems

ROUNDS = 30 if LONG else 6
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
WEEK = {"StartTime": START, "EndTime": START + timedelta(days=7)}


def make_client() -> Any:
    """A client of its own per thread."""
    config = Config(retries={"max_attempts": 1}, max_pool_connections=THREADS * 2)
    return boto3.session.Session().client("ssm-contacts", region_name=REGION, config=config)


@pytest.fixture
def onboarded() -> Iterator[Any]:
    with mock_incident_manager():
        boto3.client("ssm-incidents", region_name=REGION).create_replication_set(regions={REGION: {}})
        yield make_client()


def all_contacts(c: Any) -> list[str]:
    """One paginated traversal of ListContacts, two per page, checking each page's shape."""
    arns: list[str] = []
    token = None
    for _ in range(10_000):
        page = c.list_contacts(MaxResults=2, **({"NextToken": token} if token else {}))
        assert not output_problems("ListContacts", page, service="ssm-contacts")
        arns += [contact["ContactArn"] for contact in page["Contacts"]]
        token = page.get("NextToken")
        if not token:
            return arns
    raise AssertionError("ListContacts did not finish")


def test_mixed_workload(onboarded: Any) -> None:
    owner, _, rotation = seed_through(onboarded, "owner", START)
    backend = ssmcontacts_backends[ACCOUNT][REGION]
    clients = [make_client() for _ in range(THREADS)]
    created: dict[int, list[str]] = {}
    engaged: dict[int, list[str]] = {}
    overridden: dict[int, list[str]] = {}

    def work(index: int) -> None:
        c = clients[index]
        mine: list[str] = []
        engagements: list[str] = []
        overrides: list[str] = []
        for round_ in range(ROUNDS):
            mine.append(
                c.create_contact(Alias=f"t{index}-{round_}", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
            )
            engagement = c.start_engagement(ContactId=owner, Sender="load", Subject=f"{index}", Content=f"{round_}")
            engagements.append(engagement["EngagementArn"])
            page = c.list_pages_by_engagement(EngagementId=engagement["EngagementArn"])["Pages"][0]["PageArn"]
            c.accept_page(PageId=page, AcceptType="READ", AcceptCode=backend.accept_code(page))
            begins = START + timedelta(hours=index * ROUNDS + round_)
            override = c.create_rotation_override(
                RotationId=rotation, NewContactIds=[mine[0]], StartTime=begins, EndTime=begins + timedelta(minutes=30)
            )
            overrides.append(override["RotationOverrideId"])
            shifts = c.list_rotation_shifts(RotationId=rotation, **WEEK)["RotationShifts"]
            assert not output_problems("ListRotationShifts", {"RotationShifts": shifts}, service="ssm-contacts")
            listed = all_contacts(c)
            assert len(listed) == len(set(listed)), "a contact listed twice in one traversal"
            assert set(mine) <= set(listed), "a contact this thread created is missing from the list"
            COUNTER.add("contacts concurrency", 6 + -(-len(listed) // 2))
        created[index], engaged[index], overridden[index] = mine, engagements, overrides

    errors = run_threads(work)
    assert not errors, errors[:3]

    check = make_client()
    assert sorted(all_contacts(check)) == sorted([owner, *(arn for arns in created.values() for arn in arns)])
    engagements = check.list_engagements(MaxResults=1024)["Engagements"]
    assert {e["EngagementArn"] for e in engagements} == {arn for arns in engaged.values() for arn in arns}
    for arns in engaged.values():  # every page was acknowledged: each engagement's one page has its READ receipt
        for arn in arns:
            page = check.list_pages_by_engagement(EngagementId=arn)["Pages"]
            assert len(page) == 1 and page[0].get("ReadTime"), (arn, page)
    overrides = check.list_rotation_overrides(RotationId=rotation, MaxResults=1024, **WEEK)["RotationOverrides"]
    assert sorted(o["RotationOverrideId"] for o in overrides) == sorted(i for ids in overridden.values() for i in ids)
    shifts = check.list_rotation_shifts(RotationId=rotation, MaxResults=1024, **WEEK)["RotationShifts"]
    assert len([s for s in shifts if s["Type"] == "OVERRIDDEN"]) == THREADS * ROUNDS


def test_concurrent_creates_with_one_alias_make_exactly_one_contact(onboarded: Any) -> None:
    clients = [make_client() for _ in range(THREADS)]
    answers: dict[int, str] = {}

    def work(index: int) -> None:
        try:
            answers[index] = clients[index].create_contact(Alias="race", Type="PERSONAL", Plan={"Stages": []})[
                "ContactArn"
            ]
        except ClientError as error:
            answers[index] = error.response["Error"]["Code"]

    assert not run_threads(work)
    codes = sorted(answer if not answer.startswith("arn:") else "created" for answer in answers.values())
    assert codes == ["ConflictException"] * (THREADS - 1) + ["created"]
    assert [c["ContactArn"] for c in onboarded.list_contacts()["Contacts"]] == [
        answer for answer in answers.values() if answer.startswith("arn:")
    ]
