"""aiobotocore: in-process under ``mock_ssm_incidents`` (moto alone cannot do this) and against the server.

The tests are plain functions running ``asyncio.run``: they depend on no pytest asyncio plugin.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import urllib.request
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.seam import as_async_response
from ssm_incidents_mock.seam import enable_aiobotocore as enable
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support import assert_error

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
CONTROL = {"X-SSM-Incidents-Mock": "1"}  # the header the server's control endpoints ask for


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, timeout=120))


def create_client(service: str, endpoint_url: str | None = None) -> Any:
    config = AioConfig(retries={"max_attempts": 1})
    return get_session().create_client(
        service, region_name="us-east-1", endpoint_url=endpoint_url, config=config, **CREDENTIALS
    )


async def lifecycle(ssm: Any) -> dict[str, Any]:
    """The shared incident lifecycle; returns what it read back."""
    replication_set = (await ssm.create_replication_set(regions={"us-east-1": {}}))["arn"]
    plan = (await ssm.create_response_plan(name="aio-plan", incidentTemplate={"title": "aio", "impact": 3}))["arn"]
    arns = [(await ssm.start_incident(responsePlanArn=plan, title=f"aio-{i}"))["incidentRecordArn"] for i in range(3)]
    first = arns[0]
    await ssm.update_incident_record(arn=first, title="renamed", impact=2, status="RESOLVED")
    record = (await ssm.get_incident_record(arn=first))["incidentRecord"]

    event = await ssm.create_timeline_event(
        incidentRecordArn=first,
        eventTime=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
        eventType="Custom Event",
        eventData='"aio"',
    )
    events = (await ssm.list_timeline_events(incidentRecordArn=first))["eventSummaries"]

    identifier = {"type": "OTHER", "value": {"url": "https://example.com/runbook"}}
    await ssm.update_related_items(
        incidentRecordArn=first, relatedItemsUpdate={"itemToAdd": {"identifier": identifier, "title": "runbook"}}
    )
    related = (await ssm.list_related_items(incidentRecordArn=first))["relatedItems"]

    await ssm.tag_resource(resourceArn=first, tags={"team": "aio"})
    tags = (await ssm.list_tags_for_resource(resourceArn=first))["tags"]

    status_filter = [{"key": "status", "condition": {"equals": {"stringValues": ["RESOLVED"]}}}]
    resolved = (await ssm.list_incident_records(filters=status_filter))["incidentRecordSummaries"]

    pages = [
        page async for page in ssm.get_paginator("list_incident_records").paginate(PaginationConfig={"PageSize": 1})
    ]

    with pytest.raises(ClientError) as not_found:
        await ssm.get_incident_record(arn="arn:aws:ssm-incidents::123456789012:incident-record/aio-plan/missing")
    with pytest.raises(ClientError) as invalid:
        await ssm.update_incident_record(arn=first, impact=9)
    return {
        "replication_set": replication_set, "plan": plan, "arns": arns, "record": record, "event": event,
        "events": events, "related": related, "tags": tags, "resolved": resolved, "pages": pages,
        "not_found": not_found, "invalid": invalid,
    }  # fmt: skip


def check(result: dict[str, Any]) -> None:
    arns, first = result["arns"], result["arns"][0]
    assert result["replication_set"].startswith("arn:aws:ssm-incidents::123456789012:replication-set/")
    assert result["plan"] == "arn:aws:ssm-incidents::123456789012:response-plan/aio-plan"
    record = result["record"]
    assert (record["title"], record["impact"], record["status"]) == ("renamed", 2, "RESOLVED")
    assert isinstance(record["resolvedTime"], dt.datetime)
    listed = {e["eventId"]: e for e in result["events"]}
    assert listed[result["event"]["eventId"]]["eventTime"] == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    assert "runbook" in [item.get("title") for item in result["related"]]
    assert result["tags"] == {"team": "aio"}
    assert [r["arn"] for r in result["resolved"]] == [first]
    pages = result["pages"]
    assert len(pages) == 3 and all(len(page["incidentRecordSummaries"]) == 1 for page in pages)
    assert sorted(page["incidentRecordSummaries"][0]["arn"] for page in pages) == sorted(arns)
    assert_error(result["not_found"], "ResourceNotFoundException", 404, "incident-record/aio-plan/missing")
    assert_error(result["invalid"], "ValidationException", 400, "Value '9' at 'impact'")


def test_lifecycle_in_process() -> None:
    async def scenario() -> dict[str, Any]:
        async with create_client("ssm-incidents") as ssm:
            return await lifecycle(ssm)

    with mock_ssm_incidents():
        check(run(scenario()))


def test_lifecycle_against_the_server() -> None:
    async def scenario(url: str) -> dict[str, Any]:
        async with create_client("ssm-incidents", url) as ssm:
            return await lifecycle(ssm)

    with ThreadedSSMIncidentsServer() as server:
        from ssm_incidents_mock.server import reset_state

        reset_state()
        check(run(scenario(server.url)))


async def contacts_lifecycle(incidents: Any, contacts: Any, code_of: Callable[[str], str]) -> dict[str, Any]:
    """ssm-contacts over aiobotocore: a contact with an activated channel, an engagement that pages it,
    a rotation's shifts. ``code_of`` reads the activation code sent to a channel."""
    await incidents.create_replication_set(regions={"us-east-1": {}})
    contact = (await contacts.create_contact(Alias="aio-oncall", Type="PERSONAL", Plan={"Stages": []}))["ContactArn"]
    channel = (
        await contacts.create_contact_channel(
            ContactId=contact, Name="mail", Type="EMAIL", DeliveryAddress={"SimpleAddress": "aio@example.com"}
        )
    )["ContactChannelArn"]
    await contacts.activate_contact_channel(ContactChannelId=channel, ActivationCode=code_of(channel))
    stage = {"DurationInMinutes": 0, "Targets": [{"ChannelTargetInfo": {"ContactChannelId": channel}}]}
    await contacts.update_contact(ContactId=contact, Plan={"Stages": [stage]})
    engagement = (
        await contacts.start_engagement(ContactId=contact, Sender="aio", Subject="db down", Content="payments")
    )["EngagementArn"]
    pages = (await contacts.list_pages_by_engagement(EngagementId=engagement))["Pages"]
    rotation = (
        await contacts.create_rotation(
            Name="aio",
            ContactIds=[contact],
            StartTime=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
            TimeZoneId="UTC",
            Recurrence={
                "NumberOfOnCalls": 1,
                "RecurrenceMultiplier": 1,
                "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}],
            },
        )
    )["RotationArn"]
    shifts = (
        await contacts.list_rotation_shifts(
            RotationId=rotation,
            StartTime=dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc),
            EndTime=dt.datetime(2030, 1, 3, tzinfo=dt.timezone.utc),
        )
    )["RotationShifts"]
    listed = [
        item["ContactArn"]
        async for page in contacts.get_paginator("list_contacts").paginate()
        for item in page["Contacts"]
    ]
    with pytest.raises(ClientError) as missing:
        await contacts.get_contact(ContactId=contact.replace("aio-oncall", "nobody"))
    return {"contact": contact, "pages": pages, "shifts": shifts, "listed": listed, "missing": missing}


