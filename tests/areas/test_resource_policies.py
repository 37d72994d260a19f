"""Resource policies on response plans: put, get (paged), delete."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.support import assert_error, wait_active

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")

PLAN_PREFIX = "arn:aws:ssm-incidents::123456789012:response-plan/"


def policy_for(account: str, sid: str = "share") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"AWS": account},
                    "Action": ["ssm-incidents:GetResponsePlan", "ssm-incidents:StartIncident"],
                    "Resource": [PLAN_PREFIX + "plan"],
                }
            ],
        }
    )


def policies_of(client: Any, arn: str) -> list[dict[str, str]]:
    policies: list[dict[str, str]] = client.get_resource_policies(resourceArn=arn)["resourcePolicies"]
    return policies


def test_put_returns_an_id_and_get_returns_the_document(ssm_incidents: Any, plan: str) -> None:
    document = policy_for("111122223333")
    response = ssm_incidents.put_resource_policy(resourceArn=plan, policy=document)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    policy_id = response["policyId"]
    assert re.fullmatch(r"[0-9a-f]{32}", policy_id)
    assert policies_of(ssm_incidents, plan) == [
        {"policyDocument": document, "policyId": policy_id, "ramResourceShareRegion": "us-east-1"}
    ]


def test_each_put_adds_a_policy(ssm_incidents: Any, plan: str) -> None:
    first = ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy_for("111122223333"))["policyId"]
    second = ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy_for("111122223333"))["policyId"]
    assert first != second
    assert [p["policyId"] for p in policies_of(ssm_incidents, plan)] == [first, second]


def test_share_region_is_where_the_policy_was_put(ssm_incidents: Any, plan: str) -> None:
    (replication_set,) = ssm_incidents.list_replication_sets()["replicationSetArns"]
    wait_active(ssm_incidents, replication_set)
    ssm_incidents.update_replication_set(
        arn=replication_set, actions=[{"addRegionAction": {"regionName": "eu-west-1"}}]
    )
    europe = boto3.client("ssm-incidents", region_name="eu-west-1")
    policy_id = europe.put_resource_policy(resourceArn=plan, policy=policy_for("111122223333"))["policyId"]
    (policy,) = policies_of(ssm_incidents, plan)
    assert (policy["policyId"], policy["ramResourceShareRegion"]) == (policy_id, "eu-west-1")


def test_get_resource_policies_pages(ssm_incidents: Any, plan: str) -> None:
    ids = [
        ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy_for("111122223333", f"s{i}"))["policyId"]
        for i in range(3)
    ]
    first = ssm_incidents.get_resource_policies(resourceArn=plan, maxResults=2)
    assert [p["policyId"] for p in first["resourcePolicies"]] == ids[:2]
    second = ssm_incidents.get_resource_policies(resourceArn=plan, maxResults=2, nextToken=first["nextToken"])
    assert [p["policyId"] for p in second["resourcePolicies"]] == ids[2:]
    assert "nextToken" not in second
    pages = ssm_incidents.get_paginator("get_resource_policies").paginate(
        resourceArn=plan, PaginationConfig={"PageSize": 1}
    )
    assert [p["policyId"] for page in pages for p in page["resourcePolicies"]] == ids


def test_a_token_is_bound_to_its_plan(ssm_incidents: Any, plan: str) -> None:
    other = ssm_incidents.create_response_plan(name="other", incidentTemplate={"title": "t", "impact": 3})["arn"]
    for _ in range(2):
        ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy_for("111122223333"))
    token = ssm_incidents.get_resource_policies(resourceArn=plan, maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_resource_policies(resourceArn=other, nextToken=token)
    assert_error(exc_info, "ValidationException", 400, "nextToken")


def test_get_resource_policies_sends_the_arn_in_the_query(ssm_incidents: Any, plan: str) -> None:
    seen: list[Any] = []
    ssm_incidents.meta.events.register(
        "before-send.ssm-incidents.GetResourcePolicies", lambda request, **_: seen.append(request)
    )
    assert policies_of(ssm_incidents, plan) == []
    assert "resourceArn=arn%3Aaws%3Assm-incidents" in seen[0].url


@pytest.mark.parametrize(
    ("policy", "fragment"),
    [
        ("", "not a valid JSON document"),
        ("{not json", "not a valid JSON document"),
        ("[]", "must be a JSON object"),
        ('{"Version": "2012-10-17"}', "at least one statement"),
        ('{"Statement": []}', "at least one statement"),
        ('{"Statement": ["x"]}', "at least one statement"),
        ('{"Statement": [{"Effect": "Deny", "Action": "*"}]}', "effect Allow"),
    ],
)
def test_invalid_policies_are_rejected(ssm_incidents: Any, plan: str, policy: str, fragment: str) -> None:
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy)
    assert_error(exc_info, "ValidationException", 400, fragment)
    assert policies_of(ssm_incidents, plan) == []


def statement(**members: Any) -> str:
    """A policy of one statement: a valid one, with ``members`` replaced (``None`` removes a member)."""
    base = {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "ssm-incidents:*", "Resource": "*"}
    merged = {k: v for k, v in {**base, **members}.items() if v is not None}
    return json.dumps({"Version": "2012-10-17", "Statement": [merged]})


@pytest.mark.parametrize(
    ("policy", "fragment"),
    [
        (statement(Principal={"AWS": 123}), "a non-empty list of non-empty strings"),
        (statement(Principal={"AWS": [["111122223333"]]}), "a non-empty list of non-empty strings"),
        (statement(Principal={"AWS": []}), "a non-empty list of non-empty strings"),
        (statement(Principal={"Nobody": "x"}), 'a principal must be "*" or an object'),
        (statement(Principal=None), "exactly one of Principal and NotPrincipal"),
        (statement(Principal=[]), 'a principal must be "*" or an object'),
        (
            json.dumps({"Statement": [{"Effect": "Allow", "Principal": None, "Action": "*", "Resource": "*"}]}),
            "principal",
        ),
        (statement(Action=5), "Action must be a non-empty string"),
        (statement(Action=None), "exactly one of Action and NotAction"),
        (statement(Action="GetResponsePlan"), "prefaced by a vendor"),
        (statement(Action="ssm-incidents:Get:Plan"), "prefaced by a vendor"),
        (statement(Resource=[]), "Resource must be a non-empty string"),
        (statement(Resource=""), "Resource must be a non-empty string"),
        (statement(Resource=[None]), "Resource must be a non-empty string"),
        (statement(Resource="plan"), 'must be in ARN format or "*"'),
        (statement(NotResource="*"), "exactly one of Resource and NotResource"),
        (statement(Condition={"StringEquals": {"aws:PrincipalAccount": {"nested": "x"}}}), "Condition must map"),
        (statement(Condition={"StringEquals": {"aws:PrincipalAccount": [None]}}), "Condition must map"),
        (statement(Condition={"StringEquals": "111122223333"}), "Condition must map"),
        (statement(Sid=7), "Sid must be a string"),
        (statement(Extra="x"), "unknown element 'Extra'"),
        ('{"Statement": {"Effect": "Allow"}, "Owner": "me"}', "unknown element 'Owner'"),
        ('{"Version": "2020-01-01", "Statement": {"Effect": "Allow"}}', "Version must be one of"),
        ('{"Version": 2012, "Statement": {"Effect": "Allow"}}', "Version must be one of"),
        ('{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": NaN}}', "not a valid JSON"),
        ("[" * 1999 + "]" * 1999, "not a valid JSON document"),
        (
            json.dumps({"Statement": [json.loads(statement(Sid="a"))["Statement"][0]] * 2}),
            "Statement IDs (SID) in a single policy must be unique",
        ),
    ],
)
def test_policies_outside_the_iam_grammar_are_rejected(
    ssm_incidents: Any, plan: str, policy: str, fragment: str
) -> None:
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy)
    assert_error(exc_info, "ValidationException", 400, fragment)
    assert policies_of(ssm_incidents, plan) == []


@pytest.mark.parametrize(
    "policy",
    [
        statement(Condition={"StringEquals": {"aws:PrincipalAccount": 111122223333}}),  # IAM allows numbers
        statement(Condition={"Bool": {"aws:SecureTransport": True}, "NumericLessThan": {"x:y": [1.5, 2]}}),
        statement(Resource=f"{PLAN_PREFIX}[p]lan?.*"),  # only * and ? are wildcards
        statement(Principal="*", Action=None, NotAction="ssm-incidents:DeleteResponsePlan"),
        statement(Principal={"AWS": ["111122223333", "*"], "Service": "events.amazonaws.com"}),
        json.dumps({"Statement": json.loads(statement(Sid="a"))["Statement"][0]}),  # no Version, one statement
    ],
)
def test_policies_within_the_iam_grammar_are_stored(ssm_incidents: Any, plan: str, policy: str) -> None:
    policy_id = ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy)["policyId"]
    assert [(p["policyId"], p["policyDocument"]) for p in policies_of(ssm_incidents, plan)] == [(policy_id, policy)]


def test_policy_longer_than_the_model_allows_is_rejected(ssm_incidents: Any, plan: str) -> None:
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Sid": "x" * 4000}]})
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy)
    assert_error(exc_info, "ValidationException", 400, "at 'policy'", "less than or equal to 4000")
    assert policies_of(ssm_incidents, plan) == []


def test_delete_removes_only_that_policy(ssm_incidents: Any, plan: str) -> None:
    gone = ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy_for("111122223333"))["policyId"]
    kept = ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy_for("444455556666"))["policyId"]
    response = ssm_incidents.delete_resource_policy(resourceArn=plan, policyId=gone)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert [p["policyId"] for p in policies_of(ssm_incidents, plan)] == [kept]


def test_delete_unknown_policy_is_not_found(ssm_incidents: Any, plan: str) -> None:
    kept = ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy_for("111122223333"))["policyId"]
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.delete_resource_policy(resourceArn=plan, policyId="0" * 32)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, "0" * 32)
    assert response["resourceType"] == "RESOURCE_POLICY"
    assert response["resourceIdentifier"] == "0" * 32
    assert [p["policyId"] for p in policies_of(ssm_incidents, plan)] == [kept]


@pytest.mark.parametrize(
    "arn",
    [PLAN_PREFIX + "nope", "arn:aws:ssm-incidents::123456789012:replication-set/00000000-0000-0000-0000-000000000000"],
)
def test_policies_exist_only_on_existing_response_plans(ssm_incidents: Any, arn: str) -> None:
    for call in (
        lambda: ssm_incidents.put_resource_policy(resourceArn=arn, policy=policy_for("111122223333")),
        lambda: ssm_incidents.get_resource_policies(resourceArn=arn),
        lambda: ssm_incidents.delete_resource_policy(resourceArn=arn, policyId="0" * 32),
    ):
        with pytest.raises(ClientError) as exc_info:
            call()
        response = assert_error(exc_info, "ResourceNotFoundException", 404, arn)
        assert response["resourceType"] == "RESPONSE_PLAN"


def test_policies_go_with_their_plan(ssm_incidents: Any, plan: str) -> None:
    ssm_incidents.put_resource_policy(resourceArn=plan, policy=policy_for("111122223333"))
    ssm_incidents.delete_response_plan(arn=plan)
    with pytest.raises(ClientError) as exc_info:
        policies_of(ssm_incidents, plan)
    assert_error(exc_info, "ResourceNotFoundException", 404)
    ssm_incidents.create_response_plan(name="plan", incidentTemplate={"title": "t", "impact": 3})
    assert policies_of(ssm_incidents, plan) == []


def test_malformed_arn_is_rejected_by_the_model(ssm_incidents: Any) -> None:
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.put_resource_policy(resourceArn="plan", policy=policy_for("111122223333"))
    assert_error(exc_info, "ValidationException", 400, "Value 'plan' at 'resourceArn'", "regular expression pattern")
