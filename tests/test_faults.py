"""Fault corpus: every CLI command against every way a server can misbehave (tests/faultserver.py).

Each case runs the real ``cli.main`` in-process against an in-process fake API and proves the
command ends, in bounded time, with the tool's own message and exit code: no traceback, no
"Task exception was never retrieved", no terminal control characters from the server reaching
the terminal. Deadlines are tiny here so the whole corpus runs in seconds.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from supersim_tui import cli
from supersim_tui.api import BasicAuth, RetryPolicy, SuperSimClient
from supersim_tui.commands import session as session_module

from .faultserver import BASE, BEHAVIOURS, ICCID, SIM_SIDS, FaultServer

COMMANDS: dict[str, list[str]] = {
    "status": ["status"],
    "status-json": ["status", "--json"],
    "status-fleet": ["status", "--fleet", "fleet-one"],
    "fleets": ["fleets", "list"],
    "fleets-json": ["fleets", "list", "--json"],
    "naps": ["naps", "list"],
    "nap-networks": ["naps", "networks", "nap-one"],
    "networks": ["networks", "list"],
    "sims": ["sims", "list"],
    "sims-limit": ["sims", "list", "--limit", "5"],
    "sims-json": ["sims", "list", "--json"],
    "sims-csv": ["sims", "list", "--csv"],
    "show-sid": ["sims", "show", SIM_SIDS[0]],
    "show-iccid": ["sims", "show", ICCID],
    "set-status-dry": ["sims", "set-status", "--dry-run", SIM_SIDS[0], "inactive"],
    "rename-fleet-dry": ["sims", "rename", "--fleet", "fleet-one", "--pattern", "x-{n}", "--dry-run"],
}
# Commands that read no second page of any list (a fault on page 2 never reaches them).
ONE_PAGE = {"set-status-dry"}
# Commands that read only single records, no list at all.
NO_LIST = {"set-status-dry"}

# What each behaviour must end with: (exit code, a pattern the message must match).
FAILED = 1
EXPECTED: dict[str, tuple[int, str]] = {
    "drip": (FAILED, r"in time|within"),
    "drip-second-page": (FAILED, r"in time|within"),
    "endless": (FAILED, r"pages"),
    "endless-sims": (FAILED, r"pages"),
    "endless-empty": (FAILED, r"empty pages"),
    "same-link": (FAILED, r"same page link"),
    "off-host": (FAILED, r"another host"),
    "downgrade": (FAILED, r"another host"),
    "html": (FAILED, r"Expected JSON"),
    "html-500": (FAILED, r"HTTP 500"),
    "truncated": (FAILED, r"not valid JSON"),
    "empty": (FAILED, r"not valid JSON"),
    "wrong-shape": (FAILED, r"does not match"),
    "401": (FAILED, r"credentials"),
    "401-mid-walk": (FAILED, r"credentials"),
    "403": (FAILED, r"Forbidden"),
    "429-absurd": (FAILED, r"Too many requests"),
    "429-nan": (FAILED, r"Too many requests"),
    "503": (FAILED, r"Service unavailable"),
    "reset": (FAILED, r"Could not complete"),
    "reset-mid-walk": (FAILED, r"Could not complete"),
    "refused": (FAILED, r"Could not connect"),
    "huge": (FAILED, r"Expected JSON"),
    "hostile-names": (0, r""),
    "hostile-error": (FAILED, r"Bad value"),
}
assert set(EXPECTED) == set(BEHAVIOURS)

RESPONSE_SECONDS = 0.1
HANG_GUARD_SECONDS = 20.0
# Terminal control: ESC, C0 controls but newline/tab, DEL, C1 controls, bidi overrides.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")
CRASH_MARKS = ("Traceback", "Task exception", "never retrieved", "was destroyed but it is pending")

Run = Callable[..., tuple[int, str, str, FaultServer]]


def expected(command: str, behaviour: str) -> tuple[int, str]:
    code, pattern = EXPECTED[behaviour]
    if behaviour == "endless-sims":  # only the SIM listing never ends
        if command in (
            "sims-limit",
            "fleets",
            "fleets-json",
            "naps",
            "nap-networks",
            "networks",
            "show-sid",
            "show-iccid",
            "set-status-dry",
        ):
            return 0, r""  # --limit 5 stops the walk; the others never list SIMs past one
        return FAILED, r"pages"
    if command in ONE_PAGE and behaviour in (
        "endless-sims",
        "drip-second-page",
        "401-mid-walk",
        "reset-mid-walk",
        "endless",
        "endless-empty",
        "same-link",
        "off-host",
        "downgrade",
    ):
        return 0, r""
    return code, pattern


@pytest.fixture(scope="module", autouse=True)
def _quick_gc() -> Iterator[None]:
    """Each case collects garbage (to hear of never-retrieved tasks); freezing what exists keeps that cheap."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()
    gc.collect()  # now, not as a pause in whichever test runs next


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Run:
    """Run the CLI in a thread (a hang fails the test instead of blocking the suite) against a FaultServer."""
    caplog.set_level(logging.WARNING)

    def invoke(behaviour: str, *argv: str) -> tuple[int, str, str, FaultServer]:
        server = FaultServer(behaviour)

        async def no_wait(seconds: float) -> None:
            return None

        def fake_session(args: object) -> session_module.Session:
            client = SuperSimClient(
                BasicAuth("AC" + "0" * 32, "token"),
                base_url=BASE,
                transport=server,
                page_size=50,
                retry=RetryPolicy(attempts=2, total_seconds=0.5, sleep=no_wait),
            )
            # Tiny deadlines (set as attributes so this file also runs against older clients).
            client.response_timeout = RESPONSE_SECONDS
            client.walk_timeout = 1.0
            client.command_timeout = 3.0
            client.max_pages = 30
            return session_module.Session(client, "AC" + "0" * 32, False)

        monkeypatch.setattr(session_module, "open_session", fake_session)
        result: list[int] = []

        def main() -> None:
            try:
                result.append(cli.main(list(argv)))
            except SystemExit as exit_:  # argparse
                result.append(exit_.code if isinstance(exit_.code, int) else 2)

        thread = threading.Thread(target=main, daemon=True)
        thread.start()
        thread.join(HANG_GUARD_SECONDS)
        assert not thread.is_alive(), f"{argv} against {behaviour!r} hung for {HANG_GUARD_SECONDS} s"
        gc.collect()  # "Task exception was never retrieved" is logged when the task is collected
        out, err = capsys.readouterr()
        err += caplog.text
        return result[0], out, err, server

    return invoke


