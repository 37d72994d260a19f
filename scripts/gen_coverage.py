"""Generate docs/coverage.md: every ssm-incidents operation of the botocore model and whether the mock serves it.

An operation counts as implemented when a minimal valid request for it, sent in-process through
``ssm_incidents_mock.ssm_incidents.responses.handle``, is answered with its success code or with one of its
modeled client errors. A 500 (``InternalServerException``: "not implemented", or the mock failing)
counts as not implemented. The requests run in one scenario, so later calls use the identifiers
earlier calls returned (a plan ARN, an incident ARN, a timeline event id, ...).

    python scripts/gen_coverage.py           # rewrite docs/coverage.md
    python scripts/gen_coverage.py --check   # exit 1 if docs/coverage.md is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from botocore.serialize import create_serializer

from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.core.wire.http import Request
from ssm_incidents_mock.ssm_incidents import SPEC
from ssm_incidents_mock.ssm_incidents.responses import dispatch

ROOT = Path(__file__).resolve().parent.parent
COVERAGE_DOC = ROOT / "docs" / "coverage.md"
HOST = "ssm-incidents.us-east-1.amazonaws.com"
HEADERS = {
    "Content-Type": "application/json",
    "Authorization": "AWS4-HMAC-SHA256 Credential=FOOBARKEY/20260101/us-east-1/ssm-incidents/aws4_request",
}
# Used when the call that would have created the resource did not work.
FALLBACK_IDS = {
    "replication_set": "arn:aws:ssm-incidents::123456789012:replication-set/coverage",
    "plan": "arn:aws:ssm-incidents::123456789012:response-plan/coverage",
    "incident": "arn:aws:ssm-incidents::123456789012:incident-record/coverage/00000000-0000-0000-0000-000000000000",
    "event": "00000000-0000-0000-0000-000000000000",
    "policy": "coverage",
}

Ids = dict[str, str]
Step = tuple[str, Callable[[Ids], dict[str, Any]], Callable[[Ids, dict[str, Any]], None] | None]


def _keep(key: str, member: str) -> Callable[[Ids, dict[str, Any]], None]:
    def store(ids: Ids, output: dict[str, Any]) -> None:
        if isinstance(output.get(member), str):
            ids[key] = output[member]

    return store


def _policy(ids: Ids) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "111122223333"},
        "Action": ["ssm-incidents:GetResponsePlan"],
        "Resource": [ids["plan"]],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


_EVENT_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)
_RELATED_ITEM = {"identifier": {"type": "OTHER", "value": {"url": "https://example.com/runbook"}}}

# One minimal request per operation, in an order where each finds what it needs; deletions come last.
SCENARIO: list[Step] = [
    ("CreateReplicationSet", lambda ids: {"regions": {"us-east-1": {}}}, _keep("replication_set", "arn")),
    ("ListReplicationSets", lambda ids: {}, None),
    ("GetReplicationSet", lambda ids: {"arn": ids["replication_set"]}, None),
    (
        "UpdateReplicationSet",
        lambda ids: {"arn": ids["replication_set"], "actions": [{"addRegionAction": {"regionName": "us-west-2"}}]},
        None,
    ),
    ("UpdateDeletionProtection", lambda ids: {"arn": ids["replication_set"], "deletionProtected": False}, None),
    (
        "CreateResponsePlan",
        lambda ids: {"name": "coverage", "incidentTemplate": {"title": "coverage", "impact": 3}},
        _keep("plan", "arn"),
    ),
    ("ListResponsePlans", lambda ids: {}, None),
    ("GetResponsePlan", lambda ids: {"arn": ids["plan"]}, None),
    ("UpdateResponsePlan", lambda ids: {"arn": ids["plan"]}, None),
    (
        "PutResourcePolicy",
        lambda ids: {"resourceArn": ids["plan"], "policy": _policy(ids)},
        _keep("policy", "policyId"),
    ),
    ("GetResourcePolicies", lambda ids: {"resourceArn": ids["plan"]}, None),
    ("DeleteResourcePolicy", lambda ids: {"resourceArn": ids["plan"], "policyId": ids["policy"]}, None),
    ("TagResource", lambda ids: {"resourceArn": ids["plan"], "tags": {"team": "coverage"}}, None),
    ("ListTagsForResource", lambda ids: {"resourceArn": ids["plan"]}, None),
    ("UntagResource", lambda ids: {"resourceArn": ids["plan"], "tagKeys": ["team"]}, None),
    ("StartIncident", lambda ids: {"responsePlanArn": ids["plan"]}, _keep("incident", "incidentRecordArn")),
    ("ListIncidentRecords", lambda ids: {}, None),
    ("GetIncidentRecord", lambda ids: {"arn": ids["incident"]}, None),
    ("UpdateIncidentRecord", lambda ids: {"arn": ids["incident"]}, None),
    (
        "CreateTimelineEvent",
        lambda ids: {
            "incidentRecordArn": ids["incident"],
            "eventTime": _EVENT_TIME,
            "eventType": "Custom Event",
            "eventData": '"coverage"',
        },
        _keep("event", "eventId"),
    ),
    ("ListTimelineEvents", lambda ids: {"incidentRecordArn": ids["incident"]}, None),
    ("GetTimelineEvent", lambda ids: {"incidentRecordArn": ids["incident"], "eventId": ids["event"]}, None),
    ("UpdateTimelineEvent", lambda ids: {"incidentRecordArn": ids["incident"], "eventId": ids["event"]}, None),
    ("DeleteTimelineEvent", lambda ids: {"incidentRecordArn": ids["incident"], "eventId": ids["event"]}, None),
    (
        "UpdateRelatedItems",
        lambda ids: {"incidentRecordArn": ids["incident"], "relatedItemsUpdate": {"itemToAdd": _RELATED_ITEM}},
        None,
    ),
    ("ListRelatedItems", lambda ids: {"incidentRecordArn": ids["incident"]}, None),
    ("BatchGetIncidentFindings", lambda ids: {"incidentRecordArn": ids["incident"], "findingIds": ["coverage"]}, None),
    ("ListIncidentFindings", lambda ids: {"incidentRecordArn": ids["incident"]}, None),
    ("DeleteIncidentRecord", lambda ids: {"arn": ids["incident"]}, None),
    ("DeleteResponsePlan", lambda ids: {"arn": ids["plan"]}, None),
    ("DeleteReplicationSet", lambda ids: {"arn": ids["replication_set"]}, None),
]


def _send(operation: str, params: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
    """Serialize ``params`` as botocore would and answer them through the mock's dispatcher."""
    model = SPEC.model.operation_model(operation)
    wire = create_serializer("rest-json", include_validation=True).serialize_to_request(params, model)
    query = urlencode(wire["query_string"], doseq=True) if wire["query_string"] else ""
    request = Request(wire["method"], wire["url_path"], query, {**HEADERS, **wire["headers"]}, wire["body"])
    status, headers, body = dispatch(request, HOST)
    return status, headers, json.loads(body) if body else {}


