"""Which account and region a call acts in, and what each region of the replication set sees."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import mock_ssm_incidents
from tests.support import TEMPLATE, assert_error, client, create_plan, signed_by, start_incident


def start_one(c: Any, name: str = "p") -> tuple[str, str]:
    plan = create_plan(c, name)
    return plan, start_incident(c, plan)


# --------------------------------------------------------------------------- accounts


def test_default_account(ssm_incidents: Any) -> None:
    plan, incident = start_one(ssm_incidents)
    assert plan == "arn:aws:ssm-incidents::123456789012:response-plan/p"
    assert incident.startswith("arn:aws:ssm-incidents::123456789012:incident-record/p/")


def test_moto_account_id_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_ssm_incidents():
        monkeypatch.setenv("MOTO_ACCOUNT_ID", "111111111111")
        plan, _ = start_one(client())
        assert plan == "arn:aws:ssm-incidents::111111111111:response-plan/p"
        monkeypatch.delenv("MOTO_ACCOUNT_ID")
        assert client().list_response_plans()["responsePlanSummaries"] == []  # accounts are isolated


def test_assumed_role_acts_in_the_role_account(ssm_incidents: Any) -> None:
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn="arn:aws:iam::222222222222:role/responder", RoleSessionName="alice"
    )["Credentials"]
    other = signed_by(credentials)
    plan, incident = start_one(other)
    assert plan == "arn:aws:ssm-incidents::222222222222:response-plan/p"
    record = other.get_incident_record(arn=incident)["incidentRecord"]
    caller = "arn:aws:sts::222222222222:assumed-role/responder/alice"
    assert record["incidentRecordSource"]["createdBy"] == caller
    assert record["lastModifiedBy"] == caller
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []  # the default account is apart


def test_moto_account_header(ssm_incidents: Any) -> None:
    other = client()

    def add_header(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = "333333333333"

    other.meta.events.register("before-sign.ssm-incidents", add_header)
    plan, _ = start_one(other)
    assert plan == "arn:aws:ssm-incidents::333333333333:response-plan/p"
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []


# --------------------------------------------------------------------------- regions


@pytest.fixture
def replicated(ssm_incidents: Any) -> tuple[str, str, str]:
    """A set in us-east-1 and us-west-2, a plan made through us-west-2 and an incident from it."""
    rs = ssm_incidents.create_replication_set(regions={"us-east-1": {}, "us-west-2": {}})["arn"]
    ssm_incidents.get_waiter("wait_for_replication_set_active").wait(arn=rs, WaiterConfig={"Delay": 0})
    plan, incident = start_one(client("us-west-2"))
    return rs, plan, incident


def test_data_is_visible_from_every_member_region(replicated: tuple[str, str, str]) -> None:
    _, plan, incident = replicated
    assert ":ssm-incidents::" in plan and ":ssm-incidents::" in incident  # ARNs have no region
    for region in ("us-east-1", "us-west-2"):
        c = client(region)
        assert c.get_response_plan(arn=plan)["arn"] == plan
        assert c.get_incident_record(arn=incident)["incidentRecord"]["arn"] == incident
        assert [s["arn"] for s in c.list_incident_records()["incidentRecordSummaries"]] == [incident]
        assert len(c.list_timeline_events(incidentRecordArn=incident)["eventSummaries"]) == 2


def test_region_outside_the_set_sees_nothing(replicated: tuple[str, str, str]) -> None:
    rs, plan, incident = replicated
    outside = client("eu-west-1")
    for call in (
        lambda: outside.get_response_plan(arn=plan),
        lambda: outside.get_incident_record(arn=incident),
        lambda: outside.update_incident_record(arn=incident, title="x"),
    ):
        with pytest.raises(ClientError) as exc_info:
            call()
        response = assert_error(exc_info, "ResourceNotFoundException", 404, rs, "does not include the region eu-west-1")
        assert (response["resourceType"], response["resourceIdentifier"]) == ("REPLICATION_SET", rs)
    assert outside.list_response_plans()["responsePlanSummaries"] == []
    assert outside.list_incident_records()["incidentRecordSummaries"] == []
    for call in (  # no ResourceNotFoundException in their model: the cause as a ValidationException
        lambda: outside.list_timeline_events(incidentRecordArn=incident),
        lambda: outside.list_related_items(incidentRecordArn=incident),
    ):
        with pytest.raises(ClientError) as exc_info:
            call()
        assert_error(exc_info, "ValidationException", 400, "does not include the region eu-west-1")
    assert outside.list_replication_sets()["replicationSetArns"] == [rs]
    # the data is still there for member regions
    assert client("us-east-1").get_incident_record(arn=incident)["incidentRecord"]["title"] == TEMPLATE["title"]


def test_creates_outside_the_set_need_the_region_in_the_set(replicated: tuple[str, str, str]) -> None:
    rs, plan, _ = replicated
    outside = client("eu-west-1")
    for call in (
        lambda: outside.create_response_plan(name="q", incidentTemplate=TEMPLATE),
        lambda: outside.start_incident(responsePlanArn=plan),
    ):
        with pytest.raises(ClientError) as exc_info:
            call()
        response = assert_error(exc_info, "ResourceNotFoundException", 404, "eu-west-1")
        assert response["resourceType"] == "REPLICATION_SET"
        assert response["resourceIdentifier"] == rs
    assert len(client().list_incident_records()["incidentRecordSummaries"]) == 1


def test_a_region_added_later_sees_existing_data(replicated: tuple[str, str, str]) -> None:
    rs, _, incident = replicated
    client().update_replication_set(arn=rs, actions=[{"addRegionAction": {"regionName": "eu-west-1"}}])
    assert client("eu-west-1").get_incident_record(arn=incident)["incidentRecord"]["arn"] == incident


def test_region_comes_from_the_request(ssm_incidents: Any) -> None:
    _, incident = start_one(client("ap-southeast-2"))
    items = client("ap-southeast-2").list_related_items(incidentRecordArn=incident)["relatedItems"]
    parent = next(i for i in items if i["identifier"]["type"] == "PARENT")
    assert parent["identifier"]["value"]["arn"].startswith("arn:aws:ssm:ap-southeast-2:123456789012:opsitem/")


def test_without_a_set_every_region_sees_the_data_when_lenient() -> None:
    with mock_ssm_incidents(strict=False):
        plan = client("eu-central-1").create_response_plan(name="p", incidentTemplate=TEMPLATE)["arn"]
        incident = client("eu-central-1").start_incident(responsePlanArn=plan)["incidentRecordArn"]
        assert client("sa-east-1").get_incident_record(arn=incident)["incidentRecord"]["arn"] == incident


def test_strict_mode_requires_a_set_first() -> None:
    with mock_ssm_incidents(strict=True):
        c = client()
        with pytest.raises(ClientError) as exc_info:
            c.create_response_plan(name="p", incidentTemplate=TEMPLATE)
        response = assert_error(exc_info, "ResourceNotFoundException", 404, "replication set")
        assert response["resourceType"] == "REPLICATION_SET"
        assert response["resourceIdentifier"] == "123456789012"
        assert c.list_incident_records()["incidentRecordSummaries"] == []
        with pytest.raises(ClientError) as exc_info:
            c.get_incident_record(arn="arn:aws:ssm-incidents::123456789012:incident-record/p/x")
        assert_error(exc_info, "ResourceNotFoundException", 404, "No replication set exists")
        c.create_replication_set(regions={"us-east-1": {}})
        plan, incident = start_one(c)
        assert c.get_incident_record(arn=incident)["incidentRecord"]["arn"] == incident
        with pytest.raises(ClientError) as exc_info:
            client("eu-west-1").start_incident(responsePlanArn=plan)
        assert_error(exc_info, "ResourceNotFoundException", 404, "eu-west-1")
