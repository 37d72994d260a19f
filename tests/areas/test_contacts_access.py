"""moto's IAM enforcement applied to ssm-contacts (``ssm-contacts:<Operation>``), alone and with contact policies."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import set_initial_no_auth_action_count

from ssm_incidents_mock import mock_incident_manager
from tests.support import assert_error, role_session, user_client

OWNER, CONSUMER = "123456789012", "111122223333"
REGION = "us-east-1"
AKUAM = f"arn:aws:ssm-contacts:{REGION}:{OWNER}:contact/akuam"
ZED = AKUAM.replace("akuam", "zed")


def setup_contacts() -> Any:
    """The owner's replication set and two contacts, made by the default (admin) identity: 3 calls."""
    boto3.client("ssm-incidents", region_name=REGION).create_replication_set(regions={REGION: {}})
    owner = boto3.client("ssm-contacts", region_name=REGION)
    for alias in ("akuam", "zed"):
        owner.create_contact(Alias=alias, Type="PERSONAL", Plan={"Stages": []})
    return owner


def denied(call: Any, *fragments: str) -> None:
    with pytest.raises(ClientError) as exc_info:
        call()
    assert_error(exc_info, "AccessDeniedException", 403, *fragments)


@mock_incident_manager
def test_identity_policies_decide_each_ssm_contacts_call() -> None:
    @set_initial_no_auth_action_count(6)  # 3 Incident Manager + 3 IAM setup calls run unauthenticated
    def run() -> None:
        setup_contacts()
        c = user_client(
            [
                {"Effect": "Allow", "Action": "ssm-contacts:GetContact", "Resource": AKUAM},
                {"Effect": "Allow", "Action": "ssm-contacts:List*", "Resource": "*"},
                {"Effect": "Deny", "Action": "ssm-contacts:ListEngagements", "Resource": "*"},
            ],
            "ssm-contacts",
        )
        user = f"User: arn:aws:iam::{OWNER}:user/alice is not authorized to perform"
        assert c.get_contact(ContactId=AKUAM)["Alias"] == "akuam"
        assert [x["Alias"] for x in c.list_contacts()["Contacts"]] == ["akuam", "zed"]
        denied(lambda: c.get_contact(ContactId=ZED), user, f"ssm-contacts:GetContact on resource: {ZED}")
        denied(
            lambda: c.create_contact(Alias="new", Type="PERSONAL", Plan={"Stages": []}),
            f"{user}: ssm-contacts:CreateContact on resource: *",
            "because no identity-based policy allows the ssm-contacts:CreateContact action",
        )
        denied(lambda: c.list_engagements(), "ssm-contacts:ListEngagements", "with an explicit deny")
        denied(lambda: c.start_engagement(ContactId=AKUAM, Sender="s", Subject="s", Content="c"), AKUAM)

    run()
    owner = boto3.client("ssm-contacts", region_name=REGION)  # auth is off again
    assert [x["Alias"] for x in owner.list_contacts()["Contacts"]] == ["akuam", "zed"]  # nothing was made
    assert owner.list_engagements()["Engagements"] == []


@mock_incident_manager
def test_unknown_keys_are_refused_for_ssm_contacts() -> None:
    @set_initial_no_auth_action_count(0)
    def run() -> None:
        unknown = boto3.client(
            "ssm-contacts", region_name=REGION, aws_access_key_id="AKIAUNKNOWN0000000000", aws_secret_access_key="x"
        )
        with pytest.raises(ClientError) as exc_info:
            unknown.list_contacts()
        assert_error(
            exc_info, "UnrecognizedClientException", 403, "The security token included in the request is invalid."
        )

    run()


@mock_incident_manager
def test_another_account_needs_both_its_identity_policy_and_the_contact_policy() -> None:
    """IAM on and a real cross-account caller: the consumer's role policy and the owner's contact policy."""
    owner = setup_contacts()
    statement = {"Effect": "Allow", "Principal": {"AWS": CONSUMER}, "Action": "ssm-contacts:GetContact"}
    owner.put_contact_policy(ContactArn=AKUAM, Policy=json.dumps({"Statement": [{**statement, "Resource": AKUAM}]}))
    allowed = [{"Effect": "Allow", "Action": "ssm-contacts:*", "Resource": "*"}]
    responder = role_session(CONSUMER, "responder", allowed, "ssm-contacts")
    bystander = role_session(CONSUMER, "bystander", None, "ssm-contacts")

    @set_initial_no_auth_action_count(0)
    def check() -> None:
        assert responder.get_contact(ContactId=AKUAM)["Alias"] == "akuam"  # both policies allow it
        assert [x["ContactArn"] for x in responder.list_contacts()["Contacts"]] == [AKUAM]
        denied(  # its identity policy does not
            lambda: bystander.get_contact(ContactId=AKUAM),
            "assumed-role/bystander/session is not authorized",
            "no identity-based policy",
        )
        denied(lambda: responder.get_contact(ContactId=ZED), ZED, "no resource-based policy")  # not shared
        denied(  # the contact policy grants GetContact only
            lambda: responder.start_engagement(ContactId=AKUAM, Sender="s", Subject="s", Content="c"),
            "ssm-contacts:StartEngagement",
            "no resource-based policy",
        )
        denied(lambda: responder.update_contact(ContactId=AKUAM, DisplayName="x"), "no resource-based policy")

    check()
    assert owner.list_engagements()["Engagements"] == []
    assert "DisplayName" not in owner.get_contact(ContactId=AKUAM)
