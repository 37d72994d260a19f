"""What Incident Manager does in the rest of AWS, played against moto's services.

Incidents notify their SNS topics (``notify``), run their plan's runbooks in moto's SSM
(``start_runbook``) and record the engagements the plan would start (``engagements``). What moto's
services call *into* Incident Manager (alarms, rules, SSM's automation API) is in ``triggers.py``.

Every effect is reached only when there is something to do: calls that trigger none pay nothing.
Choices where AWS is silent are listed in docs/behaviour.md ("With the rest of moto").
"""

from __future__ import annotations

import re
import time
from typing import Any, Protocol

from moto.utilities.utils import get_partition

from .. import seam
from ..core import clock
from ..core.arns import account_of, partition_of
from ..core.context import RequestContext
from ..core.ids import random_uuid, unused
from ..core.wire.codec import compact
from .records.effects import AutomationExecution, Engagement, Notification, resolve_parameters
from .records.incidents import IncidentRecord
from .records.plans import ResponsePlan

NOTIFICATION_SOURCE = "aws.ssm-incidents"
START_FAILURE = "SSM Automation Execution Start Failure for Incident"
NO_DOCUMENT = "The specified document does not exist."
# An SNS topic ARN (partition, region, account): names of letters, digits, "-" and "_", ".fifo" for FIFO topics.
_TOPIC_ARN = re.compile(
    r"arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):[A-Za-z0-9_-]{1,256}(?:\.fifo)?"
)


# --- notifications -----------------------------------------------------------------------------


def notify(
    account_id: str,
    ctx: RequestContext,
    record: IncidentRecord,
    detail_type: str,
    changes: tuple[tuple[str, str], ...] = (),
) -> list[Notification]:
    """Publish what happened to the incident to its notification targets and chat channel topics.

    A topic that cannot take the message (missing, FIFO, ...) is skipped and the failure recorded:
    the call that changed the incident never fails because of it.
    """
    topics = [t["snsTopicArn"] for t in record.notification_targets if "snsTopicArn" in t]
    topics += (record.chat_channel or {}).get("chatbotSns") or []
    if not topics:
        return []
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
            "account": account_id,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock.now())),
            "region": ctx.region,
            "resources": [record.arn],
            "detail": detail,
        }
    )
    sent: list[Notification] = []
    for topic in dict.fromkeys(topics):
        refused = _unreachable_topic(account_id, record, topic)
        if refused is not None:
            sent.append(Notification(topic, record.arn, message, None, refused))
            continue
        try:
            sent.append(Notification(topic, record.arn, message, seam.sns_publish(topic, message), None))
        except Exception as error:  # whatever SNS refuses, the incident call succeeds
            sent.append(Notification(topic, record.arn, message, None, f"{type(error).__name__}: {error}"))
    return sent


def reachable_accounts(owner: str, record: IncidentRecord) -> tuple[str, str]:
    """The accounts an incident acts in: its plan owner's and the account of the principal that started it."""
    return owner, account_of(record.created_by) or owner


def _unreachable_topic(owner: str, record: IncidentRecord, topic: str) -> str | None:
    """Why Incident Manager cannot publish to ``topic`` (None: it may): not a topic ARN, another partition,
    or an account the incident does not act in."""
    match = _TOPIC_ARN.fullmatch(topic)
    if match is None:
        return "InvalidParameter: Invalid parameter: TopicArn"
    partition, region, account = match.groups()
    incident_partition = partition_of(record.arn)
    if partition != incident_partition or get_partition(region) != partition:
        return f"InvalidParameter: the topic is not in the incident's partition ({incident_partition})"
    if account not in reachable_accounts(owner, record):
        return f"AuthorizationError: the incident does not act in the topic's account {account}"
    return None


# --- runbooks ----------------------------------------------------------------------------------

# Amazon's own SSM documents are named "AWS" or "Amazon", a word, "-" and the rest: AWS-RestartRDSInstance,
# AWSIncidents-CriticalIncidentRunbookTemplate, AWSSupport-..., AWSConfigRemediation-..., AWSEC2-...,
# AWSResilienceHub-..., AmazonCloudWatch-... SSM reserves these prefixes (no account can create such a
# document), so a name of this form is Amazon's in every account and region; moto's SSM ships none of them.
AMAZON_OWNED = re.compile(r"(?:AWS|Amazon)[A-Za-z0-9]*-[A-Za-z0-9_.-]{1,120}")
AMAZON_DEFAULT_VERSION = "1"
_NUMBERED_VERSION = re.compile(r"[1-9][0-9]{0,8}")


