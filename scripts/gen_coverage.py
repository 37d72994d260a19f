"""Generate docs/coverage.md: every operation of Incident Manager's two botocore models (``ssm-incidents``
and ``ssm-contacts``) and whether the mock serves it.

An operation counts as implemented when a minimal valid request for it, sent in-process through the
service's dispatcher (``ssm_incidents_mock.ssm_incidents.responses.dispatch``,
``ssm_incidents_mock.ssm_contacts.responses.dispatch``), is answered with its success code or with one of
its modeled client errors. A 500 (``InternalServerException``: "not implemented", or the mock failing)
counts as not implemented. Each service's requests run in one scenario, so later calls use the
identifiers earlier calls returned (a plan ARN, an incident ARN, a contact ARN, a page ARN, ...).

    python scripts/gen_coverage.py           # rewrite docs/coverage.md
    python scripts/gen_coverage.py --check   # exit 1 if docs/coverage.md is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

from botocore.serialize import create_serializer

from ssm_incidents_mock import SSMIncidentsMock, mock_ssm_incidents
from ssm_incidents_mock.core.wire.http import Request, Response
from ssm_incidents_mock.core.wire.model import ServiceSpec
from ssm_incidents_mock.ssm_contacts import SPEC as CONTACTS_SPEC
from ssm_incidents_mock.ssm_contacts import responses as contacts_responses
from ssm_incidents_mock.ssm_incidents import SPEC
from ssm_incidents_mock.ssm_incidents import responses as incidents_responses

ROOT = Path(__file__).resolve().parent.parent
COVERAGE_DOC = ROOT / "docs" / "coverage.md"
INCIDENTS = "ssm-incidents"
CONTACTS = "ssm-contacts"
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


def _policy(action: str, resource: str) -> str:
    """A resource policy granting account 111122223333 ``action`` on ``resource``."""
    statement = {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": [action], "Resource": [resource]}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


_EVENT_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)
_RELATED_ITEM = {"identifier": {"type": "OTHER", "value": {"url": "https://example.com/runbook"}}}

# One minimal request per operation, in an order where each finds what it needs; deletions come last.
INCIDENTS_SCENARIO: list[Step] = [
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
        lambda ids: {"resourceArn": ids["plan"], "policy": _policy("ssm-incidents:GetResponsePlan", ids["plan"])},
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


_CONTACT_FALLBACK_IDS = {
    "contact": "arn:aws:ssm-contacts:us-east-1:123456789012:contact/coverage",
    "channel": "arn:aws:ssm-contacts:us-east-1:123456789012:contact-channel/coverage/00000000-0000-0000-0000-000000000000",
    "engagement": "arn:aws:ssm-contacts:us-east-1:123456789012:engagement/coverage/00000000-0000-0000-0000-000000000000",
    "page": "arn:aws:ssm-contacts:us-east-1:123456789012:page/coverage/00000000-0000-0000-0000-000000000000",
    "rotation": "arn:aws:ssm-contacts:us-east-1:123456789012:rotation/coverage/00000000-0000-0000-0000-000000000000",
    "override": "00000000-0000-0000-0000-000000000000",
}


def _first_page(ids: Ids, output: dict[str, Any]) -> None:
    pages = output.get("Pages") or []
    if pages and isinstance(pages[0].get("PageArn"), str):
        ids["page"] = pages[0]["PageArn"]


def _codes() -> Any:
    """The inspector of the scenario's account and region (activation and accept codes)."""
    return SSMIncidentsMock().contacts_backend()


def _soon(days: int) -> datetime:
    """Midnight UTC ``days`` after today, so that overrides and windows lie ahead of the clock."""
    today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=days)


_RECURRENCE = {"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1, "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}]}


def _plan_paging(ids: Ids) -> dict[str, Any]:
    target = {"ChannelTargetInfo": {"ContactChannelId": ids["channel"], "RetryIntervalInMinutes": 1}}
    return {"Stages": [{"DurationInMinutes": 5, "Targets": [target]}]}


def _engagement(ids: Ids) -> dict[str, Any]:
    return {"ContactId": ids["contact"], "Sender": "coverage", "Subject": "coverage", "Content": "coverage"}


def _page(ids: Ids) -> dict[str, Any]:
    return {"PageId": ids["page"], "AcceptType": "READ", "AcceptCode": _codes().accept_code(ids["page"]) or "0"}


def _activation(ids: Ids) -> dict[str, Any]:
    code = _codes().activation_code(ids["channel"]) or "000000"
    return {"ContactChannelId": ids["channel"], "ActivationCode": code}


def _override(ids: Ids) -> dict[str, Any]:
    return {
        "RotationId": ids["rotation"],
        "NewContactIds": [ids["contact"]],
        "StartTime": _soon(1),
        "EndTime": _soon(2),
    }


