"""The AWS CLI (``awscli`` from PyPI) as a subprocess against the running server."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support.awscli import AwsCli
from tests.support.processes import moto_server


@pytest.fixture
def aws(tmp_path: Path) -> Iterator[AwsCli]:
    with ThreadedSSMIncidentsServer() as server:
        cli = AwsCli("ssm-incidents", server.url, tmp_path)
        reset = urllib.request.Request(
            server.url + "/_ssm_incidents_mock/reset", method="POST", headers={"X-SSM-Incidents-Mock": "1"}
        )
        urllib.request.urlopen(reset, timeout=10).close()  # start from a clean state
        yield cli


def test_incident_lifecycle_with_the_aws_cli(aws: AwsCli) -> None:
    replication_set = aws("create-replication-set", "--regions", json.dumps({"us-east-1": {}}))["arn"]
    assert replication_set.startswith("arn:aws:ssm-incidents::123456789012:replication-set/")

    plan = aws(
        "create-response-plan", "--name", "cli-plan", "--incident-template", json.dumps({"title": "cli", "impact": 3})
    )["arn"]
    assert plan == "arn:aws:ssm-incidents::123456789012:response-plan/cli-plan"

    arns = [
        aws("start-incident", "--response-plan-arn", plan, "--title", f"cli-{i}")["incidentRecordArn"] for i in range(3)
    ]
    first = arns[0]
    aws("update-incident-record", "--arn", first, "--title", "renamed", "--impact", "2", "--status", "RESOLVED")
    record = aws("get-incident-record", "--arn", first)["incidentRecord"]
    assert (record["title"], record["impact"], record["status"]) == ("renamed", 2, "RESOLVED")
    assert "resolvedTime" in record

    event = aws(
        "create-timeline-event",
        "--incident-record-arn",
        first,
        "--event-time",
        "2024-01-01T00:00:00Z",
        "--event-type",
        "Custom Event",
        "--event-data",
        json.dumps("from the CLI"),
    )
    events = aws("list-timeline-events", "--incident-record-arn", first)["eventSummaries"]
    assert event["eventId"] in [e["eventId"] for e in events]
    assert all(e["incidentRecordArn"] == first for e in events)

    item = {"identifier": {"type": "OTHER", "value": {"url": "https://example.com/runbook"}}, "title": "runbook"}
    aws(
        "update-related-items",
        "--incident-record-arn",
        first,
        "--related-items-update",
        json.dumps({"itemToAdd": item}),
    )
    related = aws("list-related-items", "--incident-record-arn", first)["relatedItems"]
    assert {"identifier": item["identifier"], "title": "runbook"} in [
        {k: r[k] for k in ("identifier", "title")} for r in related
    ]

    aws("tag-resource", "--resource-arn", first, "--tags", "team=cli,env=test")
    assert aws("list-tags-for-resource", "--resource-arn", first)["tags"] == {"team": "cli", "env": "test"}

    status_filter = json.dumps([{"key": "status", "condition": {"equals": {"stringValues": ["RESOLVED"]}}}])
    resolved = aws("list-incident-records", "--filters", status_filter)["incidentRecordSummaries"]
    assert [r["arn"] for r in resolved] == [first]

    everything = aws("list-incident-records", "--page-size", "1")[
        "incidentRecordSummaries"
    ]  # the CLI follows nextToken
    assert sorted(r["arn"] for r in everything) == sorted(arns)
    page = aws("list-incident-records", "--max-items", "2")
    assert len(page["incidentRecordSummaries"]) == 2 and page["NextToken"]
    rest = aws("list-incident-records", "--max-items", "2", "--starting-token", page["NextToken"])
    assert "NextToken" not in rest
    paged = [r["arn"] for r in page["incidentRecordSummaries"] + rest["incidentRecordSummaries"]]
    assert sorted(paged) == sorted(arns)

    missing = "arn:aws:ssm-incidents::123456789012:incident-record/cli-plan/missing"
    stderr = aws.fails("get-incident-record", "--arn", missing)
    assert "ResourceNotFoundException" in stderr and "GetIncidentRecord" in stderr and missing in stderr

    stderr = aws.fails("update-incident-record", "--arn", first, "--impact", "9")
    assert "ValidationException" in stderr and "Value '9' at 'impact'" in stderr


def test_ssm_contacts_with_the_aws_cli_against_moto_server(tmp_path: Path) -> None:
    """``ssm-incidents-mock moto-server`` answers the CLI's ssm-contacts commands beside moto's own services."""
    with moto_server() as url:
        incidents, contacts = (AwsCli(service, url, tmp_path) for service in ("ssm-incidents", "ssm-contacts"))
        incidents("create-replication-set", "--regions", json.dumps({"us-east-1": {}}))
        arn = contacts(
            "create-contact", "--alias", "akuam", "--display-name", "Akua Mansa", "--type", "PERSONAL", "--plan", "{}"
        )["ContactArn"]
        assert arn == "arn:aws:ssm-contacts:us-east-1:123456789012:contact/akuam"
        listed = contacts("list-contacts")["Contacts"]
        assert listed == [{"ContactArn": arn, "Alias": "akuam", "DisplayName": "Akua Mansa", "Type": "PERSONAL"}]
        stderr = contacts.fails("get-contact", "--contact-id", arn + "-gone")
        assert "ResourceNotFoundException" in stderr and "GetContact" in stderr
        queue = AwsCli("sqs", url, tmp_path)("create-queue", "--queue-name", "pages")["QueueUrl"]
        assert queue.endswith("/123456789012/pages")  # moto's own services answer on the same port
