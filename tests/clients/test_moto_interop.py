"""Living inside moto: nesting with mock_aws, other services, early clients, ``requests``, late registration."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import boto3
import pytest
import requests
from moto import mock_aws

from ssm_incidents_mock import mock_ssm_incidents

# These tests are about switching the mock on and off, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

TEMPLATE = {"title": "t", "impact": 3}
ENDPOINT = "https://ssm-incidents.us-east-1.amazonaws.com"

Mock = Callable[[], AbstractContextManager[Any]]
ORDERS = [(mock_aws, mock_ssm_incidents), (mock_ssm_incidents, mock_aws)]
ORDER_IDS = ["mock_aws-outside", "mock_ssm_incidents-outside"]


def names(client: Any) -> list[str]:
    return [p["name"] for p in client.list_response_plans()["responsePlanSummaries"]]


@pytest.mark.parametrize(("outer", "inner"), ORDERS, ids=ORDER_IDS)
def test_nesting_keeps_all_data(outer: Mock, inner: Mock) -> None:
    with outer():
        incidents = boto3.client("ssm-incidents", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        incidents.create_response_plan(name="outer", incidentTemplate=TEMPLATE)
        sqs.create_queue(QueueName="outer-queue")
        with inner():
            assert names(incidents) == ["outer"]
            assert len(sqs.list_queues()["QueueUrls"]) == 1
            incidents.create_response_plan(name="inner", incidentTemplate=TEMPLATE)
            sqs.create_queue(QueueName="inner-queue")
        assert names(incidents) == ["outer", "inner"]
        assert len(sqs.list_queues()["QueueUrls"]) == 2
    with mock_aws():  # the outermost stop resets everything
        assert names(boto3.client("ssm-incidents", region_name="us-east-1")) == []


@pytest.mark.parametrize(("outer", "inner"), ORDERS, ids=ORDER_IDS)
def test_each_call_is_handled_once(outer: Mock, inner: Mock) -> None:
    with outer(), inner():
        client = boto3.client("ssm-incidents", region_name="us-east-1")
        plan = client.create_response_plan(name="p", incidentTemplate=TEMPLATE)["arn"]
        client.start_incident(responsePlanArn=plan)
        assert len(client.list_incident_records()["incidentRecordSummaries"]) == 1


def test_other_services_are_served_by_moto(ssm_incidents: Any) -> None:
    sns = boto3.client("sns", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    topic = sns.create_topic(Name="incidents")["TopicArn"]
    queue = sqs.create_queue(QueueName="q")["QueueUrl"]
    assert topic == "arn:aws:sns:us-east-1:123456789012:incidents"
    assert queue.endswith("/123456789012/q")
    plan = ssm_incidents.create_response_plan(
        name="p", incidentTemplate={**TEMPLATE, "notificationTargets": [{"snsTopicArn": topic}]}
    )["arn"]
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    record = ssm_incidents.get_incident_record(arn=arn)["incidentRecord"]
    assert record["notificationTargets"] == [{"snsTopicArn": topic}]
    assert sns.list_topics()["Topics"] == [{"TopicArn": topic}]


def test_plain_mock_aws_serves_ssm_incidents() -> None:
    with mock_aws():
        client = boto3.client("ssm-incidents", region_name="eu-west-1")
        arn = client.create_response_plan(name="plain", incidentTemplate=TEMPLATE)["arn"]
        assert arn == "arn:aws:ssm-incidents::123456789012:response-plan/plain"
        assert client.get_response_plan(arn=arn)["name"] == "plain"


def test_plain_mock_aws_serves_ssm_contacts_to_boto3_and_requests() -> None:
    """ssm-contacts under moto's own ``mock_aws`` (the package registered on import): boto3, and a raw
    json 1.1 request through ``requests`` to the regional endpoint botocore would use."""
    with mock_aws():
        contacts = boto3.client("ssm-contacts", region_name="eu-west-1")
        arn = contacts.create_contact(Alias="plain", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
        assert arn == "arn:aws:ssm-contacts:eu-west-1:123456789012:contact/plain"
        listed = requests.post(
            "https://ssm-contacts.eu-west-1.amazonaws.com/",
            data="{}",
            headers={"X-Amz-Target": "SSMContacts.ListContacts", "Content-Type": "application/x-amz-json-1.1"},
            timeout=10,
        )
        assert listed.status_code == 200
        assert [c["ContactArn"] for c in listed.json()["Contacts"]] == [arn]
    with mock_aws():  # moto's reset on the next start drops them
        assert boto3.client("ssm-contacts", region_name="eu-west-1").list_contacts()["Contacts"] == []


def test_client_created_before_the_mock_is_intercepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "early-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "early-secret")
    early = boto3.client("ssm-incidents", region_name="us-east-1")
    with mock_ssm_incidents():
        early.create_response_plan(name="early", incidentTemplate=TEMPLATE)
        late = boto3.client("ssm-incidents", region_name="us-east-1")
        assert names(late) == ["early"]


def test_requests_calls_are_intercepted(ssm_incidents: Any) -> None:
    ssm_incidents.create_response_plan(name="via-boto3", incidentTemplate=TEMPLATE)
    response = requests.post(f"{ENDPOINT}/listResponsePlans", json={}, timeout=10)
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["responsePlanSummaries"]] == ["via-boto3"]
    created = requests.post(
        f"{ENDPOINT}/createResponsePlan", json={"name": "via-requests", "incidentTemplate": TEMPLATE}, timeout=10
    )
    assert created.status_code == 201  # the model's success code for CreateResponsePlan
    assert names(ssm_incidents) == ["via-boto3", "via-requests"]
    missing = requests.get(
        f"{ENDPOINT}/getResponsePlan", params={"arn": "arn:aws:ssm-incidents::123456789012:response-plan/x"}, timeout=10
    )
    assert missing.status_code == 404
    assert missing.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert missing.json()["resourceType"] == "RESPONSE_PLAN"


LATE_REGISTRATION = textwrap.dedent(
    """
    import boto3, requests
    from moto import mock_aws

    with mock_aws():
        import ssm_incidents_mock  # registers while moto's responses mock is already running

        url = "https://ssm-incidents.us-east-1.amazonaws.com/listResponsePlans"
        response = requests.post(url, json={}, timeout=10)
        print("requests", response.status_code, response.text)
        client = boto3.client("ssm-incidents", region_name="us-east-1")
        client.create_response_plan(name="late", incidentTemplate={"title": "t", "impact": 1})
        response = requests.post(url, json={}, timeout=10)
        print("after", response.status_code, [p["name"] for p in response.json()["responsePlanSummaries"]])
    """
)


def test_late_registration_in_a_fresh_interpreter() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [sys.executable, "-c", LATE_REGISTRATION], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == 'requests 200 {"responsePlanSummaries":[]}'
    assert lines[1] == "after 200 ['late']"


def test_service_whitelist_without_ssm_incidents_refuses_like_moto() -> None:
    """moto's ``core.service_whitelist`` applies to this service as to moto's own."""
    import boto3
    import pytest as _pytest
    from moto.core.exceptions import ServiceNotWhitelisted

    from ssm_incidents_mock import mock_ssm_incidents

    with mock_ssm_incidents(config={"core": {"service_whitelist": ["sqs"]}}):
        client = boto3.client("ssm-incidents", region_name="us-east-1")
        with _pytest.raises(ServiceNotWhitelisted):
            client.list_response_plans()
    with mock_ssm_incidents(config={"core": {"service_whitelist": ["sqs", "ssmincidents"]}}):
        client = boto3.client("ssm-incidents", region_name="us-east-1")
        assert client.list_response_plans()["responsePlanSummaries"] == []
