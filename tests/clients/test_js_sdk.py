"""The AWS SDK for JavaScript v3 (``@aws-sdk/client-ssm-incidents``, ``@aws-sdk/client-ssm-contacts``) under Node.js
against the running server."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from ssm_incidents_mock import SSMIncidentsMock
from ssm_incidents_mock.server import ThreadedSSMIncidentsServer
from tests.support.processes import npm_ci

JS_DIR = Path(__file__).resolve().parent / "js"
ACCOUNT, REGION = "123456789012", "us-east-1"
PREFIX = f"arn:aws:ssm-contacts:{REGION}:{ACCOUNT}:"


def _install() -> None:
    for client in ("client-ssm-incidents", "client-ssm-contacts"):
        npm_ci(JS_DIR, JS_DIR / "node_modules" / "@aws-sdk" / client)


def _node() -> str:
    node = shutil.which("node")
    assert node is not None, "Node.js is needed for the JavaScript SDK tests"
    assert (JS_DIR / "package-lock.json").is_file()
    _install()
    return node


def test_incident_lifecycle_with_the_javascript_sdk(server: ThreadedSSMIncidentsServer) -> None:
    node = _node()
    done = subprocess.run([node, "lifecycle.mjs", server.url], cwd=JS_DIR, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["planArn"] == "arn:aws:ssm-incidents::123456789012:response-plan/js-plan"
    assert len(summary["incidents"]) == 3
    assert summary["resolved"] == summary["incidents"][:1]
    assert summary["pages"] == 3
    assert summary["tags"] == {"team": "js", "env": "test"}
    assert summary["errors"] == ["ResourceNotFoundException", "ValidationException"]


def _answer(question: str, arn: str) -> str:
    """The code a person would read on the device: the one the mock sent with the channel or the page."""
    backend = SSMIncidentsMock().contacts_backend(ACCOUNT, REGION)
    code = backend.activation_code(arn) if question == "activation_code" else backend.accept_code(arn)
    assert code is not None, (question, arn)
    return str(code)


def _converse(command: list[str], timeout: float) -> tuple[int, list[str], str]:
    """Run ``command``, answering each ``{"ask": ...}`` line it prints; its exit code, other lines and stderr."""
    process = subprocess.Popen(
        command, cwd=JS_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    watchdog = threading.Timer(timeout, process.kill)  # bounds the whole conversation
    watchdog.start()
    printed: list[str] = []
    try:
        for line in process.stdout:
            message: Any = json.loads(line) if line.startswith('{"ask"') else None
            if message is None:
                printed.append(line)
                continue
            process.stdin.write(_answer(message["ask"], message["arn"]) + "\n")
            process.stdin.flush()
        process.stdin.close()
        return process.wait(timeout=timeout), printed, process.stderr.read()
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_contacts_lifecycle_with_the_javascript_sdk(server: ThreadedSSMIncidentsServer) -> None:
    code, printed, stderr = _converse([_node(), "contacts.mjs", server.url], timeout=180)
    assert code == 0, stderr
    summary = json.loads(printed[-1])
    ana, escalation = PREFIX + "contact/js-ana", summary["engagement"]
    assert summary["ana"] == ana and summary["activation"] == "ACTIVATED"
    assert summary["pageContact"] == ana and summary["receipts"] == ["SENT", "DELIVERED", "READ"]
    assert summary["engagements"] == [escalation]
    assert summary["shifts"] == [  # a daily hand-off at midnight UTC, six hours of the first day overridden
        ["2030-01-01T00:00:00.000Z", "2030-01-01T06:00:00.000Z", "ana", "REGULAR", ""],
        ["2030-01-01T06:00:00.000Z", "2030-01-01T12:00:00.000Z", "alejandro", "OVERRIDDEN", "ana"],
        ["2030-01-01T12:00:00.000Z", "2030-01-02T00:00:00.000Z", "ana", "REGULAR", ""],
        ["2030-01-02T00:00:00.000Z", "2030-01-03T00:00:00.000Z", "alejandro", "REGULAR", ""],
        ["2030-01-03T00:00:00.000Z", "2030-01-04T00:00:00.000Z", "ana", "REGULAR", ""],
    ]
    assert summary["tags"] == [{"Key": "team", "Value": "js"}]
    assert summary["aliases"] == ["js-ale", "js-ana", "js-escalation"]
    errors = summary["errors"]
    assert errors["wrongCode"] == ["ValidationException", "FIELD_VALIDATION_FAILED"]
    assert errors["missing"] == ["ResourceNotFoundException", PREFIX + "contact/js-nobody", "CONTACT"]
    rotation_member = errors["member"]
    assert rotation_member[0] == "ConflictException"
    assert [entity["RelationType"] for entity in rotation_member[1]] == ["ROTATION_MEMBER"]
    assert rotation_member[1][0]["DependentResourceIds"][0].startswith(PREFIX + "rotation/")
