"""The dashboard's incident page over a large record: the whole page, and the 2-second refresh.

Run: ``python -m benchmarks.dashboard [rounds] [related_items]`` from the repository root. One incident
gets ``related_items`` related items (default 10,000; each also writes a timeline event) and as many
findings. It prints the median time of the whole page, of a refresh whose data did not change (the
304 the page's script gets every 2 s; its ETag is a digest of the copied data, nothing is rendered)
and of a refresh after a change (200, the live part rendered), over the page of a fresh incident.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from werkzeug.test import Client
from werkzeug.wrappers import Request

from benchmarks.common import REGION, TEMPLATE
from ssm_incidents_mock import SSMIncidentsMock, dashboard, mock_ssm_incidents
from ssm_incidents_mock.core.context import RequestContext
from ssm_incidents_mock.ssm_incidents.models import ssmincidents_backends

ACCOUNT = "123456789012"
HOST = {"Host": "127.0.0.1:5050"}


def _app(environ: dict[str, Any], start_response: Any) -> Any:
    return dashboard.handle(Request(environ))(environ, start_response)


def populate(related_items: int) -> tuple[str, str]:
    """A large incident and a fresh one of the same plan (straight into the backend)."""
    ctx = RequestContext(ACCOUNT, REGION, "testing")
    backend = ssmincidents_backends[ACCOUNT]["aws"]
    with backend.lock:
        backend.create_replication_set(ctx, regions={REGION: {}})
        plan = backend.create_response_plan(ctx, "web", dict(TEMPLATE))
        large, fresh = backend.start_incident(ctx, plan), backend.start_incident(ctx, plan)
        for i in range(related_items):
            item = {"identifier": {"type": "OTHER", "value": {"url": f"https://example.com/{i}"}}}
            backend.update_related_items(ctx, large, {"itemToAdd": item})
    mock = SSMIncidentsMock()
    stack = f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/web/1"
    for _ in range(related_items):
        mock.add_finding(large, cloudformation_stack_arn=stack)
    return large, fresh


def _median_ms(call: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(rounds: int, related_items: int) -> dict[str, float]:
    large, fresh = populate(related_items)
    browser = Client(_app)
    url = f"{dashboard.DASHBOARD_PATH}/incident"

    def page(arn: str, etag: str | None = None) -> Any:
        headers = HOST if etag is None else {**HOST, "If-None-Match": etag}
        query = {"arn": arn} if etag is None else {"arn": arn, "fragment": "1"}
        return browser.get(url, query_string=query, headers=headers)

    tag = page(large, "none").headers["ETag"]
    assert page(large, tag).status_code == 304
    return {
        "related_items": related_items,
        "page_ms": _median_ms(lambda: page(large), rounds),
        "unchanged_refresh_ms": _median_ms(lambda: page(large, tag), rounds),
        "changed_refresh_ms": _median_ms(lambda: page(large, '"other"'), rounds),
        "fresh_incident_page_ms": _median_ms(lambda: page(fresh), rounds),
    }


@mock_ssm_incidents(strict=False)
def main(rounds: int, related_items: int) -> None:
    for name, value in measure(rounds, related_items).items():
        print(f"{name}: {value:.2f}" if isinstance(value, float) else f"{name}: {value}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 21, int(sys.argv[2]) if len(sys.argv) > 2 else 10_000)
