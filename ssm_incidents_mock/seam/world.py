"""moto's world: CloudWatch alarms, EventBridge rules, SNS, the state manager and moto's random."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from moto.moto_api import state_manager
from moto.moto_api._internal import mock_random
from moto.moto_api._internal.managed_state_model import ManagedState as ManagedState

from . import ssm
from .ssm import AutomationStarter

log = logging.getLogger(__name__)


# --- moto's world ----------------------------------------------------------------------------------
# Incident Manager acts on and is acted on by other services moto serves. The internals used:
#
# - ``moto.cloudwatch.models.Alarm.update_state``: the one place an alarm changes state (SetAlarmState,
#   and any evaluation moto may gain), wrapped to see alarms entering ALARM;
# - ``moto.events.models.Rule.send_to_targets``: where ``put_events`` delivers a matching event, wrapped
#   so that response-plan targets start incidents (moto raises NotImplementedError for them otherwise);
# - ``moto.sns.models.sns_backends``: publishing to a topic;
# - ``moto.ssm.models.ssm_backends`` (``_documents``) and ``moto.ssm.responses.SimpleSystemManagerResponse``:
#   runbook documents, and GetAutomationExecution/StartAutomationExecution, which moto lacks;
# - ``moto.moto_api``: ``state_manager``, ``ManagedState`` and ``mock_random`` (what ``/moto-api/seed`` seeds).

PLAN_ARN = re.compile(r"arn:aws[a-z-]*:ssm-incidents::\d{12}:response-plan/[^/]+")
# (alarm account, alarm region, response plan ARNs among its actions, the alarm state-change event)
AlarmHandler = Callable[[str, str, list[str], dict[str, Any]], None]
# (rule account, rule region, rule ARN, the PutTargets target, the event as EventBridge delivers it)
EventHandler = Callable[[str, str, str, dict[str, Any], dict[str, Any]], None]


def moto_random() -> Any:
    """moto's process-wide random generator, which ``POST /moto-api/seed?a=N`` seeds."""
    return mock_random


def register_transition(model_name: str, transition: dict[str, Any]) -> None:
    """A model's default transition in moto's state manager (users override it with ``set_transition``)."""
    state_manager.register_default_transition(model_name, transition)


def hook_world(on_alarm: AlarmHandler, on_event: EventHandler, start_automation: AutomationStarter) -> None:
    """Let alarms and EventBridge rules reach ``on_alarm``/``on_event``, and moto's SSM serve automation
    executions. Idempotent. A handler's failure is logged and never fails the other service's call.
    """
    from moto.cloudwatch.models import Alarm
    from moto.events.models import Rule

    if not getattr(Alarm.update_state, "ssm_incidents_mock", False):
        Alarm.update_state = _wrap_update_state(Alarm.update_state, on_alarm)  # type: ignore[method-assign]
    if not getattr(Rule.send_to_targets, "ssm_incidents_mock", False):
        Rule.send_to_targets = _wrap_send_to_targets(Rule.send_to_targets, on_event)  # type: ignore[method-assign]
    ssm.serve_automation(start_automation)


def _guard(handler: Callable[..., None], *args: Any) -> None:
    try:
        handler(*args)
    except Exception:  # AWS runs alarm actions and rule targets apart from the call that caused them
        log.exception("ssm-incidents-mock: an incident trigger failed")


def _wrap_update_state(original: Any, on_alarm: AlarmHandler) -> Any:
    def update_state(self: Any, reason: str, reason_data: str, state_value: str) -> None:
        old_state = self.state_value
        original(self, reason, reason_data, state_value)
        # "When the updated state differs from the previous value, the action configured for the
        # appropriate state is invoked" (SetAlarmState): only a change into ALARM starts incidents.
        if state_value == "ALARM" and old_state != "ALARM" and self.actions_enabled:
            plans = [arn for arn in self.alarm_actions or () if PLAN_ARN.fullmatch(arn)]
            if plans:
                _, _, _, region, account, _ = self.alarm_arn.split(":", 5)
                _guard(on_alarm, account, region, plans, _alarm_event(self, account, region))

    update_state.ssm_incidents_mock = True  # type: ignore[attr-defined]
    return update_state


