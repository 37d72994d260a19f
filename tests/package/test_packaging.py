"""Package metadata as installed: version, licence, Python and moto ranges, the plugin entry point."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import distribution
from pathlib import Path

import ssm_incidents_mock
from ssm_incidents_mock.seam import SUPPORTED_MOTO

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest brings tomli on Python 3.10
    import tomli as tomllib

DIST = distribution("ssm-incidents-mock")


def test_version_is_one_everywhere() -> None:
    assert ssm_incidents_mock.__version__ == DIST.version
    done = subprocess.run(
        [sys.executable, "-m", "ssm_incidents_mock", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ssm-incidents-mock {DIST.version}"


def test_licence_is_an_spdx_expression_with_its_file() -> None:
    assert DIST.metadata["License-Expression"] == "Apache-2.0"
    assert "LICENSE" in (DIST.metadata.get_all("License-File") or [])


def test_python_and_moto_ranges_are_declared() -> None:
    assert DIST.metadata["Requires-Python"] == ">=3.10"
    classifiers = DIST.metadata.get_all("Classifier") or []
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    moto = next(req for req in DIST.requires or [] if req.startswith("moto") and "extra" not in req)
    assert sorted(moto.removeprefix("moto").split(",")) == sorted(SUPPORTED_MOTO.split(","))


def test_pytest_entry_point_is_the_light_module() -> None:
    plugins = [ep for ep in DIST.entry_points if ep.group == "pytest11"]
    assert [ep.value for ep in plugins] == ["pytest_ssm_incidents_mock"]


def test_wheels_carry_the_dashboard_templates_and_static_files() -> None:
    """setuptools packs only the data files that ``package-data`` names: every dashboard file must match it."""
    package = Path(ssm_incidents_mock.__file__).parent
    config = tomllib.loads((package.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["ssm_incidents_mock"]
    packed = {path for pattern in patterns for path in package.glob(pattern)}
    data = [p for p in (package / "dashboard").rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {p.suffix for p in data} >= {".html", ".css", ".js"}
    assert set(data) <= packed, sorted(str(p) for p in set(data) - packed)
