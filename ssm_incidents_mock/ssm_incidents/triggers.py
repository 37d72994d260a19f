"""moto's services calling into Incident Manager: alarms and EventBridge rules start incidents, and SSM's
StartAutomationExecution (which moto lacks) runs against moto's documents. ``install()`` hooks them
in through ``seam.hook_world``; each hook runs only when moto's service has something for us.
"""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

from moto.utilities.utils import get_partition

from .. import seam
from ..core.context import RequestContext
from .models import SSMIncidentsBackend, ssmincidents_backends
from .records import AutomationExecution

ALARM_SOURCE = "aws.cloudwatch"
# CloudWatch's service-linked role for alarm actions that start incidents (its policy allows only
# ssm-incidents:StartIncident) and the service principal that assumes it.
ALARM_SERVICE = "ssm-incidents.alarms.cloudwatch.amazonaws.com"
ALARM_ROLE = "AWSServiceRoleForCloudWatchAlarms_ActionSSMIncidents"
EVENTS_SERVICE = "events.amazonaws.com"


def install() -> None:
    """Let alarms, rules and moto's SSM reach Incident Manager. Idempotent."""
    seam.hook_world(on_alarm, on_event, start_automation)


# --- triggers ----------------------------------------------------------------------------------


def on_alarm(account: str, region: str, plan_arns: list[str], event: dict[str, Any]) -> None:
    """An alarm entered ALARM with response plans among its actions: start (or add to) an incident per plan."""
    partition = event["resources"][0].split(":", 2)[1]
    trigger = {
        "source": ALARM_SOURCE,
        "triggerArn": event["resources"][0],
        "timestamp": _epoch(event["detail"]["state"]["timestamp"]),
        "rawData": json.dumps(event),
    }
    role = f"arn:{partition}:iam::{account}:role/aws-service-role/{ALARM_SERVICE}/{ALARM_ROLE}"
    for plan_arn in plan_arns:
        _start(plan_arn, region, trigger, role, ALARM_SERVICE, [])


def on_event(account: str, region: str, rule_arn: str, target: dict[str, Any], event: dict[str, Any]) -> None:
    """An event matched a rule targeting a response plan: start (or add to) an incident."""
    trigger = {
        "source": str(event.get("source") or "aws.events")[:50],
        "triggerArn": rule_arn,
        "timestamp": _epoch(event.get("time")),
        "rawData": json.dumps(event),
    }
    involved = [
        {"identifier": {"type": "INVOLVED_RESOURCE", "value": {"arn": arn}}}
        for arn in dict.fromkeys(event.get("resources") or ())
        if isinstance(arn, str) and arn.startswith("arn:")
    ][:100]
    caller = target.get("RoleArn") or rule_arn
    _start(target["Arn"], region, trigger, caller, EVENTS_SERVICE, involved)


def _start(
    plan_arn: str,
    region: str,
    trigger: dict[str, Any],
    caller: str,
    invoked_by: str,
    related_items: list[dict[str, Any]],
) -> None:
    _, partition, _, _, plan_account, _ = plan_arn.split(":", 5)
    backend = ssmincidents_backends[plan_account][partition]
    with backend.lock:
        ctx = RequestContext.acting_as(plan_account, _incident_region(backend, region), caller)
        arn = backend.start_incident(ctx, plan_arn, trigger_details=trigger, related_items=related_items)
        record = backend.incidents.get(arn)
        if record is not None and record.invoked_by is None and record.trigger_arn == trigger["triggerArn"]:
            record.invoked_by = invoked_by


def _incident_region(backend: SSMIncidentsBackend, region: str) -> str:
    """The alarm's or rule's region if the replication set holds it, else the set's first region (UG)."""
    rs = backend.replication_set
    if rs is None or region in rs.region_map or not rs.region_map:
        return region
    return next(iter(rs.region_map))


def _epoch(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.replace("Z", "+00:00")
        if text.endswith("+0000"):
            text = text[:-5] + "+00:00"
        try:
            return datetime.datetime.fromisoformat(text).timestamp()
        except ValueError:
            pass
    return time.time()


def start_automation(
    account: str, region: str, name: str, version: str | None, parameters: dict[str, list[str]]
) -> dict[str, Any] | None:
    """SSM StartAutomationExecution against moto's documents (moto 5.2 lacks it)."""
    resolved = seam.automation_document(account, region, name, version)
    if resolved is None:
        return None
    execution = AutomationExecution(get_partition(region), account, region, name, resolved, dict(parameters))
    description = execution.description()
    seam.automation_executions(account, region)[execution.execution_id] = description
    return description