def _window(ids: Ids) -> dict[str, Any]:
    return {"RotationId": ids["rotation"], "StartTime": _soon(0), "EndTime": _soon(7)}


def _rotation_override(ids: Ids) -> dict[str, Any]:
    return {"RotationId": ids["rotation"], "RotationOverrideId": ids["override"]}


CONTACTS_SCENARIO: list[Step] = [
    (
        "CreateContact",
        lambda ids: {"Alias": "coverage", "Type": "PERSONAL", "Plan": {"Stages": []}},
        _keep("contact", "ContactArn"),
    ),
    ("ListContacts", lambda ids: {}, None),
    ("GetContact", lambda ids: {"ContactId": ids["contact"]}, None),
    (
        "CreateContactChannel",
        lambda ids: {
            "ContactId": ids["contact"],
            "Name": "coverage",
            "Type": "EMAIL",
            "DeliveryAddress": {"SimpleAddress": "coverage@example.com"},
        },
        _keep("channel", "ContactChannelArn"),
    ),
    ("ListContactChannels", lambda ids: {"ContactId": ids["contact"]}, None),
    ("GetContactChannel", lambda ids: {"ContactChannelId": ids["channel"]}, None),
    ("UpdateContactChannel", lambda ids: {"ContactChannelId": ids["channel"], "Name": "coverage-email"}, None),
    ("SendActivationCode", lambda ids: {"ContactChannelId": ids["channel"]}, None),
    ("ActivateContactChannel", _activation, None),
    ("UpdateContact", lambda ids: {"ContactId": ids["contact"], "Plan": _plan_paging(ids)}, None),
    (
        "PutContactPolicy",
        lambda ids: {"ContactArn": ids["contact"], "Policy": _policy("ssm-contacts:GetContact", ids["contact"])},
        None,
    ),
    ("GetContactPolicy", lambda ids: {"ContactArn": ids["contact"]}, None),
    ("TagResource", lambda ids: {"ResourceARN": ids["contact"], "Tags": [{"Key": "team", "Value": "coverage"}]}, None),
    ("ListTagsForResource", lambda ids: {"ResourceARN": ids["contact"]}, None),
    ("UntagResource", lambda ids: {"ResourceARN": ids["contact"], "TagKeys": ["team"]}, None),
    ("StartEngagement", _engagement, _keep("engagement", "EngagementArn")),
    ("ListEngagements", lambda ids: {}, None),
    ("DescribeEngagement", lambda ids: {"EngagementId": ids["engagement"]}, None),
    ("ListPagesByEngagement", lambda ids: {"EngagementId": ids["engagement"]}, _first_page),
    ("ListPagesByContact", lambda ids: {"ContactId": ids["contact"]}, None),
    ("DescribePage", lambda ids: {"PageId": ids["page"]}, None),
    ("AcceptPage", _page, None),
    ("ListPageReceipts", lambda ids: {"PageId": ids["page"]}, None),
    ("ListPageResolutions", lambda ids: {"PageId": ids["page"]}, None),
    ("StopEngagement", lambda ids: {"EngagementId": ids["engagement"]}, None),
    (
        "CreateRotation",
        lambda ids: {
            "Name": "coverage",
            "ContactIds": [ids["contact"]],
            "TimeZoneId": "UTC",
            "StartTime": _soon(0),
            "Recurrence": _RECURRENCE,
        },
        _keep("rotation", "RotationArn"),
    ),
    ("ListRotations", lambda ids: {}, None),
    ("GetRotation", lambda ids: {"RotationId": ids["rotation"]}, None),
    ("UpdateRotation", lambda ids: {"RotationId": ids["rotation"], "Recurrence": _RECURRENCE}, None),
    ("ListRotationShifts", _window, None),
    (
        "ListPreviewRotationShifts",
        lambda ids: {"EndTime": _soon(7), "Members": ["coverage"], "TimeZoneId": "UTC", "Recurrence": _RECURRENCE},
        None,
    ),
    ("CreateRotationOverride", _override, _keep("override", "RotationOverrideId")),
    ("ListRotationOverrides", _window, None),
    ("GetRotationOverride", _rotation_override, None),
    ("DeleteRotationOverride", _rotation_override, None),
    ("DeleteRotation", lambda ids: {"RotationId": ids["rotation"]}, None),
    ("DeactivateContactChannel", lambda ids: {"ContactChannelId": ids["channel"]}, None),
    ("DeleteContactChannel", lambda ids: {"ContactChannelId": ids["channel"]}, None),
    ("DeleteContact", lambda ids: {"ContactId": ids["contact"]}, None),
]


