"""Rotations and their shifts through real boto3 clients: timestamps on the wire, paginators, overrides,
the model's bounds, hostile sizes, and on-call schedules paging whoever is on call when their stage fires."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
import time_machine
from botocore.exceptions import ClientError

from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.ssm_contacts import rotations
from ssm_incidents_mock.ssm_contacts.models import ssmcontacts_backends

REGION = "us-east-1"
ACCOUNT = "123456789012"
UTC = timezone.utc
MONDAY = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)  # a Monday, at the rotations' 09:00 UTC hand-off
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)  # the last instant the model's checks let through
HORIZON = datetime(9999, 12, 30, tzinfo=UTC)
DAILY = {"DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}], "NumberOfOnCalls": 1, "RecurrenceMultiplier": 1}


@pytest.fixture
def contacts() -> Iterator[Any]:
    with mock_ssm_incidents():
        boto3.client("ssm-incidents", region_name=REGION).create_replication_set(regions={REGION: {}})
        yield boto3.client("ssm-contacts", region_name=REGION)


def person(contacts: Any, alias: str, channel: bool = False) -> str:
    arn: str = contacts.create_contact(Alias=alias, Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    if channel:
        phone = contacts.create_contact_channel(
            ContactId=arn, Name="phone", Type="SMS", DeliveryAddress={"SimpleAddress": "+15005550199"}
        )["ContactChannelArn"]
        code = ssmcontacts_backends[ACCOUNT][REGION].activation_code(phone)
        contacts.activate_contact_channel(ContactChannelId=phone, ActivationCode=code)
        stage = {"DurationInMinutes": 5, "Targets": [{"ChannelTargetInfo": {"ContactChannelId": phone}}]}
        contacts.update_contact(ContactId=arn, Plan={"Stages": [stage]})
    return arn


def create_rotation(contacts: Any, members: list[str], recurrence: dict[str, Any] = DAILY) -> str:
    arn: str = contacts.create_rotation(
        Name="primary", ContactIds=members, TimeZoneId="UTC", Recurrence=recurrence, StartTime=MONDAY
    )["RotationArn"]
    return arn


def code_of(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_shifts_travel_as_timestamps_and_page_through_the_paginator(contacts: Any) -> None:
    team = [person(contacts, alias) for alias in ("akuam", "alejr", "anasi")]
    rotation = create_rotation(contacts, team)
    end = MONDAY + timedelta(days=7)
    shifts = contacts.list_rotation_shifts(RotationId=rotation, StartTime=MONDAY, EndTime=end)["RotationShifts"]
    assert [(s["StartTime"], s["EndTime"], s["ContactIds"], s["Type"]) for s in shifts[:2]] == [
        (MONDAY, MONDAY + timedelta(days=1), [team[0]], "REGULAR"),
        (MONDAY + timedelta(days=1), MONDAY + timedelta(days=2), [team[1]], "REGULAR"),
    ]
    assert [s["ContactIds"][0] for s in shifts] == [team[i % 3] for i in range(7)]
    pages = contacts.get_paginator("list_rotation_shifts").paginate(
        RotationId=rotation, StartTime=MONDAY, EndTime=end, PaginationConfig={"PageSize": 2}
    )
    listed = [page["RotationShifts"] for page in pages]
    assert [len(page) for page in listed] == [2, 2, 2, 1]
    assert [shift for page in listed for shift in page] == shifts


OVERRIDE_HOURS = (MONDAY + timedelta(hours=3), MONDAY + timedelta(hours=5))


def rotation_with_override(contacts: Any) -> tuple[list[str], str, str, str]:
    """A daily rotation of two whose first shift a third person takes over for OVERRIDE_HOURS: the team,
    the stand-in, the rotation's ARN and the override's id."""
    team = [person(contacts, alias) for alias in ("akuam", "alejr")]
    stand_in = person(contacts, "anasi")
    rotation = create_rotation(contacts, team)
    start, end = OVERRIDE_HOURS
    override = contacts.create_rotation_override(
        RotationId=rotation, NewContactIds=[stand_in], StartTime=start, EndTime=end
    )["RotationOverrideId"]
    return team, stand_in, rotation, override


def test_an_override_shows_as_an_overridden_shift(contacts: Any) -> None:
    team, stand_in, rotation, override = rotation_with_override(contacts)
    start, end = OVERRIDE_HOURS
    shifts = contacts.list_rotation_shifts(RotationId=rotation, StartTime=MONDAY, EndTime=MONDAY + timedelta(days=1))
    assert shifts["RotationShifts"] == [
        {"ContactIds": [team[0]], "StartTime": MONDAY, "EndTime": start, "Type": "REGULAR"},
        {
            "ContactIds": [stand_in],
            "StartTime": start,
            "EndTime": end,
            "Type": "OVERRIDDEN",
            "ShiftDetails": {"OverriddenContactIds": [team[0]]},
        },
        {"ContactIds": [team[0]], "StartTime": end, "EndTime": MONDAY + timedelta(days=1), "Type": "REGULAR"},
    ]
    contacts.delete_rotation_override(RotationId=rotation, RotationOverrideId=override)
    restored = contacts.list_rotation_shifts(RotationId=rotation, StartTime=MONDAY, EndTime=MONDAY + timedelta(days=1))
    assert [s["ContactIds"] for s in restored["RotationShifts"]] == [[team[0]]]


def test_pages_of_shifts_stay_contiguous_when_an_override_goes_between_them(contacts: Any) -> None:
    """The next page resumes where the last shift listed ends: when the override that shift came from
    is deleted between pages, the rest of the regular shift it interrupted is listed, not skipped."""
    team, _, rotation, override = rotation_with_override(contacts)
    start, end = OVERRIDE_HOURS
    window = {"RotationId": rotation, "StartTime": MONDAY, "EndTime": MONDAY + timedelta(days=2)}
    first = contacts.list_rotation_shifts(**window, MaxResults=2)
    assert [(s["StartTime"], s["Type"]) for s in first["RotationShifts"]] == [
        (MONDAY, "REGULAR"),
        (start, "OVERRIDDEN"),
    ]
    contacts.delete_rotation_override(RotationId=rotation, RotationOverrideId=override)
    rest = contacts.list_rotation_shifts(**window, NextToken=first["NextToken"])["RotationShifts"]
    assert [(s["StartTime"], s["EndTime"], s["ContactIds"]) for s in rest] == [
        (end, MONDAY + timedelta(days=1), [team[0]]),
        (MONDAY + timedelta(days=1), MONDAY + timedelta(days=2), [team[1]]),
    ]


def test_a_preview_over_the_longest_window_with_the_most_members_answers_a_page(contacts: Any) -> None:
    members = [f"member-{index}" for index in range(30)]  # the model's most
    every_minute = [{"HourOfDay": hour, "MinuteOfHour": minute} for hour in range(24) for minute in range(60)]
    recurrence = {**DAILY, "DailySettings": every_minute, "NumberOfOnCalls": 30}
    request = {
        "RotationStartTime": EARLIEST,
        "EndTime": LATEST,
        "Members": members,
        "TimeZoneId": "Pacific/Kiritimati",
        "Recurrence": recurrence,
        "MaxResults": 1024,
    }
    first = contacts.list_preview_rotation_shifts(**request)
    assert len(first["RotationShifts"]) == 1024 and first["NextToken"]
    assert first["RotationShifts"][-1]["EndTime"] - first["RotationShifts"][0]["StartTime"] < timedelta(days=1)
    second = contacts.list_preview_rotation_shifts(**request, NextToken=first["NextToken"])
    assert second["RotationShifts"][0]["StartTime"] == first["RotationShifts"][-1]["EndTime"]
    # past 9999-12-30T00:00Z no hand-off is computed: the shift in progress then runs to the window's end
    last = contacts.list_preview_rotation_shifts(**request, StartTime=HORIZON - timedelta(minutes=2))
    assert [s["StartTime"] for s in last["RotationShifts"]] == [HORIZON - timedelta(minutes=m) for m in (2, 1, 0)]
    assert abs(last["RotationShifts"][-1]["EndTime"].timestamp() - LATEST.timestamp()) < 1e-3
    assert "NextToken" not in last


def test_a_preview_with_every_minute_hostile_answers_a_page(contacts: Any) -> None:
    """Hand-offs every minute, coverage every other minute (5,040 windows a week), 1,000 overrides, the
    longest window: the page is computed, nothing more."""
    every_minute = [{"HourOfDay": hour, "MinuteOfHour": minute} for hour in range(24) for minute in range(60)]
    windows = [
        {
            "Start": {"HourOfDay": m // 60, "MinuteOfHour": m % 60},
            "End": {"HourOfDay": (m + 1) // 60 % 24, "MinuteOfHour": (m + 1) % 60},
        }
        for m in range(0, 1440, 2)
    ]
    overrides = [
        {
            "NewMembers": ["stand-in"],
            "StartTime": EARLIEST + timedelta(days=2900 * i),
            "EndTime": EARLIEST + timedelta(days=2900 * i, hours=1),
        }
        for i in range(1000)
    ]
    recurrence = {
        **DAILY,
        "DailySettings": every_minute,
        "ShiftCoverages": {day: windows for day in ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")},
    }
    answer = contacts.list_preview_rotation_shifts(
        RotationStartTime=EARLIEST,
        EndTime=LATEST,
        Members=[f"member-{index}" for index in range(30)],
        TimeZoneId="America/New_York",
        Recurrence=recurrence,
        Overrides=overrides,
        MaxResults=1024,
    )
    shifts = answer["RotationShifts"]
    assert len(shifts) == 1024 and answer["NextToken"]
    assert {s["EndTime"] - s["StartTime"] for s in shifts} == {timedelta(minutes=1)}  # the covered minutes
    assert {s["Type"] for s in shifts[:30]} == {"OVERRIDDEN"}  # the first override's hour, from 1970-01-01


def test_a_preview_of_100_members_is_refused_by_the_model(contacts: Any) -> None:
    with pytest.raises(ClientError) as error:
        contacts.list_preview_rotation_shifts(
            EndTime=LATEST, Members=[f"m{index}" for index in range(100)], TimeZoneId="UTC", Recurrence=DAILY
        )
    assert code_of(error) == "ValidationException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "Members" in error.value.response["Error"]["Message"]


@pytest.mark.parametrize("on_calls", [2, 10**9])
def test_more_on_call_than_members_is_a_validation_error(contacts: Any, on_calls: int) -> None:
    member = person(contacts, "akuam")
    with pytest.raises(ClientError) as error:
        create_rotation(contacts, [member], {**DAILY, "NumberOfOnCalls": on_calls})
    assert code_of(error) == "ValidationException"
    response: dict[str, Any] = dict(error.value.response)
    assert response["Fields"] == [
        {
            "Name": "Recurrence.NumberOfOnCalls",
            "Message": f"NumberOfOnCalls ({on_calls}) cannot be more than the number of contacts in the rotation (1).",
        }
    ]
    assert contacts.list_rotations()["Rotations"] == []


def test_an_oncall_schedule_pages_whoever_is_on_call_when_its_stage_fires(contacts: Any) -> None:
    """Stage 1 pages the lead; stage 2, 30 minutes later, the on-call schedule: the rotation hands off in
    between, so stage 2 reaches the member on call then, not the one on call when the engagement started."""
    with time_machine.travel(MONDAY + timedelta(days=1, minutes=-10), tick=False) as traveller:
        lead = person(contacts, "lead", channel=True)
        team = [person(contacts, alias, channel=True) for alias in ("akuam", "alejr")]
        rotation = create_rotation(contacts, team)  # 09:00 UTC: alejr takes over from akuam on Tuesday
        schedule = contacts.create_contact(Alias="oncall", Type="ONCALL_SCHEDULE", Plan={"RotationIds": [rotation]})
        plan = {
            "Stages": [
                {
                    "DurationInMinutes": 30,
                    "Targets": [{"ContactTargetInfo": {"ContactId": lead, "IsEssential": False}}],
                },
                {
                    "DurationInMinutes": 0,
                    "Targets": [{"ContactTargetInfo": {"ContactId": schedule["ContactArn"], "IsEssential": False}}],
                },
            ]
        }
        escalation = contacts.create_contact(Alias="escalation", Type="ESCALATION", Plan=plan)["ContactArn"]
        engagement = contacts.start_engagement(
            ContactId=escalation, Sender="cli", Subject="Latency", Content="p99 is up"
        )["EngagementArn"]

        def paged() -> list[str]:
            return [p["ContactArn"] for p in contacts.list_pages_by_engagement(EngagementId=engagement)["Pages"]]

        assert paged() == [lead]
        traveller.shift(timedelta(minutes=30))
        assert paged() == [lead, team[1]]


# --- bounded work: a page builds the shifts it returns, whatever the window ---------------------------


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many shifts the engine has built (``[count]``): every RotationShift is made by ``_shift``."""
    count = [0]
    make = rotations._shift

    def counting(*args: Any) -> dict[str, Any]:
        count[0] += 1
        return make(*args)

    monkeypatch.setattr(rotations, "_shift", counting)
    return count


