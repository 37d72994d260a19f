"""Shared pieces of the benchmarks: clients, the floor, interleaved timing, a populated state.

Every figure is a ratio of two things measured side by side in this process: rounds alternate
between the two (the order flips each round) and the median of the per-round ratios is kept, so a
noisy neighbour slows both sides of a round alike.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient

from ssm_incidents_mock.seam import RawBody  # the floor streams the body exactly as the mock does

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
TEMPLATE = {"title": "Payment API errors", "impact": 3, "summary": "Error rate above 5% on checkout."}


def client(service: str = "ssm-incidents", **kwargs: Any) -> BaseClient:
    return boto3.client(service, region_name=REGION, **CREDENTIALS, **kwargs)


def capture(real: BaseClient, operation: str, call: Callable[[], Any]) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of the mock's real answer to ``call``."""
    seen: dict[str, Any] = {}

    def keep(response_dict: dict[str, Any], **_: Any) -> None:
        seen.update(response_dict)

    event = f"before-parse.{real.meta.service_model.endpoint_prefix}.{operation}"
    real.meta.events.register(event, keep)
    try:
        call()
    finally:
        real.meta.events.unregister(event, keep)
    return seen["status_code"], dict(seen["headers"]), seen["body"]


def floor_client(service: str, operation: str, answer: tuple[int, dict[str, str], bytes]) -> BaseClient:
    """A client whose ``operation`` is answered with fixed bytes before anything else sees it.

    moto's stubber is removed from this client, so the time left is botocore's own work:
    serialize, sign, emit its events and parse the answer.
    """
    from moto.core.models import botocore_stubber

    floor = client(service)
    floor.meta.events.unregister("before-send", botocore_stubber)
    status, headers, body = answer

    def send(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, status, headers, RawBody(body))

    prefix = floor.meta.service_model.endpoint_prefix
    floor.meta.events.register_first(f"before-send.{prefix}.{operation}", send)
    return floor


def time_batch(call: Callable[[], Any], n: int, full_collect: bool = False) -> float:
    # garbage the other side left behind is not collected on this side's time
    gc.collect() if full_collect else gc.collect(1)
    start = time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - start) / n


def interleaved(
    subject: Callable[[], Any], baseline: Callable[[], Any], rounds: int, n: int, full_collect: bool = False
) -> dict[str, float]:
    """Median per-call seconds of both and the median of the per-round ratios subject/baseline.

    ``full_collect`` runs a full garbage collection before every batch (for calls that leave
    much cyclic garbage, whose collection would otherwise land on either side by chance).
    """
    subject()
    baseline()
    ratios: list[float] = []
    subject_times: list[float] = []
    baseline_times: list[float] = []
    for index in range(rounds):
        if index % 2:
            b = time_batch(baseline, n, full_collect)
            s = time_batch(subject, n, full_collect)
        else:
            s = time_batch(subject, n, full_collect)
            b = time_batch(baseline, n, full_collect)
        subject_times.append(s)
        baseline_times.append(b)
        ratios.append(s / b)
    low, high = median_interval(ratios)
    return {
        "ratio": statistics.median(ratios),
        "ratio_low": low,
        "ratio_high": high,
        "subject_us": statistics.median(subject_times) * 1e6,
        "baseline_us": statistics.median(baseline_times) * 1e6,
    }


def median_interval(samples: list[float]) -> tuple[float, float]:
    """A ~95% confidence interval of the median (order statistics, no assumption about the spread)."""
    ordered = sorted(samples)
    n = len(ordered)
    half_width = 0.98 * n**0.5  # 1.96 * sqrt(n) / 2 ranks either side of the middle
    low = max(0, int(n / 2 - half_width))
    high = min(n - 1, int(n / 2 + half_width))
    return ordered[low], ordered[high]