def probe(verbose: bool = False) -> dict[str, bool]:
    """Operation name -> implemented, from one in-process run of ``SCENARIO``."""
    missing = set(SPEC.operations) - {name for name, _, _ in SCENARIO}
    if missing:
        raise SystemExit(f"gen_coverage.py has no minimal request for: {', '.join(sorted(missing))}")
    implemented: dict[str, bool] = {}
    ids: Ids = dict(FALLBACK_IDS)
    with mock_ssm_incidents(strict=False):
        for operation, build, store in SCENARIO:
            status, headers, output = _send(operation, build(ids))
            implemented[operation] = status != 500
            if verbose:
                print(f"{operation:26} {status} {headers.get('x-amzn-ErrorType', '')} {output.get('message', '')}")
            if status == SPEC.operations[operation].success_status and store is not None:
                store(ids, output)
    return implemented


def render(implemented: dict[str, bool]) -> str:
    """The Markdown page for ``implemented`` (operation name -> bool)."""
    count = sum(implemented[name] for name in SPEC.operations)
    lines = [
        "# Operation coverage",
        "",
        "<!-- Generated by scripts/gen_coverage.py; do not edit by hand. "
        "tests/clients/test_coverage_doc.py fails when this page is stale. -->",
        "",
        f"**{count}/{len(SPEC.operations)}** operations of the botocore `ssm-incidents` model are implemented.",
        "",
        "An operation is implemented (✓) when a minimal valid request, sent in-process through the mock's",
        "dispatcher, is answered with its success code or one of its modeled client errors; ✗ means the",
        "mock answers HTTP 500 (`InternalServerException`).",
        "",
        "| Operation | HTTP method and URI | Success code | Implemented |",
        "|---|---|---|---|",
    ]
    for name in sorted(SPEC.operations):
        op = SPEC.operations[name]
        mark = "✓" if implemented[name] else "✗"
        lines.append(f"| {name} | `{op.http_method} {op.request_uri}` | {op.success_status} | {mark} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/coverage.md is stale")
    parser.add_argument("--verbose", action="store_true", help="print each operation's answer")
    args = parser.parse_args(argv)
    text = render(probe(args.verbose))
    if args.check:
        current = COVERAGE_DOC.read_text(encoding="utf-8") if COVERAGE_DOC.exists() else ""
        if current != text:
            print(f"{COVERAGE_DOC.relative_to(ROOT)} is stale: run python scripts/gen_coverage.py", file=sys.stderr)
            return 1
        return 0
    COVERAGE_DOC.parent.mkdir(parents=True, exist_ok=True)
    COVERAGE_DOC.write_text(text, encoding="utf-8")
    print(text.splitlines()[4])
    return 0


if __name__ == "__main__":
    sys.exit(main())
