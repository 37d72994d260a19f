"""Incidents publish to their SNS topics through moto's SNS; subscribers (SQS here) receive the messages."""

from __future__ import annotations

from typing import Any

import pytest
from moto.sns.models import sns_backends

from ssm_incidents_mock import SSMIncidentsMock
from tests.support.moto_world import ACCOUNT, REGION, aws, create_plan, received, subscribed_queue


@pytest.fixture
def queue(ssm_incidents: Any) -> tuple[str, str]:
    return subscribed_queue(aws("sns"), aws("sqs"))


def test_start_update_and_resolve_notify_the_targets(ssm_incidents: Any, queue: tuple[str, str]) -> None:
    topic, url = queue
    sqs = aws("sqs")
    plan = create_plan(ssm_incidents, template={"notificationTargets": [{"snsTopicArn": topic}]})
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    (started,) = received(sqs, url)
    assert started["detail-type"] == "SSM Incident Start"
    assert (started["source"], started["account"], started["region"]) == ("aws.ssm-incidents", ACCOUNT, REGION)
    assert started["resources"] == [arn]
    assert started["detail"]["incidentRecordArn"] == arn
    assert started["detail"]["incidentTitle"] == "CPU too high"
    assert (started["detail"]["status"], started["detail"]["impact"]) == ("OPEN", 2)

    ssm_incidents.update_incident_record(arn=arn, title="Disk full", impact=1)
    (updated,) = received(sqs, url)
    assert updated["detail-type"] == "SSM Incident Record Update"
    assert updated["detail"]["incidentTitle"] == "Disk full"
    assert updated["detail"]["modifiedAttributes"] == [
        {"attributeName": "title", "newValue": "Disk full"},
        {"attributeName": "impact", "newValue": "1"},
    ]
    assert updated["detail"]["modifiedBy"] == aws("sts").get_caller_identity()["Arn"]

    ssm_incidents.update_incident_record(arn=arn, status="RESOLVED")
    (resolved,) = received(sqs, url)
    assert resolved["detail"]["status"] == "RESOLVED"
    assert resolved["detail"]["modifiedAttributes"] == [{"attributeName": "status", "newValue": "RESOLVED"}]


def test_an_update_that_changes_nothing_sends_nothing(ssm_incidents: Any, queue: tuple[str, str]) -> None:
    topic, url = queue
    plan = create_plan(ssm_incidents, template={"notificationTargets": [{"snsTopicArn": topic}]})
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    received(aws("sqs"), url)
    ssm_incidents.update_incident_record(arn=arn, title="CPU too high")
    assert received(aws("sqs"), url) == []


def test_related_item_changes_notify(ssm_incidents: Any, queue: tuple[str, str]) -> None:
    topic, url = queue
    plan = create_plan(ssm_incidents, template={"notificationTargets": [{"snsTopicArn": topic}]})
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    received(aws("sqs"), url)
    item = {"identifier": {"type": "OTHER", "value": {"url": "https://example.com/runbook"}}, "title": "doc"}
    ssm_incidents.update_related_items(incidentRecordArn=arn, relatedItemsUpdate={"itemToAdd": item})
    (message,) = received(aws("sqs"), url)
    assert message["detail"]["modifiedAttributes"][0]["attributeName"] == "relatedItems"


def test_chat_channel_topics_are_notified(ssm_incidents: Any, queue: tuple[str, str]) -> None:
    topic, url = queue
    plan = create_plan(ssm_incidents, chatChannel={"chatbotSns": [topic]})
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    assert [m["resources"] for m in received(aws("sqs"), url)] == [[arn]]
    ssm_incidents.update_incident_record(arn=arn, chatChannel={"empty": {}})
    ssm_incidents.update_incident_record(arn=arn, status="RESOLVED")
    assert received(aws("sqs"), url) == []  # the channel was removed before resolving


def test_targets_changed_on_the_incident_are_used(ssm_incidents: Any, queue: tuple[str, str]) -> None:
    topic, url = queue
    arn = ssm_incidents.start_incident(responsePlanArn=create_plan(ssm_incidents))["incidentRecordArn"]
    assert received(aws("sqs"), url) == []
    ssm_incidents.update_incident_record(arn=arn, notificationTargets=[{"snsTopicArn": topic}])
    (message,) = received(aws("sqs"), url)
    assert message["detail"]["modifiedAttributes"][0]["attributeName"] == "notificationTargets"


