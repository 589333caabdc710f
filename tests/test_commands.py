"""Headless commands: human and JSON output, exit codes (0 ok, 1 some failed, 2 bad input),
refusals, and what actually changed in the simulator."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from supersim_tui import cli
from supersim_tui.commands import session as session_module
from supersim_tui.simulator import Simulator
from supersim_tui.simulator.seed import registrable_examples

from .conftest import Run, instant_client


def posts(sim: Simulator) -> list[str]:
    return [r.path for r in sim.request_log if r.method == "POST"]


def test_status_counts_match_the_account(run: Run, simulator: Simulator) -> None:
    """status --json counts every SIM once, by fleet and status, plus SIMs without a fleet."""
    code, out, _ = run("status", "--json")
    assert code == 0
    data = json.loads(out)
    state = simulator.state
    for fleet in data["fleets"]:
        expected = {
            s: sum(1 for x in state.sims.values() if x.fleet_sid == fleet["sid"] and x.status == s)
            for s in ("new", "ready", "active", "inactive", "scheduled")
        }
        assert fleet["sims"] == expected
    assert data["sims_total"] == len(state.sims)
    assert data["sims_without_fleet"]["new"] == sum(
        1 for x in state.sims.values() if x.fleet_sid is None and x.status == "new"
    )
    code, human, _ = run("status")
    assert code == 0 and "eu-trackers" in human and f"Total: {len(state.sims):,} SIMs" in human


def test_sims_list_limit_zero_is_a_usage_error(run: Run, simulator: Simulator) -> None:
    """README says --limit N stops after N SIMs: 0 (or less) is refused as bad usage (exit 2) naming the flag
    and what it expects, and nothing is listed; --limit 1 lists exactly one SIM."""
    code, out, err = run("sims", "list", "--limit", "0", "--json")
    assert code == 2 and out == "", out
    assert "--limit" in err and "1 or more" in err and "Traceback" not in err, err
    code, out, _ = run("sims", "list", "--limit", "1", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_listing_commands(run: Run, simulator: Simulator) -> None:
    """sims list (json, csv, filters), fleets/naps/networks lists show the account's records."""
    code, out, _ = run("sims", "list", "--status", "active", "--json")
    listed = json.loads(out)
    assert code == 0 and {s["sid"] for s in listed} == {
        s.sid for s in simulator.state.sims.values() if s.status == "active"
    }
    code, out, _ = run("sims", "list", "--csv", "--limit", "5")
    rows = out.strip().splitlines()
    assert rows[0].startswith("iccid,sid,") and len(rows) == 6
    code, out, _ = run("networks", "list", "--country", "DE")
    assert code == 0 and "Telekom" in out and "262-01" in out
    code, out, _ = run("naps", "networks", "us-only", "--json")
    assert {n["friendly_name"] for n in json.loads(out)} >= {"AT&T", "T-Mobile"}
    code, out, _ = run("fleets", "list")
    assert code == 0 and all(str(f.unique_name) in out for f in simulator.state.fleets.values())
    code, out, _ = run("naps", "list")
    assert code == 0 and "uk-ie" in out and "- (no fleet)" in out


def test_show_sim_by_iccid_and_bad_input(run: Run, simulator: Simulator) -> None:
    """show finds a SIM by ICCID; a wrong check digit or an unknown ICCID is exit 2 with a reason."""
    target = next(s for s in simulator.state.sims.values() if s.status == "active")
    code, out, _ = run("sims", "show", target.iccid)
    assert code == 0 and target.sid in out and "IP addresses" in out and "Data used" in out
    code, out, _ = run("sims", "show", target.iccid, "--json")
    assert json.loads(out)["sim"]["sid"] == target.sid
    bad = target.iccid[:-1] + str((int(target.iccid[-1]) + 1) % 10)
    code, _, err = run("sims", "show", bad)
    assert code == 2 and "check digit" in err
    code, _, err = run("sims", "show", "89883070000000000016")
    assert code == 2 and "no SIM with ICCID" in err


def test_mutation_needs_yes_without_a_terminal(run: Run, simulator: Simulator) -> None:
    """With no terminal to confirm on and no --yes, nothing is sent and the exit code is 2."""
    code, _, err = run("sims", "activate", "--fleet", "eu-trackers", "--from-status", "new")
    assert code == 2 and "--yes" in err
    assert posts(simulator) == []


def test_activate_with_yes(run: Run, simulator: Simulator) -> None:
    """activate --yes --json: every selected SIM ends active; the JSON lists each outcome; exit 0."""
    targets = [s.sid for s in simulator.state.sims.values() if s.status == "new" and s.fleet_sid]
    code, out, _ = run("sims", "activate", "--from-status", "new", "--fleet", "eu-trackers", "--yes", "--json")
    result = json.loads(out)
    eu = simulator.state.find_fleet("eu-trackers")
    assert eu is not None
    expected = {sid for sid in targets if simulator.state.sims[sid].fleet_sid == eu.sid}
    assert code == 0 and result["counts"] == {"done": len(expected)}
    assert {o["key"] for o in result["outcomes"]} == expected
    assert {simulator.state.sims[s].status for s in expected} == {"active"}


