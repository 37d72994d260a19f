"""Many threads on one ssm-contacts account in process: no exception, no lost write, no deadlock, no
torn list page. Every thread records what it did; the final state must equal the sum of it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

import boto3
import pytest
import requests
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

from ssm_incidents_mock import mock_incident_manager
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from ssm_incidents_mock.server.app import CONTROL_HEADER
from ssm_incidents_mock.ssm_contacts.models import ssmcontacts_backends
from tests.hostile.test_concurrency import THREADS, run_threads
from tests.support.contacts import channel_target, contact_target, daily, seed_through, stage
from tests.support.fuzz import ACCOUNT, COUNTER, LONG, REGION
from tests.support.shapes import output_problems

ROUNDS = 30 if LONG else 6
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
WEEK = {"StartTime": START, "EndTime": START + timedelta(days=7)}


def make_client(url: str | None = None, service: Literal["ssm-contacts", "ssm-incidents"] = "ssm-contacts") -> Any:
    """A client of its own per thread, in process or of the server at ``url``."""
    config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30, max_pool_connections=THREADS * 2)
    extra: dict[str, Any] = (
        {"endpoint_url": url, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"} if url else {}
    )
    return boto3.session.Session().client(service, region_name=REGION, config=config, **extra)


@pytest.fixture
def onboarded() -> Iterator[Any]:
    with mock_incident_manager():
        boto3.client("ssm-incidents", region_name=REGION).create_replication_set(regions={REGION: {}})
        yield make_client()


def traverse(c: Any, operation: str, key: str, field: str, size: int = 2, **params: Any) -> list[str]:
    """One paginated traversal of ``operation`` with ``size`` items per page, checking each page's shape:
    the ``field`` of every item of every page's ``key``."""
    values: list[str] = []
    token = None
    call = getattr(c, xform_name(operation))
    for _ in range(10_000):
        page = call(MaxResults=size, **params, **({"NextToken": token} if token else {}))
        problems = output_problems(operation, page, service="ssm-contacts")
        assert not problems, problems
        values += [item[field] for item in page[key]]
        token = page.get("NextToken")
        if not token:
            return values
    raise AssertionError(f"{operation} did not finish")


def all_contacts(c: Any, size: int = 2) -> list[str]:
    return traverse(c, "ListContacts", "Contacts", "ContactArn", size)


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


def one_alias_race(clients: list[Any], listing: Any) -> None:
    """Every client creates the alias ``race`` at once: exactly one contact, the others ConflictException."""
    answers: dict[int, str] = {}

    def work(index: int) -> None:
        try:
            answers[index] = clients[index].create_contact(Alias="race", Type="PERSONAL", Plan={"Stages": []})[
                "ContactArn"
            ]
        except ClientError as error:
            answers[index] = error.response["Error"]["Code"]

    assert not run_threads(work, len(clients))
    codes = sorted(answer if not answer.startswith("arn:") else "created" for answer in answers.values())
    assert codes == ["ConflictException"] * (len(clients) - 1) + ["created"]
    assert [c["ContactArn"] for c in listing.list_contacts()["Contacts"]] == [
        answer for answer in answers.values() if answer.startswith("arn:")
    ]


def test_concurrent_creates_with_one_alias_make_exactly_one_contact(onboarded: Any) -> None:
    one_alias_race([make_client() for _ in range(THREADS)], onboarded)


# --- through the server -----------------------------------------------------------------------------


@pytest.fixture
def served(server: ThreadedSSMIncidentsServer) -> str:
    """The server's URL, its account onboarded (a replication set in ``REGION``, made through it)."""
    make_client(server.url, "ssm-incidents").create_replication_set(regions={REGION: {}})
    return server.url


def watched(url: str, statuses: list[int]) -> Any:
    """A client of the server that notes the HTTP status of every answer it gets."""
    c = make_client(url)
    c.meta.events.register(
        "after-call.ssm-contacts", lambda http_response, **_: statuses.append(http_response.status_code)
    )
    return c


