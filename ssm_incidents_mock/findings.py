"""Findings of an incident: read through the API, seeded by tests.

On AWS, Incident Manager itself records CodeDeploy deployments and CloudFormation stack updates
that happened around an incident as its findings; no API call creates one. Tests seed them with
:func:`add_finding` (or ``SSMIncidentsMock.add_finding``), then read them with
ListIncidentFindings and BatchGetIncidentFindings.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .context import RequestContext
from .pagination import paginate
from .state import BackendState

if TYPE_CHECKING:
    from .incidents import IncidentRecord

DEFAULT_PAGE_SIZE = 20  # ListIncidentFindings maxResults is 1-20 in the model


class Finding:
    """One finding; ``details`` is the model's ``FindingDetails`` union as a plain dict."""

    __slots__ = ("creation_time", "details", "id", "last_modified_time", "seq")

    def __init__(self, details: dict[str, Any], creation_time: float, seq: int) -> None:
        self.id = str(uuid.uuid4())
        self.creation_time = creation_time
        self.last_modified_time = creation_time
        self.details = details
        self.seq = seq


def _epoch(value: float | datetime) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def add_finding(
    backend: BackendState,
    incident_arn: str,
    *,
    cloudformation_stack_arn: str | None = None,
    codedeploy_deployment_group_arn: str | None = None,
    deployment_id: str | None = None,
    start_time: float | datetime | None = None,
    end_time: float | datetime | None = None,
    creation_time: float | datetime | None = None,
) -> str:
    """Attach a finding to an incident record of ``backend``; return the finding's id.

    Give either ``cloudformation_stack_arn`` (a stack update) or ``codedeploy_deployment_group_arn``
    with ``deployment_id`` (a deployment). ``start_time`` defaults to now, ``end_time`` is left out
    (the operation is still running) unless given, ``creation_time`` defaults to now. Times are
    epoch seconds or datetimes. Raises ``ValueError`` for an unknown incident or bad arguments.
    """
    with backend.lock:
        record = backend.incidents.get(incident_arn)
        if record is None:
            raise ValueError(f"No incident record {incident_arn} in account {backend.account_id}.")
        now = time.time()
        start = now if start_time is None else _epoch(start_time)
        if (cloudformation_stack_arn is None) == (codedeploy_deployment_group_arn is None):
            raise ValueError("Give exactly one of cloudformation_stack_arn and codedeploy_deployment_group_arn.")
        if cloudformation_stack_arn is not None:
            if deployment_id is not None:
                raise ValueError("deployment_id belongs to a CodeDeploy finding.")
            body: dict[str, Any] = {"stackArn": cloudformation_stack_arn, "startTime": start}
            kind = "cloudFormationStackUpdate"
        else:
            if not deployment_id:
                raise ValueError("A CodeDeploy finding needs deployment_id.")
            body = {
                "deploymentGroupArn": codedeploy_deployment_group_arn,
                "deploymentId": deployment_id,
                "startTime": start,
            }
            kind = "codeDeployDeployment"
        if end_time is not None:
            body["endTime"] = _epoch(end_time)
        created = now if creation_time is None else _epoch(creation_time)
        finding = Finding({kind: body}, created, backend.next_seq())
        if record.findings is None:
            record.findings = {}
        record.findings[finding.id] = finding
        return finding.id


class FindingsMixin(BackendState):
    """BatchGetIncidentFindings and ListIncidentFindings."""

    def batch_get_incident_findings(
        self, ctx: RequestContext, incident_record_arn: str, finding_ids: list[str]
    ) -> tuple[list[Finding], list[dict[str, str]]]:
        record: IncidentRecord = self.incident(ctx, incident_record_arn)
        findings: list[Finding] = []
        errors: list[dict[str, str]] = []
        for finding_id in dict.fromkeys(finding_ids):  # each id answered once, in request order
            finding = record.findings.get(finding_id) if record.findings else None
            if finding is not None:
                findings.append(finding)
            else:
                errors.append(
                    {
                        "findingId": finding_id,
                        "code": "ResourceNotFoundException",
                        "message": f"Finding with ID '{finding_id}' is not accessible",
                    }
                )
        return findings, errors

    def list_incident_findings(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[Finding], str | None]:
        record: IncidentRecord = self.incident(ctx, incident_record_arn)
        ordered = sorted((record.findings or {}).values(), key=lambda f: f.seq, reverse=True)  # newest first

        def after(position: int | None) -> Any:
            return (f for f in ordered if position is None or f.seq < position)

        return paginate(
            "ListIncidentFindings",
            [incident_record_arn],
            after,
            lambda f: f.seq,
            max_results or DEFAULT_PAGE_SIZE,
            next_token,
        )
