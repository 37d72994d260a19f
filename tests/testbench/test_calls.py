"""The call recorder: every request in order, with its input and answer, for both services; filters,
assertion helpers and the bound."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock
from ssm_incidents_mock.core.calls import Calls
from tests.support import TEMPLATE
from tests.testbench.conftest import make_client


def test_every_call_is_recorded_in_order_with_its_input_and_output(
    ssm_incidents: Any, ssm_incidents_calls: Calls
) -> None:
    ssm_incidents.create_replication_set(regions={"us-east-1": {}})
    plan = ssm_incidents.create_response_plan(name="web", incidentTemplate=TEMPLATE)["arn"]
    arn = ssm_incidents.start_incident(responsePlanArn=plan, impact=1)["incidentRecordArn"]
    assert [c.operation for c in ssm_incidents_calls] == ["CreateReplicationSet", "CreateResponsePlan", "StartIncident"]
    start = ssm_incidents_calls[-1]
    assert (start.service, start.account, start.region, start.status) == (
        "ssm-incidents",
        "123456789012",
        "us-east-1",
        200,
    )
    assert start.input is not None and start.input["responsePlanArn"] == plan and start.input["impact"] == 1
    assert start.output == {"incidentRecordArn": arn}
    assert (start.error, start.message, start.fault) == (None, None, None)
    assert [c.seq for c in ssm_incidents_calls] == sorted(c.seq for c in ssm_incidents_calls)


def test_errors_are_recorded_with_code_and_message(ssm_incidents: Any, ssm_incidents_calls: Calls) -> None:
    with pytest.raises(ClientError):
        ssm_incidents.get_response_plan(arn="arn:aws:ssm-incidents::123456789012:response-plan/none")
    with pytest.raises(ClientError):
        make_client("ssm-incidents").get_response_plan(arn="not-an-arn")
    missing, invalid = ssm_incidents_calls.filter("GetResponsePlan")
    arn = "arn:aws:ssm-incidents::123456789012:response-plan/none"
    assert (missing.error, missing.status, missing.output) == ("ResourceNotFoundException", 404, None)
    assert missing.message and "replication set" in missing.message
    assert missing.input == {"arn": arn}
    assert (invalid.error, invalid.input) == ("ValidationException", None)  # the input failed validation


def test_contacts_calls_are_recorded_with_model_member_names(
    ssm_incidents_onboarded: Any, ssm_contacts: Any, ssm_incidents_calls: Calls
) -> None:
    arn = ssm_contacts.create_contact(Alias="oncall", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    ssm_contacts.get_contact(ContactId=arn)
    call = ssm_incidents_calls.assert_called_once("CreateContact", Alias="oncall")
    assert call.service == "ssm-contacts" and call.output == {"ContactArn": arn}
    ssm_incidents_calls.assert_called_once("GetContact", contact_id=arn)  # snake_case names work too
    assert ssm_incidents_calls.filter(service="ssm-contacts", operation="GetContact")[0].output["Alias"] == "oncall"


def test_assertion_helpers_say_what_was_recorded(ssm_incidents_onboarded: Any, ssm_incidents_calls: Calls) -> None:
    plan = ssm_incidents_onboarded.create_response_plan(name="web", incidentTemplate=TEMPLATE)["arn"]
    ssm_incidents_onboarded.start_incident(responsePlanArn=plan, impact=1)
    ssm_incidents_onboarded.start_incident(responsePlanArn=plan, impact=2)
    ssm_incidents_calls.assert_called_once("StartIncident", impact=1)
    ssm_incidents_calls.assert_called_times("StartIncident", 2)
    ssm_incidents_calls.assert_not_called("DeleteResponsePlan")
    assert ssm_incidents_calls.count("StartIncident", responsePlanArn=plan) == 2
    assert ssm_incidents_calls.last("StartIncident").input["impact"] == 2  # type: ignore[index]
    with pytest.raises(AssertionError, match=r"Expected 1 call\(s\) of StartIncident with impact=3, got 0") as caught:
        ssm_incidents_calls.assert_called_once("StartIncident", impact=3)
    assert "'impact': 2" in str(caught.value)  # the recorded calls are listed
    with pytest.raises(AssertionError, match="No call of DeleteResponsePlan"):
        ssm_incidents_calls.assert_called("DeleteResponsePlan")
    with pytest.raises(AssertionError):
        ssm_incidents_calls.assert_not_called("StartIncident")


def test_the_recorder_is_bounded(ssm_incidents: Any, ssm_incidents_calls: Calls) -> None:
    limit = ssm_incidents_calls.limit
    try:
        ssm_incidents_calls.limit = 3
        for _ in range(5):
            ssm_incidents.list_replication_sets()
        assert len(ssm_incidents_calls) == 3
        assert ssm_incidents_calls.dropped == 2
        assert [c.seq for c in ssm_incidents_calls] == [3, 4, 5]
        with pytest.raises(ValueError):
            ssm_incidents_calls.limit = 0
    finally:
        ssm_incidents_calls.limit = limit


def test_a_faulted_call_names_its_rule(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    rule = mocked_ssm_incidents.faults.add(operation="ListReplicationSets", error="ThrottlingException", times=1)
    with pytest.raises(ClientError):
        make_client("ssm-incidents").list_replication_sets()
    ssm_incidents.list_replication_sets()
    faulted, passed = mocked_ssm_incidents.calls.of("ListReplicationSets")
    assert (faulted.fault, faulted.error, faulted.status) == (rule.id, "ThrottlingException", 429)
    assert passed.fault is None and passed.ok
    assert faulted.to_dict()["fault"] == rule.id and "output" not in faulted.to_dict()


def test_calls_under_plain_mock_aws_are_recorded_and_dropped_with_its_state() -> None:
    from moto import mock_aws

    with mock_aws():
        make_client("ssm-incidents").list_replication_sets()
        with SSMIncidentsMock() as mock:  # nested: no reset, the same state
            assert [c.operation for c in mock.calls] == ["ListReplicationSets"]
    with mock_aws():
        assert len(SSMIncidentsMock().calls) == 0
