"""Nothing lost, nothing done twice, nothing called done that was not: corrupted journals, incomplete
plans, retries of failed items, duplicates in a selection, a server that ignores the Iccid filter,
credentials refused mid-run, overlapping runs, run ids that are paths, a corrupt registration queue.
Headless commands run in-process against the simulator; outcomes are read from its state and log."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path

import httpx
import pytest

from supersim_tui import cli
from supersim_tui.api import BasicAuth, RetryPolicy, SuperSimClient
from supersim_tui.api.models import Sim, SimStatus
from supersim_tui.commands import session as session_module
from supersim_tui.ops.bulk import Change, plan_change
from supersim_tui.ops.journal import AccountLock, Journal, runs_dir
from supersim_tui.ops.register_queue import REGISTERED, Entry, RegistrationQueue
from supersim_tui.simulator import Simulator, asgi_transport

from .conftest import instant_client

BASE_URL = "http://127.0.0.1"


class Gate(httpx.AsyncBaseTransport):
    """The simulator behind a gate that can misbehave: ignore the Iccid filter, or refuse every request
    (401) once ``refuse_after_posts`` POSTs have gone through."""

    def __init__(self, sim: Simulator):
        self.inner = asgi_transport(sim)
        self.ignore_iccid = False
        self.ignore_status = False
        self.refuse_after_posts: int | None = None
        self.posts = 0
        self.posts_after_refusal = 0
        self.refusing = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.ignore_iccid and "Iccid" in request.url.params:
            request.url = request.url.copy_remove_param("Iccid")
        if self.ignore_status and request.method == "GET" and "Status" in request.url.params:
            request.url = request.url.copy_remove_param("Status")
        if request.method == "POST":
            if self.refusing:
                self.posts_after_refusal += 1
            self.posts += 1
            if self.refuse_after_posts is not None and self.posts > self.refuse_after_posts:
                self.refusing = True
        if self.refusing:
            return httpx.Response(401, json={"code": 20003, "message": "Authenticate", "status": 401}, request=request)
        return await self.inner.handle_async_request(request)


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def gate(simulator: Simulator) -> Gate:
    simulator.config.settle_seconds = 0.0
    return Gate(simulator)


@pytest.fixture
def run(simulator: Simulator, gate: Gate, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI against the simulator (through the gate); returns (exit code, stdout, stderr)."""

    def fake_session(args: object) -> session_module.Session:
        client = instant_client(simulator, transport=gate, page_size=1000, base_url=BASE_URL)
        return session_module.Session(client, simulator.config.account_sid, False)

    monkeypatch.setattr(session_module, "open_session", fake_session)

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return invoke


def posts(sim: Simulator) -> list[str]:
    return [r.path for r in sim.request_log if r.method == "POST" and 200 <= r.status < 300]


def active(sim: Simulator, count: int) -> list[str]:
    return [s.sid for s in sim.state.sims.values() if s.status == "active"][:count]


@pytest.fixture
def planned_run(simulator: Simulator) -> Iterator[tuple[Journal, list[str]]]:
    """A journaled run to deactivate 6 active SIMs, killed right after its plan was written."""
    sims = [simulator.state.sims[sid] for sid in active(simulator, 6)]
    objects = [
        Sim(sid=s.sid, iccid=s.iccid, status=SimStatus(s.status), fleet_sid=s.fleet_sid, unique_name=s.unique_name)
        for s in sims
    ]
    plan = plan_change(objects, Change(status="inactive"))
    records = [
        {
            "type": "run",
            "run_id": "run-cut",
            "created": "2026-12-01T10:00:00+00:00",
            "kind": "set-status",
            "change": plan.change.to_json(),
            "base_url": BASE_URL,
            "count": 6,
        },
        *({"type": "item", **asdict(item)} for item in plan.items),
        {"type": "planned", "count": 6},
    ]
    path = runs_dir() / "run-cut.jsonl"  # written by hand, as the journal format is documented
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    yield Journal(path), [s.sid for s in sims]