class Probed(NamedTuple):
    """One service of the page: its model, dispatcher, scenario and how its table shows a request."""

    name: str
    spec: ServiceSpec
    dispatch: Callable[[Request, str], Response]
    scenario: list[Step]
    fallback_ids: Ids

    @property
    def protocol(self) -> str:
        return str(self.spec.model.metadata["protocol"])

    def request_cell(self, operation: str) -> str:
        """How the table shows the operation's HTTP binding."""
        if self.protocol == "json":
            target = f"{self.spec.model.metadata['targetPrefix']}.{operation}"
            return f"`POST /` with `X-Amz-Target: {target}`"
        op = self.spec.operations[operation]
        return f"`{op.http_method} {op.request_uri}`"


def _services() -> list[Probed]:
    """The two services, looked up on each call so that a test's monkeypatching is seen."""
    return [
        Probed(INCIDENTS, SPEC, incidents_responses.dispatch, INCIDENTS_SCENARIO, FALLBACK_IDS),
        Probed(CONTACTS, CONTACTS_SPEC, contacts_responses.dispatch, CONTACTS_SCENARIO, _CONTACT_FALLBACK_IDS),
    ]


def _send(service: Probed, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any]]:
    """Serialize ``params`` as botocore would and answer them through the service's dispatcher."""
    model = service.spec.model.operation_model(operation)
    wire = create_serializer(service.protocol, include_validation=True).serialize_to_request(params, model)
    query = urlencode(wire["query_string"], doseq=True) if wire["query_string"] else ""
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"AWS4-HMAC-SHA256 Credential=FOOBARKEY/20260101/us-east-1/{service.name}/aws4_request",
        **wire["headers"],
    }
    request = Request(wire["method"], wire["url_path"], query, headers, wire["body"])
    status, response_headers, body = service.dispatch(request, f"{service.name}.us-east-1.amazonaws.com")
    return status, response_headers, json.loads(body) if body else {}


def _run(service: Probed, verbose: bool) -> dict[str, bool]:
    """Operation name -> implemented, from one run of the service's scenario (inside the mock)."""
    missing = set(service.spec.operations) - {name for name, _, _ in service.scenario}
    if missing:
        raise SystemExit(f"gen_coverage.py has no minimal {service.name} request for: {', '.join(sorted(missing))}")
    implemented: dict[str, bool] = {}
    ids: Ids = dict(service.fallback_ids)
    for operation, build, store in service.scenario:
        status, headers, output = _send(service, operation, build(ids))
        implemented[operation] = status != 500
        if verbose:
            error = headers.get("x-amzn-ErrorType", "")
            print(
                f"{service.name:14} {operation:26} {status} {error} {output.get('message', output.get('Message', ''))}"
            )
        if status == service.spec.operations[operation].success_status and store is not None:
            store(ids, output)
    return implemented


def probe(verbose: bool = False) -> dict[str, dict[str, bool]]:
    """Service name -> operation name -> implemented, from one in-process run of each scenario.

    ssm-contacts runs after a replication set was created again, as contacts need one.
    """
    incidents, contacts = _services()
    with mock_ssm_incidents(strict=False):
        result = {INCIDENTS: _run(incidents, verbose)}
        _send(incidents, "CreateReplicationSet", {"regions": {"us-east-1": {}}})
        result[CONTACTS] = _run(contacts, verbose)
    return result


def _table(service: Probed, implemented: dict[str, bool]) -> list[str]:
    column = "HTTP method and URI" if service.protocol != "json" else "HTTP request"
    protocol = service.protocol
    if protocol == "json":
        protocol += f" {service.spec.model.metadata['jsonVersion']}"
    lines = [
        f"## {service.name}",
        "",
        f"{len(service.spec.operations)} operations, protocol `{protocol}`.",
        "",
        f"| Operation | {column} | Success code | Implemented |",
        "|---|---|---|---|",
    ]
    for name in sorted(service.spec.operations):
        mark = "✓" if implemented[name] else "✗"
        status = service.spec.operations[name].success_status
        lines.append(f"| {name} | {service.request_cell(name)} | {status} | {mark} |")
    return lines


def render(implemented: dict[str, dict[str, bool]]) -> str:
    """The Markdown page for ``implemented`` (service name -> operation name -> bool)."""
    services = _services()
    count = sum(implemented[s.name][name] for s in services for name in s.spec.operations)
    total = sum(len(s.spec.operations) for s in services)
    parts = ", ".join(f"`{s.name}` {len(s.spec.operations)}" for s in services)
    lines = [
        "# Operation coverage",
        "",
        "<!-- Generated by scripts/gen_coverage.py; do not edit by hand. "
        "tests/clients/test_coverage_doc.py fails when this page is stale. -->",
        "",
        f"**{count}/{total}** operations of Incident Manager's two botocore models ({parts}) are implemented.",
        "",
        "An operation is implemented (✓) when a minimal valid request, sent in-process through the mock's",
        "dispatcher, is answered with its success code or one of its modeled client errors; ✗ means the",
        "mock answers HTTP 500 (`InternalServerException`).",
    ]
    for service in services:
        lines += ["", *_table(service, implemented[service.name])]
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
