"""Server mode: the command line, the threaded helper, control endpoints, concurrency, moto's server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer, dump_state
from tests.support import assert_error
from tests.support.processes import moto_server

# These tests are about the HTTP server, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REPO = Path(__file__).resolve().parents[2]
SIGNED = (
    "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00"
)


def client(url: str, region: str = "us-east-1", service: str = "ssm-incidents", **kwargs: Any) -> Any:
    config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30, **kwargs)
    return boto3.client(service, region_name=region, endpoint_url=url, config=config, **CREDENTIALS)  # type: ignore[call-overload]


@pytest.fixture
def server() -> Iterator[ThreadedSSMIncidentsServer]:
    with ThreadedSSMIncidentsServer() as running:
        urllib.request.urlopen(
            urllib.request.Request(
                running.url + "/_ssm_incidents_mock/reset", method="POST", headers={"X-SSM-Incidents-Mock": "1"}
            ),
            timeout=10,
        )
        yield running


def http(method: str, url: str, body: bytes | None = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, method=method, headers={"X-SSM-Incidents-Mock": "1"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def start_plan(ssm: Any, name: str = "plan") -> str:
    return str(ssm.create_response_plan(name=name, incidentTemplate={"title": "t", "impact": 3})["arn"])


# --- the threaded helper ---------------------------------------------------------------------------


def test_threaded_server_serves_boto3_on_a_free_loopback_port(server: ThreadedSSMIncidentsServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.port_number > 0
    ssm = client(server.url)
    plan = start_plan(ssm)
    arn = ssm.start_incident(responsePlanArn=plan, title="disk full")["incidentRecordArn"]
    record = ssm.get_incident_record(arn=arn)["incidentRecord"]
    assert record["title"] == "disk full"
    assert record["impact"] == 3
    assert arn.startswith("arn:aws:ssm-incidents::123456789012:incident-record/plan/")


def test_modeled_errors_come_back_with_status_and_type(server: ThreadedSSMIncidentsServer) -> None:
    ssm = client(server.url)
    with pytest.raises(ClientError) as exc_info:
        ssm.get_incident_record(arn="arn:aws:ssm-incidents::123456789012:incident-record/plan/nope")
    assert_error(exc_info, "ResourceNotFoundException", 404, "incident-record/plan/nope")
    arn = ssm.start_incident(responsePlanArn=start_plan(ssm))["incidentRecordArn"]
    with pytest.raises(ClientError) as exc_info:
        ssm.update_incident_record(arn=arn, impact=9)
    assert_error(exc_info, "ValidationException", 400, "Value '9' at 'impact'", "less than or equal to 5")


def test_stop_ends_keep_alive_connections_and_frees_the_port() -> None:
    running = ThreadedSSMIncidentsServer()
    running.start()
    port = running.port_number
    ssm = client(running.url)
    ssm.list_response_plans()  # leaves a keep-alive connection open
    running.stop()
    running.stop()  # idempotent
    with pytest.raises(RuntimeError, match="not running"):
        _ = running.url
    with socket.socket() as probe:  # the port can be bound again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def test_strict_server_requires_a_replication_set_and_restores_the_setting() -> None:
    from ssm_incidents_mock.config import settings

    before = settings.strict_replication_set
    with ThreadedSSMIncidentsServer(strict=True) as running:
        http("POST", running.url + "/_ssm_incidents_mock/reset")
        ssm = client(running.url)
        with pytest.raises(ClientError) as exc_info:
            start_plan(ssm)
        assert exc_info.value.response["ResponseMetadata"]["HTTPStatusCode"] >= 400
        ssm.create_replication_set(regions={"us-east-1": {}})
        assert start_plan(ssm).endswith(":response-plan/plan")
    assert settings.strict_replication_set is before


def test_replication_phases_on_request_and_the_setting_restored() -> None:
    from ssm_incidents_mock.config import settings

    before = settings.replication_phases
    with ThreadedSSMIncidentsServer(replication_phases=True) as running:
        http("POST", running.url + "/_ssm_incidents_mock/reset")
        ssm = client(running.url)
        arn = ssm.create_replication_set(regions={"us-east-1": {}})["arn"]
        assert ssm.get_replication_set(arn=arn)["replicationSet"]["status"] == "CREATING"
        assert ssm.get_replication_set(arn=arn)["replicationSet"]["status"] == "ACTIVE"
    assert settings.replication_phases is before


def test_region_comes_from_the_sigv4_scope(server: ThreadedSSMIncidentsServer) -> None:
    east = client(server.url, region="us-east-1")
    arn = east.create_replication_set(regions={"us-east-1": {}})["arn"]
    assert east.get_replication_set(arn=arn)["replicationSet"]["regionMap"].keys() == {"us-east-1"}
    west = client(server.url, region="eu-west-1")
    with pytest.raises(ClientError) as exc_info:
        west.get_replication_set(arn=arn)
    assert_error(exc_info, "ResourceNotFoundException", 404, arn)


def test_account_comes_from_moto_account_header(server: ThreadedSSMIncidentsServer) -> None:
    ssm = client(server.url)
    start_plan(ssm)

    def other_account(request: Any, **_: Any) -> None:
        request.headers["x-moto-account-id"] = "111122223333"

    other = client(server.url)
    other.meta.events.register("before-sign.ssm-incidents.*", other_account)
    arn = start_plan(other, "theirs")
    assert arn == "arn:aws:ssm-incidents::111122223333:response-plan/theirs"
    assert [p["name"] for p in ssm.list_response_plans()["responsePlanSummaries"]] == ["plan"]
    assert [p["name"] for p in other.list_response_plans()["responsePlanSummaries"]] == ["theirs"]


# --- both services on one port -------------------------------------------------------------------------


def test_one_port_serves_ssm_incidents_and_ssm_contacts(server: ThreadedSSMIncidentsServer) -> None:
    incidents, contacts = client(server.url), client(server.url, service="ssm-contacts")
    incidents.create_replication_set(regions={"us-east-1": {}})
    arn = contacts.create_contact(Alias="oncall", DisplayName="On call", Type="PERSONAL", Plan={"Stages": []})[
        "ContactArn"
    ]
    assert arn == "arn:aws:ssm-contacts:us-east-1:123456789012:contact/oncall"
    assert [c["ContactArn"] for c in contacts.list_contacts()["Contacts"]] == [arn]
    assert contacts.get_contact(ContactId=arn)["DisplayName"] == "On call"
    with pytest.raises(ClientError) as exc_info:  # json 1.1 errors carry their code in __type
        contacts.get_contact(ContactId=arn + "-missing")
    assert_error(exc_info, "ResourceNotFoundException", 404)
    assert incidents.list_response_plans()["responsePlanSummaries"] == []


def test_ssm_contacts_on_its_aws_host_name_is_served(server: ThreadedSSMIncidentsServer) -> None:
    client(server.url).create_replication_set(regions={"eu-west-1": {}})
    contacts = client(server.url, region="eu-west-1", service="ssm-contacts")

    def aws_host(request: Any, **_: Any) -> None:
        request.headers["Host"] = "ssm-contacts.eu-west-1.amazonaws.com"

    contacts.meta.events.register("before-sign.ssm-contacts.*", aws_host)
    assert contacts.list_contacts()["Contacts"] == []


@pytest.mark.parametrize(
    ("headers", "named"),
    [
        ({"Authorization": SIGNED.format(service="sqs"), "X-Amz-Target": "AmazonSQS.ListQueues"}, "signed for 'sqs'"),
        ({"X-Amz-Target": "AmazonSQS.ListQueues"}, "X-Amz-Target 'AmazonSQS.ListQueues'"),
    ],
)
def test_a_service_not_served_here_is_refused(
    server: ThreadedSSMIncidentsServer, headers: dict[str, str], named: str
) -> None:
    request = urllib.request.Request(
        server.url + "/", data=b"{}", method="POST", headers={"Content-Type": "application/x-amz-json-1.0", **headers}
    )
    with pytest.raises(urllib.error.HTTPError) as exc_info:
        urllib.request.urlopen(request, timeout=10)
    assert exc_info.value.code == 400
    assert exc_info.value.headers["x-amzn-ErrorType"] == "UnknownServiceException"
    body = json.loads(exc_info.value.read())
    assert body["__type"] == "UnknownServiceException"
    assert "ssm-incidents and ssm-contacts" in body["message"] and named in body["message"]


def test_an_unknown_target_signed_for_ssm_contacts_is_its_unknown_operation(server: ThreadedSSMIncidentsServer) -> None:
    request = urllib.request.Request(
        server.url + "/",
        data=b"{}",
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": SIGNED.format(service="ssm-contacts"),
            "X-Amz-Target": "SSMContacts.NoSuchOperation",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as exc_info:
        urllib.request.urlopen(request, timeout=10)
    assert (exc_info.value.code, exc_info.value.headers["x-amzn-ErrorType"]) == (400, "UnknownOperationException")
    assert "ssm-contacts has no operation" in json.loads(exc_info.value.read())["message"]


def test_unsigned_ssm_contacts_request_is_missing_its_token_in_json_1_1(server: ThreadedSSMIncidentsServer) -> None:
    request = urllib.request.Request(
        server.url + "/",
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "SSMContacts.ListContacts"},
    )
    with pytest.raises(urllib.error.HTTPError) as exc_info:
        urllib.request.urlopen(request, timeout=10)
    assert exc_info.value.code == 403
    assert json.loads(exc_info.value.read()) == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Missing Authentication Token",
    }


def test_state_and_reset_cover_both_services(server: ThreadedSSMIncidentsServer) -> None:
    incidents, contacts = client(server.url), client(server.url, service="ssm-contacts")
    incidents.create_replication_set(regions={"us-east-1": {}})
    arn = contacts.create_contact(Alias="oncall", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    contacts.create_contact_channel(
        ContactId=arn, Name="mail", Type="EMAIL", DeliveryAddress={"SimpleAddress": "oncall@example.com"}
    )
    engagement = contacts.start_engagement(ContactId=arn, Sender="cli", Subject="s", Content="c")["EngagementArn"]
    status, state = http("GET", server.url + "/_ssm_incidents_mock/state")
    assert status == 200 and state["contacts"]["service"] == "ssm-contacts"
    region = state["contacts"]["accounts"]["123456789012"]["us-east-1"]
    (contact,) = region["Contacts"]
    assert (contact["ContactArn"], contact["ContactChannels"][0]["Name"]) == (arn, "mail")
    assert [e["EngagementArn"] for e in region["Engagements"]] == [engagement]
    assert dump_state() == state
    assert http("POST", server.url + "/_ssm_incidents_mock/reset")[0] == 200
    assert http("GET", server.url + "/_ssm_incidents_mock/state")[1]["contacts"]["accounts"] == {}
    assert incidents.list_replication_sets()["replicationSetArns"] == []
    incidents.create_replication_set(regions={"us-east-1": {}})
    assert contacts.list_contacts()["Contacts"] == []


# --- control endpoints -------------------------------------------------------------------------------


def test_state_dump_and_reset(server: ThreadedSSMIncidentsServer) -> None:
    ssm = client(server.url)
    plan = start_plan(ssm)
    arn = ssm.start_incident(responsePlanArn=plan, title="boom")["incidentRecordArn"]
    ssm.tag_resource(resourceArn=arn, tags={"team": "db"})
    status, state = http("GET", server.url + "/_ssm_incidents_mock/state")
    assert status == 200
    account = state["accounts"]["123456789012"]["aws"]
    assert [p["arn"] for p in account["responsePlans"]] == [plan]
    (incident,) = account["incidentRecords"]
    assert incident["arn"] == arn and incident["title"] == "boom"
    assert any(event["eventType"] == "Custom Event" for event in incident["timelineEvents"])
    assert account["tags"] == {arn: {"team": "db"}}
    assert dump_state() == state  # the helper and the endpoint agree

    status, body = http("POST", server.url + "/_ssm_incidents_mock/reset")
    assert (status, body["status"]) == (200, "ok")
    assert ssm.list_response_plans()["responsePlanSummaries"] == []
    assert (
        http("GET", server.url + "/_ssm_incidents_mock/state")[1]["accounts"]["123456789012"]["aws"]["responsePlans"]
        == []
    )


def test_moto_reset_path_also_resets(server: ThreadedSSMIncidentsServer) -> None:
    ssm = client(server.url)
    start_plan(ssm)
    status, _ = http("POST", server.url + "/moto-api/reset")
    assert status == 200
    assert ssm.list_response_plans()["responsePlanSummaries"] == []


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/_ssm_incidents_mock/reset", 405),
        ("POST", "/_ssm_incidents_mock/state", 405),
        ("GET", "/_ssm_incidents_mock/nope", 404),
    ],
)
def test_control_endpoints_reject_wrong_use(
    server: ThreadedSSMIncidentsServer, method: str, path: str, status: int
) -> None:
    got, body = http(method, server.url + path, b"" if method == "POST" else None)
    assert got == status
    assert path in body["message"] or "POST" in body["message"] or "GET" in body["message"]


def test_a_registered_control_endpoint_is_served_behind_the_control_checks(
    server: ThreadedSSMIncidentsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ssm_incidents_mock.server import CONTROL_ENDPOINTS, register_control

    monkeypatch.setattr("ssm_incidents_mock.server.app.CONTROL_ENDPOINTS", dict(CONTROL_ENDPOINTS))
    register_control("GET", "probe/*", lambda request, name: (200, {"Content-Type": "application/json"}, b"[1]"))
    assert http("GET", server.url + "/_ssm_incidents_mock/probe/x") == (200, [1])
    assert http("POST", server.url + "/_ssm_incidents_mock/probe/x", b"")[0] == 405
    assert http("GET", server.url + "/_ssm_incidents_mock/probe/x/y")[0] == 404  # one segment only
    assert raw_status(server.url + "/_ssm_incidents_mock/probe/x") == 403  # no control header
    monkeypatch.undo()
    assert http("GET", server.url + "/_ssm_incidents_mock/probe/x")[0] == 404


def test_fault_rules_calls_and_clock_are_served_as_control_endpoints(server: ThreadedSSMIncidentsServer) -> None:
    incidents, contacts = client(server.url), client(server.url, service="ssm-contacts")
    rule = {"service": "ssm-contacts", "operation": "ListContacts", "error": "ThrottlingException"}
    status, added = http("POST", server.url + "/_ssm_incidents_mock/faults", json.dumps(rule).encode())
    assert status == 200
    fault_id = added["fault"]["id"]
    with pytest.raises(ClientError) as exc_info:
        contacts.list_contacts()
    assert_error(exc_info, "ThrottlingException", 429)
    assert http("GET", f"{server.url}/_ssm_incidents_mock/faults/{fault_id}")[1]["fault"]["fired"] >= 1
    assert http("PUT", f"{server.url}/_ssm_incidents_mock/faults/{fault_id}", b"")[0] == 405
    assert http("DELETE", f"{server.url}/_ssm_incidents_mock/faults/{fault_id}") == (200, {"removed": 1})
    assert contacts.list_contacts()["Contacts"] == []
    incidents.list_response_plans()
    status, recorded = http("GET", server.url + "/_ssm_incidents_mock/calls?service=ssm-incidents")
    assert status == 200 and [c["operation"] for c in recorded["calls"]] == ["ListResponsePlans"]
    status, moved = http("POST", server.url + "/_ssm_incidents_mock/clock", b'{"advance": 60}')
    assert (status, moved["offset"]) == (200, 60)
    assert raw_status(server.url + "/_ssm_incidents_mock/calls") == 403  # the control header is needed
    assert http("POST", server.url + "/_ssm_incidents_mock/reset")[0] == 200  # resets the bench too
    assert http("GET", server.url + "/_ssm_incidents_mock/faults")[1] == {"faults": []}
    assert http("GET", server.url + "/_ssm_incidents_mock/clock")[1]["offset"] == 0


def test_codes_and_the_clock_over_http_drive_a_contact_s_escalation(server: ThreadedSSMIncidentsServer) -> None:
    contacts = client(server.url, service="ssm-contacts")
    contact = contacts.create_contact(Alias="oncall-dev", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
    channel = contacts.create_contact_channel(
        ContactId=contact, Name="mail", Type="EMAIL", DeliveryAddress={"SimpleAddress": "dev@example.com"}
    )["ContactChannelArn"]
    stage = {"Targets": [{"ChannelTargetInfo": {"ContactChannelId": channel}}]}
    contacts.update_contact(
        ContactId=contact, Plan={"Stages": [{"DurationInMinutes": 5, **stage}, {"DurationInMinutes": 5, **stage}]}
    )
    status, sent = http("GET", f"{server.url}/_ssm_incidents_mock/code?arn={channel}")
    assert status == 200 and sent["code"]
    contacts.activate_contact_channel(ContactChannelId=channel, ActivationCode=sent["code"])
    engagement = contacts.start_engagement(ContactId=contact, Sender="bot", Subject="s", Content="c")["EngagementArn"]
    assert len(contacts.list_pages_by_engagement(EngagementId=engagement)["Pages"]) == 1
    assert http("POST", server.url + "/_ssm_incidents_mock/clock", b'{"advance": 301}')[0] == 200
    pages = contacts.list_pages_by_engagement(EngagementId=engagement)["Pages"]
    assert len(pages) == 2  # the second stage fired once its five minutes had passed on the mock's clock
    status, accept = http("GET", f"{server.url}/_ssm_incidents_mock/code?arn={pages[0]['PageArn']}")
    assert status == 200
    contacts.accept_page(PageId=pages[0]["PageArn"], AcceptType="READ", AcceptCode=accept["code"])
    assert http("GET", f"{server.url}/_ssm_incidents_mock/code?arn=arn:aws:ssm-contacts:us-east-1:1:page/x")[0] == 404


# --- concurrency ---------------------------------------------------------------------------------------


def test_concurrent_clients_lose_no_updates(server: ThreadedSSMIncidentsServer) -> None:
    plan = start_plan(client(server.url))
    workers, per_worker = 6, 8
    created: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            ssm = client(server.url)
            for _ in range(per_worker):
                arn = ssm.start_incident(responsePlanArn=plan)["incidentRecordArn"]
                with lock:
                    created.append(arn)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(set(created)) == workers * per_worker
    listed = [
        s["arn"]
        for page in client(server.url).get_paginator("list_incident_records").paginate()
        for s in page["incidentRecordSummaries"]
    ]
    assert sorted(listed) == sorted(created)


def test_concurrent_reads_never_see_a_torn_update(server: ThreadedSSMIncidentsServer) -> None:
    ssm = client(server.url)
    arn = ssm.start_incident(responsePlanArn=start_plan(ssm))["incidentRecordArn"]
    deadline = time.monotonic() + 30
    done = threading.Event()
    torn: list[tuple[str, int]] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            writer = client(server.url)
            for i in range(40):
                impact = i % 5 + 1
                writer.update_incident_record(arn=arn, title=f"impact-{impact}", impact=impact)
                if time.monotonic() > deadline:
                    break
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()

    def read() -> None:
        try:
            reader = client(server.url)
            while not done.is_set() and time.monotonic() < deadline:
                record = reader.get_incident_record(arn=arn)["incidentRecord"]
                if record["title"] != "t" and record["title"] != f"impact-{record['impact']}":
                    torn.append((record["title"], record["impact"]))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert torn == []
    final = ssm.get_incident_record(arn=arn)["incidentRecord"]
    assert final["title"] == f"impact-{final['impact']}"


# --- the command line --------------------------------------------------------------------------------


def _launch(command: list[str]) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env)
    assert process.stdout is not None
    watchdog = threading.Timer(60, process.kill)  # the server prints its URL first: bound the wait for it
    watchdog.start()
    try:
        line = process.stdout.readline()
    finally:
        watchdog.cancel()
    if "http://" not in line:
        process.kill()
        raise AssertionError(f"no URL printed: {line!r} {process.communicate(timeout=10)}")
    return process, line.split("http://", 1)[1].split()[0]


def _stop_and_collect(process: subprocess.Popen[str], signals: list[int]) -> tuple[int, str, str]:
    for number in signals:
        process.send_signal(number)
    try:
        out, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=10)
        raise
    return process.returncode, out, err


def _finish(process: subprocess.Popen[str], sig: int) -> tuple[int, str]:
    code, out, _ = _stop_and_collect(process, [sig])
    return code, out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_python_dash_m_server_prints_url_serves_and_exits_cleanly(sig: int) -> None:
    process, address = _launch([sys.executable, "-m", "ssm_incidents_mock", "server", "--port", "0"])
    try:
        assert address.startswith("127.0.0.1:")
        ssm = client(f"http://{address}")
        assert start_plan(ssm).endswith(":response-plan/plan")
        assert [p["name"] for p in ssm.list_response_plans()["responsePlanSummaries"]] == ["plan"]
    finally:
        code, out = _finish(process, sig)
    assert code == 0
    assert "stopped" in out


def test_console_script_runs_the_same_server() -> None:
    script = Path(sys.executable).parent / "ssm-incidents-mock"
    assert script.exists(), "the package is installed with its console script"
    process, address = _launch([str(script), "server", "--host", "127.0.0.1", "--port", "0", "--strict"])
    try:
        ssm = client(f"http://{address}")
        with pytest.raises(ClientError) as exc_info:  # --strict: onboarding first
            start_plan(ssm)
        assert exc_info.value.response["ResponseMetadata"]["HTTPStatusCode"] >= 400
    finally:
        code, _ = _finish(process, signal.SIGTERM)
    assert code == 0


def test_replication_phases_flag() -> None:
    command = [sys.executable, "-m", "ssm_incidents_mock", "server", "--port", "0", "--replication-phases"]
    process, address = _launch(command)
    try:
        ssm = client(f"http://{address}")
        arn = ssm.create_replication_set(regions={"us-east-1": {}})["arn"]
        statuses = [ssm.get_replication_set(arn=arn)["replicationSet"]["status"] for _ in range(2)]
    finally:
        code, _ = _finish(process, signal.SIGTERM)
    assert (code, statuses) == (0, ["CREATING", "ACTIVE"])


def test_command_line_help_and_bad_arguments() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ssm_incidents_mock", "server", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert "--host" in done.stdout and "--port" in done.stdout
    done = subprocess.run([sys.executable, "-m", "ssm_incidents_mock"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "server" in done.stderr


# --- inside moto's server ------------------------------------------------------------------------------


def test_threaded_moto_server_serves_ssm_incidents_next_to_sqs() -> None:
    from moto.server import ThreadedMotoServer

    import ssm_incidents_mock

    ssm_incidents_mock.register()
    moto_server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto_server.start()
    try:
        url = f"http://127.0.0.1:{moto_server._server.server_port}"  # type: ignore[union-attr]
        assert http("POST", url + "/moto-api/reset")[0] == 200  # this process may hold earlier tests' state
        ssm, sqs = client(url, region="eu-west-1"), client(url, region="eu-west-1", service="sqs")
        plan = start_plan(ssm)
        queue = sqs.create_queue(QueueName="incidents")["QueueUrl"]
        assert plan.endswith(":response-plan/plan")
        assert [p["arn"] for p in ssm.list_response_plans()["responsePlanSummaries"]] == [plan]
        with pytest.raises(ClientError) as exc_info:
            ssm.get_response_plan(arn=plan + "-missing")
        assert_error(exc_info, "ResourceNotFoundException", 404, "plan-missing")
        assert http("POST", url + "/moto-api/reset")[0] == 200
        assert ssm.list_response_plans()["responsePlanSummaries"] == []
        assert queue not in sqs.list_queues().get("QueueUrls", [])
    finally:
        moto_server.stop()


def test_moto_server_subcommand_serves_both_services_and_moto() -> None:
    with moto_server() as url:
        ssm, contacts, sqs = client(url), client(url, service="ssm-contacts"), client(url, service="sqs")
        assert start_plan(ssm).endswith(":response-plan/plan")
        ssm.create_replication_set(regions={"us-east-1": {}})
        arn = contacts.create_contact(Alias="oncall", Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
        assert [c["ContactArn"] for c in contacts.list_contacts()["Contacts"]] == [arn]
        assert sqs.create_queue(QueueName="q")["QueueUrl"].endswith("/q")


def raw_status(url: str, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_moto_server_has_the_servers_host_and_origin_checks() -> None:
    with moto_server("--allow-host", "mock") as url:
        sqs = client(url, service="sqs")
        queue = sqs.create_queue(QueueName="kept")["QueueUrl"]
        port = url.rsplit(":", 1)[1]
        reset = url + "/moto-api/reset"
        # a page's no-cors text/plain POST, another origin's fetch, a cross-site request, a rebinding page
        hostile = [
            {"Origin": "http://evil.example", "Content-Type": "text/plain"},
            {"Origin": "http://localhost:4000"},
            {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Content-Type": "text/plain"},
            {"Host": f"rebind.evil.example:{port}"},
        ]
        for headers in hostile:
            assert raw_status(reset, "POST", headers, b"x") == 403, headers
        assert raw_status(url + "/moto-api/data.json", headers={"Host": f"rebind.evil.example:{port}"}) == 403
        assert sqs.list_queues()["QueueUrls"] == [queue]  # nothing was wiped
        assert raw_status(url + "/moto-api/data.json", headers={"Host": f"mock:{port}"}) == 200  # --allow-host
        assert raw_status(url + "/moto-api/data.json", headers={"Host": "sqs.us-east-1.amazonaws.com"}) == 200
        assert raw_status(reset, "POST", body=b"") == 200  # tools (curl, requests) reset as moto documents
        assert sqs.list_queues().get("QueueUrls", []) == []


@pytest.mark.parametrize("command", ["server", "moto-server"])
def test_two_quick_interrupts_stop_cleanly(command: str) -> None:
    process, address = _launch([sys.executable, "-m", "ssm_incidents_mock", command, "--port", "0"])
    assert start_plan(client(f"http://{address}")).endswith(":response-plan/plan")
    code, out, err = _stop_and_collect(process, [signal.SIGINT, signal.SIGINT])
    assert (code, "Traceback" in err, "stopped" in out) == (0, False, True), err


def test_sigterm_while_a_connection_is_handed_over_closes_nothing_under_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGTERM arrives exactly while the accept loop hands a new connection to its thread, and that
    thread starts reading only once the hand-over is over. Raising into the accept loop (as a
    KeyboardInterrupt would) makes socketserver close the connection under its starting thread, which
    then fails with ``ValueError ... fd -1``; a signal that only sets a flag closes nothing."""
    from ssm_incidents_mock.server import connection, run

    handed_over, finished = threading.Event(), threading.Event()
    errors: list[BaseException | None] = []
    servers: list[Any] = []

    def make_server(*args: Any, **kwargs: Any) -> Any:
        server = real_make_server(*args, **kwargs)
        servers.append(server)
        accept_one, process_request = server._handle_request_noblock, server.process_request
        process_request_thread = server.process_request_thread

        def accept(*args: Any) -> None:
            try:
                accept_one(*args)
            finally:
                handed_over.set()  # whatever the accept loop does with the connection, it has done

        def hand_over(request: Any, client_address: Any) -> None:
            process_request(request, client_address)  # the connection's thread starts here
            # In the main thread raise_signal runs the Python handler before it returns; in any other
            # thread the main thread runs it.
            signal.raise_signal(signal.SIGTERM)

        def serve_connection(request: Any, client_address: Any) -> None:
            try:
                process_request_thread(request, client_address)
            finally:
                finished.set()

        server._handle_request_noblock, server.process_request = accept, hand_over
        server.process_request_thread = serve_connection
        server.handle_error = lambda request, client_address: errors.append(sys.exc_info()[1])
        return server

    def start_reading(reader: Any, sock: Any, server: Any) -> None:
        assert handed_over.wait(10)
        real_reader_init(reader, sock, server)

    real_make_server, real_reader_init = run.make_server, connection.SocketReader.__init__
    monkeypatch.setattr(run, "make_server", make_server)
    monkeypatch.setattr(connection.SocketReader, "__init__", start_reading)

    def connect_once() -> None:
        deadline = time.monotonic() + 10
        while not servers and time.monotonic() < deadline:
            time.sleep(0.01)
        with socket.create_connection(servers[0].server_address[:2], timeout=10) as sock:
            sock.sendall(b"GET /_ssm_incidents_mock/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            while sock.recv(65536):
                pass

    connecting = threading.Thread(target=connect_once)
    connecting.start()
    code = run.serve(port=0)
    connecting.join(timeout=20)
    assert finished.wait(10)
    assert (code, errors) == (0, [])
    assert "stopped" in capsys.readouterr().out


def test_a_second_interrupt_while_stopping_interrupts_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first Ctrl+C comes while the server serves, the second exactly while it stops (ending its
    connections): neither may raise into the stop, as a KeyboardInterrupt would."""
    from ssm_incidents_mock.server import run

    def make_server(*args: Any, **kwargs: Any) -> Any:
        server = real_make_server(*args, **kwargs)
        serve_forever, close_connections = server.serve_forever, server.close_connections

        def serve(**options: Any) -> None:
            threading.Thread(target=signal.raise_signal, args=(signal.SIGINT,)).start()  # the first Ctrl+C
            serve_forever(**options)

        def close_while_interrupted() -> None:
            signal.raise_signal(signal.SIGINT)  # the second, while stopping
            close_connections()

        server.serve_forever, server.close_connections = serve, close_while_interrupted
        return server

    real_make_server = run.make_server
    monkeypatch.setattr(run, "make_server", make_server)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    try:
        code = run.serve(port=0)
    except KeyboardInterrupt:
        code = -1
    finally:
        signal.signal(signal.SIGINT, previous)
    assert code == 0
    assert "stopped" in capsys.readouterr().out


def test_port_in_use_is_a_clean_error() -> None:
    with ThreadedSSMIncidentsServer() as running:
        command = [sys.executable, "-m", "ssm_incidents_mock", "server", "--port", str(running.port_number)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "cannot listen on 127.0.0.1:" in done.stderr
    assert "Traceback" not in done.stderr


def test_moto_server_without_the_server_extra_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['flask'] = None; sys.modules['flask_cors'] = None\n"
        "from ssm_incidents_mock.__main__ import main\n"
        "sys.exit(main(['moto-server', '-p', '0']))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 1
    assert "pip install 'ssm-incidents-mock[server]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_verbose_server_logs_each_request_through_logging() -> None:
    process, address = _launch([sys.executable, "-m", "ssm_incidents_mock", "server", "--port", "0", "--verbose"])
    try:
        start_plan(client(f"http://{address}"))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, log = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, log = process.communicate(timeout=10)
    assert process.returncode == 0
    (line,) = [line for line in log.splitlines() if "CreateResponsePlan" in line]
    assert "ssm_incidents_mock.server POST /createResponsePlan operation=CreateResponsePlan" in line
    assert "account=123456789012 status=201 latency=" in line
    assert line[:4].isdigit()  # the time comes first


def test_allow_host_and_cors_origin_flags() -> None:
    command = [sys.executable, "-m", "ssm_incidents_mock", "server", "--port", "0"]
    process, address = _launch([*command, "--allow-host", "mock", "--cors-origin", "http://localhost:3000"])
    try:
        port = address.split(":")[1]
        for host, expected in (("mock", 200), ("other", 403)):
            request = urllib.request.Request(
                f"http://{address}/_ssm_incidents_mock/state",
                headers={"Host": f"{host}:{port}", "X-SSM-Incidents-Mock": "1"},
            )
            try:
                status = urllib.request.urlopen(request, timeout=10).status
            except urllib.error.HTTPError as error:
                status = error.code
            assert status == expected, host
        preflight = urllib.request.Request(
            f"http://{address}/startIncident",
            method="OPTIONS",
            headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"},
        )
        with urllib.request.urlopen(preflight, timeout=10) as response:
            assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    finally:
        _finish(process, signal.SIGTERM)
