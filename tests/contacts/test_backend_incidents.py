"""What ssm-incidents calls: engagements of a new incident, their timeline events, deleting the account's data."""

from __future__ import annotations

import json

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts.models import (
    SSMContactsBackend,
    delete_account_data,
    engage_for_incident,
    incident_timeline,
    ssmcontacts_backends,
)
from tests.support import Clock
from tests.support.contacts import REGION, contact_target, onboard, person, personal, stage

INCIDENT = "arn:aws:ssm-incidents::111122223333:incident-record/plan/5ebe9b23-7e8d-4b3c-a6f0-0f8c7e0f1a3a"


def test_an_incident_engages_each_contact_of_its_plan(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    akuam, _ = person(backend, ctx, "akuam", (5, 5))
    missing = f"{backend.arn_prefix}contact/deleted"
    started = engage_for_incident(ctx, INCIDENT, [akuam, missing, akuam, "not-an-arn"], "Latency is up", 2)
    assert [(e.contact_arn, e.engagement_arn.split(":")[-1].split("/")[:2]) for e in started] == [
        (akuam, ["engagement", "akuam"])
    ]
    engagement = backend.describe_engagement(ctx, engagement_id=started[0].engagement_arn)
    assert (engagement.incident_id, engagement.sender, engagement.subject) == (
        INCIDENT,
        "Incident Manager",
        "Latency is up",
    )
    assert INCIDENT in engagement.content
    assert [e.engagement_arn for e in backend.list_engagements(ctx, incident_id=INCIDENT)[0]] == [
        started[0].engagement_arn
    ]
    [event] = started[0].timeline_events
    assert (event["eventType"], event["eventTime"]) == ("SSM Contacts Page for Incident", clock.now)
    assert json.loads(event["eventData"]) == {"contactArn": akuam, "engagementArn": started[0].engagement_arn}


def test_the_timeline_follows_later_stages_and_acknowledgements(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    akuam, _ = person(backend, ctx, "akuam", (5, 5))
    [started] = engage_for_incident(ctx, INCIDENT, [akuam], "Latency is up", 2)
    t0 = clock.now
    clock.advance(6 * 60)
    second_page = backend.list_pages_by_engagement(ctx, engagement_id=started.engagement_arn)[0][1]
    backend.accept_page(ctx, page_id=second_page.page_arn, accept_type="READ", accept_code="123456")
    events = incident_timeline([started.engagement_arn, f"{backend.arn_prefix}engagement/akuam/gone"])
    assert [(e["eventType"], e["eventTime"]) for e in events] == [
        ("SSM Contacts Page for Incident", t0),
        ("SSM Contacts Page for Incident", t0 + 300),
        ("SSM Contacts Page Acknowledgement for Incident", t0 + 360),
    ]
    assert len({e["key"] for e in events}) == 3
    assert [e["key"] for e in incident_timeline([started.engagement_arn])] == [e["key"] for e in events]


def test_another_accounts_contact_is_engaged_only_when_shared(account: str, other_account: str) -> None:
    onboard(account, REGION)
    onboard(other_account, REGION)
    owner = ssmcontacts_backends[other_account][REGION]
    owner_ctx = RequestContext(other_account, REGION)
    shared, private = personal(owner, owner_ctx, "shared"), personal(owner, owner_ctx, "private")
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": account},
        "Action": "ssm-contacts:StartEngagement",
        "Resource": shared,
    }
    owner.put_contact_policy(owner_ctx, contact_arn=shared, policy=json.dumps({"Statement": [statement]}))
    caller = RequestContext.acting_as(account, REGION, f"arn:aws:iam::{account}:role/responder")
    started = engage_for_incident(caller, INCIDENT, [private, shared], "t", 1)
    assert [e.contact_arn for e in started] == [shared]
    assert owner.engagements[started[0].engagement_arn].incident_id == INCIDENT


def test_deleting_the_replication_set_deletes_the_accounts_contacts_data(account: str, ctx: RequestContext) -> None:
    onboard(account, REGION, "us-west-2")
    east, west = ssmcontacts_backends[account][REGION], ssmcontacts_backends[account]["us-west-2"]
    akuam, _ = person(east, ctx, "akuam", (5,))
    personal(west, RequestContext(account, "us-west-2"), "other")
    east.create_contact(ctx, alias="plan", type="ESCALATION", plan={"Stages": [stage(1, contact_target(akuam))]})
    east.start_engagement(ctx, contact_id=akuam, sender="s", subject="s", content="c")
    east.tag_resource(ctx, resource_arn=akuam, tags=[{"Key": "k", "Value": "v"}])
    delete_account_data(account, "aws")
    for backend in (east, west):
        assert (backend.contacts, backend.channels, backend.engagements, backend.pages, backend.tags) == ({},) * 5
    assert personal(east, ctx, "akuam") == akuam
