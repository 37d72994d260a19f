"""ssm-contacts per call, as a ratio of its floor: GetContact, StartEngagement, ListRotationShifts, and
the shift listings at the largest the model and the mock allow.

python -m benchmarks.contacts [--rounds N] [--n N] [--worst-rounds N]

The floor is a botocore client of the same service answering, from a before-send handler, with the
bytes the mock really returned: what is left is the mock's own cost. The state: a replication set,
a personal contact with an e-mail channel in a one-stage plan, and a weekly rotation of 10 members;
ListRotationShifts asks for one week.

The worst cases (``WORST``): 30 members (the model's maximum) all on call in every shift, a hand-off
every minute of the day in a zone with DST, the whole window timestamps allow (1970 to the end of
9999), 1,024 shifts a page (the model's maximum): the first page, the page after it (by its
NextToken), the stored rotation with the mock's maximum of 1,000 overrides inside that page, and the
preview with as many overrides as a request body carries (1 MiB).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from botocore.serialize import create_serializer

from benchmarks.common import capture, client, floor_client, interleaved
from ssm_incidents_mock import mock_incident_manager
from ssm_incidents_mock.core.wire.http import MAX_BODY_BYTES
from ssm_incidents_mock.core.wire.validate import EARLIEST_TIMESTAMP, LATEST_TIMESTAMP

CALLS = ("GetContact", "StartEngagement", "ListRotationShifts")
WEEK_START = dt.datetime(2030, 1, 7, tzinfo=dt.timezone.utc)

MAX_MEMBERS = 30  # the model's maximum of ContactIds, Members and NewContactIds
MAX_PAGE = 1024  # the model's maximum of MaxResults
MAX_OVERRIDES = 1000  # the mock's maximum per rotation
EVERY_MINUTE = {
    "DailySettings": [{"HourOfDay": h, "MinuteOfHour": m} for h in range(24) for m in range(60)],
    "NumberOfOnCalls": MAX_MEMBERS,
    "RecurrenceMultiplier": 1,
}
WHOLE_WINDOW = {
    "StartTime": dt.datetime.fromtimestamp(EARLIEST_TIMESTAMP, dt.timezone.utc),
    "EndTime": dt.datetime.fromtimestamp(LATEST_TIMESTAMP, dt.timezone.utc),
}
WORST_ZONE = "America/New_York"


def _state(contacts: Any) -> dict[str, str]:
    client("ssm-incidents").create_replication_set(regions={"us-east-1": {}})
    contact = contacts.create_contact(Alias="bench", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    channel = contacts.create_contact_channel(
        ContactId=contact, Name="mail", Type="EMAIL", DeliveryAddress={"SimpleAddress": "bench@example.com"}
    )["ContactChannelArn"]
    target = {"ChannelTargetInfo": {"ContactChannelId": channel}}
    contacts.update_contact(ContactId=contact, Plan={"Stages": [{"DurationInMinutes": 5, "Targets": [target]}]})
    members = [
        contacts.create_contact(Alias=f"member-{i}", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
        for i in range(10)
    ]
    rotation = contacts.create_rotation(
        Name="bench",
        ContactIds=members,
        StartTime=WEEK_START - dt.timedelta(days=30),
        TimeZoneId="Europe/London",
        Recurrence={
            "NumberOfOnCalls": 1,
            "RecurrenceMultiplier": 1,
            "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}],
        },
    )["RotationArn"]
    return {"contact": contact, "rotation": rotation}


def call_set(c: Any, state: dict[str, str]) -> dict[str, Callable[[], Any]]:
    return {
        "GetContact": lambda: c.get_contact(ContactId=state["contact"]),
        "StartEngagement": lambda: c.start_engagement(
            ContactId=state["contact"], Sender="bench", Subject="db down", Content="payments failing"
        ),
        "ListRotationShifts": lambda: c.list_rotation_shifts(
            RotationId=state["rotation"], StartTime=WEEK_START, EndTime=WEEK_START + dt.timedelta(days=7)
        ),
    }


def _minutes(minutes: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(EARLIEST_TIMESTAMP + 60 * minutes, dt.timezone.utc)


def _worst_state(contacts: Any) -> dict[str, Any]:
    """A stored rotation of 30 contacts with a hand-off every minute and 1,000 overrides of all 30 (in
    reverse order) over its first 2,000 minutes; the preview's members, and the most preview overrides
    whose request still fits in a body."""
    members = [
        contacts.create_contact(Alias=f"worst-{i}", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
        for i in range(MAX_MEMBERS)
    ]
    rotation = contacts.create_rotation(
        Name="worst",
        ContactIds=members,
        StartTime=WHOLE_WINDOW["StartTime"],
        TimeZoneId=WORST_ZONE,
        Recurrence=EVERY_MINUTE,
    )["RotationArn"]
    for i in range(MAX_OVERRIDES):
        contacts.create_rotation_override(
            RotationId=rotation, NewContactIds=members[::-1], StartTime=_minutes(2 * i), EndTime=_minutes(2 * i + 1)
        )
    preview = {"Members": [f"m{i}" for i in range(MAX_MEMBERS)], "TimeZoneId": WORST_ZONE, "Recurrence": EVERY_MINUTE}
    first = contacts.list_preview_rotation_shifts(**preview, MaxResults=MAX_PAGE, **WHOLE_WINDOW)
    return {
        "rotation": rotation,
        "preview": preview,
        "token": first["NextToken"],
        "overrides": _most_overrides(preview),
    }


def _most_overrides(preview: dict[str, Any]) -> list[dict[str, Any]]:
    """The longest list of one-minute preview overrides whose request body stays within the mock's limit."""
    operation = client("ssm-contacts").meta.service_model.operation_model("ListPreviewRotationShifts")
    serializer = create_serializer("json")

    def overrides(count: int) -> list[dict[str, Any]]:
        return [
            {"NewMembers": ["m0"], "StartTime": _minutes(2 * i), "EndTime": _minutes(2 * i + 1)} for i in range(count)
        ]

    def fits(count: int) -> bool:
        params = {**preview, **WHOLE_WINDOW, "MaxResults": MAX_PAGE, "Overrides": overrides(count)}
        return len(serializer.serialize_to_request(params, operation)["body"]) <= MAX_BODY_BYTES

    low, high = 0, 1 << 16  # fits(low), not fits(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return overrides(low)


