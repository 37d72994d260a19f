"""Fixtures of the client suites: Terraform and its provider mirror (see ``tests.support.terraform``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.terraform import Terraform, tools


@pytest.fixture(scope="module")
def terraform_tools() -> tuple[str, Path]:
    return tools()


@pytest.fixture
def terraform(terraform_tools: tuple[str, Path], tmp_path: Path) -> Iterator[Terraform]:
    workdir = tmp_path / "stack"
    workdir.mkdir()
    yield Terraform(*terraform_tools, workdir)
