"""Engagements and pages on the clock: stages by their durations, acknowledgements, stops, receipts."""

from __future__ import annotations

import re

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts.engagements import MAX_PAGES_PER_ENGAGEMENT
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend
from tests.support import Clock
from tests.support.contacts import (
    channel,
    contact_target,
    person,
    personal,
    raises,
    render,
    rotation,
    stage,
)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
MINUTE = 60.0


def start(backend: SSMContactsBackend, ctx: RequestContext, contact: str, incident: str | None = None) -> str:
    return backend.start_engagement(
        ctx,
        contact_id=contact,
        sender="cli",
        subject="cli-test",
        content="Testing engagements via CLI",
        public_subject="cli-test",
        public_content="Testing engagements va CLI",
        incident_id=incident,
    )


def pages(backend: SSMContactsBackend, ctx: RequestContext, engagement: str) -> list[tuple[str, str, float]]:
    """(paged contact alias, channel ARN, SentTime) of each page sent so far."""
    found, _ = backend.list_pages_by_engagement(ctx, engagement_id=engagement)
    return [(p.contact_arn.rsplit("/", 1)[1], p.contact_channel_arn, p.sent_time) for p in found]


def test_a_personal_plan_pages_stage_by_stage_as_time_passes(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    contact, (first, second, third) = person(backend, ctx, "akuam", (5, 5, 0))
    t0 = clock.now
    engagement = start(backend, ctx, contact)
    assert re.fullmatch(rf"{re.escape(backend.arn_prefix)}engagement/akuam/{UUID}", engagement)
    assert pages(backend, ctx, engagement) == [("akuam", first, t0)]
    clock.advance(5 * MINUTE - 1)
    assert len(pages(backend, ctx, engagement)) == 1
    clock.advance(1)
    assert pages(backend, ctx, engagement)[1:] == [("akuam", second, t0 + 5 * MINUTE)]
    clock.advance(3600)  # reading late: each page keeps the instant its stage came due
    assert pages(backend, ctx, engagement) == [
        ("akuam", first, t0),
        ("akuam", second, t0 + 5 * MINUTE),
        ("akuam", third, t0 + 10 * MINUTE),
    ]
    page = backend.list_pages_by_engagement(ctx, engagement_id=engagement)[0][0]
    assert re.fullmatch(rf"{re.escape(backend.arn_prefix)}page/akuam/{UUID}", page.page_arn)
    assert render("DescribePage", backend.describe_page(ctx, page_id=page.page_arn)) == {
        "PageArn": page.page_arn,
        "EngagementArn": engagement,
        "ContactArn": contact,
        "Sender": "cli",
        "Subject": "cli-test",
        "Content": "Testing engagements via CLI",
        "PublicSubject": "cli-test",
        "PublicContent": "Testing engagements va CLI",
        "SentTime": t0,
    }
    listed = render("ListPagesByEngagement", backend.list_pages_by_engagement(ctx, engagement_id=engagement))
    assert set(listed["Pages"][0]) == {"PageArn", "EngagementArn", "ContactArn", "Sender", "SentTime"}
    assert backend.engagements[engagement].run is None  # nothing more to come: no schedule kept


def test_only_activated_channels_are_paged_as_they_are_when_the_stage_comes_due(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    contact, (first, second) = person(backend, ctx, "akuam", (5, 5))
    t0 = clock.now
    late = start(backend, ctx, contact)
    clock.advance(6 * MINUTE)
    backend.deactivate_contact_channel(ctx, contact_channel_id=second)  # after its stage came due: it was paged
    assert pages(backend, ctx, late) == [("akuam", first, t0), ("akuam", second, t0 + 5 * MINUTE)]

    early = start(backend, ctx, contact)
    clock.advance(4 * MINUTE)
    backend.activate_contact_channel(ctx, contact_channel_id=second, activation_code=backend.activation_code(second))
    backend.delete_contact_channel(ctx, contact_channel_id=second)  # before its stage: skipped
    clock.advance(10 * MINUTE)
    assert pages(backend, ctx, early) == [("akuam", first, t0 + 6 * MINUTE)]


def test_accepting_a_page_records_receipts_and_stops_the_contacts_plan(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    contact, (first, _) = person(backend, ctx, "akuam", (5, 5))
    engagement = start(backend, ctx, contact)
    page = backend.list_pages_by_engagement(ctx, engagement_id=engagement)[0][0]
    code = backend.accept_code(page.page_arn)
    assert code is not None and re.fullmatch(r"\d{6}", code)
    wrong = "999999" if code != "999999" else "000000"
    raises(
        "AcceptPage",
        "ValidationException",
        lambda: backend.accept_page(
            ctx, page_id=page.page_arn, accept_type="READ", accept_code=wrong, accept_code_validation="ENFORCE"
        ),
        "does not match",
    )
    raises(
        "AcceptPage",
        "ValidationException",
        lambda: backend.accept_page(
            ctx, page_id=page.page_arn, accept_type="READ", accept_code=code, contact_channel_id=contact
        ),
    )
    assert page.read_time is None
    clock.advance(2 * MINUTE)
    backend.accept_page(ctx, page_id=page.page_arn, accept_type="READ", accept_code=wrong)  # IGNORE by default
    backend.accept_page(ctx, page_id=page.page_arn, accept_type="READ", accept_code=code)  # a second READ: no change
    clock.advance(30 * MINUTE)
    assert len(pages(backend, ctx, engagement)) == 1
    receipts = render("ListPageReceipts", backend.list_page_receipts(ctx, page_id=page.page_arn))["Receipts"]
    assert [(r["ReceiptType"], r["ContactChannelArn"]) for r in receipts] == [
        ("SENT", first),
        ("DELIVERED", first),
        ("READ", first),
    ]
    assert re.fullmatch(r"SM[0-9a-f]{32}", receipts[0]["ReceiptInfo"])  # the SMS provider's message id
    assert [r["ReceiptInfo"] for r in receipts[1:]] == [wrong, wrong]
    described = render("DescribePage", backend.describe_page(ctx, page_id=page.page_arn))
    assert described["DeliveryTime"] == described["ReadTime"] == receipts[2]["ReceiptTime"]


def test_a_delivered_accept_does_not_stop_escalation(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    contact, _ = person(backend, ctx, "akuam", (5, 5))
    engagement = start(backend, ctx, contact)
    page = backend.list_pages_by_engagement(ctx, engagement_id=engagement)[0][0]
    backend.accept_page(ctx, page_id=page.page_arn, accept_type="DELIVERED", accept_code="123456", note="got it")
    clock.advance(5 * MINUTE)
    assert len(pages(backend, ctx, engagement)) == 2
    assert (page.delivery_time, page.read_time) == (clock.now - 5 * MINUTE, None)
    assert [(r.receipt_type, r.receipt_info) for r in page.receipts][1:] == [("DELIVERED", "got it")]


def test_stop_engagement_stops_paging_and_marks_open_pages(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    contact, _ = person(backend, ctx, "akuam", (5, 5))
    engagement = start(backend, ctx, contact)
    clock.advance(MINUTE)
    backend.stop_engagement(ctx, engagement_id=engagement, reason="resolved")
    stopped_at = clock.now
    clock.advance(MINUTE)
    backend.stop_engagement(ctx, engagement_id=engagement, reason="again")  # a stopped engagement stays as it was
    clock.advance(30 * MINUTE)
    assert len(pages(backend, ctx, engagement)) == 1
    described = render("DescribeEngagement", backend.describe_engagement(ctx, engagement_id=engagement))
    assert described["StopTime"] == stopped_at
    page = backend.list_pages_by_engagement(ctx, engagement_id=engagement)[0][0]
    assert [(r.receipt_type, r.receipt_info, r.receipt_time) for r in page.receipts][1:] == [
        ("STOP", "resolved", stopped_at)
    ]


def test_an_escalation_plan_engages_each_target_through_its_own_plan(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    akuam, (a1, a2) = person(backend, ctx, "akuam", (5, 5))
    alejr, (b1,) = person(backend, ctx, "alejr", (5,))
    plan = {"Stages": [stage(5, contact_target(akuam)), stage(0, contact_target(alejr))]}
    escalation = backend.create_contact(ctx, alias="example_escalation", type="ESCALATION", plan=plan)
    t0 = clock.now
    engagement = start(backend, ctx, escalation)
    assert ":engagement/example_escalation/" in engagement
    clock.advance(5 * MINUTE)
    assert sorted(pages(backend, ctx, engagement)) == sorted(
        [("akuam", a1, t0), ("akuam", a2, t0 + 5 * MINUTE), ("alejr", b1, t0 + 5 * MINUTE)]
    )
    [alejr_page] = backend.list_pages_by_contact(ctx, contact_id=alejr)[0]
    assert (alejr_page.engagement_arn, alejr_page.contact_arn) == (engagement, alejr)
    assert render("ListPageResolutions", backend.list_page_resolutions(ctx, page_id=alejr_page.page_arn)) == {
        "PageResolutions": [
            {"ContactArn": escalation, "Type": "ESCALATION"},
            {"ContactArn": alejr, "Type": "PERSONAL", "StageIndex": 1},
        ]
    }
    assert [e.engagement_arn for e in backend.list_engagements(ctx)[0]] == [engagement]  # no child engagements


def test_only_an_essential_targets_acknowledgement_stops_the_escalation_plan(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    akuam, _ = person(backend, ctx, "akuam", (5, 5))
    alejr, _ = person(backend, ctx, "alejr", (5,))
    anasi, _ = person(backend, ctx, "anasi", (5,))
    for essential, expected in (
        (False, {"akuam", "alejr", "anasi"}),
        (True, {"akuam", "alejr"}),
    ):  # alejr shares the first stage
        plan = {
            "Stages": [
                stage(5, contact_target(akuam, essential), contact_target(alejr)),
                stage(0, contact_target(anasi)),
            ]
        }
        alias = f"plan-{str(essential).lower()}"
        escalation = backend.create_contact(ctx, alias=alias, type="ESCALATION", plan=plan)
        engagement = start(backend, ctx, escalation)
        akuam_page = next(
            p for p in backend.list_pages_by_engagement(ctx, engagement_id=engagement)[0] if p.contact_arn == akuam
        )
        backend.accept_page(ctx, page_id=akuam_page.page_arn, accept_type="READ", accept_code="123456")
        clock.advance(20 * MINUTE)
        paged = pages(backend, ctx, engagement)
        assert {paged_alias for paged_alias, _, _ in paged} == expected
        assert [paged_alias for paged_alias, _, _ in paged].count("akuam") == 1  # akuam's own second stage never came


def test_an_oncall_schedule_pages_who_is_on_call(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    akuam, (a1,) = person(backend, ctx, "akuam", (5,))
    alejr, (b1,) = person(backend, ctx, "alejr", (5,))
    # 09:00 in Los Angeles has been since the rotation started a day ago: the second shift, alejr's
    rotation_arn = rotation(backend, ctx, [akuam, alejr], clock.now - 86_400)
    schedule = backend.create_contact(ctx, alias="oncall", type="ONCALL_SCHEDULE", plan={"RotationIds": [rotation_arn]})
    engagement = start(backend, ctx, schedule)
    assert pages(backend, ctx, engagement) == [("alejr", b1, clock.now)]
    [page] = backend.list_pages_by_engagement(ctx, engagement_id=engagement)[0]
    assert list(page.resolution) == [
        {"ContactArn": schedule, "Type": "ONCALL_SCHEDULE"},
        {"ContactArn": alejr, "Type": "PERSONAL"},
    ]

    backend.create_rotation_override(
        ctx, rotation_id=rotation_arn, new_contact_ids=[akuam], start_time=clock.now, end_time=clock.now + 3600
    )
    overridden = start(backend, ctx, schedule)
    assert pages(backend, ctx, overridden) == [("akuam", a1, clock.now)]


def test_an_essential_oncall_target_acknowledged_stops_the_plan(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    akuam, _ = person(backend, ctx, "akuam", (5,))
    anasi, _ = person(backend, ctx, "anasi", (5,))
    rotation_arn = rotation(backend, ctx, [akuam], clock.now)
    schedule = backend.create_contact(ctx, alias="oncall", type="ONCALL_SCHEDULE", plan={"RotationIds": [rotation_arn]})
    plan = {"Stages": [stage(5, contact_target(schedule, True)), stage(0, contact_target(anasi))]}
    escalation = backend.create_contact(ctx, alias="plan", type="ESCALATION", plan=plan)
    engagement = start(backend, ctx, escalation)
    [page] = backend.list_pages_by_engagement(ctx, engagement_id=engagement)[0]
    assert [n.get("StageIndex") for n in page.resolution] == [None, 0, None]
    backend.accept_page(ctx, page_id=page.page_arn, accept_type="READ", accept_code="123456")
    clock.advance(10 * MINUTE)
    assert [alias for alias, _, _ in pages(backend, ctx, engagement)] == ["akuam"]


def test_a_contact_deleted_mid_plan_is_paged_no_more(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    akuam, _ = person(backend, ctx, "akuam", (5, 5))
    engagement = start(backend, ctx, akuam)
    clock.advance(MINUTE)
    backend.delete_contact(ctx, contact_id=akuam)
    clock.advance(10 * MINUTE)
    assert len(pages(backend, ctx, engagement)) == 1
    assert backend.describe_engagement(ctx, engagement_id=engagement).contact_arn == akuam  # still readable


def test_list_engagements_newest_first_with_filters_and_pages(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    contact = personal(backend, ctx, "akuam")
    incident = "arn:aws:ssm-incidents::111122223333:incident-record/plan/1"
    started = []
    for index in range(4):
        started.append((clock.now, start(backend, ctx, contact, incident if index % 2 else None)))
        clock.advance(60)
    newest_first = [arn for _, arn in reversed(started)]
    assert [e.engagement_arn for e in backend.list_engagements(ctx)[0]] == newest_first
    assert [e.engagement_arn for e in backend.list_engagements(ctx, incident_id=incident)[0]] == newest_first[0::2]
    window = {"StartTime": started[1][0], "EndTime": started[2][0]}
    assert [e.engagement_arn for e in backend.list_engagements(ctx, time_range_value=window)[0]] == [
        started[2][1],
        started[1][1],
    ]
    first, token = backend.list_engagements(ctx, max_results=3)
    rest, end = backend.list_engagements(ctx, max_results=3, next_token=token)
    assert [e.engagement_arn for e in first + rest] == newest_first and end is None
    item = render("ListEngagements", ([first[0]], None))["Engagements"][0]
    assert item == {
        "EngagementArn": newest_first[0],
        "ContactArn": contact,
        "Sender": "cli",
        "IncidentId": incident,
        "StartTime": started[3][0],
    }
    described = render("DescribeEngagement", backend.describe_engagement(ctx, engagement_id=newest_first[1]))
    assert "IncidentId" not in described and "StopTime" not in described
    raises(
        "ListEngagements",
        "ValidationException",
        lambda: backend.list_engagements(ctx, time_range_value={"StartTime": 10.0, "EndTime": 5.0}),
    )


def test_unknown_engagements_and_pages_are_not_found(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    engagement = f"{backend.arn_prefix}engagement/akuam/69e40ce1-8dbb-4d57-8962-5fbe7fc53356"
    page = f"{backend.arn_prefix}page/akuam/94ea0c7b-56d9-46c3-b84a-a37c8b067ad3"
    for operation, call, arn, kind in [
        (
            "DescribeEngagement",
            lambda: backend.describe_engagement(ctx, engagement_id=engagement),
            engagement,
            "ENGAGEMENT",
        ),
        ("StopEngagement", lambda: backend.stop_engagement(ctx, engagement_id=engagement), engagement, "ENGAGEMENT"),
        (
            "ListPagesByEngagement",
            lambda: backend.list_pages_by_engagement(ctx, engagement_id=engagement),
            engagement,
            "ENGAGEMENT",
        ),
        ("DescribePage", lambda: backend.describe_page(ctx, page_id=page), page, "PAGE"),
        ("ListPageReceipts", lambda: backend.list_page_receipts(ctx, page_id=page), page, "PAGE"),
        ("ListPageResolutions", lambda: backend.list_page_resolutions(ctx, page_id=page), page, "PAGE"),
        (
            "AcceptPage",
            lambda: backend.accept_page(ctx, page_id=page, accept_type="READ", accept_code="425440"),
            page,
            "PAGE",
        ),
    ]:
        error = raises(operation, "ResourceNotFoundException", call)
        assert error.members == {"ResourceId": arn, "ResourceType": kind}


def test_an_engagement_sends_a_bounded_number_of_pages(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    people = [person(backend, ctx, f"p{index}", (1,))[0] for index in range(30)]
    plan = {"Stages": [stage(1, *[contact_target(p) for p in people]) for _ in range(40)]}
    escalation = backend.create_contact(ctx, alias="everyone", type="ESCALATION", plan=plan)
    engagement = backend.engage(backend.contacts[escalation], {"sender": "s", "subject": "s", "content": "c"}, None)
    backend.advance(engagement, engagement.start_time + 86_400)
    assert len(engagement.pages) == MAX_PAGES_PER_ENGAGEMENT
    assert engagement.run is None


def test_a_channel_of_a_person_without_plan_stages_is_never_paged(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    contact = personal(backend, ctx, "akuam")
    channel(backend, ctx, contact)
    engagement = start(backend, ctx, contact)
    clock.advance(3600)
    assert pages(backend, ctx, engagement) == []
    assert backend.list_pages_by_contact(ctx, contact_id=contact) == ([], None)


def test_reads_keep_one_schedule_entry_per_running_engagement(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    contact, _ = person(backend, ctx, "akuam", (5, 5, 5))
    running = [start(backend, ctx, contact) for _ in range(3)]
    for _ in range(50):
        for engagement in running:
            backend.describe_engagement(ctx, engagement_id=engagement)
        backend.list_pages_by_contact(ctx, contact_id=contact)
    assert len(backend.due) == 3
    clock.advance(5 * 60)
    backend.list_pages_by_contact(ctx, contact_id=contact)  # fires the second stages, lists the third ones
    assert sorted(when for when, _, _ in backend.due) == [clock.now + 300] * 3


def test_an_escalation_plan_reached_through_another_is_not_engaged(
    backend: SSMContactsBackend, ctx: RequestContext, clock: Clock
) -> None:
    target = personal(backend, ctx, "target")
    outer = backend.create_contact(
        ctx, alias="outer", type="ESCALATION", plan={"Stages": [stage(1, contact_target(target))]}
    )
    backend.delete_contact(ctx, contact_id=target)
    someone, _ = person(backend, ctx, "someone", (5,))
    inner = backend.create_contact(
        ctx, alias="target", type="ESCALATION", plan={"Stages": [stage(1, contact_target(someone))]}
    )
    assert inner == target  # the outer plan's target is now an escalation plan
    engagement = start(backend, ctx, outer)
    clock.advance(3600)
    assert pages(backend, ctx, engagement) == []
    assert len(pages(backend, ctx, start(backend, ctx, inner))) == 1
