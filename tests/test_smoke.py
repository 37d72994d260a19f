"""A first end-to-end check through a real boto3 client."""

from __future__ import annotations

from typing import Any


def test_start_and_resolve_incident(ssm_incidents: Any) -> None:
    plan = ssm_incidents.create_response_plan(name="plan", incidentTemplate={"title": "t", "impact": 3})["arn"]
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    assert arn.startswith("arn:aws:ssm-incidents::123456789012:incident-record/plan/")
    ssm_incidents.update_incident_record(arn=arn, status="RESOLVED")
    record = ssm_incidents.get_incident_record(arn=arn)["incidentRecord"]
    assert record["status"] == "RESOLVED"
    assert "resolvedTime" in record
