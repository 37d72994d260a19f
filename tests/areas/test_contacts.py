"""ssm-contacts through real boto3 clients: contacts, channels, and incidents that page them over the clock."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError

from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.ssm_contacts.models import ssmcontacts_backends

REGION = "us-east-1"
START = 1_800_000_000  # a fixed instant; time_machine moves every clock the mock reads


@pytest.fixture
def clients() -> Any:
    with mock_ssm_incidents():
        incidents = boto3.client("ssm-incidents", region_name=REGION)
        contacts = boto3.client("ssm-contacts", region_name=REGION)
        yield incidents, contacts


def _activated_channel(contacts: Any, contact_arn: str) -> str:
    channel = contacts.create_contact_channel(
        ContactId=contact_arn, Name="phone", Type="SMS", DeliveryAddress={"SimpleAddress": "+15005550199"}
    )["ContactChannelArn"]
    code = ssmcontacts_backends["123456789012"][REGION].activation_code(channel)
    contacts.activate_contact_channel(ContactChannelId=channel, ActivationCode=code)
    return channel


def test_contacts_need_the_replication_set(clients: Any) -> None:
    _, contacts = clients
    with pytest.raises(ClientError) as caught:
        contacts.create_contact(Alias="alice", Type="PERSONAL", Plan={"Stages": []})
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == "Invalid value provided - Account not found for the request"


@pytest.mark.parametrize("phases", [False, True], ids=["default", "phases"])
def test_contacts_onboard_as_soon_as_the_set_exists(phases: bool) -> None:
    """ssm-contacts asks for a set holding the region: ACTIVE on the waiter's first poll by default, and
    already while CREATING with the phases on (data is not blocked by a transitional status)."""
    with mock_ssm_incidents(replication_phases=phases):
        incidents = boto3.client("ssm-incidents", region_name=REGION)
        contacts = boto3.client("ssm-contacts", region_name=REGION)
        arn = incidents.create_replication_set(regions={REGION: {}})["arn"]
        if not phases:
            waiter = incidents.get_waiter("wait_for_replication_set_active")
            waiter.wait(arn=arn, WaiterConfig={"Delay": 0, "MaxAttempts": 1})
        contact = contacts.create_contact(Alias="alice", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
        assert contacts.get_contact(ContactId=contact)["Alias"] == "alice"
        status = incidents.get_replication_set(arn=arn)["replicationSet"]["status"]
        assert status == ("CREATING" if phases else "ACTIVE")


def test_json_errors_reach_botocore_as_modeled_exceptions(clients: Any) -> None:
    incidents, contacts = clients
    incidents.create_replication_set(regions={REGION: {}})
    missing = f"arn:aws:ssm-contacts:{REGION}:123456789012:contact/nobody"
    with pytest.raises(contacts.exceptions.ResourceNotFoundException) as caught:
        contacts.get_contact(ContactId=missing)
    assert caught.value.response["ResourceId"] == missing
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(contacts.exceptions.ValidationException) as invalid:
        contacts.create_contact(Alias="Not-Lower", Type="PERSONAL", Plan={"Stages": []})
    assert invalid.value.response["Fields"][0]["Name"] == "Alias"


def test_an_incident_pages_its_plans_contacts_stage_by_stage(clients: Any) -> None:
    incidents, contacts = clients
    with time_machine.travel(START, tick=False) as traveller:
        incidents.create_replication_set(regions={REGION: {}})
        alice = contacts.create_contact(Alias="alice", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
        phone = _activated_channel(contacts, alice)
        stages = [
            {"DurationInMinutes": 5, "Targets": [{"ChannelTargetInfo": {"ContactChannelId": phone}}]},
            {"DurationInMinutes": 5, "Targets": [{"ChannelTargetInfo": {"ContactChannelId": phone}}]},
        ]
        contacts.update_contact(ContactId=alice, Plan={"Stages": stages})
        plan = incidents.create_response_plan(
            name="db", incidentTemplate={"title": "DB down", "impact": 1}, engagements=[alice]
        )["arn"]
        incident = incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]

        engagements = contacts.list_engagements(IncidentId=incident)["Engagements"]
        assert [e["ContactArn"] for e in engagements] == [alice]
        engagement = engagements[0]["EngagementArn"]
        assert len(contacts.list_pages_by_engagement(EngagementId=engagement)["Pages"]) == 1

        def page_events() -> list[dict[str, Any]]:
            events = incidents.list_timeline_events(incidentRecordArn=incident)["eventSummaries"]
            return [e for e in events if e["eventType"] == "SSM Contacts Page for Incident"]

        assert len(page_events()) == 1
        traveller.shift(5 * 60 + 1)  # the second stage is due: read lazily, nobody slept
        assert len(contacts.list_pages_by_engagement(EngagementId=engagement)["Pages"]) == 2
        assert len(page_events()) == 2


def test_deleting_the_replication_set_deletes_contacts(clients: Any) -> None:
    incidents, contacts = clients
    arn = incidents.create_replication_set(regions={REGION: {}})["arn"]
    contacts.create_contact(Alias="alice", Type="PERSONAL", Plan={"Stages": []})
    incidents.delete_replication_set(arn=arn)
    incidents.create_replication_set(regions={REGION: {}})
    assert contacts.list_contacts()["Contacts"] == []


def test_the_pytest_fixture_and_the_both_services_name(ssm_incidents_onboarded: Any, ssm_contacts: Any) -> None:
    from ssm_incidents_mock import mock_incident_manager, mock_ssm_incidents

    assert mock_incident_manager is mock_ssm_incidents
    arn = ssm_contacts.create_contact(Alias="bob", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    assert ssm_contacts.get_contact(ContactId=arn)["Alias"] == "bob"


def test_a_page_token_is_checked_and_named_as_the_model_names_it(clients: Any) -> None:
    incidents, contacts = clients
    incidents.create_replication_set(regions={REGION: {}})
    for alias in ("a", "b"):
        contacts.create_contact(Alias=alias, Type="PERSONAL", Plan={"Stages": []})
    token = contacts.list_contacts(MaxResults=1)["NextToken"]
    assert [c["Alias"] for c in contacts.list_contacts(MaxResults=1, NextToken=token)["Contacts"]] == ["b"]
    with pytest.raises(ClientError) as tampered:
        contacts.list_contacts(MaxResults=1, NextToken=token[:-1] + ("0" if token[-1] != "0" else "1"))
    with pytest.raises(ClientError) as elsewhere:
        contacts.list_contacts(MaxResults=1, NextToken=token, Type="ESCALATION")
    assert [
        (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) for e in (tampered, elsewhere)
    ] == [
        ("ValidationException", "The NextToken is not valid."),
        ("ValidationException", "The NextToken does not belong to this request."),
    ]
