"""The pytest plugin: cheap to load, documented fixtures, region/account/strictness, the server fixture."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

RUN = ("-p", "no:randomly", "-p", "no:cacheprovider", "-q")


def _outcomes(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=textwrap.dedent(source))
    # In a subprocess: an in-process run would drop the freshly imported moto between runs.
    return pytester.runpytest_subprocess(*RUN, *args)


def test_importing_the_plugin_imports_neither_the_package_nor_moto() -> None:
    code = (
        "import sys, pytest_ssm_incidents_mock\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('ssm_incidents_mock', 'moto', 'botocore', 'boto3'))\n"
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_session_that_uses_no_fixture_never_imports_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_nothing_mocked():
            assert "ssm_incidents_mock" not in sys.modules
            assert "moto" not in sys.modules
        """
    )
    result = pytester.runpytest_subprocess(*RUN)
    result.assert_outcomes(passed=1)


def test_every_fixture_is_documented(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_empty="def test_nothing(): pass\n")
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:randomly")
    text = result.stdout.str()
    for name in (
        "ssm_incidents",
        "ssm_incidents_onboarded",
        "mocked_ssm_incidents",
        "ssm_incidents_mock",
        "ssm_incidents_server",
        "ssm_incidents_server_session",
        "ssm_incidents_settings",
    ):
        lines = text.splitlines()
        index = next(i for i, line in enumerate(lines) if line.split(" ")[0] == name)
        assert "no docstring available" not in lines[index + 1], (name, lines[index + 1])
        assert lines[index + 1].strip(), name
    assert "@pytest.mark.ssm_incidents(" in pytester.runpytest_subprocess("--markers").stdout.str()


def test_client_region_follows_marker_then_ini_then_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    source = """
        import pytest

        def test_environment(ssm_incidents):
            assert ssm_incidents.meta.region_name == "eu-west-1"

        @pytest.mark.ssm_incidents(region="ap-southeast-2")
        def test_marker(ssm_incidents):
            assert ssm_incidents.meta.region_name == "ap-southeast-2"
        """
    _outcomes(pytester, source).assert_outcomes(passed=2)
    pytester.makeini("[pytest]\nssm_incidents_region = ca-central-1\n")
    source = """
        import pytest

        def test_ini(ssm_incidents):
            assert ssm_incidents.meta.region_name == "ca-central-1"

        @pytest.mark.ssm_incidents(region="sa-east-1")
        class TestClassMarker:
            def test_class(self, ssm_incidents):
                assert ssm_incidents.meta.region_name == "sa-east-1"

            @pytest.mark.ssm_incidents(region="us-west-2")
            def test_nearest_wins(self, ssm_incidents):
                assert ssm_incidents.meta.region_name == "us-west-2"
        """
    _outcomes(pytester, source).assert_outcomes(passed=3)