def automation_document(account: str, region: str, name: str, version: str | None) -> str | None:
    """The version of the Automation document ``name`` that ``version`` means in ``account``/``region``, or None.

    A document of moto's SSM counts first (so a test's own document of an Amazon name is the one used);
    otherwise an Amazon-owned name is an Automation document whose ``$DEFAULT`` and ``$LATEST`` are
    version 1 and which has whatever numbered version a plan asks for.
    """
    if seam.has_document(account, region, name):
        return seam.automation_document(account, region, name, version)
    if AMAZON_OWNED.fullmatch(name) is None:
        return None
    if version in (None, "", "$DEFAULT", "$LATEST"):
        return AMAZON_DEFAULT_VERSION
    return version if _NUMBERED_VERSION.fullmatch(version) else None


def start_runbook(
    owner: str, ctx: RequestContext, record: IncidentRecord, automation: dict[str, Any]
) -> AutomationExecution | str:
    """Start the plan's runbook in moto's SSM of the target account and the incident's region.

    The reason it cannot start instead: that SSM has no Automation document of that name and
    version, or the impacted account is one the incident does not act in (``reachable_accounts``).
    """
    account = owner
    if automation.get("targetAccount") == "IMPACTED_ACCOUNT" and record.trigger_arn:
        account = account_of(record.trigger_arn) or owner
        if account not in reachable_accounts(owner, record):
            return f"The runbook cannot run in the impacted account {account}: the incident does not act there."
    version = automation_document(account, ctx.region, automation["documentName"], automation.get("documentVersion"))
    if version is None:
        return NO_DOCUMENT
    involved = [
        item.value for item in record.related_items if item.item_type == "INVOLVED_RESOURCE" and item.value_key == "arn"
    ]
    parameters = resolve_parameters(automation, record.arn, involved)
    execution = start_execution(ctx.partition, account, ctx.region, automation["documentName"], version, parameters)
    execution.incident_record_arn = record.arn
    execution.role_arn = automation["roleArn"]
    execution.target_account = automation.get("targetAccount")
    return execution


def start_execution(
    partition: str,
    account: str,
    region: str,
    document_name: str,
    document_version: str,
    parameters: dict[str, list[str]],
) -> AutomationExecution:
    """An execution of the Automation document (``document_version`` resolved) in moto's SSM of
    ``account``/``region``, where GetAutomationExecution finds it: a plan's runbook or StartAutomationExecution."""
    executions = seam.automation_executions(account, region)
    execution_id = unused(random_uuid, executions)  # unique where SSM looks it up: its account's and region's
    execution = AutomationExecution(
        execution_id, partition, account, region, document_name, document_version, parameters
    )
    executions[execution.execution_id] = execution.description()
    return execution


def start_failure_data(automation: dict[str, Any], reason: str) -> str:
    """The eventData of the start-failure timeline event (AWS's is unpublished)."""
    data = {"documentName": automation["documentName"], "errorMessage": reason}
    if automation.get("documentVersion"):
        data["documentVersion"] = automation["documentVersion"]
    return compact(data)


# --- engagements -------------------------------------------------------------------------------


class ContactsHook(Protocol):
    """What Incident Manager Contacts does for incidents. The contacts package sits above this one and
    installs itself here (``contacts``) when it is imported."""

    def engage(self, ctx: RequestContext, record: IncidentRecord, contact_arns: list[str]) -> dict[str, str]:
        """Start one engagement per existing contact; contact ARN -> engagement ARN."""

    def page_events(self, engagement_arns: list[str]) -> list[dict[str, Any]]:
        """The timeline events of these engagements as of now, each with a stable ``key``."""

    def forget_account(self, account_id: str, partition: str) -> None:
        """Delete all Contacts data of the account (its replication set is gone)."""


contacts: ContactsHook | None = None


def engagements(ctx: RequestContext, plan: ResponsePlan, record: IncidentRecord) -> list[Engagement]:
    """The engagements a new incident starts: one per contact its plan names, paged through ssm-contacts."""
    contact_arns = list(plan.engagements or ())
    started = contacts.engage(ctx, record, contact_arns) if contacts is not None else {}
    if started:
        record.engagement_pages = {arn: set() for arn in started.values()}
    return [Engagement(arn, record.arn, plan.arn, record.creation_time, started.get(arn)) for arn in contact_arns]
