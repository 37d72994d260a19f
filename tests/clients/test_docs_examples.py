"""Every Python example in README.md, docs/index.md and docs/usage.md runs and its assertions hold.

Top-level code runs as written; ``test_*`` functions are then called (with the package's
fixtures when they ask for them) and ``unittest.TestCase`` classes are run.
"""

from __future__ import annotations

import inspect
import re
import unittest
from pathlib import Path
from typing import Any

import boto3
import pytest

from ssm_incidents_mock import SSMIncidentsMock

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["README.md", "docs/index.md", "docs/usage.md"]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _examples() -> list[Any]:
    found = []
    for name in DOCS:
        text = (ROOT / name).read_text(encoding="utf-8")
        for index, match in enumerate(_BLOCK.finditer(text), 1):
            found.append(pytest.param(match.group(1), id=f"{name}#{index}"))
    return found


EXAMPLES = _examples()


def test_docs_have_examples() -> None:
    ids = [param.id for param in EXAMPLES]
    assert any(i.startswith("README.md#") for i in ids), ids
    assert sum(i.startswith("docs/usage.md#") for i in ids) >= 8, ids


def _call_test(func: Any) -> None:
    wanted = inspect.signature(func).parameters
    if not wanted:
        func()
        return
    known = {"ssm_incidents", "mocked_ssm_incidents", "ssm_incidents_onboarded"}
    assert set(wanted) <= known, f"unknown fixtures in {func.__name__}: {wanted}"
    with SSMIncidentsMock() as mock:
        client = boto3.client("ssm-incidents", region_name="us-east-1")
        fixtures = {"mocked_ssm_incidents": mock, "ssm_incidents": client}
        if "ssm_incidents_onboarded" in wanted:
            client.create_replication_set(regions={"us-east-1": {}})
            fixtures["ssm_incidents_onboarded"] = client
        func(**{name: fixtures[name] for name in wanted})


@pytest.mark.parametrize("source", EXAMPLES)
def test_example_runs(source: str) -> None:
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    exec(compile(source, "<docs example>", "exec"), namespace)
    for name, value in list(namespace.items()):
        if name.startswith("test_") and inspect.isfunction(value):
            _call_test(value)
        elif inspect.isclass(value) and issubclass(value, unittest.TestCase) and value.__module__ == "docs_example":
            suite = unittest.defaultTestLoader.loadTestsFromTestCase(value)
            result = unittest.TextTestRunner(verbosity=0, stream=_NullStream()).run(suite)
            assert result.testsRun > 0 and result.wasSuccessful(), result.failures + result.errors


class _NullStream:
    def write(self, _: str) -> None:
        pass

    def flush(self) -> None:
        pass
