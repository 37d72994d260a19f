"""The documentation site builds with ``mkdocs build --strict``: no broken link, anchor or API reference."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_site_builds_strictly(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # navigation and search
    index = (site / "index.html").read_text(encoding="utf-8")
    for page in ("usage", "pytest", "server", "terraform", "differences", "coverage", "performance", "reference"):
        assert f'href="{page}/"' in index or f'href="../{page}/"' in index, page
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("Differences from AWS" in doc["title"] for doc in search["docs"])
    # the API reference is generated from docstrings
    reference = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert "The server in a background thread, for tests" in reference
    assert "ssm_incidents_onboarded" in reference and "Region, account and strictness" in reference
    # the coverage table and the benchmark charts
    coverage = (site / "coverage" / "index.html").read_text(encoding="utf-8")
    assert "StartIncident" in coverage and "<table>" in coverage
    performance = (site / "performance" / "index.html").read_text(encoding="utf-8")
    assert "per-call.png" in performance and "scaling.png" in performance
    assert (site / "img" / "per-call.png").stat().st_size > 10_000
    assert (site / "img" / "scaling.png").stat().st_size > 10_000
    assert "## [Unreleased]" not in (site / "changelog" / "index.html").read_text(encoding="utf-8")
