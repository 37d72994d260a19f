"""Incident Manager's ARNs: an incident record's id, and the response plan it sits under.

An incident record ARN is its plan's with ``incident-record`` for ``response-plan`` and the
incident's id appended (``arn:<partition>:ssm-incidents::<account>:incident-record/<plan>/<id>``).
"""

from __future__ import annotations


def incident_id(incident_record_arn: str) -> str:
    """The id at the end of an incident record ARN (``.../incident-record/<plan>/<id>``)."""
    return incident_record_arn[-36:]


def plan_name(incident_record_arn: str) -> str:
    """The plan name in an incident record ARN (``.../incident-record/<plan>/<id>``)."""
    return incident_record_arn[:-37].rsplit("/", 1)[-1]
