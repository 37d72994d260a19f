"""Every operation of the model, called once through boto3 with valid input.

The operations come from the botocore model, so an operation added to the model fails
``test_every_operation_has_a_call`` until it gets a call here. Each answer must have the model's
success status, fit the output shape (tests/output_shape.py) and, for reads, hold what was set up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock
from tests.support.shapes import assert_output_shape, output_problems

MODEL = botocore.session.get_session().get_service_model("ssm-incidents")
STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "share",
                "Effect": "Allow",
                "Principal": {"AWS": "111122223333"},
                "Action": ["ssm-incidents:GetResponsePlan"],
                "Resource": "*",
            }
        ],
    }
)

ITEM = {"identifier": {"type": "OTHER", "value": {"url": "https://example.com/runbook"}}, "title": "Runbook"}


class World:
    """Lazily created resources the calls refer to."""

    def __init__(self, client: Any, mock: SSMIncidentsMock) -> None:
        self.client = client
        self.mock = mock
        self.cache: dict[str, Any] = {}

    def _once(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self.cache:
            self.cache[name] = make()
        return self.cache[name]

    @property
    def replication_set(self) -> str:
        return str(self._once("rs", self._active_replication_set))

    def _active_replication_set(self) -> str:
        arn: str = self.client.create_replication_set(regions={"us-east-1": {}})["arn"]
        # wait like AWS callers do (the mock's set is ACTIVE on the first poll)
        self.client.get_waiter("wait_for_replication_set_active").wait(arn=arn, WaiterConfig={"Delay": 0})
        return arn

    @property
    def plan(self) -> str:
        return str(
            self._once(
                "plan",
                lambda: (
                    self.replication_set  # onboarding first
                    and self.client.create_response_plan(
                        name="plan", incidentTemplate={"title": "Outage", "impact": 3}, tags={"team": "ops"}
                    )["arn"]
                ),
            )
        )

    @property
    def policy(self) -> str:
        return str(
            self._once(
                "policy", lambda: self.client.put_resource_policy(resourceArn=self.plan, policy=POLICY)["policyId"]
            )
        )

    @property
    def incident(self) -> str:
        return str(
            self._once("incident", lambda: self.client.start_incident(responsePlanArn=self.plan)["incidentRecordArn"])
        )

    @property
    def event(self) -> str:
        return str(
            self._once(
                "event",
                lambda: self.client.create_timeline_event(
                    incidentRecordArn=self.incident,
                    eventTime=datetime(2024, 1, 1, tzinfo=timezone.utc),
                    eventType="Custom Event",
                    eventData='"checked the dashboards"',
                )["eventId"],
            )
        )

    @property
    def related_item(self) -> dict[str, Any]:
        def add() -> dict[str, Any]:
            self.client.update_related_items(incidentRecordArn=self.incident, relatedItemsUpdate={"itemToAdd": ITEM})
            return ITEM

        return dict(self._once("item", add))

    @property
    def finding(self) -> str:
        return str(self._once("finding", lambda: self.mock.add_finding(self.incident, cloudformation_stack_arn=STACK)))


def _after(*prerequisites: object, **kwargs: Any) -> dict[str, Any]:
    """The call's input, once the world resources named in ``prerequisites`` exist."""
    return kwargs


# operation -> (input built from the world, output member that must not be empty or None)
Call = tuple[Callable[[World], dict[str, Any]], str | None]
CALLS: dict[str, Call] = {
    "BatchGetIncidentFindings": (lambda w: {"incidentRecordArn": w.incident, "findingIds": [w.finding]}, "findings"),
    "CreateReplicationSet": (lambda w: {"regions": {"us-east-1": {}}}, "arn"),
    "CreateResponsePlan": (
        lambda w: w.replication_set and {"name": "new-plan", "incidentTemplate": {"title": "t", "impact": 5}},
        "arn",
    ),
    "CreateTimelineEvent": (
        lambda w: {
            "incidentRecordArn": w.incident,
            "eventTime": datetime(2024, 1, 1, tzinfo=timezone.utc),
            "eventType": "Note",
            "eventData": '"a note"',
            "eventReferences": [{"resource": w.incident}],
        },
        "eventId",
    ),
    "DeleteIncidentRecord": (lambda w: {"arn": w.incident}, None),
    "DeleteReplicationSet": (lambda w: {"arn": w.replication_set}, None),
    "DeleteResourcePolicy": (lambda w: {"resourceArn": w.plan, "policyId": w.policy}, None),
    "DeleteResponsePlan": (lambda w: {"arn": w.plan}, None),
    "DeleteTimelineEvent": (lambda w: {"incidentRecordArn": w.incident, "eventId": w.event}, None),
    "GetIncidentRecord": (lambda w: {"arn": w.incident}, "incidentRecord"),
    "GetReplicationSet": (lambda w: {"arn": w.replication_set}, "replicationSet"),
    "GetResourcePolicies": (lambda w: _after(w.policy, resourceArn=w.plan), "resourcePolicies"),
    "GetResponsePlan": (lambda w: {"arn": w.plan}, "incidentTemplate"),
    "GetTimelineEvent": (lambda w: {"incidentRecordArn": w.incident, "eventId": w.event}, "event"),
    "ListIncidentFindings": (lambda w: _after(w.finding, incidentRecordArn=w.incident), "findings"),
    "ListIncidentRecords": (lambda w: _after(w.incident), "incidentRecordSummaries"),
    "ListRelatedItems": (lambda w: _after(w.related_item, incidentRecordArn=w.incident), "relatedItems"),
    "ListReplicationSets": (lambda w: _after(w.replication_set), "replicationSetArns"),
    "ListResponsePlans": (lambda w: _after(w.plan), "responsePlanSummaries"),
    "ListTagsForResource": (lambda w: {"resourceArn": w.plan}, "tags"),
    "ListTimelineEvents": (lambda w: _after(w.event, incidentRecordArn=w.incident), "eventSummaries"),
    "PutResourcePolicy": (lambda w: {"resourceArn": w.plan, "policy": POLICY}, "policyId"),
    "StartIncident": (lambda w: {"responsePlanArn": w.plan, "title": "Started", "impact": 2}, "incidentRecordArn"),
    "TagResource": (lambda w: {"resourceArn": w.incident, "tags": {"env": "test"}}, None),
    "UntagResource": (lambda w: {"resourceArn": w.plan, "tagKeys": ["team"]}, None),
    "UpdateDeletionProtection": (lambda w: {"arn": w.replication_set, "deletionProtected": True}, None),
    "UpdateIncidentRecord": (lambda w: {"arn": w.incident, "status": "RESOLVED", "summary": "fixed"}, None),
    "UpdateRelatedItems": (
        lambda w: {"incidentRecordArn": w.incident, "relatedItemsUpdate": {"itemToAdd": ITEM}},
        None,
    ),
    "UpdateReplicationSet": (
        lambda w: {"arn": w.replication_set, "actions": [{"addRegionAction": {"regionName": "us-west-2"}}]},
        None,
    ),
    "UpdateResponsePlan": (lambda w: {"arn": w.plan, "incidentTemplateTitle": "New title"}, None),
    "UpdateTimelineEvent": (
        lambda w: {"incidentRecordArn": w.incident, "eventId": w.event, "eventData": '"edited"'},
        None,
    ),
}


