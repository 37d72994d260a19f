"""Every Python example of docs/pytest.md runs as a pytest file under the plugin, and every test in it passes.

A block with tests becomes a test module; a block without tests is conftest code (a fixture, a switch).
botocore's retry sleeps are made instant in the run's own conftest: an example that retries waits for nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "pytest.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
_TEST = re.compile(r"^def (test_\w+)\(", re.M)
NO_RETRY_SLEEPS = """
import botocore.endpoint
import pytest


@pytest.fixture(autouse=True)
def _no_retry_sleeps(monkeypatch):
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda seconds: None)
"""


def test_every_example_of_the_pytest_page_passes(pytester: pytest.Pytester) -> None:
    blocks = _BLOCK.findall(DOC.read_text(encoding="utf-8"))
    conftest = [NO_RETRY_SLEEPS]
    tests: list[str] = []
    for index, block in enumerate(blocks):
        names = _TEST.findall(block)
        if names:
            pytester.makepyfile(**{f"test_example_{index}": block})
            tests.extend(names)
        else:
            conftest.append(block)
    pytester.makeconftest("\n\n".join(conftest))
    assert len(tests) >= 10, tests
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=len(tests))
