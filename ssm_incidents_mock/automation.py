"""SSM Automation runbooks that response plans start for new incidents.

moto has no SSM Automation API, so the mock records each execution itself. Everything that
would talk to SSM goes through :func:`start_automation_execution`; wiring moto's SSM backend in
later means changing that one function.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from .context import RequestContext


class AutomationExecution:
    """One runbook execution started for an incident, with its resolved parameters."""

    __slots__ = (
        "arn",
        "document_name",
        "document_version",
        "execution_id",
        "incident_record_arn",
        "parameters",
        "role_arn",
        "start_time",
        "status",
        "target_account",
    )

    def __init__(
        self, ctx: RequestContext, automation: dict[str, Any], incident_arn: str, parameters: dict[str, list[str]]
    ) -> None:
        self.execution_id = str(uuid.uuid4())
        self.arn = f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account_id}:automation-execution/{self.execution_id}"
        self.document_name: str = automation["documentName"]
        self.document_version: str | None = automation.get("documentVersion")
        self.role_arn: str = automation["roleArn"]
        self.target_account: str | None = automation.get("targetAccount")
        self.parameters = parameters
        self.incident_record_arn = incident_arn
        self.start_time = time.time()
        self.status = "InProgress"


def resolve_parameters(
    automation: dict[str, Any], incident_arn: str, involved_resources: list[str]
) -> dict[str, list[str]]:
    """The runbook's static parameters plus its dynamic ones filled in from the incident."""
    values = {"INCIDENT_RECORD_ARN": [incident_arn], "INVOLVED_RESOURCES": involved_resources}
    parameters = {name: list(v) for name, v in (automation.get("parameters") or {}).items()}
    for name, dynamic in (automation.get("dynamicParameters") or {}).items():
        parameters[name] = list(values[dynamic["variable"]])
    return parameters


def start_automation_execution(
    ctx: RequestContext, automation: dict[str, Any], incident_arn: str, involved_resources: list[str]
) -> AutomationExecution:
    """Start the plan's runbook for an incident (recorded only; no SSM call is made)."""
    parameters = resolve_parameters(automation, incident_arn, involved_resources)
    return AutomationExecution(ctx, automation, incident_arn, parameters)
