"""Terraform's ``aws_ssmcontacts_*`` resources and data sources against the server.

One configuration holds what an on-call setup needs: two people with an e-mail and an SMS channel,
an engagement plan, an escalation plan, a weekly rotation with coverage hours, and the four data
sources reading them back. The test applies it, plans with no changes, updates every resource in
place, plans with no changes, imports everything by ARN, removes the contacts (and checks through
boto3 that the provider's deletes took them away), and destroys the replication set. It runs offline
like ``test_terraform.py`` (see ``tests.support.terraform``).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from string import Template
from typing import Any

import boto3
import pytest

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support.terraform import Terraform, provider

pytestmark = pytest.mark.ssm_incidents(strict=True)  # onboarding required, as on AWS

REGION = "us-east-1"
PREFIX = f"arn:aws:ssm-contacts:{REGION}:123456789012:"
ANA, ALEJANDRO, ESCALATION = (PREFIX + f"contact/{alias}" for alias in ("ana", "alejr", "sre-escalation"))
CONTACTS = ["ana", "alejandro", "escalation"]

HEADER = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

resource "aws_ssmincidents_replication_set" "main" {
  region {
    name = "us-east-1"
  }
}
"""

CONTACTS_TF = Template("""
resource "aws_ssmcontacts_contact" "ana" {
  alias        = "ana"
  display_name = "$ana_name"
  type         = "PERSONAL"
  tags         = $ana_tags
  depends_on   = [aws_ssmincidents_replication_set.main]
}

resource "aws_ssmcontacts_contact" "alejandro" {
  alias      = "alejr"
  type       = "PERSONAL"
  depends_on = [aws_ssmincidents_replication_set.main]
}

resource "aws_ssmcontacts_contact" "escalation" {
  alias        = "sre-escalation"
  display_name = "SRE escalation"
  type         = "ESCALATION"
  depends_on   = [aws_ssmincidents_replication_set.main]
}

resource "aws_ssmcontacts_contact_channel" "email" {
  contact_id = aws_ssmcontacts_contact.ana.arn
  name       = "$email_name"
  type       = "EMAIL"
  delivery_address {
    simple_address = "$email_address"
  }
}

resource "aws_ssmcontacts_contact_channel" "sms" {
  contact_id = aws_ssmcontacts_contact.ana.arn
  name       = "ana sms"
  type       = "SMS"
  delivery_address {
    simple_address = "+12065550100"
  }
}

resource "aws_ssmcontacts_plan" "ana" {
  contact_id = aws_ssmcontacts_contact.ana.arn
  stage {
    duration_in_minutes = 1
    target {
      channel_target_info {
        contact_channel_id        = aws_ssmcontacts_contact_channel.email.arn
        retry_interval_in_minutes = 1
      }
    }
  }
$ana_second_stage}

resource "aws_ssmcontacts_plan" "escalation" {
  contact_id = aws_ssmcontacts_contact.escalation.arn
  stage {
    duration_in_minutes = 0
    target {
      contact_target_info {
        contact_id   = aws_ssmcontacts_contact.ana.arn
        is_essential = $ana_essential
      }
    }
    target {
      contact_target_info {
        contact_id   = aws_ssmcontacts_contact.alejandro.arn
        is_essential = true
      }
    }
  }
}

resource "aws_ssmcontacts_rotation" "primary" {
  name         = "primary"
  contact_ids  = $members
  time_zone_id = "$time_zone"
  start_time   = "$start_time"
  recurrence {
    number_of_on_calls    = 1
    recurrence_multiplier = $multiplier
$hand_offs  }
  tags       = $rotation_tags
  depends_on = [aws_ssmincidents_replication_set.main]
}

data "aws_ssmcontacts_contact" "ana" {
  arn = aws_ssmcontacts_contact.ana.arn
}

data "aws_ssmcontacts_contact_channel" "email" {
  arn = aws_ssmcontacts_contact_channel.email.arn
}

data "aws_ssmcontacts_plan" "escalation" {
  contact_id = aws_ssmcontacts_plan.escalation.contact_id
}

data "aws_ssmcontacts_rotation" "primary" {
  arn = aws_ssmcontacts_rotation.primary.arn
}

output "contact" {
  value = data.aws_ssmcontacts_contact.ana
}

output "channel" {
  value = data.aws_ssmcontacts_contact_channel.email
}

output "plan" {
  value = data.aws_ssmcontacts_plan.escalation
}

# The data source lists shift_coverages in no fixed order (the provider builds them from a map): the
# output sorts them by day, so that a plan after apply shows no change.
output "rotation" {
  value = merge(data.aws_ssmcontacts_rotation.primary, {
    recurrence = [for r in data.aws_ssmcontacts_rotation.primary.recurrence : merge(r, {
      shift_coverages = r.shift_coverages == null ? null : [
        for day in sort([for c in r.shift_coverages : c.map_block_key]) :
        one([for c in r.shift_coverages : c if c.map_block_key == day])
      ]
    })]
  })
}
""")

