"""Fault injection with real boto3 clients: modeled errors in each protocol's shape, counts, chance, no
state change, and botocore's retry modes seeing real retryable errors."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock
from ssm_incidents_mock.core import dispatch
from ssm_incidents_mock.core.faults import Faults
from tests.support import TEMPLATE, assert_error
from tests.testbench.conftest import make_client


def _outcomes(call: Any, count: int) -> list[str]:
    """ "ok" or the error code of each of ``count`` calls."""
    seen = []
    for _ in range(count):
        try:
            call()
            seen.append("ok")
        except ClientError as error:
            seen.append(error.response["Error"]["Code"])
    return seen


# --- the error on the wire -------------------------------------------------------------------------


def test_throttling_in_rest_json_carries_the_models_members(
    incidents: Any, plan_arn: str, ssm_incidents_faults: Faults
) -> None:
    ssm_incidents_faults.add(operation="StartIncident", error="ThrottlingException")
    with pytest.raises(ClientError) as caught:
        incidents.start_incident(responsePlanArn=plan_arn)
    response = assert_error(caught, "ThrottlingException", 429, "Rate exceeded")
    assert response["serviceCode"] == "ssm-incidents"
    assert response["quotaCode"] == "RateLimit"


def test_throttling_in_json_1_1_has_its_type_and_retry_after(contacts: Any, ssm_incidents_faults: Faults) -> None:
    ssm_incidents_faults.add(
        service="ssm-contacts", operation="ListContacts", error="ThrottlingException", retry_after=7
    )
    with pytest.raises(ClientError) as caught:
        contacts.list_contacts()
    response = assert_error(caught, "ThrottlingException", 429, "Rate exceeded")
    assert response["RetryAfterSeconds"] == 7
    assert response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] == "7"


def test_retry_after_of_a_timestamp_member_is_that_many_seconds_from_now(
    incidents: Any, plan_arn: str, ssm_incidents_faults: Faults
) -> None:
    ssm_incidents_faults.add(operation="StartIncident", error="ConflictException", retry_after=120)
    with pytest.raises(ClientError) as caught:
        incidents.start_incident(responsePlanArn=plan_arn)
    response = assert_error(caught, "ConflictException", 409)
    wait = response["retryAfter"].timestamp() - time.time()
    assert 60 < wait <= 120  # ssm-incidents models it as a time in the body, not a header
    assert "retry-after" not in response["ResponseMetadata"]["HTTPHeaders"]


def test_internal_server_error_is_a_500_with_the_given_message(incidents: Any, ssm_incidents_faults: Faults) -> None:
    ssm_incidents_faults.add(operation="ListResponsePlans", error="InternalServerException", message="boom")
    with pytest.raises(ClientError) as caught:
        incidents.list_response_plans()
    assert_error(caught, "InternalServerException", 500, "boom")


def test_a_rule_may_answer_with_another_status_and_members(contacts: Any, ssm_incidents_faults: Faults) -> None:
    ssm_incidents_faults.add(
        service="ssm-contacts",
        operation="GetContact",
        error="ResourceNotFoundException",
        status=410,
        members={"ResourceId": "x", "ResourceType": "CONTACT"},
    )
    with pytest.raises(ClientError) as caught:
        contacts.get_contact(ContactId="arn:aws:ssm-contacts:us-east-1:123456789012:contact/x")
    response = assert_error(caught, "ResourceNotFoundException", 410)
    assert (response["ResourceId"], response["ResourceType"]) == ("x", "CONTACT")


def test_without_an_operation_a_rule_covers_every_operation_that_models_the_error(
    incidents: Any, contacts: Any, ssm_incidents_faults: Faults
) -> None:
    rule = ssm_incidents_faults.add(error="ServiceQuotaExceededException")
    assert ("ssm-incidents", "TagResource") in rule.targets
    assert ("ssm-contacts", "CreateContact") in rule.targets
    assert ("ssm-incidents", "CreateResponsePlan") not in rule.targets  # it does not model the error
    plan = incidents.create_response_plan(name="p", incidentTemplate=TEMPLATE)["arn"]
    with pytest.raises(ClientError) as caught:
        incidents.tag_resource(resourceArn=plan, tags={"team": "web"})
    assert_error(caught, "ServiceQuotaExceededException", 402)
    response = caught.value.response
    assert (response["serviceCode"], response["quotaCode"]) == ("ssm-incidents", "injected-fault")


# --- refused rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        ({"operation": "GetIncidentRecord", "error": "ServiceQuotaExceededException"}, "does not model"),
        ({"service": "ssm-contacts", "operation": "ListContacts", "error": "ConflictException"}, "does not model"),
        ({"operation": "StartIncident", "error": "NoSuchError"}, "does not model"),
        ({"error": "NoSuchError"}, "No operation models"),
        ({"operation": "StartIncidentNow", "error": "ThrottlingException"}, "is not an operation"),
        ({"service": "s3", "error": "ThrottlingException"}, "Unknown service"),
        ({"operation": "StartIncident"}, "needs an error, a latency"),
        ({"operation": "StartIncident", "error": "ThrottlingException", "retry_after": 3}, "no retry-after"),
        ({"operation": "StartIncident", "error": "ThrottlingException", "members": {"Bogus": 1}}, "no member"),
        ({"operation": "StartIncident", "error": "ThrottlingException", "status": 200}, "400 to 599"),
        ({"operation": "StartIncident", "error": "ThrottlingException", "probability": 0}, "probability"),
        ({"operation": "StartIncident", "error": "ThrottlingException", "times": 0}, "times"),
        ({"operation": "StartIncident", "error": "ThrottlingException", "after": -1}, "after"),
        ({"operation": "StartIncident", "latency": 31}, "latency"),
        ({"operation": "StartIncident", "latency": float("nan")}, "latency"),
    ],
)
def test_a_rule_the_model_does_not_allow_is_refused(arguments: dict[str, Any], fragment: str) -> None:
    with SSMIncidentsMock() as mock:
        with pytest.raises(ValueError, match=fragment):
            mock.faults.add(**arguments)
        assert len(mock.faults) == 0


# --- when a rule fires -----------------------------------------------------------------------------


def test_after_and_times_pick_the_calls_that_fail(incidents: Any, ssm_incidents_faults: Faults) -> None:
    rule = ssm_incidents_faults.add(operation="ListResponsePlans", error="ThrottlingException", after=2, times=2)
    throttled = "ThrottlingException"
    assert _outcomes(incidents.list_response_plans, 6) == ["ok", "ok", throttled, throttled, "ok", "ok"]
    assert (rule.seen, rule.fired, rule.spent) == (6, 2, True)


def test_probability_under_a_seed_repeats() -> None:
    patterns = []
    for _ in range(2):
        with SSMIncidentsMock() as mock:
            client = make_client("ssm-incidents")
            client.create_replication_set(regions={"us-east-1": {}})
            mock.faults.add(operation="ListResponsePlans", error="InternalServerException", probability=0.5, seed=42)
            patterns.append(_outcomes(client.list_response_plans, 20))
    assert patterns[0] == patterns[1]
    assert {"ok", "InternalServerException"} == set(patterns[0])


def test_rules_match_account_region_and_input(ssm_incidents_onboarded: Any, ssm_incidents_faults: Faults) -> None:
    incidents = make_client("ssm-incidents")
    plan = incidents.create_response_plan(name="p", incidentTemplate=TEMPLATE)["arn"]
    ssm_incidents_faults.add(operation="StartIncident", error="ConflictException", match={"impact": 1})
    ssm_incidents_faults.add(operation="ListResponsePlans", error="ThrottlingException", region="eu-west-1")
    ssm_incidents_faults.add(operation="GetResponsePlan", error="ThrottlingException", account="111122223333")
    incidents.start_incident(responsePlanArn=plan, impact=2)
    with pytest.raises(ClientError) as caught:
        incidents.start_incident(responsePlanArn=plan, impact=1)
    assert_error(caught, "ConflictException", 409)
    incidents.list_response_plans()
    incidents.get_response_plan(arn=plan)
    with pytest.raises(ClientError) as caught:
        make_client("ssm-incidents", "eu-west-1").list_response_plans()
    assert_error(caught, "ThrottlingException", 429)


def test_the_first_rule_that_fires_answers_and_the_others_still_count(
    incidents: Any, ssm_incidents_faults: Faults
) -> None:
    first = ssm_incidents_faults.add(operation="ListResponsePlans", error="ThrottlingException", times=1)
    second = ssm_incidents_faults.add(operation="ListResponsePlans", error="InternalServerException", after=1)
    internal = "InternalServerException"
    assert _outcomes(incidents.list_response_plans, 3) == ["ThrottlingException", internal, internal]
    assert (first.fired, second.seen, second.fired) == (1, 3, 2)


def test_a_rule_as_context_manager_ends_with_its_block(incidents: Any, ssm_incidents_faults: Faults) -> None:
    with ssm_incidents_faults.add(operation="ListResponsePlans", error="ThrottlingException"):
        assert _outcomes(incidents.list_response_plans, 1) == ["ThrottlingException"]
    assert _outcomes(incidents.list_response_plans, 1) == ["ok"]
    assert len(ssm_incidents_faults) == 0


def test_latency_sleeps_only_when_asked_for(
    incidents: Any, ssm_incidents_faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(dispatch, "time", SimpleNamespace(sleep=slept.append))
    ssm_incidents_faults.add(operation="ListResponsePlans", error="ThrottlingException", times=1)
    assert _outcomes(incidents.list_response_plans, 1) == ["ThrottlingException"]
    assert slept == []
    ssm_incidents_faults.add(operation="ListResponsePlans", latency=0.25)
    assert _outcomes(incidents.list_response_plans, 1) == ["ok"]
    assert slept == [0.25]


# --- no state change -------------------------------------------------------------------------------


ERROR = "InternalServerException"


def test_a_fault_changes_nothing_stored(
    incidents: Any, contacts: Any, plan_arn: str, mocked_ssm_incidents: SSMIncidentsMock, ssm_incidents_faults: Faults
) -> None:
    arn = incidents.start_incident(responsePlanArn=plan_arn)["incidentRecordArn"]
    ssm_incidents_faults.add(operation=["CreateResponsePlan", "UpdateIncidentRecord"], error="InternalServerException")
    ssm_incidents_faults.add(service="ssm-contacts", operation="CreateContact", error="ThrottlingException")
    assert _outcomes(lambda: incidents.create_response_plan(name="other", incidentTemplate=TEMPLATE), 1) == [ERROR]
    assert _outcomes(lambda: incidents.update_incident_record(arn=arn, title="changed"), 1) == [ERROR]
    assert _outcomes(lambda: contacts.create_contact(Alias="oncall", Type="PERSONAL", Plan={"Stages": []}), 1) != ["ok"]
    assert list(mocked_ssm_incidents.backend().response_plans) == [plan_arn]
    assert incidents.get_incident_record(arn=arn)["incidentRecord"]["title"] == TEMPLATE["title"]
    assert contacts.list_contacts()["Contacts"] == []


def test_an_invalid_request_gets_its_validation_error_not_the_fault(
    incidents: Any, ssm_incidents_faults: Faults
) -> None:
    rule = ssm_incidents_faults.add(operation="GetResponsePlan", error="ThrottlingException")
    with pytest.raises(ClientError) as caught:
        incidents.get_response_plan(arn="not-an-arn")
    assert_error(caught, "ValidationException", 400)
    assert rule.seen == 0


# --- botocore's retry modes ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["standard", "adaptive"])
@pytest.mark.parametrize("service", ["ssm-incidents", "ssm-contacts"])
def test_retry_modes_retry_a_throttle_and_give_up_as_configured(
    mode: str,
    service: str,
    ssm_incidents_onboarded: Any,
    mocked_ssm_incidents: SSMIncidentsMock,
    retry_sleeps: list[float],
) -> None:
    operation, call = {
        "ssm-incidents": ("ListResponsePlans", "list_response_plans"),
        "ssm-contacts": ("ListContacts", "list_contacts"),
    }[service]
    client = make_client(service, mode=mode, total_max_attempts=3)
    faults, calls = mocked_ssm_incidents.faults, mocked_ssm_incidents.calls
    with faults.add(service=service, operation=operation, error="ThrottlingException", times=2):
        getattr(client, call)()  # two throttles, then the third attempt passes
    calls.assert_called_times(operation, 3)
    assert [c.error for c in calls.of(operation)] == ["ThrottlingException", "ThrottlingException", None]
    assert len(retry_sleeps) == 2
    calls.clear()
    faults.add(service=service, operation=operation, error="ThrottlingException")
    with pytest.raises(ClientError) as caught:
        getattr(client, call)()
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 2
    calls.assert_called_times(
        operation,
        3,
    )
    assert all(c.fault is not None for c in calls.of(operation))


def test_standard_mode_retries_a_500_too(
    ssm_incidents_onboarded: Any, ssm_incidents_faults: Faults, ssm_incidents_calls: Any, retry_sleeps: list[float]
) -> None:
    client = make_client("ssm-incidents", mode="standard", total_max_attempts=4)
    ssm_incidents_faults.add(operation="ListResponsePlans", error="InternalServerException", times=3)
    assert client.list_response_plans()["responsePlanSummaries"] == []
    ssm_incidents_calls.assert_called_times("ListResponsePlans", 4)
