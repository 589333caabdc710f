"""`sims register --csv` with a row naming a fleet the account does not have: that SIM is not registered and
then reported failed (it was: claimed, then the fleet refused, so the report said "failed" of a SIM now in the
account); the row is refused before it is sent, as the app's CSV preview refuses it."""

from __future__ import annotations

import json
from pathlib import Path

from supersim_tui.simulator import Simulator
from supersim_tui.simulator.seed import registrable_examples

from .conftest import Run


def test_a_row_naming_an_unknown_fleet_is_not_registered(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """Two rows: one into fleet 'no-such-fleet', one into lab-bench. The first is never sent (its SIM stays
    unregistered) and its outcome names the fleet and says what to do; the second registers into lab-bench;
    exit 1 (one row could not be done)."""
    (a, code_a), (b, code_b) = registrable_examples(simulator.state, 2)
    path = tmp_path / "box.csv"
    path.write_text(f"iccid,registration_code,fleet\n{a},{code_a},no-such-fleet\n{b},{code_b},lab-bench\n")
    code, out, _ = run("sims", "register", "--csv", str(path), "--yes", "--json")
    assert code == 1
    outcomes = {o["iccid"]: o for o in json.loads(out)["outcomes"]}
    assert a not in simulator.state.sims_by_iccid, "a SIM was registered although its row's fleet does not exist"
    assert outcomes[a]["outcome"] == "invalid" and "no-such-fleet" in outcomes[a]["error"]
    lab = simulator.state.find_fleet("lab-bench")
    assert lab is not None and outcomes[b]["outcome"] == "done"
    assert simulator.state.sims[simulator.state.sims_by_iccid[b]].fleet_sid == lab.sid


def test_register_dry_run_checks_everything_and_sends_nothing(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """`sims register --dry-run` (DESIGN.md: every command that changes something takes it): the rows are checked
    as a run checks them, the fleets named are looked up, and nothing is registered. A row naming a fleet the
    account does not have is reported invalid; the others planned; exit 0 (nothing was attempted). With --json
    the plan is one document; a bad row is still a usage error (exit 2)."""
    (a, code_a), (b, code_b) = registrable_examples(simulator.state, 2)
    path = tmp_path / "box.csv"
    path.write_text(f"iccid,registration_code,fleet\n{a},{code_a},no-such-fleet\n{b},{code_b},lab-bench\n")
    code, out, err = run("sims", "register", "--csv", str(path), "--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["dry_run"] is True
    items = {i["iccid"]: i for i in plan["items"]}
    assert items[a]["outcome"] == "invalid" and "no-such-fleet" in items[a]["error"]
    assert items[b]["outcome"] == "planned" and items[b]["error"] is None
    assert code_a not in out and code_b not in out, "registration codes are not echoed"
    code, out, err = run("sims", "register", b, code_b, "--fleet", "lab-bench", "--dry-run")
    assert code == 0 and "nothing was sent" in (out + err).lower()
    assert a not in simulator.state.sims_by_iccid and b not in simulator.state.sims_by_iccid
    assert not [r for r in simulator.request_log if r.method == "POST"]
    code, _, err = run("sims", "register", b[:-1], code_b, "--dry-run")
    assert code == 2 and "iccid" in err.lower()
