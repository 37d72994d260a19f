"""moto's services calling into Incident Manager: alarms and EventBridge rules start incidents, and SSM's
StartAutomationExecution (which moto lacks) runs against moto's documents. ``install()`` hooks them
in through ``seam.hook_world``; each hook runs only when moto's service has something for us.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from moto.utilities.utils import get_partition

from .. import seam
from ..core import clock
from ..core.arns import account_of, partition_of
from ..core.context import RequestContext
from ..core.wire import codec
from . import SPEC, access, effects
from .exceptions import ServiceError
from .models import SSMIncidentsBackend

log = logging.getLogger(__name__)

ALARM_SOURCE = "aws.cloudwatch"
# CloudWatch's service-linked role for alarm actions that start incidents (its policy allows only
# ssm-incidents:StartIncident) and the service principal that assumes it.
ALARM_SERVICE = "ssm-incidents.alarms.cloudwatch.amazonaws.com"
ALARM_ROLE = "AWSServiceRoleForCloudWatchAlarms_ActionSSMIncidents"
EVENTS_SERVICE = "events.amazonaws.com"
MAX_EVENT_SIZE = 256 * 1024  # EventBridge's limit for one PutEvents entry
MAX_RAW_DATA = SPEC.model.shape_for("RawData").metadata["max"]
MAX_ARN = SPEC.model.shape_for("Arn").metadata["max"]


def install() -> None:
    """Let alarms, rules and moto's SSM reach Incident Manager. Idempotent."""
    seam.hook_world(on_alarm, on_event, start_automation)


# --- triggers ----------------------------------------------------------------------------------


def on_alarm(account: str, region: str, plan_arns: list[str], event: dict[str, Any]) -> None:
    """An alarm entered ALARM with response plans among its actions: start (or add to) an incident per plan."""
    partition = partition_of(event["resources"][0])
    trigger = {
        "source": ALARM_SOURCE,
        "triggerArn": event["resources"][0],
        "timestamp": _epoch(event["detail"]["state"]["timestamp"]),
        "rawData": raw_data(event),
    }
    role = f"arn:{partition}:iam::{account}:role/aws-service-role/{ALARM_SERVICE}/{ALARM_ROLE}"
    for plan_arn in plan_arns:
        _start(plan_arn, account, region, trigger, role, ALARM_SERVICE, [])


def on_event(account: str, region: str, rule_arn: str, target: dict[str, Any], event: dict[str, Any]) -> None:
    """An event matched a rule targeting a response plan: start (or add to) an incident."""
    caller = target.get("RoleArn") or rule_arn
    if account_of(caller) != account:
        log.warning("ssm-incidents-mock: rule %s: Cross-account pass role is not allowed (%s).", rule_arn, caller)
        return
    raw = raw_data(event)
    if raw is None:
        log.warning("ssm-incidents-mock: rule %s: an event over %d bytes is not delivered.", rule_arn, MAX_EVENT_SIZE)
        return
    trigger = {
        "source": str(event.get("source") or "aws.events")[:50],
        "triggerArn": rule_arn,
        "timestamp": _epoch(event.get("time")),
        "rawData": raw,
    }
    resources = event.get("resources")
    involved = [
        {"identifier": {"type": "INVOLVED_RESOURCE", "value": {"arn": arn}}}
        for arn in dict.fromkeys(resources if isinstance(resources, list) else ())
        if isinstance(arn, str) and arn.startswith("arn:") and len(arn) <= MAX_ARN
    ][:100]
    _start(target["Arn"], account, region, trigger, caller, EVENTS_SERVICE, involved)


def raw_data(event: dict[str, Any]) -> str | None:
    """The trigger's ``rawData``: the event as JSON, cut to the model's maximum (None: an event EventBridge refuses).

    EventBridge takes entries of at most 256 KB; Incident Manager keeps at most ``MAX_RAW_DATA`` characters.
    """
    try:
        text = codec.spaced(event)
    except (ValueError, TypeError, RecursionError):  # nested deeper than JSON can be written back
        text = codec.spaced({k: v for k, v in event.items() if k != "detail"})
    if len(text) > MAX_EVENT_SIZE:
        return None
    return text[:MAX_RAW_DATA]


def _start(
    plan_arn: str,
    account: str,
    region: str,
    trigger: dict[str, Any],
    caller: str,
    invoked_by: str,
    related_items: list[dict[str, Any]],
) -> None:
    """Start an incident as ``caller`` of ``account`` would with StartIncident: a plan of another account
    only if its resource policies share it, and never one of another partition."""
    try:
        ctx = RequestContext.acting_as(account, region, caller)
        if partition_of(plan_arn) != ctx.partition:
            raise access.no_resource_policy(ctx, "StartIncident", plan_arn)
        target = access.target(ctx, "StartIncident", {"responsePlanArn": plan_arn})
        backend = target.backend
        with backend.lock:
            if target.check is not None:
                target.check()
            ctx = RequestContext.acting_as(account, _incident_region(backend, region), caller)
            arn = backend.start_incident(ctx, plan_arn, trigger_details=trigger, related_items=related_items)
            record = backend.incidents.get(arn)
            if record is not None and record.invoked_by is None and record.trigger_arn == trigger["triggerArn"]:
                record.invoked_by = invoked_by
    except ServiceError as error:  # the alarm action or rule target fails; the alarm or event is unaffected
        log.warning("ssm-incidents-mock: %s did not start an incident: %s", trigger["triggerArn"], error.message)


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
    return clock.now()


def start_automation(
    account: str, region: str, name: str, version: str | None, parameters: dict[str, list[str]]
) -> dict[str, Any] | None:
    """SSM StartAutomationExecution against moto's documents and Amazon's own (moto 5.2 lacks it)."""
    resolved = effects.automation_document(account, region, name, version)
    if resolved is None:
        return None
    return effects.start_execution(
        get_partition(region), account, region, name, resolved, dict(parameters)
    ).description()
