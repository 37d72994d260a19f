"""The AWS SDK for JavaScript v3 (``@aws-sdk/client-ssm-incidents``) under Node.js against the running server."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support.processes import npm_ci

JS_DIR = Path(__file__).resolve().parent / "js"


def _install() -> None:
    npm_ci(JS_DIR, JS_DIR / "node_modules" / "@aws-sdk" / "client-ssm-incidents")


def test_incident_lifecycle_with_the_javascript_sdk(server: ThreadedSSMIncidentsServer) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is needed for the JavaScript SDK test"
    assert (JS_DIR / "package-lock.json").is_file()
    _install()
    done = subprocess.run([node, "lifecycle.mjs", server.url], cwd=JS_DIR, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["planArn"] == "arn:aws:ssm-incidents::123456789012:response-plan/js-plan"
    assert len(summary["incidents"]) == 3
    assert summary["resolved"] == summary["incidents"][:1]
    assert summary["pages"] == 3
    assert summary["tags"] == {"team": "js", "env": "test"}
    assert summary["errors"] == ["ResourceNotFoundException", "ValidationException"]
