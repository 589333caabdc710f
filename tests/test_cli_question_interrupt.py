"""Ctrl+C at a command's question (``Register 2 SIMs from box.csv? [y/N]``, ``To confirm, type 169:``) cancels at
once, as answering no does. It did nothing until Enter: the question reads the terminal inside asyncio's loop,
whose own SIGINT handler only cancels the command once the read returns."""

from __future__ import annotations

import os
import pty
import select
import sys
import time
from pathlib import Path

from supersim_tui.simulator import Simulator, SimulatorConfig
from supersim_tui.simulator.seed import registrable_examples


def read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    """What the terminal shows until ``wanted`` appears or the program ends (bounded)."""
    shown = b""
    deadline = time.monotonic() + seconds
    while wanted not in shown and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the program ended: the terminal is closed
                break
            if not chunk:
                break
            shown += chunk
    return shown


def test_ctrl_c_at_the_question_cancels_at_once_and_nothing_is_sent(tmp_path: Path) -> None:
    rows = registrable_examples(Simulator(SimulatorConfig(sims=300, seed=1)).state, 2)  # the demo account's
    path = tmp_path / "box.csv"
    path.write_text("iccid,registration_code\n" + "".join(f"{iccid},{code}\n" for iccid, code in rows))
    pid, fd = pty.fork()
    if pid == 0:  # the command, on a terminal of its own
        os.execv(
            sys.executable, [sys.executable, "-m", "supersim_tui", "sims", "register", "--demo", "--csv", str(path)]
        )
    try:
        shown = read_until(fd, b"[y/N]", 30)
        assert b"Register 2 SIMs" in shown, shown
        os.write(fd, b"\x03")  # Ctrl+C: the terminal sends SIGINT
        shown = read_until(fd, b"nothing was changed", 10)
        assert b"cancelled" in shown and b"nothing was changed" in shown, shown
        for _ in range(100):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the command did not end after Ctrl+C")
        assert os.waitstatus_to_exitcode(status) == 2
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
