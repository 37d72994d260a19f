"""The public API: decorator (sync, async, classes), context manager, start/stop, fixtures, strict mode."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import unittest
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ssm_incidents_mock import SSMIncidentsMock, mock_ssm_incidents
from ssm_incidents_mock.ssm_incidents.models import SSMIncidentsBackend
from tests.support import TEMPLATE, assert_error, client

# These tests are about switching the mock on and off, not about onboarding: they opt into lenient mode.
pytestmark = pytest.mark.usefixtures("lenient")


def plan_names() -> list[str]:
    return [p["name"] for p in client().list_response_plans()["responsePlanSummaries"]]


def test_decorates_a_function() -> None:
    @mock_ssm_incidents
    def create(name: str) -> list[str]:
        client().create_response_plan(name=name, incidentTemplate=TEMPLATE)
        return plan_names()

    assert create("a") == ["a"]
    assert create("b") == ["b"]  # every call starts from an empty state


def test_decorates_with_arguments() -> None:
    @mock_ssm_incidents(strict=False)
    def create() -> list[str]:
        client().create_response_plan(name="x", incidentTemplate=TEMPLATE)
        return plan_names()

    assert create() == ["x"]


def test_decorates_an_async_function() -> None:
    @mock_ssm_incidents
    async def create() -> list[str]:
        await asyncio.sleep(0)
        client().create_response_plan(name="async", incidentTemplate=TEMPLATE)
        return plan_names()

    assert asyncio.iscoroutinefunction(create)
    assert asyncio.run(create()) == ["async"]
    assert asyncio.run(create()) == ["async"]


def test_context_manager_and_cleanup() -> None:
    with mock_ssm_incidents() as mock:
        assert isinstance(mock, SSMIncidentsMock)
        assert mock.active
        client().create_response_plan(name="cm", incidentTemplate=TEMPLATE)
        assert plan_names() == ["cm"]
    with mock_ssm_incidents():
        assert plan_names() == []


def test_start_and_stop() -> None:
    m = mock_ssm_incidents()
    m.start()
    try:
        client().create_response_plan(name="manual", incidentTemplate=TEMPLATE)
        assert plan_names() == ["manual"]
    finally:
        m.stop()
    m.start()
    try:
        assert plan_names() == []
    finally:
        m.stop()


def test_fake_credentials_are_set_while_active(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    with mock_ssm_incidents():
        assert os.environ["AWS_ACCESS_KEY_ID"]
        assert client().list_response_plans()["responsePlanSummaries"] == []
    assert "AWS_ACCESS_KEY_ID" not in os.environ


def test_backend_inspection_and_reset() -> None:
    with mock_ssm_incidents() as mock:
        arn = client().create_response_plan(name="seen", incidentTemplate=TEMPLATE)["arn"]
        backend = mock.backend()
        assert isinstance(backend, SSMIncidentsBackend)
        assert list(backend.response_plans) == [arn]
        incident = client().start_incident(responsePlanArn=arn)["incidentRecordArn"]
        assert [r.arn for r in mock.incident_records()] == [incident]
        mock.reset()
        assert plan_names() == []
        assert mock.incident_records() == []


@mock_ssm_incidents
class TestDecoratedClass:
    """Every test method runs under its own mock, starting empty."""

    def test_one(self) -> None:
        client().create_response_plan(name="one", incidentTemplate=TEMPLATE)
        assert plan_names() == ["one"]

    def test_two(self) -> None:
        client().create_response_plan(name="two", incidentTemplate=TEMPLATE)
        assert plan_names() == ["two"]


@mock_ssm_incidents
class DecoratedTestCase(unittest.TestCase):
    """setUp's state is kept for its own test; each test is isolated from the others."""

    def setUp(self) -> None:
        client().create_response_plan(name="from-setup", incidentTemplate=TEMPLATE)

    def test_sees_setup(self) -> None:
        client().create_response_plan(name="mine-1", incidentTemplate=TEMPLATE)
        self.assertEqual(plan_names(), ["from-setup", "mine-1"])

    def test_isolated(self) -> None:
        client().create_response_plan(name="mine-2", incidentTemplate=TEMPLATE)
        self.assertEqual(plan_names(), ["from-setup", "mine-2"])


