"""Helpers of the ssm-contacts backend tests: rendering through the model, modeled errors, onboarding,
a stand-in shift engine and builders of contacts and channels."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import botocore.session
import pytest

from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.core.exceptions import ServiceError
from ssm_incidents_mock.core.wire.render import OutputCompiler
from ssm_incidents_mock.ssm_incidents import models as incident_models

REGION = "us-east-2"
_MODEL = botocore.session.get_session().get_service_model("ssm-contacts")
_PAGINATORS = botocore.session.get_session().get_paginator_model("ssm-contacts")
_OUTPUTS = OutputCompiler()


def render(operation: str, result: Any) -> dict[str, Any]:
    """The backend's result as the JSON output of ``operation`` (the model's output shape)."""
    shape = _MODEL.operation_model(operation).output_shape
    assert shape is not None
    members = list(shape.members)
    if not members:
        assert result is None
        return {}
    try:
        result_key = _PAGINATORS.get_paginator(operation)["result_key"]
    except ValueError:
        result_key = None
    if result_key is not None:
        items, token = result
        value: Any = {result_key: items, "NextToken": token}
    elif len(members) == 1:
        value = {members[0]: result}
    else:
        value = result
    rendered: dict[str, Any] = _OUTPUTS.compile(shape)(value)  # type: ignore[misc]
    return rendered


def modeled(error: ServiceError, operation: str) -> ServiceError:
    """Fail unless ``operation`` models the error (an unmodeled one would reach callers as a 500)."""
    errors = {shape.name for shape in _MODEL.operation_model(operation).error_shapes}
    assert error.code in errors, (error.code, operation)
    shape = _MODEL.shape_for(error.code)
    assert set(error.members) <= set(shape.members), error.members  # type: ignore[attr-defined]
    for required in shape.required_members:  # type: ignore[attr-defined]
        assert required == "Message" or required in error.members, (required, error.members)
    return error


def raises(operation: str, code: str, call: Any, *fragments: str) -> ServiceError:
    """Call, expect the error ``code``, modeled for ``operation``, with each fragment in its message."""
    with pytest.raises(ServiceError) as info:
        call()
    error = modeled(info.value, operation)
    assert error.code == code, (error.code, error.message)
    for fragment in fragments:
        assert fragment in error.message, (fragment, error.message)
    return error


def onboard(account_id: str, *regions: str) -> str:
    """Create the account's replication set (ssm-incidents) for ``regions``."""
    backend = incident_models.ssmincidents_backends[account_id]["aws"]
    ctx = RequestContext(account_id, regions[0])
    return backend.create_replication_set(ctx, {region: {} for region in regions})


