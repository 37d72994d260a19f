"""Where the mock's own time goes: cProfile of the in-process handler only (botocore's work excluded).

The profiler is switched on inside moto's before-send handler (which this package wraps) and off
when it returns, so the figures are the mock's share of each call. cProfile inflates small
functions; read the shares, not the absolute times.
"""

from __future__ import annotations

import cProfile
import io
import pstats
from pathlib import Path
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber

from benchmarks.calls import State, call_set
from benchmarks.common import client
from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.core.context import DEFAULT_ACCOUNT_ID

OPERATIONS = ("GetIncidentRecord", "StartIncident")


def run(out_dir: Path, calls: int = 2_000, top: int = 25) -> dict[str, Any]:
    written = {}
    for operation in OPERATIONS:
        text = profile(operation, calls, top)
        path = out_dir / f"profile_{operation}.txt"
        path.write_text(text)
        written[operation] = path.name
    return written


def profile(operation: str, calls: int, top: int) -> str:
    profiler = cProfile.Profile()
    original = BotocoreStubber.__call__

    def profiled(self: Any, *args: Any, **kwargs: Any) -> Any:
        profiler.enable()
        try:
            return original(self, *args, **kwargs)
        finally:
            profiler.disable()

    with mock_ssm_incidents():
        state = State(DEFAULT_ACCOUNT_ID, incidents=60, target_events=3)
        call = call_set(client(), state)[operation]
        call()
        BotocoreStubber.__call__ = profiled  # type: ignore[method-assign]
        try:
            for _ in range(calls):
                call()
        finally:
            BotocoreStubber.__call__ = original  # type: ignore[method-assign]
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    buffer.write("\n--- by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(top)
    return f"# {operation}: the mock's own work over {calls} boto3 calls\n" + buffer.getvalue()
