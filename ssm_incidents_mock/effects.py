"""What Incident Manager does in the rest of AWS, played against moto's services.

- CloudWatch alarms and EventBridge rules whose action/target is a response plan start incidents
  (``on_alarm``/``on_event``, reached through ``seam.hook_world``);
- incidents notify their SNS topics (``notify``), run their plan's runbooks in moto's SSM
  (``start_runbook``) and record the engagements the plan would start (``record_engagements``).

Every effect is reached only when there is something to do: calls that trigger none pay nothing.
Choices where AWS is silent are listed in docs/behaviour.md ("With the rest of moto").
"""

from __future__ import annotations

import datetime
import json
import re
import time
from typing import TYPE_CHECKING, Any

from . import seam
from .context import RequestContext
from .ids import random_uuid
from .records import AutomationExecution, Engagement, IncidentRecord, Notification, ResponsePlan, resolve_parameters
from .wire.codec import compact

if TYPE_CHECKING:
    from .models import SSMIncidentsBackend

ALARM_SOURCE = "aws.cloudwatch"
# CloudWatch's service-linked role for alarm actions that start incidents (its policy allows only
# ssm-incidents:StartIncident) and the service principal that assumes it.
ALARM_SERVICE = "ssm-incidents.alarms.cloudwatch.amazonaws.com"
ALARM_ROLE = "AWSServiceRoleForCloudWatchAlarms_ActionSSMIncidents"
EVENTS_SERVICE = "events.amazonaws.com"
NOTIFICATION_SOURCE = "aws.ssm-incidents"
START_FAILURE = "SSM Automation Execution Start Failure for Incident"
NO_DOCUMENT = "The specified document does not exist."
# Triggers Incident Manager deduplicates by default: the same alarm, the same EventBridge rule.
_DEDUPED_TRIGGER = re.compile(r"arn:aws[a-z-]*:(?:cloudwatch:[^:]*:\d{12}:alarm:.+|events:[^:]*:\d{12}:rule/.+)")


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
    from .models import ssmincidents_backends

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


def trigger_dedupe_key(plan_arn: str, trigger_details: dict[str, Any] | None) -> str | None:
    """What a start without a template dedupe string folds in by: the plan and the alarm or rule.

    The alarm action itself is a StartIncident call with triggerDetails, so a direct call naming the
    same alarm or rule is deduplicated alike.
    """
    trigger_arn = (trigger_details or {}).get("triggerArn")
    if trigger_arn and _DEDUPED_TRIGGER.fullmatch(trigger_arn):
        return f"{plan_arn}\n{trigger_arn}"
    return None


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


# --- notifications -----------------------------------------------------------------------------


def notify(
    backend: SSMIncidentsBackend,
    ctx: RequestContext,
    record: IncidentRecord,
    detail_type: str,
    changes: tuple[tuple[str, str], ...] = (),
) -> None:
    """Publish what happened to the incident to its notification targets and chat channel topics.

    A topic that cannot take the message (missing, FIFO, ...) is skipped and the failure recorded:
    the call that changed the incident never fails because of it.
    """
    topics = [t["snsTopicArn"] for t in record.notification_targets if "snsTopicArn" in t]
    topics += (record.chat_channel or {}).get("chatbotSns") or []
    if not topics:
        return
    detail: dict[str, Any] = {
        "incidentRecordArn": record.arn,
        "incidentTitle": record.title,
        "status": record.status,
        "impact": record.impact,
    }
    if changes:
        detail["modifiedBy"] = ctx.caller_arn
        detail["modifiedAttributes"] = [{"attributeName": n, "newValue": v} for n, v in changes]
    else:
        detail["createdBy"] = record.created_by
        detail["source"] = record.source
        if record.trigger_arn:
            detail["triggerArn"] = record.trigger_arn
    message = compact(
        {
            "version": "0",
            "id": random_uuid(),
            "detail-type": detail_type,
            "source": NOTIFICATION_SOURCE,
            "account": backend.account_id,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "region": ctx.region,
            "resources": [record.arn],
            "detail": detail,
        }
    )
    for topic in dict.fromkeys(topics):
        try:
            sent: Notification = Notification(topic, record.arn, message, seam.sns_publish(topic, message), None)
        except Exception as error:  # whatever SNS refuses, the incident call succeeds
            sent = Notification(topic, record.arn, message, None, f"{type(error).__name__}: {error}")
        backend.notifications.append(sent)


# --- runbooks ----------------------------------------------------------------------------------


def start_runbook(
    backend: SSMIncidentsBackend, ctx: RequestContext, record: IncidentRecord, automation: dict[str, Any]
) -> AutomationExecution | None:
    """Start the plan's runbook in moto's SSM of the target account and the incident's region.

    None when that SSM has no Automation document of that name and version.
    """
    owner = backend.account_id
    account = owner
    if automation.get("targetAccount") == "IMPACTED_ACCOUNT" and record.trigger_arn:
        account = record.trigger_arn.split(":", 5)[4] or owner
    version = seam.automation_document(
        account, ctx.region, automation["documentName"], automation.get("documentVersion")
    )
    if version is None:
        return None
    involved = [
        item.value for item in record.related_items if item.item_type == "INVOLVED_RESOURCE" and item.value_key == "arn"
    ]
    execution = AutomationExecution(
        ctx.partition,
        account,
        ctx.region,
        automation["documentName"],
        version,
        resolve_parameters(automation, record.arn, involved),
        role_arn=automation["roleArn"],
        target_account=automation.get("targetAccount"),
        incident_record_arn=record.arn,
    )
    seam.automation_executions(account, ctx.region)[execution.execution_id] = execution.description()
    return execution


def start_failure_data(automation: dict[str, Any]) -> str:
    """The eventData of the start-failure timeline event (AWS's is unpublished)."""
    data = {"documentName": automation["documentName"], "errorMessage": NO_DOCUMENT}
    if automation.get("documentVersion"):
        data["documentVersion"] = automation["documentVersion"]
    return compact(data)


def start_automation(
    account: str, region: str, name: str, version: str | None, parameters: dict[str, list[str]]
) -> dict[str, Any] | None:
    """SSM StartAutomationExecution against moto's documents (moto 5.2 lacks it)."""
    resolved = seam.automation_document(account, region, name, version)
    if resolved is None:
        return None
    from moto.utilities.utils import get_partition

    execution = AutomationExecution(get_partition(region), account, region, name, resolved, dict(parameters))
    description = execution.description()
    seam.automation_executions(account, region)[execution.execution_id] = description
    return description


# --- engagements -------------------------------------------------------------------------------


def record_engagements(backend: SSMIncidentsBackend, plan: ResponsePlan, record: IncidentRecord) -> None:
    """Record the contacts the plan engages for a new incident (nobody is paged: ssm-contacts is not in moto)."""
    for contact_arn in plan.engagements or ():
        backend.engagements.append(Engagement(contact_arn, record.arn, plan.arn, record.creation_time))
