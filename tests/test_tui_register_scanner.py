"""What a technician with a barcode scanner needs from the register screen: a refused scan is replaced by
the next one, codes are normalised, a failed SIM can be tried again, names never cost a registration,
{n} never collides, the session exports to CSV, and queued registrations are not dropped silently."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from supersim_tui.ops.name_numbers import highest_number
from supersim_tui.ops.register_queue import FAILED, QUEUED, REGISTERED, Entry, RegistrationQueue
from supersim_tui.simulator.seed import registrable_examples
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.dialogs import Confirm
from supersim_tui.tui.register import RegisterScreen

from .conftest import build_app, demo_simulator, settle_registrations
from .test_tui_bursts import burst


async def open_register(pilot: Pilot[Any]) -> RegisterScreen:
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.press("3", "n")
    assert isinstance(app.screen, RegisterScreen)
    return app.screen


def posted(sim: object) -> list[dict[str, str]]:
    return [dict(r.form) for r in sim.request_log if r.method == "POST" and r.path == "/v1/Sims"]  # type: ignore[attr-defined]


async def test_a_refused_scan_is_replaced_by_the_next_and_marked_without_colour() -> None:
    """A scan with a wrong check digit is refused with a ✕ mark (readable without colour) and left selected:
    the next scan (in the same burst) replaces it instead of being appended, and registers."""
    sim = demo_simulator()
    app = build_app(sim)
    ((iccid, code),) = registrable_examples(sim.state, 1)
    bad = iccid[:-1] + str((int(iccid[-1]) + 1) % 10)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_register(pilot)
        await burst(pilot, app, f"{bad}\r")
        field = screen.query_one("#iccid", Input)
        problem = str(screen.query_one("#iccid-problem", Static).render())
        assert problem.startswith("✕ ") and "check digit" in problem
        assert app.focused is field and field.selected_text == bad
        await burst(pilot, app, f"{iccid}\r{code}\r")
        await settle_registrations(pilot, app.registrations, 1)
        assert app.registrations.entries[iccid].status == REGISTERED
    assert [p["Iccid"] for p in posted(sim)] == [iccid]


async def test_code_is_normalised_and_a_failed_sim_can_be_tried_again_with_a_new_code() -> None:
    """A wrong code fails the SIM; scanning it again with its right code (typed in lower case with spaces)
    is accepted (failed is not "already in this session"), sent upper case without spaces, and registers."""
    sim = demo_simulator()
    app = build_app(sim)
    ((iccid, code),) = registrable_examples(sim.state, 1)
    typed_code = f"{code[:5].lower()} {code[5:].lower()}"
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_register(pilot)
        await burst(pilot, app, f"{iccid}\rWRONGCODE1\r")
        await settle_registrations(pilot, app.registrations, 1)
        assert app.registrations.entries[iccid].status == FAILED
        await burst(pilot, app, f"{iccid}\r{typed_code}\r")
        assert str(screen.query_one("#iccid-problem", Static).render()) == ""
        for _ in range(100):
            if app.registrations.entries[iccid].status == REGISTERED:
                break
            await pilot.pause(0.02)
        assert app.registrations.entries[iccid].status == REGISTERED
    assert [p["RegistrationCode"] for p in posted(sim)] == ["WRONGCODE1", code]


async def test_a_taken_name_never_costs_the_registration_or_the_fleet() -> None:
    """Two SIMs registered with a pattern; the name the second gets is already used by another SIM of the
    account: both register and join the fleet; the second's name problem is reported on its own (✕ in the
    Name column, the reason in its detail)."""
    sim = demo_simulator()
    app = build_app(sim)
    (a, code_a), (b, code_b) = registrable_examples(sim.state, 2)
    taken = f"spare-{b[-4:]}"
    sim.state.update_sim(next(iter(sim.state.sims)), {"UniqueName": taken})
    lab = sim.state.find_fleet("lab-bench")
    assert lab is not None and a[-4:] != b[-4:]
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_register(pilot)
        screen.query_one("#fleet").value = lab.sid  # type: ignore[attr-defined]
        screen.query_one("#pattern", Input).value = "spare-{last4}"
        screen.query_one("#iccid", Input).focus()
        await pilot.pause()
        await burst(pilot, app, f"{a}\r{code_a}\r{b}\r{code_b}\r")
        await settle_registrations(pilot, app.registrations, 2)
        entries = app.registrations.entries
        assert (entries[a].status, entries[b].status) == (REGISTERED, REGISTERED)
        assert f"name '{taken}' not set" in entries[b].detail and "already exists" in entries[b].detail
        table = screen.query_one("#register-list")
        assert f"✕ {taken} not set" in str(table.get_row(b))  # type: ignore[attr-defined]
    first, second = (sim.state.sims[sim.state.sims_by_iccid[i]] for i in (a, b))
    assert (first.unique_name, first.fleet_sid) == (f"spare-{a[-4:]}", lab.sid)
    assert (second.unique_name != taken, second.fleet_sid) == (True, lab.sid)


async def test_n_continues_from_the_highest_number_the_pattern_used_in_the_account() -> None:
    """A SIM of the account is already called gate-7: the next SIM registered with gate-{n} is gate-8."""
    sim = demo_simulator()
    existing = next(iter(sim.state.sims))
    sim.state.update_sim(existing, {"UniqueName": "gate-7"})
    app = build_app(sim)
    ((iccid, code),) = registrable_examples(sim.state, 1)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_register(pilot)
        screen.query_one("#pattern", Input).value = "gate-{n}"
        for _ in range(100):  # the account's names are read in the background (the queue worker never ends)
            await pilot.pause(0.05)
            if "gate-{n}" in screen._account_highest:
                break
        screen.query_one("#iccid", Input).focus()
        await pilot.pause()
        await burst(pilot, app, f"{iccid}\r{code}\r")
        await settle_registrations(pilot, app.registrations, 1)
    assert sim.state.sims[sim.state.sims_by_iccid[iccid]].unique_name == "gate-8"


def test_highest_number_reads_only_names_the_pattern_made() -> None:
    """gate-{n} matches gate-12 but not gate-x, gatex-3 or gate-3-old; {last4} parts are digits."""
    assert highest_number("gate-{n}", ["gate-12", "gate-x", "gatex-3", "gate-3-old", None, "gate-2"]) == 12
    assert highest_number("m{n}-{last4}", ["m4-1234", "m9-12", "m5-5678"]) == 5
    assert highest_number("fixed", ["fixed"]) == 0


async def test_session_exports_to_csv(tmp_path: Path) -> None:
    """ctrl+s writes the session's SIMs (ICCID, SID, name, fleet, outcome) to a new CSV file."""
    sim = demo_simulator()
    app = build_app(sim)
    app.export_dir = tmp_path
    ((iccid, code),) = registrable_examples(sim.state, 1)
    lab = sim.state.find_fleet("lab-bench")
    assert lab is not None
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_register(pilot)
        screen.query_one("#fleet").value = lab.sid  # type: ignore[attr-defined]
        screen.query_one("#iccid", Input).focus()
        await pilot.pause()
        await burst(pilot, app, f"{iccid}\r{code}\r")
        await settle_registrations(pilot, app.registrations, 1)
        await pilot.press("ctrl+s")
        for _ in range(100):
            await pilot.pause(0.02)
            if any(tmp_path.glob("supersim-registered-*.csv")):  # noqa: ASYNC240
                break
    files = sorted(tmp_path.glob("supersim-registered-*.csv"))  # noqa: ASYNC240 (a test, after the app ran)
    assert len(files) == 1
    rows = list(csv.DictReader(files[0].open(encoding="utf-8")))
    sid = sim.state.sims_by_iccid[iccid]
    assert [(r["iccid"], r["sim_sid"], r["fleet"], r["outcome"]) for r in rows] == [
        (iccid, sid, "lab-bench", REGISTERED)
    ]