def test_region_defaults_to_us_east_1(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    source = """
        def test_default(ssm_incidents):
            assert ssm_incidents.meta.region_name == "us-east-1"
        """
    _outcomes(pytester, source).assert_outcomes(passed=1)


def test_account_and_strictness_by_marker_and_ini(pytester: pytest.Pytester) -> None:
    source = """
        import pytest
        from botocore.exceptions import ClientError

        TEMPLATE = {"title": "t", "impact": 3}

        @pytest.mark.ssm_incidents(account_id="111122223333")
        def test_account(ssm_incidents_onboarded, mocked_ssm_incidents):
            arn = ssm_incidents_onboarded.create_response_plan(name="p", incidentTemplate=TEMPLATE)["arn"]
            assert arn.startswith("arn:aws:ssm-incidents::111122223333:response-plan/")
            assert mocked_ssm_incidents.backend("111122223333").response_plans

        def test_strict_by_default(ssm_incidents):
            with pytest.raises(ClientError) as error:
                ssm_incidents.create_response_plan(name="p", incidentTemplate=TEMPLATE)
            assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"

        @pytest.mark.ssm_incidents(region="eu-central-1")
        def test_onboarded(ssm_incidents_onboarded):
            regions = ssm_incidents_onboarded.get_replication_set(
                arn=ssm_incidents_onboarded.list_replication_sets()["replicationSetArns"][0]
            )["replicationSet"]["regionMap"]
            assert list(regions) == ["eu-central-1"]
            ssm_incidents_onboarded.create_response_plan(name="p", incidentTemplate=TEMPLATE)

        @pytest.mark.ssm_incidents(strict=False)
        def test_lenient_by_marker(ssm_incidents):
            ssm_incidents.create_response_plan(name="p", incidentTemplate=TEMPLATE)
        """
    _outcomes(pytester, source).assert_outcomes(passed=4)
    pytester.makeini("[pytest]\nssm_incidents_strict = false\nssm_incidents_account_id = 444455556666\n")
    source = """
        import pytest
        from botocore.exceptions import ClientError

        def test_lenient_from_ini(ssm_incidents):
            arn = ssm_incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
            assert ":444455556666:" in arn

        def test_account_from_ini(ssm_incidents_onboarded):
            arn = ssm_incidents_onboarded.list_replication_sets()["replicationSetArns"][0]
            assert ":444455556666:" in arn

        @pytest.mark.ssm_incidents(strict=True)
        def test_marker_beats_ini(ssm_incidents):
            with pytest.raises(ClientError):
                ssm_incidents.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})
        """
    _outcomes(pytester, source).assert_outcomes(passed=3)


def test_bad_marker_arguments_are_usage_errors(pytester: pytest.Pytester) -> None:
    source = """
        import pytest

        @pytest.mark.ssm_incidents(regoin="eu-west-1")
        def test_typo(ssm_incidents):
            pass

        @pytest.mark.ssm_incidents(strict="maybe")
        def test_bad_flag(ssm_incidents):
            pass
        """
    result = _outcomes(pytester, source)
    result.assert_outcomes(errors=2)
    assert "unknown argument(s) ['regoin']" in result.stdout.str()
    assert "expected true or false, got 'maybe'" in result.stdout.str()


def test_replication_phases_from_ini_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nssm_incidents_replication_phases = true\n")
    source = """
        import boto3
        import pytest

        def status(client):
            arn = client.create_replication_set(regions={"us-east-1": {}})["arn"]
            return client.get_replication_set(arn=arn)["replicationSet"]["status"]

        def test_phases_from_ini(ssm_incidents):
            assert status(ssm_incidents) == "CREATING"

        @pytest.mark.ssm_incidents(replication_phases=False)
        def test_marker_beats_ini(ssm_incidents):
            assert status(ssm_incidents) == "ACTIVE"

        def test_server_fixture_too(ssm_incidents_server):
            client = boto3.client(
                "ssm-incidents", region_name="us-east-1", endpoint_url=ssm_incidents_server.url,
                aws_access_key_id="testing", aws_secret_access_key="testing",
            )
            assert status(client) == "CREATING"
        """
    _outcomes(pytester, source).assert_outcomes(passed=3)


def test_the_clock_from_marker_and_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nssm_incidents_clock = 2031-06-01T12:00:00Z\n")
    source = """
        import datetime as dt
        import time

        import boto3
        import pytest

        def on_call_now(contacts):
            members = [
                contacts.create_contact(Alias=name, Type="PERSONAL", Plan={"Stages": []})["ContactArn"]
                for name in ("ann", "bob")
            ]
            rotation = contacts.create_rotation(
                Name="daily", ContactIds=members, StartTime=dt.datetime(2030, 1, 7, 9, tzinfo=dt.timezone.utc),
                TimeZoneId="UTC",
                Recurrence={"NumberOfOnCalls": 1, "RecurrenceMultiplier": 1,
                            "DailySettings": [{"HourOfDay": 9, "MinuteOfHour": 0}]},
            )["RotationArn"]
            shift = contacts.list_rotation_shifts(
                RotationId=rotation, EndTime=dt.datetime(2031, 12, 31, tzinfo=dt.timezone.utc)
            )["RotationShifts"][0]
            return shift["ContactIds"][0].rsplit("/", 1)[1]

        @pytest.mark.ssm_incidents(clock=dt.datetime(2030, 1, 8, 10))  # naive: UTC; day 2 of the rotation
        def test_marker_datetime(ssm_incidents_onboarded, ssm_contacts, mocked_ssm_incidents):
            assert abs(mocked_ssm_incidents.clock.now() - dt.datetime(2030, 1, 8, 10, tzinfo=dt.timezone.utc).timestamp()) < 60
            assert on_call_now(ssm_contacts) == "bob"

        @pytest.mark.ssm_incidents(clock="2030-01-10T11:00:00+01:00")  # 10:00 UTC on day 4
        def test_marker_iso_text(ssm_incidents_onboarded, ssm_contacts):
            assert on_call_now(ssm_contacts) == "bob"

        def test_ini_and_what_the_mock_writes(ssm_incidents_onboarded):
            plan = ssm_incidents_onboarded.create_response_plan(
                name="p", incidentTemplate={"title": "t", "impact": 3})["arn"]
            arn = ssm_incidents_onboarded.start_incident(responsePlanArn=plan)["incidentRecordArn"]
            created = ssm_incidents_onboarded.get_incident_record(arn=arn)["incidentRecord"]["creationTime"]
            assert created.astimezone(dt.timezone.utc).date() == dt.date(2031, 6, 1)

        @pytest.mark.ssm_incidents(clock=None)
        def test_none_is_the_time_of_day(mocked_ssm_incidents):
            assert abs(mocked_ssm_incidents.clock.now() - time.time()) < 60

        def test_server_fixture_too(ssm_incidents_server):
            from ssm_incidents_mock.core import clock
            assert dt.datetime.fromtimestamp(clock.now(), dt.timezone.utc).year == 2031

        @pytest.mark.ssm_incidents(clock="next tuesday")
        def test_bad_clock(mocked_ssm_incidents):
            pass
        """
    result = _outcomes(pytester, source)
    result.assert_outcomes(passed=5, errors=1)
    assert "clock must be ISO 8601 or epoch seconds, got 'next tuesday'" in result.stdout.str()


def test_server_fixture_is_shared_and_reset_between_tests(pytester: pytest.Pytester) -> None:
    source = """
        import boto3
        import pytest
        from botocore.exceptions import ClientError

        SEEN = set()

        def client(server):
            SEEN.add(server.url)
            return boto3.client(
                "ssm-incidents", region_name="us-east-1", endpoint_url=server.url,
                aws_access_key_id="testing", aws_secret_access_key="testing",
            )

        @pytest.mark.parametrize("run", [1, 2])
        def test_fresh_state_each_time(ssm_incidents_server, run):
            c = client(ssm_incidents_server)
            assert c.list_replication_sets()["replicationSetArns"] == []
            c.create_replication_set(regions={"us-east-1": {}})
            c.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})

        def test_strict_applies_to_the_server(ssm_incidents_server):
            with pytest.raises(ClientError):
                client(ssm_incidents_server).create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})

        @pytest.mark.ssm_incidents(strict=False)
        def test_lenient_applies_to_the_server(ssm_incidents_server):
            client(ssm_incidents_server).create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})

        def test_one_server_for_the_session():
            assert len(SEEN) == 1
        """
    _outcomes(pytester, source).assert_outcomes(passed=5)


def test_old_fixture_name_still_works_and_warns(pytester: pytest.Pytester) -> None:
    source = """
        def test_old_name(ssm_incidents_mock, ssm_incidents_onboarded):
            ssm_incidents_onboarded.create_response_plan(name="p", incidentTemplate={"title": "t", "impact": 3})
            assert ssm_incidents_mock.backend().response_plans
        """
    result = _outcomes(pytester, source, "-W", "error:The ssm_incidents_mock fixture is deprecated:DeprecationWarning")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*ssm_incidents_mock fixture is deprecated: use mocked_ssm_incidents*"])
    _outcomes(pytester, source).assert_outcomes(passed=1, warnings=1)


def test_the_pytest_page_examples_pass_under_pytest(pytester: pytest.Pytester) -> None:
    """Every Python example of docs/pytest.md, run as a test module by pytest with the plugin."""
    root = Path(__file__).resolve().parents[2]
    blocks = re.findall(
        r"^```python\n(.*?)^```", (root / "docs" / "pytest.md").read_text(encoding="utf-8"), re.S | re.M
    )
    assert len(blocks) >= 5
    tests = 0
    for index, block in enumerate(blocks):
        pytester.makepyfile(**{f"test_page_{index}": block})
        tests += len(re.findall(r"^def test_", block, re.M))
    result = pytester.runpytest_subprocess(*RUN)
    result.assert_outcomes(passed=tests)
