"""A plan's runbook starts in moto's SSM only when the Automation document exists there (or is Amazon's)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock
from tests.support.moto_world import (
    ACCOUNT,
    RUNBOOK_CONTENT,
    aws,
    create_alarm,
    create_plan,
    create_runbook,
    events_of_type,
    runbook_action,
    set_state,
    share_plan,
)

START_FAILURE = "SSM Automation Execution Start Failure for Incident"


def start(client: Any, action: dict[str, Any], plan_name: str = "cpu") -> dict[str, Any]:
    arn = client.start_incident(responsePlanArn=create_plan(client, plan_name, actions=[action]))["incidentRecordArn"]
    record: dict[str, Any] = client.get_incident_record(arn=arn)["incidentRecord"]
    return record


def execution_id(record: dict[str, Any]) -> str:
    arn: str = record["automationExecutions"][0]["ssmExecutionArn"]
    return arn.rsplit("/", 1)[1]


def test_a_missing_document_is_a_start_failure_event(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    record = start(ssm_incidents, runbook_action("Restart-EC2-Instance"))
    assert record["automationExecutions"] == []
    (failure,) = events_of_type(ssm_incidents, record["arn"], START_FAILURE)
    assert json.loads(failure["eventData"])["documentName"] == "Restart-EC2-Instance"
    assert failure["eventReferences"] == [{"resource": record["arn"]}]
    items = ssm_incidents.list_related_items(incidentRecordArn=record["arn"])["relatedItems"]
    assert [i["identifier"]["type"] for i in items] == ["PARENT"]
    assert mocked_ssm_incidents.automation_executions() == []


def test_an_existing_document_runs_with_resolved_parameters(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    create_runbook()
    record = start(ssm_incidents, runbook_action(parameters={"Static": ["x"]}))
    assert events_of_type(ssm_incidents, record["arn"], START_FAILURE) == []
    execution = aws("ssm").get_automation_execution(AutomationExecutionId=execution_id(record))["AutomationExecution"]
    assert execution["DocumentName"] == "Restart-Service"
    assert execution["DocumentVersion"] == "1"
    assert execution["AutomationExecutionStatus"] == "InProgress"
    assert execution["Parameters"] == {"Static": ["x"], "IncidentArn": [record["arn"]]}
    (recorded,) = mocked_ssm_incidents.automation_executions()
    assert recorded.arn == record["automationExecutions"][0]["ssmExecutionArn"]
    assert (recorded.account_id, recorded.region, recorded.incident_record_arn) == (ACCOUNT, "us-east-1", record["arn"])
    assert recorded.parameters == execution["Parameters"]


def test_the_document_version_must_exist(ssm_incidents: Any) -> None:
    create_runbook()
    ssm = aws("ssm")
    ssm.update_document(
        Name="Restart-Service", Content=RUNBOOK_CONTENT + "# v2\n", DocumentVersion="$LATEST", DocumentFormat="YAML"
    )
    ran = {}
    for version in ("$LATEST", "$DEFAULT", "2"):
        plan = create_plan(ssm_incidents, f"v{version.strip('$')}", actions=[runbook_action(version=version)])
        record = ssm_incidents.get_incident_record(
            arn=ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
        )["incidentRecord"]
        execution = ssm.get_automation_execution(AutomationExecutionId=execution_id(record))["AutomationExecution"]
        ran[version] = execution["DocumentVersion"]
    assert ran == {"$LATEST": "2", "$DEFAULT": "1", "2": "2"}
    plan = create_plan(ssm_incidents, "v7", actions=[runbook_action(version="7")])
    missing = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    assert len(events_of_type(ssm_incidents, missing, START_FAILURE)) == 1


def test_documents_of_other_kinds_or_regions_do_not_count(ssm_incidents: Any) -> None:
    aws("ssm").create_document(
        Name="Restart-Service",
        DocumentType="Command",
        Content=json.dumps({"schemaVersion": "2.2", "mainSteps": []}),
    )
    create_runbook("Other-Runbook", region="eu-west-1")
    for name in ("Restart-Service", "Other-Runbook"):
        record = start(ssm_incidents, runbook_action(name), name)
        assert record["automationExecutions"] == []
        assert len(events_of_type(ssm_incidents, record["arn"], START_FAILURE)) == 1


def test_ssm_answers_for_unknown_executions_and_starts_its_own(ssm_incidents: Any) -> None:
    ssm = aws("ssm")
    with pytest.raises(ClientError) as exc_info:
        ssm.get_automation_execution(AutomationExecutionId="00000000-0000-4000-8000-000000000000")
    assert exc_info.value.response["Error"]["Code"] == "AutomationExecutionNotFoundException"
    create_runbook()
    started = ssm.start_automation_execution(DocumentName="Restart-Service", Parameters={"IncidentArn": ["x"]})
    execution = ssm.get_automation_execution(AutomationExecutionId=started["AutomationExecutionId"])
    assert execution["AutomationExecution"]["Parameters"] == {"IncidentArn": ["x"]}
    with pytest.raises(ClientError) as exc_info:
        ssm.start_automation_execution(DocumentName="Missing-Runbook")
    assert exc_info.value.response["Error"]["Code"] == "InvalidDocument"


def test_impacted_account_runbooks_run_where_the_alarm_is(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = create_plan(ssm_incidents, actions=[runbook_action(targetAccount="IMPACTED_ACCOUNT")])
    application = "111122223333"
    share_plan(ssm_incidents, plan, application)  # an alarm may use only a plan it could start directly
    monkeypatch.setenv("MOTO_ACCOUNT_ID", application)  # moto serves the next calls as that account
    create_runbook()
    cloudwatch = aws("cloudwatch")
    create_alarm(cloudwatch, plan)
    set_state(cloudwatch, "cpu-high", "ALARM")
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    (execution,) = mocked_ssm_incidents.automation_executions()
    assert execution.account_id == application
    assert execution.arn.startswith(f"arn:aws:ssm:us-east-1:{application}:automation-execution/")


@pytest.mark.parametrize(("account", "runs"), [("111122223333", False), (ACCOUNT, True)])
def test_a_trigger_arn_given_by_the_caller_reaches_no_account_but_the_callers(
    ssm_incidents: Any,
    mocked_ssm_incidents: SSMIncidentsMock,
    monkeypatch: pytest.MonkeyPatch,
    account: str,
    runs: bool,
) -> None:
    """StartIncident's triggerDetails are the caller's words: they cannot send a runbook into another account."""
    monkeypatch.setenv("MOTO_ACCOUNT_ID", account)
    create_runbook()
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    plan = create_plan(ssm_incidents, actions=[runbook_action(targetAccount="IMPACTED_ACCOUNT")])
    trigger = {"source": "my.app", "timestamp": 1.0, "triggerArn": f"arn:aws:cloudwatch:us-east-1:{account}:alarm:x"}
    arn = ssm_incidents.start_incident(responsePlanArn=plan, triggerDetails=trigger)["incidentRecordArn"]
    executions = mocked_ssm_incidents.automation_executions()
    assert [e.account_id for e in executions] == ([account] if runs else [])
    failures = [json.loads(e["eventData"]) for e in events_of_type(ssm_incidents, arn, START_FAILURE)]
    if runs:
        assert failures == []
    else:
        assert failures[0]["errorMessage"].startswith(f"The runbook cannot run in the impacted account {account}")
