"""The response plan's SSM Automation runbook, started by StartIncident in moto's SSM."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from ssm_incidents_mock import SSMIncidentsMock
from tests.support.moto_world import RUNBOOK_CONTENT, aws, create_runbook, events_of_type

ROLE = "arn:aws:iam::123456789012:role/runbook"
START_FAILURE = "SSM Automation Execution Start Failure for Incident"
RUNBOOK = "AWSIncidents-CriticalIncidentRunbookTemplate"
EXECUTION_ARN = re.compile(
    r"arn:aws:ssm:us-east-1:123456789012:automation-execution/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")
INVOLVED = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"


def plan_with_runbook(client: Any, **template: Any) -> str:
    # an Amazon-owned document: it exists in every account and region without a test creating it
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


# --- Amazon-owned documents ---------------------------------------------------------------------


def plan_running(client: Any, name: str, document: str, version: str | None) -> str:
    automation = {"documentName": document, "roleArn": ROLE}
    if version is not None:
        automation["documentVersion"] = version
    arn: str = client.create_response_plan(
        name=name, incidentTemplate={"title": "t", "impact": 3}, actions=[{"ssmAutomation": automation}]
    )["arn"]
    return arn


def ran(client: Any, plan: str) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """Start an incident: its ARN, the SSM executions its runbook started, and its start-failure events."""
    arn, record = start(client, plan)
    ssm = aws("ssm")
    executions = [
        ssm.get_automation_execution(AutomationExecutionId=e["ssmExecutionArn"].rsplit("/", 1)[1])[
            "AutomationExecution"
        ]
        for e in record["automationExecutions"]
    ]
    return arn, executions, events_of_type(client, arn, START_FAILURE)


@pytest.mark.parametrize(
    ("document", "version", "expected"),
    [
        ("AWSIncidents-CriticalIncidentRunbookTemplate", "$DEFAULT", "1"),  # AWS's CLI example plan
        ("AWS-RestartRDSInstance", None, "1"),  # the JS SDK's check
        ("AWSSupport-TroubleshootSSH", "$LATEST", "1"),
        ("AWSConfigRemediation-EnableCloudTrailLogFileValidation", "3", "3"),
        ("AmazonCloudWatch-ManageAgent", "", "1"),
    ],
)
def test_amazon_owned_runbooks_start_in_any_account(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock, document: str, version: str | None, expected: str
) -> None:
    arn, executions, failures = ran(ssm_incidents, plan_running(ssm_incidents, "owned", document, version))
    assert failures == []
    (execution,) = executions
    assert (execution["DocumentName"], execution["DocumentVersion"]) == (document, expected)
    assert execution["AutomationExecutionStatus"] == "InProgress"
    (recorded,) = mocked_ssm_incidents.automation_executions()
    assert (recorded.document_name, recorded.incident_record_arn) == (document, arn)


def test_a_document_the_test_created_under_an_amazon_name_is_the_one_used(ssm_incidents: Any) -> None:
    create_runbook("AWS-RestartRDSInstance")
    aws("ssm").update_document(
        Name="AWS-RestartRDSInstance",
        Content=RUNBOOK_CONTENT + "# v2\n",
        DocumentVersion="$LATEST",
        DocumentFormat="YAML",
    )
    _, executions, _ = ran(ssm_incidents, plan_running(ssm_incidents, "latest", "AWS-RestartRDSInstance", "$LATEST"))
    assert [e["DocumentVersion"] for e in executions] == ["2"]  # the test's version 2, not Amazon's version 1
    _, executions, failures = ran(ssm_incidents, plan_running(ssm_incidents, "v3", "AWS-RestartRDSInstance", "3"))
    assert executions == []  # the test's document has no version 3
    assert json.loads(failures[0]["eventData"])["documentName"] == "AWS-RestartRDSInstance"


def test_a_command_document_of_an_amazon_name_does_not_run(ssm_incidents: Any) -> None:
    aws("ssm").create_document(
        Name="AWS-RunMyScript", DocumentType="Command", Content=json.dumps({"schemaVersion": "2.2", "mainSteps": []})
    )
    _, executions, failures = ran(ssm_incidents, plan_running(ssm_incidents, "command", "AWS-RunMyScript", None))
    assert executions == []
    assert len(failures) == 1


@pytest.mark.parametrize(
    ("document", "version"),
    [
        ("Restart-Missing", None),  # a customer's name: only moto's SSM has it, or nothing does
        ("AWSRestartRDSInstance", None),  # no "-" after the owner's word
        ("aws-RestartRDSInstance", None),  # Amazon's names are capitalised
        ("AWS-RestartRDSInstance", "latest"),  # not a version
        ("AWS-RestartRDSInstance", "0"),
    ],
)
def test_other_names_and_versions_are_start_failures(ssm_incidents: Any, document: str, version: str | None) -> None:
    _, executions, failures = ran(ssm_incidents, plan_running(ssm_incidents, "missing", document, version))
    assert executions == []
    assert json.loads(failures[0]["eventData"])["errorMessage"] == "The specified document does not exist."


def test_ssm_starts_amazon_owned_documents_too(ssm_incidents: Any) -> None:
    ssm = aws("ssm")
    started = ssm.start_automation_execution(DocumentName="AWS-RestartEC2Instance", Parameters={"InstanceId": ["i-1"]})
    execution = ssm.get_automation_execution(AutomationExecutionId=started["AutomationExecutionId"])
    assert execution["AutomationExecution"]["DocumentName"] == "AWS-RestartEC2Instance"
    assert execution["AutomationExecution"]["Parameters"] == {"InstanceId": ["i-1"]}
