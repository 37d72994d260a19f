"""Incident Manager in moto's world, against moto's server: ThreadedMotoServer and ``ssm-incidents-mock moto-server``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import ssm_incidents_mock
from tests.support.moto_world import (
    aws,
    create_alarm,
    create_plan,
    create_runbook,
    incidents,
    received,
    runbook_action,
    set_state,
    subscribed_queue,
    trigger_data,
)
from tests.support.processes import moto_server

REPO = Path(__file__).resolve().parent.parent


def alarm_to_queue(url: str) -> tuple[Any, list[dict[str, Any]], dict[str, Any]]:
    """An alarm starts an incident whose plan notifies a topic with a queue and runs a runbook."""
    ssm_incidents, cloudwatch = aws("ssm-incidents", endpoint_url=url), aws("cloudwatch", endpoint_url=url)
    topic, queue = subscribed_queue(aws("sns", endpoint_url=url), aws("sqs", endpoint_url=url))
    create_runbook(endpoint_url=url)
    plan = create_plan(
        ssm_incidents, template={"notificationTargets": [{"snsTopicArn": topic}]}, actions=[runbook_action()]
    )
    create_alarm(cloudwatch, plan)
    set_state(cloudwatch, "cpu-high", "ALARM")
    (summary,) = incidents(ssm_incidents)
    record = ssm_incidents.get_incident_record(arn=summary["arn"])["incidentRecord"]
    execution_id = record["automationExecutions"][0]["ssmExecutionArn"].rsplit("/", 1)[1]
    execution = aws("ssm", endpoint_url=url).get_automation_execution(AutomationExecutionId=execution_id)
    assert execution["AutomationExecution"]["Parameters"] == {"IncidentArn": [record["arn"]]}
    assert trigger_data(ssm_incidents, record["arn"])[0]["incidentSource"] == "aws.cloudwatch"
    return ssm_incidents, received(aws("sqs", endpoint_url=url), queue), record


@pytest.fixture
def threaded_moto() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    ssm_incidents_mock.register()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{server._server.server_port}"  # type: ignore[union-attr]
    try:
        assert requests.post(url + "/moto-api/reset", timeout=10).status_code == 200
        yield url
    finally:
        requests.post(url + "/moto-api/state-manager/unset-transition", json={"model_name": MODEL}, timeout=10)
        server.stop()


MODEL = "ssmincidents::replicationset"


def test_threaded_moto_server_alarm_notification_and_runbook(threaded_moto: str) -> None:
    _, messages, record = alarm_to_queue(threaded_moto)
    assert [m["detail-type"] for m in messages] == ["SSM Incident Start"]
    assert messages[0]["resources"] == [record["arn"]]


def test_threaded_moto_server_eventbridge_rule(threaded_moto: str) -> None:
    ssm_incidents, events = aws("ssm-incidents", endpoint_url=threaded_moto), aws("events", endpoint_url=threaded_moto)
    plan = create_plan(ssm_incidents)
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["my.app"]}))
    events.put_targets(Rule="r", Targets=[{"Id": "plan", "Arn": plan}])
    events.put_events(Entries=[{"Source": "my.app", "DetailType": "d", "Detail": "{}"}])
    assert len(incidents(ssm_incidents)) == 1


def test_threaded_moto_server_seed_and_state_manager(threaded_moto: str) -> None:
    ssm_incidents = aws("ssm-incidents", endpoint_url=threaded_moto)

    def run() -> list[str]:
        assert requests.post(threaded_moto + "/moto-api/reset", timeout=10).status_code == 200
        assert requests.post(threaded_moto + "/moto-api/seed?a=11", timeout=10).status_code == 200
        rs = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
        status = ssm_incidents.get_replication_set(arn=rs)["replicationSet"]["status"]
        incident = ssm_incidents.start_incident(responsePlanArn=create_plan(ssm_incidents))["incidentRecordArn"]
        return [rs, incident, status]

    first = run()
    assert first[2] == "ACTIVE"
    assert run() == first
    answer = requests.post(
        threaded_moto + "/moto-api/state-manager/set-transition",
        json={"model_name": MODEL, "transition": {"progression": "manual", "times": 1}},
        timeout=10,
    )
    assert answer.status_code == 201
    assert run()[2] == "CREATING"


def test_moto_server_subcommand_runs_the_effects() -> None:
    with moto_server() as url:
        _, messages, record = alarm_to_queue(url)
        assert [m["resources"] for m in messages] == [[record["arn"]]]
