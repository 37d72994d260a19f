"""Onboarding first (the default): operations need a replication set holding the calling region."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import mock_ssm_incidents
from tests.conftest import assert_error

PLAN = "arn:aws:ssm-incidents::123456789012:response-plan/p"
RECORD = "arn:aws:ssm-incidents::123456789012:incident-record/p/00000000-0000-0000-0000-000000000000"


def test_without_a_set_operations_name_the_cause(ssm_incidents: Any) -> None:
    c = ssm_incidents
    for call in (
        lambda: c.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3}),
        lambda: c.get_response_plan(arn=PLAN),
        lambda: c.start_incident(responsePlanArn=PLAN),
        lambda: c.get_incident_record(arn=RECORD),
        lambda: c.list_tags_for_resource(resourceArn=PLAN),
    ):
        with pytest.raises(ClientError) as exc_info:
            call()
        response = assert_error(exc_info, "ResourceNotFoundException", 404, "No replication set exists")
        assert response["resourceType"] == "REPLICATION_SET"
    for call in (  # no ResourceNotFoundException in their model
        lambda: c.delete_response_plan(arn=PLAN),
        lambda: c.delete_incident_record(arn=RECORD),
        lambda: c.list_timeline_events(incidentRecordArn=RECORD),
        lambda: c.list_related_items(incidentRecordArn=RECORD),
    ):
        with pytest.raises(ClientError) as exc_info:
            call()
        assert_error(exc_info, "ValidationException", 400, "No replication set exists")
    assert c.list_replication_sets()["replicationSetArns"] == []
    assert c.list_response_plans()["responsePlanSummaries"] == []
    assert c.list_incident_records()["incidentRecordSummaries"] == []
    c.create_replication_set(regions={"us-east-1": {}})
    plan = c.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
    assert c.start_incident(responsePlanArn=plan)["incidentRecordArn"]


def test_a_plan_outside_the_set_says_why(ssm_incidents_onboarded: Any) -> None:
    plan = ssm_incidents_onboarded.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
    with pytest.raises(ClientError) as exc_info:
        boto3.client("ssm-incidents", region_name="eu-west-1").get_response_plan(arn=plan)
    assert_error(exc_info, "ResourceNotFoundException", 404, "does not include the region eu-west-1")


@pytest.mark.parametrize("value", ["false", "0", "lenient"])
def test_lenient_by_environment(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SSM_INCIDENTS_MOCK_STRICT", value)
    with mock_ssm_incidents():
        boto3.client("ssm-incidents", region_name="us-east-1").create_response_plan(
            name="p", incidentTemplate={"title": "t", "impact": 3}
        )


def test_lenient_by_argument_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSM_INCIDENTS_MOCK_STRICT", "true")
    with mock_ssm_incidents(strict=False):
        boto3.client("ssm-incidents", region_name="us-east-1").create_response_plan(
            name="p", incidentTemplate={"title": "t", "impact": 3}
        )


def test_server_flags() -> None:
    from ssm_incidents_mock.__main__ import _parser

    def parse(*flags: str) -> Any:
        return _parser().parse_args(["server", *flags]).strict

    assert (parse(), parse("--strict"), parse("--lenient")) == (None, True, False)
