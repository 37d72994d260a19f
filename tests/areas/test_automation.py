"""The response plan's SSM Automation runbook, started by StartIncident in moto's SSM."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ssm_incidents_mock import SSMIncidentsMock
from tests.support.moto_world import create_runbook

ROLE = "arn:aws:iam::123456789012:role/runbook"
RUNBOOK = "AWSIncidents-CriticalIncidentRunbookTemplate"
EXECUTION_ARN = re.compile(
    r"arn:aws:ssm:us-east-1:123456789012:automation-execution/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")
INVOLVED = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"


def plan_with_runbook(client: Any, **template: Any) -> str:
    create_runbook(RUNBOOK)  # in moto's SSM: moto preloads no AWS-owned documents
    automation = {
        "documentName": RUNBOOK,
        "documentVersion": "$DEFAULT",
        "roleArn": ROLE,
        "targetAccount": "RESPONSE_PLAN_OWNER_ACCOUNT",
        "parameters": {"Static": ["one", "two"]},
        "dynamicParameters": {
            "IncidentArn": {"variable": "INCIDENT_RECORD_ARN"},
            "Resources": {"variable": "INVOLVED_RESOURCES"},
        },
    }
    arn: str = client.create_response_plan(
        name="runbook-plan",
        incidentTemplate={"title": "t", "impact": 3, **template},
        actions=[{"ssmAutomation": automation}],
    )["arn"]
    return arn


def start(client: Any, plan: str, **kw: Any) -> tuple[str, dict[str, Any]]:
    arn = client.start_incident(responsePlanArn=plan, **kw)["incidentRecordArn"]
    record: dict[str, Any] = client.get_incident_record(arn=arn)["incidentRecord"]
    return arn, record


def test_start_incident_records_one_execution_of_the_runbook(ssm_incidents: Any) -> None:
    _, record = start(ssm_incidents, plan_with_runbook(ssm_incidents))
    executions = record["automationExecutions"]
    assert len(executions) == 1
    assert EXECUTION_ARN.fullmatch(executions[0]["ssmExecutionArn"])


def test_the_execution_is_an_automation_related_item(ssm_incidents: Any) -> None:
    arn, record = start(ssm_incidents, plan_with_runbook(ssm_incidents))
    execution_arn = record["automationExecutions"][0]["ssmExecutionArn"]
    items = ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]
    automation = [i for i in items if i["identifier"]["type"] == "AUTOMATION"]
    assert len(automation) == 1
    assert automation[0]["identifier"]["value"] == {"arn": execution_arn}
    assert automation[0]["title"] == RUNBOOK
    assert re.fullmatch(r"related-item/AUTOMATION/[0-9A-F]{32}", automation[0]["generatedId"])


def test_adding_the_automation_item_is_a_record_update_event(ssm_incidents: Any) -> None:
    arn, record = start(ssm_incidents, plan_with_runbook(ssm_incidents))
    execution_arn = record["automationExecutions"][0]["ssmExecutionArn"]
    item_id = next(
        i["generatedId"]
        for i in ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]
        if i["identifier"]["type"] == "AUTOMATION"
    )
    events = ssm_incidents.list_timeline_events(
        incidentRecordArn=arn, filters=[{"key": "eventReference", "condition": {"equals": {"stringValues": [item_id]}}}]
    )["eventSummaries"]
    assert [e["eventType"] for e in events] == ["SSM Incident Record Update"]
    event = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=events[0]["eventId"])["event"]
    data = json.loads(event["eventData"])
    change = data["modifiedAttributes"][0]
    assert change["attributeName"] == "relatedItems"
    assert json.loads(change["newValue"])["itemToAdd"]["identifier"] == {
        "type": "AUTOMATION",
        "value": {"arn": execution_arn},
    }


def test_dynamic_parameters_are_resolved_from_the_incident(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    plan = plan_with_runbook(ssm_incidents)
    involved = {"identifier": {"type": "INVOLVED_RESOURCE", "value": {"arn": INVOLVED}}}
    arn, record = start(ssm_incidents, plan, relatedItems=[involved])
    executions = mocked_ssm_incidents.backend().automation_executions
    assert len(executions) == 1
    execution = next(iter(executions.values()))
    assert execution.arn == record["automationExecutions"][0]["ssmExecutionArn"]
    assert execution.document_name == RUNBOOK
    assert execution.role_arn == ROLE
    assert execution.incident_record_arn == arn
    assert execution.parameters == {"Static": ["one", "two"], "IncidentArn": [arn], "Resources": [INVOLVED]}


def test_each_incident_gets_its_own_execution(ssm_incidents: Any) -> None:
    plan = plan_with_runbook(ssm_incidents)
    first = start(ssm_incidents, plan)[1]["automationExecutions"]
    second = start(ssm_incidents, plan)[1]["automationExecutions"]
    assert first != second


def test_a_deduplicated_start_does_not_run_the_runbook_again(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    plan = plan_with_runbook(ssm_incidents, dedupeString="same")
    first, _ = start(ssm_incidents, plan)
    second, record = start(ssm_incidents, plan)
    assert first == second
    assert len(record["automationExecutions"]) == 1
    assert len(mocked_ssm_incidents.backend().automation_executions) == 1


def test_plan_without_actions_starts_nothing(ssm_incidents: Any) -> None:
    plan = ssm_incidents.create_response_plan(name="plain", incidentTemplate={"title": "t", "impact": 3})["arn"]
    arn, record = start(ssm_incidents, plan)
    assert record["automationExecutions"] == []
    items = ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]
    assert all(i["identifier"]["type"] != "AUTOMATION" for i in items)


def test_removing_the_action_stops_new_executions(ssm_incidents: Any) -> None:
    plan = plan_with_runbook(ssm_incidents)
    ssm_incidents.update_response_plan(arn=plan, actions=[])
    assert start(ssm_incidents, plan)[1]["automationExecutions"] == []
