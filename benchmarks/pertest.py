"""What a test costs a user: one generated pytest file of N tests, written four ways, run side by side.

Each test onboards an account, creates a response plan, starts an incident and reads it back:

- ``fixture``: with this package's ``ssm_incidents`` fixture (the in-process mock);
- ``stubber``: with botocore's ``Stubber`` and canned answers (no mock at all);
- ``mock_aws``: moto's own per-test cost, ``@mock_aws`` around four SQS calls;
- ``mock_aws+switch``: the same, after ``ssm_incidents_mock.speed_up_mock_aws()``;
- ``empty``: N tests that do nothing (pytest's own cost).

Every way runs in its own pytest subprocess; the ways are interleaved round by round (the fixture
file right next to the Stubber file, the pair's order flipping each round) and every ratio is the
median of its per-round ratios; the median wall time per way is kept too, with each test's own time (set-up, call and
tear-down, from a conftest hook): the first test of a file apart (it pays first imports and
model loading), and the mean of the others. In-process, the set-up of one test (the
fixture's mock and client against Stubber's client against ``mock_aws`` with a client) and the
import of boto3, moto and this package are measured the same way.

python -m benchmarks.pertest                 # 200 tests, 3 rounds
python -m benchmarks.pertest --tests 50 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WAYS = ("fixture", "stubber", "mock_aws", "mock_aws+switch", "empty")
TARGET_VS_STUBBER = 2.0  # the fixture file may take at most this many times the Stubber file
TARGET_VS_MOTO = 5.0  # and each test must cost at least this many times less than moto's per-test cost

_HEADER = "from __future__ import annotations\n\n"
_PLAN_ARN = "arn:aws:ssm-incidents::123456789012:response-plan/web"
_INCIDENT_ARN = "arn:aws:ssm-incidents::123456789012:incident-record/web/0b4f1f2e-3c0e-4fd8-9d0f-5c55e0a1a0a1"
_SET_ARN = "arn:aws:ssm-incidents::123456789012:replication-set/5c55e0a1-3c0e-4fd8-9d0f-0b4f1f2e0a1a"

FIXTURE_TEST = """
def test_{n}(ssm_incidents):
    ssm_incidents.create_replication_set(regions={{"us-east-1": {{}}}})
    plan = ssm_incidents.create_response_plan(name="web", incidentTemplate={{"title": "Web down", "impact": 1}})["arn"]
    arn = ssm_incidents.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    assert ssm_incidents.get_incident_record(arn=arn)["incidentRecord"]["status"] == "OPEN"
"""

STUBBER_HEADER = f'''
import datetime

import boto3
import pytest
from botocore.stub import Stubber

PLAN = "{_PLAN_ARN}"
INCIDENT = "{_INCIDENT_ARN}"
NOW = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
RECORD = {{
    "arn": INCIDENT, "title": "Web down", "status": "OPEN", "impact": 1, "creationTime": NOW,
    "lastModifiedTime": NOW, "lastModifiedBy": "arn:aws:iam::123456789012:user/test", "dedupeString": "d",
    "incidentRecordSource": {{"createdBy": "arn:aws:iam::123456789012:user/test", "source": "aws.ssm-incidents.custom"}},
}}


@pytest.fixture
def client():
    return boto3.client(
        "ssm-incidents", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
'''

STUBBER_TEST = """
def test_{n}(client):
    with Stubber(client) as stub:
        stub.add_response("create_replication_set", {{"arn": "{set_arn}"}}, {{"regions": {{"us-east-1": {{}}}}}})
        template = {{"title": "Web down", "impact": 1}}
        stub.add_response("create_response_plan", {{"arn": PLAN}}, {{"name": "web", "incidentTemplate": template}})
        stub.add_response("start_incident", {{"incidentRecordArn": INCIDENT}}, {{"responsePlanArn": PLAN}})
        stub.add_response("get_incident_record", {{"incidentRecord": RECORD}}, {{"arn": INCIDENT}})
        client.create_replication_set(regions={{"us-east-1": {{}}}})
        plan = client.create_response_plan(name="web", incidentTemplate=template)["arn"]
        arn = client.start_incident(responsePlanArn=plan)["incidentRecordArn"]
        assert client.get_incident_record(arn=arn)["incidentRecord"]["status"] == "OPEN"
