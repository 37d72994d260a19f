"""Contacts, escalation plans and on-call schedules: plans by type, aliases, listing, deletion, onboarding."""

from __future__ import annotations

import re

import pytest

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend, ssmcontacts_backends
from tests.support.contacts import (
    REGION,
    channel,
    channel_target,
    contact_target,
    onboard,
    personal,
    raises,
    render,
    rotation,
    stage,
)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def test_create_and_get_a_personal_contact_as_the_cli_shows(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    arn = personal(backend, ctx, "akuam", "Akua Mansa")
    assert arn == f"arn:aws:ssm-contacts:{REGION}:{ctx.account_id}:contact/akuam"
    assert render("GetContact", backend.get_contact(ctx, contact_id=arn)) == {
        "ContactArn": arn,
        "Alias": "akuam",
        "DisplayName": "Akua Mansa",
        "Type": "PERSONAL",
        "Plan": {"Stages": []},
    }


def test_a_personal_plan_targets_its_own_channels_in_order(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    arn = personal(backend, ctx, "akuam")
    first, second = channel(backend, ctx, arn), channel(backend, ctx, arn, "EMAIL", "akuam@example.com")
    plan = {"Stages": [stage(5, channel_target(first)), stage(0, channel_target(second, retry=None))]}
    backend.update_contact(ctx, contact_id=arn, plan=plan)
    assert render("GetContact", backend.get_contact(ctx, contact_id=arn))["Plan"] == plan
    assert re.fullmatch(rf"arn:aws:ssm-contacts:{REGION}:\d{{12}}:contact-channel/akuam/{UUID}", first)


def test_a_personal_plan_cannot_target_another_contacts_channel(
    backend: SSMContactsBackend, ctx: RequestContext
) -> None:
    mine, other = personal(backend, ctx, "mine"), personal(backend, ctx, "other")
    foreign = channel(backend, ctx, other)
    plan = {"Stages": [stage(5, channel_target(foreign))]}
    error = raises(
        "UpdateContact",
        "ValidationException",
        lambda: backend.update_contact(ctx, contact_id=mine, plan=plan),
        "Invalid value provided - ",
        "not a channel of this contact",
    )
    assert error.members["Reason"] == "FIELD_VALIDATION_FAILED"
    assert error.members["Fields"] == [
        {
            "Name": "Plan.Stages.1.member.Targets.1.member.ChannelTargetInfo.ContactChannelId",
            "Message": f"Contact channel {foreign} is not a channel of this contact.",
        }
    ]
    assert backend.get_contact(ctx, contact_id=mine).plan == {"Stages": []}


def test_create_contact_with_a_channel_target_is_refused_before_any_channel_exists(
    backend: SSMContactsBackend, ctx: RequestContext
) -> None:
    plan = {"Stages": [stage(5, channel_target(f"{backend.arn_prefix}contact-channel/new/x"))]}
    raises(
        "CreateContact",
        "ValidationException",
        lambda: backend.create_contact(ctx, alias="new", type="PERSONAL", plan=plan),
        "not a channel",
    )
    assert backend.contacts == {}


def test_an_escalation_plan_targets_contacts_and_schedules_but_no_escalation_plan(
    backend: SSMContactsBackend, ctx: RequestContext
) -> None:
    akuam, alejr = personal(backend, ctx, "akuam"), personal(backend, ctx, "alejr")
    plan = {"Stages": [stage(5, contact_target(akuam, True)), stage(0, contact_target(alejr))]}
    escalation = backend.create_contact(ctx, alias="example_escalation", type="ESCALATION", plan=plan)
    assert render("GetContact", backend.get_contact(ctx, contact_id=escalation))["Plan"] == plan

    nested = {"Stages": [stage(5, contact_target(escalation))]}
    raises(
        "CreateContact",
        "ValidationException",
        lambda: backend.create_contact(ctx, alias="nested", type="ESCALATION", plan=nested),
        "cannot target the escalation plan",
    )
    missing = {"Stages": [stage(5, contact_target(f"{backend.arn_prefix}contact/nobody"))]}
    raises(
        "CreateContact",
        "ValidationException",
        lambda: backend.create_contact(ctx, alias="lost", type="ESCALATION", plan=missing),
        "contact/nobody not found",
    )


@pytest.mark.parametrize(
    ("contact_type", "target"),
    [("ESCALATION", "channel"), ("PERSONAL", "contact"), ("PERSONAL", "both"), ("ESCALATION", "neither")],
)
def test_targets_must_fit_the_contact_type(
    backend: SSMContactsBackend, ctx: RequestContext, contact_type: str, target: str
) -> None:
    person = personal(backend, ctx, "person")
    own = channel(backend, ctx, person)
    targets = {
        "channel": channel_target(own),
        "contact": contact_target(person),
        "both": {**channel_target(own), **contact_target(person)},
        "neither": {},
    }
    plan = {"Stages": [stage(5, targets[target])]}
    if contact_type == "PERSONAL":
        call = lambda: backend.update_contact(ctx, contact_id=person, plan=plan)  # noqa: E731
        operation = "UpdateContact"
    else:
        call = lambda: backend.create_contact(ctx, alias="plan", type=contact_type, plan=plan)  # noqa: E731
        operation = "CreateContact"
    raises(operation, "ValidationException", call, "Invalid value provided - ")


def test_a_zero_minute_stage_needs_a_target(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    error = raises(
        "CreateContact",
        "ValidationException",
        lambda: backend.create_contact(ctx, alias="a", type="PERSONAL", plan={"Stages": [stage(0)]}),
        "The duration can only be set to 0 if a target is specified.",
    )
    assert error.members["Fields"][0]["Name"] == "Plan.Stages.1.member.DurationInMinutes"
    arn = backend.create_contact(ctx, alias="b", type="PERSONAL", plan={"Stages": [stage(1)]})  # TF's plan test
    assert backend.get_contact(ctx, contact_id=arn).plan == {"Stages": [{"DurationInMinutes": 1, "Targets": []}]}


def test_an_oncall_schedule_holds_rotations_only(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    member = personal(backend, ctx, "member")
    first, second = rotation(backend, ctx, [member], 0.0), rotation(backend, ctx, [member], 0.0)
    raises(
        "CreateContact",
        "ValidationException",
        lambda: backend.create_contact(ctx, alias="oncall", type="ONCALL_SCHEDULE", plan={"Stages": []}),
        "Invalid value provided - ONCALL SCHEDULE contact cannot have stages in plan",
    )
    raises(
        "CreateContact",
        "ValidationException",
        lambda: backend.create_contact(ctx, alias="oncall", type="ONCALL_SCHEDULE", plan={"RotationIds": []}),
        "at least one rotation",
    )
    schedule = backend.create_contact(ctx, alias="oncall", type="ONCALL_SCHEDULE", plan={"RotationIds": [first]})
    backend.update_contact(ctx, contact_id=schedule, plan={"RotationIds": [first, second]})
    assert render("GetContact", backend.get_contact(ctx, contact_id=schedule))["Plan"] == {
        "RotationIds": [first, second]
    }
    raises(
        "UpdateContact",
        "ValidationException",
        lambda: backend.update_contact(ctx, contact_id=member, plan={"Stages": [], "RotationIds": [first]}),
        "PERSONAL contact cannot have rotations in plan",
    )
    raises(
        "CreateContact",
        "ValidationException",
        lambda: backend.create_contact(ctx, alias="x", type="ONCALL_SCHEDULE", plan={"RotationIds": [first, first]}),
        "more than once",
    )


def test_plan_sizes_have_quotas(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    person = personal(backend, ctx, "person")
    many_stages = {"Stages": [stage(1) for _ in range(101)]}
    error = raises(
        "CreateContact",
        "ServiceQuotaExceededException",
        lambda: backend.create_contact(ctx, alias="big", type="PERSONAL", plan=many_stages),
        "at most 100 stages",
    )
    assert error.members["ServiceCode"] == "ssm-contacts"
    crowded = {"Stages": [stage(1, *[contact_target(person)] * 31)]}
    raises(
        "CreateContact",
        "ServiceQuotaExceededException",
        lambda: backend.create_contact(ctx, alias="crowd", type="ESCALATION", plan=crowded),
        "at most 30 targets",
    )
    rotations = [rotation(backend, ctx, [person], 0.0) for _ in range(9)]
    raises(
        "CreateContact",
        "ServiceQuotaExceededException",
        lambda: backend.create_contact(ctx, alias="s", type="ONCALL_SCHEDULE", plan={"RotationIds": rotations}),
        "at most 8 rotations",
    )


def test_aliases_are_unique_per_account_and_region(account: str, ctx: RequestContext) -> None:
    onboard(account, REGION, "us-west-2")
    backend = ssmcontacts_backends[account][REGION]
    arn = personal(backend, ctx, "akuam")
    error = raises(
        "CreateContact",
        "ConflictException",
        lambda: backend.create_contact(ctx, alias="akuam", type="ESCALATION", plan={"Stages": []}),
        "akuam already exists",
    )
    assert error.members == {"ResourceId": arn, "ResourceType": "CONTACT"}
    west = RequestContext(account, "us-west-2")
    assert personal(ssmcontacts_backends[account]["us-west-2"], west, "akuam") == arn.replace(REGION, "us-west-2")


def test_update_contact_is_partial(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    arn = personal(backend, ctx, "akuam", "Akua Mansa")
    backend.update_contact(ctx, contact_id=arn, plan={"Stages": [stage(3)]})
    assert backend.get_contact(ctx, contact_id=arn).display_name == "Akua Mansa"
    backend.update_contact(ctx, contact_id=arn, display_name="Akua M")
    contact = backend.get_contact(ctx, contact_id=arn)
    assert (contact.display_name, contact.plan) == ("Akua M", {"Stages": [{"DurationInMinutes": 3, "Targets": []}]})
    backend.update_contact(ctx, contact_id=arn, display_name="")  # Terraform sends "" for no name
    assert "DisplayName" not in render("GetContact", backend.get_contact(ctx, contact_id=arn))


def test_unknown_contacts_are_not_found(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    missing = f"{backend.arn_prefix}contact/nobody"
    for operation, call in [
        ("GetContact", lambda: backend.get_contact(ctx, contact_id=missing)),
        ("UpdateContact", lambda: backend.update_contact(ctx, contact_id=missing, display_name="x")),
        ("DeleteContact", lambda: backend.delete_contact(ctx, contact_id=missing)),
        ("ListContactChannels", lambda: backend.list_contact_channels(ctx, contact_id=missing)),
        ("StartEngagement", lambda: backend.start_engagement(ctx, missing, "s", "subject", "content")),
        ("ListPagesByContact", lambda: backend.list_pages_by_contact(ctx, contact_id=missing)),
        ("PutContactPolicy", lambda: backend.put_contact_policy(ctx, contact_arn=missing, policy="{}")),
        ("GetContactPolicy", lambda: backend.get_contact_policy(ctx, contact_arn=missing)),
    ]:
        error = raises(operation, "ResourceNotFoundException", call, missing)
        assert error.members == {"ResourceId": missing, "ResourceType": "CONTACT"}


def test_list_contacts_in_alias_order_with_filters_and_pages(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    for alias in ("anasi", "akuam", "alejr"):
        personal(backend, ctx, alias)
    akuam = f"{backend.arn_prefix}contact/akuam"
    backend.create_contact(
        ctx, alias="example_escalation", type="ESCALATION", plan={"Stages": [stage(5, contact_target(akuam))]}
    )
    items, token = backend.list_contacts(ctx)
    assert [c["Alias"] for c in render("ListContacts", (items, token))["Contacts"]] == [
        "akuam",
        "alejr",
        "anasi",
        "example_escalation",
    ]
    assert set(render("ListContacts", (items, None))["Contacts"][0]) == {"ContactArn", "Alias", "Type"}
    assert [c.alias for c in backend.list_contacts(ctx, alias_prefix="a")[0]] == ["akuam", "alejr", "anasi"]
    assert [c.alias for c in backend.list_contacts(ctx, type="ESCALATION")[0]] == ["example_escalation"]

    first, token = backend.list_contacts(ctx, max_results=3)
    assert [c.alias for c in first] == ["akuam", "alejr", "anasi"] and token
    personal(backend, ctx, "aaron")  # sorts before the position: not returned twice, not shifting the rest
    rest, end = backend.list_contacts(ctx, max_results=3, next_token=token)
    assert [c.alias for c in rest] == ["example_escalation"] and end is None
    raises(
        "ListContacts",
        "ValidationException",
        lambda: backend.list_contacts(ctx, max_results=3, next_token=token, type="PERSONAL"),
    )


def test_delete_contact_takes_channels_and_tags_but_not_plans_naming_it(
    backend: SSMContactsBackend, ctx: RequestContext
) -> None:
    person = personal(backend, ctx, "person")
    own = channel(backend, ctx, person)
    backend.tag_resource(ctx, resource_arn=person, tags=[{"Key": "team", "Value": "a"}])
    escalation = backend.create_contact(
        ctx, alias="plan", type="ESCALATION", plan={"Stages": [stage(5, contact_target(person))]}
    )
    backend.delete_contact(ctx, contact_id=person)
    raises("GetContactChannel", "ResourceNotFoundException", lambda: backend.get_contact_channel(ctx, own))
    assert backend.get_contact(ctx, contact_id=escalation).stages[0]["Targets"] == [contact_target(person)]
    assert personal(backend, ctx, "person") == person
    assert backend.list_tags_for_resource(ctx, resource_arn=person) == []
    assert backend.list_contact_channels(ctx, contact_id=person) == ([], None)


def test_a_rotation_member_cannot_be_deleted(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    member = personal(backend, ctx, "member")
    rotation_arn = rotation(backend, ctx, [member], 0.0)
    error = raises("DeleteContact", "ConflictException", lambda: backend.delete_contact(ctx, contact_id=member))
    assert error.members["DependentEntities"] == [
        {"RelationType": "ROTATION_MEMBER", "DependentResourceIds": [rotation_arn]}
    ]
    assert render("DeleteContact", None) == {}
    backend.delete_rotation(ctx, rotation_id=rotation_arn)
    backend.delete_contact(ctx, contact_id=member)
    assert member not in backend.contacts


def test_without_a_replication_set_calls_fail_as_aws_says_and_list_contacts_is_empty(
    account: str, ctx: RequestContext
) -> None:
    backend = ssmcontacts_backends[account][REGION]
    raises(
        "CreateContact",
        "ValidationException",
        lambda: personal(backend, ctx, "akuam"),
        "Invalid value provided - Account not found for the request",
    )
    raises("ListRotations", "ValidationException", lambda: backend.list_rotations(ctx), "Account not found")
    assert backend.list_contacts(ctx) == ([], None)


def test_the_replication_set_must_cover_the_region(account: str, ctx: RequestContext) -> None:
    onboard(account, "us-east-1")
    backend = ssmcontacts_backends[account][REGION]
    raises("CreateContact", "ValidationException", lambda: personal(backend, ctx, "a"), "Account not found")
    east = RequestContext(account, "us-east-1")
    assert personal(ssmcontacts_backends[account]["us-east-1"], east, "a").endswith(":contact/a")


def test_lenient_mode_serves_an_account_without_a_replication_set(
    account: str, ctx: RequestContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSM_INCIDENTS_MOCK_STRICT", "false")
    backend = ssmcontacts_backends[account][REGION]
    assert personal(backend, ctx, "akuam").endswith(":contact/akuam")