SMS_STAGE = """  stage {
    duration_in_minutes = 5
    target {
      channel_target_info {
        contact_channel_id        = aws_ssmcontacts_contact_channel.sms.arn
        retry_interval_in_minutes = 2
      }
    }
  }
"""


def _time(hour: int, minute: int) -> str:
    return f"hour_of_day = {hour}\n      minute_of_hour = {minute}"


def _weekly(day: str, hour: int, minute: int) -> str:
    return f"""    weekly_settings {{
      day_of_week = "{day}"
      hand_off_time {{
        {_time(hour, minute)}
      }}
    }}
"""


def _coverage(day: str) -> str:
    return f"""    shift_coverages {{
      map_block_key = "{day}"
      coverage_times {{
        start {{
          {_time(1, 0)}
        }}
        end {{
          {_time(23, 0)}
        }}
      }}
    }}
"""


FIRST = {
    "ana_name": "Ana Carolina Silva",
    "ana_tags": '{ team = "sre" }',
    "email_name": "ana email",
    "email_address": "ana@example.com",
    "ana_second_stage": "",
    "ana_essential": "false",
    "members": "[aws_ssmcontacts_contact.ana.arn, aws_ssmcontacts_contact.alejandro.arn]",
    "time_zone": "Australia/Sydney",
    "start_time": "2031-03-01T09:00:00Z",
    "multiplier": 1,
    "hand_offs": _weekly("MON", 4, 25) + _weekly("WED", 7, 34) + _coverage("MON") + _coverage("WED"),
    "rotation_tags": '{ team = "sre" }',
}
SECOND = {
    **FIRST,
    "ana_name": "Ana Silva",
    "ana_tags": '{ team = "sre", shift = "day" }',
    "email_name": "ana work email",
    "email_address": "ana.silva@example.com",
    "ana_second_stage": SMS_STAGE,
    "ana_essential": "true",
    "members": "[aws_ssmcontacts_contact.alejandro.arn, aws_ssmcontacts_contact.ana.arn]",
    "time_zone": "America/Los_Angeles",
    "start_time": "2031-06-01T09:00:00Z",
    "multiplier": 2,
    "hand_offs": f"    daily_settings {{\n      {_time(9, 0)}\n    }}\n",
    "rotation_tags": '{ team = "sre", tier = "1" }',
}


def _config(url: str, values: dict[str, Any] | None) -> str:
    # max_retries: a failing call fails the step at once instead of after the provider's long retries
    head = provider({"ssmincidents": url, "ssmcontacts": url}).replace("  endpoints", "  max_retries = 1\n  endpoints")
    return HEADER + head + (CONTACTS_TF.substitute(values) if values else "")