def test_invalid_changes_exit_1_and_send_nothing(run: Run, simulator: Simulator) -> None:
    """Asking for ready on active SIMs: each is explained, none is sent, exit 1."""
    code, out, err = run("sims", "set-status", "ready", "--from-status", "active", "--yes")
    assert code == 1 and "ready is only possible from new" in out + err
    assert posts(simulator) == []


def test_dry_run_shows_the_plan(run: Run, simulator: Simulator) -> None:
    """--dry-run --json gives the plan with each SIM's action and changes nothing."""
    code, out, _ = run("sims", "move", "--to-fleet", "lab-bench", "--fleet", "us-meters", "--dry-run", "--json")
    plan = json.loads(out)
    assert code == 0 and plan["dry_run"] is True
    assert {i["action"] for i in plan["items"]} <= {"send", "invalid"}
    assert posts(simulator) == []


def test_iccid_file_with_a_bad_line(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """A bad line in --iccid-file is named (line number and problem) and nothing is sent."""
    good = next(iter(simulator.state.sims.values())).iccid
    path = tmp_path / "iccids.txt"
    path.write_text(f"# box 7\n{good}\n8988307000012345678X\n")
    code, _, err = run("sims", "activate", "--iccid-file", str(path), "--yes")
    assert code == 2 and "line 3" in err and "'X'" in err
    assert posts(simulator) == []


def test_register_csv_rejects_bad_rows_before_sending(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """A malformed CSV names each bad line and field; no registration is sent."""
    ((iccid, code_),) = registrable_examples(simulator.state, 1)
    path = tmp_path / "box.csv"
    path.write_text(f"iccid,registration_code\n{iccid},{code_}\n{iccid[:-1]}0,ABCDEFGHIJ\n{iccid},SHORT\nonly-one\n")
    code, _, err = run("sims", "register", "--csv", str(path), "--yes")
    assert code == 2
    assert "line 3, iccid" in err and "line 4, registration_code" in err and "line 5" in err
    assert posts(simulator) == []


def test_register_csv_mixed_outcomes(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """Good rows register (with fleet and name); a wrong code fails with its reason; one already ours counts as
    done; exit 1 because one failed."""
    (a, code_a), (b, code_b), (c, _code_c) = registrable_examples(simulator.state, 3)
    existing = next(iter(simulator.state.sims.values()))
    wrong = "ZZZZZZZZZ9" if _code_c != "ZZZZZZZZZ9" else "YYYYYYYYY9"
    path = tmp_path / "box.csv"
    path.write_text(
        f"{a},{code_a},lab-bench,door-1\n{b},{code_b}\n{c},{wrong}\n"
        f"{existing.iccid},{simulator.state.registration_code(existing.iccid)}\n"
    )
    code, out, _ = run("sims", "register", "--csv", str(path), "--yes", "--json")
    result = json.loads(out)
    assert code == 1
    by_iccid = {o["iccid"]: o for o in result["outcomes"]}
    assert by_iccid[a]["outcome"] == "registered" and by_iccid[b]["outcome"] == "registered"
    assert by_iccid[c]["outcome"] == "failed" and by_iccid[c]["code"] == 83002
    assert "registration code" in by_iccid[c]["error"]
    assert by_iccid[existing.iccid]["outcome"] == "registered" and "already" in by_iccid[existing.iccid]["error"]
    sim_a = simulator.state.sims[simulator.state.sims_by_iccid[a]]
    assert (sim_a.unique_name, sim_a.fleet_sid) == ("door-1", simulator.state.find_fleet("lab-bench").sid)  # type: ignore[union-attr]
    assert c not in simulator.state.sims_by_iccid


def test_register_single_sim(run: Run, simulator: Simulator) -> None:
    """register ICCID CODE adds the SIM as new (spaces from a label are fine)."""
    ((iccid, code_),) = registrable_examples(simulator.state, 1)
    spaced = " ".join(iccid[i : i + 4] for i in range(0, len(iccid), 4))
    code, out, _ = run("sims", "register", spaced, code_)
    assert code == 0 and "registered 1" in out
    assert simulator.state.sims[simulator.state.sims_by_iccid[iccid]].status == "new"


def test_nothing_to_resume(run: Run) -> None:
    """resume with no journaled run has nothing to do: it says so and succeeds; a run id that does not exist is
    bad usage."""
    code, _, err = run("sims", "resume")
    assert code == 0 and "Nothing to resume" in err
    code, _, err = run("sims", "resume", "no-such-run")
    assert code == 2 and "no run 'no-such-run'" in err


def test_refuses_plain_http_to_a_remote_host(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--base-url http://remote is refused before anything is sent (credentials would travel in clear)."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "tok-should-not-leak")
    code = cli.main(["status", "--base-url", "http://supersim.example.com"])
    err = capsys.readouterr().err
    assert code == 2 and "plain http" in err and "tok-should-not-leak" not in err


def test_no_credentials_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Without credentials a command says which variables to set (or --demo), exit 2."""
    code = cli.main(["fleets", "list"])
    assert code == 2 and "TWILIO_ACCOUNT_SID" in capsys.readouterr().err


def test_settings_apply_to_commands(run: Run, simulator: Simulator) -> None:
    """confirm = "never" lets a mutation run without --yes; an invalid key is reported on stderr."""
    from supersim_tui.settings import settings_path

    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('confirm = "never"\nconcurrency = 0\n')
    code, _, err = run("sims", "move", "--to-fleet", "lab-bench", "--fleet", "us-meters", "--from-status", "inactive")
    assert code == 0, err
    assert "concurrency = 0 is invalid: expected a whole number from 1 to 256" in err
    lab = simulator.state.find_fleet("lab-bench")
    us = simulator.state.find_fleet("us-meters")
    assert lab is not None and us is not None
    assert not [s for s in simulator.state.sims.values() if s.fleet_sid == us.sid and s.status == "inactive"]


def test_rename_command(run: Run, simulator: Simulator) -> None:
    """sims rename sets names from a pattern; a pattern without a varying field is bad input (exit 2)."""
    code, _, err = run("sims", "rename", "--pattern", "kiosk", "--fleet", "apac-kiosks", "--yes")
    assert code == 2 and "same name" in err
    code, out, _ = run("sims", "rename", "--pattern", "kiosk-{last6}", "--fleet", "apac-kiosks", "--yes", "--json")
    assert code == 0, out
    fleet = simulator.state.find_fleet("apac-kiosks")
    assert fleet is not None
    kiosks = [s for s in simulator.state.sims.values() if s.fleet_sid == fleet.sid]
    assert kiosks and all(s.unique_name == f"kiosk-{s.iccid[-6:]}" for s in kiosks)


def test_concurrency_cap_up_to_256_with_a_note_above_100(run: Run) -> None:
    """--concurrency takes up to 256 (an account's plausible allowance), notes above 100 that most accounts
    allow fewer, and refuses more than 256 naming the range."""
    code, _, err = run(
        "sims", "move", "--to-fleet", "lab-bench", "--fleet", "us-meters", "--dry-run", "--concurrency", "200"
    )
    assert code == 0, err
    assert "at most 200 requests in flight is more than most Twilio accounts allow" in err
    code, _, err = run(
        "sims", "move", "--to-fleet", "lab-bench", "--fleet", "us-meters", "--dry-run", "--concurrency", "257"
    )
    assert code == 2 and "expected 1 to 256, got 257" in err


def test_status_fleet_table_counts_have_thousands_separators(
    make_simulator: Callable[..., Simulator], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The human status table prints its counts as the totals line does ("1,234", not "1234"); --json keeps
    plain numbers."""
    simulator = make_simulator(sims=6000)

    def session(args: object) -> session_module.Session:
        return session_module.Session(instant_client(simulator, page_size=1000), simulator.config.account_sid, False)

    monkeypatch.setattr(session_module, "open_session", session)
    assert cli.main(["status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    big = [f for f in data["fleets"] if f["sims_total"] >= 1000]
    assert big and isinstance(big[0]["sims_total"], int)
    assert cli.main(["status"]) == 0
    human = capsys.readouterr().out
    table = human.split("\nTotal:")[0]
    assert not re.search(r"\b\d{4,}\b", table), table
    for fleet in big:
        row = next(line for line in table.splitlines() if line.startswith(fleet["unique_name"] + " "))
        assert row.rstrip().endswith(f"{fleet['sims_total']:,}"), row


class _ClosedAfter:
    """A standard output whose reader goes away (``| head``) after ``lines`` lines: the write that fills the pipe
    then fails, as a closed pipe's does (once: what was buffered is gone)."""

    def __init__(self, lines: int) -> None:
        self.lines = lines

    def write(self, text: str) -> int:
        self.lines -= text.count("\n")
        if self.lines < 0 and self.lines + text.count("\n") >= 0:
            raise BrokenPipeError(32, "Broken pipe")
        return len(text)

    def flush(self) -> None:
        pass

    def fileno(self) -> int:
        import os

        return os.open(os.devnull, os.O_WRONLY)


@pytest.mark.parametrize("argv", [("sims", "list", "--json"), ("sims", "list"), ("status",)])
def test_a_reader_that_goes_away_ends_the_command_quietly(
    argv: tuple[str, ...], simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``supersim-tui sims list --json | head``: once ``head`` has its lines, the command stops without a word, as
    ``status | head`` does and other shell tools do (it said "The listing stopped after 10 SIMs: the output is
    incomplete.", which nobody asked about)."""
    simulator.config.settle_seconds = 0.0
    monkeypatch.setattr(
        session_module,
        "open_session",
        lambda args: session_module.Session(
            instant_client(simulator, page_size=1000), simulator.config.account_sid, False
        ),
    )
    monkeypatch.setattr("sys.stdout", _ClosedAfter(3))
    code = cli.main(list(argv))
    assert code == 1
    assert capsys.readouterr().err == ""
