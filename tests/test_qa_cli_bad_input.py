"""Headless commands given something the account does not have (QA round hqa3): every one says so in one line
naming it, with exit 2 (bad input), as the other lookups do; never the API's raw 404 with exit 1."""

from __future__ import annotations

from supersim_tui.simulator import Simulator

from .conftest import Run


def test_naps_networks_of_a_nap_the_account_lacks_is_bad_input(run: Run) -> None:
    """``naps networks nosuch`` exits 2 with "no NAP 'nosuch' in this account", like ``fleets list --nap nosuch``
    and ``naps rename nosuch``; stdout stays empty (nothing for --json to parse)."""
    for args in (("naps", "networks", "nosuch"), ("naps", "networks", "nosuch", "--json")):
        code, out, err = run(*args)
        assert code == 2, err
        assert out == ""
        assert "no NAP 'nosuch' in this account" in err
        assert "20404" not in err and "Traceback" not in err


def test_set_status_with_a_word_that_is_no_status_names_the_statuses(run: Run) -> None:
    """``sims set-status bogus ICCID`` (or ``Active``) says the status is not one of ready, active, inactive
    (exit 2), instead of calling the word a malformed ICCID; a bad ICCID after a good status is still named as
    an ICCID."""
    for word in ("bogus", "Active", "deactivate"):
        code, out, err = run("sims", "set-status", word, "89883070000687722775", "--yes")
        assert code == 2 and out == ""
        last = err.strip().splitlines()[-1]
        assert f"'{word}'" in last and "ready, active or inactive" in last, last
        assert "ICCID must contain only" not in last
    code, _, err = run("sims", "set-status", "active", "8988307000068772277x", "--yes")
    assert code == 2 and "ICCID" in err.strip().splitlines()[-1]


def test_set_status_with_a_fleet_sid_says_it_is_a_fleet_s(run: Run, tmp_path: object) -> None:
    """A fleet's SID given where SIMs are (pasted for the fleet's SIMs, on the command line or in an ICCID file)
    is named as a fleet SID, with how a fleet's SIMs are chosen; it said "ICCID must contain only the digits"."""
    from pathlib import Path

    fleet = "HFed038db4de38378426d0b944a2863a7f"
    listed = Path(str(tmp_path)) / "iccids.txt"
    listed.write_text(f"{fleet}\n")
    for args in (("active", fleet), ("active", "--iccid-file", str(listed))):
        code, out, err = run("sims", "set-status", *args, "--yes")
        assert code == 2 and out == "", err
        last = err.strip().splitlines()[-1]
        assert "a fleet SID, not a SIM's" in last and "--fleet" in last, last
        assert "digits" not in last


def test_a_fleet_or_nap_name_where_sims_are_expected_is_named_as_such(run: Run, simulator: Simulator) -> None:
    """``sims set-status active field-sensors`` (a fleet's unique name where SIMs go) said "ICCID must contain only
    the digits…". It is named as a fleet, with the option the command has for a fleet's SIMs (--fleet); a NAP's
    name, or its SID, as a NAP; exit 2, nothing sent. The name is looked up only after it is found not to be a
    SIM's: one SIM request, then a bounded diagnosis (the fleet, then the NAP, by that name), never a listing."""
    simulator.request_log.clear()
    code, out, err = run("sims", "set-status", "active", "field-sensors", "--yes")
    assert code == 2 and out == "", err
    last = err.strip().splitlines()[-1]
    assert "field-sensors is a fleet, not a SIM" in last and "--fleet field-sensors" in last, last
    assert "digits" not in err
    looked = [(r.method, r.path) for r in simulator.request_log]
    assert looked == [("GET", "/v1/Sims/field-sensors"), ("GET", "/v1/Fleets/field-sensors")], looked
    code, out, err = run("sims", "move", "global", "--to-fleet", "lab-bench", "--yes")
    last = err.strip().splitlines()[-1]
    assert code == 2 and "global is a NAP, not a SIM" in last, last
    nap = next(n for n in simulator.state.naps.values() if n.unique_name == "global")
    code, out, err = run("sims", "activate", nap.sid, "--yes")
    last = err.strip().splitlines()[-1]
    assert code == 2 and "a NAP SID, not a SIM's" in last, last
    code, out, err = run("sims", "show", "field-sensors")
    last = err.strip().splitlines()[-1]
    assert code == 2 and "field-sensors is a fleet, not a SIM" in last and "sims list --fleet field-sensors" in last
    code, out, err = run("sims", "set-status", "active", "no-such-thing", "--yes")
    assert code == 2 and "no-such-thing" in err and "not in this account" in err, err
    assert not [r for r in simulator.request_log if r.method == "POST"]


def test_a_sims_unique_name_still_works_where_sims_are_expected(run: Run, simulator: Simulator) -> None:
    """SIMs are addressed by unique name too: ``sims set-status inactive <name>`` changes that SIM (the bulk
    commands took ICCIDs and SIDs only, so a name was "ICCID must contain only the digits")."""
    sim = next(s for s in simulator.state.sims.values() if s.status == "active" and s.unique_name)
    code, out, err = run("sims", "set-status", "inactive", sim.unique_name, "--yes")
    assert code == 0, err
    assert simulator.state.sims[sim.sid].status == "inactive"


def test_tables_stay_aligned_with_wide_characters() -> None:
    """A name with an emoji or CJK characters (two columns each on a terminal) keeps the columns after it
    aligned in a command's table: every row's second column starts at the same screen column."""
    import io

    from rich.cells import cell_len

    from supersim_tui.commands.output import table

    out = io.StringIO()
    table(["fleet", "sid"], [["📡sat", "HF1"], ["eu-trackers", "HF2"], ["東京", "HF3"]], out)
    starts = {cell_len(line[: line.index("HF")]) for line in out.getvalue().splitlines()[1:]}
    assert len(starts) == 1, out.getvalue()


def test_a_name_in_an_iccid_file_says_names_go_as_arguments(run: Run, simulator: Simulator, tmp_path: object) -> None:
    """A SIM's unique name in --iccid-file said only "ICCID must contain only the digits" (QA qa13): the file takes
    ICCIDs and SIDs, and the message now says where names go. Nothing is sent."""
    from pathlib import Path

    listed = Path(str(tmp_path)) / "iccids.txt"
    listed.write_text("us-meters-00001\n")
    simulator.request_log.clear()
    code, out, err = run("sims", "set-status", "inactive", "--iccid-file", str(listed), "--yes")
    assert code == 2 and out == "", err
    assert "line 1" in err and "give SIMs by unique name as arguments" in err, err
    assert [r for r in simulator.request_log if r.method != "GET"] == []
