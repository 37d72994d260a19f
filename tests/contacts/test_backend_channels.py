"""Contact channels: addresses by type, activation, updates, deletion, listing."""

from __future__ import annotations

import pytest

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend
from tests.support.contacts import channel, contact_target, personal, raises, render, stage


def test_a_new_channel_is_sent_a_code_and_activates_with_it(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    contact = personal(backend, ctx, "akuam")
    arn = channel(backend, ctx, contact, activate=False)
    code = backend.activation_code(arn)
    assert code is not None and len(code) == 6 and code.isdigit()
    assert render("GetContactChannel", backend.get_contact_channel(ctx, contact_channel_id=arn)) == {
        "ContactArn": contact,
        "ContactChannelArn": arn,
        "Name": "sms channel",
        "Type": "SMS",
        "DeliveryAddress": {"SimpleAddress": "+15005550199"},
        "ActivationStatus": "NOT_ACTIVATED",
    }
    wrong = "000000" if code != "000000" else "111111"
    raises(
        "ActivateContactChannel",
        "ValidationException",
        lambda: backend.activate_contact_channel(ctx, contact_channel_id=arn, activation_code=wrong),
        "not the one sent",
    )
    backend.activate_contact_channel(ctx, contact_channel_id=arn, activation_code=code)
    assert backend.get_contact_channel(ctx, contact_channel_id=arn).activation_status == "ACTIVATED"
    backend.deactivate_contact_channel(ctx, contact_channel_id=arn)
    assert backend.get_contact_channel(ctx, contact_channel_id=arn).activation_status == "NOT_ACTIVATED"
    backend.activate_contact_channel(ctx, contact_channel_id=arn, activation_code=code)  # reactivation
    assert backend.get_contact_channel(ctx, contact_channel_id=arn).activation_status == "ACTIVATED"


def test_deferred_activation_sends_no_code_until_asked(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    contact = personal(backend, ctx, "akuam")
    arn = backend.create_contact_channel(
        ctx,
        contact_id=contact,
        name="akuas email",
        type="EMAIL",
        delivery_address={"SimpleAddress": "akuam@example.com"},
        defer_activation=True,
    )
    assert backend.activation_code(arn) is None
    raises(
        "ActivateContactChannel",
        "ValidationException",
        lambda: backend.activate_contact_channel(ctx, contact_channel_id=arn, activation_code="123456"),
        "No activation code was sent",
    )
    backend.send_activation_code(ctx, contact_channel_id=arn)
    first = backend.activation_code(arn)
    assert first is not None
    for _ in range(20):  # a resend replaces the code
        backend.send_activation_code(ctx, contact_channel_id=arn)
        if backend.activation_code(arn) != first:
            break
    assert backend.activation_code(arn) != first
    raises(
        "ActivateContactChannel",
        "ValidationException",
        lambda: backend.activate_contact_channel(ctx, contact_channel_id=arn, activation_code=first),
    )


@pytest.mark.parametrize(
    ("channel_type", "address"),
    [("SMS", "15005550199"), ("VOICE", "+0123"), ("SMS", "+1 500 555 0199"), ("EMAIL", "akuam"), ("EMAIL", "a@b")],
)
def test_addresses_must_fit_the_channel_type(
    backend: SSMContactsBackend, ctx: RequestContext, channel_type: str, address: str
) -> None:
    contact = personal(backend, ctx, "akuam")
    error = raises(
        "CreateContactChannel",
        "ValidationException",
        lambda: channel(backend, ctx, contact, channel_type, address),
        address,
    )
    assert error.members["Fields"][0]["Name"] == "DeliveryAddress.SimpleAddress"
    assert backend.channels == {}


def test_channels_belong_to_existing_personal_contacts(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    missing = f"{backend.arn_prefix}contact/nobody"
    raises("CreateContactChannel", "ValidationException", lambda: channel(backend, ctx, missing), "not found")
    person = personal(backend, ctx, "person")
    plan = backend.create_contact(
        ctx, alias="plan", type="ESCALATION", plan={"Stages": [stage(1, contact_target(person))]}
    )
    raises("CreateContactChannel", "ValidationException", lambda: channel(backend, ctx, plan), "Only PERSONAL")


def test_the_same_address_twice_on_one_contact_conflicts(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    contact = personal(backend, ctx, "akuam")
    first = channel(backend, ctx, contact)
    error = raises("CreateContactChannel", "ConflictException", lambda: channel(backend, ctx, contact))
    assert error.members == {"ResourceId": first, "ResourceType": "CONTACT_CHANNEL"}
    voice = channel(backend, ctx, contact, "VOICE")  # another type to the same number is another channel
    other = channel(backend, ctx, contact, "VOICE", "+15005550100")
    raises(
        "UpdateContactChannel",
        "ConflictException",
        lambda: backend.update_contact_channel(
            ctx, contact_channel_id=other, delivery_address={"SimpleAddress": "+15005550199"}
        ),
        voice,
    )
    assert backend.get_contact_channel(ctx, contact_channel_id=other).delivery_address == {
        "SimpleAddress": "+15005550100"
    }


def test_a_new_address_needs_activating_again(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    contact = personal(backend, ctx, "akuam")
    arn = channel(backend, ctx, contact)
    backend.update_contact_channel(ctx, contact_channel_id=arn, name="akuas sms-test")
    found = backend.get_contact_channel(ctx, contact_channel_id=arn)
    assert (found.name, found.activation_status) == ("akuas sms-test", "ACTIVATED")
    backend.update_contact_channel(ctx, contact_channel_id=arn, delivery_address={"SimpleAddress": "+15005550198"})
    found = backend.get_contact_channel(ctx, contact_channel_id=arn)
    assert (found.delivery_address, found.activation_status) == ({"SimpleAddress": "+15005550198"}, "NOT_ACTIVATED")
    assert backend.activation_code(arn) is not None
    raises(
        "UpdateContactChannel",
        "ValidationException",
        lambda: backend.update_contact_channel(ctx, contact_channel_id=arn, delivery_address={"SimpleAddress": "x"}),
    )
    assert backend.get_contact_channel(ctx, contact_channel_id=arn).delivery_address == {
        "SimpleAddress": "+15005550198"
    }


def test_list_and_delete_channels(backend: SSMContactsBackend, ctx: RequestContext) -> None:
    contact = personal(backend, ctx, "akuam")
    arns = [channel(backend, ctx, contact, address=f"+1500555000{i}") for i in range(3)]
    page, token = backend.list_contact_channels(ctx, contact_id=contact, max_results=2)
    rest, end = backend.list_contact_channels(ctx, contact_id=contact, next_token=token)
    assert [c.contact_channel_arn for c in page + rest] == arns and end is None
    assert set(render("ListContactChannels", (page, token))["ContactChannels"][0]) == {
        "ContactArn",
        "ContactChannelArn",
        "Name",
        "Type",
        "DeliveryAddress",
        "ActivationStatus",
    }
    backend.delete_contact_channel(ctx, contact_channel_id=arns[1])
    assert [c.contact_channel_arn for c in backend.list_contact_channels(ctx, contact_id=contact)[0]] == [
        arns[0],
        arns[2],
    ]
    for operation, call in [
        ("GetContactChannel", lambda: backend.get_contact_channel(ctx, contact_channel_id=arns[1])),
        ("DeleteContactChannel", lambda: backend.delete_contact_channel(ctx, contact_channel_id=arns[1])),
        ("SendActivationCode", lambda: backend.send_activation_code(ctx, contact_channel_id=arns[1])),
        ("DeactivateContactChannel", lambda: backend.deactivate_contact_channel(ctx, contact_channel_id=arns[1])),
        ("UpdateContactChannel", lambda: backend.update_contact_channel(ctx, contact_channel_id=arns[1], name="n")),
    ]:
        error = raises(operation, "ResourceNotFoundException", call)
        assert error.members == {"ResourceId": arns[1], "ResourceType": "CONTACT_CHANNEL"}
