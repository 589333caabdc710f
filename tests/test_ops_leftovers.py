"""Leftovers of the ops split (issue 13), each a behaviour checked against the simulator or the files on disk:
a deleted SIM while re-reading, resume reading each SIM once, {n} numbers read back through format specs, plan
temporary files a killed run left, and ``sims resume`` with nothing to do."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from supersim_tui.api import SuperSimClient
from supersim_tui.ops.bulk import FAILED, Change
from supersim_tui.ops.current import read_current
from supersim_tui.ops.journal import Journal, runs_dir
from supersim_tui.ops.name_numbers import highest_number
from supersim_tui.ops.names import format_unique_name
from supersim_tui.simulator import Simulator

from .conftest import Run


def _remove_from_account(simulator: Simulator, sid: str) -> None:
    """As if the SIM had been deleted (moved to another account): the API answers 404 for it."""
    simulator.state.sims[sid].account_sid = "AC" + "0" * 32


def _unfinished_run(simulator: Simulator, sids: list[str], change: Change, run_id: str = "run-left") -> Path:
    """A journal whose plan was written and nothing else: a run killed before its first request."""
    items = []
    for sid in sids:
        sim = simulator.state.sims[sid]
        items.append(
            {
                "key": sid,
                "iccid": sim.iccid,
                "label": sim.iccid,
                "status": sim.status,
                "fleet_sid": sim.fleet_sid,
                "action": "send",
                "reason": "",
                "target_name": None,
            }
        )
    header = {
        "kind": change.kind,
        "change": change.to_json(),
        "base_url": "http://127.0.0.1",
        "identity": simulator.config.account_sid,
    }
    journal = Journal.create(run_id, header)
    journal.write_plan(items)
    return journal.path


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _reads_before_sending(simulator: Simulator) -> list[str]:
    """The SIMs read one by one before the first update was sent (later GETs confirm scheduled updates)."""
    reads = []
    for r in simulator.request_log:
        if r.method == "POST":
            break
        if r.method == "GET" and "/Sims/HS" in r.path:
            reads.append(r.path)
    return reads


async def test_read_current_leaves_out_a_deleted_sim(simulator: Simulator, client: SuperSimClient) -> None:
    """Re-reading a few SIMs (one GET each) when one was deleted meanwhile gives the others, not a 404 error."""
    sids = [s.sid for s in list(simulator.state.sims.values())[:3]]
    _remove_from_account(simulator, sids[1])
    assert [s.sid for s in await read_current(client, sids)] == [sids[0], sids[2]]


def test_resume_on_a_terminal_reads_each_sim_once_and_fails_a_deleted_one(
    run: Run, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sims resume` on a terminal plans on the SIMs' current state and sends from that same read: each remaining
    SIM is read once, not twice. A SIM deleted since the run started fails with a clear reason (exit 1); the
    others are changed."""
    inactive = [s.sid for s in simulator.state.sims.values() if s.status == "inactive"][:4]
    assert len(inactive) == 4
    _unfinished_run(simulator, inactive, Change(status="active"))
    _remove_from_account(simulator, inactive[0])
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    simulator.request_log.clear()
    code, out, err = run("sims", "resume", "--json")
    assert code == 1, err
    reads = _reads_before_sending(simulator)
    assert len(reads) == 4 and len(set(reads)) == 4, f"each SIM read once: {reads}"
    outcomes = {o["key"]: o for o in json.loads(out)["outcomes"]}
    assert outcomes[inactive[0]]["outcome"] == FAILED and "no longer in this account" in outcomes[inactive[0]]["error"]
    assert {simulator.state.sims[sid].status for sid in inactive[1:]} == {"active"}


@pytest.mark.parametrize("pattern", ["door-{n:04}", "s{n:_>4}", "x{n:^6}x", "u{last4}-{n:<3}", "unit {n:3d}"])
def test_highest_number_reads_names_made_with_format_specs(pattern: str) -> None:
    """Names a pattern with a padded {n} made are read back to their numbers, so new ones continue after them."""
    names = [format_unique_name(pattern, iccid="8988307000000000012", n=n) for n in (7, 12, 3)]
    assert highest_number(pattern, names) == 12


def test_a_new_run_removes_plan_files_a_killed_run_left(run: Run, simulator: Simulator) -> None:
    """A plan temporary file whose writer is gone (killed while writing its plan) is removed when the next run
    starts; one a live process is still writing is left alone."""
    folder = runs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    dead = folder / ".old-run.jsonl.999999999.tmp"
    dead.write_text('{"type":"run"}\n')
    live = folder / f".busy-run.jsonl.{os.getpid()}.tmp"
    live.write_text('{"type":"run"}\n')
    inactive = next(s for s in simulator.state.sims.values() if s.status == "inactive")
    code, _, err = run("sims", "activate", inactive.iccid, "--yes")
    assert code == 0, err
    assert not dead.exists() and live.exists()


def test_resume_with_nothing_left_exits_0(run: Run) -> None:
    """`sims resume` with no unfinished run is not a usage error: it says there is nothing to resume, exit 0."""
    code, _, err = run("sims", "resume")
    assert code == 0 and "nothing to resume" in err.lower()


def test_resume_of_a_finished_run_exits_0(run: Run, simulator: Simulator) -> None:
    """Resuming a run that already finished says so and sends nothing (exit 0)."""
    inactive = next(s for s in simulator.state.sims.values() if s.status == "inactive")
    code, _, err = run("sims", "activate", inactive.iccid, "--yes", "--json")
    assert code == 0, err
    run_id = next(runs_dir().glob("*.jsonl")).stem
    simulator.request_log.clear()
    code, _, err = run("sims", "resume", run_id)
    assert code == 0 and "nothing to resume" in err.lower(), err
    assert [r for r in simulator.request_log if r.method == "POST"] == []
