"""A consumer's ListIncidentRecords page over plans shared with it, against the owner's page of the same data.

Run: ``python -m benchmarks.shared_listing [rounds] [incidents] [plans]`` from the repository root. The owner
has ``plans`` response plans, each shared with the consumer by a resource policy, and ``incidents``
incidents spread over them (defaults: 20,000 in 40). Both sides list one page of 100, interleaved
(``benchmarks.common.interleaved``); the ratio is the consumer's page over the owner's. ``benchmarks/run.py``
runs it in section 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from benchmarks.calls import pinned_client
from benchmarks.common import REGION, TEMPLATE, interleaved
from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_incidents.models import ssmincidents_backends

OWNER, CONSUMER = "444444444444", "555555555555"


def populate(incidents: int, plans: int) -> None:
    """The owner's plans, each shared with the consumer, and their incidents (straight into the backend)."""
    ctx = RequestContext(OWNER, REGION, "testing")
    backend = ssmincidents_backends[OWNER]["aws"]
    with backend.lock:
        backend.create_replication_set(ctx, regions={REGION: {}})
        arns = [backend.create_response_plan(ctx, f"shared-{i}", dict(TEMPLATE)) for i in range(plans)]
        for arn in arns:
            name = arn.rsplit("/", 1)[1]
            statement = {
                "Effect": "Allow",
                "Principal": {"AWS": CONSUMER},
                "Action": ["ssm-incidents:GetResponsePlan", "ssm-incidents:GetIncidentRecord"],
                "Resource": [arn, f"arn:aws:ssm-incidents:*:{OWNER}:incident-record/{name}/*"],
            }
            backend.put_resource_policy(ctx, arn, json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
        for i in range(incidents):
            backend.start_incident(ctx, arns[i % plans], impact=1 + i % 5)
    consumer = ssmincidents_backends[CONSUMER]["aws"]
    consumer.create_replication_set(RequestContext(CONSUMER, REGION, "testing"), regions={REGION: {}})


def measure(rounds: int, n: int, incidents: int = 20_000, plans: int = 40) -> dict[str, Any]:
    """The consumer's page against the owner's, under an active mock (section 2 runs it next to the scaling)."""
    populate(incidents, plans)
    owner, consumer = pinned_client(OWNER), pinned_client(CONSUMER)
    owners_page = lambda: owner.list_incident_records(maxResults=100)  # noqa: E731
    consumers_page = lambda: consumer.list_incident_records(maxResults=100)  # noqa: E731
    assert len(consumers_page()["incidentRecordSummaries"]) == 100
    return {"incidents": incidents, "plans": plans, **interleaved(consumers_page, owners_page, rounds, n)}


@mock_ssm_incidents
def main(rounds: int, incidents: int, plans: int) -> None:
    result = measure(rounds, 2, incidents, plans)
    print(
        f"ListIncidentRecords page of 100 over {incidents:,} incidents in {plans} shared plans: consumer "
        f"{result['subject_us'] / 1000:.1f} ms, owner {result['baseline_us'] / 1000:.1f} ms: {result['ratio']:.2f}x "
        f"[{result['ratio_low']:.2f}, {result['ratio_high']:.2f}] ({rounds} interleaved rounds)"
    )


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:4]]
    main(*(numbers + [41, 20_000, 40][len(numbers) :]))
