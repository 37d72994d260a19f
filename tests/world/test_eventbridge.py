"""EventBridge rules with a response plan target start incidents from matching events."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.moto_world import (
    ACCOUNT,
    aws,
    create_plan,
    create_runbook,
    events_of_type,
    incidents,
    runbook_action,
    share_plan,
    trigger_data,
)

PATTERN = {"source": ["my.app"], "detail": {"severity": ["high"]}}
ROLE = f"arn:aws:iam::{ACCOUNT}:role/events-start-incident"
INSTANCE = f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0123456789abcdef0"


@pytest.fixture
def events(ssm_incidents: Any) -> Any:
    return aws("events")


def rule_to(events: Any, *target_arns: str, name: str = "app-high", **rule: Any) -> str:
    if "ScheduleExpression" not in rule:
        rule.setdefault("EventPattern", json.dumps(PATTERN))
    arn: str = events.put_rule(Name=name, **rule)["RuleArn"]
    targets = [{"Id": f"t{i}", "Arn": a, "RoleArn": ROLE} for i, a in enumerate(target_arns)]
    events.put_targets(Rule=name, Targets=targets)
    return arn


def put(events: Any, severity: str = "high", resources: list[str] | None = None) -> None:
    entry = {"Source": "my.app", "DetailType": "Service health", "Detail": json.dumps({"severity": severity})}
    if resources is not None:
        entry["Resources"] = resources
    answer = events.put_events(Entries=[entry])
    assert answer["FailedEntryCount"] == 0


def test_a_matching_event_starts_an_incident(ssm_incidents: Any, events: Any) -> None:
    rule = rule_to(events, create_plan(ssm_incidents))
    put(events, "low")
    assert incidents(ssm_incidents) == []
    put(events)
    (summary,) = incidents(ssm_incidents)
    record = ssm_incidents.get_incident_record(arn=summary["arn"])["incidentRecord"]
    assert (record["title"], record["impact"]) == ("CPU too high", 2)
    assert record["incidentRecordSource"] == {
        "createdBy": ROLE,
        "invokedBy": "events.amazonaws.com",
        "resourceArn": rule,
        "source": "my.app",
    }


def test_the_trigger_event_carries_the_event(ssm_incidents: Any, events: Any) -> None:
    rule = rule_to(events, create_plan(ssm_incidents))
    put(events, resources=[INSTANCE])
    (trigger,) = trigger_data(ssm_incidents, incidents(ssm_incidents)[0]["arn"])
    assert (trigger["createdIncident"], trigger["incidentSource"], trigger["triggerArn"]) == (True, "my.app", rule)
    raw = trigger["rawData"]
    assert raw["detail-type"] == "Service health"
    assert raw["detail"] == {"severity": "high"}
    assert raw["resources"] == [INSTANCE]
    assert raw["account"] == ACCOUNT
    assert raw["time"].endswith("Z") and "ingestion-time" not in raw


def test_the_event_resources_become_involved_resources(ssm_incidents: Any, events: Any) -> None:
    create_runbook()
    action = runbook_action(dynamicParameters={"Resources": {"variable": "INVOLVED_RESOURCES"}})
    rule_to(events, create_plan(ssm_incidents, actions=[action]))
    put(events, resources=[INSTANCE])
    arn = incidents(ssm_incidents)[0]["arn"]
    items = ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]
    involved = [i["identifier"]["value"]["arn"] for i in items if i["identifier"]["type"] == "INVOLVED_RESOURCE"]
    assert involved == [INSTANCE]
    execution_arn = ssm_incidents.get_incident_record(arn=arn)["incidentRecord"]["automationExecutions"][0]
    execution = aws("ssm").get_automation_execution(AutomationExecutionId=execution_arn["ssmExecutionArn"][-36:])
    assert execution["AutomationExecution"]["Parameters"]["Resources"] == [INSTANCE]


def test_events_matching_while_the_incident_is_open_add_to_it(ssm_incidents: Any, events: Any) -> None:
    rule_to(events, create_plan(ssm_incidents))
    put(events)
    put(events)
    (summary,) = incidents(ssm_incidents)
    assert [t["createdIncident"] for t in trigger_data(ssm_incidents, summary["arn"])] == [True, False]
    ssm_incidents.update_incident_record(arn=summary["arn"], status="RESOLVED")
    put(events)
    assert len(incidents(ssm_incidents)) == 2


def test_other_targets_of_the_rule_still_get_the_event(ssm_incidents: Any, events: Any) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="copies")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule_to(events, create_plan(ssm_incidents), queue)
    put(events)
    put(events, "low")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["detail"] for m in messages] == [{"severity": "high"}]
    assert len(incidents(ssm_incidents)) == 1


def test_disabled_and_schedule_rules_start_nothing(ssm_incidents: Any, events: Any) -> None:
    plan = create_plan(ssm_incidents)
    rule_to(events, plan, name="disabled", State="DISABLED")
    rule_to(events, plan, name="schedule", ScheduleExpression="rate(5 minutes)")
    put(events)
    assert incidents(ssm_incidents) == []


def test_a_rule_naming_a_missing_plan_does_not_fail_put_events(ssm_incidents: Any, events: Any) -> None:
    rule_to(events, f"arn:aws:ssm-incidents::{ACCOUNT}:response-plan/missing")
    put(events)
    assert incidents(ssm_incidents) == []


def test_a_rule_of_another_account_starts_an_incident_only_from_a_plan_shared_with_it(
    ssm_incidents: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = create_plan(ssm_incidents)
    application = "111122223333"
    monkeypatch.setenv("MOTO_ACCOUNT_ID", application)
    events = aws("events")
    events.put_rule(Name="app-high", EventPattern=json.dumps(PATTERN))
    role = f"arn:aws:iam::{application}:role/events-start-incident"
    events.put_targets(Rule="app-high", Targets=[{"Id": "t", "Arn": plan, "RoleArn": role}])
    put(events)
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    assert incidents(ssm_incidents) == []
    share_plan(ssm_incidents, plan, application)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", application)
    put(events)
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    (summary,) = incidents(ssm_incidents)
    source = ssm_incidents.get_incident_record(arn=summary["arn"])["incidentRecord"]["incidentRecordSource"]
    assert source["createdBy"] == role


def test_a_target_role_of_another_account_starts_nothing(ssm_incidents: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """EventBridge refuses to pass a role of another account; the owner's role is no way into its plan."""
    plan = create_plan(ssm_incidents)
    share_plan(ssm_incidents, plan, "111122223333")
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "111122223333")
    events = aws("events")
    events.put_rule(Name="app-high", EventPattern=json.dumps(PATTERN))
    events.put_targets(Rule="app-high", Targets=[{"Id": "t", "Arn": plan, "RoleArn": ROLE}])  # the owner's role
    put(events)
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    assert incidents(ssm_incidents) == []


