"""Incident Manager's ARNs: the kind of resource one names, and an incident record's plan and id.

An incident record's ARN is its plan's with ``incident-record`` for ``response-plan`` and the
incident's id appended: ``arn:<partition>:ssm-incidents::<account>:incident-record/<plan>/<id>``
belongs to ``...:response-plan/<plan>`` (the plan owner's account, also for a consumer's incident).
"""

from __future__ import annotations

import re

from ..core.arns import parse_arn

PLAN = "response-plan/"
RECORD = "incident-record/"
# The resource kind in an Incident Manager ARN and its ``resourceType`` in errors.
RESOURCE_TYPES = {
    "replication-set": "REPLICATION_SET",
    "response-plan": "RESPONSE_PLAN",
    "incident-record": "INCIDENT_RECORD",
}
_RECORD_ARN = re.compile(r"^(arn:[^:]+:ssm-incidents:[^:]*:[^:]*:)incident-record/([^/]+)/[^/]+$")


def resource_type(arn: str) -> str | None:
    """The ``resourceType`` errors give for the resource an ARN names (None: no kind of Incident Manager's)."""
    parsed = parse_arn(arn)
    return RESOURCE_TYPES.get(parsed.resource.split("/", 1)[0]) if parsed is not None else None


def record_arn(plan_arn: str, incident_id: str) -> str:
    """The ARN of the incident with this id started with the plan ``plan_arn``."""
    return plan_arn.replace(f":{PLAN}", f":{RECORD}", 1) + f"/{incident_id}"


def plan_of_record(arn: str) -> str | None:
    """The ARN of the response plan an incident record ARN sits under (None: ``arn`` names no incident record)."""
    match = _RECORD_ARN.match(arn)
    return f"{match.group(1)}{PLAN}{match.group(2)}" if match else None


def incident_id(incident_record_arn: str) -> str:
    """The id at the end of an incident record ARN (``.../incident-record/<plan>/<id>``)."""
    return incident_record_arn[-36:]


def plan_name(incident_record_arn: str) -> str:
    """The plan name in an incident record ARN (``.../incident-record/<plan>/<id>``)."""
    return incident_record_arn[:-37].rsplit("/", 1)[-1]
