"""Quick start: a response plan, an incident started from it, resolved, and its timeline.

Runs against the in-process mock; no AWS account or network is used.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from ssm_incidents_mock import mock_ssm_incidents


def show(heading: str, lines: list[str]) -> None:
    print(f"== {heading}")
    for line in lines:
        print(f"   {line}")
    print()


def describe_change(attribute: str, new_value: str) -> str:
    if attribute == "relatedItems":  # the new value is the JSON text of the related-items update
        added = json.loads(new_value).get("itemToAdd", {})
        return f"relatedItems (added {added.get('identifier', {}).get('type')} item {added.get('title')!r})"
    return f"{attribute}={new_value!r}"


def describe_event(client: Any, incident_arn: str, event_id: str) -> str:
    event = client.get_timeline_event(incidentRecordArn=incident_arn, eventId=event_id)["event"]
    data = json.loads(event["eventData"])
    if event["eventType"] == "SSM Incident Record Update":
        detail = "changed " + ", ".join(
            describe_change(a["attributeName"], a["newValue"]) for a in data["modifiedAttributes"]
        )
    else:
        detail = json.dumps(data)
    return f"{event['eventTime']:%H:%M:%S}  {event['eventType']:<28} {detail}"


@mock_ssm_incidents
def main() -> None:
    client = boto3.client("ssm-incidents", region_name="us-east-1")
    client.create_replication_set(regions={"us-east-1": {}})  # onboarding first, as on AWS

    plan_arn = client.create_response_plan(
        name="checkout-outage",
        displayName="Checkout outage",
        incidentTemplate={"title": "Checkout is failing", "impact": 2, "summary": "Payments return 5xx."},
    )["arn"]
    plan = client.get_response_plan(arn=plan_arn)
    template = plan["incidentTemplate"]
    show("Response plan", [plan_arn, f"template: {template['title']!r}, impact {template['impact']}"])

    incident_arn = client.start_incident(responsePlanArn=plan_arn)["incidentRecordArn"]
    record = client.get_incident_record(arn=incident_arn)["incidentRecord"]
    show(
        "Incident started",
        [incident_arn, f"status {record['status']}, impact {record['impact']}, title {record['title']!r}"],
    )

    client.update_incident_record(arn=incident_arn, status="RESOLVED", summary="Rolled back the payments deploy.")
    record = client.get_incident_record(arn=incident_arn)["incidentRecord"]
    show(
        "Incident resolved",
        [
            f"status {record['status']} at {record['resolvedTime']:%Y-%m-%d %H:%M:%S %Z}",
            f"summary {record['summary']!r}",
        ],
    )

    events = client.list_timeline_events(incidentRecordArn=incident_arn)["eventSummaries"]
    show("Timeline (newest first)", [describe_event(client, incident_arn, e["eventId"]) for e in events])


if __name__ == "__main__":
    main()
