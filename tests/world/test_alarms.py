"""CloudWatch alarms whose actions name a response plan start incidents when they enter ALARM."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.support.moto_world import (
    ACCOUNT,
    REGION,
    aws,
    create_alarm,
    create_plan,
    incidents,
    set_state,
    share_plan,
    trigger_data,
)

ALARM_ROLE = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/ssm-incidents.alarms.cloudwatch.amazonaws.com/"
    "AWSServiceRoleForCloudWatchAlarms_ActionSSMIncidents"
)


@pytest.fixture
def cloudwatch(ssm_incidents: Any) -> Any:
    return aws("cloudwatch")


def test_an_alarm_entering_alarm_starts_an_incident_from_the_plan(ssm_incidents: Any, cloudwatch: Any) -> None:
    plan = create_plan(ssm_incidents, template={"summary": "from the plan"})
    alarm = create_alarm(cloudwatch, plan)
    assert incidents(ssm_incidents) == []
    set_state(cloudwatch, "cpu-high", "ALARM")
    (summary,) = incidents(ssm_incidents)
    record = ssm_incidents.get_incident_record(arn=summary["arn"])["incidentRecord"]
    assert record["title"] == "CPU too high"
    assert record["impact"] == 2
    assert record["summary"] == "from the plan"
    assert record["status"] == "OPEN"
    assert record["incidentRecordSource"] == {
        "createdBy": ALARM_ROLE,
        "invokedBy": "ssm-incidents.alarms.cloudwatch.amazonaws.com",
        "resourceArn": alarm,
        "source": "aws.cloudwatch",
    }


def test_the_trigger_event_carries_the_raw_alarm_event(ssm_incidents: Any, cloudwatch: Any) -> None:
    alarm = create_alarm(cloudwatch, create_plan(ssm_incidents))
    set_state(cloudwatch, "cpu-high", "ALARM")
    (trigger,) = trigger_data(ssm_incidents, incidents(ssm_incidents)[0]["arn"])
    assert trigger["createdIncident"] is True
    assert trigger["incidentSource"] == "aws.cloudwatch"
    assert trigger["triggerArn"] == alarm
    raw = trigger["rawData"]
    assert raw["detail-type"] == "CloudWatch Alarm State Change"
    assert raw["source"] == "aws.cloudwatch"
    assert (raw["account"], raw["region"], raw["resources"]) == (ACCOUNT, REGION, [alarm])
    detail = raw["detail"]
    assert detail["alarmName"] == "cpu-high"
    assert detail["state"]["value"] == "ALARM"
    assert detail["state"]["reason"] == "test sets ALARM"
    assert detail["previousState"]["value"] == "OK"
    assert detail["configuration"]["description"] == "CPU over 80%"
    metric = detail["configuration"]["metrics"][0]["metricStat"]
    assert metric["metric"] == {
        "dimensions": {"InstanceId": "i-0123456789abcdef0"},
        "name": "CPUUtilization",
        "namespace": "AWS/EC2",
    }
    assert (metric["period"], metric["stat"]) == (60, "Average")


def test_the_same_alarm_firing_again_adds_to_its_open_incident(ssm_incidents: Any, cloudwatch: Any) -> None:
    create_alarm(cloudwatch, create_plan(ssm_incidents))
    set_state(cloudwatch, "cpu-high", "ALARM")
    set_state(cloudwatch, "cpu-high", "OK")
    set_state(cloudwatch, "cpu-high", "ALARM")
    (summary,) = incidents(ssm_incidents)
    triggers = trigger_data(ssm_incidents, summary["arn"])
    assert [t["createdIncident"] for t in triggers] == [True, False]
    assert triggers[1]["rawData"]["detail"]["previousState"]["value"] == "OK"


def test_after_resolving_the_alarm_starts_a_new_incident(ssm_incidents: Any, cloudwatch: Any) -> None:
    create_alarm(cloudwatch, create_plan(ssm_incidents))
    set_state(cloudwatch, "cpu-high", "ALARM")
    first = incidents(ssm_incidents)[0]["arn"]
    ssm_incidents.update_incident_record(arn=first, status="RESOLVED")
    set_state(cloudwatch, "cpu-high", "OK")
    set_state(cloudwatch, "cpu-high", "ALARM")
    assert [r["arn"] == first for r in incidents(ssm_incidents)] == [False, True]


def test_staying_in_alarm_is_no_new_trigger(ssm_incidents: Any, cloudwatch: Any) -> None:
    create_alarm(cloudwatch, create_plan(ssm_incidents))
    set_state(cloudwatch, "cpu-high", "ALARM")
    set_state(cloudwatch, "cpu-high", "ALARM")
    assert len(trigger_data(ssm_incidents, incidents(ssm_incidents)[0]["arn"])) == 1


def test_other_states_and_disabled_actions_start_nothing(ssm_incidents: Any, cloudwatch: Any) -> None:
    plan = create_plan(ssm_incidents)
    create_alarm(cloudwatch, plan)
    set_state(cloudwatch, "cpu-high", "INSUFFICIENT_DATA")
    set_state(cloudwatch, "cpu-high", "OK")
    create_alarm(cloudwatch, plan, "cpu-quiet", ActionsEnabled=False)  # DisableAlarmActions needs moto 5.2.1
    set_state(cloudwatch, "cpu-quiet", "ALARM")
    assert incidents(ssm_incidents) == []


def test_alarms_without_a_plan_action_start_nothing(ssm_incidents: Any, cloudwatch: Any) -> None:
    create_plan(ssm_incidents)
    topic = aws("sns").create_topic(Name="alarms")["TopicArn"]
    create_alarm(cloudwatch, topic)
    set_state(cloudwatch, "cpu-high", "ALARM")
    assert incidents(ssm_incidents) == []


def test_an_alarm_naming_a_missing_plan_does_not_fail_set_alarm_state(ssm_incidents: Any, cloudwatch: Any) -> None:
    create_alarm(cloudwatch, f"arn:aws:ssm-incidents::{ACCOUNT}:response-plan/missing")
    set_state(cloudwatch, "cpu-high", "ALARM")
    assert cloudwatch.describe_alarms(AlarmNames=["cpu-high"])["MetricAlarms"][0]["StateValue"] == "ALARM"
    assert incidents(ssm_incidents) == []


def test_each_plan_among_the_actions_gets_its_incident(ssm_incidents: Any, cloudwatch: Any) -> None:
    first, second = create_plan(ssm_incidents, "first"), create_plan(ssm_incidents, "second")
    cloudwatch.put_metric_alarm(
        AlarmName="two-plans",
        Namespace="AWS/EC2",
        MetricName="CPUUtilization",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=80.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[first, second],
    )
    set_state(cloudwatch, "two-plans", "ALARM")
    set_state(cloudwatch, "two-plans", "OK")
    set_state(cloudwatch, "two-plans", "ALARM")
    arns = sorted(r["arn"].split("/")[1] for r in incidents(ssm_incidents))
    assert arns == ["first", "second"]


def test_a_direct_start_naming_the_alarm_is_deduplicated_too(ssm_incidents: Any, cloudwatch: Any) -> None:
    plan = create_plan(ssm_incidents)
    alarm = create_alarm(cloudwatch, plan)
    set_state(cloudwatch, "cpu-high", "ALARM")
    details = {"source": "aws.cloudwatch", "triggerArn": alarm, "timestamp": time.time(), "rawData": "{}"}
    again = ssm_incidents.start_incident(responsePlanArn=plan, triggerDetails=details)["incidentRecordArn"]
    (summary,) = incidents(ssm_incidents)
    assert again == summary["arn"]
    other = dict(details, triggerArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:not-an-alarm")
    assert ssm_incidents.start_incident(responsePlanArn=plan, triggerDetails=other)["incidentRecordArn"] != again


def test_the_plan_dedupe_string_still_wins(ssm_incidents: Any, cloudwatch: Any) -> None:
    plan = create_plan(ssm_incidents, template={"dedupeString": "cpu"})
    create_alarm(cloudwatch, plan)
    manual = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    set_state(cloudwatch, "cpu-high", "ALARM")
    (summary,) = incidents(ssm_incidents)
    assert summary["arn"] == manual
    assert [t["createdIncident"] for t in trigger_data(ssm_incidents, manual)] == [False]


def test_the_incident_is_made_in_a_region_of_the_replication_set(ssm_incidents: Any) -> None:
    rs = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    ssm_incidents.get_waiter("wait_for_replication_set_active").wait(arn=rs, WaiterConfig={"Delay": 0})
    plan = create_plan(ssm_incidents)
    west = aws("cloudwatch", "eu-west-1")
    create_alarm(west, plan)
    set_state(west, "cpu-high", "ALARM")
    (summary,) = incidents(ssm_incidents)
    items = ssm_incidents.list_related_items(incidentRecordArn=summary["arn"])["relatedItems"]
    parent = next(i for i in items if i["identifier"]["type"] == "PARENT")
    assert parent["identifier"]["value"]["arn"].startswith(f"arn:aws:ssm:us-east-1:{ACCOUNT}:opsitem/")


def test_an_alarm_of_another_account_starts_an_incident_only_from_a_plan_shared_with_it(
    ssm_incidents: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alarm action is a StartIncident by that account: the same sharing rules as a direct call."""
    plan = create_plan(ssm_incidents)
    application = "111122223333"
    monkeypatch.setenv("MOTO_ACCOUNT_ID", application)  # moto serves the next calls as that account
    cloudwatch = aws("cloudwatch")
    alarm = create_alarm(cloudwatch, plan)
    set_state(cloudwatch, "cpu-high", "ALARM")
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    assert incidents(ssm_incidents) == []
    share_plan(ssm_incidents, plan, application)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", application)
    set_state(cloudwatch, "cpu-high", "OK")
    set_state(cloudwatch, "cpu-high", "ALARM")
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    (summary,) = incidents(ssm_incidents)
    assert summary["arn"].startswith(f"arn:aws:ssm-incidents::{ACCOUNT}:incident-record/cpu/")
    source = ssm_incidents.get_incident_record(arn=summary["arn"])["incidentRecord"]["incidentRecordSource"]
    assert (source["resourceArn"], source["createdBy"]) == (alarm, ALARM_ROLE.replace(ACCOUNT, application))


def test_an_alarm_of_another_partition_starts_nothing(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents)
    china = aws("cloudwatch", "cn-north-1")
    create_alarm(china, plan)
    set_state(china, "cpu-high", "ALARM")
    assert incidents(ssm_incidents) == []
