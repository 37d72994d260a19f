"""moto's IAM enforcement applied to ssm-incidents: on with set_initial_no_auth_action_count, off by default."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import set_initial_no_auth_action_count

from ssm_incidents_mock import mock_ssm_incidents
from tests.conftest import assert_error
from tests.support import role_session, user_client

ACCOUNT = "123456789012"
PLAN_A = f"arn:aws:ssm-incidents::{ACCOUNT}:response-plan/plan-a"


def setup_incident() -> str:
    admin = boto3.client("ssm-incidents", region_name="us-east-1")
    admin.create_replication_set(regions={"us-east-1": {}})
    admin.create_response_plan(name="plan-a", incidentTemplate={"title": "t", "impact": 3})
    admin.create_response_plan(name="plan-b", incidentTemplate={"title": "t", "impact": 3})
    return str(admin.start_incident(responsePlanArn=PLAN_A)["incidentRecordArn"])


def denied(call: Any, *fragments: str) -> None:
    with pytest.raises(ClientError) as exc_info:
        call()
    assert_error(exc_info, "AccessDeniedException", 403, "User: arn:aws:iam::123456789012:user/alice", *fragments)


@mock_ssm_incidents
def test_identity_policies_decide_each_call() -> None:
    @set_initial_no_auth_action_count(7)  # 4 ssm-incidents + 3 IAM setup calls run unauthenticated
    def run() -> None:
        incident = setup_incident()
        c = user_client(
            [
                {
                    "Effect": "Allow",
                    "Action": "ssm-incidents:Get*",
                    "Resource": f"{PLAN_A.replace('response-plan', '*')}*",
                },
                {"Effect": "Allow", "Action": "ssm-incidents:ListResponsePlans", "Resource": "*"},
                {"Effect": "Deny", "Action": "ssm-incidents:GetResponsePlan", "Resource": PLAN_A},
            ]
        )
        assert c.get_incident_record(arn=incident)["incidentRecord"]["arn"] == incident  # record and plan allowed
        assert len(c.list_response_plans()["responsePlanSummaries"]) == 2
        denied(
            lambda: c.list_incident_records(),
            "ssm-incidents:ListIncidentRecords on resource: *",
            "because no identity-based policy allows the ssm-incidents:ListIncidentRecords action",
        )
        denied(lambda: c.get_response_plan(arn=PLAN_A), PLAN_A, "with an explicit deny in an identity-based policy")
        plan_b = PLAN_A.replace("plan-a", "plan-b")
        denied(lambda: c.get_response_plan(arn=plan_b), f"GetResponsePlan on resource: {plan_b}")
        denied(lambda: c.start_incident(responsePlanArn=PLAN_A), "ssm-incidents:StartIncident")
        assert len(boto3.client("ssm-incidents", region_name="us-east-1").meta.service_model.operation_names) == 31

    run()


@mock_ssm_incidents
def test_incident_operations_need_the_record_and_its_plan() -> None:
    @set_initial_no_auth_action_count(7)
    def run() -> None:
        incident = setup_incident()
        c = user_client([{"Effect": "Allow", "Action": "ssm-incidents:*", "Resource": f"{incident}"}])
        denied(lambda: c.get_incident_record(arn=incident), f"GetIncidentRecord on resource: {PLAN_A}")
        denied(lambda: c.update_incident_record(arn=incident, title="x"), PLAN_A)

    run()


@mock_ssm_incidents
def test_identity_policy_wildcards_are_only_star_and_question_mark() -> None:
    """moto matches policies as regular expressions; IAM's only wildcards are ``*`` and ``?``."""

    @set_initial_no_auth_action_count(7)
    def run() -> None:
        setup_incident()
        plan_b = PLAN_A.replace("plan-a", "plan-b")
        c = user_client(
            [
                {"Effect": "Allow", "Action": "ssm-incidents:GetResponse.lan", "Resource": "*"},
                {"Effect": "Allow", "Action": "ssm-incidents:getresponseplan", "Resource": PLAN_A[:-2] + "?a"},
                {"Effect": "Allow", "Action": "ssm-incidents:List*", "Resource": f"{plan_b[:-6]}[a-z]lan-b"},
                {"Effect": "Deny", "Action": "ssm-incidents:GetResponsePlan", "Resource": plan_b + "?"},
            ]
        )
        assert c.get_response_plan(arn=PLAN_A)["arn"] == PLAN_A  # "?" is one character; names ignore case
        denied(lambda: c.get_response_plan(arn=plan_b), "because no identity-based policy allows")  # "." is "."
        denied(lambda: c.list_tags_for_resource(resourceArn=plan_b), "ListTagsForResource")  # "[a-z]" is itself

    run()


