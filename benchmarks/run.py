"""Run the benchmarks and write benchmarks/results/: results.md, results.json, scaling.png, profile_*.txt.

python benchmarks/run.py            # full run (a few minutes)
python benchmarks/run.py --quick    # smaller states and fewer rounds (under a minute or two)
python benchmarks/run.py --only per_call,activation
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this directory would come first on sys.path; the repository root must instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks import activation, memory, percall, profiling, report, scaling, server  # noqa: E402

SECTIONS = ("per_call", "scaling", "activation", "memory", "server", "profile")
RESULTS = ROOT / "benchmarks" / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller states and fewer rounds")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections ({', '.join(SECTIONS)})")
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    quick = args.quick
    # many short batches: both sides see the same moments of a noisy machine (A/A stays within ~1%)
    rounds, n = (41, 6) if quick else (101, 6)

    started = time.perf_counter()
    results: dict[str, object] = {"mode": "quick" if quick else "full", "machine": report.machine()}
    for section in chosen:
        section_started = time.perf_counter()
        print(f"running {section} ...", file=sys.stderr, flush=True)
        if section == "per_call":
            results[section] = percall.run(rounds, n)
        elif section == "scaling":
            results[section] = scaling.run((2_000, 20_000) if quick else (10_000, 100_000), rounds, n)
        elif section == "activation":
            results[section] = activation.run(rounds, 10 if quick else 20)
        elif section == "memory":
            results[section] = memory.run(20_000 if quick else 100_000)
        elif section == "server":
            results[section] = server.run(3 if quick else 5, 2.0 if quick else 4.0)
        elif section == "profile":
            args.out.mkdir(parents=True, exist_ok=True)
            results[section] = profiling.run(args.out, 500 if quick else 2_000)
        print(f"  {section}: {time.perf_counter() - section_started:.0f} s", file=sys.stderr, flush=True)
    results["seconds"] = time.perf_counter() - started

    args.out.mkdir(parents=True, exist_ok=True)
    text = report.markdown(results)
    (args.out / "results.md").write_text(text)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    if "scaling" in results and not report.chart(results, args.out / "scaling.png"):
        print("matplotlib is not installed: no scaling.png (pip install matplotlib)", file=sys.stderr)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
