"""Misuse of sharing and of the request's scope: one account's policies never break or widen another's
access, and headers never move a signed request to another partition."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import set_initial_no_auth_action_count

from ssm_incidents_mock import SSMIncidentsMock
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from ssm_incidents_mock.ssm_incidents.records import ResourcePolicy
from tests.support import assert_error, client, create_plan, unchecked

OWNER, CONSUMER, STRANGER = "123456789012", "111122223333", "444455556666"
PLAN = f"arn:aws:ssm-incidents::{OWNER}:response-plan/plan"


def as_account(account: str, region: str = "us-east-1") -> Any:
    """A client of another account (moto's account header), sending every value to the service."""
    c = unchecked(region)
    c.meta.events.register(
        "before-sign.ssm-incidents", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
    )
    return c


def shared_plans(c: Any) -> list[str]:
    return [p["arn"] for p in c.list_response_plans()["responsePlanSummaries"]]


def put(owner: Any, **statement: Any) -> None:
    document = {"Effect": "Allow", "Principal": {"AWS": CONSUMER}, "Action": "ssm-incidents:*", "Resource": "*"}
    document.update(statement)
    document = {k: v for k, v in document.items() if v is not None or k == "Principal"}
    owner.put_resource_policy(resourceArn=PLAN, policy=json.dumps({"Version": "2012-10-17", "Statement": document}))


@pytest.mark.parametrize(
    "statement",
    [
        {"Principal": {"AWS": 123}},
        {"Principal": None},
        {"Principal": {"AWS": [[CONSUMER]]}},
        {"Action": 5},
        {"Action": [["ssm-incidents:*"]]},
        {"Condition": {"StringEquals": {"aws:PrincipalAccount": {"a": 1}}}},
        {"Resource": []},
        {"Resource": ""},
    ],
)
def test_a_policy_put_with_bad_values_is_refused_and_breaks_no_listing(
    ssm_incidents_onboarded: Any, statement: dict[str, Any]
) -> None:
    owner = ssm_incidents_onboarded
    create_plan(owner)
    with pytest.raises(ClientError) as exc_info:
        put(owner, **statement)
    assert_error(exc_info, "ValidationException", 400, "policy")
    for other in (as_account(CONSUMER), as_account(STRANGER)):
        assert shared_plans(other) == []
        assert other.list_incident_records()["incidentRecordSummaries"] == []


def test_a_stored_policy_that_does_not_parse_shares_nothing_and_breaks_no_listing(
    ssm_incidents_onboarded: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    """A document placed in the backend directly (no API stores one) is read as granting nothing."""
    owner = ssm_incidents_onboarded
    create_plan(owner)
    other_plan = create_plan(owner, "other")
    incident = owner.start_incident(responsePlanArn=other_plan)["incidentRecordArn"]
    broken = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": 123}, "Action": 5, "Resource": "["}]}'
    mocked_ssm_incidents.backend(OWNER).response_plans[PLAN].policies["x"] = ResourcePolicy(broken, "us-east-1", 0)
    statement = {"Effect": "Allow", "Principal": {"AWS": CONSUMER}, "Action": "ssm-incidents:Get*", "Resource": "*"}
    owner.put_resource_policy(resourceArn=other_plan, policy=json.dumps({"Statement": statement}))
    consumer = as_account(CONSUMER)
    assert shared_plans(consumer) == [other_plan]
    assert [r["arn"] for r in consumer.list_incident_records()["incidentRecordSummaries"]] == [incident]
    with pytest.raises(ClientError) as exc_info:
        consumer.get_response_plan(arn=PLAN)
    assert_error(exc_info, "AccessDeniedException", 403, "no resource-based policy allows")


@pytest.mark.parametrize(
    ("statement", "shares"),
    [
        ({"Resource": PLAN}, True),
        ({"Resource": PLAN[:-1] + "."}, False),  # "." is itself, not any character
        ({"Resource": PLAN[:-1] + "?"}, True),  # "?" is exactly one character
        ({"Resource": PLAN + "?"}, False),  # ... never none
        ({"Resource": PLAN[:-2] + "[a-z]n"}, False),
        ({"Resource": PLAN[:-4] + "(plan|x)"}, False),
        ({"Resource": PLAN[:-4] + "p*"}, True),
        ({"Resource": PLAN + "\\"}, False),
        ({"Action": "ssm-incidents:GetResponse.lan"}, False),
        ({"Action": "ssm-incidents:GetResponse?lan"}, True),
        ({"Action": "ssm-incidents:GetResponsePla+"}, False),
        ({"Action": "SSM-Incidents:getresponseplan"}, True),  # action names ignore case
        ({"Resource": PLAN[:-4] + "PLAN"}, False),  # ARNs do not
        ({"Condition": {"StringEquals": {"aws:PrincipalAccount": int(CONSUMER)}}}, True),  # numbers compare as text
        ({"Condition": {"StringEquals": {"aws:PrincipalAccount": int(STRANGER)}}}, False),
        ({"Condition": {"StringLike": {"aws:PrincipalArn": f"arn:aws:sts::{CONSUMER[:-1]}.:*"}}}, False),
        ({"Condition": {"StringLike": {"aws:PrincipalArn": f"arn:aws:sts::{CONSUMER[:-1]}?:*"}}}, True),
    ],
)
def test_wildcards_are_only_star_and_question_mark(
    ssm_incidents_onboarded: Any, statement: dict[str, Any], shares: bool
) -> None:
    create_plan(ssm_incidents_onboarded)
    put(ssm_incidents_onboarded, **statement)
    assert shared_plans(as_account(CONSUMER)) == ([PLAN] if shares else [])
    assert shared_plans(as_account(STRANGER)) == []


def test_not_action_shares_every_other_action_and_nothing_else(ssm_incidents_onboarded: Any) -> None:
    create_plan(ssm_incidents_onboarded)
    put(ssm_incidents_onboarded, Action=None, NotAction="ssm-incidents:StartIncident")
    consumer = as_account(CONSUMER)
    assert consumer.get_response_plan(arn=PLAN)["arn"] == PLAN
    with pytest.raises(ClientError) as exc_info:
        consumer.start_incident(responsePlanArn=PLAN)
    assert_error(exc_info, "AccessDeniedException", 403)


# --------------------------------------------------------------------------- the partition of a request


def cn_and_aws_plans(endpoint_url: str | None = None) -> None:
    """One plan in each partition of the default account."""
    for region, name in (("us-east-1", "in-aws"), ("cn-north-1", "in-china")):
        c = client(region, endpoint_url=endpoint_url)
        c.create_replication_set(regions={region: {}})
        c.create_response_plan(name=name, incidentTemplate={"title": "t", "impact": 3})


def claiming_region(c: Any, region: str) -> Any:
    """The client with ``region/<region>`` added to its User-Agent (moto reads a region there)."""

    def add(request: Any, **_: Any) -> None:
        request.headers["User-Agent"] = f"{request.headers['User-Agent']} region/{region}"

    c.meta.events.register("before-sign.ssm-incidents", add)
    return c


def plan_names(c: Any) -> list[str]:
    return [p["name"] for p in c.list_response_plans()["responsePlanSummaries"]]


def test_a_signed_user_cannot_reach_another_partition_through_the_user_agent(
    mocked_ssm_incidents: SSMIncidentsMock, server: ThreadedSSMIncidentsServer
) -> None:
    cn_and_aws_plans(server.url)
    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="alice")
    allow = {"Effect": "Allow", "Action": "ssm-incidents:*", "Resource": "*"}
    iam.put_user_policy(
        UserName="alice", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [allow]})
    )
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    alice = boto3.client(
        "ssm-incidents",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id=key["AccessKeyId"],
        aws_secret_access_key=key["SecretAccessKey"],
    )

    @set_initial_no_auth_action_count(0)
    def check() -> None:
        assert plan_names(claiming_region(alice, "cn-north-1")) == ["in-aws"]

    check()


def test_the_signed_region_decides_over_the_user_agent_and_the_host(
    mocked_ssm_incidents: SSMIncidentsMock, server: ThreadedSSMIncidentsServer
) -> None:
    cn_and_aws_plans(server.url)
    assert plan_names(claiming_region(client("us-east-1", endpoint_url=server.url), "cn-north-1")) == ["in-aws"]
    assert plan_names(claiming_region(client("cn-north-1", endpoint_url=server.url), "us-east-1")) == ["in-china"]
    china_host = "https://ssm-incidents.cn-north-1.amazonaws.com.cn"
    assert plan_names(boto3.client("ssm-incidents", region_name="us-east-1", endpoint_url=china_host)) == ["in-aws"]
