"""moto's seed makes ids repeat; moto's state manager drives the replication set; engagements are recorded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto.moto_api import state_manager

from ssm_incidents_mock import SSMIncidentsMock
from tests.conftest import assert_error
from tests.support.moto_world import ACCOUNT, aws, create_plan, create_runbook, runbook_action

MODEL = "ssmincidents::replicationset"
SEED_URL = "http://motoapi.amazonaws.com/moto-api/seed"


def generated_ids(client: Any, mock: SSMIncidentsMock) -> list[str]:
    """Run one scenario and collect every id the mock generated in it."""
    rs = client.create_replication_set(regions={"us-east-1": {}})["arn"]
    client.get_waiter("wait_for_replication_set_active").wait(arn=rs, WaiterConfig={"Delay": 0, "MaxAttempts": 1})
    create_runbook()
    plan = create_plan(client, actions=[runbook_action()])
    policy = client.put_resource_policy(
        resourceArn=plan,
        policy='{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ssm-incidents:GetResponsePlan", "Resource": "*"}]}',
    )["policyId"]
    incident = client.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    event = client.create_timeline_event(
        incidentRecordArn=incident, eventTime=time.time(), eventType="Note", eventData='"n"'
    )["eventId"]
    record = client.get_incident_record(arn=incident)["incidentRecord"]
    items = [i["generatedId"] for i in client.list_related_items(incidentRecordArn=incident)["relatedItems"]]
    finding = mock.add_finding(
        incident, cloudformation_stack_arn=f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/s/1"
    )
    parent = client.list_related_items(incidentRecordArn=incident)["relatedItems"][-1]["identifier"]["value"]["arn"]
    execution = record["automationExecutions"][0]["ssmExecutionArn"]
    return [rs, policy, incident, event, record["dedupeString"], *items, finding, parent, execution]


def test_moto_seed_makes_the_ids_repeat(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    runs = []
    for seed in (42, 42, 7):
        mocked_ssm_incidents.reset()
        assert requests.post(f"{SEED_URL}?a={seed}", timeout=5).status_code == 200
        runs.append(generated_ids(ssm_incidents, mocked_ssm_incidents))
    assert runs[0] == runs[1]
    assert all(a != b for a, b in zip(runs[0], runs[2], strict=True))


@pytest.fixture
def transition() -> Iterator[Any]:
    """Set a transition for the replication set model; moto's reset keeps it, so it is unset afterwards."""
    yield lambda t: state_manager.set_transition(MODEL, t)
    state_manager.unset_transition(MODEL)


def statuses(client: Any, arn: str) -> tuple[str, dict[str, str]]:
    rs = client.get_replication_set(arn=arn)["replicationSet"]
    return rs["status"], {name: region["status"] for name, region in rs["regionMap"].items()}


@pytest.mark.ssm_incidents(replication_phases=True)
def test_with_phases_a_new_set_is_creating_until_a_read_has_seen_it(ssm_incidents: Any) -> None:
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}, "us-west-2": {}})["arn"]
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_replication_set(arn=arn, actions=[{"addRegionAction": {"regionName": "eu-west-1"}}])
    assert_error(exc_info, "ConflictException", 409, "CREATING")
    assert statuses(ssm_incidents, arn) == ("CREATING", {"us-east-1": "CREATING", "us-west-2": "CREATING"})
    assert statuses(ssm_incidents, arn) == ("ACTIVE", {"us-east-1": "ACTIVE", "us-west-2": "ACTIVE"})


@pytest.mark.ssm_incidents(replication_phases=True)
def test_with_phases_region_changes_go_through_updating(ssm_incidents: Any) -> None:
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}, "us-west-2": {}})["arn"]
    statuses(ssm_incidents, arn)
    ssm_incidents.update_replication_set(arn=arn, actions=[{"addRegionAction": {"regionName": "eu-west-1"}}])
    assert statuses(ssm_incidents, arn) == (
        "UPDATING",
        {"us-east-1": "ACTIVE", "us-west-2": "ACTIVE", "eu-west-1": "CREATING"},
    )
    assert statuses(ssm_incidents, arn)[0] == "ACTIVE"
    ssm_incidents.update_replication_set(arn=arn, actions=[{"deleteRegionAction": {"regionName": "us-west-2"}}])
    assert statuses(ssm_incidents, arn) == (
        "UPDATING",
        {"us-east-1": "ACTIVE", "us-west-2": "DELETING", "eu-west-1": "ACTIVE"},
    )
    assert statuses(ssm_incidents, arn) == ("ACTIVE", {"us-east-1": "ACTIVE", "eu-west-1": "ACTIVE"})


def test_manual_transitions_can_take_more_reads(ssm_incidents: Any, transition: Any) -> None:
    transition({"progression": "manual", "times": 3})
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    assert [statuses(ssm_incidents, arn)[0] for _ in range(4)] == ["CREATING"] * 3 + ["ACTIVE"]


def test_immediate_transitions_make_the_set_active_at_once(ssm_incidents: Any, transition: Any) -> None:
    transition({"progression": "immediate"})
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    ssm_incidents.update_replication_set(arn=arn, actions=[{"addRegionAction": {"regionName": "eu-west-1"}}])
    assert statuses(ssm_incidents, arn) == ("ACTIVE", {"us-east-1": "ACTIVE", "eu-west-1": "ACTIVE"})


@pytest.mark.ssm_incidents(replication_phases=True)
def test_with_phases_the_waiter_passes_on_its_second_poll(ssm_incidents: Any) -> None:
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    ssm_incidents.get_waiter("wait_for_replication_set_active").wait(
        arn=arn, WaiterConfig={"Delay": 0, "MaxAttempts": 2}
    )
    assert statuses(ssm_incidents, arn)[0] == "ACTIVE"


def test_engagements_are_recorded(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    contacts = [f"arn:aws:ssm-contacts:us-east-1:{ACCOUNT}:contact/{name}" for name in ("oncall", "lead")]
    plan = create_plan(ssm_incidents, engagements=contacts, template={"dedupeString": "same"})
    before = time.time()
    incident = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    ssm_incidents.start_incident(responsePlanArn=plan)  # deduplicated: nobody is engaged again
    engaged = mocked_ssm_incidents.engagements()
    assert [(e.contact_arn, e.incident_record_arn, e.response_plan_arn) for e in engaged] == [
        (contacts[0], incident, plan),
        (contacts[1], incident, plan),
    ]
    assert all(before <= e.start_time <= time.time() for e in engaged)
    other = create_plan(ssm_incidents, "quiet")
    ssm_incidents.start_incident(responsePlanArn=other)
    assert len(mocked_ssm_incidents.engagements()) == 2


@pytest.mark.ssm_incidents(replication_phases=True)
def test_with_phases_a_read_by_any_client_counts(ssm_incidents: Any) -> None:
    arn = ssm_incidents.create_replication_set(regions={"us-east-1": {}})["arn"]
    assert statuses(boto3.client("ssm-incidents", region_name="us-east-1"), arn)[0] == "CREATING"
    assert statuses(aws("ssm-incidents"), arn)[0] == "ACTIVE"
