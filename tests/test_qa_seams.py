"""Seams between the merged pieces, found by trying the tool as a user: documented argument orders, one
run-id rule, one error format."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import httpx
import pytest

from supersim_tui import cli
from supersim_tui.api import BasicAuth, RetryPolicy, SuperSimClient
from supersim_tui.commands import session as session_module
from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.simulator.seed import registrable_examples

from .conftest import Run, instant_client


def test_set_status_takes_the_status_first_as_documented(run: Run, simulator: Simulator) -> None:
    """README: `sims set-status STATUS ICCID...`. The status given first is the status, not an ICCID."""
    sims = [s for s in simulator.state.sims.values() if s.status == "active"][:2]
    code, _, err = run("sims", "set-status", "inactive", *(s.iccid for s in sims), "--yes")
    assert code == 0, err
    assert {simulator.state.sims[s.sid].status for s in sims} == {"inactive"}


def test_set_status_with_the_status_last_still_works(run: Run, simulator: Simulator) -> None:
    """The order scripts may already use (ICCIDs, then the status) keeps working."""
    sim = next(s for s in simulator.state.sims.values() if s.status == "active")
    code, _, err = run("sims", "set-status", sim.iccid, "inactive", "--yes")
    assert code == 0, err
    assert simulator.state.sims[sim.sid].status == "inactive"


@pytest.mark.parametrize("run_id", ["a.b", "..", "x" * 65, "-x", "a/b"])
def test_a_bad_run_id_is_one_usage_error_from_the_parser(run: Run, run_id: str) -> None:
    """One run-id rule (the journal's): whatever it refuses, the argument parser refuses, exit 2."""
    code, _, err = run("sims", "resume", run_id, "--yes")
    assert code == 2
    assert ("argument run_id" in err or "unrecognized arguments" in err) and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ("sims", "set-status", "--fleet", "eu-trackers", "--from-status", "active"),
        ("sims", "set-status", "active", "inactive", "--fleet", "eu-trackers"),
    ],
)
def test_set_status_needs_exactly_one_status(run: Run, simulator: Simulator, argv: tuple[str, ...]) -> None:
    """No status, or two, is a usage error naming STATUS; nothing is sent."""
    code, _, err = run(*argv, "--yes")
    assert code == 2 and "STATUS" in err and "Traceback" not in err
    assert not [r for r in simulator.request_log if r.method == "POST"]


class Outage(httpx.AsyncBaseTransport):
    """The simulator, until ``down_after_posts`` POSTs have gone through; then nothing answers (connection
    refused), as when the server is stopped mid-run. Counts the requests tried while it is down."""

    def __init__(self, sim: Simulator, down_after_posts: int):
        self.inner = asgi_transport(sim)
        self.down_after_posts = down_after_posts
        self.posts = 0
        self.down = False
        self.tried_while_down = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            self.tried_while_down += 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if request.method == "POST":
            self.posts += 1
            self.down = self.posts >= self.down_after_posts
        return await self.inner.handle_async_request(request)


def _outage_session(simulator: Simulator, outage: Outage, monkeypatch: pytest.MonkeyPatch) -> None:
    simulator.config.settle_seconds = 0.0

    def fake_session(args: object) -> session_module.Session:
        client = instant_client(simulator, transport=outage, page_size=1000)
        return session_module.Session(client, simulator.config.account_sid, False)

    monkeypatch.setattr(session_module, "open_session", fake_session)


