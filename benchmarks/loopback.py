"""Start the simulator as a separate process on 127.0.0.1 (its own CPU, real sockets)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

ACCOUNT = "AC" + "be" * 16
TOKEN = "bench-token"


@contextmanager
def loopback_simulator(*options: str) -> Iterator[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "supersim_tui",
            "simulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--account-sid",
            ACCOUNT,
            "--auth-token",
            TOKEN,
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError("the simulator did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