def check_contacts(result: dict[str, Any]) -> None:
    assert result["contact"] == "arn:aws:ssm-contacts:us-east-1:123456789012:contact/aio-oncall"
    assert [page["ContactArn"] for page in result["pages"]] == [result["contact"]]
    utc = [
        (s["StartTime"].astimezone(dt.timezone.utc), s["EndTime"].astimezone(dt.timezone.utc)) for s in result["shifts"]
    ]
    day = dt.datetime(2030, 1, 2, tzinfo=dt.timezone.utc)
    hand_off = day + dt.timedelta(hours=9)
    assert utc == [(day, hand_off), (hand_off, day + dt.timedelta(days=1))]  # cut to the window asked for
    assert result["listed"] == [result["contact"]]
    assert_error(result["missing"], "ResourceNotFoundException", 404, "contact/nobody")


def test_contacts_lifecycle_in_process() -> None:
    async def scenario() -> dict[str, Any]:
        async with create_client("ssm-incidents") as incidents, create_client("ssm-contacts") as contacts:
            return await contacts_lifecycle(incidents, contacts, code_of)

    with mock_ssm_incidents() as mocked:
        code_of = mocked.contacts_backend().activation_code
        check_contacts(run(scenario()))


def test_contacts_lifecycle_against_the_server() -> None:
    async def scenario(url: str) -> dict[str, Any]:
        async with create_client("ssm-incidents", url) as incidents, create_client("ssm-contacts", url) as contacts:
            return await contacts_lifecycle(incidents, contacts, read_code)

    def read_code(arn: str) -> str:
        request = urllib.request.Request(f"{url}/_ssm_incidents_mock/code?arn={arn}", headers=CONTROL)
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.loads(response.read())["code"])

    with ThreadedSSMIncidentsServer() as server:
        from ssm_incidents_mock.server import reset_state

        reset_state()
        url = server.url
        check_contacts(run(scenario(url)))


def test_moto_services_work_in_process_too() -> None:
    """The same support serves moto's own services: SQS, and S3 with streaming and checksummed bodies."""

    async def scenario() -> tuple[str, bytes, bytes, list[str]]:
        async with create_client("sqs") as sqs, create_client("s3") as s3:
            queue = (await sqs.create_queue(QueueName="incidents"))["QueueUrl"]
            await sqs.send_message(QueueUrl=queue, MessageBody="hello")
            messages = (await sqs.receive_message(QueueUrl=queue))["Messages"]
            await s3.create_bucket(Bucket="incident-artifacts")
            await s3.put_object(Bucket="incident-artifacts", Key="log.txt", Body=b"line 1\nline 2\n")
            streamed = await s3.get_object(Bucket="incident-artifacts", Key="log.txt")
            async with streamed["Body"] as body:
                whole = await body.read()
            checked = await s3.get_object(Bucket="incident-artifacts", Key="log.txt", ChecksumMode="ENABLED")
            chunks = [chunk async for chunk in checked["Body"].iter_chunks(4)]
            return queue, whole, b"".join(chunks), [m["Body"] for m in messages]

    with mock_ssm_incidents():
        queue, whole, chunked, bodies = run(scenario())
    assert queue.endswith("/incidents")
    assert whole == chunked == b"line 1\nline 2\n"
    assert bodies == ["hello"]


def test_enable_is_idempotent_and_leaves_async_responses_alone() -> None:
    import aiobotocore.endpoint as endpoint
    from aiobotocore.awsrequest import AioAWSResponse

    patched = endpoint.first_non_none_response
    assert enable() is True
    assert endpoint.first_non_none_response is patched
    native = AioAWSResponse("http://x", 200, {}, None)
    assert as_async_response(native) is native
    assert as_async_response(None) is None
    assert as_async_response(3) == 3
