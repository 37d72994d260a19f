"""Issue-11 classes closed in-process: calls that escape, stray stops, strictness order, poisoned input."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.models import MockAWS

from ssm_incidents_mock import SSMIncidentsMock, mock_ssm_incidents
from ssm_incidents_mock.config import settings
from ssm_incidents_mock.core.wire.http import Request
from ssm_incidents_mock.seam import RequestRefused
from ssm_incidents_mock.ssm_incidents.models import ssmincidents_backends
from ssm_incidents_mock.ssm_incidents.records import RelatedItem
from ssm_incidents_mock.ssm_incidents.responses import dispatch
from tests.support import assert_error, create_plan, onboard

TEMPLATE = {"title": "t", "impact": 3}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail any request botocore would really send; the list records the URLs it was asked to send."""
    from botocore.endpoint import Endpoint

    sent: list[str] = []

    def send(self: Any, request: Any) -> Any:
        sent.append(request.url)
        raise AssertionError(f"a request left the process: {request.url}")

    monkeypatch.setattr(Endpoint, "_send", send)
    return sent


def plan_and_incident(client: Any) -> tuple[str, str]:
    plan = create_plan(client, "p")  # onboards the account first
    return plan, client.start_incident(responsePlanArn=plan)["incidentRecordArn"]


# --- 1. every endpoint form botocore builds is served, never sent --------------------------------

ENDPOINT_FORMS = [
    (region, dualstack, fips)
    for region in ("us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1", "us-iso-east-1", "eusc-de-east-1")
    for dualstack, fips in ((True, False), (True, True), (False, True), (False, False))
]


@pytest.mark.parametrize(("region", "dualstack", "fips"), ENDPOINT_FORMS)
def test_every_endpoint_form_is_served_in_process(
    no_network: list[str], region: str, dualstack: bool, fips: bool
) -> None:
    config = Config(use_dualstack_endpoint=dualstack, use_fips_endpoint=fips, retries={"max_attempts": 1})
    with mock_ssm_incidents():
        client = boto3.client("ssm-incidents", region_name=region, config=config)
        if region.startswith(("us-iso", "eusc")):  # partitions the model's ARNs do not allow: answered, refused
            with pytest.raises(ClientError) as exc_info:
                client.create_response_plan(name="p", incidentTemplate=TEMPLATE)
            assert_error(exc_info, "ValidationException", 400, f"not available in the region {region}")
        else:
            arn = create_plan(client, "p")
            assert client.get_response_plan(arn=arn)["name"] == "p"
    assert no_network == []


def test_dualstack_from_the_environment_is_served(no_network: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_USE_DUALSTACK_ENDPOINT", "true")
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "true")
    with mock_ssm_incidents():
        client = boto3.client("ssm-incidents", region_name="us-east-1")
        assert client.meta.endpoint_url == "https://ssm-incidents-fips.us-east-1.api.aws"
        assert client.list_response_plans()["responsePlanSummaries"] == []
    assert no_network == []


