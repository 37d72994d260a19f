"""Findings: seeding through SSMIncidentsMock.add_finding, reading through boto3."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock
from tests.support import assert_error, assert_output_shape, new_incident, unchecked

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")

STACK = "arn:aws:cloudformation:us-east-2:123456789012:stack/my-test-stack/54ae4890-6632-11ee-8958-0ac64example"
GROUP = "arn:aws:codedeploy:us-east-2:123456789012:deploymentgroup:my-app/my-group"
START = datetime(2023, 12, 13, 0, 45, 53, 850000, tzinfo=timezone.utc)
END = datetime(2023, 12, 13, 0, 46, 5, 616000, tzinfo=timezone.utc)


def test_batch_get_returns_both_kinds_of_details(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    arn = new_incident(ssm_incidents)
    stack_id = mocked_ssm_incidents.add_finding(arn, cloudformation_stack_arn=STACK, start_time=START, end_time=END)
    deploy_id = mocked_ssm_incidents.add_finding(
        arn, codedeploy_deployment_group_arn=GROUP, deployment_id="d-RI2EXAMPLE", start_time=START.timestamp()
    )
    out = ssm_incidents.batch_get_incident_findings(incidentRecordArn=arn, findingIds=[stack_id, deploy_id])
    assert_output_shape("BatchGetIncidentFindings", out)
    assert out["errors"] == []
    by_id = {f["id"]: f for f in out["findings"]}
    assert [f["id"] for f in out["findings"]] == [stack_id, deploy_id]
    stack = by_id[stack_id]["details"]["cloudFormationStackUpdate"]
    assert stack == {"stackArn": STACK, "startTime": START, "endTime": END}
    deploy = by_id[deploy_id]["details"]["codeDeployDeployment"]
    assert deploy["deploymentGroupArn"] == GROUP
    assert deploy["deploymentId"] == "d-RI2EXAMPLE"
    assert deploy["startTime"] == START
    assert "endTime" not in deploy  # still running
    for finding in out["findings"]:
        assert finding["creationTime"] == finding["lastModifiedTime"]


def test_batch_get_reports_unknown_ids_per_id(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    arn = new_incident(ssm_incidents)
    known = mocked_ssm_incidents.add_finding(arn, cloudformation_stack_arn=STACK)
    missing = "08c5c945-b204-adaa-f0ef-2f212INVALID"
    out = ssm_incidents.batch_get_incident_findings(incidentRecordArn=arn, findingIds=[missing, known])
    assert_output_shape("BatchGetIncidentFindings", out)
    assert [f["id"] for f in out["findings"]] == [known]
    assert out["errors"] == [
        {
            "findingId": missing,
            "code": "ResourceNotFoundException",
            "message": f"Finding with ID '{missing}' is not accessible",
        }
    ]


def test_batch_get_with_no_ids_answers_two_empty_lists(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    out = ssm_incidents.batch_get_incident_findings(incidentRecordArn=arn, findingIds=[])
    assert out["findings"] == [] and out["errors"] == []
    assert_output_shape("BatchGetIncidentFindings", out)


def test_finding_of_another_incident_is_not_accessible(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    first, second = new_incident(ssm_incidents), new_incident(ssm_incidents)
    finding = mocked_ssm_incidents.add_finding(first, cloudformation_stack_arn=STACK)
    out = ssm_incidents.batch_get_incident_findings(incidentRecordArn=second, findingIds=[finding])
    assert out["findings"] == []
    assert out["errors"][0]["findingId"] == finding


def test_batch_get_unknown_incident_is_not_found(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents).rsplit("/", 1)[0] + "/11111111-1111-1111-1111-111111111111"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.batch_get_incident_findings(incidentRecordArn=arn, findingIds=["x"])
    assert assert_error(exc_info, "ResourceNotFoundException", 404, arn)["resourceType"] == "INCIDENT_RECORD"


def test_batch_get_more_than_20_ids_is_rejected_server_side(mocked_ssm_incidents: SSMIncidentsMock) -> None:
    client = unchecked()
    arn = new_incident(client)
    with pytest.raises(ClientError) as exc_info:
        client.batch_get_incident_findings(incidentRecordArn=arn, findingIds=[f"id-{n}" for n in range(21)])
    assert_error(exc_info, "ValidationException", 400, "'findingIds'", "less than or equal to 20")


def test_list_findings_newest_first_and_paged(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    arn = new_incident(ssm_incidents)
    ids = [mocked_ssm_incidents.add_finding(arn, cloudformation_stack_arn=STACK) for _ in range(5)]
    out = ssm_incidents.list_incident_findings(incidentRecordArn=arn)
    assert_output_shape("ListIncidentFindings", out)
    assert [f["id"] for f in out["findings"]] == list(reversed(ids))
    assert all(isinstance(f["lastModifiedTime"], datetime) for f in out["findings"])
    first = ssm_incidents.list_incident_findings(incidentRecordArn=arn, maxResults=2)
    assert len(first["findings"]) == 2
    rest = list(
        ssm_incidents.get_paginator("list_incident_findings")
        .paginate(incidentRecordArn=arn, PaginationConfig={"PageSize": 2})
        .search("findings[].id")
    )
    assert rest == list(reversed(ids))


def test_list_findings_empty_and_unknown_incident(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    out = ssm_incidents.list_incident_findings(incidentRecordArn=arn)
    assert out["findings"] == [] and "nextToken" not in out
    unknown = arn.rsplit("/", 1)[0] + "/11111111-1111-1111-1111-111111111111"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_incident_findings(incidentRecordArn=unknown)
    assert_error(exc_info, "ResourceNotFoundException", 404, unknown)


def test_list_findings_max_results_above_20_is_rejected(mocked_ssm_incidents: SSMIncidentsMock) -> None:
    client = unchecked()
    arn = new_incident(client)
    with pytest.raises(ClientError) as exc_info:
        client.list_incident_findings(incidentRecordArn=arn, maxResults=21)
    assert_error(exc_info, "ValidationException", 400, "Value '21' at 'maxResults'", "less than or equal to 20")


def test_creation_time_can_be_given(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    arn = new_incident(ssm_incidents)
    created = datetime(2023, 12, 13, 0, 47, 3, 560000, tzinfo=timezone.utc)
    finding = mocked_ssm_incidents.add_finding(arn, cloudformation_stack_arn=STACK, creation_time=created)
    got = ssm_incidents.batch_get_incident_findings(incidentRecordArn=arn, findingIds=[finding])["findings"][0]
    assert got["creationTime"] == created == got["lastModifiedTime"]


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({}, "exactly one"),
        ({"cloudformation_stack_arn": STACK, "codedeploy_deployment_group_arn": GROUP}, "exactly one"),
        ({"codedeploy_deployment_group_arn": GROUP}, "deployment_id"),
        ({"cloudformation_stack_arn": STACK, "deployment_id": "d-1"}, "deployment_id"),
    ],
)
def test_add_finding_rejects_bad_arguments(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock, kwargs: dict[str, Any], fragment: str
) -> None:
    arn = new_incident(ssm_incidents)
    with pytest.raises(ValueError, match=fragment):
        mocked_ssm_incidents.add_finding(arn, **kwargs)


def test_add_finding_to_unknown_incident_fails(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    arn = new_incident(ssm_incidents).rsplit("/", 1)[0] + "/11111111-1111-1111-1111-111111111111"
    with pytest.raises(ValueError, match="No incident record"):
        mocked_ssm_incidents.add_finding(arn, cloudformation_stack_arn=STACK)


def test_add_finding_in_another_account(
    mocked_ssm_incidents: SSMIncidentsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    client = boto3.client("ssm-incidents", region_name="us-east-1")
    arn = new_incident(client)
    assert ":111122223333:" in arn
    finding = mocked_ssm_incidents.add_finding(arn, cloudformation_stack_arn=STACK)
    assert [f["id"] for f in client.list_incident_findings(incidentRecordArn=arn)["findings"]] == [finding]
