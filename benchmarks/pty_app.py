"""Drive a Textual app on a real pseudo-terminal (pexpect) and time what reaches the screen.

Timing a method (``_show()``, ``row_count > 0``) stops before Textual lays out and paints;
a person sees the bytes written to the terminal. Each figure here is the time from an
action (process start, a key sent) until a given text appears in what the app wrote to its
terminal: the frame that shows it has been painted.

The app runs in its own process with its own home and config directories and no keyring,
signed in from the environment to a loopback simulator. Its bytecode (and the baseline apps') is compiled
first, as ``pip install`` compiles an installed package: this checkout is installed in editable mode, and
with ``PYTHONDONTWRITEBYTECODE`` set (as on the machines these benchmarks run on) every start would
otherwise compile each of the app's ~100 modules from source, ~0.1-0.3 s of CPU that no installed copy
pays, while Textual's own modules (the baseline's) come compiled from their wheel.
"""

from __future__ import annotations

import compileall
import contextlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect  # type: ignore[import-untyped]

from .loopback import ACCOUNT, TOKEN

SIZE = (36, 120)  # rows, columns
CSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]")


def app_env(home: str, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SUPERSIM_", "KORE_"))}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        HOME=home,
        XDG_CONFIG_HOME=f"{home}/config",
        XDG_DATA_HOME=f"{home}/data",
        XDG_STATE_HOME=f"{home}/state",
        XDG_CACHE_HOME=f"{home}/cache",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        TEXTUAL_ANIMATIONS="none",
    )
    if url is not None:
        env.update(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_AUTH_TOKEN=TOKEN, SUPERSIM_BASE_URL=url)
    return env


class Terminal:
    """One app on a pty: send keys, wait for text, read its peak memory."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default: the moment sent is ours
        self.started = time.perf_counter()
        self._seen = b""  # what the app wrote, escape sequences removed, since the last mark

    def send(self, keys: str) -> float:
        """Send keys (raw bytes as the terminal would: "\\x1b[F" is End); the moment they were sent (taken before the
        write: on a busy machine the app may run, and answer, before this process is scheduled again)."""
        at = time.perf_counter()
        self.child.send(keys)
        return at

    def wait_for(self, text: str, timeout: float = 60.0) -> float:
        """Read until ``text`` shows in what was written (escape sequences ignored); the moment it did."""
        wanted = text.encode()
        deadline = time.monotonic() + timeout
        while True:
            if wanted in self._seen:
                at = time.perf_counter()
                self._seen = self._seen[self._seen.index(wanted) + len(wanted) :]
                return at
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{text!r} did not appear within {timeout:g} s")
            try:
                chunk = self.child.read_nonblocking(1 << 16, timeout=min(left, 0.5))
            except pexpect.TIMEOUT:
                continue
            self._seen = (self._seen + CSI.sub(b"", chunk))[-(1 << 20) :]

    def wait_for_all(self, texts: list[str], timeout: float = 60.0) -> float:
        """Read until every one of ``texts`` has shown since the last mark (in any order); the moment the last did."""
        deadline = time.monotonic() + timeout
        while True:
            if all(text.encode() in self._seen for text in texts):
                at = time.perf_counter()
                self._seen = b""
                return at
            left = deadline - time.monotonic()
            if left <= 0:
                missing = [text for text in texts if text.encode() not in self._seen]
                raise TimeoutError(f"{missing!r} did not appear within {timeout:g} s; seen {self._seen[-300:]!r}")
            try:
                chunk = self.child.read_nonblocking(1 << 16, timeout=min(left, 0.5))
            except pexpect.TIMEOUT:
                continue
            self._seen = (self._seen + CSI.sub(b"", chunk))[-(1 << 20) :]

    def type_keys(self, text: str, answers: list[str], before: str) -> list[float]:
        """Type ``text`` a key at a time; for each key, the seconds until the field shows what was typed so far and,
        if it changed, ``answers[i]`` (the screen's answer to that key, such as a count; ``before``: what it said
        before the first key). Before each key the app has been quiet a while and what it wrote is forgotten, so
        nothing painted for an earlier key is taken for this one's answer."""
        times = []
        for end, answer in enumerate(answers, start=1):
            self.drain(0.2)
            sent = self.send(text[end - 1])
            wanted = [text[:end]] + ([answer] if answer != before else [])
            times.append(self.wait_for_all(wanted, timeout=10) - sent)
            before = answer
        return times

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the app has written nothing for ``quiet`` seconds; forget what was read."""
        while True:
            try:
                self.child.read_nonblocking(1 << 16, timeout=quiet)
            except pexpect.TIMEOUT:
                break
        self._seen = b""

    def peak_mb(self) -> float:
        """The app process's peak resident memory (VmHWM), in MB."""
        for line in Path(f"/proc/{self.child.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")


_compiled: list[bool] = []


def compile_bytecode() -> None:
    """The app's and the baseline apps' bytecode, compiled once per run (see the module's docstring)."""
    if not _compiled:
        import supersim_tui

        for package in (Path(supersim_tui.__file__).parent, Path(__file__).parent):
            compileall.compile_dir(package, quiet=1)
        _compiled.append(True)


@contextmanager
def terminal(argv: list[str], url: str | None = None, home: str | None = None) -> Iterator[Terminal]:
    """Start ``python argv...`` on a pty of :data:`SIZE`, in a home of its own (``home``: that one, kept: what an
    earlier start left there, such as the app's cache, is found)."""
    compile_bytecode()
    with contextlib.ExitStack() as stack:
        if home is None:
            home = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-home-"))
        child = pexpect.spawn(
            sys.executable, argv, env=app_env(home, url), dimensions=SIZE, timeout=60, cwd=os.getcwd()
        )
        try:
            yield Terminal(child)
        finally:
            child.terminate(force=True)


def open_sims_tab(term: Terminal, timeout: float = 60.0) -> None:
    """Press 3 once, as a person would, at any time after launch (a key typed before the main screen is up
    goes to it once it is: tests/test_tui_bursts.py); wait until the SIMs tab is shown (its filter bar's
    "ICCID/name"), then until its table has rows (the "Status" column header, hidden while the table loads):
    the table then has the focus, so the keys sent next reach it."""
    term.send("3")
    term.wait_for("ICCID", timeout=timeout)
    term.wait_for("Status", timeout=timeout)


KEYS = {"end": "\x1b[F", "home": "\x1b[H", "escape": "\x1b", "enter": "\r"}
