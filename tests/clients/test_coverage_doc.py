"""docs/coverage.md must match what the mock serves now (regenerate with scripts/gen_coverage.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from ssm_incidents_mock.ssm_incidents import SPEC
from ssm_incidents_mock.ssm_incidents.models import SSMIncidentsBackend

ROOT = Path(__file__).resolve().parents[2]


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_coverage", ROOT / "scripts" / "gen_coverage.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen_coverage = _load_generator()


def test_coverage_doc_is_up_to_date() -> None:
    expected = gen_coverage.render(gen_coverage.probe())
    current = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    assert current == expected, "docs/coverage.md is stale: run `python scripts/gen_coverage.py`"


def test_table_lists_every_model_operation_once() -> None:
    text = gen_coverage.render(dict.fromkeys(SPEC.operations, True))
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert sorted(row.split(" | ")[0][2:] for row in rows) == sorted(SPEC.operations)
    assert len(rows) == 31
    assert "| TagResource | `POST /tags/{resourceArn}` | 204 | ✓ |" in rows
    assert f"**31/{len(SPEC.operations)}**" in text


def test_missing_handler_is_reported_as_not_implemented(monkeypatch: pytest.MonkeyPatch) -> None:
    group = next(cls for cls in SSMIncidentsBackend.__mro__ if "list_related_items" in vars(cls))
    monkeypatch.delattr(group, "list_related_items")  # from the operation group that defines it
    implemented = gen_coverage.probe()
    assert implemented["ListRelatedItems"] is False
    assert implemented["GetIncidentRecord"] is True
    assert "| ListRelatedItems | `POST /listRelatedItems` | 200 | ✗ |" in gen_coverage.render(implemented)


def test_check_mode_flags_a_stale_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "coverage.md"
    stale.write_text("# Operation coverage\n", encoding="utf-8")
    monkeypatch.setattr(gen_coverage, "COVERAGE_DOC", stale)
    monkeypatch.setattr(gen_coverage, "ROOT", tmp_path)
    assert gen_coverage.main(["--check"]) == 1
    assert gen_coverage.main([]) == 0
    assert gen_coverage.main(["--check"]) == 0