def test_an_endpoint_url_at_aws_is_served(no_network: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM_INCIDENTS", "https://ssm-incidents.eu-west-1.amazonaws.com")
    with mock_ssm_incidents():
        client = boto3.client("ssm-incidents", region_name="us-east-1")
        assert client.list_replication_sets()["replicationSetArns"] == []
    assert no_network == []


def test_an_endpoint_url_elsewhere_is_refused_with_a_clear_error(no_network: list[str]) -> None:
    with mock_ssm_incidents():
        client = boto3.client("ssm-incidents", region_name="us-east-1", endpoint_url="https://incidents.example.com")
        with pytest.raises(RequestRefused, match="refused to send an ssm-incidents request to https://incidents"):
            client.list_response_plans()
    assert no_network == []


def test_a_loopback_endpoint_url_may_be_reached(no_network: list[str]) -> None:
    """A server of the user's own (this package's, moto's) on loopback is the one place a call may go."""
    with mock_ssm_incidents():
        client = boto3.client("ssm-incidents", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")
        with pytest.raises(AssertionError, match=r"left the process: http://127\.0\.0\.1:9/"):
            client.list_response_plans()
    assert no_network == ["http://127.0.0.1:9/listResponsePlans"]


def test_other_services_dualstack_calls_are_served_by_moto(no_network: list[str]) -> None:
    with mock_ssm_incidents():
        sqs = boto3.client("sqs", region_name="us-east-1", config=Config(use_dualstack_endpoint=True))
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        assert sqs.get_queue_url(QueueName="q")["QueueUrl"] == url
    assert no_network == []


# --- 2. a stray stop() breaks nothing -----------------------------------------------------------


def test_a_stray_stop_raises_and_later_mocks_still_switch_on(no_network: list[str]) -> None:
    with pytest.raises(RuntimeError, match="before start"):
        SSMIncidentsMock().stop()
    assert MockAWS._nested_count == 0
    with mock_aws():
        assert boto3.client("ssm-incidents", region_name="us-east-1").list_response_plans()
    assert no_network == []


def test_a_stray_moto_stop_is_healed_when_our_mock_starts(no_network: list[str]) -> None:
    with pytest.raises(RuntimeError):
        mock_aws().stop()  # moto leaves its nesting count at -1 here
    with mock_ssm_incidents():
        assert MockAWS._nested_count == 1
        assert boto3.client("ssm-incidents", region_name="us-east-1").list_response_plans()
    assert MockAWS._nested_count == 0
    assert no_network == []


# --- 3. strictness does not depend on the order mocks stop in ------------------------------------


@pytest.mark.parametrize("first_stopped", ["strict", "lenient"])
def test_strictness_follows_the_mocks_still_active_whatever_the_stop_order(
    first_stopped: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSM_INCIDENTS_MOCK_STRICT", raising=False)
    strict, lenient = SSMIncidentsMock(strict=True), SSMIncidentsMock(strict=False)
    strict.start()
    lenient.start()
    assert settings.strict_replication_set is False  # the most recent wins
    mocks = {"strict": strict, "lenient": lenient}
    mocks.pop(first_stopped).stop()
    remaining = next(iter(mocks.values()))
    assert settings.strict_replication_set is remaining.strict
    remaining.stop()
    assert settings.strict_override is None


def test_a_server_and_a_mock_release_strictness_in_any_order() -> None:
    from ssm_incidents_mock.server import ThreadedSSMIncidentsServer

    mock = SSMIncidentsMock(strict=False)
    server = ThreadedSSMIncidentsServer(strict=True)
    mock.start()
    server.start()
    try:
        assert settings.strict_replication_set is True
        mock.stop()
        assert settings.strict_replication_set is True
    finally:
        server.stop()
    assert settings.strict_override is None


# --- 10. stored values every SDK can read back -----------------------------------------------------


def raw(path: str, body: bytes, account: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if account:
        headers["x-moto-account-id"] = account
    status, _, payload = dispatch(Request("POST", path, "", headers, body), "ssm-incidents.us-east-1.amazonaws.com")
    return status, json.loads(payload) if payload else {}


@pytest.mark.parametrize(
    "event_time", ["NaN", "Infinity", "-Infinity", "1e20", "1e400", "-1", '"10000-01-01T00:00:00Z"']
)
def test_timestamps_no_sdk_can_read_are_refused_and_the_timeline_stays_readable(
    ssm_incidents: Any, event_time: str
) -> None:
    _, incident = plan_and_incident(ssm_incidents)
    body = f'{{"incidentRecordArn":"{incident}","eventTime":{event_time},"eventType":"Note","eventData":"x"}}'
    status, payload = raw("/createTimelineEvent", body.encode())
    assert status == 400, payload
    events = ssm_incidents.list_timeline_events(incidentRecordArn=incident)["eventSummaries"]
    assert [e["eventType"] for e in events if e["eventType"] == "Note"] == []


def test_the_last_millisecond_of_9999_is_the_latest_time_accepted(ssm_incidents: Any) -> None:
    _, incident = plan_and_incident(ssm_incidents)
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.create_timeline_event(
            incidentRecordArn=incident,
            eventTime=datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),  # rounds to year 10000
            eventType="Note",
            eventData="x",
        )
    assert_error(exc_info, "ValidationException", 400, "9999-12-31T23:59:59.999Z")
    latest = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc)
    event_id = ssm_incidents.create_timeline_event(
        incidentRecordArn=incident, eventTime=latest, eventType="Note", eventData="x"
    )["eventId"]
    read = ssm_incidents.get_timeline_event(incidentRecordArn=incident, eventId=event_id)["event"]
    assert abs(read["eventTime"] - latest) < timedelta(milliseconds=1)  # botocore reads epoch floats


def test_nan_in_a_non_timestamp_member_is_refused_too(ssm_incidents: Any) -> None:
    onboard(ssm_incidents)
    status, payload = raw("/createResponsePlan", b'{"name":"p","incidentTemplate":{"title":"t","impact":NaN}}')
    assert status == 400 and "could not be parsed" in payload["message"]
    assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []


# --- 11/12. clientToken ---------------------------------------------------------------------------


def test_an_empty_client_token_is_no_token(ssm_incidents: Any) -> None:
    plan, _ = plan_and_incident(ssm_incidents)
    first = ssm_incidents.start_incident(responsePlanArn=plan, title="one", clientToken="")["incidentRecordArn"]
    second = ssm_incidents.start_incident(responsePlanArn=plan, title="two", clientToken="")["incidentRecordArn"]
    assert first != second


def test_the_idempotency_cache_keeps_a_fingerprint_not_the_request(ssm_incidents: Any) -> None:
    plan, _ = plan_and_incident(ssm_incidents)
    padding = "x" * 900_000  # an unknown member: dropped by validation, never kept
    body = json.dumps({"responsePlanArn": plan, "clientToken": "big", "padding": padding}).encode()
    status, payload = raw("/startIncident", body)
    assert status == 200
    again, repeated = raw("/startIncident", json.dumps({"responsePlanArn": plan, "clientToken": "big"}).encode())
    assert (again, repeated) == (200, payload)  # the same validated input: the same answer
    backend = ssmincidents_backends["123456789012"]["aws"]
    fingerprint, response = backend.idempotency[("StartIncident", "big")]
    assert len(fingerprint) < 64 and len(response[2]) < 512
    conflict, error = raw(
        "/startIncident", json.dumps({"responsePlanArn": plan, "clientToken": "big", "title": "x"}).encode()
    )
    assert conflict == 409 and "already used with different parameters" in error["message"]


# --- 13. accounts, tokens and related items -----------------------------------------------------------


@pytest.mark.parametrize(
    "account", ["abc", "../../x", "12345678901", "1234567890123", "\uff11" * 12]
)  # fullwidth digits pass str.isdigit
def test_an_account_id_header_that_is_no_account_id_is_refused(ssm_incidents: Any, account: str) -> None:
    status, payload = raw(
        "/createResponsePlan", json.dumps({"name": "p", "incidentTemplate": TEMPLATE}).encode(), account
    )
    assert status == 400 and "12-digit AWS account ID" in payload["message"]
    assert dict.get(ssmincidents_backends, account) is None


def test_a_next_token_is_accepted_only_in_the_account_that_minted_it(ssm_incidents: Any) -> None:
    for name in "abc":
        create_plan(ssm_incidents, name)
    token = ssm_incidents.list_response_plans(maxResults=1)["nextToken"]
    other = boto3.client("ssm-incidents", region_name="us-east-1")
    other.meta.events.register(
        "before-sign.*.*", lambda request, **_: request.headers.add_header("x-moto-account-id", "210987654321")
    )
    for name in "abc":
        create_plan(other, name)
    with pytest.raises(ClientError) as exc_info:
        other.list_response_plans(maxResults=1, nextToken=token)
    assert_error(exc_info, "ValidationException", 400, "nextToken")


def test_adding_a_related_item_does_not_scan_the_items_already_there(
    ssm_incidents: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, incident = plan_and_incident(ssm_incidents)
    reads = {"count": 0}
    original = RelatedItem.identifier

    def counted(self: RelatedItem) -> dict[str, Any]:
        reads["count"] += 1
        return original.fget(self)  # type: ignore[no-any-return,attr-defined]

    monkeypatch.setattr(RelatedItem, "identifier", property(counted))
    for number in range(150):
        item = {"identifier": {"type": "OTHER", "value": {"url": f"https://example.com/{number}"}}}
        ssm_incidents.update_related_items(incidentRecordArn=incident, relatedItemsUpdate={"itemToAdd": item})
    assert reads["count"] < 150  # a scan per add would read about 11,000 identifiers
    with pytest.raises(ClientError) as exc_info:
        ssm_incidents.update_related_items(incidentRecordArn=incident, relatedItemsUpdate={"itemToAdd": item})
    assert_error(exc_info, "ConflictException", 409, "already exists")