class FakeShifts:
    """A stand-in for the shift engine: shifts of ``RecurrenceMultiplier`` days from the start time,
    ``NumberOfOnCalls`` members each in turn, clipped to the window; an override replaces the members of
    the part of a shift it covers. It records the calls it gets."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.problems: list[str] = []

    def rotation_shifts(self, **call: Any) -> list[dict[str, Any]]:
        self.calls.append(call)
        contact_ids, start = call["contact_ids"], call["start_time"]
        low, high = call["window_start"], call["window_end"]
        recurrence = call["recurrence"]
        length = 86_400.0 * recurrence["RecurrenceMultiplier"]
        on_calls = recurrence["NumberOfOnCalls"]
        shifts: list[dict[str, Any]] = []
        index = max(0, math.floor((low - start) / length))
        while start + index * length < high:
            begin, end = start + index * length, start + (index + 1) * length
            if end > low:
                members = [contact_ids[(index * on_calls + j) % len(contact_ids)] for j in range(on_calls)]
                shifts.extend(_split(max(begin, low), min(end, high), list(dict.fromkeys(members)), call["overrides"]))
            index += 1
        return shifts

    def on_call_now(self, *, at: float, **call: Any) -> list[str]:
        shifts = self.rotation_shifts(**call, window_start=at, window_end=at + 1.0)
        return next((list(s["ContactIds"]) for s in shifts if s["StartTime"] <= at < s["EndTime"]), [])

    def validate_recurrence(self, recurrence: Mapping[str, Any]) -> list[str]:
        self.calls.append({"recurrence": recurrence})
        return list(self.problems)


def _split(
    begin: float, end: float, members: list[str], overrides: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    for override in overrides:
        o_start, o_end = max(begin, override["StartTime"]), min(end, override["EndTime"])
        if o_start < o_end:
            pieces = _split(begin, o_start, members, ()) if begin < o_start else []
            pieces.append(
                {
                    "ContactIds": list(override["NewContactIds"]),
                    "StartTime": o_start,
                    "EndTime": o_end,
                    "Type": "OVERRIDDEN",
                    "ShiftDetails": {"OverriddenContactIds": members},
                }
            )
            if o_end < end:
                pieces += _split(o_end, end, members, overrides)
            return pieces
    return [{"ContactIds": members, "StartTime": begin, "EndTime": end, "Type": "REGULAR"}]


# --- builders ----------------------------------------------------------------------------------


def channel_target(channel_arn: str, retry: int | None = 1) -> dict[str, Any]:
    info: dict[str, Any] = {"ContactChannelId": channel_arn}
    if retry is not None:
        info["RetryIntervalInMinutes"] = retry
    return {"ChannelTargetInfo": info}


def contact_target(contact_arn: str, essential: bool = False) -> dict[str, Any]:
    return {"ContactTargetInfo": {"ContactId": contact_arn, "IsEssential": essential}}


def stage(minutes: int, *targets: dict[str, Any]) -> dict[str, Any]:
    return {"DurationInMinutes": minutes, "Targets": list(targets)}


def daily(multiplier: int = 1, on_calls: int = 1) -> dict[str, Any]:
    return {
        "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}],
        "NumberOfOnCalls": on_calls,
        "RecurrenceMultiplier": multiplier,
    }


def personal(backend: Any, ctx: RequestContext, alias: str, display_name: str | None = None) -> str:
    """A PERSONAL contact with an empty plan (as the CLI example creates one)."""
    return str(
        backend.create_contact(ctx, alias=alias, type="PERSONAL", plan={"Stages": []}, display_name=display_name)
    )


def channel(
    backend: Any,
    ctx: RequestContext,
    contact_arn: str,
    channel_type: str = "SMS",
    address: str = "+15005550199",
    activate: bool = True,
) -> str:
    """A channel of the contact, activated with the code it was sent unless ``activate`` is False."""
    arn = str(
        backend.create_contact_channel(
            ctx,
            contact_id=contact_arn,
            name=f"{channel_type.lower()} channel",
            type=channel_type,
            delivery_address={"SimpleAddress": address},
        )
    )
    if activate:
        backend.activate_contact_channel(ctx, contact_channel_id=arn, activation_code=backend.activation_code(arn))
    return arn


def person(backend: Any, ctx: RequestContext, alias: str, minutes: tuple[int, ...] = (5,)) -> tuple[str, list[str]]:
    """A PERSONAL contact with one activated SMS channel per stage, stage ``i`` lasting ``minutes[i]``."""
    contact_arn = personal(backend, ctx, alias)
    channels = [channel(backend, ctx, contact_arn, address=f"+1500555{index:04d}") for index in range(len(minutes))]
    stages = [stage(m, channel_target(c)) for m, c in zip(minutes, channels, strict=True)]
    backend.update_contact(ctx, contact_id=contact_arn, plan={"Stages": stages})
    return contact_arn, channels


def rotation(backend: Any, ctx: RequestContext, members: list[str], start: float, **recurrence: int) -> str:
    return str(
        backend.create_rotation(
            ctx,
            name="primary",
            contact_ids=members,
            time_zone_id="America/Los_Angeles",
            recurrence=daily(**recurrence),
            start_time=start,
        )
    )


def seed_through(c: Any, alias: str, start: Any) -> tuple[str, str, str]:
    """Through an ``ssm-contacts`` client: a PERSONAL contact paged on an activated SMS channel in its
    one stage, and a daily rotation of it from ``start``. Returns the contact, channel and rotation ARNs."""
    from ssm_incidents_mock.ssm_contacts.models import ssmcontacts_backends

    backend = ssmcontacts_backends["123456789012"][c.meta.region_name]
    contact = c.create_contact(Alias=alias, Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    phone = c.create_contact_channel(
        ContactId=contact, Name="phone", Type="SMS", DeliveryAddress={"SimpleAddress": "+15005550199"}
    )["ContactChannelArn"]
    c.activate_contact_channel(ContactChannelId=phone, ActivationCode=backend.activation_code(phone))
    c.update_contact(ContactId=contact, Plan={"Stages": [stage(5, channel_target(phone))]})
    rotation = c.create_rotation(
        Name=alias, ContactIds=[contact], TimeZoneId="UTC", Recurrence=daily(), StartTime=start
    )["RotationArn"]
    return contact, phone, rotation
