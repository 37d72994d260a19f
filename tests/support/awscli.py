"""The AWS CLI (``awscli`` from PyPI, installed beside this interpreter) as a subprocess against an endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

AWS = Path(sys.executable).parent / "aws"


class AwsCli:
    """Runs ``aws <service> ...`` against one endpoint with throw-away credentials and an empty home.

    ``timestamp_format`` is the CLI's ``cli_timestamp_format`` (``iso8601`` prints times as the
    CLI's documentation examples show them; AWS CLI v1 prints them as received by default).
    """

    def __init__(
        self, service: str, endpoint: str, home: Path, region: str = "us-east-1", timestamp_format: str | None = None
    ) -> None:
        assert AWS.exists(), "awscli is a test dependency"
        if timestamp_format is not None:
            (home / "config").write_text(f"[default]\ncli_timestamp_format = {timestamp_format}\n")
        self.service, self.endpoint = service, endpoint
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": region,
            "AWS_CONFIG_FILE": str(home / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
            "AWS_MAX_ATTEMPTS": "1",
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(AWS), self.service, *args, "--endpoint-url", self.endpoint, "--output", "json"]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)

    def __call__(self, *args: str) -> Any:
        """The command's parsed JSON output (None when it prints nothing); it must succeed."""
        done = self.run(*args)
        assert done.returncode == 0, (args, done.stderr)
        return json.loads(done.stdout) if done.stdout.strip() else None

    def fails(self, *args: str) -> str:
        """The command's error text; it must fail."""
        done = self.run(*args)
        assert done.returncode != 0, done.stdout
        return done.stderr
