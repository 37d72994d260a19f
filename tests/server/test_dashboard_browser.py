"""The dashboard in headless Chromium (Debian's ``chromium``), driven by playwright-core from npm.

The state is made through boto3 against the running server; ``tests/browser/dashboard.mjs`` loads
the pages, follows links and checks what shows, asking this side (one JSON line each way) to
change state while a page is open. Set ``DASHBOARD_SCREENSHOTS=<dir>`` to keep its screenshots
(docs/images holds the committed ones).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from ssm_incidents_mock import SSMIncidentsMock
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support import client as incidents_client
from tests.support.moto_world import create_runbook
from tests.support.processes import npm_ci

BROWSER_DIR = Path(__file__).resolve().parent / "browser"
CHROMIUM = Path("/usr/bin/chromium")
ACCOUNT = "123456789012"
RUNBOOK = "AWSIncidents-CriticalIncidentRunbookTemplate"


def _install_chromium() -> None:
    """Debian's chromium, installed through apt when missing (CI runs as root on a fresh machine)."""
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    assert apt is not None, "the browser test needs /usr/bin/chromium (Debian's chromium package)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    wait = ["-o", "DPkg::Lock::Timeout=300"]  # another install may hold dpkg's lock for a while
    for command in ([apt, *wait, "update"], [apt, *wait, "install", "-y", "chromium"]):
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
    assert CHROMIUM.exists()


def _install_playwright() -> None:
    npm_ci(BROWSER_DIR, BROWSER_DIR / "node_modules" / "playwright-core" / "package.json")


def _fill(client: Any) -> dict[str, str]:
    """A replication set, two plans and four incidents, one of them titled with markup."""
    client.create_replication_set(regions={"us-east-1": {}, "eu-west-1": {}})
    role = f"arn:aws:iam::{ACCOUNT}:role/IncidentManagerRunbook"
    checkout = client.create_response_plan(
        name="checkout-api",
        displayName="Checkout API",
        incidentTemplate={"title": "Checkout API degraded", "impact": 2, "summary": "Checkout errors or latency"},
        actions=[
            {
                "ssmAutomation": {
                    "documentName": RUNBOOK,
                    "roleArn": role,
                    "dynamicParameters": {"IncidentRecordArn": {"variable": "INCIDENT_RECORD_ARN"}},
                }
            }
        ],
        tags={"team": "payments"},
    )["arn"]
    database = client.create_response_plan(
        name="payments-db", incidentTemplate={"title": "Payments database", "impact": 1}
    )["arn"]
    arns = {}
    arns["search"] = client.start_incident(responsePlanArn=checkout, title="Search index lagging", impact=4)[
        "incidentRecordArn"
    ]
    client.update_incident_record(arn=arns["search"], status="RESOLVED")
    arns["db"] = client.start_incident(responsePlanArn=database, title="Payments DB failover in eu-west-1")[
        "incidentRecordArn"
    ]
    arns["script"] = client.start_incident(responsePlanArn=database, title="<script>alert(1)</script>", impact=3)[
        "incidentRecordArn"
    ]
    arns["checkout"] = arn = client.start_incident(
        responsePlanArn=checkout,
        title="Checkout latency above 2 s",
        relatedItems=[
            {
                "identifier": {"type": "METRIC", "value": {"url": "https://example.com/dashboards/checkout-p99"}},
                "title": "p99 latency",
            }
        ],
    )["incidentRecordArn"]
    client.create_timeline_event(
        incidentRecordArn=arn, eventTime=time.time(), eventType="Custom Event", eventData="Paged the on-call engineer"
    )
    client.create_timeline_event(
        incidentRecordArn=arn, eventTime=time.time(), eventType="Note", eventData="Rolled back checkout-api to v41"
    )
    client.update_incident_record(arn=arn, summary="p99 latency above 2 s after the v42 deploy")
    SSMIncidentsMock().add_finding(  # the mock's inspector works on the server's state too (one process)
        arn,
        codedeploy_deployment_group_arn=f"arn:aws:codedeploy:us-east-1:{ACCOUNT}:deploymentgroup:checkout/prod",
        deployment_id="d-CHECKOUT42",
    )
    return arns


class _Driver:
    """The node script as a subprocess: its stdout lines arrive on a queue, read with a deadline."""

    def __init__(self, url: str, screenshots: str | None) -> None:
        node = shutil.which("node")
        assert node is not None, "Node.js is needed for the browser test"
        args = [node, "dashboard.mjs", url] + ([screenshots] if screenshots else [])
        self.process = subprocess.Popen(
            args,
            cwd=BROWSER_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.errors: list[str] = []
        threading.Thread(target=self._pump, args=(self.process.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.process.stderr, self.errors.append), daemon=True).start()

    @staticmethod
    def _pump(stream: Any, sink: Any) -> None:
        for line in stream:
            sink(line)
        sink(None)

    def next_message(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"no word from the browser script in {timeout} s: {''.join(self.errors)}"
                ) from None
            if line is None:
                self.process.wait(timeout=10)
                raise AssertionError(
                    f"the browser script ended ({self.process.returncode}): {''.join(map(str, self.errors))}"
                )
            if line.startswith("{"):
                message: dict[str, Any] = json.loads(line)
                return message

    def answer(self, payload: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(payload) + "\n")
        self.process.stdin.flush()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser_tools() -> None:
    """Chromium (apt) and playwright-core (npm), installed by the test itself when missing."""
    assert (BROWSER_DIR / "package-lock.json").is_file()
    _install_chromium()
    _install_playwright()


@pytest.fixture
def runbook_in_moto() -> Iterator[None]:
    """The plan's runbook as an Automation document in moto's SSM, which this process's server reads."""
    with mock_aws():
        create_runbook(RUNBOOK)
        yield


def test_dashboard_in_headless_chromium(
    browser_tools: None, runbook_in_moto: None, server: ThreadedSSMIncidentsServer, tmp_path: Path
) -> None:
    screenshots = os.environ.get("DASHBOARD_SCREENSHOTS") or str(tmp_path)
    client = incidents_client(endpoint_url=server.url)
    arns = _fill(client)
    plan = client.get_response_plan(arn=f"arn:aws:ssm-incidents::{ACCOUNT}:response-plan/payments-db")["arn"]
    driver = _Driver(server.url, screenshots)
    try:
        asked = driver.next_message(timeout=120)
        assert asked == {"wait": "add-note"}
        text = "Customer traffic back to normal"
        client.create_timeline_event(
            incidentRecordArn=arns["checkout"], eventTime=time.time(), eventType="Note", eventData=text
        )
        driver.answer({"text": text})

        asked = driver.next_message(timeout=60)
        assert asked == {"wait": "start-incident"}
        title = "Card authorisations failing"
        client.start_incident(responsePlanArn=plan, title=title, impact=1)
        driver.answer({"title": title})

        done = driver.next_message(timeout=60)
        driver.process.wait(timeout=30)
    finally:
        driver.close()
    assert driver.process.returncode == 0, "".join(driver.errors)
    result = done["result"]
    assert result["checks"] == ["overview", "incident", "incident-live", "overview-live", "filter"]
    assert result["dialogs"] == [] and result["offsite"] == [] and result["consoleErrors"] == []
    for name in ("dashboard-overview.png", "dashboard-incident.png"):
        assert (Path(screenshots) / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
