"""What Incident Manager did elsewhere: runbook executions in moto's SSM, engagements, notifications."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ...core import clock


class AutomationExecution:
    """One runbook execution started in moto's SSM (by a response plan for an incident, or by
    StartAutomationExecution), with its resolved parameters. Nothing runs: it stays ``InProgress``.
    """

    __slots__ = (
        "account_id",
        "arn",
        "document_name",
        "document_version",
        "execution_id",
        "incident_record_arn",
        "parameters",
        "region",
        "role_arn",
        "start_time",
        "status",
        "target_account",
    )

    def __init__(
        self,
        execution_id: str,
        partition: str,
        account_id: str,
        region: str,
        document_name: str,
        document_version: str,
        parameters: dict[str, list[str]],
    ) -> None:
        self.execution_id = execution_id
        self.arn = f"arn:{partition}:ssm:{region}:{account_id}:automation-execution/{self.execution_id}"
        self.account_id = account_id
        self.region = region
        self.document_name = document_name
        self.document_version = document_version  # the version that ran ($DEFAULT/$LATEST resolved)
        self.parameters = parameters
        # a plan's runbook: the incident it runs for, and the plan's role and target account
        self.incident_record_arn: str | None = None
        self.role_arn: str | None = None
        self.target_account: str | None = None
        self.start_time = clock.now()
        self.status = "InProgress"

    def description(self) -> dict[str, Any]:
        """What SSM's GetAutomationExecution says about it."""
        return {
            "AutomationExecutionId": self.execution_id,
            "DocumentName": self.document_name,
            "DocumentVersion": self.document_version,
            "ExecutionStartTime": datetime.fromtimestamp(self.start_time, timezone.utc),
            "AutomationExecutionStatus": self.status,
            "Parameters": {name: list(values) for name, values in self.parameters.items()},
            "Mode": "Auto",
        }


def resolve_parameters(
    automation: dict[str, Any], incident_arn: str, involved_resources: list[str]
) -> dict[str, list[str]]:
    """The runbook's static parameters plus its dynamic ones filled in from the incident."""
    values = {"INCIDENT_RECORD_ARN": [incident_arn], "INVOLVED_RESOURCES": involved_resources}
    parameters = {name: list(v) for name, v in (automation.get("parameters") or {}).items()}
    for name, dynamic in (automation.get("dynamicParameters") or {}).items():
        parameters[name] = list(values[dynamic["variable"]])
    return parameters


class Engagement:
    """A contact a response plan engaged for a new incident: ``engagement_arn`` is the engagement
    ssm-contacts started, None when the contact does not exist there (nobody is paged)."""

    __slots__ = ("contact_arn", "engagement_arn", "incident_record_arn", "response_plan_arn", "start_time")

    def __init__(
        self,
        contact_arn: str,
        incident_record_arn: str,
        response_plan_arn: str,
        start_time: float,
        engagement_arn: str | None = None,
    ) -> None:
        self.contact_arn = contact_arn
        self.incident_record_arn = incident_record_arn
        self.response_plan_arn = response_plan_arn
        self.start_time = start_time
        self.engagement_arn = engagement_arn


class Notification:
    """One message Incident Manager published to an SNS topic about an incident.

    ``message_id`` is SNS's id, or None when publishing failed (then ``error`` says why).
    """

    __slots__ = ("error", "incident_record_arn", "message", "message_id", "topic_arn")

    def __init__(
        self, topic_arn: str, incident_record_arn: str, message: str, message_id: str | None, error: str | None
    ) -> None:
        self.topic_arn = topic_arn
        self.incident_record_arn = incident_record_arn
        self.message = message
        self.message_id = message_id
        self.error = error
