"""ssm-contacts per call, as a ratio of its floor: GetContact, StartEngagement, ListRotationShifts.

python -m benchmarks.contacts [--rounds N] [--n N]

The floor is a botocore client of the same service answering, from a before-send handler, with the
bytes the mock really returned: what is left is the mock's own cost. The state: a replication set,
a personal contact with an e-mail channel in a one-stage plan, and a weekly rotation of 10 members;
ListRotationShifts asks for one week.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import Any

from benchmarks.common import capture, client, floor_client, interleaved
from ssm_incidents_mock import mock_incident_manager

CALLS = ("GetContact", "StartEngagement", "ListRotationShifts")
WEEK_START = dt.datetime(2030, 1, 7, tzinfo=dt.timezone.utc)


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


def run(rounds: int, n: int) -> dict[str, dict[str, float]]:
    with mock_incident_manager():
        contacts = client("ssm-contacts")
        state = _state(contacts)
        real = call_set(contacts, state)
        out = {}
        for name in CALLS:
            answer = capture(contacts, name, real[name])
            floor = call_set(floor_client("ssm-contacts", name, answer), state)[name]
            out[name] = interleaved(real[name], floor, rounds, n)
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=101)
    parser.add_argument("--n", type=int, default=6)
    args = parser.parse_args(argv)
    print("| Operation | ratio to floor (95% CI) | mock us | floor us |")
    print("|---|---|---|---|")
    for name, figures in run(args.rounds, args.n).items():
        print(
            f"| {name} | {figures['ratio']:.2f}x ({figures['ratio_low']:.2f}-{figures['ratio_high']:.2f}) "
            f"| {figures['subject_us']:.0f} | {figures['baseline_us']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
