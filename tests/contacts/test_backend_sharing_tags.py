"""Tags, contact policies and sharing with other accounts."""

from __future__ import annotations

import json

import pytest

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts import access
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend, contact_allows, ssmcontacts_backends
from tests.support.contacts import REGION, channel, onboard, personal, raises, render, rotation

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "SharePolicyForDocumentation",
            "Effect": "Allow",
            "Principal": {"AWS": "CONSUMER"},
            "Action": ["ssm-contacts:GetContact", "ssm-contacts:StartEngagement"],
            "Resource": [
                "arn:aws:ssm-contacts:*:OWNER:contact/akuam",
                "arn:aws:ssm-contacts:*:OWNER:engagement/akuam/*",
            ],
        }
    ],
}


def policy_for(owner: str, consumer: str) -> str:
    return json.dumps(POLICY).replace("OWNER", owner).replace("CONSUMER", consumer)


def test_tags_of_contacts_and_rotations(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    contact = backend.create_contact(
        ctx, alias="akuam", type="PERSONAL", plan={"Stages": []}, tags=[{"Key": "group1", "Value": "1"}]
    )
    assert render("ListTagsForResource", backend.list_tags_for_resource(ctx, resource_arn=contact)) == {
        "Tags": [{"Key": "group1", "Value": "1"}]
    }
    backend.tag_resource(ctx, resource_arn=contact, tags=[{"Key": "group1", "Value": "2"}, {"Key": "k2", "Value": "v"}])
    assert backend.list_tags_for_resource(ctx, resource_arn=contact) == [
        {"Key": "group1", "Value": "2"},
        {"Key": "k2", "Value": "v"},
    ]
    backend.untag_resource(ctx, resource_arn=contact, tag_keys=["group1", "absent"])
    assert backend.list_tags_for_resource(ctx, resource_arn=contact) == [{"Key": "k2", "Value": "v"}]
    rotation_arn = rotation(backend, ctx, [contact], 0.0)
    assert render("ListTagsForResource", backend.list_tags_for_resource(ctx, resource_arn=rotation_arn)) == {"Tags": []}


def test_tag_rules(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    contact = personal(backend, ctx, "akuam")
    many = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    backend.tag_resource(ctx, resource_arn=contact, tags=many)
    error = raises(
        "TagResource",
        "ServiceQuotaExceededException",
        lambda: backend.tag_resource(ctx, resource_arn=contact, tags=[{"Key": "one-more", "Value": "v"}]),
        "at most 50 tags",
    )
    assert error.members["ResourceType"] == "CONTACT"
    assert len(backend.list_tags_for_resource(ctx, resource_arn=contact)) == 50
    raises(
        "TagResource",
        "ValidationException",
        lambda: backend.tag_resource(ctx, resource_arn=contact, tags=[{"Key": "no-value"}]),
        "needs a Key and a Value",
    )
    raises(
        "CreateContact",
        "ValidationException",
        lambda: backend.create_contact(ctx, alias="x", type="PERSONAL", plan={"Stages": []}, tags=[{"Value": "v"}]),
    )
    assert f"{backend.arn_prefix}contact/x" not in backend.contacts
    own = channel(backend, ctx, contact)
    raises(
        "TagResource",
        "ValidationException",
        lambda: backend.tag_resource(ctx, resource_arn=own, tags=[{"Key": "k", "Value": "v"}]),
        "not supported for contact channel",
    )
    missing = f"{backend.arn_prefix}contact/nobody"
    error = raises("UntagResource", "ResourceNotFoundException", lambda: backend.untag_resource(ctx, missing, ["k"]))
    assert error.members == {"ResourceId": missing, "ResourceType": "CONTACT"}


def test_contact_policies_replace_and_read_back_verbatim(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    contact = personal(backend, ctx, "akuam")
    assert render("GetContactPolicy", backend.get_contact_policy(ctx, contact_arn=contact)) == {"ContactArn": contact}
    first, second = policy_for(ctx.account_id, "222233334444"), policy_for(ctx.account_id, "333344445555")
    backend.put_contact_policy(ctx, contact_arn=contact, policy=first)
    backend.put_contact_policy(ctx, contact_arn=contact, policy=second)
    assert render("GetContactPolicy", backend.get_contact_policy(ctx, contact_arn=contact)) == {
        "ContactArn": contact,
        "Policy": second,
    }


@pytest.mark.parametrize("policy", ["not json", "[]", '{"Statement": []}', '{"Statement": ["x"]}', '{"Version": 1}'])
def test_a_policy_must_be_a_json_object_with_statements(
    backend: SSMContactsBackend, ctx: RequestContext, policy: str
) -> None:
    contact = personal(backend, ctx, "akuam")
    raises("PutContactPolicy", "ValidationException", lambda: backend.put_contact_policy(ctx, contact, policy))
    assert backend.get_contact_policy(ctx, contact_arn=contact).policy is None


def test_a_policy_shares_a_contact_with_the_accounts_it_names(account: str, other_account: str) -> None:
    onboard(account, REGION)
    owner = ssmcontacts_backends[account][REGION]
    owner_ctx = RequestContext(account, REGION)
    contact = personal(owner, owner_ctx, "akuam")
    personal(owner, owner_ctx, "private")
    consumer = RequestContext.acting_as(other_account, REGION, f"arn:aws:iam::{other_account}:user/responder")
    assert owner.contacts_shared_with(consumer) == []
    owner.put_contact_policy(owner_ctx, contact_arn=contact, policy=policy_for(account, other_account))
    assert [c.contact_arn for c in owner.contacts_shared_with(consumer)] == [contact]
    assert contact_allows(owner.contacts[contact], consumer, "StartEngagement")
    assert not contact_allows(owner.contacts[contact], consumer, "DeleteContact")
    stranger = RequestContext.acting_as("999988887777", REGION, "arn:aws:iam::999988887777:root")
    assert owner.contacts_shared_with(stranger) == []

    onboard(other_account, REGION)
    mine = ssmcontacts_backends[other_account][REGION]
    personal(mine, consumer, "zed")
    consumer.shared = access.shared_with(consumer, "ListContacts", mine, {})  # what the dispatcher does
    listed, _ = mine.list_contacts(consumer)
    assert [c.contact_arn.split(":")[4] + "/" + c.alias for c in listed] == [f"{other_account}/zed", f"{account}/akuam"]
    first, token = mine.list_contacts(consumer, max_results=1)
    rest, _ = mine.list_contacts(consumer, next_token=token)
    assert [c.alias for c in first + rest] == ["zed", "akuam"]
    consumer.shared = ()
    assert [c.alias for c in mine.list_contacts(consumer)[0]] == ["zed"]
