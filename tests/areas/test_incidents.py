"""Incident records: StartIncident, Get/Update/List/DeleteIncidentRecord and the timeline they write."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import TEMPLATE, assert_error, create_plan, start_incident, unchecked

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")

SNS = "arn:aws:sns:us-east-1:123456789012:topic"
SNS2 = "arn:aws:sns:us-east-1:123456789012:other"
GENERATED_ID = re.compile(r"related-item/[A-Z_]+/[0-9A-F]{32}")
RECORD_UPDATE = "SSM Incident Record Update"


def record_of(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.get_incident_record(arn=arn)["incidentRecord"])


def events_of(client: Any, arn: str, **kw: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("list_timeline_events").paginate(incidentRecordArn=arn, **kw)
    return [event for page in pages for event in page["eventSummaries"]]


def updates_of(client: Any, arn: str) -> list[dict[str, Any]]:
    """The eventData of every record-update event, oldest first."""
    summaries = [e for e in events_of(client, arn) if e["eventType"] == RECORD_UPDATE]
    data = [
        json.loads(client.get_timeline_event(incidentRecordArn=arn, eventId=e["eventId"])["event"]["eventData"])
        for e in reversed(summaries)
    ]
    return data


# --------------------------------------------------------------------------- StartIncident


def test_start_incident_copies_the_plan_template(ssm_incidents: Any) -> None:
    plan = ssm_incidents.create_response_plan(
        name="web",
        incidentTemplate={
            "title": "web down",
            "impact": 2,
            "summary": "the site is down",
            "dedupeString": "web-dedupe",
            "notificationTargets": [{"snsTopicArn": SNS}],
            "incidentTags": {"team": "web", "tier": "1"},
        },
        chatChannel={"chatbotSns": [SNS2]},
    )["arn"]
    arn = start_incident(ssm_incidents, plan)
    assert re.fullmatch(r"arn:aws:ssm-incidents::123456789012:incident-record/web/[0-9a-f-]{36}", arn)
    record = record_of(ssm_incidents, arn)
    assert record["title"] == "web down"
    assert record["impact"] == 2
    assert record["summary"] == "the site is down"
    assert record["dedupeString"] == "web-dedupe"
    assert record["notificationTargets"] == [{"snsTopicArn": SNS}]
    assert record["chatChannel"] == {"chatbotSns": [SNS2]}
    assert record["status"] == "OPEN"
    assert "resolvedTime" not in record
    assert record["automationExecutions"] == []
    assert ssm_incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "web", "tier": "1"}


def test_start_incident_without_optional_template_members(ssm_incidents: Any) -> None:
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents))
    record = record_of(ssm_incidents, arn)
    assert "summary" not in record
    assert "chatChannel" not in record
    assert record["notificationTargets"] == []
    assert ssm_incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {}
    # a generated dedupe string, id-shaped and different per incident
    assert re.fullmatch(r"[0-9a-f-]{36}", record["dedupeString"])
    other = record_of(ssm_incidents, start_incident(ssm_incidents, create_plan(ssm_incidents, name="p2")))
    assert other["dedupeString"] != record["dedupeString"]


def test_request_title_and_impact_override_the_template(ssm_incidents: Any) -> None:
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents), title="from request", impact=1)
    record = record_of(ssm_incidents, arn)
    assert (record["title"], record["impact"]) == ("from request", 1)


def test_manual_incident_record_source(ssm_incidents: Any) -> None:
    record = record_of(ssm_incidents, start_incident(ssm_incidents, create_plan(ssm_incidents)))
    caller = "arn:aws:sts::123456789012:user/moto"
    assert record["incidentRecordSource"] == {
        "createdBy": caller,
        "invokedBy": caller,
        "source": "aws.ssm-incidents.custom",
    }
    assert record["lastModifiedBy"] == caller
    assert record["lastModifiedTime"] >= record["creationTime"]


def test_trigger_details_set_the_source_and_write_a_trigger_event(ssm_incidents: Any) -> None:
    trigger = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:high-cpu"
    arn = start_incident(
        ssm_incidents,
        create_plan(ssm_incidents),
        triggerDetails={
            "source": "custom.monitor",
            "timestamp": 1700000000,
            "triggerArn": trigger,
            "rawData": '{"a":1}',
        },
    )
    source = record_of(ssm_incidents, arn)["incidentRecordSource"]
    assert source["source"] == "custom.monitor"
    assert source["resourceArn"] == trigger
    triggers = events_of(
        ssm_incidents,
        arn,
        filters=[{"key": "eventType", "condition": {"equals": {"stringValues": ["SSM Incident Trigger"]}}}],
    )
    assert len(triggers) == 1
    event = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=triggers[0]["eventId"])["event"]
    data = json.loads(event["eventData"])
    assert data == {
        "createdIncident": True,
        "incidentSource": "custom.monitor",
        "triggerArn": trigger,
        "rawData": '{"a":1}',
    }
    assert event["eventTime"].timestamp() == 1700000000


def test_trigger_details_without_trigger_arn(ssm_incidents: Any) -> None:
    arn = start_incident(
        ssm_incidents, create_plan(ssm_incidents), triggerDetails={"source": "custom.x", "timestamp": 1700000000}
    )
    source = record_of(ssm_incidents, arn)["incidentRecordSource"]
    assert source["source"] == "custom.x"
    assert "resourceArn" not in source


def test_start_writes_the_start_marker_and_the_parent_opsitem(ssm_incidents: Any) -> None:
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents))
    record = record_of(ssm_incidents, arn)
    events = events_of(ssm_incidents, arn)
    assert [e["eventType"] for e in events] == [RECORD_UPDATE, "Custom Event"]  # newest first
    marker = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=events[1]["eventId"])["event"]
    assert json.loads(marker["eventData"]) == "Incident Started"
    assert marker["eventTime"].timestamp() == int(record["creationTime"].timestamp())
    items = ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]
    assert len(items) == 1
    parent = items[0]
    assert parent["identifier"]["type"] == "PARENT"
    assert re.fullmatch(
        r"arn:aws:ssm:us-east-1:123456789012:opsitem/oi-[0-9a-f]{12}", parent["identifier"]["value"]["arn"]
    )
    assert parent["title"] == "parentItem"
    assert re.fullmatch(r"related-item/PARENT/[0-9A-F]{32}", parent["generatedId"])
    update = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=events[0]["eventId"])["event"]
    data = json.loads(update["eventData"])
    assert data["modifiedBy"] == record["lastModifiedBy"]
    assert data["incidentTitle"] == TEMPLATE["title"]
    [attribute] = data["modifiedAttributes"]
    assert attribute["attributeName"] == "relatedItems"
    assert json.loads(attribute["newValue"]) == {
        "itemToAdd": {"identifier": parent["identifier"], "title": "parentItem"}
    }
    assert {"relatedItemId": parent["generatedId"]} in update["eventReferences"]
    assert {"resource": arn} in update["eventReferences"]
    assert record["lastModifiedTime"] == update["eventTime"]


def test_related_items_in_the_request_are_attached_with_generated_ids(ssm_incidents: Any) -> None:
    items = [
        {"identifier": {"type": "METRIC", "value": {"metricDefinition": "cpu"}}, "title": "cpu"},
        {"identifier": {"type": "OTHER", "value": {"url": "https://example.com/runbook"}}},
        {
            "identifier": {
                "type": "INVOLVED_RESOURCE",
                "value": {"arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-1"},
            }
        },
    ]
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents), relatedItems=items)
    listed = ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]
    by_type = {item["identifier"]["type"]: item for item in listed}
    assert set(by_type) == {"METRIC", "OTHER", "INVOLVED_RESOURCE", "PARENT"}
    for item in listed:
        assert re.fullmatch(rf"related-item/{item['identifier']['type']}/[0-9A-F]{{32}}", item["generatedId"])
    assert len({item["generatedId"] for item in listed}) == 4
    assert by_type["METRIC"]["title"] == "cpu"
    assert "title" not in by_type["OTHER"]
    assert by_type["OTHER"]["identifier"]["value"] == {"url": "https://example.com/runbook"}


def test_template_dedupe_string_folds_into_the_open_incident(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents, template={"dedupeString": "same-cause"})
    first = start_incident(ssm_incidents, plan)
    assert start_incident(ssm_incidents, plan, title="again") == first
    assert len(ssm_incidents.list_incident_records()["incidentRecordSummaries"]) == 1
    assert record_of(ssm_incidents, first)["title"] == TEMPLATE["title"]
    ssm_incidents.update_incident_record(arn=first, status="RESOLVED")
    second = start_incident(ssm_incidents, plan)
    assert second != first
    assert len(ssm_incidents.list_incident_records()["incidentRecordSummaries"]) == 2
    assert start_incident(ssm_incidents, plan) == second


def test_plans_without_dedupe_string_always_create_new_incidents(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents)
    assert start_incident(ssm_incidents, plan) != start_incident(ssm_incidents, plan)
    assert len(ssm_incidents.list_incident_records()["incidentRecordSummaries"]) == 2


def test_client_token_replay_returns_the_same_incident(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents)
    first = start_incident(ssm_incidents, plan, clientToken="token-1", title="x")
    assert start_incident(ssm_incidents, plan, clientToken="token-1", title="x") == first
    assert len(ssm_incidents.list_incident_records()["incidentRecordSummaries"]) == 1
    with pytest.raises(ClientError) as exc_info:
        start_incident(ssm_incidents, plan, clientToken="token-1", title="y")
    assert_error(exc_info, "ConflictException", 409, "token-1")
    assert len(ssm_incidents.list_incident_records()["incidentRecordSummaries"]) == 1
    assert start_incident(ssm_incidents, plan, clientToken="token-2", title="x") != first


def test_start_with_unknown_plan_is_not_found(ssm_incidents: Any) -> None:
    missing = "arn:aws:ssm-incidents::123456789012:response-plan/nope"
    with pytest.raises(ClientError) as exc_info:
        start_incident(ssm_incidents, missing)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
    assert response["resourceType"] == "RESPONSE_PLAN"
    assert response["resourceIdentifier"] == missing


def test_incident_of_a_deleted_plan_stays(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents)
    arn = start_incident(ssm_incidents, plan)
    ssm_incidents.delete_response_plan(arn=plan)
    assert record_of(ssm_incidents, arn)["arn"] == arn


# --------------------------------------------------------------------------- Get / Update


def test_unknown_incident_is_not_found_with_type_and_identifier(ssm_incidents: Any) -> None:
    missing = "arn:aws:ssm-incidents::123456789012:incident-record/plan/00000000-0000-0000-0000-000000000000"
    for call in (
        lambda: ssm_incidents.get_incident_record(arn=missing),
        lambda: ssm_incidents.update_incident_record(arn=missing, title="t"),
    ):
        with pytest.raises(ClientError) as exc_info:
            call()
        response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
        assert response["resourceType"] == "INCIDENT_RECORD"
        assert response["resourceIdentifier"] == missing


def test_update_is_partial_and_writes_one_event_listing_the_changes(ssm_incidents: Any) -> None:
    arn = start_incident(
        ssm_incidents,
        create_plan(ssm_incidents, template={"summary": "s0", "notificationTargets": [{"snsTopicArn": SNS}]}),
    )
    before = record_of(ssm_incidents, arn)
    updates_before = len(updates_of(ssm_incidents, arn))
    ssm_incidents.update_incident_record(arn=arn, title="new title", impact=1)
    after = record_of(ssm_incidents, arn)
    assert (after["title"], after["impact"]) == ("new title", 1)
    assert after["summary"] == "s0"
    assert after["status"] == "OPEN"
    assert after["notificationTargets"] == [{"snsTopicArn": SNS}]
    assert after["lastModifiedTime"] >= before["lastModifiedTime"]
    updates = updates_of(ssm_incidents, arn)
    assert len(updates) == updates_before + 1
    assert updates[-1] == {
        "modifiedBy": "arn:aws:sts::123456789012:user/moto",
        "modifiedAttributes": [
            {"attributeName": "title", "newValue": "new title"},
            {"attributeName": "impact", "newValue": "1"},
        ],
        "incidentTitle": "new title",
    }


def test_resolving_sets_resolved_time_and_reopening_clears_it(ssm_incidents: Any) -> None:
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents))
    ssm_incidents.update_incident_record(arn=arn, status="RESOLVED")
    record = record_of(ssm_incidents, arn)
    assert record["status"] == "RESOLVED"
    assert record["resolvedTime"] >= record["creationTime"]
    assert updates_of(ssm_incidents, arn)[-1]["modifiedAttributes"] == [
        {"attributeName": "status", "newValue": "RESOLVED"}
    ]
    ssm_incidents.update_incident_record(arn=arn, status="OPEN")
    record = record_of(ssm_incidents, arn)
    assert record["status"] == "OPEN"
    assert "resolvedTime" not in record


def test_chat_channel_empty_removes_it_and_targets_replace(ssm_incidents: Any) -> None:
    plan = ssm_incidents.create_response_plan(
        name="chat",
        incidentTemplate={"title": "t", "impact": 3, "notificationTargets": [{"snsTopicArn": SNS}]},
        chatChannel={"chatbotSns": [SNS]},
    )["arn"]
    arn = start_incident(ssm_incidents, plan)
    ssm_incidents.update_incident_record(
        arn=arn, chatChannel={"empty": {}}, notificationTargets=[{"snsTopicArn": SNS2}]
    )
    record = record_of(ssm_incidents, arn)
    assert "chatChannel" not in record
    assert record["notificationTargets"] == [{"snsTopicArn": SNS2}]
    changed = updates_of(ssm_incidents, arn)[-1]["modifiedAttributes"]
    assert [c["attributeName"] for c in changed] == ["chatChannel", "notificationTargets"]
    assert json.loads(changed[1]["newValue"]) == [{"snsTopicArn": SNS2}]
    ssm_incidents.update_incident_record(arn=arn, chatChannel={"chatbotSns": [SNS2]}, notificationTargets=[])
    record = record_of(ssm_incidents, arn)
    assert record["chatChannel"] == {"chatbotSns": [SNS2]}
    assert record["notificationTargets"] == []


def test_update_without_changes_writes_no_event(ssm_incidents: Any) -> None:
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents))
    before = record_of(ssm_incidents, arn)
    count = len(events_of(ssm_incidents, arn))
    ssm_incidents.update_incident_record(arn=arn, title=before["title"], impact=before["impact"])
    assert len(events_of(ssm_incidents, arn)) == count
    assert record_of(ssm_incidents, arn)["lastModifiedTime"] == before["lastModifiedTime"]


def test_update_client_token_replay_and_conflict(ssm_incidents: Any) -> None:
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents))
    ssm_incidents.update_incident_record(arn=arn, title="a", clientToken="u1")
    count = len(events_of(ssm_incidents, arn))
    ssm_incidents.update_incident_record(arn=arn, title="a", clientToken="u1")
    assert len(events_of(ssm_incidents, arn)) == count
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_incident_record(arn=arn, title="b", clientToken="u1")
    assert_error(exc_info, "ConflictException", 409, "u1")
    assert record_of(ssm_incidents, arn)["title"] == "a"


# --------------------------------------------------------------------------- List


@pytest.fixture
def three(ssm_incidents: Any) -> list[str]:
    plan = create_plan(ssm_incidents)
    arns = [start_incident(ssm_incidents, plan, impact=impact) for impact in (1, 2, 3)]
    ssm_incidents.update_incident_record(arn=arns[1], status="RESOLVED")
    return arns


def listed(client: Any, **kw: Any) -> list[str]:
    return [s["arn"] for s in client.list_incident_records(**kw)["incidentRecordSummaries"]]


def test_list_is_newest_first_with_summaries(ssm_incidents: Any, three: list[str]) -> None:
    summaries = ssm_incidents.list_incident_records()["incidentRecordSummaries"]
    assert [s["arn"] for s in summaries] == three[::-1]
    assert set(summaries[0]) == {"arn", "creationTime", "impact", "incidentRecordSource", "status", "title"}
    assert "resolvedTime" in summaries[1]


def eq(key: str, values: list[Any]) -> dict[str, Any]:
    kind = "integerValues" if key == "impact" else "stringValues"
    return {"key": key, "condition": {"equals": {kind: values}}}


def test_list_filters(ssm_incidents: Any, three: list[str]) -> None:
    a, b, c = three
    assert listed(ssm_incidents, filters=[eq("status", ["OPEN"])]) == [c, a]
    assert listed(ssm_incidents, filters=[eq("impact", [1, 2])]) == [b, a]
    assert listed(ssm_incidents, filters=[eq("status", ["OPEN"]), eq("impact", [1, 2])]) == [a]
    assert listed(ssm_incidents, filters=[eq("createdBy", ["arn:aws:sts::123456789012:user/moto"])]) == [c, b, a]
    assert listed(ssm_incidents, filters=[eq("createdBy", ["arn:aws:iam::123456789012:user/other"])]) == []
    future, past = time.time() + 3600, time.time() - 3600
    assert listed(ssm_incidents, filters=[{"key": "creationTime", "condition": {"before": future}}]) == [c, b, a]
    assert listed(ssm_incidents, filters=[{"key": "creationTime", "condition": {"after": future}}]) == []
    assert listed(
        ssm_incidents, filters=[{"key": "creationTime", "condition": {"after": past}}, eq("impact", [3])]
    ) == [c]


def test_list_filter_errors(ssm_incidents: Any, three: list[str]) -> None:
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_incident_records(filters=[eq("title", ["x"])])
    assert_error(exc_info, "ValidationException", 400, "title")
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_incident_records(filters=[eq("status", ["OPEN"])] * 6)
    assert_error(
        exc_info, "ValidationException", 400, "1 validation error detected", "at 'filters'", "less than or equal to 5"
    )


def test_list_paging(ssm_incidents: Any, three: list[str]) -> None:
    page = ssm_incidents.list_incident_records(maxResults=2)
    assert [s["arn"] for s in page["incidentRecordSummaries"]] == three[:0:-1]
    rest = ssm_incidents.list_incident_records(maxResults=2, nextToken=page["nextToken"])
    assert [s["arn"] for s in rest["incidentRecordSummaries"]] == three[:1]
    assert "nextToken" not in rest
    pages = ssm_incidents.get_paginator("list_incident_records").paginate(PaginationConfig={"PageSize": 1})
    assert [s["arn"] for p in pages for s in p["incidentRecordSummaries"]] == three[::-1]
    for bad in (0, 101):
        with pytest.raises(ClientError) as exc_info:
            unchecked().list_incident_records(maxResults=bad)
        assert_error(exc_info, "ValidationException", 400, f"Value '{bad}' at 'maxResults'")
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_incident_records(maxResults=2, nextToken=page["nextToken"] + "x")
    assert_error(exc_info, "ValidationException", 400, "nextToken")


# --------------------------------------------------------------------------- Delete


def test_delete_incident_record(ssm_incidents: Any) -> None:
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents, template={"incidentTags": {"k": "v"}}))
    response = ssm_incidents.delete_incident_record(arn=arn)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc_info:
        record_of(ssm_incidents, arn)
    assert_error(exc_info, "ResourceNotFoundException", 404, arn)
    assert listed(ssm_incidents) == []
    assert events_of(ssm_incidents, arn) == []
    # deleting again, or an ARN that never existed, is a silent 204
    again = ssm_incidents.delete_incident_record(arn=arn)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_deleting_an_open_deduped_incident_lets_a_new_one_start(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents, template={"dedupeString": "d"})
    first = start_incident(ssm_incidents, plan)
    ssm_incidents.delete_incident_record(arn=first)
    assert start_incident(ssm_incidents, plan) != first


# --------------------------------------------------------------------------- ListTimelineEvents


def test_timeline_is_newest_first_and_pages(ssm_incidents: Any) -> None:
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents))
    for i in range(5):
        ssm_incidents.update_incident_record(arn=arn, title=f"t{i}")
    events = events_of(ssm_incidents, arn)
    assert len(events) == 7
    times = [e["eventTime"] for e in events]
    assert times == sorted(times, reverse=True)
    assert events[-1]["eventType"] == "Custom Event"
    paged = events_of(ssm_incidents, arn, PaginationConfig={"PageSize": 2})
    assert [e["eventId"] for e in paged] == [e["eventId"] for e in events]
    first = ssm_incidents.list_timeline_events(incidentRecordArn=arn, maxResults=3)
    assert len(first["eventSummaries"]) == 3 and first["nextToken"]
    for e in events:
        assert e["incidentRecordArn"] == arn
        assert "eventData" not in e


def test_tokens_belong_to_their_operation_and_request(ssm_incidents: Any, three: list[str]) -> None:
    token = ssm_incidents.list_incident_records(maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_incident_records(maxResults=1, nextToken=token, filters=[eq("status", ["OPEN"])])
    assert_error(exc_info, "ValidationException", 400, "nextToken")
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_timeline_events(incidentRecordArn=three[0], nextToken=token)
    assert_error(exc_info, "ValidationException", 400, "nextToken")


def test_a_deduplicated_trigger_is_recorded_on_the_open_incident(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents, template={"dedupeString": "alarm"})
    first = start_incident(ssm_incidents, plan, triggerDetails={"source": "custom.mon", "timestamp": 1700000000})
    again = start_incident(
        ssm_incidents,
        plan,
        triggerDetails={"source": "custom.mon", "timestamp": 1700000060},
        relatedItems=[{"identifier": {"type": "OTHER", "value": {"url": "https://example.com/ignored"}}}],
    )
    assert again == first
    filters = [{"key": "eventType", "condition": {"equals": {"stringValues": ["SSM Incident Trigger"]}}}]
    triggers = events_of(ssm_incidents, first, filters=filters)
    created = [
        json.loads(
            ssm_incidents.get_timeline_event(incidentRecordArn=first, eventId=e["eventId"])["event"]["eventData"]
        )["createdIncident"]
        for e in triggers
    ]
    assert created == [False, True]  # newest first
    assert len(ssm_incidents.list_related_items(incidentRecordArn=first)["relatedItems"]) == 1  # only the parent


def test_dedupe_follows_the_oldest_open_incident(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents, template={"dedupeString": "d"})
    a = start_incident(ssm_incidents, plan)
    ssm_incidents.update_incident_record(arn=a, status="RESOLVED")
    b = start_incident(ssm_incidents, plan)
    ssm_incidents.update_incident_record(arn=a, status="OPEN")  # reopened: two OPEN incidents share "d"
    assert start_incident(ssm_incidents, plan) == a
    ssm_incidents.update_incident_record(arn=a, status="RESOLVED")
    assert start_incident(ssm_incidents, plan) == b
    ssm_incidents.delete_incident_record(arn=b)
    assert start_incident(ssm_incidents, plan) not in (a, b)


def test_repeated_related_items_in_the_request_are_attached_once(ssm_incidents: Any) -> None:
    item = {"identifier": {"type": "OTHER", "value": {"url": "https://example.com"}}, "title": "x"}
    arn = start_incident(ssm_incidents, create_plan(ssm_incidents), relatedItems=[item, item])
    types = [i["identifier"]["type"] for i in ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]]
    assert sorted(types) == ["OTHER", "PARENT"]


def test_generated_dedupe_string_is_id_shaped_stable_and_per_incident(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents)
    first, second = start_incident(ssm_incidents, plan), start_incident(ssm_incidents, plan)
    dedupe = record_of(ssm_incidents, first)["dedupeString"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", dedupe)
    assert dedupe != first.rsplit("/", 1)[1]
    assert record_of(ssm_incidents, first)["dedupeString"] == dedupe
    assert record_of(ssm_incidents, second)["dedupeString"] != dedupe


def test_client_token_replay_compares_input_not_its_spelling(ssm_incidents: Any) -> None:
    plan = create_plan(ssm_incidents)
    first = start_incident(ssm_incidents, plan, clientToken="token-order", title="x", impact=2)
    # the same members sent in another order serialize to other bytes: still the same input
    again = ssm_incidents.start_incident(impact=2, title="x", responsePlanArn=plan, clientToken="token-order")
    assert again["incidentRecordArn"] == first
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.start_incident(impact=3, title="x", responsePlanArn=plan, clientToken="token-order")
    assert_error(exc_info, "ConflictException", 409, "token-order")
    assert len(ssm_incidents.list_incident_records()["incidentRecordSummaries"]) == 1
