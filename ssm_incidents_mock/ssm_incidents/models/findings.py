"""Findings of an incident record (seeded by tests through the mock's ``add_finding``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.context import RequestContext
from ..records.incidents import Finding
from .state import BackendState

FINDINGS_PAGE_SIZE = 20  # ListIncidentFindings maxResults is 1-20 in the model


class FindingOperations(BackendState):
    """BatchGetIncidentFindings, ListIncidentFindings; ``add_finding`` for the mock's inspector."""

    def add_finding(self, incident_arn: str, details: dict[str, Any], creation_time: float) -> str:
        """Attach a finding (a ``FindingDetails`` union) to an incident record; return its id."""
        record = self.incidents.get(incident_arn)
        if record is None:
            raise ValueError(f"No incident record {incident_arn} in account {self.account_id}.")
        finding = Finding(details, creation_time, self.next_seq(), taken=record.findings or ())
        if record.findings is None:
            record.findings = {}
        record.findings[finding.id] = finding
        return finding.id

    def batch_get_incident_findings(
        self, ctx: RequestContext, incident_record_arn: str, finding_ids: list[str]
    ) -> dict[str, list[Any]]:
        record = self.incident(ctx, incident_record_arn)
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
        return {"findings": findings, "errors": errors}

    def list_incident_findings(
        self,
        ctx: RequestContext,
        incident_record_arn: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[Finding], str | None]:
        record = self.incident(ctx, incident_record_arn)
        ordered = sorted((record.findings or {}).values(), key=lambda f: f.seq, reverse=True)  # newest first

        def after(position: int | None) -> Iterator[Finding]:
            return (f for f in ordered if position is None or f.seq < position)

        return self._page(
            "ListIncidentFindings",
            [incident_record_arn],
            after,
            lambda f: f.seq,
            max_results or FINDINGS_PAGE_SIZE,
            next_token,
        )
