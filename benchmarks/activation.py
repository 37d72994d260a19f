"""Section 3: entering and leaving ``mock_ssm_incidents`` against moto's ``mock_aws``."""

from __future__ import annotations

from typing import Any

from moto import mock_aws

from benchmarks.common import interleaved
from ssm_incidents_mock import mock_ssm_incidents


def enter_exit_ours() -> None:
    with mock_ssm_incidents():
        pass


def enter_exit_moto() -> None:
    with mock_aws():
        pass


def run(rounds: int, n: int) -> dict[str, Any]:
    result = interleaved(enter_exit_ours, enter_exit_moto, rounds, n, full_collect=True)
    # mock_aws against itself: how far from 1.0 identical code lands in this run (the noise band)
    result["noise_ratio"] = interleaved(enter_exit_moto, enter_exit_moto, rounds, n, full_collect=True)["ratio"]
    return result