def test_a_missing_topic_never_fails_the_call(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    missing = f"arn:aws:sns:{REGION}:{ACCOUNT}:missing"
    plan = create_plan(ssm_incidents, template={"notificationTargets": [{"snsTopicArn": missing}]})
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    ssm_incidents.update_incident_record(arn=arn, status="RESOLVED")
    sent = mocked_ssm_incidents.notifications()
    assert [(n.topic_arn, n.message_id) for n in sent] == [(missing, None), (missing, None)]
    assert all(n.error and "NotFound" in n.error for n in sent)


def test_topics_of_other_regions_are_reached(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    topic, url = subscribed_queue(aws("sns", "eu-west-1"), aws("sqs", "eu-west-1"), "west")
    plan = create_plan(ssm_incidents, template={"notificationTargets": [{"snsTopicArn": topic}]})
    ssm_incidents.start_incident(responsePlanArn=plan)
    assert len(received(aws("sqs", "eu-west-1"), url)) == 1
    assert [n.message_id is not None for n in mocked_ssm_incidents.notifications()] == [True]


def test_incidents_without_topics_publish_nothing(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    arn = ssm_incidents.start_incident(responsePlanArn=create_plan(ssm_incidents))["incidentRecordArn"]
    ssm_incidents.update_incident_record(arn=arn, status="RESOLVED")
    assert mocked_ssm_incidents.notifications() == []


def test_topics_the_incident_cannot_reach_are_not_published_to(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another partition's topic, a third account's topic and entries that are no topic ARN reach no SNS."""
    china, china_url = subscribed_queue(aws("sns", "cn-north-1"), aws("sqs", "cn-north-1"), "china")
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "444455556666")
    stranger, stranger_url = subscribed_queue(aws("sns"), aws("sqs"), "stranger")
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    junk = ["../0", "", f"arn:aws:sns:{REGION}:../0:x", f"arn:aws:sns:{REGION}:{ACCOUNT}:a/../b"]
    plan = create_plan(
        ssm_incidents,
        template={"notificationTargets": [{"snsTopicArn": china}, {"snsTopicArn": stranger}]},
        chatChannel={"chatbotSns": junk},
    )
    ssm_incidents.start_incident(responsePlanArn=plan)
    assert received(aws("sqs", "cn-north-1"), china_url) == []
    monkeypatch.setenv("MOTO_ACCOUNT_ID", "444455556666")
    assert received(aws("sqs"), stranger_url) == []
    monkeypatch.delenv("MOTO_ACCOUNT_ID")
    sent = {n.topic_arn: n for n in mocked_ssm_incidents.notifications()}
    assert set(sent) == {china, stranger, *junk}
    assert all(n.message_id is None for n in sent.values())
    assert "partition" in (sent[china].error or "") and "444455556666" in (sent[stranger].error or "")
    assert all("Invalid parameter: TopicArn" in (sent[topic].error or "") for topic in junk)
    assert "../0" not in dict.keys(sns_backends)


# --- the logs of what incidents did: bounded, and gone with their incident and with the set ------------


def logging_plan(client: Any, topic: str) -> str:
    """A plan whose incidents notify ``topic`` and engage two contacts (which need not exist)."""
    contacts = [f"arn:aws:ssm-contacts:{REGION}:{ACCOUNT}:contact/{name}" for name in ("oncall", "lead")]
    return create_plan(client, template={"notificationTargets": [{"snsTopicArn": topic}]}, engagements=contacts)


def logged(mock: SSMIncidentsMock) -> tuple[list[str], list[str]]:
    """The incidents of the notifications and of the engagements the mock keeps, oldest first."""
    return (
        [n.incident_record_arn for n in mock.notifications()],
        [e.incident_record_arn for e in mock.engagements()],
    )


def test_the_logs_keep_the_newest_entries_up_to_their_cap(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    backend = mocked_ssm_incidents.backend()
    assert backend.notifications.cap == backend.engagements.cap == 10_000  # docs/behaviour.md
    backend.notifications.cap = backend.engagements.cap = 3
    plan = logging_plan(ssm_incidents, aws("sns").create_topic(Name="t")["TopicArn"])
    arns = [ssm_incidents.start_incident(responsePlanArn=plan, title=f"i{n}")["incidentRecordArn"] for n in range(4)]
    assert logged(mocked_ssm_incidents) == (arns[1:], [arns[2], arns[3], arns[3]])
    ssm_incidents.update_incident_record(arn=arns[0], impact=1)
    assert logged(mocked_ssm_incidents)[0] == [arns[2], arns[3], arns[0]]
    ssm_incidents.delete_incident_record(arn=arns[3])  # half of its engagements were dropped already
    assert logged(mocked_ssm_incidents) == ([arns[2], arns[0]], [arns[2]])


def test_deleting_an_incident_drops_its_entries(ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock) -> None:
    plan = logging_plan(ssm_incidents, aws("sns").create_topic(Name="t")["TopicArn"])
    gone = ssm_incidents.start_incident(responsePlanArn=plan, title="gone")["incidentRecordArn"]
    kept = ssm_incidents.start_incident(responsePlanArn=plan, title="kept")["incidentRecordArn"]
    ssm_incidents.update_incident_record(arn=gone, impact=1)
    ssm_incidents.delete_incident_record(arn=gone)
    assert logged(mocked_ssm_incidents) == ([kept], [kept, kept])


def test_deleting_the_replication_set_drops_every_entry(
    ssm_incidents: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    plan = logging_plan(ssm_incidents, aws("sns").create_topic(Name="t")["TopicArn"])
    ssm_incidents.start_incident(responsePlanArn=plan)
    assert logged(mocked_ssm_incidents) != ([], [])
    ssm_incidents.delete_replication_set(arn=ssm_incidents.list_replication_sets()["replicationSetArns"][0])
    assert logged(mocked_ssm_incidents) == ([], [])