EVERY_MINUTE_30 = {
    "DailySettings": [{"HourOfDay": hour, "MinuteOfHour": minute} for hour in range(24) for minute in range(60)],
    "NumberOfOnCalls": 30,
    "RecurrenceMultiplier": 1,
}


def pages_built(built: list[int], call: Any, size: int, pages: int) -> list[int]:
    """The shifts built for each of ``pages`` pages of ``call`` (``MaxResults=size``), each page checked full."""
    counts, token = [], None
    for _ in range(pages):
        before = built[0]
        page = call(MaxResults=size, **({"NextToken": token} if token else {}))
        counts.append(built[0] - before)
        assert len(page["RotationShifts"]) == size and page["NextToken"]
        token = page["NextToken"]
    return counts


@pytest.mark.parametrize("size", [1, 1024])
def test_a_preview_page_builds_only_its_own_shifts(contacts: Any, built: list[int], size: int) -> None:
    """30 members all on call, a hand-off every minute (about 4 billion shifts from 1970 to 9999): each page
    builds its shifts and the one after (which says there is a next page); a later page resumes where the
    page before ends, so it builds no more."""
    request = {
        "Members": [f"member-{index}" for index in range(30)],
        "TimeZoneId": "America/New_York",
        "Recurrence": EVERY_MINUTE_30,
        "StartTime": EARLIEST,
        "EndTime": LATEST,
    }
    counts = pages_built(built, lambda **page: contacts.list_preview_rotation_shifts(**request, **page), size, 3)
    assert counts == [size + 1, size + 1, size + 1]


