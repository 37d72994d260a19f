"""Response plans: create, get, list, update (partial, replacing, clearing), delete."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import TEMPLATE, assert_error, create_plan, unchecked

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")

SNS = "arn:aws:sns:us-east-1:123456789012:"
CONTACT = "arn:aws:ssm-contacts:us-east-1:123456789012:contact/"
ROLE = "arn:aws:iam::123456789012:role/runbook"

FULL_PLAN: dict[str, Any] = {
    "name": "example-response",
    "displayName": "Example response plan",
    "incidentTemplate": {
        "title": "example-incident",
        "impact": 2,
        "summary": "what happened",
        "dedupeString": "dedupe-me",
        "incidentTags": {"team": "ops"},
        "notificationTargets": [{"snsTopicArn": SNS + "t1"}],
    },
    "chatChannel": {"chatbotSns": [SNS + "chat"]},
    "engagements": [CONTACT + "oncall"],
    "actions": [
        {
            "ssmAutomation": {
                "documentName": "AWSIncidents-CriticalIncidentRunbookTemplate",
                "documentVersion": "$DEFAULT",
                "roleArn": ROLE,
                "targetAccount": "RESPONSE_PLAN_OWNER_ACCOUNT",
                "parameters": {"key": ["value1", "value2"]},
                "dynamicParameters": {"incident": {"variable": "INCIDENT_RECORD_ARN"}},
            }
        }
    ],
    "integrations": [
        {
            "pagerDutyConfiguration": {
                "name": "pd",
                "secretId": "pd-secret",
                "pagerDutyIncidentConfiguration": {"serviceId": "PXXXXXX"},
            }
        }
    ],
    "tags": {"owner": "me"},
}


def create_full_plan(client: Any) -> str:
    arn: str = client.create_response_plan(**copy.deepcopy(FULL_PLAN))["arn"]
    return arn


def get_plan(client: Any, arn: str) -> dict[str, Any]:
    plan = dict(client.get_response_plan(arn=arn))
    plan.pop("ResponseMetadata")
    return plan


# --- create / get -----------------------------------------------------------------------------


def test_create_and_get_round_trips_every_member(ssm_incidents: Any) -> None:
    arn = create_full_plan(ssm_incidents)
    assert arn == "arn:aws:ssm-incidents::123456789012:response-plan/example-response"
    expected = {k: v for k, v in FULL_PLAN.items() if k != "tags"}
    assert get_plan(ssm_incidents, arn) == {"arn": arn, **expected}


def test_tags_at_creation_are_resource_tags_not_plan_members(ssm_incidents: Any) -> None:
    arn = create_full_plan(ssm_incidents)
    assert "tags" not in get_plan(ssm_incidents, arn)
    assert ssm_incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {"owner": "me"}


def test_minimal_plan_omits_unset_members(ssm_incidents: Any) -> None:
    arn = create_plan(ssm_incidents, chatChannel={"empty": {}})
    assert get_plan(ssm_incidents, arn) == {
        "arn": arn,
        "name": "plan",
        "incidentTemplate": TEMPLATE,
    }


def test_duplicate_name_conflicts_and_keeps_the_first_plan(ssm_incidents: Any) -> None:
    arn = create_plan(ssm_incidents, name="dup", displayName="first")
    with pytest.raises(ClientError) as exc_info:
        create_plan(ssm_incidents, name="dup", displayName="second")
    response = assert_error(exc_info, "ConflictException", 409, "dup", "already exists")
    assert response["resourceType"] == "RESPONSE_PLAN"
    assert response["resourceIdentifier"] == arn
    assert get_plan(ssm_incidents, arn)["displayName"] == "first"
    assert len(ssm_incidents.list_response_plans()["responsePlanSummaries"]) == 1


def test_names_are_case_sensitive(ssm_incidents: Any) -> None:
    assert create_plan(ssm_incidents, name="Plan") != create_plan(ssm_incidents, name="plan")


def test_get_unknown_plan_is_not_found(ssm_incidents: Any) -> None:
    missing = "arn:aws:ssm-incidents::123456789012:response-plan/nope"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_response_plan(arn=missing)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
    assert response["resourceType"] == "RESPONSE_PLAN"
    assert response["resourceIdentifier"] == missing


def test_empty_automation_parameters_are_rejected_with_aws_wording(ssm_incidents: Any) -> None:
    plan = copy.deepcopy(FULL_PLAN)
    plan["actions"][0]["ssmAutomation"]["parameters"] = {}
    plan["actions"][0]["ssmAutomation"]["dynamicParameters"] = {}
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.create_response_plan(**plan)
    assert_error(
        exc_info,
        "ValidationException",
        400,
        "2 validation errors detected: ",
        "Value '{}' at 'actions.1.member.ssmAutomation.dynamicParameters' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
        "at 'actions.1.member.ssmAutomation.parameters'",
    )
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []


def test_name_with_a_space_is_rejected(ssm_incidents: Any) -> None:
    with pytest.raises(ClientError) as exc_info:
        create_plan(ssm_incidents, name="my plan")
    assert_error(exc_info, "ValidationException", 400, "at 'name'", "regular expression pattern")
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []


# --- list -------------------------------------------------------------------------------------


def test_list_returns_summaries_in_creation_order(ssm_incidents: Any) -> None:
    first = create_plan(ssm_incidents, name="b-plan", displayName="B")
    second = create_plan(ssm_incidents, name="a-plan")
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == [
        {"arn": first, "name": "b-plan", "displayName": "B"},
        {"arn": second, "name": "a-plan"},
    ]


def test_list_pages_with_max_results(ssm_incidents: Any) -> None:
    arns = [create_plan(ssm_incidents, name=f"plan-{i}") for i in range(5)]
    first = ssm_incidents.list_response_plans(maxResults=2)
    assert [s["arn"] for s in first["responsePlanSummaries"]] == arns[:2]
    second = ssm_incidents.list_response_plans(maxResults=2, nextToken=first["nextToken"])
    assert [s["arn"] for s in second["responsePlanSummaries"]] == arns[2:4]
    pages = list(ssm_incidents.get_paginator("list_response_plans").paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) == 3
    assert [s["arn"] for p in pages for s in p["responsePlanSummaries"]] == arns
    assert "nextToken" not in pages[-1]


@pytest.mark.parametrize(("value", "fragment"), [(0, "greater than or equal to 1"), (101, "less than or equal to 100")])
def test_list_rejects_max_results_out_of_range(ssm_incidents: Any, value: int, fragment: str) -> None:
    with pytest.raises(ClientError) as exc_info:
        unchecked().list_response_plans(maxResults=value)
    assert_error(exc_info, "ValidationException", 400, "at 'maxResults'", fragment)


def test_list_rejects_a_forged_token(ssm_incidents: Any) -> None:
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_response_plans(nextToken="not-a-token")
    assert_error(exc_info, "ValidationException", 400, "nextToken")


# --- update -----------------------------------------------------------------------------------


def test_update_changes_only_the_members_given(ssm_incidents: Any) -> None:
    arn = create_full_plan(ssm_incidents)
    before = get_plan(ssm_incidents, arn)
    ssm_incidents.update_response_plan(arn=arn, incidentTemplateTitle="new title", incidentTemplateImpact=1)
    after = get_plan(ssm_incidents, arn)
    assert after["incidentTemplate"]["title"] == "new title"
    assert after["incidentTemplate"]["impact"] == 1
    after["incidentTemplate"].update(title=before["incidentTemplate"]["title"], impact=2)
    assert after == before


def test_update_replaces_lists_and_maps(ssm_incidents: Any) -> None:
    arn = create_full_plan(ssm_incidents)
    automation = {"documentName": "Other-Runbook", "roleArn": ROLE, "parameters": {"a": ["b"]}}
    ssm_incidents.update_response_plan(
        arn=arn,
        displayName="Renamed",
        chatChannel={"chatbotSns": [SNS + "chat2", SNS + "chat3"]},
        engagements=[CONTACT + "second"],
        actions=[{"ssmAutomation": automation}],
        integrations=[
            {
                "pagerDutyConfiguration": {
                    "name": "pd2",
                    "secretId": "s2",
                    "pagerDutyIncidentConfiguration": {"serviceId": "PY"},
                }
            }
        ],
        incidentTemplateSummary="new summary",
        incidentTemplateDedupeString="new-dedupe",
        incidentTemplateNotificationTargets=[{"snsTopicArn": SNS + "t2"}, {"snsTopicArn": SNS + "t3"}],
        incidentTemplateTags={"other": "tag"},
    )
    plan = get_plan(ssm_incidents, arn)
    assert plan["displayName"] == "Renamed"
    assert plan["chatChannel"] == {"chatbotSns": [SNS + "chat2", SNS + "chat3"]}
    assert plan["engagements"] == [CONTACT + "second"]
    assert plan["actions"] == [{"ssmAutomation": automation}]
    assert plan["integrations"][0]["pagerDutyConfiguration"]["name"] == "pd2"
    assert plan["incidentTemplate"] == {
        "title": "example-incident",
        "impact": 2,
        "summary": "new summary",
        "dedupeString": "new-dedupe",
        "incidentTags": {"other": "tag"},
        "notificationTargets": [{"snsTopicArn": SNS + "t2"}, {"snsTopicArn": SNS + "t3"}],
    }
    assert ssm_incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {"owner": "me"}


def test_update_with_empty_values_clears_optional_members(ssm_incidents: Any) -> None:
    arn = create_full_plan(ssm_incidents)
    ssm_incidents.update_response_plan(
        arn=arn,
        displayName="",
        chatChannel={"empty": {}},
        engagements=[],
        actions=[],
        integrations=[],
        incidentTemplateSummary="",
        incidentTemplateDedupeString="",
        incidentTemplateNotificationTargets=[],
        incidentTemplateTags={},
    )
    assert get_plan(ssm_incidents, arn) == {
        "arn": arn,
        "name": "example-response",
        "incidentTemplate": {"title": "example-incident", "impact": 2},
    }
    summary = ssm_incidents.list_response_plans()["responsePlanSummaries"][0]
    assert summary == {"arn": arn, "name": "example-response"}


def test_update_without_members_changes_nothing(ssm_incidents: Any) -> None:
    arn = create_full_plan(ssm_incidents)
    before = get_plan(ssm_incidents, arn)
    ssm_incidents.update_response_plan(arn=arn)
    assert get_plan(ssm_incidents, arn) == before


def test_update_unknown_plan_is_not_found(ssm_incidents: Any) -> None:
    missing = "arn:aws:ssm-incidents::123456789012:response-plan/nope"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_response_plan(arn=missing, displayName="x")
    response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
    assert response["resourceType"] == "RESPONSE_PLAN"


def test_invalid_update_changes_nothing(ssm_incidents: Any) -> None:
    arn = create_full_plan(ssm_incidents)
    before = get_plan(ssm_incidents, arn)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_response_plan(arn=arn, displayName="ok", incidentTemplateImpact=6)
    assert_error(exc_info, "ValidationException", 400, "Value '6' at 'incidentTemplateImpact'")
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_response_plan(arn=arn, incidentTemplateTags={"aws:reserved": "x"})
    assert_error(exc_info, "ValidationException", 400, "at 'incidentTemplateTags'", "regular expression pattern")
    assert get_plan(ssm_incidents, arn) == before


def test_incidents_use_the_updated_template(ssm_incidents: Any) -> None:
    arn = create_plan(ssm_incidents)
    ssm_incidents.update_response_plan(
        arn=arn, incidentTemplateTitle="updated", incidentTemplateImpact=1, incidentTemplateTags={"k": "v"}
    )
    incident = ssm_incidents.start_incident(responsePlanArn=arn)["incidentRecordArn"]
    record = ssm_incidents.get_incident_record(arn=incident)["incidentRecord"]
    assert (record["title"], record["impact"]) == ("updated", 1)
    assert ssm_incidents.list_tags_for_resource(resourceArn=incident)["tags"] == {"k": "v"}


# --- delete -----------------------------------------------------------------------------------


def test_delete_removes_the_plan_its_tags_and_policies_but_not_its_incidents(ssm_incidents: Any) -> None:
    arn = create_full_plan(ssm_incidents)
    ssm_incidents.put_resource_policy(
        resourceArn=arn,
        policy='{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "ssm-incidents:GetResponsePlan", "Resource": "*"}}',
    )
    incident = ssm_incidents.start_incident(responsePlanArn=arn)["incidentRecordArn"]
    response = ssm_incidents.delete_response_plan(arn=arn)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_response_plan(arn=arn)
    assert_error(exc_info, "ResourceNotFoundException", 404)
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []
    assert ssm_incidents.get_incident_record(arn=incident)["incidentRecord"]["arn"] == incident
    assert create_plan(ssm_incidents, name="example-response") == arn  # the name is free, nothing left over
    assert ssm_incidents.get_resource_policies(resourceArn=arn)["resourcePolicies"] == []
    assert ssm_incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {}


def test_delete_missing_plan_succeeds_silently(ssm_incidents: Any) -> None:
    kept = create_plan(ssm_incidents)
    response = ssm_incidents.delete_response_plan(arn="arn:aws:ssm-incidents::123456789012:response-plan/nope")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [s["arn"] for s in ssm_incidents.list_response_plans()["responsePlanSummaries"]] == [kept]


def test_delete_rejects_a_malformed_arn(ssm_incidents: Any) -> None:
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.delete_response_plan(arn="not-an-arn")
    assert_error(exc_info, "ValidationException", 400, "Value 'not-an-arn' at 'arn'")
