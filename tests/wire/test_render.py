"""Serialization of results and errors from the model."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from ssm_incidents_mock.ssm_incidents import SPEC
from ssm_incidents_mock.ssm_incidents.exceptions import (
    ConflictException,
    ResourceNotFoundException,
    ServiceQuotaExceededException,
    ThrottlingException,
    ValidationException,
)
from ssm_incidents_mock.ssm_incidents.responses import SERVICE

render_error = SERVICE.protocol.render_error
render_result = SERVICE.protocol.render_result


def test_timestamps_are_epoch_seconds_with_milliseconds_and_none_is_omitted() -> None:
    op = SPEC.operations["ListIncidentRecords"]
    summary = SimpleNamespace(
        arn="arn:aws:ssm-incidents::123456789012:incident-record/p/1",
        creation_time=1700000000.123456,
        resolved_time=None,
        impact=3,
        status="OPEN",
        title="t",
        incident_record_source={"createdBy": "me", "source": "aws.ssm-incidents.custom", "resourceArn": None},
        not_in_the_shape="x",
    )
    status, headers, body = render_result(op, ([summary], None))  # a paginated operation's (items, nextToken)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["x-amzn-RequestId"]
    data = json.loads(body)
    assert set(data) == {"incidentRecordSummaries"}
    [item] = data["incidentRecordSummaries"]
    assert item["creationTime"] == 1700000000.123
    assert "resolvedTime" not in item and "not_in_the_shape" not in item and "notInTheShape" not in item
    assert item["incidentRecordSource"] == {"createdBy": "me", "source": "aws.ssm-incidents.custom"}


def test_datetimes_render_as_epoch() -> None:
    op = SPEC.operations["GetTimelineEvent"]
    event = {"eventTime": datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)}  # the output's one member
    _, _, body = render_result(op, event)
    assert json.loads(body) == {"event": {"eventTime": 1700000000.0}}


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("StartIncident", 200),
        ("CreateResponsePlan", 201),
        ("CreateTimelineEvent", 201),
        ("UpdateIncidentRecord", 204),
        ("DeleteIncidentRecord", 204),
    ],
)
def test_success_status_comes_from_the_model(name: str, status: int) -> None:
    code, _, body = render_result(SPEC.operations[name], {"incidentRecordArn": "a", "arn": "a", "eventId": "e"})
    assert code == status
    if status == 204:
        assert body == b""
    else:
        assert json.loads(body)


def test_modeled_error_with_members() -> None:
    op = SPEC.operations["GetIncidentRecord"]
    status, headers, body = render_error(
        op, ResourceNotFoundException("The incident record x does not exist.", "INCIDENT_RECORD", "x")
    )
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert json.loads(body) == {
        "message": "The incident record x does not exist.",
        "resourceType": "INCIDENT_RECORD",
        "resourceIdentifier": "x",
    }


@pytest.mark.parametrize(
    ("op", "error", "status", "members"),
    [
        ("StartIncident", ValidationException("bad"), 400, {}),
        (
            "StartIncident",
            ConflictException("again", "INCIDENT_RECORD", "a"),
            409,
            {"resourceType": "INCIDENT_RECORD", "resourceIdentifier": "a"},
        ),
        ("StartIncident", ThrottlingException(), 429, {"quotaCode": "RateLimit", "serviceCode": "ssm-incidents"}),
        ("CreateResponsePlan", ConflictException("dup"), 409, {}),
        (
            "CreateReplicationSet",
            ServiceQuotaExceededException("one", "q", "REPLICATION_SET", "r"),
            402,
            {
                "quotaCode": "q",
                "serviceCode": "ssm-incidents",
                "resourceType": "REPLICATION_SET",
                "resourceIdentifier": "r",
            },
        ),
    ],
)
def test_error_statuses_and_members(op: str, error: Exception, status: int, members: dict[str, str]) -> None:
    code, headers, body = render_error(SPEC.operations[op], error)  # type: ignore[arg-type]
    assert code == status
    assert headers["x-amzn-ErrorType"] == type(error).__name__
    data = json.loads(body)
    assert data.pop("message")
    assert data == members


def test_unmodeled_error_becomes_an_internal_server_error() -> None:
    op = SPEC.operations["GetIncidentRecord"]  # models no ServiceQuotaExceededException
    status, headers, body = render_error(op, ServiceQuotaExceededException("too many", "q"))
    assert status == 500
    assert headers["x-amzn-ErrorType"] == "InternalServerException"
    data = json.loads(body)
    assert set(data) == {"message"}
    assert "ServiceQuotaExceededException" in data["message"] and "GetIncidentRecord" in data["message"]
