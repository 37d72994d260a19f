"""The issue's seed examples, and each input constraint violated once (AWS wording, nothing changed)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import assert_error, create_plan, start_incident

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")

SNS = "arn:aws:sns:us-east-1:123456789012:topic"
PATTERN_ARN = r"^arn:aws(-cn|-us-gov)?:[a-z0-9-]*:[a-z0-9-]*:([0-9]{12})?:.+$"


@pytest.fixture
def plan(ssm_incidents: Any) -> str:
    return create_plan(ssm_incidents, "example-response")


@pytest.fixture
def incident(ssm_incidents: Any, plan: str) -> str:
    return start_incident(ssm_incidents, plan)


def snapshot(client: Any, incident: str) -> Any:
    """Everything a failed call could have changed."""
    record = client.get_incident_record(arn=incident)["incidentRecord"]
    records = client.list_incident_records()["incidentRecordSummaries"]
    events = client.list_timeline_events(incidentRecordArn=incident)["eventSummaries"]
    items = client.list_related_items(incidentRecordArn=incident)["relatedItems"]
    return record, records, events, items


def test_seed_start_incident(ssm_incidents: Any, plan: str) -> None:
    response = ssm_incidents.start_incident(responsePlanArn=plan, clientToken="aa1b2cde-27e3-42ff-9cac-99380EXAMPLE")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["incidentRecordArn"].startswith(
        "arn:aws:ssm-incidents::123456789012:incident-record/example-response/"
    )


def test_seed_resolve_incident(ssm_incidents: Any, incident: str) -> None:
    response = ssm_incidents.update_incident_record(arn=incident, status="RESOLVED", clientToken="tok-resolve")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert set(response) == {"ResponseMetadata"}  # empty body
    record = ssm_incidents.get_incident_record(arn=incident)["incidentRecord"]
    assert record["status"] == "RESOLVED"
    assert record["resolvedTime"] >= record["creationTime"]


def test_seed_resolve_answers_with_an_empty_body_on_the_wire(ssm_incidents: Any, incident: str) -> None:
    import requests

    response = requests.post(
        "https://ssm-incidents.us-east-1.amazonaws.com/updateIncidentRecord",
        json={"arn": incident, "status": "RESOLVED", "clientToken": "wire"},
        timeout=10,
    )
    assert response.status_code == 204
    assert response.content == b""


def _long(n: int) -> str:
    return "x" * n


UPDATE_CASES = [
    (
        "title",
        {"title": _long(201)},
        "at 'title' failed to satisfy constraint: Member must have length less than or equal to 200",
    ),
    (
        "summary",
        {"summary": _long(8001)},
        "at 'summary' failed to satisfy constraint: Member must have length less than or equal to 8000",
    ),
    (
        "impact 0",
        {"impact": 0},
        "Value '0' at 'impact' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ),
    (
        "impact 6",
        {"impact": 6},
        "Value '6' at 'impact' failed to satisfy constraint: Member must have value less than or equal to 5",
    ),
    (
        "notification targets",
        {"notificationTargets": [{"snsTopicArn": SNS}] * 11},
        "at 'notificationTargets' failed to satisfy constraint: Member must have length less than or equal to 10",
    ),
    (
        "client token",
        {"clientToken": _long(129)},
        "at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 128",
    ),
    (
        "status",
        {"status": "CLOSED"},
        "Value 'CLOSED' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [OPEN, RESOLVED]",
    ),
    (
        "chat channel",
        {"chatChannel": {"empty": {}, "chatbotSns": [SNS]}},
        "at 'chatChannel' failed to satisfy constraint: Member must have exactly one member set",
    ),
]


@pytest.mark.parametrize(("name", "change", "message"), UPDATE_CASES, ids=[c[0] for c in UPDATE_CASES])
def test_update_constraint_violations(
    ssm_incidents: Any, unchecked_client: Any, incident: str, name: str, change: dict[str, Any], message: str
) -> None:
    before = snapshot(ssm_incidents, incident)
    with pytest.raises(ClientError) as exc_info:
        unchecked_client.update_incident_record(arn=incident, **change)
    assert_error(exc_info, "ValidationException", 400, "1 validation error detected: ", message)
    assert snapshot(ssm_incidents, incident) == before


def test_update_without_arn(ssm_incidents: Any, unchecked_client: Any, incident: str) -> None:
    before = snapshot(ssm_incidents, incident)
    with pytest.raises(ClientError) as exc_info:
        unchecked_client.update_incident_record(title="no arn")
    assert_error(
        exc_info,
        "ValidationException",
        400,
        "1 validation error detected: Value null at 'arn' failed to satisfy constraint: Member must not be null",
    )
    assert snapshot(ssm_incidents, incident) == before


START_CASES = [
    (
        "title",
        {"title": _long(201)},
        "at 'title' failed to satisfy constraint: Member must have length less than or equal to 200",
    ),
    (
        "impact 0",
        {"impact": 0},
        "Value '0' at 'impact' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ),
    (
        "impact 6",
        {"impact": 6},
        "Value '6' at 'impact' failed to satisfy constraint: Member must have value less than or equal to 5",
    ),
    (
        "related items",
        {"relatedItems": [{"identifier": {"type": "OTHER", "value": {"url": "https://example.com"}}}] * 101},
        "at 'relatedItems' failed to satisfy constraint: Member must have length less than or equal to 100",
    ),
    (
        "client token",
        {"clientToken": _long(129)},
        "at 'clientToken' failed to satisfy constraint: Member must have length less than or equal to 128",
    ),
    (
        "plan arn",
        {"responsePlanArn": "not-an-arn"},
        f"Value 'not-an-arn' at 'responsePlanArn' failed to satisfy constraint: Member must satisfy regular expression pattern: {PATTERN_ARN}",
    ),
]


@pytest.mark.parametrize(("name", "change", "message"), START_CASES, ids=[c[0] for c in START_CASES])
def test_start_constraint_violations(
    ssm_incidents: Any, unchecked_client: Any, plan: str, incident: str, name: str, change: dict[str, Any], message: str
) -> None:
    before = snapshot(ssm_incidents, incident)
    with pytest.raises(ClientError) as exc_info:
        unchecked_client.start_incident(**{"responsePlanArn": plan, **change})
    assert_error(exc_info, "ValidationException", 400, "1 validation error detected: ", message)
    assert snapshot(ssm_incidents, incident) == before


def test_several_violations_are_counted_and_joined(ssm_incidents: Any, unchecked_client: Any, incident: str) -> None:
    with pytest.raises(ClientError) as exc_info:
        unchecked_client.update_incident_record(arn=incident, impact=6, status="CLOSED")
    response = assert_error(exc_info, "ValidationException", 400, "2 validation errors detected: ")
    message = response["Error"]["Message"]
    assert "at 'impact'" in message and "at 'status'" in message
    assert message.count("; ") == 1
