"""Helpers for the tests of Incident Manager inside moto's world: alarms, rules, topics, queues, runbooks."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.support.builders import onboard

ACCOUNT = "123456789012"
REGION = "us-east-1"
RUNBOOK_CONTENT = """
schemaVersion: '0.3'
parameters:
  IncidentArn: {type: String}
mainSteps:
- name: wait
  action: aws:sleep
  inputs: {Duration: PT1S}
"""


def aws(service: str, region: str = REGION, endpoint_url: str | None = None) -> Any:
    if endpoint_url is None:
        return boto3.client(service, region_name=region)
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint_url,
        aws_access_key_id="AKIDTESTING",
        aws_secret_access_key="secret",
    )


def create_plan(client: Any, name: str = "cpu", **kwargs: Any) -> str:
    """A response plan in an onboarded account (a replication set holding the client's region)."""
    onboard(client)
    template = {"title": "CPU too high", "impact": 2, **kwargs.pop("template", {})}
    arn: str = client.create_response_plan(name=name, incidentTemplate=template, **kwargs)["arn"]
    return arn


def share_plan(client: Any, plan_arn: str, account: str) -> None:
    """Share the plan (and its incidents) with ``account``, as AWS RAM does: a resource policy naming it."""
    incidents = plan_arn.replace(":response-plan/", ":incident-record/") + "/*"
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": account},
        "Action": ["ssm-incidents:GetResponsePlan", "ssm-incidents:StartIncident", "ssm-incidents:GetIncidentRecord"],
        "Resource": [plan_arn, incidents],
    }
    client.put_resource_policy(
        resourceArn=plan_arn, policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )


def create_alarm(cloudwatch: Any, plan_arn: str, name: str = "cpu-high", **kwargs: Any) -> str:
    cloudwatch.put_metric_alarm(
        AlarmName=name,
        AlarmDescription="CPU over 80%",
        Namespace="AWS/EC2",
        MetricName="CPUUtilization",
        Dimensions=[{"Name": "InstanceId", "Value": "i-0123456789abcdef0"}],
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=80.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[plan_arn],
        **kwargs,
    )
    arn: str = cloudwatch.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["AlarmArn"]
    return arn


def set_state(cloudwatch: Any, name: str, state: str) -> None:
    cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason=f"test sets {state}")


def incidents(client: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = client.list_incident_records()["incidentRecordSummaries"]
    return records


def events_of_type(client: Any, incident_arn: str, event_type: str) -> list[dict[str, Any]]:
    summaries = client.list_timeline_events(
        incidentRecordArn=incident_arn,
        filters=[{"key": "eventType", "condition": {"equals": {"stringValues": [event_type]}}}],
        sortOrder="ASCENDING",
    )["eventSummaries"]
    return [client.get_timeline_event(incidentRecordArn=incident_arn, eventId=e["eventId"])["event"] for e in summaries]


def trigger_data(client: Any, incident_arn: str) -> list[dict[str, Any]]:
    """The eventData of the incident's "SSM Incident Trigger" events, oldest first, with rawData parsed."""
    found = []
    for event in events_of_type(client, incident_arn, "SSM Incident Trigger"):
        data = json.loads(event["eventData"])
        data["rawData"] = json.loads(data["rawData"])
        found.append(data)
    return found


def subscribed_queue(sns: Any, sqs: Any, topic_name: str = "incidents") -> tuple[str, str]:
    """A topic and the URL of an SQS queue subscribed to it (raw delivery off: SNS's envelope)."""
    topic: str = sns.create_topic(Name=topic_name)["TopicArn"]
    url: str = sqs.create_queue(QueueName=f"{topic_name}-queue")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, url


def received(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message waiting in the queue, parsed: the SNS envelope's ``Message`` as JSON."""
    messages: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not batch:
            return messages
        for message in batch:
            messages.append(json.loads(json.loads(message["Body"])["Message"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def create_runbook(name: str = "Restart-Service", region: str = REGION, endpoint_url: str | None = None) -> None:
    aws("ssm", region, endpoint_url).create_document(
        Name=name, DocumentType="Automation", DocumentFormat="YAML", Content=RUNBOOK_CONTENT
    )


def runbook_action(name: str = "Restart-Service", version: str | None = None, **extra: Any) -> dict[str, Any]:
    automation: dict[str, Any] = {
        "documentName": name,
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/runbook",
        "dynamicParameters": {"IncidentArn": {"variable": "INCIDENT_RECORD_ARN"}},
        **extra,
    }
    if version is not None:
        automation["documentVersion"] = version
    return {"ssmAutomation": automation}
