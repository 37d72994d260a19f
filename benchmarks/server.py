"""Section 5: requests per second with 4 concurrent clients, this project's server against moto's.

Beside them, a floor: the same server stack (werkzeug server, this package's request handler)
with an application that answers every request with fixed bytes (a real GetIncidentRecord
answer), so the figure shows what the mock itself adds to HTTP handling. Each server runs in its own child process (as server mode is used: another process, often
another language, calls it); the clients are threads here, each with its own boto3 client.
Rounds alternate between the two servers and the median of the per-round ratios is kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import client

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4

_CHILD = """
import sys
kind, port = sys.argv[1], int(sys.argv[2])
if kind == "ours":
    from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
    server = ThreadedSSMIncidentsServer(port=port)
elif kind == "floor":
    import json
    from ssm_incidents_mock.ssm_incidents.responses import dispatch
    from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
    from ssm_incidents_mock.core.wire.http import Request
    dispatch(Request("POST", "/createReplicationSet", "", {}, b'{"regions": {"us-east-1": {}}}'), "")
    plan_body = json.dumps({"name": "bench", "incidentTemplate": {"title": "t", "impact": 3}}).encode()
    plan = json.loads(dispatch(Request("POST", "/createResponsePlan", "", {}, plan_body), "")[2])["arn"]
    started = dispatch(Request("POST", "/startIncident", "", {}, json.dumps({"responsePlanArn": plan}).encode()), "")
    arn = json.loads(started[2])["incidentRecordArn"]
    status, headers, body = dispatch(Request("GET", "/getIncidentRecord", "arn=" + arn, {}, b""), "")
    fixed = [(name, value) for name, value in headers.items()]

    def app(environ, start_response):
        environ["wsgi.input"].read()
        start_response(f"{status} OK", fixed)
        return [body]

    server = ThreadedSSMIncidentsServer(port=port, app=app)
else:
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no per-request log lines: they would slow moto down
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
server.start()
print("ready", flush=True)
sys.stdin.read()
server.stop()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Child:
    """A server in a child process, stopped by closing its stdin."""

    def __init__(self, kind: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, kind, str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # blocks until the child is serving (or dies)
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"the {kind} server did not start")

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _ours_calls(url: str) -> list[Callable[[], Any]]:
    setup = client(endpoint_url=url)
    setup.create_replication_set(regions={"us-east-1": {}})  # onboarding first, as on AWS
    plan = setup.create_response_plan(name="bench", incidentTemplate={"title": "t", "impact": 3})["arn"]
    arn = setup.start_incident(responsePlanArn=plan)["incidentRecordArn"]
    clients = [client(endpoint_url=url) for _ in range(CLIENTS)]
    return [functools.partial(c.get_incident_record, arn=arn) for c in clients]


def _moto_calls(url: str) -> list[Callable[[], Any]]:
    setup = client("scheduler", endpoint_url=url)
    setup.create_schedule(
        Name="bench",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "RoleArn": "arn:aws:iam::123456789012:role/r",
        },
        StartDate=dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc),
    )
    clients = [client("scheduler", endpoint_url=url) for _ in range(CLIENTS)]
    return [functools.partial(c.get_schedule, Name="bench") for c in clients]


def throughput(calls: list[Callable[[], Any]], seconds: float) -> float:
    """Requests per second of all ``calls`` running concurrently for ``seconds``."""
    counts = [0] * len(calls)
    errors: list[BaseException] = []
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        call = calls[index]
        try:
            while time.perf_counter() < deadline:
                call()
                counts[index] += 1
        except BaseException as error:  # reported below, after the threads stop
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    if errors:
        raise errors[0]
    return sum(counts) / (time.perf_counter() - started)


def _floor_calls(url: str) -> list[Callable[[], Any]]:
    arn = "arn:aws:ssm-incidents::123456789012:incident-record/bench/00000000-0000-0000-0000-000000000000"
    return [functools.partial(client(endpoint_url=url).get_incident_record, arn=arn) for _ in range(CLIENTS)]


def run(rounds: int, seconds: float) -> dict[str, Any]:
    ours, moto, floor = Child("ours"), Child("moto"), Child("floor")
    try:
        ours_calls, moto_calls, floor_calls = _ours_calls(ours.url), _moto_calls(moto.url), _floor_calls(floor.url)
        for call in ours_calls + moto_calls + floor_calls:  # warm up connections
            call()
        ours_rps: list[float] = []
        moto_rps: list[float] = []
        floor_rps: list[float] = []
        for index in range(rounds):
            trio = [(ours_rps, ours_calls), (moto_rps, moto_calls), (floor_rps, floor_calls)]
            for results, calls in trio if index % 2 == 0 else reversed(trio):
                results.append(throughput(calls, seconds))
    finally:
        ours.stop()
        moto.stop()
        floor.stop()
    return {
        "ratio": statistics.median(o / m for o, m in zip(ours_rps, moto_rps, strict=True)),
        "floor_ratio": statistics.median(f / o for o, f in zip(ours_rps, floor_rps, strict=True)),
        "ours_rps": statistics.median(ours_rps),
        "moto_rps": statistics.median(moto_rps),
        "floor_rps": statistics.median(floor_rps),
        "clients": CLIENTS,
        "seconds_per_round": seconds,
        "rounds": rounds,
    }
