"""Terraform with the hashicorp/aws provider, offline, against the server: finding the tools, running steps.

Terraform and a filesystem mirror of the provider are part of this project's development and CI
machines, so their absence fails the tests that need them; ``SSM_INCIDENTS_MOCK_SKIP_TERRAFORM=1``
skips those tests deliberately on a machine without them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

MIRROR_ENV = "SSM_INCIDENTS_MOCK_TF_MIRROR"
SKIP_ENV = "SSM_INCIDENTS_MOCK_SKIP_TERRAFORM"
STEP_TIMEOUT = 600


def _has_aws_provider(mirror: Path) -> bool:
    return (mirror / "registry.terraform.io" / "hashicorp" / "aws").is_dir()


def find_provider_mirror() -> Path | None:
    """A filesystem mirror holding hashicorp/aws: the env override, Terraform's implied local mirror
    directories, then a shallow search of the usual install roots for a ``registry.terraform.io`` folder."""
    override = os.environ.get(MIRROR_ENV)
    if override:
        return Path(override) if _has_aws_provider(Path(override)) else None
    home = Path.home()
    implied = [
        home / ".terraform.d" / "plugins",
        home / ".local" / "share" / "terraform" / "plugins",
        Path("/usr/local/share/terraform/plugins"),
        Path("/usr/share/terraform/plugins"),
    ]
    for candidate in implied:
        if _has_aws_provider(candidate):
            return candidate
    for root in (Path("/opt"), Path("/usr/local"), Path("/srv"), home):
        for depth in range(3):
            for folder in root.glob("/".join(["*"] * depth + ["registry.terraform.io"])):
                if _has_aws_provider(folder.parent):
                    return folder.parent
    return None


class Terraform:
    """Runs terraform in one working directory against the server, offline."""

    def __init__(self, binary: str, mirror: Path, workdir: Path) -> None:
        self.binary, self.workdir = binary, workdir
        config = workdir.parent / "terraform.rc"
        config.write_text(
            textwrap.dedent(
                f"""
                provider_installation {{
                  filesystem_mirror {{
                    path    = "{mirror.as_posix()}"
                    include = ["registry.terraform.io/hashicorp/aws"]
                  }}
                }}
                """
            )
        )
        keep = ("PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT")
        self.env = {name: os.environ[name] for name in keep if name in os.environ}
        self.env.update(
            TF_CLI_CONFIG_FILE=str(config),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            CHECKPOINT_DISABLE="1",
            AWS_EC2_METADATA_DISABLED="true",
        )

    def run(self, *args: str, expect: int = 0) -> str:
        done = subprocess.run(
            [self.binary, *args, "-no-color"],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
        )
        assert done.returncode == expect, (
            f"terraform {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
        )
        return done.stdout

    def apply(self) -> str:
        return self.run("apply", "-auto-approve", "-input=false")

    def assert_no_changes(self) -> None:
        out = self.run("plan", "-detailed-exitcode", "-input=false", expect=0)
        assert "No changes." in out, out

    def outputs(self) -> dict[str, Any]:
        """The root module's output values by name."""
        shown: dict[str, Any] = json.loads(self.run("output", "-json"))
        return {name: output["value"] for name, output in shown.items()}


def tools() -> tuple[str, Path]:
    """The terraform binary and the provider mirror; fails (or skips, when asked to) without them."""
    terraform, mirror = shutil.which("terraform"), find_provider_mirror()
    if terraform and mirror:
        return terraform, mirror
    missing = "terraform" if not terraform else f"a filesystem mirror of hashicorp/aws (set {MIRROR_ENV})"
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{missing} not available and {SKIP_ENV}=1")
    pytest.fail(f"The Terraform lifecycle test needs {missing}; set {SKIP_ENV}=1 to skip it deliberately.")


def provider(endpoints: dict[str, str], region: str = "us-east-1") -> str:
    """The ``provider "aws"`` block: fake credentials, no calls that would reach AWS, ``endpoints``."""
    lines = "".join(f'    {name} = "{url}"\n' for name, url in endpoints.items())
    return (
        'provider "aws" {\n'
        f'  region                      = "{region}"\n'
        '  access_key                  = "testing"\n'
        '  secret_key                  = "testing"\n'
        "  skip_credentials_validation = true\n"
        "  skip_requesting_account_id  = true\n"
        "  skip_metadata_api_check     = true\n"
        f"  endpoints {{\n{lines}  }}\n"
        "}\n"
    )
