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
    assert lab is not None and outcomes[b]["outcome"] == "registered"
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


async def _registered_and_named(simulator: Simulator, iccid: str, code: str, fleet: str, name: str) -> None:
    from .conftest import instant_client

    client = instant_client(simulator)
    sid = (await client.register_sim(iccid, code)).sid
    await client.update_sim(sid, fleet=fleet, unique_name=name)
    await client.aclose()


def test_a_row_for_a_sim_already_in_the_account_keeps_its_fleet_and_name(
    run: Run, simulator: Simulator, tmp_path: Path
) -> None:
    """The rule the app's register queue follows, in the CLI too: a SIM already in the account (a box scanned
    again) gets only what it lacks. A row naming another fleet and name for "roof-7" in eu-trackers does not move it
    (another NAP: its service could change) nor rename it; the outcome says it was already in the account and what
    was kept. A fresh SIM in the same file gets the row's fleet and name."""
    import asyncio

    (old, old_code), (new, new_code) = registrable_examples(simulator.state, 2)
    eu, lab = simulator.state.find_fleet("eu-trackers"), simulator.state.find_fleet("lab-bench")
    assert eu is not None and lab is not None
    asyncio.run(_registered_and_named(simulator, old, old_code, eu.sid, "roof-7"))
    path = tmp_path / "box.csv"
    path.write_text(
        f"iccid,registration_code,fleet,unique_name\n{old},{old_code},lab-bench,box-1\n{new},{new_code},lab-bench,box-2\n"
    )
    code, out, _ = run("sims", "register", "--csv", str(path), "--yes", "--json")
    assert code == 0, out
    outcomes = {o["iccid"]: o for o in json.loads(out)["outcomes"]}
    kept = simulator.state.sims[simulator.state.sims_by_iccid[old]]
    assert (kept.unique_name, kept.fleet_sid) == ("roof-7", eu.sid)
    note = outcomes[old]["error"] or ""  # (a registered outcome's note is in its error field)
    assert outcomes[old]["outcome"] == "registered" and "already in this account" in note and "roof-7" in note, outcomes
    assert outcomes[old]["label"] == "roof-7"  # its name, not the row's "box-1", which it did not get
    code, out, _ = run("sims", "register", old, old_code, "--fleet", "lab-bench", "--unique-name", "box-9", "--yes")
    assert code == 0 and f"{old}: already in this account; kept its fleet and its name 'roof-7'" in out, out
    fresh = simulator.state.sims[simulator.state.sims_by_iccid[new]]
    assert (fresh.unique_name, fresh.fleet_sid) == ("box-2", lab.sid)


def test_register_says_registered_as_the_app_does_with_each_sims_sid(
    run: Run, simulator: Simulator, tmp_path: Path
) -> None:
    """One vocabulary (QA session 13): a registered SIM's outcome is the word the app's register screen shows,
    ``registered``, not the bulk runs' ``done``, in the text counts and in --json (outcome and counts).
    Each outcome carries the SIM's SID (``sid``, as ``sims list`` names it), for a SIM registered now and for one
    that was already in this account."""
    import asyncio

    from supersim_tui.ops.register_queue import REGISTERED

    (a, code_a), (b, code_b), (c, code_c) = registrable_examples(simulator.state, 3)
    code, out, err = run("sims", "register", a, code_a, "--yes")
    assert code == 0, err
    assert out.splitlines()[0] == f"{REGISTERED} 1" and "done" not in out, out
    asyncio.run(_registered_and_named(simulator, b, code_b, simulator.state.find_fleet("lab-bench").sid, "old-b"))  # type: ignore[union-attr]
    path = tmp_path / "box.csv"
    path.write_text(f"iccid,registration_code\n{b},{code_b}\n{c},{code_c}\n")
    code, out, err = run("sims", "register", "--csv", str(path), "--yes", "--json")
    assert code == 0, err
    document = json.loads(out)
    assert document["counts"] == {REGISTERED: 2}, document["counts"]
    by_iccid = {o["iccid"]: o for o in document["outcomes"]}
    for iccid in (b, c):
        assert by_iccid[iccid]["outcome"] == REGISTERED
        assert by_iccid[iccid]["sid"] == simulator.state.sims_by_iccid[iccid], by_iccid[iccid]
    assert "already in this account" in (by_iccid[b]["error"] or "")


