"""Timeline events: Create/Get/Update/Delete/ListTimelineEvents through boto3."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.support import Clock, assert_error, assert_output_shape, new_incident, signed_by, unchecked

# Every test here runs in an onboarded account (a replication set in us-east-1), as on AWS.
pytestmark = pytest.mark.usefixtures("ssm_incidents_onboarded")

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)


def _create(
    client: Any, arn: str, when: datetime = T0, kind: str = "Custom Event", data: str = '"x"', **kw: Any
) -> str:

    out = client.create_timeline_event(incidentRecordArn=arn, eventTime=when, eventType=kind, eventData=data, **kw)
    assert_output_shape("CreateTimelineEvent", out)
    assert out["incidentRecordArn"] == arn
    return str(out["eventId"])


def _summaries(client: Any, arn: str, **kw: Any) -> list[dict[str, Any]]:
    out = client.list_timeline_events(incidentRecordArn=arn, **kw)
    assert_output_shape("ListTimelineEvents", out)
    return list(out["eventSummaries"])


def _epoch(value: datetime) -> float:
    return value.timestamp()


# --------------------------------------------------------------------------- create / get


def test_create_returns_201_and_get_returns_the_event(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    refs = [{"resource": arn}]
    out = ssm_incidents.create_timeline_event(
        incidentRecordArn=arn, eventTime=T0, eventType="Note", eventData='"New Note"', eventReferences=refs
    )
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    event = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=out["eventId"])
    assert_output_shape("GetTimelineEvent", event)
    got = event["event"]
    assert got["eventId"] == out["eventId"]
    assert got["incidentRecordArn"] == arn
    assert got["eventType"] == "Note"
    assert got["eventData"] == '"New Note"'
    assert got["eventTime"] == T0
    assert got["eventReferences"] == refs
    assert got["eventUpdatedTime"] > T0


def test_create_accepts_custom_event_and_related_item_reference(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    item_id = ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"][0]["generatedId"]
    event_id = _create(ssm_incidents, arn, eventReferences=[{"relatedItemId": item_id}])
    got = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]
    assert got["eventType"] == "Custom Event"
    assert got["eventReferences"] == [{"relatedItemId": item_id}]


def test_event_time_may_lie_before_the_incident_and_is_kept(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    old = datetime(2020, 10, 1, 20, 30, tzinfo=timezone.utc)
    event_id = _create(ssm_incidents, arn, when=old)
    assert ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]["eventTime"] == old


def test_create_does_not_change_the_record(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    before = ssm_incidents.get_incident_record(arn=arn)["incidentRecord"]["lastModifiedTime"]
    count = len(_summaries(ssm_incidents, arn))
    _create(ssm_incidents, arn)
    assert ssm_incidents.get_incident_record(arn=arn)["incidentRecord"]["lastModifiedTime"] == before
    assert len(_summaries(ssm_incidents, arn)) == count + 1


@pytest.mark.parametrize("event_type", ["SSM Incident Record Update", "custom event", "Other"])
def test_create_rejects_types_callers_may_not_create(ssm_incidents: Any, event_type: str) -> None:
    arn = new_incident(ssm_incidents)
    with pytest.raises(ClientError) as exc_info:
        _create(ssm_incidents, arn, kind=event_type)
    assert_error(exc_info, "ValidationException", 400, event_type, "Custom Event, Note")


def test_create_on_unknown_incident_is_not_found(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents) + "0"
    with pytest.raises(ClientError) as exc_info:
        _create(ssm_incidents, arn)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, arn)
    assert response["resourceType"] == "INCIDENT_RECORD"


def test_create_validates_model_limits_server_side(mocked_ssm_incidents: Any) -> None:
    client = unchecked()
    arn = new_incident(client)
    with pytest.raises(ClientError) as exc_info:
        client.create_timeline_event(
            incidentRecordArn=arn,
            eventTime=T0,
            eventType="Note",
            eventData="x" * 12001,
            eventReferences=[{"resource": arn}] * 11,
        )
    assert_error(exc_info, "ValidationException", 400, "2 validation errors", "'eventData'", "'eventReferences'")


def test_get_unknown_event_is_not_found_with_type_timeline_event(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    missing = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=missing)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, missing)
    assert response["resourceType"] == "TIMELINE_EVENT"
    assert response["resourceIdentifier"] == missing


def test_get_on_unknown_incident_is_not_found(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    event_id = _create(ssm_incidents, arn)
    other = arn[:-1] + ("0" if arn[-1] != "0" else "1")
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_timeline_event(incidentRecordArn=other, eventId=event_id)
    assert_error(exc_info, "ResourceNotFoundException", 404, other)


def test_start_incident_writes_automatic_events_that_can_be_read(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    types = {e["eventType"] for e in _summaries(ssm_incidents, arn)}
    assert "SSM Incident Record Update" in types
    update = next(e for e in _summaries(ssm_incidents, arn) if e["eventType"] == "SSM Incident Record Update")
    event = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=update["eventId"])["event"]
    data = json.loads(event["eventData"])
    assert data["modifiedAttributes"][0]["attributeName"] == "relatedItems"


# --------------------------------------------------------------------------- update


def test_update_is_partial_and_moves_event_updated_time(ssm_incidents: Any, clock: Clock) -> None:
    arn = new_incident(ssm_incidents)
    event_id = _create(ssm_incidents, arn, data='"first"', eventReferences=[{"resource": arn}])
    before = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]
    assert before["eventUpdatedTime"] == datetime.fromtimestamp(clock.now, timezone.utc)
    later = datetime(2024, 1, 1, 13, 0, tzinfo=timezone.utc)
    updated_at = clock.advance(90.5)
    out = ssm_incidents.update_timeline_event(incidentRecordArn=arn, eventId=event_id, eventTime=later)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    after = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]
    assert after["eventTime"] == later
    assert after["eventData"] == '"first"'
    assert after["eventType"] == "Custom Event"
    assert after["eventReferences"] == [{"resource": arn}]
    assert after["eventUpdatedTime"] == datetime.fromtimestamp(updated_at, timezone.utc)

    ssm_incidents.update_timeline_event(incidentRecordArn=arn, eventId=event_id, eventData='"second"', eventType="Note")
    again = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]
    assert (again["eventData"], again["eventType"], again["eventTime"]) == ('"second"', "Note", later)


def test_update_event_references_replaces_the_list_and_empty_clears(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    event_id = _create(ssm_incidents, arn, eventReferences=[{"resource": arn}])
    item_id = ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"][0]["generatedId"]
    ssm_incidents.update_timeline_event(
        incidentRecordArn=arn, eventId=event_id, eventReferences=[{"relatedItemId": item_id}]
    )
    got = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]
    assert got["eventReferences"] == [{"relatedItemId": item_id}]
    ssm_incidents.update_timeline_event(incidentRecordArn=arn, eventId=event_id, eventReferences=[])
    got = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]
    assert got.get("eventReferences", []) == []


def test_update_the_start_marker_custom_event_is_allowed(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    marker = next(e for e in _summaries(ssm_incidents, arn) if e["eventType"] == "Custom Event")
    ssm_incidents.update_timeline_event(incidentRecordArn=arn, eventId=marker["eventId"], eventTime=T0)
    assert (
        ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=marker["eventId"])["event"]["eventTime"] == T0
    )


def test_update_automatic_event_is_rejected(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    auto = next(e for e in _summaries(ssm_incidents, arn) if e["eventType"].startswith("SSM "))
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_timeline_event(incidentRecordArn=arn, eventId=auto["eventId"], eventData='"x"')
    assert_error(exc_info, "ValidationException", 400, auto["eventId"], "written by Incident Manager")


def test_update_to_a_type_callers_may_not_use_is_rejected(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    event_id = _create(ssm_incidents, arn)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_timeline_event(incidentRecordArn=arn, eventId=event_id, eventType="SSM Incident Trigger")
    assert_error(exc_info, "ValidationException", 400, "SSM Incident Trigger")
    assert (
        ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]["eventType"]
        == "Custom Event"
    )


def test_update_unknown_event_and_unknown_incident_are_not_found(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    missing = "11111111-1111-1111-1111-111111111111"
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_timeline_event(incidentRecordArn=arn, eventId=missing, eventData='"x"')
    assert assert_error(exc_info, "ResourceNotFoundException", 404, missing)["resourceType"] == "TIMELINE_EVENT"
    other = arn.rsplit("/", 1)[0] + "/" + missing
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_timeline_event(incidentRecordArn=other, eventId=missing, eventData='"x"')
    assert assert_error(exc_info, "ResourceNotFoundException", 404, other)["resourceType"] == "INCIDENT_RECORD"


# --------------------------------------------------------------------------- delete


def test_delete_removes_the_event_and_missing_is_silent(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    event_id = _create(ssm_incidents, arn)
    out = ssm_incidents.delete_timeline_event(incidentRecordArn=arn, eventId=event_id)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)
    assert_error(exc_info, "ResourceNotFoundException", 404, event_id)
    assert event_id not in {e["eventId"] for e in _summaries(ssm_incidents, arn)}
    again = ssm_incidents.delete_timeline_event(incidentRecordArn=arn, eventId=event_id)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204
    unknown = arn.rsplit("/", 1)[0] + "/11111111-1111-1111-1111-111111111111"
    gone = ssm_incidents.delete_timeline_event(incidentRecordArn=unknown, eventId=event_id)
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_automatic_event_is_rejected(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    auto = next(e for e in _summaries(ssm_incidents, arn) if e["eventType"].startswith("SSM "))
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.delete_timeline_event(incidentRecordArn=arn, eventId=auto["eventId"])
    assert_error(exc_info, "ValidationException", 400, "written by Incident Manager")
    assert auto["eventId"] in {e["eventId"] for e in _summaries(ssm_incidents, arn)}


# --------------------------------------------------------------------------- list


def _seeded(client: Any) -> tuple[str, dict[str, str]]:
    """An incident with three user events at known times; returns its ARN and ids by name."""
    arn = new_incident(client)
    ids = {
        "early": _create(
            client,
            arn,
            when=datetime(2023, 1, 1, tzinfo=timezone.utc),
            kind="Note",
            eventReferences=[{"resource": arn}],
        ),
        "middle": _create(client, arn, when=datetime(2023, 6, 1, tzinfo=timezone.utc)),
        "late": _create(client, arn, when=datetime(2023, 12, 1, tzinfo=timezone.utc), kind="Note"),
    }
    return arn, ids


def test_list_default_order_is_newest_event_time_first(ssm_incidents: Any) -> None:
    arn, ids = _seeded(ssm_incidents)
    events = _summaries(ssm_incidents, arn)
    times = [e["eventTime"] for e in events]
    assert times == sorted(times, reverse=True)
    mine = [e["eventId"] for e in events if e["eventId"] in ids.values()]
    assert mine == [ids["late"], ids["middle"], ids["early"]]
    assert all("eventData" not in e for e in events)


def test_list_sort_order_ascending_and_explicit_descending(ssm_incidents: Any) -> None:
    arn, ids = _seeded(ssm_incidents)
    up = _summaries(ssm_incidents, arn, sortBy="EVENT_TIME", sortOrder="ASCENDING")
    assert [e["eventId"] for e in up[:3]] == [ids["early"], ids["middle"], ids["late"]]
    down = _summaries(ssm_incidents, arn, sortBy="EVENT_TIME", sortOrder="DESCENDING")
    assert [e["eventId"] for e in down] == [e["eventId"] for e in reversed(up)]


def test_list_filter_event_time_before_and_after(ssm_incidents: Any) -> None:
    arn, ids = _seeded(ssm_incidents)
    before = [{"key": "eventTime", "condition": {"before": datetime(2023, 7, 1, tzinfo=timezone.utc)}}]
    assert {e["eventId"] for e in _summaries(ssm_incidents, arn, filters=before)} == {ids["early"], ids["middle"]}
    window = [
        {"key": "eventTime", "condition": {"after": datetime(2023, 2, 1, tzinfo=timezone.utc)}},
        {"key": "eventTime", "condition": {"before": datetime(2023, 12, 31, tzinfo=timezone.utc)}},
    ]
    assert {e["eventId"] for e in _summaries(ssm_incidents, arn, filters=window)} == {ids["middle"], ids["late"]}


def test_list_filter_event_type_and_reference(ssm_incidents: Any) -> None:
    arn, ids = _seeded(ssm_incidents)
    notes = [{"key": "eventType", "condition": {"equals": {"stringValues": ["Note"]}}}]
    assert {e["eventId"] for e in _summaries(ssm_incidents, arn, filters=notes)} == {ids["early"], ids["late"]}
    both = [{"key": "eventType", "condition": {"equals": {"stringValues": ["Note", "Custom Event"]}}}]
    assert {ids["early"], ids["middle"], ids["late"]} <= {
        e["eventId"] for e in _summaries(ssm_incidents, arn, filters=both)
    }
    by_ref = [*notes, {"key": "eventReference", "condition": {"equals": {"stringValues": [arn]}}}]
    assert [e["eventId"] for e in _summaries(ssm_incidents, arn, filters=by_ref)] == [ids["early"]]
    item_id = ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"][0]["generatedId"]
    by_item = [{"key": "eventReference", "condition": {"equals": {"stringValues": [item_id]}}}]
    found = _summaries(ssm_incidents, arn, filters=by_item)
    assert found and all({"relatedItemId": item_id} in e["eventReferences"] for e in found)


def test_list_rejects_unknown_filter_key_and_wrong_condition(ssm_incidents: Any) -> None:
    arn, _ = _seeded(ssm_incidents)
    with pytest.raises(ClientError) as exc_info:
        _summaries(ssm_incidents, arn, filters=[{"key": "title", "condition": {"equals": {"stringValues": ["x"]}}}])
    assert_error(exc_info, "ValidationException", 400, "title")
    with pytest.raises(ClientError) as exc_info:
        _summaries(ssm_incidents, arn, filters=[{"key": "eventTime", "condition": {"equals": {"stringValues": ["x"]}}}])
    assert_error(exc_info, "ValidationException", 400, "eventTime")


def test_list_rejects_bad_sort_values_server_side(mocked_ssm_incidents: Any) -> None:
    client = unchecked()
    arn = new_incident(client)
    with pytest.raises(ClientError) as exc_info:
        client.list_timeline_events(incidentRecordArn=arn, sortBy="TITLE", sortOrder="UP")
    assert_error(exc_info, "ValidationException", 400, "2 validation errors", "'sortBy'", "'sortOrder'", "EVENT_TIME")


def test_list_unknown_incident_is_empty(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    unknown = arn.rsplit("/", 1)[0] + "/11111111-1111-1111-1111-111111111111"
    out = ssm_incidents.list_timeline_events(incidentRecordArn=unknown)
    assert out["eventSummaries"] == []
    assert "nextToken" not in out


def test_list_pages_with_max_results(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    for day in range(1, 8):
        _create(ssm_incidents, arn, when=datetime(2023, 3, day, tzinfo=timezone.utc))
    everything = [e["eventId"] for e in _summaries(ssm_incidents, arn)]
    seen: list[str] = []
    token = None
    for _ in range(50):
        kw = {"nextToken": token} if token else {}
        page = ssm_incidents.list_timeline_events(incidentRecordArn=arn, maxResults=3, **kw)
        assert len(page["eventSummaries"]) <= 3
        seen += [e["eventId"] for e in page["eventSummaries"]]
        token = page.get("nextToken")
        if not token:
            break
    assert seen == everything


def test_event_time_is_kept_to_the_millisecond_the_client_sent(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    precise = datetime(2024, 5, 1, 10, 0, 0, 579000, tzinfo=timezone.utc)
    event_id = _create(ssm_incidents, arn, when=precise)
    got = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)["event"]["eventTime"]
    # Older botocore sent whole seconds, newer sends milliseconds: the mock keeps what arrives.
    assert _epoch(got) in (int(_epoch(precise)), pytest.approx(_epoch(precise)))


# --------------------------------------------------------------------------- cascade


def test_deleting_the_incident_removes_events_items_findings_and_tags(
    ssm_incidents: Any, mocked_ssm_incidents: Any
) -> None:
    plan = ssm_incidents.create_response_plan(
        name="tagged", incidentTemplate={"title": "t", "impact": 3, "incidentTags": {"team": "ops"}}
    )["arn"]
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    event_id = _create(ssm_incidents, arn)
    ssm_incidents.update_related_items(
        incidentRecordArn=arn,
        relatedItemsUpdate={"itemToAdd": {"identifier": {"type": "OTHER", "value": {"url": "https://example.com"}}}},
    )
    finding = mocked_ssm_incidents.add_finding(
        arn, cloudformation_stack_arn="arn:aws:cloudformation:us-east-1:123456789012:stack/s/1"
    )
    ssm_incidents.tag_resource(resourceArn=arn, tags={"env": "prod"})
    assert ssm_incidents.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "ops", "env": "prod"}

    ssm_incidents.delete_incident_record(arn=arn)

    assert ssm_incidents.list_timeline_events(incidentRecordArn=arn)["eventSummaries"] == []
    assert ssm_incidents.list_related_items(incidentRecordArn=arn)["relatedItems"] == []
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=event_id)
    assert_error(exc_info, "ResourceNotFoundException", 404, arn)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.batch_get_incident_findings(incidentRecordArn=arn, findingIds=[finding])
    assert_error(exc_info, "ResourceNotFoundException", 404, arn)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_incident_findings(incidentRecordArn=arn)
    assert_error(exc_info, "ResourceNotFoundException", 404, arn)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.list_tags_for_resource(resourceArn=arn)
    assert_error(exc_info, "ResourceNotFoundException", 404, arn)
    assert arn not in mocked_ssm_incidents.backend().tags
    assert arn not in [r["arn"] for r in ssm_incidents.list_incident_records()["incidentRecordSummaries"]]


# --------------------------------------------------------------------------- identity and history


def test_event_ids_are_unique_and_belong_to_their_incident(ssm_incidents: Any) -> None:
    first, second = new_incident(ssm_incidents, "one"), new_incident(ssm_incidents, "two")
    ids_first = [_create(ssm_incidents, first) for _ in range(3)] + [
        e["eventId"] for e in _summaries(ssm_incidents, first)
    ]
    ids_second = [e["eventId"] for e in _summaries(ssm_incidents, second)]
    assert len(set(ids_first)) == len(ids_first) - 3  # the listing repeats the three created ones
    assert not set(ids_first) & set(ids_second)
    for event_id in ids_first:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", event_id)
        with pytest.raises(ClientError) as exc_info:  # another incident's event is not found here
            ssm_incidents.get_timeline_event(incidentRecordArn=second, eventId=event_id)
        assert_error(exc_info, "ResourceNotFoundException", 404, event_id)


def test_an_event_id_in_another_spelling_is_not_found(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    event_id = _create(ssm_incidents, arn)
    for spelling in (event_id.upper(), event_id.replace("-", ""), "x" + event_id[1:]):
        with pytest.raises(ClientError) as exc_info:
            ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=spelling)
        assert_error(exc_info, "ResourceNotFoundException", 404)


def test_a_deleted_event_id_is_never_given_again(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    kept = _create(ssm_incidents, arn, data='"kept"')
    deleted = _create(ssm_incidents, arn, data='"deleted"')
    ssm_incidents.delete_timeline_event(incidentRecordArn=arn, eventId=deleted)
    later = [_create(ssm_incidents, arn, data=f'"later {i}"') for i in range(3)]
    assert deleted not in later
    listed = {e["eventId"] for e in _summaries(ssm_incidents, arn)}
    assert {kept, *later} <= listed and deleted not in listed
    event = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=later[0])["event"]
    assert (event["eventId"], event["eventData"]) == (later[0], '"later 0"')


def test_record_update_events_keep_the_title_and_caller_of_their_moment(ssm_incidents: Any) -> None:
    arn = new_incident(ssm_incidents)
    [parent_update] = [e for e in _summaries(ssm_incidents, arn) if e["eventType"] == "SSM Incident Record Update"]
    ssm_incidents.update_incident_record(arn=arn, title="Renamed")
    credentials = boto3.client("sts", region_name="us-east-1").assume_role(
        RoleArn="arn:aws:iam::123456789012:role/responder", RoleSessionName="bob"
    )["Credentials"]
    other = signed_by(credentials)
    other.update_incident_record(arn=arn, title="Renamed again")
    updates = [
        json.loads(ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=e["eventId"])["event"]["eventData"])
        for e in _summaries(ssm_incidents, arn, sortOrder="ASCENDING")
        if e["eventType"] == "SSM Incident Record Update"
    ]
    assert [u["incidentTitle"] for u in updates] == ["Outage", "Renamed", "Renamed again"]
    assert updates[0]["modifiedBy"] == updates[1]["modifiedBy"]
    assert updates[2]["modifiedBy"] == "arn:aws:sts::123456789012:assumed-role/responder/bob"
    again = ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=parent_update["eventId"])["event"]
    assert json.loads(again["eventData"])["incidentTitle"] == "Outage"


def test_events_incident_manager_writes_stay_within_the_models_event_data_length(ssm_incidents: Any, plan: str) -> None:
    """Escaping makes JSON text longer than its input: a 10,000-quote rawData, an 8,000-quote summary."""
    limit = ssm_incidents.meta.service_model.shape_for("EventData").metadata["max"]
    trigger = {"source": "my.app", "timestamp": 1.0, "rawData": '"' * 10_000}
    arn = ssm_incidents.start_incident(responsePlanArn=plan, triggerDetails=trigger)["incidentRecordArn"]
    targets = [{"snsTopicArn": f"arn:aws:sns:us-east-1:123456789012:{'t' * 900}{i}"} for i in range(10)]
    ssm_incidents.update_incident_record(arn=arn, summary='"' * 8000, notificationTargets=targets)
    events = ssm_incidents.list_timeline_events(incidentRecordArn=arn, sortOrder="ASCENDING")["eventSummaries"]
    data = [
        ssm_incidents.get_timeline_event(incidentRecordArn=arn, eventId=e["eventId"])["event"]["eventData"]
        for e in events
    ]
    assert all(len(text) <= limit for text in data)
    (trigger_data,) = [json.loads(text) for text in data if "rawData" in text]
    assert set(trigger_data["rawData"]) == {'"'}
    changed = json.loads(data[-1])["modifiedAttributes"]
    assert [a["attributeName"] for a in changed] == ["summary", "notificationTargets"]