def test_finished_entries_are_pruned_from_the_queue_file(tmp_path: Path) -> None:
    """Registered and failed entries of an earlier session are dropped from the file when the app starts;
    queued ones stay."""
    path = tmp_path / "queue.jsonl"
    queue = RegistrationQueue.open(path)
    queue.add(Entry("8988307000000000001", "AAAAAAAAAA", status=REGISTERED, detail="HS" + "0" * 32))
    queue.add(Entry("8988307000000000002", "BBBBBBBBBB", status=FAILED, detail="wrong code"))
    queue.add(Entry("8988307000000000003", "CCCCCCCCCC"))
    app = SuperSimApp(None, registrations=RegistrationQueue.open(path))
    assert list(app.registrations.entries) == ["8988307000000000003"]
    assert [e.iccid for e in RegistrationQueue.open(path).entries.values()] == ["8988307000000000003"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


async def test_quitting_with_registrations_queued_asks_first() -> None:
    """ctrl+q with a registration still queued (the API is down) asks, saying what happens to it; Stay keeps
    the app running, Quit quits."""
    sim = demo_simulator()
    sim.force_faults(*["503"] * 50, method="POST", path_prefix="/v1/Sims")
    app = build_app(sim, attempts=1)
    ((iccid, code),) = registrable_examples(sim.state, 1)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_register(pilot)
        await burst(pilot, app, f"{iccid}\r{code}\r")
        assert app.registrations.entries[iccid].status != REGISTERED
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and app.is_running
        assert "sent the next time" in str(app.screen.query_one("#confirm-text", Static).render()) or "not kept" in str(
            app.screen.query_one("#confirm-text", Static).render()
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert app.registrations.entries[iccid].status in (QUEUED, "waiting", "registering")


async def test_quitting_from_another_dialog_still_asks_about_queued_registrations() -> None:
    """ctrl+q while some other yes/no dialog is open (here: mark all) does not quit at once: with a
    registration still queued it asks about the queue first; only the quit question itself quits on ctrl+q."""
    sim = demo_simulator()
    sim.force_faults(*["503"] * 50, method="POST", path_prefix="/v1/Sims")
    app = build_app(sim, attempts=1)
    ((iccid, code),) = registrable_examples(sim.state, 1)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_register(pilot)
        await burst(pilot, app, f"{iccid}\r{code}\r")
        assert app.registrations.entries[iccid].status != REGISTERED
        await pilot.press("escape", "a")  # back on the SIMs tab: mark all asks first
        await pilot.pause(0.2)
        assert isinstance(app.screen, Confirm) and app.screen.title_text == "Mark all matching"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, Confirm) and app.screen.title_text == "Registrations still queued"
        await pilot.press("ctrl+q")  # the quit question itself: ctrl+q again quits
        await pilot.pause()
        assert not app.is_running


async def test_a_card_scanned_twice_in_a_burst_keeps_its_code_out_of_the_iccid_field() -> None:
    """A card scanned twice in one burst (ICCID, code, the same ICCID, its code, the next card): the second scan is
    refused as already in this session, and its code is taken as that card's, not as an ICCID ("ICCID must contain
    only the digits 0-9" shown in the field, the code left in it). The next card registers as usual."""
    sim = demo_simulator()
    app = build_app(sim)
    (a, code_a), (b, code_b) = registrable_examples(sim.state, 2)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_register(pilot)
        sim.config.latency_ms = 300  # the first registration is still on its way when the card is scanned again
        await burst(pilot, app, f"{a}\r{code_a}\r{a}\r{code_a}\r")
        field = screen.query_one("#iccid", Input)
        problem = str(screen.query_one("#iccid-problem", Static).render())
        assert "Already in this session" in problem and "digits" not in problem, problem
        assert field.value == "" and app.focused is field
        await burst(pilot, app, f"{b}\r{code_b}\r")
        await settle_registrations(pilot, app.registrations, 2)
        assert {i: e.status for i, e in app.registrations.entries.items()} == {a: REGISTERED, b: REGISTERED}
    assert sorted(p["Iccid"] for p in posted(sim)) == sorted([a, b])


async def test_esc_in_the_middle_of_a_scanner_burst_leaves_the_rest_of_it_unused() -> None:
    """Esc pressed while a scanner's burst is still being typed in: the screen closes, and the rest of the burst
    (typed for the register screen) is not taken by the SIMs screen beneath, where its digits switched tabs, its
    Enter opened the catalog and its letters staged changes. A notice says how many keys were ignored."""
    from textual.widgets import TabbedContent

    from .test_tui_bursts import key_events

    sim = demo_simulator()
    app = build_app(sim)
    (a, code_a), (b, code_b) = registrable_examples(sim.state, 2)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_register(pilot)
        keys = [*key_events(f"{a}\r{code_a}\r"), events.Key("escape", "\x1b"), *key_events(f"2{b}\r{code_b}\rc")]
        await burst(pilot, app, keys)
        await settle_registrations(pilot, app.registrations, 1)
        assert app.screen is app.main, app.screen
        assert app.query_one(TabbedContent).active == "sims"  # the "2" did not switch to the NAPs tab
        assert {i: e.status for i, e in app.registrations.entries.items()} == {a: REGISTERED}
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert any("ignored" in message for message in warnings), warnings