def test_every_operation_has_a_call() -> None:
    assert sorted(CALLS) == sorted(MODEL.operation_names)


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_operation_answers_per_model(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock, operation: str
) -> None:
    assert operation in CALLS, f"{operation} is in the model but has no call in test_all_operations.py"
    build, must_have = CALLS[operation]
    kwargs = build(World(ssm_incidents, mocked_ssm_incidents))
    try:
        response = getattr(ssm_incidents, botocore.xform_name(operation))(**kwargs)
    except ClientError as error:
        message = error.response["Error"].get("Message", "")
        if error.response["Error"]["Code"] == "InternalServerException" and "not implemented" in message:
            pytest.fail(f"{operation} is not implemented: {message}")
        raise
    expected_status = int(MODEL.operation_model(operation).http.get("responseCode", 200))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == expected_status
    assert_output_shape(operation, response)
    if must_have is not None:
        assert response.get(must_have), f"{operation} answered without {must_have}: {response}"


def test_not_implemented_answer_is_what_the_check_above_looks_for(
    ssm_incidents: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssm_incidents_mock.ssm_incidents.models import SSMIncidentsBackend

    monkeypatch.delattr(SSMIncidentsBackend, "list_response_plans")
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_response_plans()
    error = exc_info.value.response["Error"]
    assert error["Code"] == "InternalServerException"
    assert "not implemented" in error["Message"]


# --------------------------------------------------------------------------- the checker itself

ME = "arn:aws:iam::123456789012:user/me"
RECORD = {
    "arn": "arn:aws:ssm-incidents::123456789012:incident-record/p/1",
    "creationTime": datetime(2024, 1, 1, tzinfo=timezone.utc),
    "dedupeString": "d",
    "impact": 3,
    "incidentRecordSource": {"createdBy": ME, "source": "aws.ssm-incidents.custom"},
    "lastModifiedBy": ME,
    "lastModifiedTime": datetime(2024, 1, 1, tzinfo=timezone.utc),
    "status": "OPEN",
    "title": "t",
}


def test_checker_accepts_a_valid_answer() -> None:
    assert output_problems("GetIncidentRecord", {"incidentRecord": RECORD, "ResponseMetadata": {}}) == []


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"status": "CLOSED"}, "not in enum"),
        ({"impact": "3"}, "expected integer"),
        ({"impact": 9}, "above max 5"),
        ({"creationTime": 1700000000.0}, "expected timestamp"),
        ({"arn": "not-an-arn"}, "does not match"),
        ({"surprise": 1}, "not a member"),
        ({"chatChannel": {"empty": {}, "chatbotSns": ["arn:aws:sns:us-east-1:123456789012:t"]}}, "union"),
        ({"title": None}, "expected string"),
    ],
)
def test_checker_reports_each_kind_of_problem(change: dict[str, Any], fragment: str) -> None:
    record = {**RECORD, **change}
    problems = output_problems("GetIncidentRecord", {"incidentRecord": record})
    assert any(fragment in p for p in problems), problems


def test_checker_reports_missing_required_members() -> None:
    record = {k: v for k, v in RECORD.items() if k != "dedupeString"}
    assert output_problems("GetIncidentRecord", {"incidentRecord": record}) == [
        "GetIncidentRecord.incidentRecord.dedupeString: required member missing"
    ]
    assert "BatchGetIncidentFindings.errors: required member missing" in output_problems(
        "BatchGetIncidentFindings", {"findings": []}
    )


def test_checker_rejects_a_body_for_operations_without_output() -> None:
    assert output_problems("UpdateIncidentRecord", {"ResponseMetadata": {}}) == []
    assert output_problems("UpdateIncidentRecord", {"unexpected": 1})