def code(url: str, arn: str) -> str:
    """The activation code of a channel, or the accept code of a page, from the server's control API."""
    answer = requests.get(
        f"{url}/_ssm_incidents_mock/code", params={"arn": arn}, headers={CONTROL_HEADER: "1"}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    found: str = answer.json()["code"]
    return found


@dataclass
class Made:
    """What one thread made and removed through the server."""

    contacts: list[str] = field(default_factory=list)
    channels: dict[str, str] = field(default_factory=dict)  # contact -> its one channel
    rotations: list[str] = field(default_factory=list)
    deleted_rotations: list[str] = field(default_factory=list)
    deleted_contacts: list[str] = field(default_factory=list)
    engaged: dict[str, list[str]] = field(default_factory=dict)  # contact -> [accepted, stopped engagement]
    accepted: dict[str, str] = field(default_factory=dict)  # engagement -> the page accepted

    def engagements(self) -> list[str]:
        return [arn for arns in self.engaged.values() for arn in arns]

    def add(self, other: Made) -> None:
        for name in ("contacts", "rotations", "deleted_rotations", "deleted_contacts"):
            getattr(self, name).extend(getattr(other, name))
        self.channels |= other.channels
        self.engaged |= other.engaged
        self.accepted |= other.accepted


def one_round(c: Any, url: str, index: int, round_: int, made: Made) -> None:
    """A contact with an activated channel and a rotation; one engagement whose page is accepted, one that
    is stopped; a scratch contact created and deleted; every second round the last rotation deleted."""
    name = f"t{index}-{round_}"
    contact = c.create_contact(Alias=name, Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    phone = c.create_contact_channel(
        ContactId=contact, Name=name, Type="SMS", DeliveryAddress={"SimpleAddress": f"+1500555{index:02d}{round_:02d}"}
    )["ContactChannelArn"]
    c.activate_contact_channel(ContactChannelId=phone, ActivationCode=code(url, phone))
    c.update_contact(ContactId=contact, Plan={"Stages": [stage(5, channel_target(phone))]})
    made.contacts.append(contact)
    made.channels[contact] = phone
    rotation = c.create_rotation(Name=name, ContactIds=[contact], TimeZoneId="UTC", Recurrence=daily(), StartTime=START)
    made.rotations.append(rotation["RotationArn"])
    if round_ % 2:
        c.delete_rotation(RotationId=made.rotations[-2])
        made.deleted_rotations.append(made.rotations[-2])
    accepted = c.start_engagement(ContactId=contact, Sender="load", Subject=name, Content="accept")["EngagementArn"]
    (page,) = c.list_pages_by_engagement(EngagementId=accepted)["Pages"]
    c.accept_page(PageId=page["PageArn"], AcceptType="READ", AcceptCode=code(url, page["PageArn"]))
    made.accepted[accepted] = page["PageArn"]
    stopped = c.start_engagement(ContactId=contact, Sender="load", Subject=name, Content="stop")["EngagementArn"]
    c.stop_engagement(EngagementId=stopped, Reason="handled")
    made.engaged[contact] = [accepted, stopped]
    scratch = c.create_contact(
        Alias=f"x{index}-{round_}", Type="ESCALATION", Plan={"Stages": [stage(1, contact_target(contact))]}
    )
    c.delete_contact(ContactId=scratch["ContactArn"])
    made.deleted_contacts.append(scratch["ContactArn"])


def check_listings(c: Any, made: Made) -> None:
    """While the others write: no item twice in one traversal, everything this thread made before it
    started is in it, nothing this thread deleted before it is."""
    kept_rotations = set(made.rotations) - set(made.deleted_rotations)
    for listed, mine, gone in (
        (all_contacts(c, 5), set(made.contacts), set(made.deleted_contacts)),
        (traverse(c, "ListRotations", "Rotations", "RotationArn", 5), kept_rotations, set(made.deleted_rotations)),
        (traverse(c, "ListEngagements", "Engagements", "EngagementArn", 5), set(made.engagements()), set()),
    ):
        assert len(listed) == len(set(listed)), "an item listed twice in one traversal"
        assert mine <= set(listed), "an item this thread made is missing from the list"
        assert not gone & set(listed), "an item this thread deleted is listed"


def check_pages(c: Any, contact: str, made: Made) -> None:
    """The contact's pages are its engagements' pages: the accepted one READ, the stopped one STOPped."""
    pages: dict[str, str] = {}
    for engagement in made.engaged[contact]:
        (page,) = c.list_pages_by_engagement(EngagementId=engagement)["Pages"]
        assert (page["EngagementArn"], page["ContactArn"]) == (engagement, contact)
        pages[page["PageArn"]] = engagement
        receipts = {r["ReceiptType"] for r in c.list_page_receipts(PageId=page["PageArn"])["Receipts"]}
        if engagement in made.accepted:
            assert made.accepted[engagement] == page["PageArn"] and page.get("ReadTime"), page
            assert "READ" in receipts, receipts
        else:
            assert c.describe_engagement(EngagementId=engagement).get("StopTime"), engagement
            assert "STOP" in receipts and not page.get("ReadTime"), (receipts, page)
    by_contact = c.list_pages_by_contact(ContactId=contact, MaxResults=1024)["Pages"]
    assert {p["PageArn"]: p["EngagementArn"] for p in by_contact} == pages


def test_mixed_workload_through_server(served: str) -> None:
    statuses: list[int] = []
    clients = [watched(served, statuses) for _ in range(THREADS)]
    made = {index: Made() for index in range(THREADS)}

    def work(index: int) -> None:
        for round_ in range(ROUNDS):
            one_round(clients[index], served, index, round_, made[index])
            check_listings(clients[index], made[index])

    errors = run_threads(work)
    assert not errors, errors[:3]
    COUNTER.add("contacts concurrency server", len(statuses))
    assert statuses and max(statuses) < 500, sorted(set(statuses))

    check = watched(served, statuses)
    everything = Made()
    for one in made.values():
        everything.add(one)
    rotations = set(everything.rotations) - set(everything.deleted_rotations)
    for listing, expected in (
        (("ListContacts", "Contacts", "ContactArn"), everything.contacts),
        (("ListRotations", "Rotations", "RotationArn"), rotations),
        (("ListEngagements", "Engagements", "EngagementArn"), everything.engagements()),
    ):
        listed = traverse(check, *listing)
        assert sorted(listed) == sorted(expected), f"{listing[0]}: lost or extra items"
        assert listed == traverse(check, *listing, 1024), f"{listing[0]}: pages of 2 and one page disagree"
    for contact, phone in everything.channels.items():
        (found,) = check.list_contact_channels(ContactId=contact)["ContactChannels"]
        assert (found["ContactChannelArn"], found["ActivationStatus"]) == (phone, "ACTIVATED")
        check_pages(check, contact, everything)
    assert max(statuses) < 500, sorted(set(statuses))


def test_concurrent_creates_with_one_alias_through_server_make_exactly_one_contact(served: str) -> None:
    one_alias_race([make_client(served) for _ in range(THREADS)], make_client(served))