def test_an_api_that_goes_away_mid_registration_stops_it(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """register --csv of 20 SIMs, the server stops after 4 requests that change something: the run stops after a
    few rows fail to connect, the rest is not-sent, the message says how to resume; resume registers every SIM."""
    outage = Outage(simulator, down_after_posts=4)
    _outage_session(simulator, outage, monkeypatch)
    rows = registrable_examples(simulator.state, 20)
    csv = tmp_path / "box.csv"
    csv.write_text("iccid,registration_code\n" + "".join(f"{iccid},{code}\n" for iccid, code in rows))
    code = cli.main(["sims", "register", "--csv", str(csv), "--yes", "--json", "--concurrency", "1"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 1 and "Traceback" not in err
    assert report["counts"].get("not-sent", 0) >= 10, report["counts"]
    assert outage.tried_while_down <= 40, outage.tried_while_down  # 3 rows, each tried 5 times (+ look-ups)
    assert "could not be reached" in err and f"sims resume {report['run_id']}" in err
    outage.down, outage.down_after_posts = False, 10**9
    code = cli.main(["sims", "resume", report["run_id"], "--json", "--yes"])
    out, err = capsys.readouterr()
    assert code == 0, err
    owned = {s.iccid for s in simulator.state.sims.values()}
    assert all(iccid in owned for iccid, _ in rows)


def test_an_api_that_goes_away_mid_run_stops_the_run(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server stops after 5 of 25 changes: the run stops after a few items fail to connect (it does not try
    every remaining SIM in turn, which took 10 minutes for 289 SIMs), the rest is not-sent, the message says the
    API cannot be reached and how to resume; once it is back, resume finishes the run, nothing sent twice."""
    simulator.config.settle_seconds = 0.0
    outage = Outage(simulator, down_after_posts=5)

    def fake_session(args: object) -> session_module.Session:
        async def no_wait(seconds: float) -> None:
            return None

        client = SuperSimClient(
            BasicAuth(simulator.config.account_sid, simulator.config.auth_token),
            base_url="http://127.0.0.1",
            transport=outage,
            page_size=1000,
            retry=RetryPolicy(sleep=no_wait),
        )
        return session_module.Session(client, simulator.config.account_sid, False)

    monkeypatch.setattr(session_module, "open_session", fake_session)
    sids = [s.sid for s in simulator.state.sims.values() if s.status == "active"][:25]
    assert len(sids) == 25
    code = cli.main(["sims", "set-status", "inactive", *sids, "--yes", "--json", "--concurrency", "2"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 1 and "Traceback" not in err
    assert report["counts"].get("not-sent", 0) >= 10, report["counts"]
    # 3 items (2 at a time) that could not connect, then one read each of the SIMs already accepted; 5 tries each
    assert outage.tried_while_down <= 45, outage.tried_while_down
    assert "could not be reached" in err and f"sims resume {report['run_id']}" in err
    outage.down = False
    outage.down_after_posts = 10**9
    code = cli.main(["sims", "resume", report["run_id"], "--json", "--yes"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert all(simulator.state.sims[s].status == "inactive" for s in sids)
    changed = [r.path for r in simulator.request_log if r.method == "POST" and 200 <= r.status < 300]
    assert Counter(changed) == {f"/v1/Sims/{s}": 1 for s in sids}


class Hostile(httpx.AsyncBaseTransport):
    """A server whose every error message carries terminal escape sequences (set the title, colour)."""

    def __init__(self, status: int):
        self.status = status

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            self.status,
            json={"code": 20001, "status": self.status, "message": "\x1b]0;pwned\x07bad\x1b[31m red\x9b2J"},
            request=request,
        )


@pytest.mark.parametrize("argv", [("status",), ("sims", "list"), ("fleets", "list"), ("sims", "show", "HS" + "0" * 32)])
@pytest.mark.parametrize("status", [400, 500])
def test_server_text_in_errors_never_reaches_the_terminal_raw(
    argv: tuple[str, ...], status: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whichever way an API error reaches the user (a command's own handler, or the last-resort handler after
    parallel work failed), the server's message passes printable(): no ESC, BEL or C1 byte is printed."""

    def fake_session(args: object) -> session_module.Session:
        async def no_wait(seconds: float) -> None:
            return None

        client = SuperSimClient(
            BasicAuth("AC" + "0" * 32, "token"),
            base_url="http://127.0.0.1",
            transport=Hostile(status),
            retry=RetryPolicy(attempts=1, sleep=no_wait),
        )
        return session_module.Session(client, "AC" + "0" * 32, False)

    monkeypatch.setattr(session_module, "open_session", fake_session)
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "bad" in err and "Traceback" not in err
    assert not any(ch in out + err for ch in "\x1b\x07\x9b"), repr(err)


def test_a_keymap_value_that_is_not_keys_is_reported_and_falls_back(tmp_path: Path) -> None:
    """`"f5,"` (an empty key in the list) and a value carrying an escape sequence are not keys: each is reported
    with the file and key and falls back to its default; a good entry beside them is kept."""
    from supersim_tui.settings import load_settings

    path = tmp_path / "settings.toml"
    path.write_text(
        '[keymap]\n"tab.sims" = "s"\n"app.refresh" = "f5,"\n"app.help" = "\\u001b[31m"\n"app.catalog" = "ctrl+k, f2"\n'
    )
    settings = load_settings(path)
    assert settings.keymap == {"tab.sims": "s", "app.catalog": "ctrl+k, f2"}
    problems = "\n".join(settings.problems)
    assert "keymap.app.refresh" in problems and "keymap.app.help" in problems and str(path) in problems
    assert "\x1b" not in problems


def test_a_run_in_progress_is_listed_as_running_not_interrupted() -> None:
    """While a live process holds the account's lock for a run, `sims runs` shows it as running (with the pid),
    and it is not picked as "the newest unfinished run" to resume or offered by the app as interrupted; once
    the lock is released (the process ended), the same journal reads as interrupted again."""
    import os

    from supersim_tui.ops.journal import AccountLock, find_run, list_runs, runs_dir

    runs_dir().mkdir(parents=True, exist_ok=True)
    records = [
        {
            "type": "run",
            "run_id": "run-live",
            "created": "2026-12-01T10:00:00+00:00",
            "kind": "set-status",
            "change": {"status": "inactive"},
            "base_url": "http://127.0.0.1",
            "identity": "AC1",
            "count": 1,
        },
        {
            "type": "item",
            "key": "HS" + "1" * 32,
            "iccid": "8988307000068772277" + "5",
            "label": "x",
            "status": "active",
            "fleet_sid": None,
            "action": "send",
            "reason": "",
        },
        {"type": "planned", "count": 1},
    ]
    (runs_dir() / "run-live.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    lock = AccountLock("http://127.0.0.1", "AC1")
    lock.acquire("run-live")
    try:
        (state,) = list_runs()
        assert state.describe() == f"running (pid {os.getpid()})"
        assert find_run(None) is None
    finally:
        lock.release()
    (state,) = list_runs()
    assert state.describe() == "interrupted"
    found = find_run(None)
    assert found is not None and found[1].run_id == "run-live"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to tell a zombie")
def test_a_run_whose_process_was_killed_is_not_listed_as_running(tmp_path: Path) -> None:
    """A run killed with kill -9 whose parent has not collected it yet (a zombie: it runs no more, its lock is
    released) is not "running (pid …)" in ``sims runs``; the lock file still names it, as a killed run's does."""
    import os
    import subprocess
    import sys
    import time

    from supersim_tui.ops.journal import _running_runs

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        for _ in range(200):  # bounded: 10 s for it to exit (not collected: no wait(), no poll())
            stat = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if stat == "Z":
                break
            time.sleep(0.05)
        assert stat == "Z"
        (tmp_path / "account-x.lock").write_text(json.dumps({"run_id": "run-killed", "pid": child.pid}))
        (tmp_path / "account-y.lock").write_text(json.dumps({"run_id": "run-live", "pid": os.getpid()}))
        assert _running_runs(tmp_path) == {"run-live": os.getpid()}
    finally:
        child.wait()


def test_resume_without_a_run_id_finishes_this_accounts_run(run: Run, simulator: Simulator) -> None:
    """With a newer interrupted run of another API (another profile, another simulator) in the runs folder,
    `sims resume` with no run id finishes the newest run made against this one, instead of refusing."""
    from supersim_tui.ops.journal import runs_dir

    sim = next(s for s in simulator.state.sims.values() if s.status == "active")

    def journal(run_id: str, base_url: str) -> None:
        records = [
            {
                "type": "run",
                "run_id": run_id,
                "created": "2026-12-01T10:00:00+00:00",
                "kind": "set-status",
                "change": {"status": "inactive"},
                "base_url": base_url,
                "count": 1,
            },
            {
                "type": "item",
                "key": sim.sid,
                "iccid": sim.iccid,
                "label": sim.iccid,
                "status": "active",
                "fleet_sid": sim.fleet_sid,
                "action": "send",
                "reason": "",
            },
            {"type": "planned", "count": 1},
        ]
        (runs_dir() / f"{run_id}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))

    runs_dir().mkdir(parents=True, exist_ok=True)
    journal("20261201-100000-aaaaaa", "http://127.0.0.1")
    journal("20261201-110000-bbbbbb", "http://127.0.0.1:9999")  # newer, another API
    code, _, err = run("sims", "resume", "--yes")
    assert code == 0, err
    assert "20261201-100000-aaaaaa" in err
    assert simulator.state.sims[sim.sid].status == "inactive"


@pytest.mark.parametrize(
    "argv",
    [
        ("sims", "list", "--fleet", "eu-tracker"),
        ("sims", "set-status", "inactive", "--fleet", "eu-tracker", "--from-status", "active", "--dry-run"),
    ],
)
def test_a_fleet_selector_naming_no_fleet_says_so(run: Run, argv: tuple[str, ...]) -> None:
    """A typo in --fleet is not an empty listing (exit 0) or "the selection matches no SIMs": the message
    names the fleet that does not exist, exit 2."""
    code, out, err = run(*argv)
    assert code == 2, (out, err)
    assert "no fleet 'eu-tracker' in this account" in err