CORRUPTIONS = {
    "corrupt middle line": (b'{"type":"done","key":', "not a JSON record"),
    "null": (b"null", "expected a JSON object, found NoneType"),
    "a list": (b"[1, 2]", "expected a JSON object, found list"),
    "not UTF-8": (b"\xff\xfe\x00", "not UTF-8 text"),
    "unknown field": (b'{"type":"finished","surprise":1}', "unknown field 'surprise'"),
    "wrong type": (b'{"type":"start","key":5}', "wrong type"),
    "unknown record": (b'{"type":"teleport"}', "unknown record type"),
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_a_bad_line_stops_resume_naming_path_and_line(
    name: str, run: Run, simulator: Simulator, planned_run: tuple[Journal, list[str]]
) -> None:
    """A line resume cannot read stops it (exit 1) with the journal's path and line number and sends
    nothing; `sims runs` still lists every run, the bad one marked unreadable."""
    journal, sids = planned_run
    bad, message = CORRUPTIONS[name]
    lines = journal.path.read_bytes().split(b"\n")
    lines.insert(3, bad)  # after the header and two items: a middle line
    journal.path.write_bytes(b"\n".join(lines))
    (runs_dir() / "run-good.jsonl").write_text(
        '{"type":"run","run_id":"run-good","kind":"set-status","change":{"status":"active"},"count":0}\n'
        '{"type":"planned","count":0}\n{"type":"finished"}\n'
    )
    before = len(posts(simulator))

    code, out, err = run("sims", "resume", "run-cut")
    assert code == 1
    assert f"{journal.path}, line 4" in err and message in err and "Nothing was sent" in err
    assert len(posts(simulator)) == before
    code, out, err = run("sims", "runs", "--json")
    listed = {r["run_id"]: r for r in json.loads(out)}
    assert code == 0 and listed["run-cut"]["state"] == "unreadable" and "line 4" in listed["run-cut"]["problem"]
    assert listed["run-good"]["state"] == "finished"


def test_a_torn_last_line_is_the_interrupted_write(
    run: Run, simulator: Simulator, planned_run: tuple[Journal, list[str]]
) -> None:
    """A last line without its newline (the write a kill cut) is passed over; the item it was about is
    re-checked like every unfinished one: all SIMs end inactive, each changed once."""
    journal, sids = planned_run
    with journal.path.open("ab") as handle:
        handle.write(f'{{"type":"done","key":"{sids[0]}","outcome":"do'.encode())
    code, out, err = run("sims", "resume", "run-cut", "--json", "--yes")
    assert code == 0, err
    assert json.loads(out)["counts"] == {"done": 6}
    assert all(simulator.state.sims[s].status == "inactive" for s in sids)
    assert Counter(posts(simulator)) == {f"/v1/Sims/{s}": 1 for s in sids}


def test_an_incomplete_plan_is_refused_not_finished(
    run: Run, simulator: Simulator, planned_run: tuple[Journal, list[str]]
) -> None:
    """A journal whose plan was cut short (header says 6 items, 2 recorded, no 'planned' line) is never
    called finished: resume refuses with exit 1, says how many items are unaccounted for and that nothing
    more was sent; `sims runs` says so too."""
    journal, sids = planned_run
    lines = journal.path.read_bytes().split(b"\n")
    journal.path.write_bytes(b"\n".join(lines[:3]) + b"\n")  # header + 2 items
    code, out, err = run("sims", "resume", "run-cut")
    assert code == 1
    assert "4 of 6 items unaccounted for" in err and "nothing more was sent" in err
    assert posts(simulator) == []
    code, out, err = run("sims", "resume")  # the newest unfinished run: the same refusal, never "done"
    assert code == 1 and "unaccounted for" in err
    code, out, _ = run("sims", "runs")
    assert "plan incomplete" in out


def test_resume_retries_failed_retryable_items(run: Run, simulator: Simulator) -> None:
    """Items that failed with 429 (retryable) are what the advised `sims resume RUN` finishes: it sends them
    again and they end inactive; before, it said '0 of N items left' and changed nothing."""
    sids = active(simulator, 5)
    simulator.force_faults(*["429"] * 25, method="POST")  # 5 tries each: every SIM fails retryably
    code, out, err = run("sims", "set-status", *sids, "inactive", "--yes", "--json", "--concurrency", "1")
    report = json.loads(out)
    assert code == 1 and report["counts"] == {"failed": 5}
    code, out, err = run("sims", "resume", report["run_id"], "--json", "--yes")
    resumed = json.loads(out)
    assert code == 0, err
    assert resumed["counts"] == {"done": 5} and resumed["resume"]["sent"] == 5
    assert "re-checked 5" in err
    assert all(simulator.state.sims[s].status == "inactive" for s in sids)


def test_a_sim_named_twice_is_one_item(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """The same SIM by ICCID and by SID is one item; the plan says a SIM was named twice; one POST; a
    rename with {n} numbers it 1."""
    sid = active(simulator, 1)[0]
    sim = simulator.state.sims[sid]
    listing = tmp_path / "sims.txt"
    listing.write_text(f"{sim.iccid}\n{sid}\n")
    code, out, err = run("sims", "set-status", "inactive", "--iccid-file", str(listing), "--yes", "--json")
    assert code == 0 and json.loads(out)["counts"] == {"done": 1}
    assert "1 named more than once" in err and "1 will be changed" in err
    assert posts(simulator) == [f"/v1/Sims/{sid}"]
    code, out, err = run("sims", "rename", "--pattern", "x-{n}", "--iccid-file", str(listing), "--yes")
    assert code == 0 and simulator.state.sims[sid].unique_name == "x-1"


def test_a_server_that_ignores_the_iccid_filter(run: Run, simulator: Simulator, gate: Gate) -> None:
    """When the server returns another SIM than the ICCID asked for, the command fails naming both and
    nothing is sent; `sims show` does not show the wrong SIM."""
    sid = active(simulator, 5)[-1]
    iccid = simulator.state.sims[sid].iccid
    gate.ignore_iccid = True
    code, out, err = run("sims", "set-status", iccid, "inactive", "--yes")
    assert code == 1 and iccid in err and "nothing was changed" in err
    assert posts(simulator) == []
    code, out, err = run("sims", "show", iccid)
    assert code == 1 and iccid in err and out == ""


def test_a_server_that_ignores_the_status_filter(run: Run, simulator: Simulator, gate: Gate) -> None:
    """A selection by --from-status whose listing comes back with other SIMs is refused: nothing is sent."""
    gate.ignore_status = True
    code, out, err = run("sims", "set-status", "inactive", "--from-status", "active", "--yes")
    assert code == 1 and "with status active" in err and "nothing was changed" in err
    assert posts(simulator) == []


async def test_the_register_queue_keeps_an_entry_when_credentials_are_refused(simulator: Simulator, gate: Gate) -> None:
    """401 while registering from the app's queue is not the entry's fault: it waits (to be retried after
    logging in again), it is not failed for good, and it stays in the saved queue."""
    from supersim_tui.ops.register_queue import WAITING, queue_path
    from supersim_tui.simulator.seed import registrable_examples

    iccid, code = registrable_examples(simulator.state, 1)[0]
    gate.refuse_after_posts = 0
    client = SuperSimClient(
        BasicAuth(simulator.config.account_sid, simulator.config.auth_token),
        base_url=BASE_URL,
        transport=gate,
        retry=RetryPolicy(attempts=1),
    )
    queue = RegistrationQueue.open(queue_path())
    queue.add(Entry(iccid, code))
    async with client:
        await queue._register(client, queue.entries[iccid])
    assert queue.entries[iccid].status == WAITING and "log in again" in queue.entries[iccid].detail
    assert RegistrationQueue.open(queue_path()).pending[0].iccid == iccid


def test_credentials_refused_mid_run_stop_sending(run: Run, simulator: Simulator, gate: Gate) -> None:
    """401 after 10 changes (of about 30): sending stops at once (no more than the requests already in flight), the rest
    is not-sent, the message says to log in and resume; after that the resume finishes it, nothing twice."""
    sids = active(simulator, 60)
    assert len(sids) >= 25
    gate.refuse_after_posts = 10
    code, out, err = run("sims", "set-status", *sids, "inactive", "--yes", "--json", "--concurrency", "4")
    report = json.loads(out)
    assert code == 1
    assert gate.posts_after_refusal <= 4, gate.posts_after_refusal
    assert report["counts"]["not-sent"] >= len(sids) - 10 - 4, report["counts"]
    assert report["counts"].get("failed", 0) == 0 and "done" not in report["counts"], report["counts"]
    assert "credentials were refused" in err and "login" in err and f"sims resume {report['run_id']}" in err
    gate.refusing, gate.refuse_after_posts = False, None  # logged in again
    code, out, err = run("sims", "resume", report["run_id"], "--json", "--yes")
    assert code == 0, err
    assert json.loads(out)["counts"] == {"done": len(sids)}
    assert all(simulator.state.sims[s].status == "inactive" for s in sids)
    assert Counter(posts(simulator)) == {f"/v1/Sims/{s}": 1 for s in sids}


def test_a_second_run_on_the_account_refuses(run: Run, simulator: Simulator) -> None:
    """While another live run holds the account's lock, a second one refuses (exit 1) naming that run and
    its pid, sending nothing; a stale lock file (its process gone) is taken over."""
    import os

    lock = AccountLock(BASE_URL, simulator.config.account_sid)
    lock.acquire("run-other")
    try:
        sid = active(simulator, 1)[0]
        code, out, err = run("sims", "set-status", sid, "inactive", "--yes")
        assert code == 1 and "run run-other" in err and f"pid {os.getpid()}" in err
        assert posts(simulator) == []
    finally:
        lock.release()
    lock.path.write_text('{"pid": 999999, "run_id": "run-dead"}')  # left by a process that died
    code, out, err = run("sims", "set-status", sid, "inactive", "--yes")
    assert code == 0 and simulator.state.sims[sid].status == "inactive"


@pytest.mark.parametrize("run_id", ["../../outside", "..", "a/b", "/etc/passwd", "x.jsonl"])
def test_run_ids_are_not_paths(run_id: str, run: Run, tmp_path: Path) -> None:
    """A run id with path parts is bad usage (exit 2); nothing is written outside the runs folder."""
    code, out, err = run("sims", "resume", run_id)
    assert code == 2 and ("is not a run id" in err or "expected a run id" in err)
    assert not runs_dir().exists() or list(runs_dir().iterdir()) == []


def test_a_corrupt_register_queue_line_is_reported_and_the_rest_kept(tmp_path: Path) -> None:
    """One unreadable line of the TUI's registration queue is reported with file and line; the other entries
    are kept (the app starts)."""
    path = tmp_path / "register-queue.jsonl"
    good = Entry("89883071111691270856", "GS6YPJRY3Q")
    done = Entry("89883071111691270864", "YDRU5NWQZB", status=REGISTERED, detail="HS1")
    path.write_text(json.dumps(asdict(good)) + "\n" + '{"iccid": 5}\n' + "null\n" + json.dumps(asdict(done)) + "\n")
    queue = RegistrationQueue.open(path)
    assert set(queue.entries) == {good.iccid, done.iccid}
    assert [p.split(": ", 1)[0] for p in queue.problems] == [f"{path}, line 2", f"{path}, line 3"]


def test_resume_without_a_terminal_asks_for_yes_like_a_new_run(
    run: Run, simulator: Simulator, planned_run: tuple[Journal, list[str]]
) -> None:
    """`sims resume RUN` with no terminal and no --yes (a cron job, a pipe) is refused like the same change started
    anew, exit 2 and nothing sent: it deactivated a run the user had stopped, without asking. With --yes it runs."""
    _, sids = planned_run
    code, _, err = run("sims", "resume", "run-cut")
    assert code == 2 and "without --yes" in err, err
    assert posts(simulator) == []
    code, _, err = run("sims", "resume", "run-cut", "--yes")
    assert code == 0, err
    assert all(simulator.state.sims[s].status == "inactive" for s in sids)


def test_sims_runs_into_a_reader_that_goes_away_stops_quietly(
    run: Run, planned_run: tuple[Journal, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sims runs | head -1`: the command stops without a word once its reader has gone (it said "internal error
    (BrokenPipeError): this is a bug")."""
    from .test_commands import _ClosedAfter

    monkeypatch.setattr("sys.stdout", _ClosedAfter(0))
    code, _, err = run("sims", "runs")
    assert code == 1 and err == "", err


def test_sims_runs_says_why_a_run_stopped_after_a_colon_not_in_parentheses_around_its_own(
    run: Run, simulator: Simulator, planned_run: tuple[Journal, list[str]]
) -> None:
    """A run the API stopped: `sims runs` said "interrupted (the API could not be reached (Could not connect …);
    …)", parentheses around the reason's own (QA qa13); now "interrupted: the API could not be reached (…) …"."""
    journal, _sids = planned_run
    reason = "the API could not be reached (Could not connect to http://127.0.0.1:9); check the connection"
    with journal.path.open("a") as file:
        file.write(json.dumps({"type": "interrupted", "reason": reason}) + "\n")
    code, out, _ = run("sims", "runs")
    assert code == 0 and f"interrupted: {reason}" in out, out
