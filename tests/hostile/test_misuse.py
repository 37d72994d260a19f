"""Issue-18 classes closed in the core: huge violation lists, numbers beyond their type, ids repeated by
re-seeding, a fork while a lock is held, and a consumer's listing of shared plans."""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock, seam
from ssm_incidents_mock.core.wire.validate import MAX_LISTED_ERRORS, Errors, convert_text, is_type, render_value
from ssm_incidents_mock.ssm_incidents import SPEC, access
from tests.support import assert_error, create_plan, unchecked
from tests.support.moto_world import ACCOUNT, create_runbook, runbook_action

ENDPOINT = "https://ssm-incidents.us-east-1.amazonaws.com"
SEED_URL = "http://motoapi.amazonaws.com/moto-api/seed"
CONSUMER = "111122223333"
HUGE = "1" + "0" * 400  # a JSON integer no double holds


class CountingList(list[Any]):
    """A list that counts how many of its items were read by iteration."""

    read = 0

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            self.read += 1
            yield item


# --- violations: the first few are listed, and the walk stops there ------------------------------


def validate(operation: str, params: dict[str, Any]) -> Errors:
    check = SPEC.operations[operation].check
    assert check is not None
    errors = Errors()
    check(params, "", errors)
    return errors


def test_a_request_of_a_million_bad_items_lists_ten_violations(ssm_incidents_onboarded: Any) -> None:
    plan = create_plan(ssm_incidents_onboarded, "p")
    with pytest.raises(ClientError) as exc_info:
        unchecked().start_incident(responsePlanArn=plan, relatedItems=[{}] * 250_000)  # 1 MB of empty items
    response = assert_error(exc_info, "ValidationException", 400)
    message = response["Error"]["Message"]
    assert message.startswith(f"More than {MAX_LISTED_ERRORS} validation errors detected; the first 10: ")
    assert message.count("failed to satisfy constraint") == MAX_LISTED_ERRORS
    assert "Member must have length less than or equal to 100" in message
    assert "Value null at 'relatedItems.9.member.identifier'" in message
    assert len(message) < 4000  # it was 27 MB
    assert ssm_incidents_onboarded.list_incident_records()["incidentRecordSummaries"] == []


def test_exactly_the_listed_number_is_counted_as_usual() -> None:
    errors = validate("StartIncident", {"relatedItems": [{}] * 9})
    assert len(errors) == MAX_LISTED_ERRORS and not errors.more  # 9 items and the missing plan ARN


@pytest.mark.parametrize("container", ["list", "map"])
def test_the_walk_stops_once_the_violations_overflow(container: str) -> None:
    if container == "list":
        items = CountingList([{}] * 100_000)
        errors = validate("StartIncident", {"relatedItems": items})
        assert items.read < 1000  # the echo of the list in the size violation, then ten items; it read 200,000
    else:
        tags = {f"k{i}": i for i in range(100_000)}  # every value of the wrong type
        errors = validate("TagResource", {"resourceArn": "arn:aws:x::123456789012:y", "tags": tags})
    assert len(errors) == MAX_LISTED_ERRORS and errors.more


def test_echoing_a_large_value_renders_only_what_is_shown() -> None:
    value = CountingList(range(1_000_000))
    text = render_value(value)
    assert text.startswith("[0, 1, 2") and text.endswith("...") and len(text) <= 1027
    assert value.read < 1000


# --- numbers beyond their type -------------------------------------------------------------------


def timestamp_bodies(plan: str, incident: str, event: str) -> list[tuple[str, str]]:
    before = '[{"key":"creationTime","condition":{"before":@}}]'.replace("@", HUGE)
    after = '[{"key":"eventTime","condition":{"after":@}}]'.replace("@", HUGE)
    trigger = '{"source":"s","timestamp":@}'.replace("@", HUGE)
    return [
        ("/startIncident", f'{{"responsePlanArn":"{plan}","triggerDetails":{trigger}}}'),
        ("/listIncidentRecords", f'{{"filters":{before}}}'),
        (
            "/createTimelineEvent",
            f'{{"incidentRecordArn":"{incident}","eventTime":{HUGE},"eventType":"Note","eventData":"x"}}',
        ),
        ("/updateTimelineEvent", f'{{"incidentRecordArn":"{incident}","eventId":"{event}","eventTime":{HUGE}}}'),
        ("/listTimelineEvents", f'{{"incidentRecordArn":"{incident}","filters":{after}}}'),
    ]