@pytest.fixture
def contacts(ssm_incidents_server: ThreadedSSMIncidentsServer) -> Any:
    return boto3.client(
        "ssm-contacts",
        region_name=REGION,
        endpoint_url=ssm_incidents_server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _hand_off(hour: int, minute: int) -> list[dict[str, int]]:
    return [{"hour_of_day": hour, "minute_of_hour": minute}]


def _check_first(contacts: Any, outputs: dict[str, Any]) -> None:
    """What the first apply made, read through boto3 and through the data sources."""
    ana = contacts.get_contact(ContactId=ANA)
    assert (ana["Alias"], ana["DisplayName"], ana["Type"]) == ("ana", "Ana Carolina Silva", "PERSONAL")
    email = outputs["channel"]["arn"]
    assert re.fullmatch(re.escape(PREFIX) + r"contact-channel/ana/[0-9a-f-]{36}", email), email
    assert ana["Plan"] == {
        "Stages": [
            {
                "DurationInMinutes": 1,
                "Targets": [{"ChannelTargetInfo": {"ContactChannelId": email, "RetryIntervalInMinutes": 1}}],
            }
        ]
    }
    assert contacts.list_tags_for_resource(ResourceARN=ANA)["Tags"] == [{"Key": "team", "Value": "sre"}]
    assert contacts.get_contact(ContactId=ALEJANDRO).get("DisplayName", "") == ""  # the provider sends ""
    channels = contacts.list_contact_channels(ContactId=ANA)["ContactChannels"]
    assert {c["Name"]: c["ActivationStatus"] for c in channels} == {
        "ana email": "NOT_ACTIVATED",
        "ana sms": "NOT_ACTIVATED",
    }

    contact = outputs["contact"]
    assert (contact["arn"], contact["alias"], contact["display_name"]) == (ANA, "ana", "Ana Carolina Silva")
    assert (contact["type"], contact["tags"]) == ("PERSONAL", {"team": "sre"})
    channel = outputs["channel"]
    assert (channel["contact_id"], channel["name"], channel["type"]) == (ANA, "ana email", "EMAIL")
    assert channel["delivery_address"] == [{"simple_address": "ana@example.com"}]
    assert channel["activation_status"] == "NOT_ACTIVATED"
    plan = outputs["plan"]
    assert plan["contact_id"] == ESCALATION
    targets = [t["contact_target_info"][0] for t in plan["stage"][0]["target"]]
    assert plan["stage"][0]["duration_in_minutes"] == 0
    assert targets == [{"contact_id": ANA, "is_essential": False}, {"contact_id": ALEJANDRO, "is_essential": True}]

    rotation = outputs["rotation"]
    assert re.fullmatch(re.escape(PREFIX) + r"rotation/[0-9a-f-]{36}", rotation["arn"]), rotation["arn"]
    assert (rotation["name"], rotation["contact_ids"]) == ("primary", [ANA, ALEJANDRO])
    assert (rotation["time_zone_id"], rotation["start_time"]) == ("Australia/Sydney", "2031-03-01T09:00:00Z")
    assert rotation["tags"] == {"team": "sre"}
    recurrence = rotation["recurrence"][0]
    assert (recurrence["number_of_on_calls"], recurrence["recurrence_multiplier"]) == (1, 1)
    assert recurrence["weekly_settings"] == [
        {"day_of_week": "MON", "hand_off_time": _hand_off(4, 25)},
        {"day_of_week": "WED", "hand_off_time": _hand_off(7, 34)},
    ]
    coverage = [{"end": _hand_off(23, 0), "start": _hand_off(1, 0)}]
    # the data source lists the coverage days in the order of a Go map: compared by day
    assert sorted(recurrence["shift_coverages"], key=lambda day: day["map_block_key"]) == [
        {"map_block_key": "MON", "coverage_times": coverage},
        {"map_block_key": "WED", "coverage_times": coverage},
    ]
    assert not recurrence["daily_settings"] and not recurrence["monthly_settings"]
    got = contacts.get_rotation(RotationId=rotation["arn"])
    assert got["StartTime"] == datetime(2031, 3, 1, 9, tzinfo=timezone.utc)


def _check_second(contacts: Any, outputs: dict[str, Any]) -> None:
    """What the update changed, in place."""
    ana = contacts.get_contact(ContactId=ANA)
    assert ana["DisplayName"] == "Ana Silva"
    stages = ana["Plan"]["Stages"]
    sms = next(c for c in contacts.list_contact_channels(ContactId=ANA)["ContactChannels"] if c["Type"] == "SMS")
    assert [s["DurationInMinutes"] for s in stages] == [1, 5]
    assert stages[1]["Targets"] == [
        {"ChannelTargetInfo": {"ContactChannelId": sms["ContactChannelArn"], "RetryIntervalInMinutes": 2}}
    ]
    tags = contacts.list_tags_for_resource(ResourceARN=ANA)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("shift", "day"), ("team", "sre")]
    email = contacts.get_contact_channel(ContactChannelId=outputs["channel"]["arn"])
    assert (email["Name"], email["DeliveryAddress"]) == ("ana work email", {"SimpleAddress": "ana.silva@example.com"})
    assert outputs["channel"]["name"] == "ana work email" and outputs["contact"]["display_name"] == "Ana Silva"
    escalation = contacts.get_contact(ContactId=ESCALATION)["Plan"]["Stages"][0]["Targets"]
    assert [t["ContactTargetInfo"]["IsEssential"] for t in escalation] == [True, True]
    assert [t["contact_target_info"][0]["is_essential"] for t in outputs["plan"]["stage"][0]["target"]] == [True, True]

    rotation = contacts.get_rotation(RotationId=outputs["rotation"]["arn"])
    assert rotation["ContactIds"] == [ALEJANDRO, ANA] and rotation["TimeZoneId"] == "America/Los_Angeles"
    assert rotation["StartTime"] == datetime(2031, 6, 1, 9, tzinfo=timezone.utc)
    assert rotation["Recurrence"] == {
        "NumberOfOnCalls": 1,
        "RecurrenceMultiplier": 2,
        "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}],
    }
    assert outputs["rotation"]["tags"] == {"team": "sre", "tier": "1"}
    assert not outputs["rotation"]["recurrence"][0]["weekly_settings"]


