"""ssm-contacts' IdempotencyToken through real boto3 clients: a retried create or start answers the first
call's result and makes nothing new; the same token with other input is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import mock_incident_manager

REGION = "us-east-1"
START = dt.datetime(2030, 1, 7, 9, tzinfo=dt.timezone.utc)
RECURRENCE = {"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1, "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}]}


@pytest.fixture
def contacts() -> Iterator[Any]:
    with mock_incident_manager():
        boto3.client("ssm-incidents", region_name=REGION).create_replication_set(regions={REGION: {}})
        yield boto3.client("ssm-contacts", region_name=REGION)


def _contact(contacts: Any, alias: str = "akua") -> str:
    return str(contacts.create_contact(Alias=alias, Type="PERSONAL", Plan={"Stages": []})["ContactArn"])


def _rotation(contacts: Any, **extra: Any) -> dict[str, Any]:
    member = _contact(contacts)
    return dict(Name="daily", ContactIds=[member], StartTime=START, TimeZoneId="UTC", Recurrence=RECURRENCE, **extra)


# (operation, the arguments of a first call, the same call with one input changed, its listing)
Case = tuple[str, Callable[[Any], dict[str, Any]], Callable[[dict[str, Any]], dict[str, Any]], Callable[[Any], int]]


def _engagements(contacts: Any) -> int:
    return len(contacts.list_engagements()["Engagements"])


def _channels(contacts: Any) -> int:
    return len(
        contacts.list_contact_channels(ContactId=contacts.list_contacts()["Contacts"][0]["ContactArn"])[
            "ContactChannels"
        ]
    )


def _overrides(contacts: Any) -> int:
    rotation = contacts.list_rotations()["Rotations"][0]["RotationArn"]
    window = {"StartTime": START, "EndTime": START + dt.timedelta(days=30)}
    return len(contacts.list_rotation_overrides(RotationId=rotation, **window)["RotationOverrides"])


def _override_args(contacts: Any) -> dict[str, Any]:
    rotation = contacts.create_rotation(**_rotation(contacts))["RotationArn"]
    member = contacts.list_contacts()["Contacts"][0]["ContactArn"]
    later = START + dt.timedelta(days=2)
    return dict(RotationId=rotation, NewContactIds=[member], StartTime=later, EndTime=later + dt.timedelta(hours=2))


CASES: dict[str, Case] = {
    "CreateContact": (
        "create_contact",
        lambda c: dict(Alias="akua", Type="PERSONAL", Plan={"Stages": []}),
        lambda args: {**args, "Alias": "kwame"},
        lambda c: len(c.list_contacts()["Contacts"]),
    ),
    "CreateContactChannel": (
        "create_contact_channel",
        lambda c: dict(
            ContactId=_contact(c), Name="mail", Type="EMAIL", DeliveryAddress={"SimpleAddress": "a@example.com"}
        ),
        lambda args: {**args, "Name": "other", "DeliveryAddress": {"SimpleAddress": "b@example.com"}},
        _channels,
    ),
    "StartEngagement": (
        "start_engagement",
        lambda c: dict(ContactId=_contact(c), Sender="bot", Subject="db down", Content="payments failing"),
        lambda args: {**args, "Subject": "db still down"},
        _engagements,
    ),
    "CreateRotation": (
        "create_rotation",
        _rotation,
        lambda args: {**args, "Name": "weekly"},
        lambda c: len(c.list_rotations()["Rotations"]),
    ),
    "CreateRotationOverride": (
        "create_rotation_override",
        _override_args,
        lambda args: {**args, "EndTime": args["EndTime"] + dt.timedelta(hours=1)},
        _overrides,
    ),
}


def _first_call(contacts: Any, operation: str, token: str) -> tuple[Any, dict[str, Any], Any]:
    """Make what ``operation`` needs, call it once with ``token``; its method, arguments and answer."""
    method, arguments, _, _ = CASES[operation]
    args = arguments(contacts)
    call = getattr(contacts, method)
    return call, args, call(IdempotencyToken=token, **args)


@pytest.mark.parametrize("operation", sorted(CASES))
def test_a_retry_with_the_same_token_answers_the_first_result_and_makes_nothing_new(
    contacts: Any, operation: str
) -> None:
    call, args, first = _first_call(contacts, operation, "retry-1")
    count = CASES[operation][3]
    before = count(contacts)
    again = call(IdempotencyToken="retry-1", **args)
    first.pop("ResponseMetadata"), again.pop("ResponseMetadata")
    assert again == first
    assert count(contacts) == before == 1


# ConflictException where the operation models it, else ValidationException
CONFLICT_MODELED = {"CreateContact", "CreateContactChannel"}


@pytest.mark.parametrize("operation", sorted(CASES))
def test_the_same_token_with_other_input_is_refused_and_changes_nothing(contacts: Any, operation: str) -> None:
    call, args, _ = _first_call(contacts, operation, "once")
    with pytest.raises(ClientError) as caught:
        call(IdempotencyToken="once", **CASES[operation][2](args))
    error = caught.value.response["Error"]
    expected = "ConflictException" if operation in CONFLICT_MODELED else "ValidationException"
    message = "The IdempotencyToken once was already used with different parameters."
    assert (error["Code"], error["Message"]) == (expected, message)
    assert CASES[operation][3](contacts) == 1


@pytest.mark.parametrize(
    ("operation", "resource_type"), [("CreateContact", "CONTACT"), ("CreateContactChannel", "CONTACT_CHANNEL")]
)
def test_the_conflict_names_the_resource_the_token_made(contacts: Any, operation: str, resource_type: str) -> None:
    """ssm-contacts' ConflictException requires ResourceId and ResourceType: the token's first resource."""
    call, args, first = _first_call(contacts, operation, "once")
    with pytest.raises(ClientError) as caught:
        call(IdempotencyToken="once", **CASES[operation][2](args))
    created = first["ContactArn" if operation == "CreateContact" else "ContactChannelArn"]
    assert (caught.value.response["ResourceId"], caught.value.response["ResourceType"]) == (created, resource_type)


@pytest.mark.parametrize("operation", sorted(CASES))
def test_another_token_makes_another_resource(contacts: Any, operation: str) -> None:
    call, args, _ = _first_call(contacts, operation, "first")
    call(IdempotencyToken="second", **CASES[operation][2](args))
    assert CASES[operation][3](contacts) == 2