"""

MOTO_HEADER = """
import boto3
from moto import mock_aws
"""

SWITCH_HEADER = (
    MOTO_HEADER
    + """
import ssm_incidents_mock

ssm_incidents_mock.speed_up_mock_aws()
"""
)

MOTO_TEST = """
@mock_aws
def test_{n}():
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"
    assert "QueueArn" in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
"""

EMPTY_TEST = """
def test_{n}():
    pass
"""

SOURCES = {
    "fixture": ("", FIXTURE_TEST),
    "stubber": (STUBBER_HEADER, STUBBER_TEST),
    "mock_aws": (MOTO_HEADER, MOTO_TEST),
    "mock_aws+switch": (SWITCH_HEADER, MOTO_TEST),
    "empty": ("", EMPTY_TEST),
}


# Each test's own time (set-up, call, tear-down), written next to the file by the run's conftest.py.
CONFTEST = """
import json
import os
import time

import pytest

DURATIONS = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    started = time.perf_counter()
    yield
    DURATIONS.append(time.perf_counter() - started)


def pytest_sessionfinish(session):
    with open(os.environ["PERTEST_DURATIONS"], "w") as out:
        json.dump(DURATIONS, out)
"""


def write_files(directory: Path, tests: int) -> dict[str, Path]:
    """One test file per way, a pytest.ini that keeps the project's own settings out, the timing conftest."""
    (directory / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    (directory / "conftest.py").write_text(CONFTEST)
    files = {}
    for way, (header, test) in SOURCES.items():
        body = "".join(test.format(n=n, set_arn=_SET_ARN) for n in range(tests))
        path = directory / f"test_{way.replace('+', '_')}.py"
        path.write_text(_HEADER + textwrap.dedent(header) + body)
        files[way] = path
    return files


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        env.pop(name, None)
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    return env


def run_file(path: Path, env: dict[str, str]) -> tuple[float, list[float]]:
    """Wall seconds of one pytest run of ``path`` and each test's seconds; raises when a test fails."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", path.name]
    durations = path.with_suffix(".json")
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=path.parent,
        env={**env, "PERTEST_DURATIONS": str(durations)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{path.name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds, json.loads(durations.read_text())


# Each round runs every way; the fixture file runs right next to each file it is compared with, the
# order of each pair flipping every round, and each ratio is the median of its per-round ratios.


def _round_order(index: int) -> list[str]:
    pair = ["fixture", "stubber"] if index % 2 == 0 else ["stubber", "fixture"]
    rest = ["mock_aws", "mock_aws+switch", "empty"]
    rest = rest[index % 3 :] + rest[: index % 3]
    return pair + rest if index % 2 == 0 else rest + pair


def files_side_by_side(tests: int, rounds: int) -> dict[str, Any]:
    env = _environment()
    seconds: dict[str, list[float]] = {way: [] for way in WAYS}
    first: dict[str, list[float]] = {way: [] for way in WAYS}
    steady: dict[str, list[float]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory(prefix="pertest-") as tmp:
        files = write_files(Path(tmp), tests)
        for index in range(rounds):
            for way in _round_order(index):
                wall, durations = run_file(files[way], env)
                seconds[way].append(wall)
                first[way].append(durations[0] * 1000)
                steady[way].append(statistics.mean(durations[1:] or durations) * 1000)
                print(f"  round {index + 1} {way}: {wall:.2f} s", file=sys.stderr, flush=True)

    def ratio(values: dict[str, list[float]], top: str, bottom: str) -> float:
        return statistics.median(a / b for a, b in zip(values[top], values[bottom], strict=True))

    return {
        "tests": tests,
        "rounds": rounds,
        "seconds": {way: statistics.median(values) for way, values in seconds.items()},
        "all_seconds": seconds,
        "per_test_ms": {way: statistics.median(values) for way, values in steady.items()},
        "first_test_ms": {way: statistics.median(values) for way, values in first.items()},
        "fixture_vs_stubber": ratio(seconds, "fixture", "stubber"),
        "fixture_vs_stubber_per_test": ratio(steady, "fixture", "stubber"),
        "moto_vs_fixture_per_test": ratio(steady, "mock_aws", "fixture"),
        "moto_vs_fixture_file": ratio(seconds, "mock_aws", "fixture"),
        "switch_vs_moto_per_test": ratio(steady, "mock_aws", "mock_aws+switch"),
    }


def import_costs(rounds: int) -> dict[str, float]:
    """Median milliseconds of importing each module in a fresh interpreter (the interpreter itself excluded)."""
    env = _environment()
    code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
    results: dict[str, list[float]] = {}
    for _ in range(rounds):
        for module in ("boto3", "moto", "ssm_incidents_mock", "pytest_ssm_incidents_mock"):
            done = subprocess.run(
                [sys.executable, "-c", code.format(module)], env=env, capture_output=True, text=True, timeout=120
            )
            results.setdefault(module, []).append(float(done.stdout.strip()) * 1000)
    return {module: statistics.median(values) for module, values in results.items()}


def setup_costs(rounds: int, n: int) -> dict[str, float]:
    """Median milliseconds of one test's set-up in this process, the three ways interleaved."""
    import boto3
    from botocore.stub import Stubber
    from moto import mock_aws

    from ssm_incidents_mock import SSMIncidentsMock

    def fixture() -> None:
        with SSMIncidentsMock():
            boto3.client("ssm-incidents", region_name="us-east-1")

    def stubber() -> None:
        client = boto3.client(
            "ssm-incidents", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        with Stubber(client):
            pass

    def moto() -> None:
        with mock_aws():
            boto3.client("sqs", region_name="us-east-1")

    ways: dict[str, Callable[[], None]] = {"fixture": fixture, "stubber": stubber, "mock_aws": moto}
    times: dict[str, list[float]] = {name: [] for name in ways}
    names = list(ways)
    for index in range(rounds):
        for name in names[index % 3 :] + names[: index % 3]:
            started = time.perf_counter()
            for _ in range(n):
                ways[name]()
            times[name].append((time.perf_counter() - started) / n * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def run(tests: int = 200, rounds: int = 3) -> dict[str, Any]:
    result = files_side_by_side(tests, rounds)
    result["import_ms"] = import_costs(rounds)
    result["setup_ms"] = setup_costs(max(rounds * 3, 5), 5)
    result["holds"] = {
        f"fixture file <= {TARGET_VS_STUBBER:g}x Stubber file": result["fixture_vs_stubber"] <= TARGET_VS_STUBBER,
        f"per test >= {TARGET_VS_MOTO:g}x cheaper than mock_aws": result["moto_vs_fixture_per_test"] >= TARGET_VS_MOTO,
    }
    return result


def markdown(result: dict[str, Any]) -> str:
    seconds, per_test = result["seconds"], result["per_test_ms"]
    lines = [
        f"{result['tests']} tests per file, {result['rounds']} interleaved rounds (medians; ratios: of the rounds' ratios)",
        "",
        "| way | file (s) | a test after the first (ms) | the first test (ms) |",
        "|---|---|---|---|",
    ]
    first = result["first_test_ms"]
    lines += [f"| {way} | {seconds[way]:.2f} | {per_test[way]:.1f} | {first[way]:.0f} |" for way in WAYS]
    lines += [
        "",
        f"- fixture file / Stubber file: {result['fixture_vs_stubber']:.2f}x "
        f"(per test: {result['fixture_vs_stubber_per_test']:.2f}x)",
        f"- mock_aws per test / fixture per test: {result['moto_vs_fixture_per_test']:.1f}x "
        f"(files: {result['moto_vs_fixture_file']:.1f}x)",
        f"- mock_aws per test / mock_aws+switch per test: {result['switch_vs_moto_per_test']:.1f}x",
        "- import (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in result["import_ms"].items()),
        "- one test's set-up in-process (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in result["setup_ms"].items()),
        "",
    ]
    lines += [f"- {name}: {'yes' if holds else 'NO'}" for name, holds in result["holds"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    result = run(args.tests, args.rounds)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