def _wrap_send_to_targets(original: Any, on_event: EventHandler) -> Any:
    import copy

    def send_to_targets(self: Any, original_event: dict[str, Any], transform_input: bool = True) -> None:
        ours = [t for t in self.targets if PLAN_ARN.fullmatch(t.get("Arn", ""))]
        if not ours:
            original(self, original_event, transform_input)
            return
        others = [t for t in self.targets if t not in ours]
        if others:
            clone = copy.copy(self)  # never change the shared rule (moto's server runs requests in threads)
            clone.targets = others
            original(clone, original_event, transform_input)
        # moto delivers for DISABLED rules and treats a rule without pattern (a schedule) as matching
        # every event; EventBridge does neither.
        if self.state != "ENABLED" or not self.event_pattern.get_pattern():
            return
        if not self.event_pattern.matches_event(original_event):
            return
        event = _delivered_event(original_event)  # a shallow copy: a deep one recurses once per nesting level
        for target in ours:
            _guard(on_event, self.account_id, self.region_name, self.arn, dict(target), dict(event))

    send_to_targets.ssm_incidents_mock = True  # type: ignore[attr-defined]
    return send_to_targets


def _alarm_time(value: Any) -> str:
    return f"{value.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}+0000"


def _alarm_state(reason: str, reason_data: str, value: str, timestamp: Any) -> dict[str, str]:
    state = {"value": value, "reason": reason}
    if reason_data and reason_data != "{}":
        state["reasonData"] = reason_data
    state["timestamp"] = _alarm_time(timestamp)
    return state


def _alarm_event(alarm: Any, account: str, region: str) -> dict[str, Any]:
    """The "CloudWatch Alarm State Change" event CloudWatch sends for ``alarm`` (its EventBridge form)."""
    metrics: list[dict[str, Any]] = []
    if alarm.metric_data_queries:
        for query in alarm.metric_data_queries:
            entry: dict[str, Any] = {"id": query.id}
            stat = query.metric_stat
            if stat is not None:
                metric = stat.metric
                entry["metricStat"] = {
                    "metric": {
                        "namespace": metric.namespace,
                        "name": metric.metric_name,
                        "dimensions": {d.name: d.value for d in metric.dimensions or ()},
                    },
                    "period": int(stat.period),
                    "stat": stat.stat,
                }
            if query.expression:
                entry["expression"] = query.expression
            if query.label:
                entry["label"] = query.label
            entry["returnData"] = query.return_data not in (False, "false", "False")
            metrics.append(entry)
    else:
        metrics.append(
            {
                "id": str(mock_random.uuid4()),
                "metricStat": {
                    "metric": {
                        "dimensions": {d.name: d.value for d in alarm.dimensions},
                        "name": alarm.metric_name,
                        "namespace": alarm.namespace,
                    },
                    "period": alarm.period,
                    "stat": alarm.statistic or alarm.extended_statistic,
                },
                "returnData": True,
            }
        )
    configuration: dict[str, Any] = {"metrics": metrics}
    if alarm.description:
        configuration["description"] = alarm.description
    _, previous_reason, previous_data, previous_value, previous_time = alarm.history[-1]
    return {
        "version": "0",
        "id": str(mock_random.uuid4()),
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": account,
        "time": alarm.state_updated_timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [alarm.alarm_arn],
        "detail": {
            "alarmName": alarm.name,
            "state": _alarm_state(
                alarm.state_reason, alarm.state_reason_data, alarm.state_value, alarm.state_updated_timestamp
            ),
            "previousState": _alarm_state(previous_reason, previous_data, previous_value, previous_time),
            "configuration": configuration,
        },
    }


def _delivered_event(event: dict[str, Any]) -> dict[str, Any]:
    """moto's internal event as EventBridge delivers it: ISO ``time``, no ``ingestion-time``."""
    import datetime

    delivered = {k: v for k, v in event.items() if k != "ingestion-time"}
    when = delivered.get("time")
    if isinstance(when, (int, float)):
        moment = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
        delivered["time"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(when, datetime.datetime):
        delivered["time"] = when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return delivered


# SNS


def sns_publish(topic_arn: str, message: str) -> str:
    """Publish ``message`` to the topic through moto's SNS (the backend of the ARN's own account and region).

    Raises what moto raises, e.g. for a topic that does not exist.
    """
    from moto.sns.models import sns_backends

    _, _, _, region, account, _ = topic_arn.split(":", 5)
    return str(sns_backends[account][region].publish(message=message, arn=topic_arn))
