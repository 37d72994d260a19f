"""Section 4: traced bytes per stored incident (typical template, 3 timeline events, 1 related item).

The total is measured over ``count`` incidents; where the bytes go (by allocating source line) is
measured over a smaller sample, since a tracemalloc snapshot of every allocation is itself large.
"""

from __future__ import annotations

import gc
import linecache
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks.calls import EVENT_TIME
from benchmarks.common import REGION, TEMPLATE
from ssm_incidents_mock import mock_ssm_incidents
from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_incidents.models import SSMIncidentsBackend, ssmincidents_backends

ACCOUNT = "333333333333"


def _store(backend: SSMIncidentsBackend, plan: str, count: int) -> None:
    for i in range(count):
        # one context per incident, as each request has its own: nothing is shared by accident
        ctx = RequestContext(ACCOUNT, REGION, "testing")
        arn = backend.start_incident(ctx, plan)  # writes 2 events: the start marker and the parent item's update
        backend.create_timeline_event(ctx, arn, EVENT_TIME.timestamp(), "Note", f"note {i}")


def _fresh_backend() -> tuple[SSMIncidentsBackend, str]:
    backend = ssmincidents_backends[ACCOUNT]["aws"]
    ctx = RequestContext(ACCOUNT, REGION, "testing")
    backend.create_replication_set(ctx, regions={REGION: {}})  # onboarding first, as on AWS
    plan = backend.create_response_plan(ctx, "mem-plan", dict(TEMPLATE))
    _store(backend, plan, 10)  # warm up: lazy imports and caches are not per-incident costs
    return backend, plan


def run(count: int, sample: int = 5_000) -> dict[str, Any]:
    with mock_ssm_incidents():
        backend, plan = _fresh_backend()
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        _store(backend, plan, count)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        events = sum(len(r.timeline) for r in backend.incidents.by_arn.values()) / len(backend.incidents)
    return {
        "incidents": count,
        "bytes_per_incident": round((after - before) / count),
        "events_per_incident": round(events, 2),
        "where": breakdown(sample),
    }


def breakdown(count: int, top: int = 15) -> list[dict[str, Any]]:
    """Bytes per incident by allocating source line, largest first."""
    with mock_ssm_incidents():
        backend, plan = _fresh_backend()
        gc.collect()
        tracemalloc.start()
        first = tracemalloc.take_snapshot()
        _store(backend, plan, count)
        gc.collect()
        second = tracemalloc.take_snapshot()
        tracemalloc.stop()
    rows = []
    for stat in second.compare_to(first, "lineno")[:top]:
        frame = stat.traceback[0]
        rows.append(
            {
                "bytes": round(stat.size_diff / count),
                "objects": round(stat.count_diff / count, 1),
                "site": f"{Path(frame.filename).name}:{frame.lineno}",
                "code": linecache.getline(frame.filename, frame.lineno).strip()[:90],
            }
        )
    return rows
