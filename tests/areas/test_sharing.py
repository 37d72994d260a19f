"""Sharing a response plan by resource policy, seen from the owner's and the consumer's side."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import assert_error
from tests.support import signed_by

OWNER, CONSUMER, STRANGER = "123456789012", "111122223333", "444455556666"
TEMPLATE = {"title": "t", "impact": 3}
GRANTED = [
    "ssm-incidents:GetResponsePlan",
    "ssm-incidents:StartIncident",
    "ssm-incidents:GetIncidentRecord",
    "ssm-incidents:UpdateIncidentRecord",
    "ssm-incidents:*TimelineEvent*",
]


def client_in(account: str, role: str = "responder") -> Any:
    creds = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="session"
    )["Credentials"]
    return signed_by(creds)


def share(owner: Any, plan: str, principal: Any, actions: list[str] = GRANTED) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": actions,
        "Resource": [plan, f"arn:aws:ssm-incidents:*:{OWNER}:incident-record/{plan.rsplit('/', 1)[1]}/*"],
    }
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return str(owner.put_resource_policy(resourceArn=plan, policy=document)["policyId"])


@pytest.fixture
def plan(ssm_incidents_onboarded: Any) -> str:
    return str(ssm_incidents_onboarded.create_response_plan(name="shared", incidentTemplate=TEMPLATE)["arn"])


def plan_arns(client: Any) -> list[str]:
    return [p["arn"] for p in client.list_response_plans()["responsePlanSummaries"]]


def refused(call: Any, resource: str) -> None:
    with pytest.raises(ClientError) as exc_info:
        call()
    assert_error(exc_info, "AccessDeniedException", 403, resource, "no resource-based policy allows")


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": CONSUMER},
        {"AWS": f"arn:aws:iam::{CONSUMER}:root"},
        {"AWS": [f"arn:aws:iam::{CONSUMER}:role/responder"]},
        "*",
    ],
    ids=["account id", "root", "role", "star"],
)
def test_shared_plan_is_listed_and_usable_by_the_consumer(
    ssm_incidents_onboarded: Any, plan: str, principal: Any
) -> None:
    owner = ssm_incidents_onboarded
    past = owner.start_incident(responsePlanArn=plan, title="past")["incidentRecordArn"]
    consumer = client_in(CONSUMER)
    refused(lambda: consumer.get_response_plan(arn=plan), plan)
    assert plan_arns(consumer) == []
    share(owner, plan, principal)
    assert plan_arns(consumer) == [plan]
    assert consumer.get_response_plan(arn=plan)["name"] == "shared"
    incident = consumer.start_incident(responsePlanArn=plan, title="from consumer")["incidentRecordArn"]
    assert incident.startswith(f"arn:aws:ssm-incidents::{OWNER}:incident-record/shared/")
    listed = [r["arn"] for r in consumer.list_incident_records()["incidentRecordSummaries"]]
    assert listed == [incident, past]  # past and new incidents of the plan, newest first
    consumer.update_incident_record(arn=past, status="RESOLVED")
    event = consumer.create_timeline_event(
        incidentRecordArn=incident, eventTime="2026-01-01T00:00:00Z", eventType="Note", eventData='"x"'
    )["eventId"]
    # the owner sees what the consumer did: the records are the owner's
    record = owner.get_incident_record(arn=incident)["incidentRecord"]
    assert record["title"] == "from consumer"
    assert record["incidentRecordSource"]["createdBy"].startswith(f"arn:aws:sts::{CONSUMER}:assumed-role/responder/")
    assert owner.get_incident_record(arn=past)["incidentRecord"]["status"] == "RESOLVED"
    assert owner.get_timeline_event(incidentRecordArn=incident, eventId=event)["event"]["eventData"] == '"x"'
    assert [r["arn"] for r in owner.list_incident_records()["incidentRecordSummaries"]] == [incident, past]
    assert plan_arns(owner) == [plan]


def test_other_accounts_and_owner_only_actions_are_refused_and_change_nothing(
    ssm_incidents_onboarded: Any, plan: str
) -> None:
    owner = ssm_incidents_onboarded
    share(owner, plan, {"AWS": CONSUMER}, ["ssm-incidents:GetResponsePlan", "ssm-incidents:GetIncidentRecord"])
    incident = owner.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    stranger, consumer = client_in(STRANGER), client_in(CONSUMER)
    refused(lambda: stranger.get_response_plan(arn=plan), plan)
    refused(lambda: stranger.start_incident(responsePlanArn=plan), plan)
    refused(lambda: stranger.get_incident_record(arn=incident), incident)
    assert plan_arns(stranger) == [] and stranger.list_incident_records()["incidentRecordSummaries"] == []
    # the consumer gets only what the policy grants; tags, policies and the plan itself stay the owner's
    assert consumer.get_incident_record(arn=incident)["incidentRecord"]["arn"] == incident
    refused(lambda: consumer.update_incident_record(arn=incident, title="changed"), incident)
    refused(lambda: consumer.start_incident(responsePlanArn=plan), plan)
    refused(lambda: consumer.list_tags_for_resource(resourceArn=plan), plan)
    refused(lambda: consumer.tag_resource(resourceArn=incident, tags={"k": "v"}), incident)
    refused(lambda: consumer.update_response_plan(arn=plan, displayName="x"), plan)
    refused(lambda: consumer.delete_response_plan(arn=plan), plan)
    refused(lambda: consumer.delete_incident_record(arn=incident), incident)
    refused(lambda: consumer.put_resource_policy(resourceArn=plan, policy="{}"), plan)
    refused(lambda: stranger.get_response_plan(arn=plan.replace("shared", "missing")), "missing")
    assert owner.get_incident_record(arn=incident)["incidentRecord"]["title"] == "t"
    assert owner.list_tags_for_resource(resourceArn=incident)["tags"] == {}
    assert owner.get_response_plan(arn=plan).get("displayName") is None


def test_deleting_the_policy_stops_sharing(ssm_incidents_onboarded: Any, plan: str) -> None:
    owner, consumer = ssm_incidents_onboarded, client_in(CONSUMER)
    policy_id = share(owner, plan, {"AWS": CONSUMER})
    incident = consumer.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    owner.delete_resource_policy(resourceArn=plan, policyId=policy_id)
    assert plan_arns(consumer) == [] and consumer.list_incident_records()["incidentRecordSummaries"] == []
    refused(lambda: consumer.get_incident_record(arn=incident), incident)
    assert owner.get_incident_record(arn=incident)["incidentRecord"]["arn"] == incident


def test_a_policy_for_another_role_does_not_share_with_this_one(ssm_incidents_onboarded: Any, plan: str) -> None:
    share(ssm_incidents_onboarded, plan, {"AWS": f"arn:aws:iam::{CONSUMER}:role/other"})
    refused(lambda: client_in(CONSUMER).get_response_plan(arn=plan), plan)
    assert client_in(CONSUMER, "other").get_response_plan(arn=plan)["arn"] == plan


def test_the_owners_replication_set_decides_the_regions(ssm_incidents_onboarded: Any, plan: str) -> None:
    share(ssm_incidents_onboarded, plan, {"AWS": CONSUMER})
    consumer = client_in(CONSUMER)
    elsewhere = boto3.client("ssm-incidents", region_name="eu-west-1", **_keys(consumer))
    with pytest.raises(ClientError) as exc_info:
        elsewhere.start_incident(responsePlanArn=plan)
    assert_error(exc_info, "ResourceNotFoundException", 404, f"resources of account {OWNER}", "eu-west-1")
    assert plan_arns(elsewhere) == []


def _keys(client: Any) -> dict[str, str]:
    creds = client._request_signer._credentials
    return {
        "aws_access_key_id": creds.access_key,
        "aws_secret_access_key": creds.secret_key,
        "aws_session_token": creds.token,
    }


def test_a_plan_named_like_the_consumers_account_is_still_the_owners(ssm_incidents_onboarded: Any) -> None:
    """The owner is the ARN's account field, not any digits the ARN happens to contain."""
    owner = ssm_incidents_onboarded
    plan = owner.create_response_plan(name=CONSUMER, incidentTemplate=TEMPLATE)["arn"]
    consumer = client_in(CONSUMER)
    refused(lambda: consumer.get_response_plan(arn=plan), plan)
    share(owner, plan, {"AWS": CONSUMER})
    assert consumer.get_response_plan(arn=plan)["name"] == CONSUMER