def test_a_stored_rotation_page_builds_only_its_own_shifts_with_1000_overrides(contacts: Any, built: list[int]) -> None:
    """The model's 30 members, the mock's 1,000 overrides (every other minute from 1970), the longest
    window: a page of 1,024 builds no more than a preview's, a page of one hardly anything."""
    team = [person(contacts, f"member-{index}") for index in range(30)]
    rotation = contacts.create_rotation(
        Name="worst", ContactIds=team, TimeZoneId="America/New_York", Recurrence=EVERY_MINUTE_30, StartTime=EARLIEST
    )["RotationArn"]
    for i in range(1000):
        contacts.create_rotation_override(
            RotationId=rotation,
            NewContactIds=team[::-1],
            StartTime=EARLIEST + timedelta(minutes=2 * i),
            EndTime=EARLIEST + timedelta(minutes=2 * i + 1),
        )

    def call(**page: Any) -> Any:
        return contacts.list_rotation_shifts(RotationId=rotation, StartTime=EARLIEST, EndTime=LATEST, **page)

    assert pages_built(built, call, 1024, 2) == [1025, 1025]
    assert pages_built(built, call, 1, 2) == [2, 2]
    assert {s["Type"] for s in call(MaxResults=1024)["RotationShifts"]} == {"REGULAR", "OVERRIDDEN"}
