"""moto's seed makes the ids of ssm-contacts repeat from run to run, in process and through moto's server;
setting it again within a run never hands out an id that is in use."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import requests

import ssm_incidents_mock
from ssm_incidents_mock import SSMIncidentsMock
from ssm_incidents_mock.seam import moto_random
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from ssm_incidents_mock.server.app import CONTROL_HEADER
from ssm_incidents_mock.ssm_contacts.models import code_for
from tests.support.contacts import channel_target, daily, stage

REGION = "us-east-1"
SEED_URL = "http://motoapi.amazonaws.com/moto-api/seed"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)


def moto_api(base: str, endpoint: str) -> None:
    """``POST <base>/moto-api/<endpoint>``; the header is the one this package's server asks of control calls."""
    assert requests.post(f"{base}/moto-api/{endpoint}", headers={CONTROL_HEADER: "1"}, timeout=10).status_code == 200


def seed(value: int, base: str = "http://motoapi.amazonaws.com") -> None:
    moto_api(base, f"seed?a={value}")


def contacts_ids(c: Any, incidents: Any) -> list[str]:
    """Run one scenario and collect every id ssm-contacts generated in it: a contact channel, a rotation,
    an override of it, an engagement and its page."""
    incidents.create_replication_set(regions={REGION: {}})
    contact = c.create_contact(Alias="oncall", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    phone = new_channel(c, contact, "+15005550199")
    c.update_contact(ContactId=contact, Plan={"Stages": [stage(5, channel_target(phone))]})
    rotation = new_rotation(c, contact)
    override = new_override(c, rotation, contact)
    engagement = new_engagement(c, contact)
    pages = [p["PageArn"] for p in c.list_pages_by_engagement(EngagementId=engagement)["Pages"]]
    assert len(pages) == 1
    return [phone, rotation, override, engagement, *pages]


def new_channel(c: Any, contact: str, number: str) -> str:
    arn: str = c.create_contact_channel(
        ContactId=contact, Name=f"phone {number[1:]}", Type="SMS", DeliveryAddress={"SimpleAddress": number}
    )["ContactChannelArn"]
    c.activate_contact_channel(ContactChannelId=arn, ActivationCode=code_for(arn))
    return arn


def new_rotation(c: Any, contact: str) -> str:
    arn: str = c.create_rotation(
        Name="primary", ContactIds=[contact], TimeZoneId="UTC", Recurrence=daily(), StartTime=START
    )["RotationArn"]
    return arn


def new_override(c: Any, rotation: str, contact: str, hour: int = 0) -> str:
    begins = START + timedelta(hours=hour)
    override: str = c.create_rotation_override(
        RotationId=rotation, NewContactIds=[contact], StartTime=begins, EndTime=begins + timedelta(minutes=30)
    )["RotationOverrideId"]
    return override


def new_engagement(c: Any, contact: str, subject: str = "cpu") -> str:
    arn: str = c.start_engagement(ContactId=contact, Sender="alarm", Subject=subject, Content="high")["EngagementArn"]
    return arn


def three_runs(run: Callable[[int], list[str]]) -> None:
    """Seeds 42, 42 and 7: the first two runs give the same ids, the third none of them."""
    runs = [run(value) for value in (42, 42, 7)]
    assert runs[0] == runs[1]
    assert all(a != b for a, b in zip(runs[0], runs[2], strict=True))
    assert len(set(runs[0])) == len(runs[0])


def test_moto_seed_makes_the_contacts_ids_repeat(mocked_ssm_incidents: SSMIncidentsMock) -> None:
    def run(value: int) -> list[str]:
        mocked_ssm_incidents.reset()
        seed(value)
        return contacts_ids(boto3.client("ssm-contacts", REGION), boto3.client("ssm-incidents", REGION))

    three_runs(run)


@pytest.fixture
def threaded_moto() -> Iterator[str]:
    """moto's own server in this process, on a free loopback port, serving both services."""
    from moto.server import ThreadedMotoServer

    ssm_incidents_mock.register()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{server._server.server_port}"  # type: ignore[union-attr]
    finally:
        requests.post(f"http://127.0.0.1:{server._server.server_port}/moto-api/reset", timeout=10)  # type: ignore[union-attr]
        server.stop()


def runs_through(url: str) -> None:
    """``three_runs`` against the server at ``url``, reset and seeded through its moto-api."""
    options: dict[str, Any] = {"region_name": REGION, "endpoint_url": url}
    options |= {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

    def run(value: int) -> list[str]:
        moto_api(url, "reset")
        seed(value, url)
        return contacts_ids(boto3.client("ssm-contacts", **options), boto3.client("ssm-incidents", **options))

    three_runs(run)


def test_moto_seed_through_motos_server_makes_the_contacts_ids_repeat(threaded_moto: str) -> None:
    runs_through(threaded_moto)


def test_moto_seed_through_this_packages_server_makes_the_contacts_ids_repeat(
    server: ThreadedSSMIncidentsServer,
) -> None:
    runs_through(server.url)


@pytest.mark.parametrize("query", ["", "?a=", "?a=forty-two", "?a=4.2"])
def test_this_packages_server_refuses_a_seed_that_is_no_integer(server: ThreadedSSMIncidentsServer, query: str) -> None:
    answer = requests.post(f"{server.url}/moto-api/seed{query}", headers={CONTROL_HEADER: "1"}, timeout=10)
    assert (answer.status_code, answer.headers["x-amzn-ErrorType"]) == (400, "ValidationException")
    assert "integer" in answer.json()["message"]


# --- the same seed twice in one run -------------------------------------------------------------


@pytest.fixture
def onboarded(mocked_ssm_incidents: SSMIncidentsMock) -> tuple[Any, str]:
    """A client and a PERSONAL contact paged on one activated SMS channel, in an onboarded account."""
    boto3.client("ssm-incidents", REGION).create_replication_set(regions={REGION: {}})
    c = boto3.client("ssm-contacts", REGION)
    contact = c.create_contact(Alias="oncall", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    return c, contact


def twice(create: Callable[[int], str]) -> tuple[str, str]:
    """``create(0)`` and ``create(1)``, each right after moto's seed is set to 42: the second must get a
    fresh id, as if the first were still in use (it is)."""
    seed(42)
    first = create(0)
    seed(42)
    second = create(1)
    assert first != second
    return first, second


def test_reseeding_gives_a_second_channel_a_fresh_arn(onboarded: tuple[Any, str]) -> None:
    c, contact = onboarded
    first, second = twice(lambda n: new_channel(c, contact, f"+1500555000{n}"))
    listed = {
        ch["ContactChannelArn"]: ch["DeliveryAddress"]
        for ch in c.list_contact_channels(ContactId=contact)["ContactChannels"]
    }
    assert listed == {first: {"SimpleAddress": "+15005550000"}, second: {"SimpleAddress": "+15005550001"}}


def test_reseeding_gives_a_second_rotation_a_fresh_arn(onboarded: tuple[Any, str]) -> None:
    c, contact = onboarded
    first, second = twice(
        lambda n: c.create_rotation(
            Name=f"r{n}", ContactIds=[contact], TimeZoneId="UTC", Recurrence=daily(), StartTime=START
        )["RotationArn"]
    )
    assert sorted((r["RotationArn"], r["Name"]) for r in c.list_rotations()["Rotations"]) == sorted(
        [(first, "r0"), (second, "r1")]
    )


def test_reseeding_gives_a_second_override_a_fresh_id(onboarded: tuple[Any, str]) -> None:
    c, contact = onboarded
    rotation = new_rotation(c, contact)
    first, second = twice(lambda n: new_override(c, rotation, contact, hour=n))
    overrides = c.list_rotation_overrides(RotationId=rotation, StartTime=START, EndTime=START + timedelta(days=1))
    assert sorted((o["RotationOverrideId"], o["StartTime"]) for o in overrides["RotationOverrides"]) == sorted(
        [(first, START), (second, START + timedelta(hours=1))]
    )


def test_reseeding_gives_a_second_engagement_a_fresh_arn(onboarded: tuple[Any, str]) -> None:
    c, contact = onboarded
    first, second = twice(lambda n: new_engagement(c, contact, subject=f"s{n}"))
    listed = {e["EngagementArn"] for e in c.list_engagements()["Engagements"]}
    assert listed == {first, second}
    assert [c.describe_engagement(EngagementId=arn)["Subject"] for arn in (first, second)] == ["s0", "s1"]


def test_reseeding_gives_a_second_page_a_fresh_arn(
    onboarded: tuple[Any, str], mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    """The page is the first id drawn after the seed: the engagements start before it, their second stage
    fires when the clock moves past the first (5 minutes)."""
    c, contact = onboarded
    phone = new_channel(c, contact, "+15005550000")
    c.update_contact(ContactId=contact, Plan={"Stages": [stage(5), stage(5, channel_target(phone))]})
    engagements = [new_engagement(c, contact, subject=f"s{n}") for n in range(2)]
    mocked_ssm_incidents.clock.advance(301)

    def page(n: int) -> str:
        (found,) = c.list_pages_by_engagement(EngagementId=engagements[n])["Pages"]
        arn: str = found["PageArn"]
        return arn

    first, second = twice(page)
    pages = c.list_pages_by_contact(ContactId=contact)["Pages"]
    assert sorted((p["PageArn"], p["EngagementArn"]) for p in pages) == sorted(
        [(first, engagements[0]), (second, engagements[1])]
    )


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "text/plain"}])
def test_this_packages_server_seeds_only_with_the_control_header(
    server: ThreadedSSMIncidentsServer, headers: dict[str, str]
) -> None:
    """A cross-site page cannot make the server's ids predictable: the seed needs what reset needs."""
    state = moto_random().getstate()
    answer = requests.post(f"{server.url}/moto-api/seed?a=42", headers=headers, data=b"", timeout=10)
    assert (answer.status_code, answer.headers["x-amzn-ErrorType"]) == (403, "AccessDeniedException")
    assert moto_random().getstate() == state
