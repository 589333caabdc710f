"""A bulk run killed with SIGKILL part-way is finished by `sims resume`, and the
simulator's own record shows that no SIM was changed twice. Real processes, loopback only."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.loopback import loopback_simulator

ACCOUNT = "AC" + "cd" * 16
TOKEN = "kill-test-token"


@pytest.fixture
def loopback() -> Iterator[str]:
    with loopback_simulator(
        "--sims", "600", "--seed", "11", "--latency-ms", "25", "--settle-seconds", "0.3", account=ACCOUNT, token=TOKEN
    ) as url:
        yield url


def _get(url: str) -> Any:
    request = urllib.request.Request(url)
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _active_sids(url: str) -> set[str]:
    return {s["sid"] for s in _get(f"{url}/v1/Sims?Status=active&PageSize=1000")["sims"]}


def test_sigkill_then_resume(loopback: str, tmp_path: Path) -> None:
    """Deactivate every active SIM, SIGKILL the run part-way, resume: all end inactive, none changed twice."""
    env = dict(
        os.environ,
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN=TOKEN,
        XDG_STATE_HOME=str(tmp_path / "state"),
        HOME=str(tmp_path),
    )
    targets = _active_sids(loopback)
    assert len(targets) > 200
    command = [
        sys.executable,
        "-m",
        "supersim_tui",
        "sims",
        "set-status",
        "inactive",
        "--from-status",
        "active",
        "--yes",
        "--concurrency",
        "4",
        "--base-url",
        loopback,
    ]
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs = tmp_path / "state" / "supersim-tui" / "runs"
    deadline = time.monotonic() + 60
    killed_after = 0
    while time.monotonic() < deadline and run.poll() is None:
        journals = list(runs.glob("*.jsonl")) if runs.exists() else []
        if journals:
            killed_after = journals[0].read_text().count('"type":"sent"')
            if killed_after >= 60:
                os.kill(run.pid, signal.SIGKILL)
                break
        time.sleep(0.02)
    assert run.wait(timeout=10) == -signal.SIGKILL, "the run finished before it could be killed"
    still_active = _active_sids(loopback) & targets
    assert still_active, "some SIMs were left for the resume"

    resumed = subprocess.run(
        [sys.executable, "-m", "supersim_tui", "sims", "resume", "--json", "--yes", "--base-url", loopback],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout[-3000:]
    result = json.loads(resumed.stdout)
    assert result["counts"] == {"done": len(targets)}
    assert not (_active_sids(loopback) & targets)
    changes = _get(f"{loopback}/_simulator/changes")["changes"]
    per_sim = Counter(c["sid"] for c in changes if c["what"] == "status")
    assert set(per_sim) == targets
    assert max(per_sim.values()) == 1, [sid for sid, n in per_sim.items() if n > 1]
