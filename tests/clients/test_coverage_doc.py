"""docs/coverage.md must match what the mock serves now (regenerate with scripts/gen_coverage.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from ssm_incidents_mock.ssm_contacts import SPEC as CONTACTS_SPEC
from ssm_incidents_mock.ssm_contacts.models import SSMContactsBackend
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


def _rows(text: str, heading: str) -> list[str]:
    """The table rows under ``## heading``."""
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and "`" in line]


def test_tables_list_every_model_operation_once() -> None:
    everything = {"ssm-incidents": dict.fromkeys(SPEC.operations, True)}
    everything["ssm-contacts"] = dict.fromkeys(CONTACTS_SPEC.operations, True)
    text = gen_coverage.render(everything)
    for heading, spec, count in (("ssm-incidents", SPEC, 31), ("ssm-contacts", CONTACTS_SPEC, 39)):
        rows = _rows(text, heading)
        assert sorted(row.split(" | ")[0][2:] for row in rows) == sorted(spec.operations)
        assert len(rows) == count
    assert "| TagResource | `POST /tags/{resourceArn}` | 204 | ✓ |" in _rows(text, "ssm-incidents")
    contacts_tag = "| TagResource | `POST /` with `X-Amz-Target: SSMContacts.TagResource` | 200 | ✓ |"
    assert contacts_tag in _rows(text, "ssm-contacts")
    assert "**70/70** operations of Incident Manager's two botocore models" in text
    assert "(`ssm-incidents` 31, `ssm-contacts` 39)" in text


def test_missing_handler_is_reported_as_not_implemented(monkeypatch: pytest.MonkeyPatch) -> None:
    group = next(cls for cls in SSMIncidentsBackend.__mro__ if "list_related_items" in vars(cls))
    monkeypatch.delattr(group, "list_related_items")  # from the operation group that defines it
    implemented = gen_coverage.probe()
    assert implemented["ssm-incidents"]["ListRelatedItems"] is False
    assert implemented["ssm-incidents"]["GetIncidentRecord"] is True
    assert all(implemented["ssm-contacts"].values())
    text = gen_coverage.render(implemented)
    assert "| ListRelatedItems | `POST /listRelatedItems` | 200 | ✗ |" in _rows(text, "ssm-incidents")
    assert "**69/70**" in text


def test_missing_contacts_handler_is_reported_as_not_implemented(monkeypatch: pytest.MonkeyPatch) -> None:
    group = next(cls for cls in SSMContactsBackend.__mro__ if "list_page_receipts" in vars(cls))
    monkeypatch.delattr(group, "list_page_receipts")
    implemented = gen_coverage.probe()
    assert implemented["ssm-contacts"]["ListPageReceipts"] is False
    assert implemented["ssm-contacts"]["DescribePage"] is True
    assert all(implemented["ssm-incidents"].values())
    row = "| ListPageReceipts | `POST /` with `X-Amz-Target: SSMContacts.ListPageReceipts` | 200 | ✗ |"
    assert row in _rows(gen_coverage.render(implemented), "ssm-contacts")


def test_check_mode_flags_a_stale_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "coverage.md"
    stale.write_text("# Operation coverage\n", encoding="utf-8")
    monkeypatch.setattr(gen_coverage, "COVERAGE_DOC", stale)
    monkeypatch.setattr(gen_coverage, "ROOT", tmp_path)
    assert gen_coverage.main(["--check"]) == 1
    assert gen_coverage.main([]) == 0
    assert gen_coverage.main(["--check"]) == 0