def test_register_without_yes_does_not_say_it_is_registering(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """Without --yes and without a terminal, `sims register --csv` of 3 SIMs refused after printing "Registering 3
    SIM(s)": nothing may claim to register before it is allowed to. It says what would be registered and how to
    confirm (--yes, or --dry-run to check first), exit 2, and nothing is sent."""
    rows = registrable_examples(simulator.state, 3)
    path = tmp_path / "box.csv"
    path.write_text("iccid,registration_code\n" + "".join(f"{i},{c}\n" for i, c in rows))
    code, out, err = run("sims", "register", "--csv", str(path))
    assert code == 2 and out == ""
    assert "Registering" not in err, err
    assert f"3 SIMs from {path} would be registered" in err and "--yes" in err and "nothing was sent" in err, err
    assert not [r for r in simulator.request_log if r.method == "POST"]


def test_register_dry_run_says_a_sim_already_here_is_registered(run: Run, simulator: Simulator) -> None:
    """A dry run of an ICCID already in this account said `planned`, as if it would be registered; it reads the
    account as the run decides (GET /v1/Sims?Iccid=…) and says it is already registered here, with its SID, as a
    real run ends. A fresh ICCID is still planned; nothing is sent (no POST)."""
    import asyncio

    (old, old_code), (new, new_code) = registrable_examples(simulator.state, 2)
    asyncio.run(_registered_and_named(simulator, old, old_code, simulator.state.find_fleet("lab-bench").sid, "r-1"))  # type: ignore[union-attr]
    simulator.request_log.clear()
    code, out, err = run("sims", "register", old, old_code, "--dry-run")
    assert code == 0, err
    assert out.split()[:2] == [old, "registered"] and "already in this account" in out, out
    assert "0 SIMs would be registered" in err and "1 already in this account" in err, err
    code, out, err = run("sims", "register", old, old_code, "--dry-run", "--json")
    item = json.loads(out)["items"][0]
    assert item["outcome"] == "registered" and item["sid"] == simulator.state.sims_by_iccid[old], item
    code, out, err = run("sims", "register", new, new_code, "--dry-run", "--json")
    assert json.loads(out)["items"][0]["outcome"] == "planned"
    assert not [r for r in simulator.request_log if r.method == "POST"]
    assert any(r.path == "/v1/Sims" and f"Iccid={old}" in r.query for r in simulator.request_log)


def test_a_name_already_taken_leaves_the_sim_registered_in_its_fleet_and_says_the_name_was_not_set(
    run: Run, simulator: Simulator, tmp_path: Path
) -> None:
    """A row with a fleet and a unique name another SIM has: the SIM was registered, then one update with both
    was refused for the name (83011), so the SIM stayed without its fleet and the outcome said `failed` (with the
    name's error only), of a SIM now in the account. As the register screen does (one rule): the fleet is set,
    the outcome is `registered` and says the name was not set and why."""
    from supersim_tui.ops.register_queue import REGISTERED

    (a, code_a), (b, code_b) = registrable_examples(simulator.state, 2)
    taken = next(s.unique_name for s in simulator.state.sims.values() if s.unique_name)
    lab = simulator.state.find_fleet("lab-bench")
    assert lab is not None and taken
    path = tmp_path / "box.csv"
    path.write_text(f"iccid,registration_code,fleet,unique_name\n{a},{code_a},lab-bench,{taken}\n{b},{code_b},,\n")
    code, out, err = run("sims", "register", "--csv", str(path), "--yes", "--json")
    outcomes = {o["iccid"]: o for o in json.loads(out)["outcomes"]}
    sim = simulator.state.sims[simulator.state.sims_by_iccid[a]]
    assert sim.fleet_sid == lab.sid, "the SIM was left without its fleet"
    assert outcomes[a]["outcome"] == REGISTERED, outcomes[a]
    assert f"name {taken!r} not set" in outcomes[a]["error"] and "already exists" in outcomes[a]["error"]
    assert code == 0, err

    code, out, err = run("sims", "register", "--csv", str(path), "--yes")  # the text says it too
    assert f"name {taken!r} not set" in out + err
