"""Processes some suites start: ``ssm-incidents-mock moto-server`` on a free loopback port, ``npm ci``."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def moto_server(*options: str) -> Iterator[str]:
    """``ssm-incidents-mock moto-server`` (moto's server with both services) as a subprocess; yields its URL."""
    port = free_port()
    command = [sys.executable, "-m", "ssm_incidents_mock", "moto-server", "-H", "127.0.0.1", "-p", str(port), *options]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "moto's server did not start"
                assert process.poll() is None, "moto's server exited"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def npm_ci(directory: Path, installed: Path) -> None:
    """``npm ci`` in ``directory`` from its committed lockfile, unless ``installed`` already exists."""
    if installed.exists():
        return
    npm = shutil.which("npm")
    assert npm is not None, f"npm is needed for the tests in {directory.name}"
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=directory, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
