"""Tags on response plans, replication sets and incident records."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock
from tests.support import assert_error

PREFIX = "arn:aws:ssm-incidents::123456789012:"


@pytest.fixture
def resources(ssm_incidents: Any) -> dict[str, str]:
    """One taggable resource of each kind, none tagged yet."""
    replication_set = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    ssm_incidents.get_waiter("wait_for_replication_set_active").wait(arn=replication_set, WaiterConfig={"Delay": 0})
    plan = ssm_incidents.create_response_plan(name="plan", incidentTemplate={"title": "t", "impact": 3})["arn"]
    incident = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    return {"replication set": replication_set, "response plan": plan, "incident record": incident}


def tags_of(client: Any, arn: str) -> dict[str, str]:
    tags: dict[str, str] = client.list_tags_for_resource(resourceArn=arn)["tags"]
    return tags


KINDS = ["replication set", "response plan", "incident record"]


@pytest.mark.parametrize("kind", KINDS)
def test_tag_list_and_untag(ssm_incidents: Any, resources: dict[str, str], kind: str) -> None:
    arn = resources[kind]
    assert tags_of(ssm_incidents, arn) == {}
    response = ssm_incidents.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2", "c": "3", "empty": ""})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert tags_of(ssm_incidents, arn) == {"a": "1", "b": "2", "c": "3", "empty": ""}
    response = ssm_incidents.untag_resource(resourceArn=arn, tagKeys=["a", "c", "absent"])
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert tags_of(ssm_incidents, arn) == {"b": "2", "empty": ""}


def test_tagging_overwrites_existing_keys_and_keeps_the_others(ssm_incidents: Any, resources: dict[str, str]) -> None:
    arn = resources["response plan"]
    ssm_incidents.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    ssm_incidents.tag_resource(resourceArn=arn, tags={"b": "new", "c": "3"})
    assert tags_of(ssm_incidents, arn) == {"a": "1", "b": "new", "c": "3"}


def test_tags_are_per_resource(ssm_incidents: Any, resources: dict[str, str]) -> None:
    ssm_incidents.tag_resource(resourceArn=resources["response plan"], tags={"k": "plan"})
    assert tags_of(ssm_incidents, resources["incident record"]) == {}
    assert tags_of(ssm_incidents, resources["replication set"]) == {}


def test_keys_and_values_may_use_every_allowed_character(ssm_incidents: Any, resources: dict[str, str]) -> None:
    arn = resources["response plan"]
    tags = {"Key With Spaces_=@:.+-/,": "value _=@:.+-/", "AWS:upper-case-prefix": "x"}
    ssm_incidents.tag_resource(resourceArn=arn, tags=tags)
    assert tags_of(ssm_incidents, arn) == tags


def test_keys_with_the_aws_prefix_are_rejected(ssm_incidents: Any, resources: dict[str, str]) -> None:
    arn = resources["response plan"]
    ssm_incidents.tag_resource(resourceArn=arn, tags={"keep": "me"})
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.tag_resource(resourceArn=arn, tags={"aws:owner": "x", "fine": "y"})
    assert_error(exc_info, "ValidationException", 400, "at 'tags'", "Map keys must satisfy constraint", "^(?!aws:)")
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.untag_resource(resourceArn=arn, tagKeys=["aws:owner"])
    assert_error(exc_info, "ValidationException", 400, "at 'tagKeys.1.member'", "regular expression pattern")
    assert tags_of(ssm_incidents, arn) == {"keep": "me"}


@pytest.mark.parametrize(
    ("tags", "fragment"),
    [
        ({}, "Member must have length greater than or equal to 1"),
        ({"k" * 129: "v"}, "Member must have length less than or equal to 128"),
        ({"k": "v" * 257}, "Member must have length less than or equal to 256"),
        ({"k": "bad!"}, "Map value must satisfy constraint"),
    ],
)
def test_invalid_tags_are_rejected(
    ssm_incidents: Any, resources: dict[str, str], tags: dict[str, str], fragment: str
) -> None:
    arn = resources["response plan"]
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.tag_resource(resourceArn=arn, tags=tags)
    assert_error(exc_info, "ValidationException", 400, "at 'tags'", fragment)
    assert tags_of(ssm_incidents, arn) == {}


def test_more_than_fifty_tags_on_a_resource_exceed_the_quota(ssm_incidents: Any, resources: dict[str, str]) -> None:
    arn = resources["response plan"]
    first = {f"key-{i}": str(i) for i in range(40)}
    ssm_incidents.tag_resource(resourceArn=arn, tags=first)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.tag_resource(resourceArn=arn, tags={f"more-{i}": str(i) for i in range(11)})
    response = assert_error(exc_info, "ServiceQuotaExceededException", 402, "at most 50 tags")
    assert response["serviceCode"] == "ssm-incidents"
    assert response["quotaCode"] == "tags-per-resource"
    assert response["resourceType"] == "RESPONSE_PLAN"
    assert response["resourceIdentifier"] == arn
    assert tags_of(ssm_incidents, arn) == first
    ssm_incidents.tag_resource(resourceArn=arn, tags={f"more-{i}": str(i) for i in range(10)})  # exactly 50
    assert len(tags_of(ssm_incidents, arn)) == 50


def test_overwriting_keys_does_not_count_against_the_quota(ssm_incidents: Any, resources: dict[str, str]) -> None:
    arn = resources["response plan"]
    full = {f"key-{i}": "a" for i in range(50)}
    ssm_incidents.tag_resource(resourceArn=arn, tags=full)
    ssm_incidents.tag_resource(resourceArn=arn, tags={"key-0": "b"})
    assert tags_of(ssm_incidents, arn)["key-0"] == "b"


def test_more_than_fifty_tags_in_one_request_are_rejected(ssm_incidents: Any, resources: dict[str, str]) -> None:
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.tag_resource(resourceArn=resources["response plan"], tags={f"k{i}": "v" for i in range(51)})
    assert_error(exc_info, "ValidationException", 400, "less than or equal to 50")


@pytest.mark.usefixtures("ssm_incidents_onboarded")
@pytest.mark.parametrize(
    ("arn", "resource_type"),
    [
        (PREFIX + "response-plan/nope", "RESPONSE_PLAN"),
        (PREFIX + "incident-record/plan/00000000-0000-0000-0000-000000000000", "INCIDENT_RECORD"),
        (PREFIX + "replication-set/00000000-0000-0000-0000-000000000000", "REPLICATION_SET"),
    ],
)
def test_unknown_resources_are_not_found(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock, arn: str, resource_type: str
) -> None:
    for call in (
        lambda: ssm_incidents.tag_resource(resourceArn=arn, tags={"k": "v"}),
        lambda: ssm_incidents.untag_resource(resourceArn=arn, tagKeys=["k"]),
        lambda: ssm_incidents.list_tags_for_resource(resourceArn=arn),
    ):
        with pytest.raises(ClientError) as exc_info:
            call()
        response = assert_error(exc_info, "ResourceNotFoundException", 404, arn)
        assert response["resourceType"] == resource_type
        assert response["resourceIdentifier"] == arn
    assert mocked_ssm_incidents.backend().tags == {}


@pytest.mark.usefixtures("ssm_incidents_onboarded")
@pytest.mark.parametrize("arn", ["not-an-arn", "arn:aws:sns:us-east-1:123456789012:topic"])
def test_arns_of_other_kinds_are_not_found_without_a_resource_type(ssm_incidents: Any, arn: str) -> None:
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.tag_resource(resourceArn=arn, tags={"k": "v"})
    response = assert_error(exc_info, "ResourceNotFoundException", 404, arn)
    assert "resourceType" not in response
    assert response["resourceIdentifier"] == arn


def test_deleted_plan_has_no_tags_left(ssm_incidents: Any, resources: dict[str, str]) -> None:
    arn = resources["response plan"]
    ssm_incidents.tag_resource(resourceArn=arn, tags={"k": "v"})
    ssm_incidents.delete_response_plan(arn=arn)
    with pytest.raises(ClientError) as exc_info:
        tags_of(ssm_incidents, arn)
    assert_error(exc_info, "ResourceNotFoundException", 404)


@pytest.mark.usefixtures("ssm_incidents_onboarded")
def test_template_tags_become_the_incident_tags(ssm_incidents: Any) -> None:
    plan = ssm_incidents.create_response_plan(
        name="tagged", incidentTemplate={"title": "t", "impact": 3, "incidentTags": {"sev": "high"}}, tags={"p": "1"}
    )["arn"]
    incident = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    assert tags_of(ssm_incidents, incident) == {"sev": "high"}
    assert tags_of(ssm_incidents, plan) == {"p": "1"}


def test_untag_sends_repeated_query_parameters(ssm_incidents: Any, resources: dict[str, str]) -> None:
    arn = resources["response plan"]
    ssm_incidents.tag_resource(resourceArn=arn, tags={"a b": "1", "c": "2", "d": "3"})
    seen: list[str] = []
    ssm_incidents.meta.events.register(
        "before-send.ssm-incidents.UntagResource", lambda request, **_: seen.append(request.url)
    )
    ssm_incidents.untag_resource(resourceArn=arn, tagKeys=["a b", "c"])
    assert "tagKeys=a%20b&tagKeys=c" in seen[0]
    assert tags_of(ssm_incidents, arn) == {"d": "3"}


def test_tags_are_visible_from_every_region_of_the_set(ssm_incidents: Any, resources: dict[str, str]) -> None:
    arn = resources["response plan"]
    ssm_incidents.update_replication_set(
        arn=resources["replication set"], actions=[{"addRegionAction": {"regionName": "us-west-2"}}]
    )
    ssm_incidents.tag_resource(resourceArn=arn, tags={"k": "v"})
    west = boto3.client("ssm-incidents", region_name="us-west-2")
    assert tags_of(west, arn) == {"k": "v"}
    outside = boto3.client("ssm-incidents", region_name="eu-west-1")
    with pytest.raises(ClientError) as exc_info:
        tags_of(outside, arn)
    assert_error(exc_info, "ResourceNotFoundException", 404)