def _imports(contacts: Any, rotation: str) -> str:
    """Import blocks for every contacts resource, by the ARNs the mock gave them."""
    ids = {
        f"aws_ssmcontacts_contact.{name}": arn for name, arn in zip(CONTACTS, (ANA, ALEJANDRO, ESCALATION), strict=True)
    }
    for channel in contacts.list_contact_channels(ContactId=ANA)["ContactChannels"]:
        ids[f"aws_ssmcontacts_contact_channel.{channel['Type'].lower()}"] = channel["ContactChannelArn"]
    ids.update({"aws_ssmcontacts_plan.ana": ANA, "aws_ssmcontacts_plan.escalation": ESCALATION})
    ids["aws_ssmcontacts_rotation.primary"] = rotation
    return "".join(f'import {{\n  to = {to}\n  id = "{arn}"\n}}\n' for to, arn in ids.items())


def test_terraform_contacts_lifecycle(
    terraform: Terraform, ssm_incidents_server: ThreadedSSMIncidentsServer, contacts: Any
) -> None:
    url = ssm_incidents_server.url
    main = terraform.workdir / "main.tf"
    main.write_text(_config(url, FIRST))
    terraform.run("init", "-input=false")

    # create: data sources read what the resources made; a refresh then finds nothing to change
    out = terraform.apply()
    assert "9 added, 0 changed, 0 destroyed" in out, out
    first = terraform.outputs()
    _check_first(contacts, first)
    terraform.assert_no_changes()

    # every resource changed in place
    main.write_text(_config(url, SECOND))
    out = terraform.apply()
    assert "0 added, 5 changed, 0 destroyed" in out, out
    second = terraform.outputs()
    assert second["channel"]["arn"] == first["channel"]["arn"] and second["rotation"]["arn"] == first["rotation"]["arn"]
    _check_second(contacts, second)
    terraform.assert_no_changes()

    # import: forget every contacts resource, import them back by ARN, and nothing differs
    managed = [line for line in terraform.run("state", "list").split() if line.startswith("aws_ssmcontacts_")]
    assert len(managed) == 8, managed
    terraform.run("state", "rm", *managed)
    (terraform.workdir / "imports.tf").write_text(_imports(contacts, second["rotation"]["arn"]))
    out = terraform.apply()
    assert "8 imported, 0 added, 0 changed, 0 destroyed" in out, out
    (terraform.workdir / "imports.tf").unlink()
    terraform.assert_no_changes()

    # the provider's deletes remove each resource (before the replication set takes the rest with it)
    main.write_text(_config(url, None))
    out = terraform.apply()
    assert "0 added, 0 changed, 8 destroyed" in out, out
    assert contacts.list_contacts()["Contacts"] == [] and contacts.list_rotations()["Rotations"] == []
    out = terraform.run("destroy", "-auto-approve", "-input=false")
    assert "Destroy complete! Resources: 1 destroyed." in out, out