@mock_ssm_incidents
def test_unknown_key_and_wrong_secret_are_refused() -> None:
    @set_initial_no_auth_action_count(3)
    def run() -> None:
        good = user_client([{"Effect": "Allow", "Action": "ssm-incidents:*", "Resource": "*"}])
        assert good.list_replication_sets()["replicationSetArns"] == []
        unknown = boto3.client(
            "ssm-incidents",
            region_name="us-east-1",
            aws_access_key_id="AKIAUNKNOWN0000000000",
            aws_secret_access_key="x",
        )
        with pytest.raises(ClientError) as exc_info:
            unknown.list_replication_sets()
        assert_error(
            exc_info, "UnrecognizedClientException", 403, "The security token included in the request is invalid."
        )
        key = good._request_signer._credentials.access_key
        wrong = boto3.client("ssm-incidents", region_name="us-east-1", aws_access_key_id=key, aws_secret_access_key="x")
        with pytest.raises(ClientError) as exc_info:
            wrong.get_replication_set(arn="arn:aws:ssm-incidents::123456789012:replication-set/x")
        assert_error(exc_info, "InvalidSignatureException", 403, "signature we calculated does not match")

    run()


def test_auth_off_by_default_accepts_any_key(ssm_incidents_onboarded: Any) -> None:
    c = boto3.client(
        "ssm-incidents", region_name="us-east-1", aws_access_key_id="AKIAUNKNOWN0000000000", aws_secret_access_key="x"
    )
    assert c.list_replication_sets()["replicationSetArns"]
    c.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})


CONSUMER = "111122223333"


@mock_ssm_incidents
def test_another_account_needs_both_its_identity_policy_and_the_owners_resource_policy() -> None:
    """IAM on and a real cross-account caller: the consumer's role policy and the plan's resource policy."""
    owner = boto3.client("ssm-incidents", region_name="us-east-1")
    owner.create_replication_set(regions={"us-east-1": {}})
    plan = owner.create_response_plan(name="plan-a", incidentTemplate={"title": "t", "impact": 3})["arn"]
    unshared = owner.create_response_plan(name="plan-b", incidentTemplate={"title": "t", "impact": 3})["arn"]
    statement = {"Effect": "Allow", "Principal": {"AWS": CONSUMER}, "Action": "ssm-incidents:GetResponsePlan"}
    policy = {"Version": "2012-10-17", "Statement": [{**statement, "Resource": plan}]}
    owner.put_resource_policy(resourceArn=plan, policy=json.dumps(policy))
    allowed = [{"Effect": "Allow", "Action": "ssm-incidents:*", "Resource": "*"}]
    responder = role_session(CONSUMER, "responder", allowed)
    bystander = role_session(CONSUMER, "bystander", None)

    @set_initial_no_auth_action_count(0)
    def check() -> None:
        assert responder.get_response_plan(arn=plan)["arn"] == plan  # both policies allow it
        with pytest.raises(ClientError) as exc_info:  # its identity policy does not
            bystander.get_response_plan(arn=plan)
        assert_error(exc_info, "AccessDeniedException", 403, "assumed-role/bystander/session is not authorized")
        with pytest.raises(ClientError) as exc_info:  # the plan's resource policy does not
            responder.get_response_plan(arn=unshared)
        assert_error(exc_info, "AccessDeniedException", 403)
        with pytest.raises(ClientError) as exc_info:  # the policy grants GetResponsePlan only
            responder.start_incident(responsePlanArn=plan)
        assert_error(exc_info, "AccessDeniedException", 403)

    check()
    assert owner.list_incident_records()["incidentRecordSummaries"] == []
