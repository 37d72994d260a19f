"""Reports how many requests the fuzz suites sent (and what they got back) at the end of a run."""

from __future__ import annotations

import os
from typing import Any

from tests.fuzz.harness import COUNTER


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not COUNTER.counts:
        return  # under xdist the workers count; run with -p no:xdist (or -n 0) to see the numbers
    write = terminalreporter.write_line
    terminalreporter.section("ssm-incidents fuzz budget")
    for suite, count in sorted(COUNTER.counts.items()):
        write(f"{suite}: {count} requests")
    write(f"total: {sum(COUNTER.counts.values())} requests")
    if os.environ.get("SSM_INCIDENTS_FUZZ_OUTCOMES"):
        for key, count in sorted(COUNTER.findings.items()):
            write(f"  {key}: {count}")