@pytest.mark.parametrize("behaviour", sorted(BEHAVIOURS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_fault_ends_in_a_clear_message(run: Run, command: str, behaviour: str) -> None:
    """The command ends quickly with its exit code and message; nothing raw reaches the terminal."""
    started = time.monotonic()
    code, out, err, server = run(behaviour, *COMMANDS[command])
    elapsed = time.monotonic() - started
    want_code, pattern = expected(command, behaviour)
    for mark in CRASH_MARKS:
        assert mark not in out + err, f"{mark!r} printed:\n{err[-3000:]}"
    assert code == want_code, f"exit {code}, expected {want_code}; stderr:\n{err[-2000:]}"
    if pattern:
        assert re.search(pattern, err), f"expected /{pattern}/ in stderr:\n{err[-2000:]}"
        assert err.startswith("supersim-tui: ") or "\nsupersim-tui: " in err
    assert not CONTROL.search(out), f"control characters on stdout: {out[:500]!r}"
    assert not CONTROL.search(err), f"control characters on stderr: {err[:500]!r}"
    assert elapsed < 5.0, f"took {elapsed:.1f} s"
    assert server.requests < 300, f"{server.requests} requests"  # max_pages 30 per walk, 7 walks in parallel


def test_ok_server_baseline(run: Run) -> None:
    """The fake server's normal behaviour works for every command (so failures above are the faults')."""
    for name, argv in COMMANDS.items():
        code, out, err, _ = run("ok", *argv)
        assert code == 0, (name, err)
        assert out or name.endswith("-dry"), name
