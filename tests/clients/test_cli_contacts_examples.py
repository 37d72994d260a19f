"""The AWS CLI package's ssm-contacts examples replayed against the server, key for key.

Each example page (``awscli/examples/ssm-contacts/*.rst``) shows a command and what real AWS printed.
For each one the test builds, through boto3 against the same server, the state the example implies
(its contacts, channels, engagements and pages, in the example's account and region, at the example's
times on a clock that stands still), runs the page's own command line with the ``aws`` executable,
and compares the printed JSON with the page's: every key, every value. Ids and codes that real AWS
chose at random are matched one to one (see ``tests.support.cli_examples.Ids``); times are exact,
because each setup step runs at the instant the example shows. A command without output is followed
by a check, through boto3, that it did what the page says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
import time_machine

from ssm_incidents_mock import SSMIncidentsMock
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support.awscli import AwsCli
from tests.support.cli_examples import Example, Ids, assert_same, examples

pytestmark = pytest.mark.ssm_incidents(strict=True)  # onboarding required, as on AWS

EXAMPLES = examples("ssm-contacts")
START = "2021-05-18T18:00:00.000"  # the examples were captured on this day
MESSAGE = {
    "Sender": "cli",
    "Subject": "cli-test",
    "Content": "Testing engagements via CLI",
    "PublicSubject": "cli-test",
    "PublicContent": "Testing engagements va CLI",  # sic, as the examples show
}
POLICY_SHOWN = next(e for e in EXAMPLES if e.command == "get-contact-policy").output["Policy"]
_WHERE = re.compile(r"arn:aws:ssm-contacts:([a-z0-9-]+):([0-9]{12}):")


def _instant(text: str) -> datetime:
    """An instant, UTC: a full ISO time, or a time of day on the day of the examples."""
    return datetime.fromisoformat(text if "T" in text else f"{START[:10]}T{text}").replace(tzinfo=timezone.utc)


def _client(service: str, region: str, url: str) -> Any:
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)
    return session.client(service, endpoint_url=url)  # type: ignore[call-overload]


class World:
    """Builds an example's state in its account and region, binding example ids to the mock's."""

    def __init__(self, url: str, region: str, account: str, clock: Any, ids: Ids) -> None:
        self.region, self.account, self.clock, self.ids = region, account, clock, ids
        self.client = _client("ssm-contacts", region, url)
        incidents = _client("ssm-incidents", region, url)
        incidents.create_replication_set(regions={region: {}})

    def arn(self, resource: str) -> str:
        return f"arn:aws:ssm-contacts:{self.region}:{self.account}:{resource}"

    def at(self, when: str) -> None:
        """Move the clock (the server's too: it runs in this process) to ``when`` (see ``_instant``)."""
        self.clock.move_to(_instant(when))

    def contact(self, alias: str, name: str, kind: str = "PERSONAL", stages: list[Any] | None = None) -> str:
        plan = {"Stages": stages or []}
        arn: str = self.client.create_contact(Alias=alias, DisplayName=name, Type=kind, Plan=plan)["ContactArn"]
        assert arn == self.arn(f"contact/{alias}")
        return arn

    def channel(self, shown: str, name: str, kind: str, address: str, *, activated: bool = False) -> str:
        """The channel the example's ARN ``shown`` names (on the contact whose alias it carries)."""
        alias = shown.split("/")[1]
        arn: str = self.client.create_contact_channel(
            ContactId=self.arn(f"contact/{alias}"),
            Name=name,
            Type=kind,
            DeliveryAddress={"SimpleAddress": address},
            DeferActivation=True,
        )["ContactChannelArn"]
        self.ids.bind_arn(shown, arn)
        if activated:
            self.client.send_activation_code(ContactChannelId=arn)
            code = self.backend().activation_code(arn)
            self.client.activate_contact_channel(ContactChannelId=arn, ActivationCode=code)
        return arn

    def personal(self, alias: str, name: str, *channels: str) -> str:
        """A PERSONAL contact whose plan pages each of ``channels`` (activated SMS ones) in its own stage."""
        contact = self.contact(alias, name)
        stages = []
        for number, shown in enumerate(channels):
            arn = self.channel(shown, f"{alias} sms {number}", "SMS", f"+1500555010{number}", activated=True)
            target = {"ChannelTargetInfo": {"ContactChannelId": arn, "RetryIntervalInMinutes": 1}}
            stages.append({"DurationInMinutes": 5, "Targets": [target]})
        self.client.update_contact(ContactId=contact, Plan={"Stages": stages})
        return contact

    def engage(self, shown: str, when: str) -> str:
        """Start, at ``when``, the engagement the example's ARN ``shown`` names, with the examples' message."""
        self.at(when)
        alias = shown.split("/")[1]
        arn: str = self.client.start_engagement(ContactId=self.arn(f"contact/{alias}"), **MESSAGE)["EngagementArn"]
        self.ids.bind_arn(shown, arn)
        return arn

    def page(self, shown: str, engagement: str) -> str:
        """The engagement's first page is the one the example's ARN ``shown`` names."""
        arn: str = self.client.list_pages_by_engagement(EngagementId=engagement)["Pages"][0]["PageArn"]
        self.ids.bind_arn(shown, arn)
        return arn

    def accept(self, page: str, kind: str, when: str, code: str = "425440") -> None:
        self.at(when)
        self.client.accept_page(PageId=page, AcceptType=kind, AcceptCode=code)

    def backend(self) -> Any:
        return SSMIncidentsMock().contacts_backend(self.account, self.region)


# --- the state each example implies --------------------------------------------------------------
# A setup returns None, or a check to run after a command that prints nothing.

Check = Callable[[World], None]
SETUPS: dict[str, Callable[[World, Example], Check | None]] = {}


def setup(*names: str) -> Callable[[Callable[[World, Example], Check | None]], Any]:
    def register(func: Callable[[World, Example], Check | None]) -> Any:
        for name in names:
            SETUPS[name] = func
        return func

    return register


def _argument(example: Example, flag: str) -> str:
    return example.argv[example.argv.index(flag) + 1]


@setup("create-contact")
def _nothing_yet(w: World, example: Example) -> None:
    pass


@setup("create-contact-channel")
def _akua(w: World, example: Example) -> None:
    w.contact("akuam", "Akua Mansa")


@setup("get-contact", "update-contact")
def _akua_with_three_channels(w: World, example: Example) -> Check | None:
    channels = [
        w.arn("contact-channel/akuam/beb25840-5ac8-4644-95cc-7a8de390fa65"),
        w.arn("contact-channel/akuam/49f3c24d-5f9f-4638-ae25-3f49e04229ad"),
        w.arn("contact-channel/akuam/77d4f447-f619-4954-afff-85551e369c2a"),
    ]
    if example.command == "get-contact":
        w.personal("akuam", "Akua Mansa", *channels)
        return None
    w.contact("akuam", "Akua Mansa")
    for number, (shown, kind) in enumerate(zip(channels, ["SMS", "VOICE", "EMAIL"], strict=True)):
        address = "akuam@example.com" if kind == "EMAIL" else f"+1500555019{number}"
        w.channel(shown, f"akuas {kind.lower()}", kind, address)
    wanted = json.loads(_argument(example, "--plan"))

    def updated(w: World) -> None:
        plan = w.client.get_contact(ContactId=w.arn("contact/akuam"))["Plan"]
        assert_same(wanted, plan, w.ids)

    return updated


def _escalation(w: World) -> str:
    for alias, name in [("akuam", "Akua Mansa"), ("alejr", "Alejandro Rosalez"), ("anasi", "Ana Carolina Silva")]:
        w.contact(alias, name)

    def stage(alias: str, minutes: int, essential: bool) -> dict[str, Any]:
        target = {"ContactTargetInfo": {"ContactId": w.arn(f"contact/{alias}"), "IsEssential": essential}}
        return {"DurationInMinutes": minutes, "Targets": [target]}

    stages = [stage("akuam", 5, True), stage("alejr", 5, False), stage("anasi", 0, False)]
    return w.contact("example_escalation", "Example Escalation", "ESCALATION", stages)


@setup("get-contact#2", "list-contacts", "start-engagement", "start-engagement#2")
def _three_people_and_an_escalation_plan(w: World, example: Example) -> None:
    if example.command == "list-contacts":  # created out of alias order: the list is in alias order
        w.contact("anasi", "Ana Carolina Silva")
        w.contact("example_escalation", "Example Escalation", "ESCALATION")
        w.contact("alejr", "Alejandro Rosalez")
        w.contact("akuam", "Akua Mansa")
        return
    _escalation(w)


@setup("describe-engagement", "stop-engagement")
def _escalation_engaged(w: World, example: Example) -> Check | None:
    _escalation(w)
    engagement = w.engage(w.arn("engagement/example_escalation/69e40ce1-8dbb-4d57-8962-5fbe7fc53356"), "18:25:41.151")
    w.at("18:26:00")
    if example.output is not None:
        return None

    def stopped(w: World) -> None:
        described = w.client.describe_engagement(EngagementId=engagement)
        assert described["StopTime"] == _instant("18:26:00")

    return stopped


@setup("list-engagements")
def _four_engagements(w: World, example: Example) -> None:
    _escalation(w)
    for item in reversed(example.output["Engagements"]):  # oldest first
        w.engage(item["EngagementArn"], item["StartTime"].removesuffix("+00:00"))


def _akua_paged(w: World, shown_page: str, shown_engagement: str, when: str) -> str:
    channel = w.arn("contact-channel/akuam/fc7405c4-46b2-48b7-87b2-93e2f225b90d")
    w.personal("akuam", "Akua Mansa", channel)
    engagement = w.engage(shown_engagement, when)
    return w.page(shown_page, engagement)


# page, its engagement, and when it was sent, delivered and read, as the pages of the examples show
ACKNOWLEDGED = {
    "describe-page": (
        *("ad0052bd-e606-498a-861b-25726292eb93", "78a29753-3674-4ac5-9f83-0468563567f0"),
        *("18:43:29.301", "18:43:55.265", "18:43:55.708"),
    ),
    "list-page-receipts": (
        *("94ea0c7b-56d9-46c3-b84a-a37c8b067ad3", "91792571-0b53-4821-9f73-d25d13d9e529"),
        *("20:40:52.962", "20:42:57.485", "20:42:57.907"),
    ),
}
ACKNOWLEDGED["list-pages-by-contact"] = ACKNOWLEDGED["describe-page"]


@setup(*ACKNOWLEDGED)
def _akua_read_a_page(w: World, example: Example) -> None:
    page_id, engagement_id, sent, delivered, read = ACKNOWLEDGED[example.id]
    page = _akua_paged(w, w.arn(f"page/akuam/{page_id}"), w.arn(f"engagement/akuam/{engagement_id}"), sent)
    w.accept(page, "DELIVERED", delivered)
    w.accept(page, "READ", read)
    w.at(read[:6] + "59")


@setup("list-pages-by-engagement")
def _akua_was_paged(w: World, example: Example) -> None:
    shown = example.output["Pages"][0]
    _akua_paged(w, shown["PageArn"], shown["EngagementArn"], "18:40:27.245")
    w.at("18:41:00")


@setup("accept-page")
def _akua_has_a_page(w: World, example: Example) -> Check:
    shown = _argument(example, "--page-id")
    page = _akua_paged(w, shown, w.arn("engagement/akuam/91792571-0b53-4821-9f73-d25d13d9e529"), "20:40:52.962")
    w.at("20:42:57.907")

    def read(w: World) -> None:
        assert w.client.describe_page(PageId=page)["ReadTime"] == _instant("2021-05-18T20:42:57.907")
        receipts = w.client.list_page_receipts(PageId=page)["Receipts"]
        assert [(r["ReceiptType"], r.get("ReceiptInfo")) for r in receipts[1:]] == [
            ("DELIVERED", "425440"),
            ("READ", "425440"),
        ]

    return read


def _akua_channel(w: World, example: Example, name: str, kind: str, address: str, activated: bool = False) -> str:
    """Akua and the channel the example's ``--contact-channel-id`` names."""
    w.contact("akuam", "Akua Mansa")
    return w.channel(_argument(example, "--contact-channel-id"), name, kind, address, activated=activated)


def _status(w: World, channel: str) -> str:
    status: str = w.client.get_contact_channel(ContactChannelId=channel)["ActivationStatus"]
    return status


@setup("get-contact-channel", "activate-contact-channel", "deactivate-contact-channel")
def _akua_sms(w: World, example: Example) -> Check | None:
    activated = example.command != "activate-contact-channel"
    channel = _akua_channel(w, example, "akuas sms", "SMS", "+15005550199", activated)
    if example.command == "get-contact-channel":
        return None
    wanted = "NOT_ACTIVATED" if example.command == "deactivate-contact-channel" else "ACTIVATED"
    if wanted == "ACTIVATED":  # the page's code is the one the channel's owner got
        w.client.send_activation_code(ContactChannelId=channel)
        w.ids.bind(_argument(example, "--activation-code"), w.backend().activation_code(channel))

    def status(w: World) -> None:
        assert _status(w, channel) == wanted

    return status


@setup("list-contact-channels")
def _akua_email_and_sms(w: World, example: Example) -> None:
    w.contact("akuam", "Akua Mansa")
    w.channel(w.arn(f"contact-channel/akuam/{ERRATUM_CHANNEL}"), "akuas email", "EMAIL", "akuam@example.com")
    shown = w.arn("contact-channel/akuam/fc7405c4-46b2-48b7-87b2-93e2f225b90d")
    w.channel(shown, "akuas sms", "SMS", "+15005550100", activated=True)


@setup("send-activation-code")
def _akua_sms_not_activated(w: World, example: Example) -> Check:
    channel = _akua_channel(w, example, "akuas sms", "SMS", "+15005550199")
    assert w.backend().activation_code(channel) is None  # created with DeferActivation: nothing sent yet

    def sent(w: World) -> None:
        code = w.backend().activation_code(channel)
        assert code is not None and re.fullmatch(r"[0-9]{6}", code)
        w.client.activate_contact_channel(ContactChannelId=channel, ActivationCode=code)
        assert _status(w, channel) == "ACTIVATED"

    return sent


@setup("update-contact-channel")
def _akua_voice(w: World, example: Example) -> Check:
    channel = _akua_channel(w, example, "akuas voice", "VOICE", "+15005550199")

    def updated(w: World) -> None:
        got = w.client.get_contact_channel(ContactChannelId=channel)
        assert (got["Name"], got["DeliveryAddress"]) == ("akuas voice channel", {"SimpleAddress": "+15005550198"})

    return updated


@setup("delete-contact-channel")
def _akua_with_a_channel(w: World, example: Example) -> Check:
    channel = _akua_channel(w, example, "akuas sms", "SMS", "+15005550199")

    def deleted(w: World) -> None:
        assert w.client.list_contact_channels(ContactId=w.arn("contact/akuam"))["ContactChannels"] == []
        with pytest.raises(w.client.exceptions.ResourceNotFoundException):
            w.client.get_contact_channel(ContactChannelId=channel)

    return deleted


@setup("delete-contact", "command-name")
def _alejandro(w: World, example: Example) -> Check:
    contact = w.contact("alejr", "Alejandro Rosalez")

    def deleted(w: World) -> None:
        assert w.client.list_contacts()["Contacts"] == []
        with pytest.raises(w.client.exceptions.ResourceNotFoundException):
            w.client.get_contact(ContactId=contact)

    return deleted


@setup("get-contact-policy", "put-contact-policy")
def _akua_shared(w: World, example: Example) -> Check | None:
    contact = w.contact("akuam", "Akua Mansa")
    if example.command == "get-contact-policy":
        w.client.put_contact_policy(ContactArn=contact, Policy=POLICY_SHOWN)
        return None
    policy = _argument(example, "--policy")

    def shared(w: World) -> None:
        got = w.client.get_contact_policy(ContactArn=contact)
        assert (got["ContactArn"], got["Policy"]) == (contact, policy)

    return shared


@setup("list-tags-for-resource", "tag-resource", "untag-resource")
def _akua_tagged(w: World, example: Example) -> Check | None:
    contact = w.contact("akuam", "Akua Mansa")
    if example.command != "tag-resource":
        w.client.tag_resource(ResourceARN=contact, Tags=[{"Key": "group1", "Value": "1"}])
    if example.command == "list-tags-for-resource":
        return None
    wanted = [{"Key": "group1", "Value": "1"}] if example.command == "tag-resource" else []

    def tagged(w: World) -> None:
        assert w.client.list_tags_for_resource(ResourceARN=contact)["Tags"] == wanted

    return tagged


# --- where the pages themselves are wrong ---------------------------------------------------------

ERRATUM_CHANNEL = "00000000-0000-4000-8000-000000000001"  # stands for the EMAIL channel's id, which the page omits


def _expected(example: Example, w: World) -> Any:
    """What the page shows, with its two slips corrected (each noted where it is made)."""
    if example.command == "list-contact-channels":
        # The page prints a bare list inside braces (not JSON) and leaves out the first channel's ARN;
        # the model's output is {"ContactChannels": [...]} with ContactChannelArn required in each item.
        channels = json.loads("[" + example.raw_output.strip()[1:-1].strip().strip("[]") + "]")  # type: ignore[union-attr]
        channels[0] = {"ContactChannelArn": w.arn(f"contact-channel/akuam/{ERRATUM_CHANNEL}"), **channels[0]}
        return {"ContactChannels": channels}
    return example.output


def _comparable(example: Example, output: Any) -> Any:
    if example.command == "list-page-receipts":
        # The page lists DELIVERED, READ, SENT; the mock lists receipts in the order they happened,
        # an order the model leaves open, so the receipts are compared as a set (by type).
        output["Receipts"].sort(key=lambda receipt: receipt["ReceiptType"])
    return output


# --- the replay ---------------------------------------------------------------------------------


def _where(example: Example) -> tuple[str, str]:
    text = " ".join(example.argv) + (example.raw_output or "")
    found = _WHERE.search(text)
    assert found is not None, example.id
    return found.group(1), found.group(2)


@pytest.fixture
def replay(
    ssm_incidents_server: ThreadedSSMIncidentsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Example], None]]:
    def run(example: Example) -> None:
        region, account = _where(example)
        monkeypatch.setenv("MOTO_ACCOUNT_ID", account)  # the server runs in this process and reads it per call
        ids = Ids()
        with time_machine.travel(_instant(START), tick=False) as clock:
            world = World(ssm_incidents_server.url, region, account, clock, ids)
            check = SETUPS[example.id](world, example)
            aws = AwsCli("ssm-contacts", ssm_incidents_server.url, tmp_path, region, timestamp_format="iso8601")
            printed = aws(*ids.translate(example.argv))
            expected = _expected(example, world)
            if expected is None:
                assert printed is None, f"the page shows no output, the CLI printed {printed}"
                assert check is not None, f"{example.id}: a command without output needs a check"
                check(world)
            else:
                assert_same(_comparable(example, expected), _comparable(example, printed), ids)

    yield run


def test_every_example_is_replayed() -> None:
    pages = {e.page for e in EXAMPLES}
    assert len(pages) == 28 and len(EXAMPLES) == 30, (len(pages), len(EXAMPLES))
    assert {e.id for e in EXAMPLES} == set(SETUPS)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_cli_example(example: Example, replay: Callable[[Example], None]) -> None:
    replay(example)
