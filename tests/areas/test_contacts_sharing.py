"""Sharing a contact by contact policy, seen from the owner's and the consumer's side, through boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock
from tests.support import assert_error, signed_by

OWNER, CONSUMER, STRANGER = "123456789012", "111122223333", "444455556666"
REGION = "us-east-1"
PREFIX = f"arn:aws:ssm-contacts:{REGION}:{OWNER}:"
# The actions of the CLI's put-contact-policy example, and the pages of the contact's engagements.
USE = [
    "ssm-contacts:GetContact",
    "ssm-contacts:StartEngagement",
    "ssm-contacts:DescribeEngagement",
    "ssm-contacts:ListPagesByEngagement",
    "ssm-contacts:StopEngagement",
    "ssm-contacts:ListPagesByContact",
    "ssm-contacts:DescribePage",
    "ssm-contacts:ListPageReceipts",
    "ssm-contacts:ListPageResolutions",
]
DAILY = {"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1, "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}]}


def contacts_in(account: str, role: str = "responder") -> Any:
    """An ssm-contacts client of ``account`` acting as ``role`` (an assumed role's session)."""
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="session"
    )["Credentials"]
    return signed_by(creds, REGION, "ssm-contacts")


def policy(alias: str, principal: Any = None, actions: list[str] = USE, resources: list[str] | None = None) -> str:
    statement = {
        "Sid": "share",
        "Effect": "Allow",
        "Principal": principal if principal is not None else {"AWS": CONSUMER},
        "Action": actions,
        "Resource": resources or [f"{PREFIX}contact/{alias}", f"{PREFIX}engagement/{alias}/*", f"{PREFIX}page/*"],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def owner(ssm_incidents_onboarded: Any, ssm_contacts: Any) -> Any:
    return ssm_contacts


@pytest.fixture
def akuam(owner: Any, mocked_ssm_incidents: SSMIncidentsMock) -> str:
    """A PERSONAL contact of the owner whose one stage pages an activated e-mail channel."""
    arn = str(owner.create_contact(Alias="akuam", Type="PERSONAL", Plan={"Stages": []})["ContactArn"])
    email = owner.create_contact_channel(
        ContactId=arn, Name="work", Type="EMAIL", DeliveryAddress={"SimpleAddress": "akua@example.com"}
    )["ContactChannelArn"]
    code = mocked_ssm_incidents.contacts_backend(OWNER, REGION).activation_code(email)
    owner.activate_contact_channel(ContactChannelId=email, ActivationCode=code)
    stage = {"DurationInMinutes": 5, "Targets": [{"ChannelTargetInfo": {"ContactChannelId": email}}]}
    owner.update_contact(ContactId=arn, Plan={"Stages": [stage]})
    return arn


def refused(call: Any, resource: str, action: str = "") -> None:
    with pytest.raises(ClientError) as exc_info:
        call()
    assert_error(exc_info, "AccessDeniedException", 403, resource, f"{action}", "no resource-based policy allows")


def listed(c: Any, **filters: Any) -> list[str]:
    return [contact["ContactArn"] for contact in c.list_contacts(**filters)["Contacts"]]


def engaged(c: Any, **filters: Any) -> list[str]:
    return [e["EngagementArn"] for e in c.list_engagements(**filters)["Engagements"]]


def engage(c: Any, contact: str, subject: str = "DB down") -> str:
    return str(c.start_engagement(ContactId=contact, Sender="ops", Subject=subject, Content="c")["EngagementArn"])


@pytest.mark.parametrize(
    "principal",
    [{"AWS": CONSUMER}, {"AWS": f"arn:aws:iam::{CONSUMER}:root"}, {"AWS": f"arn:aws:iam::{CONSUMER}:role/responder"}],
    ids=["account id", "root", "role"],
)
def test_a_shared_contact_is_listed_viewed_and_engaged_by_the_consumer(owner: Any, akuam: str, principal: Any) -> None:
    consumer = contacts_in(CONSUMER)
    past = engage(owner, akuam, "past")
    refused(lambda: consumer.get_contact(ContactId=akuam), akuam, "ssm-contacts:GetContact")
    assert listed(consumer) == []
    owner.put_contact_policy(ContactArn=akuam, Policy=policy("akuam", principal))

    assert listed(consumer) == [akuam]  # the owner's account in the ARN
    assert consumer.get_contact(ContactId=akuam)["Alias"] == "akuam"
    engagement = engage(consumer, akuam)
    assert engagement.startswith(f"{PREFIX}engagement/akuam/")
    described = consumer.describe_engagement(EngagementId=engagement)
    assert (described["ContactArn"], described["Subject"]) == (akuam, "DB down")
    pages = consumer.list_pages_by_engagement(EngagementId=engagement)["Pages"]
    assert [p["ContactArn"] for p in pages] == [akuam]
    page = pages[0]["PageArn"]
    assert consumer.describe_page(PageId=page)["EngagementArn"] == engagement
    assert [r["ReceiptType"] for r in consumer.list_page_receipts(PageId=page)["Receipts"]] == ["SENT"]
    assert [r["ContactArn"] for r in consumer.list_page_resolutions(PageId=page)["PageResolutions"]] == [akuam]
    by_contact = [p["PageArn"] for p in consumer.list_pages_by_contact(ContactId=akuam)["Pages"]]
    assert page in by_contact and len(by_contact) == 2  # the owner's past engagement paged too
    # the consumer sees the contact's engagements, its own and the owner's; the owner sees both as its own
    onboard(consumer)  # (until now the consumer needed no replication set: the data is the owner's)
    assert engaged(consumer) == [engagement, past]
    assert engaged(owner) == [engagement, past]
    consumer.stop_engagement(EngagementId=engagement, Reason="handled")
    assert "StopTime" in owner.describe_engagement(EngagementId=engagement)


def test_listings_page_through_own_and_shared_items_in_a_stable_order(owner: Any, akuam: str) -> None:
    owner.create_contact(Alias="zed", Type="PERSONAL", Plan={"Stages": []})  # not shared
    owner.put_contact_policy(ContactArn=akuam, Policy=policy("akuam"))
    consumer = onboarded(CONSUMER)
    ana, bob = (consumer.create_contact(Alias=a, Type="PERSONAL", Plan={"Stages": []})["ContactArn"] for a in "ab")
    assert listed(consumer) == [ana, bob, akuam]  # its own by alias, then the shared ones
    paginator = consumer.get_paginator("list_contacts")
    assert [c["ContactArn"] for page in paginator.paginate(MaxResults=1) for c in page["Contacts"]] == [ana, bob, akuam]
    assert listed(consumer, AliasPrefix="ak") == [akuam] and listed(consumer, Type="ESCALATION") == []

    own = engage(consumer, ana)
    shared = [engage(consumer, akuam, str(n)) for n in range(3)]
    full = engaged(consumer)
    assert sorted(full) == sorted([own, *shared])
    paginator = consumer.get_paginator("list_engagements")
    assert [e["EngagementArn"] for page in paginator.paginate(MaxResults=1) for e in page["Engagements"]] == full
    assert engaged(owner) == [e for e in full if e != own]  # the consumer's own engagement stays its own


def onboarded(account: str) -> Any:
    """An ssm-contacts client of ``account`` after the account's replication set was made."""
    return onboard(contacts_in(account))


def onboard(contacts: Any) -> Any:
    """Make the replication set of the client's account (what its own listings of engagements need)."""
    creds = contacts._request_signer._credentials
    keys = {"aws_access_key_id": creds.access_key, "aws_secret_access_key": creds.secret_key}
    incidents = boto3.client("ssm-incidents", region_name=REGION, aws_session_token=creds.token, **keys)
    incidents.create_replication_set(regions={REGION: {}})
    return contacts


def test_replacing_the_policy_unshares_the_contact_and_its_engagements(owner: Any, akuam: str) -> None:
    consumer = onboarded(CONSUMER)
    owner.put_contact_policy(ContactArn=akuam, Policy=policy("akuam"))
    engagement = engage(consumer, akuam)
    page = consumer.list_pages_by_engagement(EngagementId=engagement)["Pages"][0]["PageArn"]
    owner.put_contact_policy(ContactArn=akuam, Policy=policy("akuam", {"AWS": STRANGER}))
    assert listed(consumer) == [] and engaged(consumer) == []
    refused(lambda: consumer.get_contact(ContactId=akuam), akuam)
    refused(lambda: consumer.describe_engagement(EngagementId=engagement), engagement)
    refused(lambda: consumer.list_pages_by_engagement(EngagementId=engagement), engagement)
    refused(lambda: consumer.describe_page(PageId=page), page)
    assert listed(contacts_in(STRANGER)) == [akuam]
    assert owner.describe_engagement(EngagementId=engagement)["EngagementArn"] == engagement


def test_the_policy_decides_each_action_and_resource(owner: Any, akuam: str) -> None:
    """The CLI's example shares contact and engagements, not pages; GetContact alone does not let one engage."""
    consumer = onboarded(CONSUMER)
    cli_example = policy("akuam", resources=[f"{PREFIX}contact/akuam", f"{PREFIX}engagement/akuam/*"])
    owner.put_contact_policy(ContactArn=akuam, Policy=cli_example)
    engagement = engage(consumer, akuam)
    page = consumer.list_pages_by_engagement(EngagementId=engagement)["Pages"][0]["PageArn"]
    refused(lambda: consumer.describe_page(PageId=page), page, "ssm-contacts:DescribePage")
    owner.put_contact_policy(ContactArn=akuam, Policy=policy("akuam", actions=["ssm-contacts:GetContact"]))
    assert consumer.get_contact(ContactId=akuam)["ContactArn"] == akuam
    assert listed(consumer) == [akuam] and engaged(consumer) == []  # listing engagements needs DescribeEngagement
    refused(lambda: engage(consumer, akuam), akuam, "ssm-contacts:StartEngagement")
    refused(lambda: consumer.describe_engagement(EngagementId=engagement), engagement)
    assert len(engaged(owner)) == 1


def test_consumers_cannot_change_a_shared_contact(owner: Any, akuam: str) -> None:
    everything = policy("akuam", actions=["ssm-contacts:*"], resources=["*"])
    owner.put_contact_policy(ContactArn=akuam, Policy=everything)
    consumer = contacts_in(CONSUMER)
    channel = owner.list_contact_channels(ContactId=akuam)["ContactChannels"][0]["ContactChannelArn"]
    engagement = engage(owner, akuam)
    page = owner.list_pages_by_engagement(EngagementId=engagement)["Pages"][0]["PageArn"]
    refused(lambda: consumer.update_contact(ContactId=akuam, DisplayName="x"), akuam, "UpdateContact")
    refused(lambda: consumer.delete_contact(ContactId=akuam), akuam, "DeleteContact")
    refused(lambda: consumer.put_contact_policy(ContactArn=akuam, Policy=everything), akuam, "PutContactPolicy")
    refused(lambda: consumer.get_contact_policy(ContactArn=akuam), akuam, "GetContactPolicy")
    refused(lambda: consumer.tag_resource(ResourceARN=akuam, Tags=[{"Key": "k", "Value": "v"}]), akuam)
    refused(lambda: consumer.untag_resource(ResourceARN=akuam, TagKeys=["k"]), akuam)
    refused(lambda: consumer.list_tags_for_resource(ResourceARN=akuam), akuam)
    refused(lambda: consumer.list_contact_channels(ContactId=akuam), akuam, "ListContactChannels")
    address = {"SimpleAddress": "+15005550199"}
    refused(
        lambda: consumer.create_contact_channel(ContactId=akuam, Name="n", Type="SMS", DeliveryAddress=address), akuam
    )
    refused(lambda: consumer.get_contact_channel(ContactChannelId=channel), channel)
    refused(lambda: consumer.update_contact_channel(ContactChannelId=channel, Name="x"), channel)
    refused(lambda: consumer.deactivate_contact_channel(ContactChannelId=channel), channel)
    refused(lambda: consumer.delete_contact_channel(ContactChannelId=channel), channel)
    refused(lambda: consumer.accept_page(PageId=page, AcceptType="READ", AcceptCode="123456"), page, "AcceptPage")
    assert owner.get_contact(ContactId=akuam).get("DisplayName") is None
    assert owner.list_tags_for_resource(ResourceARN=akuam)["Tags"] == []
    assert owner.get_contact_channel(ContactChannelId=channel)["ActivationStatus"] == "ACTIVATED"
    assert owner.describe_page(PageId=page).get("ReadTime") is None
    assert json.loads(owner.get_contact_policy(ContactArn=akuam)["Policy"]) == json.loads(everything)


def test_others_reach_nothing_and_learn_nothing_of_what_exists(owner: Any, akuam: str) -> None:
    owner.put_contact_policy(ContactArn=akuam, Policy=policy("akuam"))
    stranger = contacts_in(STRANGER)
    missing = f"{PREFIX}contact/nobody"
    refused(lambda: stranger.get_contact(ContactId=akuam), akuam)
    refused(lambda: stranger.get_contact(ContactId=missing), missing)  # as for one that exists
    refused(lambda: engage(stranger, akuam), akuam)
    elsewhere = "arn:aws:ssm-contacts:us-east-1:555566667777:contact/akuam"  # an account the mock never saw
    refused(lambda: stranger.get_contact(ContactId=elsewhere), elsewhere)
    assert listed(stranger) == [] and engaged(owner) == []


def test_a_consumers_plans_cannot_name_a_shared_contact(owner: Any, akuam: str) -> None:
    owner.put_contact_policy(ContactArn=akuam, Policy=policy("akuam", actions=["ssm-contacts:*"]))
    consumer = onboarded(CONSUMER)
    stage = {"DurationInMinutes": 1, "Targets": [{"ContactTargetInfo": {"ContactId": akuam, "IsEssential": True}}]}
    with pytest.raises(ClientError) as exc_info:
        consumer.create_contact(Alias="escalate", Type="ESCALATION", Plan={"Stages": [stage]})
    assert_error(exc_info, "ValidationException", 400, "another account")
    assert exc_info.value.response["Fields"][0]["Name"].endswith("ContactTargetInfo.ContactId")
    mine = consumer.create_contact(Alias="escalate", Type="ESCALATION", Plan={"Stages": []})["ContactArn"]
    with pytest.raises(ClientError) as exc_info:
        consumer.update_contact(ContactId=mine, Plan={"Stages": [stage]})
    assert_error(exc_info, "ValidationException", 400, "another account")
    with pytest.raises(ClientError) as exc_info:
        consumer.create_rotation(Name="r", ContactIds=[akuam], TimeZoneId="UTC", Recurrence=DAILY)
    assert_error(exc_info, "ResourceNotFoundException", 404, akuam)
    assert consumer.get_contact(ContactId=mine)["Plan"] == {"Stages": []}


@pytest.mark.parametrize(
    "statement",
    [
        {"Principal": {"AWS": 123}},
        {"Principal": None},
        {"Principal": {"AWS": [[CONSUMER]]}},
        {"Action": 5},
        {"Action": [["ssm-contacts:*"]]},
        {"Action": "GetContact"},
        {"Resource": "["},
        {"Resource": []},
        {"Resource": ""},
        {"Effect": "Deny"},
        {"Condition": {"StringEquals": {"aws:PrincipalAccount": {"a": 1}}}},
    ],
)
def test_a_bad_policy_is_refused_stores_nothing_and_breaks_no_other_account(
    owner: Any, akuam: str, statement: dict[str, Any]
) -> None:
    document = {"Effect": "Allow", "Principal": {"AWS": CONSUMER}, "Action": "ssm-contacts:*", "Resource": "*"}
    document.update(statement)
    with pytest.raises(ClientError) as exc_info:
        owner.put_contact_policy(ContactArn=akuam, Policy=json.dumps({"Statement": [document]}))
    assert_error(exc_info, "ValidationException", 400, "Invalid value provided - ", "polic")
    assert exc_info.value.response["Fields"][0]["Name"] == "Policy"
    assert "Policy" not in owner.get_contact_policy(ContactArn=akuam)
    for other in (onboarded(CONSUMER), contacts_in(STRANGER)):
        assert listed(other) == []
        refused(lambda c=other: c.get_contact(ContactId=akuam), akuam)
    assert engaged(contacts_in(CONSUMER)) == []


def test_a_stored_policy_that_does_not_parse_shares_nothing_and_answers_no_5xx(
    owner: Any, akuam: str, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    """A document placed in the backend directly (no API call stores one) is read as granting nothing."""
    zed = owner.create_contact(Alias="zed", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    owner.put_contact_policy(ContactArn=zed, Policy=policy("zed"))
    engagement = engage(owner, akuam)
    backend = mocked_ssm_incidents.contacts_backend(OWNER, REGION)
    broken = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": 123}, "Action": 5, "Resource": "["}]}'
    with backend.lock:
        backend.contacts[akuam].policy = broken
        backend.policy_contacts[akuam] = backend.contacts[akuam]
    consumer = onboarded(CONSUMER)
    assert listed(consumer) == [zed] and engaged(consumer) == []
    refused(lambda: consumer.get_contact(ContactId=akuam), akuam)
    refused(lambda: consumer.describe_engagement(EngagementId=engagement), engagement)
    assert owner.get_contact_policy(ContactArn=akuam)["Policy"] == broken  # verbatim, as stored


def test_get_contact_policy_answers_the_stored_text_verbatim(owner: Any, akuam: str) -> None:
    statement = '{"Effect":"Allow","Principal":"*","Action":"ssm-contacts:Get*","Resource":"*"}'
    text = '{ "Version" : "2012-10-17",  "Statement" : ' + statement + " }"
    owner.put_contact_policy(ContactArn=akuam, Policy=text)
    assert owner.get_contact_policy(ContactArn=akuam) | {"ResponseMetadata": None} == {
        "ContactArn": akuam,
        "Policy": text,
        "ResponseMetadata": None,
    }
    assert listed(contacts_in(STRANGER)) == [akuam]  # "*" names every principal


def test_a_shared_escalation_plan_shares_the_pages_it_sends(owner: Any, akuam: str) -> None:
    """Pages of an escalation carry the paged person's alias; the policy of the engaged plan decides them."""
    target = {"ContactTargetInfo": {"ContactId": akuam, "IsEssential": True}}
    stages = [{"DurationInMinutes": 5, "Targets": [target]}]
    plan = owner.create_contact(Alias="oncall", Type="ESCALATION", Plan={"Stages": stages})["ContactArn"]
    owner.put_contact_policy(ContactArn=plan, Policy=policy("oncall"))
    consumer = contacts_in(CONSUMER)
    engagement = engage(consumer, plan)
    (page,) = consumer.list_pages_by_engagement(EngagementId=engagement)["Pages"]
    assert page["PageArn"].startswith(f"{PREFIX}page/akuam/") and page["ContactArn"] == akuam
    assert consumer.describe_page(PageId=page["PageArn"])["EngagementArn"] == engagement
    path = [r["ContactArn"] for r in consumer.list_page_resolutions(PageId=page["PageArn"])["PageResolutions"]]
    assert path == [plan, akuam]
    refused(lambda: consumer.get_contact(ContactId=akuam), akuam)  # the person is not shared
    refused(lambda: consumer.list_pages_by_contact(ContactId=akuam), akuam)


def test_a_shared_person_shares_the_pages_sent_to_it_by_any_engagement(owner: Any, akuam: str) -> None:
    target = {"ContactTargetInfo": {"ContactId": akuam, "IsEssential": True}}
    stages = [{"DurationInMinutes": 5, "Targets": [target]}]
    private = owner.create_contact(Alias="private", Type="ESCALATION", Plan={"Stages": stages})["ContactArn"]
    owner.put_contact_policy(ContactArn=akuam, Policy=policy("akuam"))
    engagement = engage(owner, private)
    consumer = contacts_in(CONSUMER)
    (page,) = consumer.list_pages_by_contact(ContactId=akuam)["Pages"]
    assert page["EngagementArn"] == engagement
    assert consumer.describe_page(PageId=page["PageArn"])["ContactArn"] == akuam
    refused(lambda: consumer.describe_engagement(EngagementId=engagement), engagement)  # the plan is not shared
