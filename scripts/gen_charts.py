"""Draw the docs' benchmark charts from benchmarks/results/results.json (needs matplotlib: the bench extra).

Writes docs/img/per-call.png (cost of one call: the floor, this mock, and moto's own scheduler service
for comparison) and copies the scaling chart benchmarks/run.py drew to docs/img/scaling.png.
Run it after a benchmark run: ``python scripts/gen_charts.py``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
OUT = ROOT / "docs" / "img"
OPERATIONS = ["GetIncidentRecord", "StartIncident", "UpdateIncidentRecord", "CreateTimelineEvent"]


def per_call_chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    per_call = results["per_call"]
    moto = per_call["moto_scheduler_GetSchedule"]
    labels = [re.sub(r"(?<=[a-z])(?=Record|Event)", "\n", op) for op in OPERATIONS] + ["moto scheduler\nGetSchedule"]
    floors = [per_call["mock_ssm_incidents"][op]["baseline_us"] for op in OPERATIONS] + [moto["baseline_us"]]
    costs = [per_call["mock_ssm_incidents"][op]["subject_us"] for op in OPERATIONS] + [moto["subject_us"]]
    ratios = [per_call["mock_ssm_incidents"][op]["ratio"] for op in OPERATIONS] + [moto["ratio"]]

    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    width = 0.38
    xs = range(len(labels))
    ax.bar([x - width / 2 for x in xs], floors, width, label="floor (botocore with a canned answer)", color="#b0b0b0")
    colors = ["#1f77b4"] * len(OPERATIONS) + ["#d62728"]
    bars = ax.bar([x + width / 2 for x in xs], costs, width, color=colors)
    for bar, ratio in zip(bars, ratios, strict=True):
        ax.annotate(
            f"{ratio:.2f}x", (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom", fontsize=9
        )
    ax.bar([0], [0], color="#1f77b4", label="ssm-incidents-mock")
    ax.bar([0], [0], color="#d62728", label="moto's own service (for comparison)")
    ax.set_xticks(list(xs), labels, fontsize=9)
    ax.set_ylabel("microseconds per boto3 call")
    machine = results["machine"]
    ax.set_title(f"Cost of one call (median; moto {machine['moto']}, Python {machine['python']}, {machine['cpu']})")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_ylim(0, max(costs) * 1.15)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def main() -> None:
    results = json.loads((RESULTS / "results.json").read_text(encoding="utf-8"))
    OUT.mkdir(parents=True, exist_ok=True)
    per_call_chart(results, OUT / "per-call.png")
    shutil.copyfile(RESULTS / "scaling.png", OUT / "scaling.png")
    print(f"wrote {OUT / 'per-call.png'} and {OUT / 'scaling.png'}")


if __name__ == "__main__":
    main()