@pytest.mark.parametrize(
    "operation", range(5), ids=["Start", "ListRecords", "CreateEvent", "UpdateEvent", "ListEvents"]
)
def test_an_integer_timestamp_beyond_any_double_is_a_400(ssm_incidents_onboarded: Any, operation: int) -> None:
    client = ssm_incidents_onboarded
    plan = create_plan(client, "p")
    incident = client.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    event = client.create_timeline_event(incidentRecordArn=incident, eventTime=1, eventType="Note", eventData="x")
    before = client.list_timeline_events(incidentRecordArn=incident)["eventSummaries"]
    path, body = timestamp_bodies(plan, incident, event["eventId"])[operation]
    answer = requests.post(ENDPOINT + path, data=body, headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 400, answer.text
    assert answer.headers["x-amzn-ErrorType"] == "ValidationException"
    assert "Member must be of type timestamp" in answer.json()["message"]
    assert len(client.list_incident_records()["incidentRecordSummaries"]) == 1
    assert client.list_timeline_events(incidentRecordArn=incident)["eventSummaries"] == before


@pytest.mark.parametrize("value", [2**31, -(2**31) - 1, int(HUGE)])
def test_an_integer_beyond_javas_int_is_a_400(ssm_incidents_onboarded: Any, value: int) -> None:
    filters = [{"key": "impact", "condition": {"equals": {"integerValues": [value]}}}]
    with pytest.raises(ClientError) as exc_info:
        unchecked().list_incident_records(filters=filters)
    assert_error(exc_info, "ValidationException", 400, "Member must be of type integer")


def test_numbers_fit_their_shape_type() -> None:
    assert is_type(2**31 - 1, "integer") and not is_type(2**31, "integer")
    assert is_type(2**63 - 1, "long") and not is_type(2**63, "long")
    assert is_type(1e308, "double") and not is_type(int(HUGE), "double") and not is_type(float("inf"), "double")
    integer = SPEC.model.shape_for("MaxResults")
    assert convert_text("--5", integer) == "--5"  # int("--5") raised: a 500 for a query value
    assert convert_text("9" * 5000, integer) == "9" * 5000  # beyond Python's digit limit, and any long
    assert convert_text("-12", integer) == -12


# --- ids: re-seeding moto never hands out an id still in use ------------------------------------------


def seed(value: int = 42) -> None:
    assert requests.post(f"{SEED_URL}?a={value}", timeout=5).status_code == 200


def test_reseeding_never_gives_a_live_incident_id_again(ssm_incidents_onboarded: Any) -> None:
    client = ssm_incidents_onboarded
    first_plan, other_plan = create_plan(client, "first"), create_plan(client, "other")
    seed()
    first = client.start_incident(responsePlanArn=first_plan, title="one")["incidentRecordArn"]
    seed()
    second = client.start_incident(responsePlanArn=first_plan, title="two")["incidentRecordArn"]
    seed()
    third = client.start_incident(responsePlanArn=other_plan, title="three")["incidentRecordArn"]
    ids = {arn.rsplit("/", 1)[1] for arn in (first, second, third)}
    assert len(ids) == 3
    listed = client.list_incident_records()["incidentRecordSummaries"]
    assert sorted(s["title"] for s in listed) == ["one", "three", "two"]
    for arn, title in ((first, "one"), (second, "two"), (third, "three")):
        assert client.get_incident_record(arn=arn)["incidentRecord"]["title"] == title
    parents = [
        next(i for i in client.list_related_items(incidentRecordArn=arn)["relatedItems"] if i["title"] == "parentItem")
        for arn in (first, second, third)
    ]
    assert len({p["identifier"]["value"]["arn"] for p in parents}) == 3  # each incident its own OpsItem


def test_reseeding_never_replaces_a_resource_policy(ssm_incidents_onboarded: Any) -> None:
    client = ssm_incidents_onboarded
    plan = create_plan(client, "p")
    documents = [
        json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": account}, "Action": "*", "Resource": "*"}]})
        for account in ("111111111111", "222222222222")
    ]
    ids = []
    for document in documents:
        seed()
        ids.append(client.put_resource_policy(resourceArn=plan, policy=document)["policyId"])
    assert ids[0] != ids[1]
    stored = client.get_resource_policies(resourceArn=plan)["resourcePolicies"]
    assert [p["policyDocument"] for p in stored] == documents


def test_reseeding_never_gives_a_finding_or_execution_id_again(
    ssm_incidents_onboarded: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    client = ssm_incidents_onboarded
    create_runbook()
    plan = create_plan(client, "p", actions=[runbook_action()])
    stack = f"arn:aws:cloudformation:us-east-1:{ACCOUNT}:stack/s/1"
    incidents, findings, executions = [], [], []
    for title in ("one", "two"):
        seed()
        incident = client.start_incident(responsePlanArn=plan, title=title)["incidentRecordArn"]
        incidents.append(incident)
        executions.append(client.get_incident_record(arn=incident)["incidentRecord"]["automationExecutions"][0])
        seed()
        findings.append(mocked_ssm_incidents.add_finding(incidents[0], cloudformation_stack_arn=stack))
    assert findings[0] != findings[1]
    found = client.batch_get_incident_findings(incidentRecordArn=incidents[0], findingIds=findings)["findings"]
    assert sorted(f["id"] for f in found) == sorted(findings)
    arns = [e["ssmExecutionArn"] for e in executions]
    assert arns[0] != arns[1]
    ssm = boto3.client("ssm", region_name="us-east-1")
    for arn, incident in zip(arns, incidents, strict=True):
        execution = ssm.get_automation_execution(AutomationExecutionId=arn.rsplit("/", 1)[1])["AutomationExecution"]
        assert execution["Parameters"]["IncidentArn"] == [incident]
    assert len(mocked_ssm_incidents.automation_executions()) == 2


# --- a fork while another thread holds a lock ----------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Python 3.12+ warns about forking with threads
def test_a_fork_while_another_thread_holds_the_locks_leaves_the_child_working(
    ssm_incidents_onboarded: Any, mocked_ssm_incidents: SSMIncidentsMock
) -> None:
    client = ssm_incidents_onboarded
    plan = create_plan(client, "p")
    backend = mocked_ssm_incidents.backend()
    contacts = boto3.client("ssm-contacts", region_name="us-east-1")
    contact = contacts.create_contact(Alias="forked", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    contacts_backend = mocked_ssm_incidents.contacts_backend()
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with backend.lock, contacts_backend.lock, seam.mocking._lock:
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    try:
        assert held.wait(30)
        pid = os.fork()
        if pid == 0:  # the child: report by exit status, never return into pytest
            code = 1
            try:
                signal.alarm(60)  # a child that hangs dies instead of hanging the test
                client.start_incident(responsePlanArn=plan)
                contacts.get_contact(ContactId=contact)
                code = 0 if seam.mocking._lock.acquire(timeout=10) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    finally:
        release.set()
        holder.join(30)
    assert os.waitstatus_to_exitcode(status) == 0  # -14 (SIGALRM): the child hung on a lock


# --- a consumer's listing of shared plans ------------------------------------------------------------


def in_account(account: str) -> Any:
    c = boto3.client("ssm-incidents", region_name="us-east-1")
    c.meta.events.register(
        "before-sign.ssm-incidents", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
    )
    return c


def share(owner: Any, plan: str) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": CONSUMER},
        "Action": ["ssm-incidents:GetResponsePlan", "ssm-incidents:GetIncidentRecord"],
        "Resource": [plan, f"arn:aws:ssm-incidents:*:{ACCOUNT}:incident-record/{plan.rsplit('/', 1)[1]}/*"],
    }
    return str(owner.put_resource_policy(resourceArn=plan, policy=json.dumps({"Statement": [statement]}))["policyId"])


def pages(client: Any, operation: str, key: str, between: Any = None) -> list[str]:
    """Every item's ARN, two per page; ``between()`` runs after the first page."""
    arns: list[str] = []
    token = None
    for number in range(100):
        page = getattr(client, operation)(maxResults=2, **({"nextToken": token} if token else {}))
        arns += [item["arn"] for item in page[key]]
        if number == 0 and between is not None:
            between()
        token = page.get("nextToken")
        if not token:
            return arns
    raise AssertionError("the listing did not end")


@pytest.fixture
def owner_and_consumer(ssm_incidents_onboarded: Any) -> tuple[Any, Any, str, list[str]]:
    """The owner with an unshared plan of 3 incidents; the consumer with 5 incidents of its own."""
    owner, consumer = ssm_incidents_onboarded, in_account(CONSUMER)
    plan = create_plan(owner, "shared")
    for _ in range(3):
        owner.start_incident(responsePlanArn=plan)
    own_plan = create_plan(consumer, "own")
    own = [consumer.start_incident(responsePlanArn=own_plan)["incidentRecordArn"] for _ in range(5)]
    return owner, consumer, plan, own


def test_a_share_added_between_pages_repeats_nothing(owner_and_consumer: tuple[Any, Any, str, list[str]]) -> None:
    owner, consumer, plan, own = owner_and_consumer
    listed = pages(consumer, "list_incident_records", "incidentRecordSummaries", lambda: share(owner, plan))
    assert len(listed) == len(set(listed))  # the second page started over: 2 records were listed twice
    assert set(own) <= set(listed)
    own_plans = [p["arn"] for p in consumer.list_response_plans()["responsePlanSummaries"] if CONSUMER in p["arn"]]
    own_plans += [create_plan(consumer, name) for name in ("own2", "own3")]
    second = create_plan(owner, "shared2")
    plans = pages(consumer, "list_response_plans", "responsePlanSummaries", lambda: share(owner, second))
    assert plans == [*own_plans, plan, second]


def test_a_share_removed_between_pages_repeats_nothing(owner_and_consumer: tuple[Any, Any, str, list[str]]) -> None:
    owner, consumer, plan, own = owner_and_consumer
    second = create_plan(owner, "shared2")
    policies = {plan: share(owner, plan), second: share(owner, second)}
    shared = [s["arn"] for s in owner.list_incident_records()["incidentRecordSummaries"]]
    assert sorted(pages(consumer, "list_incident_records", "incidentRecordSummaries")) == sorted(own + shared)

    def unshare() -> None:
        for arn, policy in policies.items():
            owner.delete_resource_policy(resourceArn=arn, policyId=policy)

    listed = pages(consumer, "list_incident_records", "incidentRecordSummaries", unshare)
    assert len(listed) == len(set(listed)) and set(own) <= set(listed)
    policies = {plan: share(owner, plan), second: share(owner, second)}
    own_plan = consumer.list_response_plans()["responsePlanSummaries"][0]["arn"]
    plans = pages(consumer, "list_response_plans", "responsePlanSummaries", unshare)
    assert plans == [own_plan, plan]  # the second page went back to the consumer's own plan


def test_a_consumers_page_checks_what_a_page_holds_not_every_shared_record(
    ssm_incidents_onboarded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, consumer = ssm_incidents_onboarded, in_account(CONSUMER)
    plans = [create_plan(owner, f"p{i}") for i in range(10)]
    for plan in plans:
        share(owner, plan)
    expected = [owner.start_incident(responsePlanArn=plans[i % 10])["incidentRecordArn"] for i in range(200)][::-1]
    create_plan(consumer, "own")  # onboards the consumer
    checks: list[str] = []
    original = access.plan_allows

    def counted(plan: Any, ctx: Any, operation: str, resource: str) -> bool:
        checks.append(resource)
        return original(plan, ctx, operation, resource)

    monkeypatch.setattr(access, "plan_allows", counted)
    page = consumer.list_incident_records(maxResults=5)
    assert [s["arn"] for s in page["incidentRecordSummaries"]] == expected[:5]  # newest first across plans
    assert len(checks) <= len(plans) + 6  # one per plan, then the page and one more; it checked all 200
    checks.clear()
    second = consumer.list_incident_records(maxResults=5, nextToken=page["nextToken"])
    assert [s["arn"] for s in second["incidentRecordSummaries"]] == expected[5:10]
    assert len(checks) <= len(plans) + 6
