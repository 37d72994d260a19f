"""Section 2: the same calls against 10k and 100k stored incidents, as ratios of the same calls on an empty state.

Both states live side by side in one process (two accounts), so rounds interleave a call on the
big state with the same call on the small one.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks import shared_listing
from benchmarks.calls import CALLS, State, call_set, pin, pinned_client
from benchmarks.common import capture, floor_client, interleaved
from ssm_incidents_mock import mock_ssm_incidents

EMPTY_ACCOUNT = "111111111111"
FILTERS = [
    {"key": "status", "condition": {"equals": {"stringValues": ["OPEN"]}}},
    {"key": "impact", "condition": {"equals": {"integerValues": [3]}}},
]


def run(sizes: tuple[int, ...], rounds: int, n: int) -> dict[str, Any]:
    out: dict[str, Any] = {"sizes": list(sizes), "calls": {}, "populate_seconds": {}}
    with mock_ssm_incidents():
        empty = State(EMPTY_ACCOUNT, incidents=0)
        empty_calls = call_set(pinned_client(EMPTY_ACCOUNT), empty)
        for index, size in enumerate(sizes):
            account = f"{222222222222 + index}"
            started = time.perf_counter()
            big = State(account, incidents=size)
            out["populate_seconds"][size] = round(time.perf_counter() - started, 1)
            big_client = pinned_client(account)
            big_calls = call_set(big_client, big)
            for name in CALLS:
                out["calls"].setdefault(name, {})[size] = interleaved(big_calls[name], empty_calls[name], rounds, n)
            if size == max(sizes):
                out["filtered_list"] = filtered_list(big_client, account, rounds, n)
                out["filtered_list"]["incidents"] = size
        out["shared_list"] = shared_listing.measure(rounds, n)
    return out


def filtered_list(big_client: Any, account: str, rounds: int, n: int) -> dict[str, float]:
    """One page of ListIncidentRecords filtered by status and impact, against the floor of that call."""

    def call(c: Any) -> Any:
        return lambda: c.list_incident_records(filters=FILTERS, maxResults=50)

    answer = capture(big_client, "ListIncidentRecords", call(big_client))
    floor = floor_client("ssm-incidents", "ListIncidentRecords", answer)
    pin(floor, account)
    return interleaved(call(big_client), call(floor), rounds, n)
