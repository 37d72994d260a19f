"""Turning the raw figures into results.md, scaling.png and the target verdicts."""

from __future__ import annotations

import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks.calls import CALLS


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "boto3": version("boto3"),
        "botocore": version("botocore"),
        "moto": version("moto"),
    }


def targets(results: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(target, measured, holds) for every target the issue sets that this run measured."""
    out: list[tuple[str, str, bool]] = []
    per_call = results.get("per_call")
    if per_call:
        for op, limit in (("GetIncidentRecord", 1.2), ("StartIncident", 1.3)):
            for label in ("mock_ssm_incidents", "mock_aws"):
                measured = per_call[label][op]
                ratio = measured["ratio"]
                interval = (
                    f" [{measured['ratio_low']:.2f}, {measured['ratio_high']:.2f}]" if "ratio_low" in measured else ""
                )
                out.append((f"{op} <= {limit}x floor ({label})", f"{ratio:.2f}x{interval}", ratio <= limit))
    scaling = results.get("scaling")
    if scaling:
        top = max(scaling["sizes"])
        for op in ("GetIncidentRecord", "StartIncident", "UpdateIncidentRecord"):
            ratio = (
                scaling["calls"][op][str(top)]["ratio"]
                if str(top) in scaling["calls"][op]
                else scaling["calls"][op][top]["ratio"]
            )
            out.append((f"{op} {top // 1000}k/empty <= 1.2", f"{ratio:.2f}", ratio <= 1.2))
        listed = scaling.get("filtered_list")
        if listed:
            out.append(
                (
                    f"filtered list page over {listed['incidents'] // 1000}k <= 2x list floor",
                    f"{listed['ratio']:.2f}x",
                    listed["ratio"] <= 2,
                )
            )
        shared = scaling.get("shared_list")
        if shared:
            out.append(
                (
                    f"consumer's list page over {shared['incidents'] // 1000}k in {shared['plans']} shared plans "
                    "<= 1.5x the owner's",
                    f"{shared['ratio']:.2f}x [{shared['ratio_low']:.2f}, {shared['ratio_high']:.2f}]",
                    shared["ratio"] <= 1.5,
                )
            )
    activation = results.get("activation")
    if activation:
        # "no slower": the 95% interval of the median ratio reaches 1.0 or below, so no slowdown is measurable
        low, high = activation.get("ratio_low", activation["ratio"]), activation.get("ratio_high", activation["ratio"])
        out.append(
            (
                "enter+exit no slower than mock_aws's (95% interval of the ratio reaches 1.0)",
                f"{activation['ratio']:.3f}x [{low:.3f}, {high:.3f}] (A/A {activation['noise_ratio']:.3f}x)",
                low <= 1.0,
            )
        )
    memory = results.get("memory")
    if memory:
        out.append(
            ("<= 2 KB per stored incident", f"{memory['bytes_per_incident']} B", memory["bytes_per_incident"] <= 2048)
        )
    server = results.get("server")
    if server:
        out.append(("server throughput >= 1.5x moto's", f"{server['ratio']:.2f}x", server["ratio"] >= 1.5))
    return out


def _size_key(calls: dict[Any, Any], size: int) -> Any:
    return size if size in calls else str(size)


def markdown(results: dict[str, Any]) -> str:
    lines = [f"# ssm-incidents-mock benchmark results ({results['mode']} run)", ""]
    m = results["machine"]
    lines += [
        f"Machine: {m['cpu']}, {m['cpus']} CPUs, {m['os']}; Python {m['python']}, boto3 {m['boto3']}, "
        f"botocore {m['botocore']}, moto {m['moto']}. Run took {results['seconds']:.0f} s.",
        "",
        "All figures are ratios measured side by side in this one run (interleaved rounds, medians).",
        "",
        "## Targets",
        "",
        "| Target | Measured | Holds |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in targets(results)]
    lines += ["", "Brackets: the 95% confidence interval of a median ratio (order statistics over the rounds)."]
    per_call = results.get("per_call")
    if per_call:
        lines += [
            "",
            "## 1. Per call vs the floor",
            "",
            "Floor: the same boto3 call answered by a `before-send` handler returning the mock's own bytes.",
            "",
            "| Operation | mock_ssm_incidents | inside mock_aws | mock µs | floor µs |",
            "|---|---|---|---|---|",
        ]
        for op in CALLS:
            a, b = per_call["mock_ssm_incidents"][op], per_call["mock_aws"][op]
            lines.append(
                f"| {op} | {a['ratio']:.2f}x | {b['ratio']:.2f}x | {a['subject_us']:.0f} | {a['baseline_us']:.0f} |"
            )
        ref = per_call["moto_scheduler_GetSchedule"]
        lines.append(
            f"| (moto scheduler GetSchedule, for context) | | {ref['ratio']:.2f}x | {ref['subject_us']:.0f} | {ref['baseline_us']:.0f} |"
        )
        if "floor_aa" in per_call:
            lines += [
                "",
                f"Noise band: the GetIncidentRecord floor against a second floor client gave "
                f"{per_call['floor_aa']['ratio']:.3f}x.",
            ]
    scaling = results.get("scaling")
    if scaling:
        sizes = scaling["sizes"]
        lines += [
            "",
            "## 2. Scaling",
            "",
            "Ratio of each call against the same call on an empty state (60 incidents, so a list page is full); "
            "the target incident holds 100 timeline events in every state.",
            "",
            "| Operation | " + " | ".join(f"{s // 1000}k / empty" for s in sizes) + " | µs at largest |",
            "|---|" + "---|" * (len(sizes) + 1),
        ]
        for op in CALLS:
            calls = scaling["calls"][op]
            cells = [f"{calls[_size_key(calls, s)]['ratio']:.2f}" for s in sizes]
            lines.append(
                f"| {op} | " + " | ".join(cells) + f" | {calls[_size_key(calls, sizes[-1])]['subject_us']:.0f} |"
            )
        listed = scaling.get("filtered_list")
        if listed:
            lines += [
                "",
                f"Filtered list (status OPEN + impact 3, one page of 50) over {listed['incidents']} incidents: "
                f"{listed['ratio']:.2f}x the floor of that list call ({listed['subject_us']:.0f} µs vs {listed['baseline_us']:.0f} µs).",
            ]
        shared = scaling.get("shared_list")
        if shared:
            lines += [
                "",
                f"A consumer's page of 100 over {shared['incidents']} incidents in {shared['plans']} plans shared with "
                f"it: {shared['ratio']:.2f}x the owner's page of the same records ({shared['subject_us']:.0f} µs vs "
                f"{shared['baseline_us']:.0f} µs).",
            ]
    activation = results.get("activation")
    if activation:
        lines += [
            "",
            "## 3. Activation",
            "",
            f"`with mock_ssm_incidents(): pass` is {activation['ratio']:.3f}x `with mock_aws(): pass` "
            f"({activation['subject_us']:.0f} µs vs {activation['baseline_us']:.0f} µs). The same measurement of "
            f"`mock_aws` against itself gave {activation['noise_ratio']:.3f}x: the noise band of this run.",
        ]
    memory = results.get("memory")
    if memory:
        lines += [
            "",
            "## 4. Memory",
            "",
            f"{memory['bytes_per_incident']} bytes per stored incident (tracemalloc, {memory['incidents']} incidents, "
            f"{memory['events_per_incident']:.0f} timeline events and 1 related item each).",
        ]
    server = results.get("server")
    if server:
        lines += [
            "",
            "## 5. Server throughput",
            "",
            f"{server['clients']} concurrent boto3 clients, {server['rounds']} rounds of {server['seconds_per_round']} s each: "
            f"GetIncidentRecord on this server {server['ours_rps']:.0f} req/s, GetSchedule on moto's server "
            f"{server['moto_rps']:.0f} req/s: {server['ratio']:.2f}x. Floor (the same server stack answering "
            f"fixed bytes): {server.get('floor_rps', 0):.0f} req/s, {server.get('floor_ratio', 0):.2f}x this server's.",
        ]
    return "\n".join(lines) + "\n"


def chart(results: dict[str, Any], path: Path) -> bool:
    """The scaling curves as a PNG; False when matplotlib is missing."""
    scaling = results.get("scaling")
    if not scaling:
        return False
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    sizes = [0, *scaling["sizes"]]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for op in CALLS:
        calls = scaling["calls"][op]
        ax.plot(sizes, [1.0] + [calls[_size_key(calls, s)]["ratio"] for s in scaling["sizes"]], marker="o", label=op)
    ax.axhline(1.2, color="grey", linestyle="--", linewidth=1, label="target (get, start, update)")
    ax.set_xscale("symlog", linthresh=10_000)
    ax.set_xticks(sizes)
    ax.set_xticklabels(["empty"] + [f"{s // 1000}k" for s in scaling["sizes"]])
    ax.set_xlabel("stored incidents")
    ax.set_ylabel("time per call / time on empty state")
    ax.set_title("ssm-incidents-mock: cost per call as the state grows")
    ax.set_ylim(0.8, max(1.5, ax.get_ylim()[1]))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True
