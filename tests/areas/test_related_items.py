"""Related items: UpdateRelatedItems and ListRelatedItems through boto3."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support import assert_error, assert_output_shape, new_incident, unchecked

GENERATED_ID = re.compile(
    r"related-item/(ANALYSIS|INCIDENT|METRIC|PARENT|ATTACHMENT|OTHER|AUTOMATION|INVOLVED_RESOURCE|TASK)/[0-9A-F]{32}"
)

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")
DASHBOARD = {"type": "METRIC", "value": {"url": "https://console.aws.amazon.com/cloudwatch/home#dashboards:name=db"}}
RUNBOOK = {"type": "AUTOMATION", "value": {"arn": "arn:aws:ssm:us-east-1:123456789012:automation-execution/abc"}}


def _items(client: Any, arn: str, **kw: Any) -> list[dict[str, Any]]:
    out = client.list_related_items(incidentRecordArn=arn, **kw)
    assert_output_shape("ListRelatedItems", out)
    return list(out["relatedItems"])


def _add(client: Any, arn: str, identifier: dict[str, Any], title: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"identifier": identifier}
    if title is not None:
        item["title"] = title
    out = client.update_related_items(incidentRecordArn=arn, relatedItemsUpdate={"itemToAdd": item})
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    return out  # type: ignore[no-any-return]


def _record_updates(client: Any, arn: str) -> list[dict[str, Any]]:
    filters = [{"key": "eventType", "condition": {"equals": {"stringValues": ["SSM Incident Record Update"]}}}]
    summaries = client.list_timeline_events(incidentRecordArn=arn, filters=filters)["eventSummaries"]
    return [client.get_timeline_event(incidentRecordArn=arn, eventId=s["eventId"])["event"] for s in summaries]


def test_new_incident_has_its_parent_ops_item(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    items = _items(ssm_incidents, arn)
    assert [i["identifier"]["type"] for i in items] == ["PARENT"]
    assert items[0]["title"] == "parentItem"
    assert GENERATED_ID.fullmatch(items[0]["generatedId"])


def test_add_lists_newest_first_with_generated_id(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    _add(ssm_incidents, arn, DASHBOARD, "Dashboard")
    _add(ssm_incidents, arn, RUNBOOK)
    items = _items(ssm_incidents, arn)
    assert [i["identifier"] for i in items[:2]] == [RUNBOOK, DASHBOARD]
    assert items[1]["title"] == "Dashboard"
    assert "title" not in items[0]
    assert items[0]["generatedId"].startswith("related-item/AUTOMATION/")
    assert items[1]["generatedId"].startswith("related-item/METRIC/")
    assert all(GENERATED_ID.fullmatch(i["generatedId"]) for i in items)
    assert len({i["generatedId"] for i in items}) == len(items)


def test_all_value_kinds_can_be_added(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    values = [
        {"type": "OTHER", "value": {"arn": "arn:aws:s3:::bucket"}},
        {"type": "ATTACHMENT", "value": {"url": "https://example.com/a"}},
        {"type": "METRIC", "value": {"metricDefinition": '{"metrics":[]}'}},
        {"type": "INCIDENT", "value": {"pagerDutyIncidentDetail": {"id": "P1", "autoResolve": True, "secretId": "s"}}},
    ]
    for identifier in values:
        _add(ssm_incidents, arn, identifier)
    listed = [i["identifier"] for i in _items(ssm_incidents, arn)]
    assert listed[:4] == list(reversed(values))


def test_add_writes_a_record_update_event_with_the_update_as_json_text(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    before = ssm_incidents.get_incident_record(arn=arn)["incidentRecord"]["lastModifiedTime"]
    count = len(_record_updates(ssm_incidents, arn))
    _add(ssm_incidents, arn, DASHBOARD, "Dashboard")
    events = _record_updates(ssm_incidents, arn)
    assert len(events) == count + 1
    newest = events[0]
    data = json.loads(newest["eventData"])
    assert data["incidentTitle"] == "Outage"
    assert data["modifiedBy"].startswith("arn:aws:")
    [attribute] = data["modifiedAttributes"]
    assert attribute["attributeName"] == "relatedItems"
    assert isinstance(attribute["newValue"], str)
    assert json.loads(attribute["newValue"]) == {"itemToAdd": {"identifier": DASHBOARD, "title": "Dashboard"}}
    generated = _items(ssm_incidents, arn)[0]["generatedId"]
    assert {"relatedItemId": generated} in newest["eventReferences"]
    assert {"resource": arn} in newest["eventReferences"]
    assert ssm_incidents.get_incident_record(arn=arn)["incidentRecord"]["lastModifiedTime"] >= before


def test_remove_by_identifier_and_its_record_update(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    _add(ssm_incidents, arn, DASHBOARD, "Dashboard")
    generated = _items(ssm_incidents, arn)[0]["generatedId"]
    out = ssm_incidents.update_related_items(incidentRecordArn=arn, relatedItemsUpdate={"itemToRemove": DASHBOARD})
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert DASHBOARD not in [i["identifier"] for i in _items(ssm_incidents, arn)]
    newest = _record_updates(ssm_incidents, arn)[0]
    attribute = json.loads(newest["eventData"])["modifiedAttributes"][0]
    assert json.loads(attribute["newValue"]) == {"itemToRemove": DASHBOARD}
    assert {"relatedItemId": generated} in newest["eventReferences"]


def test_remove_parent_item(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    parent = _items(ssm_incidents, arn)[0]["identifier"]
    ssm_incidents.update_related_items(incidentRecordArn=arn, relatedItemsUpdate={"itemToRemove": parent})
    assert _items(ssm_incidents, arn) == []


def test_duplicate_add_is_a_conflict_and_changes_nothing(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    _add(ssm_incidents, arn, DASHBOARD, "Dashboard")
    items = _items(ssm_incidents, arn)
    with pytest.raises(ClientError) as exc_info:
        _add(ssm_incidents, arn, DASHBOARD, "Another title")
    assert_error(exc_info, "ConflictException", 409, "already exists", "METRIC")
    assert _items(ssm_incidents, arn) == items


def test_same_value_with_other_type_is_another_item(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    _add(ssm_incidents, arn, DASHBOARD)
    _add(ssm_incidents, arn, {"type": "OTHER", "value": DASHBOARD["value"]})
    assert len(_items(ssm_incidents, arn)) == 3


def test_remove_missing_item_is_not_found(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    count = len(_record_updates(ssm_incidents, arn))
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_related_items(incidentRecordArn=arn, relatedItemsUpdate={"itemToRemove": RUNBOOK})
    response = assert_error(exc_info, "ResourceNotFoundException", 404, "does not exist", "AUTOMATION")
    assert response["resourceIdentifier"] == arn
    assert len(_record_updates(ssm_incidents, arn)) == count


def test_generated_id_sent_on_add_is_ignored(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    mine = "related-item/METRIC/" + "A" * 32
    ssm_incidents.update_related_items(
        incidentRecordArn=arn, relatedItemsUpdate={"itemToAdd": {"identifier": DASHBOARD, "generatedId": mine}}
    )
    generated = _items(ssm_incidents, arn)[0]["generatedId"]
    assert generated != mine
    assert GENERATED_ID.fullmatch(generated)


def test_update_on_unknown_incident_is_not_found(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents).rsplit("/", 1)[0] + "/11111111-1111-1111-1111-111111111111"
    with pytest.raises(ClientError) as exc_info:
        _add(ssm_incidents, arn, DASHBOARD)
    assert assert_error(exc_info, "ResourceNotFoundException", 404, arn)["resourceType"] == "INCIDENT_RECORD"


def test_update_validates_union_and_patterns_server_side(mocked_ssm_incidents: Any) -> None:
    client = unchecked()
    arn = new_incident(client)
    with pytest.raises(ClientError) as exc_info:
        client.update_related_items(
            incidentRecordArn=arn,
            relatedItemsUpdate={"itemToAdd": {"identifier": DASHBOARD}, "itemToRemove": DASHBOARD},
        )
    assert_error(exc_info, "ValidationException", 400, "'relatedItemsUpdate'", "exactly one member")
    with pytest.raises(ClientError) as exc_info:
        client.update_related_items(
            incidentRecordArn=arn,
            relatedItemsUpdate={"itemToAdd": {"identifier": {"type": "BOGUS", "value": {"url": "u"}}}},
        )
    assert_error(exc_info, "ValidationException", 400, "relatedItemsUpdate.itemToAdd.identifier.type", "enum")


def test_list_unknown_incident_is_empty(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents).rsplit("/", 1)[0] + "/11111111-1111-1111-1111-111111111111"
    out = ssm_incidents.list_related_items(incidentRecordArn=arn)
    assert out["relatedItems"] == []
    assert "nextToken" not in out


def test_list_pages_and_returns_each_item_once(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    for n in range(6):
        _add(ssm_incidents, arn, {"type": "OTHER", "value": {"url": f"https://example.com/{n}"}})
    everything = [i["generatedId"] for i in _items(ssm_incidents, arn)]
    assert len(everything) == 7
    first = ssm_incidents.list_related_items(incidentRecordArn=arn, maxResults=4)
    assert len(first["relatedItems"]) == 4
    second = ssm_incidents.list_related_items(incidentRecordArn=arn, maxResults=4, nextToken=first["nextToken"])
    assert "nextToken" not in second
    assert [i["generatedId"] for i in first["relatedItems"] + second["relatedItems"]] == everything


def test_start_incident_related_items_are_listed_with_generated_ids(ssm_incidents: Any) -> None:
    plan = ssm_incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
    arn = ssm_incidents.start_incident(responsePlanArn=plan, relatedItems=[{"identifier": DASHBOARD, "title": "d"}])[
        "incidentRecordArn"
    ]
    items = _items(ssm_incidents, arn)
    assert {i["identifier"]["type"] for i in items} == {"PARENT", "METRIC"}
    assert all(GENERATED_ID.fullmatch(i["generatedId"]) for i in items)


def test_the_add_event_of_a_removed_item_still_reads_as_written(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    _add(ssm_incidents, arn, DASHBOARD, "Dashboard")
    generated = _items(ssm_incidents, arn)[0]["generatedId"]
    added = _record_updates(ssm_incidents, arn)[0]
    ssm_incidents.update_related_items(incidentRecordArn=arn, relatedItemsUpdate={"itemToRemove": DASHBOARD})
    event = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=added["eventId"])["event"]
    assert (event["eventData"], event["eventReferences"]) == (added["eventData"], added["eventReferences"])
    assert {"relatedItemId": generated} in event["eventReferences"]


def test_generated_ids_differ_between_incidents_and_re_adds(ssm_incidents: Any) -> None:
    first = new_incident(ssm_incidents)
    plan = ssm_incidents.list_response_plans()["responsePlanSummaries"][0]["arn"]
    second = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    _add(ssm_incidents, first, DASHBOARD)
    _add(ssm_incidents, second, DASHBOARD)
    id_first = _items(ssm_incidents, first)[0]["generatedId"]
    assert id_first != _items(ssm_incidents, second)[0]["generatedId"]
    ssm_incidents.update_related_items(incidentRecordArn=first, relatedItemsUpdate={"itemToRemove": DASHBOARD})
    _add(ssm_incidents, first, DASHBOARD)
    assert _items(ssm_incidents, first)[0]["generatedId"] not in (id_first, None)