def nested(depth: int) -> dict[str, Any]:
    inner: Any = 0
    for _ in range(depth):
        inner = {"i": inner}
    return {"severity": "high", "inner": inner}


def put_detail(events: Any, detail: dict[str, Any]) -> None:
    entry = {"Source": "my.app", "DetailType": "Service health", "Detail": json.dumps(detail)}
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0


def trigger_event_data(client: Any) -> list[str]:
    (summary,) = incidents(client)
    return [e["eventData"] for e in events_of_type(client, summary["arn"], "SSM Incident Trigger")]


def test_a_deeply_nested_event_starts_an_incident(ssm_incidents: Any, events: Any) -> None:
    rule_to(events, create_plan(ssm_incidents))
    put_detail(events, nested(500))
    (data,) = trigger_event_data(ssm_incidents)
    assert json.loads(json.loads(data)["rawData"])["detail"] == nested(500)


def test_a_large_event_is_cut_to_the_models_sizes(ssm_incidents: Any, events: Any) -> None:
    model = ssm_incidents.meta.service_model
    rule_to(events, create_plan(ssm_incidents))
    put_detail(events, {"severity": "high", "text": '"quoted" ' * 22_000})  # ~200 KB, half of it escapes
    (data,) = trigger_event_data(ssm_incidents)
    assert len(data) <= model.shape_for("EventData").metadata["max"]
    raw = json.loads(data)["rawData"]
    assert len(raw) <= model.shape_for("RawData").metadata["max"]
    assert raw.startswith('{"version": "0"')


def test_an_event_over_eventbridges_entry_limit_is_not_delivered(ssm_incidents: Any, events: Any) -> None:
    rule_to(events, create_plan(ssm_incidents))
    put_detail(events, {"severity": "high", "text": "x" * 300_000})
    assert incidents(ssm_incidents) == []