def worst_call_set(c: Any, state: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    preview, page = state["preview"], {"MaxResults": MAX_PAGE, **WHOLE_WINDOW}
    return {
        "ListPreviewRotationShifts, first page": lambda: c.list_preview_rotation_shifts(**preview, **page),
        "ListPreviewRotationShifts, next page": lambda: c.list_preview_rotation_shifts(
            **preview, **page, NextToken=state["token"]
        ),
        "ListRotationShifts, 1,000 overrides": lambda: c.list_rotation_shifts(RotationId=state["rotation"], **page),
        f"ListPreviewRotationShifts, {len(state['overrides']):,} overrides": lambda: c.list_preview_rotation_shifts(
            **preview, **page, Overrides=state["overrides"]
        ),
    }


def _measured(
    contacts: Any, calls: Callable[[Any], dict[str, Callable[[], Any]]], rounds: int, n: int
) -> dict[str, dict[str, float]]:
    real = calls(contacts)
    out = {}
    for name, call in real.items():
        operation = name.split(",", 1)[0]
        answer = capture(contacts, operation, call)
        floor = calls(floor_client("ssm-contacts", operation, answer))[name]
        out[name] = interleaved(call, floor, rounds, n)
    return out


def run(rounds: int, n: int, worst_rounds: int = 0) -> dict[str, dict[str, float]]:
    with mock_incident_manager():
        contacts = client("ssm-contacts")
        state = _state(contacts)
        out = _measured(contacts, lambda c: call_set(c, state), rounds, n)
        if worst_rounds:
            worst = _worst_state(contacts)
            out |= _measured(contacts, lambda c: worst_call_set(c, worst), worst_rounds, 1)
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=101)
    parser.add_argument("--n", type=int, default=6)
    parser.add_argument("--worst-rounds", type=int, default=31, help="rounds of one call each (0: no worst cases)")
    args = parser.parse_args(argv)
    print("| Operation | ratio to floor (95% CI) | mock us | floor us |")
    print("|---|---|---|---|")
    for name, figures in run(args.rounds, args.n, args.worst_rounds).items():
        print(
            f"| {name} | {figures['ratio']:.2f}x ({figures['ratio_low']:.2f}-{figures['ratio_high']:.2f}) "
            f"| {figures['subject_us']:.0f} | {figures['baseline_us']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
