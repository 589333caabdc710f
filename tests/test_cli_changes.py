"""Headless change commands (issue 18): fleets create|update, naps create|rename|clone|add-network|remove-network,
sims update. Per command: --dry-run sends nothing (the simulator's request log), the --json output has its
documented shape, bad input exits 2 and changes nothing, and the change is what the simulator holds."""

from __future__ import annotations

import json

import pytest

from supersim_tui.simulator import Simulator

from .conftest import Run


def changes_sent(sim: Simulator) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in sim.request_log if r.method in ("POST", "DELETE")]


def nap_named(sim: Simulator, name: str) -> str:
    return next(n.sid for n in sim.state.naps.values() if n.unique_name == name)


def network_sid(sim: Simulator, name: str, country: str) -> str:
    return next(n.sid for n in sim.state.networks.values() if n.friendly_name == name and n.iso_country == country)


# ------------------------------------------------------------------ fleets
def test_fleets_create_sets_every_writable_field(run: Run, simulator: Simulator) -> None:
    """fleets create sends each writable field; the simulator's fleet has them, and --json gives plan + fleet."""
    code, out, err = run(
        "fleets", "create", "--nap", "us-only", "--name", "lab", "--data-limit", "250", "--no-data-enabled",
        "--no-sms-commands", "--sms-commands-url", "https://example.com/sms", "--sms-commands-method", "get",
        "--ip-commands-url", "https://example.com/ip", "--ip-commands-method", "GET", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["dry_run"] is False and data["plan"]["action"] == "create"
    assert {c["field"] for c in data["plan"]["changes"]} >= {"unique_name", "data_enabled", "ip_commands_url"}
    fleet = simulator.state.fleets[data["fleet"]["sid"]]
    assert (fleet.unique_name, fleet.data_limit, fleet.data_enabled, fleet.sms_commands_enabled) == (
        "lab", 250, False, False
    )  # fmt: skip
    assert fleet.sms_commands_url == "https://example.com/sms" and fleet.sms_commands_method == "GET"
    assert fleet.ip_commands_url == "https://example.com/ip" and fleet.ip_commands_method == "GET"
    assert fleet.network_access_profile_sid == nap_named(simulator, "us-only")


def test_fleets_create_dry_run_sends_nothing(run: Run, simulator: Simulator) -> None:
    """--dry-run reads what it needs (the NAP) and sends no POST; --json says dry_run and fleet null."""
    before = len(simulator.state.fleets)
    code, out, err = run("fleets", "create", "--nap", "us-only", "--name", "lab", "--dry-run", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["dry_run"] is True and data["fleet"] is None and "Dry run" in err
    assert changes_sent(simulator) == [] and len(simulator.state.fleets) == before


def test_fleets_taken_name_is_bad_input(run: Run, simulator: Simulator) -> None:
    """A name another fleet has is bad input (exit 2, nothing sent), as for NAPs; keeping a fleet's own name is not."""
    taken = next(iter(simulator.state.fleets.values())).unique_name
    other = next(f for f in simulator.state.fleets.values() if f.unique_name != taken)
    for argv in (
        ("fleets", "create", "--nap", "us-only", "--name", taken, "--yes"),
        ("fleets", "update", other.sid, "--name", taken, "--yes"),
    ):
        code, _, err = run(*argv)
        assert code == 2 and f"a fleet named {taken!r} already exists" in err, (argv, err)
    assert changes_sent(simulator) == []
    code, _, err = run("fleets", "update", other.sid, "--name", other.unique_name, "--data-limit", "77", "--yes")
    assert code == 0 and simulator.state.fleets[other.sid].data_limit == 77, err


@pytest.mark.parametrize(
    "argv, said",
    [
        (["--sms-commands-url", "http://example.com/x"], "https://"),
        (["--ip-commands-url", "not a url"], "URL"),
        (["--sms-commands-method", "PUT"], "GET or POST"),
        (["--name", "  "], "empty"),
        (["--data-limit", "0"], "1 to 2000000"),
    ],
)
def test_fleets_bad_values_exit_2_and_send_nothing(run: Run, simulator: Simulator, argv: list[str], said: str) -> None:
    """A non-https URL, a method other than GET/POST, a blank name, a data limit out of range: exit 2, the
    message names the problem, no request changes anything (create and update alike)."""
    for command in (["fleets", "create", "--nap", "us-only"], ["fleets", "update", "eu-trackers"]):
        code, out, err = run(*command, *argv, "--yes")
        assert code == 2 and out == "", (command, err)
        assert said in err and "Traceback" not in err
    assert changes_sent(simulator) == []


def test_fleets_update_changes_only_what_differs(run: Run, simulator: Simulator) -> None:
    """update sends the fields that differ (the plan lists from → to); a second identical run changes nothing."""
    code, out, err = run(
        "fleets", "update", "eu-trackers", "--sms-commands-url", "https://example.com/s", "--ip-commands-method",
        "GET", "--data-limit", "777", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    fields = {c["field"]: c for c in data["plan"]["changes"]}
    assert set(fields) == {"sms_commands_url", "ip_commands_method", "data_limit"}
    assert fields["data_limit"]["to"] == 777
    fleet = next(f for f in simulator.state.fleets.values() if f.unique_name == "eu-trackers")
    assert (fleet.sms_commands_url, fleet.ip_commands_method, fleet.data_limit) == ("https://example.com/s", "GET", 777)
    sent = len(changes_sent(simulator))
    code, out, _ = run("fleets", "update", "eu-trackers", "--data-limit", "777", "--json")
    assert code == 0 and json.loads(out)["plan"]["changes"] == [] and len(changes_sent(simulator)) == sent


def test_fleets_update_with_an_empty_url_clears_it_as_the_form_does(run: Run, simulator: Simulator) -> None:
    """``--sms-commands-url ""`` clears the fleet's SMS Commands URL (sent as an empty SmsCommandsUrl, as the TUI's
    fleet form does when the field is emptied); the plan says from the URL to none; once cleared, a second run
    sends nothing. On create an empty URL is still refused (there is nothing to clear)."""
    fleet = next(f for f in simulator.state.fleets.values() if f.sms_commands_url and f.ip_commands_url)
    assert fleet.unique_name
    before = fleet.sms_commands_url
    code, out, err = run("fleets", "update", fleet.unique_name, "--sms-commands-url", "", "--json")
    assert code == 0, err
    assert "SmsCommandsUrl: https://" in err and "→ -" in err
    assert json.loads(out)["plan"]["changes"] == [{"field": "sms_commands_url", "from": before, "to": None}]
    assert fleet.sms_commands_url is None and fleet.ip_commands_url
    posts = [r for r in simulator.request_log if r.method == "POST" and r.path == f"/v1/Fleets/{fleet.sid}"]
    assert len(posts) == 1 and posts[0].form == [("SmsCommandsUrl", "")]
    sent = len(changes_sent(simulator))
    code, out, err = run("fleets", "update", fleet.unique_name, "--sms-commands-url", "")
    assert code == 0 and "nothing to change" in err and len(changes_sent(simulator)) == sent
    code, out, err = run("fleets", "create", "--nap", "us-only", "--sms-commands-url", "", "--yes")
    assert code == 2 and "empty" in err and len(changes_sent(simulator)) == sent


def test_fleets_update_nap_change_states_sims_and_asks(run: Run, simulator: Simulator) -> None:
    """A NAP change names the SIMs it moves; without a terminal and --yes it is refused (exit 2, nothing sent);
    the dry run's JSON carries the networks gained and lost and the active SIMs."""
    code, _, err = run("fleets", "update", "eu-trackers", "--nap", "us-only")
    assert code == 2 and "--yes" in err and "active" in err
    assert changes_sent(simulator) == []
    code, out, err = run("fleets", "update", "eu-trackers", "--nap", "us-only", "--dry-run", "--json")
    change = json.loads(out)["plan"]["nap_change"]
    fleet = next(f for f in simulator.state.fleets.values() if f.unique_name == "eu-trackers")
    active = sum(1 for s in simulator.state.sims.values() if s.fleet_sid == fleet.sid and s.status == "active")
    assert change["to"] == "us-only" and change["active_sims"] == active and change["networks_lost"]
    assert changes_sent(simulator) == []


def test_fleets_update_needs_a_field(run: Run, simulator: Simulator) -> None:
    """update with nothing to change is a usage error naming the flags."""
    code, _, err = run("fleets", "update", "eu-trackers")
    assert code == 2 and "--name" in err and changes_sent(simulator) == []


# ------------------------------------------------------------------ NAPs
def test_naps_create_rename_clone(run: Run, simulator: Simulator) -> None:
    """create (networks by SID, MCC-MNC, operator + country), rename and clone each do what they say; a name
    already used is exit 2 with nothing sent."""
    telekom = network_sid(simulator, "Telekom", "DE")
    code, out, err = run("naps", "create", "lab-nap", telekom, "208-01", "Vodafone ES", "--json")
    assert code == 0, err
    data = json.loads(out)
    nap = simulator.state.naps[data["network_access_profile"]["sid"]]
    assert nap.unique_name == "lab-nap" and len(nap.network_sids) == 3 and telekom in nap.network_sids
    assert {n["iso_country"] for n in data["networks"]} == {"DE", "FR", "ES"}

    code, out, err = run("naps", "clone", "lab-nap", "lab-copy", "--json")
    assert code == 0, err
    copy = simulator.state.naps[json.loads(out)["network_access_profile"]["sid"]]
    assert copy.network_sids == nap.network_sids and copy.sid != nap.sid

    code, out, err = run("naps", "rename", "lab-copy", "lab-two", "--json")
    assert code == 0 and copy.unique_name == "lab-two", err

    sent = len(changes_sent(simulator))
    for argv in (
        ("naps", "create", "lab-nap"),
        ("naps", "rename", "lab-two", "lab-nap"),
        ("naps", "clone", "eu-only", "lab-nap"),
    ):
        code, _, err = run(*argv)
        assert code == 2 and "already exists" in err, argv
    assert len(changes_sent(simulator)) == sent


def test_naps_dry_runs_send_nothing(run: Run, simulator: Simulator) -> None:
    """Every NAP command's --dry-run sends no POST or DELETE and says so in JSON."""
    for argv in (
        ("naps", "create", "x1", "262-01"),
        ("naps", "rename", "uk-ie", "x2"),
        ("naps", "clone", "eu-only", "x3"),
        ("naps", "add-network", "uk-ie", "262-01"),
        ("naps", "remove-network", "uk-ie", "234-10"),
    ):
        code, out, err = run(*argv, "--dry-run", "--json")
        assert code == 0, (argv, err)
        assert json.loads(out)["dry_run"] is True
    assert changes_sent(simulator) == []


def test_add_and_remove_networks_report_each(run: Run, simulator: Simulator) -> None:
    """Several networks at once, each reported: done, or skipped when already so; the NAP holds the result."""
    nap = simulator.state.naps[nap_named(simulator, "uk-ie")]
    telekom = network_sid(simulator, "Telekom", "DE")
    code, out, err = run("naps", "add-network", "uk-ie", "Telekom DE", "262-02", "--yes", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [r["outcome"] for r in data["networks"]] == ["done", "done"]
    assert set(data["impact"]) >= {"fleets", "active_sims", "ready_sims", "warnings"}
    assert telekom in nap.network_sids
    code, out, _ = run("naps", "add-network", "uk-ie", telekom, "--yes", "--json")
    assert [r["outcome"] for r in json.loads(out)["networks"]] == ["skipped"]
    code, out, err = run("naps", "remove-network", "uk-ie", telekom, "262-02", "--yes", "--json")
    assert code == 0 and [r["outcome"] for r in json.loads(out)["networks"]] == ["done", "done"], err
    assert telekom not in nap.network_sids


def test_unknown_or_ambiguous_network_exits_2(run: Run, simulator: Simulator) -> None:
    """A network that matches nothing (or an unknown country) is exit 2 naming it; nothing is sent even for the
    networks that did resolve."""
    for ref in ("999-99", "Nosuch DE", "Telekom XX", "HW" + "0" * 32):
        code, out, err = run("naps", "add-network", "uk-ie", "262-01", ref, "--yes")
        assert code == 2 and ref in err and "nothing was sent" in err, (ref, err)
    assert changes_sent(simulator) == []


def test_nap_change_confirmation_states_fleets_and_sims(run: Run, simulator: Simulator) -> None:
    """A NAP used by fleets: the plan names each fleet with its active SIMs; without --yes and no terminal the
    change is refused (exit 2) and nothing is sent."""
    code, _, err = run("naps", "remove-network", "eu-only", "Telekom DE")
    assert code == 2 and "eu-trackers" in err and "active" in err and "--yes" in err
    assert changes_sent(simulator) == []


# ------------------------------------------------------------------ SIMs
def test_sims_update_callback_and_account_transfer(run: Run, simulator: Simulator) -> None:
    """sims update sends the callback with a status change; the account moves to a subaccount only while new:
    a SIM not new is reported (exit 1) and nothing is sent."""
    state = simulator.state
    sub = next(iter(state.subaccount_sids))
    new = next(s for s in state.sims.values() if s.status == "new" and s.account_sid == state.account_sid)
    code, out, err = run("sims", "update", new.sid, "--account-sid", sub, "--dry-run", "--json")
    assert code == 0 and json.loads(out)["outcome"] == "planned" and changes_sent(simulator) == [], err
    code, out, err = run("sims", "update", new.sid, "--account-sid", sub, "--yes", "--json")
    assert code == 0 and json.loads(out)["sim"]["account_sid"] == sub and new.account_sid == sub, err

    active = next(s for s in state.sims.values() if s.status == "active")
    code, out, err = run("sims", "update", active.sid, "--account-sid", sub, "--yes", "--json")
    assert code == 1 and json.loads(out)["outcome"] == "invalid" and "only" in err
    assert active.account_sid == state.account_sid

    inactive = next(s for s in state.sims.values() if s.status == "inactive" and s.fleet_sid)
    sent = len(changes_sent(simulator))
    code, out, err = run(
        "sims", "update", inactive.sid, "--status", "active", "--callback-url", "https://example.com/cb",
        "--callback-method", "GET", "--yes", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["plan"]["send"] == {
        "status": "active", "callback_url": "https://example.com/cb", "callback_method": "GET"
    }  # fmt: skip
    assert len(changes_sent(simulator)) == sent + 1


def test_sims_update_bad_input_exits_2(run: Run, simulator: Simulator) -> None:
    """A callback that is not https, a callback with no change to call it for, a malformed account SID, or no
    field at all: exit 2, nothing sent."""
    sim = next(iter(simulator.state.sims.values()))
    for argv in (
        ("--status", "active", "--callback-url", "http://example.com/cb"),
        ("--callback-url", "https://example.com/cb"),
        ("--account-sid", "AC123"),
        (),
    ):
        code, out, err = run("sims", "update", sim.sid, *argv, "--yes")
        assert code == 2 and "Traceback" not in err, (argv, err)
    assert changes_sent(simulator) == []


def test_documented_set_status_order_and_resume_yes(run: Run, simulator: Simulator) -> None:
    """`set-status STATUS ICCID…` (the documented order) and `ICCID… STATUS` both parse; `sims resume --yes` is
    accepted like every other changing command."""
    sim = next(s for s in simulator.state.sims.values() if s.status == "new" and s.fleet_sid)
    for argv in (("active", sim.iccid), (sim.iccid, "active")):
        code, _, err = run("sims", "set-status", *argv, "--dry-run")
        assert code == 0 and "1 will be changed" in err, err
    code, _, err = run("sims", "resume", "--yes")
    assert "unrecognized" not in err and code in (0, 2), err


@pytest.mark.parametrize(
    "argv",
    [
        ("fleets", "create", "--nap", "us-only"),
        ("fleets", "update", "eu-trackers", "--data-limit", "5"),
        ("naps", "create", "x"),
        ("naps", "rename", "uk-ie", "y"),
        ("naps", "clone", "uk-ie", "z"),
        ("naps", "add-network", "uk-ie", "262-01"),
        ("naps", "remove-network", "uk-ie", "234-10"),
        ("sims", "update", "HS" + "0" * 32, "--unique-name", "n"),
    ],
)
def test_new_changes_refused_read_only(run: Run, simulator: Simulator, argv: tuple[str, ...]) -> None:
    """--read-only refuses every new changing command (exit 2) before anything is sent."""
    code, _, err = run(*argv, "--yes", "--read-only")
    assert code == 2 and "read-only" in err
    assert changes_sent(simulator) == []


@pytest.mark.parametrize(
    "argv",
    [
        ("fleets", "create", "--nap", "no-such-nap"),
        ("fleets", "update", "no-such-fleet", "--data-limit", "5"),
        ("fleets", "update", "eu-trackers", "--nap", "no-such-nap"),
        ("naps", "rename", "no-such-nap", "x"),
        ("naps", "clone", "no-such-nap", "x"),
        ("naps", "add-network", "no-such-nap", "262-01"),
        ("naps", "remove-network", "no-such-nap", "262-01"),
    ],
)
def test_unknown_fleet_or_nap_is_bad_input(run: Run, simulator: Simulator, argv: tuple[str, ...]) -> None:
    """A fleet or NAP the account does not have is exit 2 naming it, and nothing is sent."""
    code, out, err = run(*argv, "--yes")
    assert code == 2 and "no-such" in err and "nothing was sent" in err, err
    assert changes_sent(simulator) == []


@pytest.mark.parametrize(
    "argv",
    [
        ("naps", "create", "HA0123456789abcdef0123456789abcdef", "--yes"),
        ("naps", "rename", "global", "HAffffffffffffffffffffffffffffffff", "--yes"),
        ("sims", "update", "89883070000687722809", "--unique-name", "HS0123456789abcdef0123456789abcdef", "--yes"),
    ],
)
def test_a_name_shaped_like_a_sid_is_refused(run: Run, simulator: Simulator, argv: tuple[str, ...]) -> None:
    """A unique name of two capitals and 32 hex digits would be read back as a SID by every command that takes
    "SID or unique name" (a fleet's name already refuses HF…): exit 2 naming the problem, nothing sent."""
    code, _, err = run(*argv)
    assert code == 2, err
    assert "looks like a SID" in err
    assert changes_sent(simulator) == []