def test_unittest_class_runs_isolated() -> None:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(DecoratedTestCase)
    result = unittest.TestResult()
    suite.run(result)
    assert result.testsRun == 2
    assert result.errors == [] and result.failures == []


# --------------------------------------------------------------------------- strict mode


def test_lenient_by_environment_without_a_replication_set(ssm_incidents: Any) -> None:
    arn = ssm_incidents.create_response_plan(name="lenient", incidentTemplate=TEMPLATE)["arn"]
    assert ssm_incidents.start_incident(responsePlanArn=arn)["incidentRecordArn"]
    assert client("eu-west-1").get_response_plan(arn=arn)["name"] == "lenient"


def _strict_checks() -> None:
    c = client()
    with pytest.raises(ClientError) as exc_info:
        c.create_response_plan(name="p", incidentTemplate=TEMPLATE)
    response = assert_error(exc_info, "ResourceNotFoundException", 404, "replication set")
    assert response["resourceType"] == "REPLICATION_SET"
    assert c.list_response_plans()["responsePlanSummaries"] == []
    assert c.list_incident_records()["incidentRecordSummaries"] == []
    c.create_replication_set(regions={"us-east-1": {}})
    arn = c.create_response_plan(name="p", incidentTemplate=TEMPLATE)["arn"]
    assert c.start_incident(responsePlanArn=arn)["incidentRecordArn"]


def test_strict_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSM_INCIDENTS_MOCK_STRICT")
    with mock_ssm_incidents():
        _strict_checks()


def test_strict_by_argument() -> None:
    with mock_ssm_incidents(strict=True):
        _strict_checks()
    with mock_ssm_incidents():  # the argument does not outlive its mock
        client().create_response_plan(name="p", incidentTemplate=TEMPLATE)


def test_strict_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSM_INCIDENTS_MOCK_STRICT", "true")
    with mock_ssm_incidents():
        _strict_checks()
    with mock_ssm_incidents(strict=False):  # an explicit argument wins
        client().create_response_plan(name="p", incidentTemplate=TEMPLATE)


# --------------------------------------------------------------------------- pytest plugin


def test_fixtures_give_an_active_mock_and_a_client(mocked_ssm_incidents: SSMIncidentsMock, ssm_incidents: Any) -> None:
    assert mocked_ssm_incidents.active
    assert ssm_incidents.meta.region_name == "us-east-1"
    ssm_incidents.create_response_plan(name="fx", incidentTemplate=TEMPLATE)
    assert next(iter(mocked_ssm_incidents.backend().response_plans)).endswith("response-plan/fx")


def test_fixtures_come_from_the_entry_point_without_a_conftest(tmp_path: Path) -> None:
    (tmp_path / "test_plugin_user.py").write_text(
        textwrap.dedent(
            """
            def test_uses_fixtures(ssm_incidents, mocked_ssm_incidents):
                assert mocked_ssm_incidents.active
                arn = ssm_incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 1})["arn"]
                assert ssm_incidents.get_response_plan(arn=arn)["name"] == "p"

            def test_fresh_state(ssm_incidents):
                assert ssm_incidents.list_response_plans()["responsePlanSummaries"] == []
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "AWS_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "test_plugin_user.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    assert not (tmp_path / "conftest.py").exists()


# --------------------------------------------------------------------------- quick start


def test_quickstart_example_runs() -> None:
    script = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "arn:aws:ssm-incidents::123456789012:response-plan/checkout-outage" in out
    assert "arn:aws:ssm-incidents::123456789012:incident-record/checkout-outage/" in out
    assert "status OPEN, impact 2, title 'Checkout is failing'" in out
    assert "status RESOLVED at " in out
    timeline = out.split("== Timeline (newest first)", 1)[1].strip().splitlines()
    assert len(timeline) == 3
    assert "status='RESOLVED'" in timeline[0]
    assert "added PARENT item 'parentItem'" in timeline[1]
    assert '"Incident Started"' in timeline[2]
