"""A field technician's box of SIMs, scanned at 80x24 (QA round, session 9): a card already in the account scanned
again keeps its name and fleet, a registration sent at start (left from last time) joins the SIMs tab, and the
counts below the list stay in view while every new row's SID is cut at 80 columns."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from supersim_tui.ops.register_queue import REGISTERED, Entry, RegistrationQueue
from supersim_tui.simulator.seed import registrable_examples
from supersim_tui.tui.app import SuperSimApp

from .conftest import build_app, demo_simulator, instant_client, settle, settle_registrations, until
from .test_tui_bursts import burst
from .test_tui_register_box import open_register, row_text


async def test_a_card_already_in_the_account_scanned_again_keeps_its_name_and_fleet() -> None:
    """A card registered earlier (named "roof-7", in fleet eu-trackers) is scanned again in a session with the
    fleet lab-bench and the pattern box-{n}: it counts as registered ("was already yours"), but it keeps its name
    and its fleet, and the list says so. Before, it was renamed box-1 and moved to lab-bench: a second scan of a
    card in service moved it to another fleet (another NAP) and threw its name away, without a question."""
    sim = demo_simulator()
    (old, old_code), (new, new_code) = registrable_examples(sim.state, 2)
    eu, lab = sim.state.find_fleet("eu-trackers"), sim.state.find_fleet("lab-bench")
    assert eu is not None and lab is not None
    client = instant_client(sim)
    sid = (await client.register_sim(old, old_code)).sid
    await client.update_sim(sid, fleet=eu.sid, unique_name="roof-7")
    await client.aclose()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_register(pilot)
        screen.query_one("#fleet").value = lab.sid  # type: ignore[attr-defined]
        screen.query_one("#pattern", Input).value = "box-{n}"
        screen.query_one("#iccid", Input).focus()
        await pilot.pause()
        await burst(pilot, app, f"{old}\r{old_code}\r{new}\r{new_code}\r")
        await settle_registrations(pilot, app.registrations, 2)
        assert {e.status for e in app.registrations.entries.values()} == {REGISTERED}
        listed = row_text(screen, old)
        assert "already yours" in listed and "roof-7" in listed, listed
    kept = sim.state.sims[sim.state.sims_by_iccid[old]]
    assert (kept.unique_name, kept.fleet_sid) == ("roof-7", eu.sid)
    fresh = sim.state.sims[sim.state.sims_by_iccid[new]]
    assert fresh.fleet_sid == lab.sid and fresh.unique_name is not None and fresh.unique_name.startswith("box-")


async def test_a_card_registered_but_not_yet_named_gets_its_fleet_and_name_when_sent_again() -> None:
    """The app killed between registering a card and naming it: on the next start the queue sends it again, the
    API says it is already yours, and the fleet and name it was queued with are still applied (nothing of the
    scan is lost)."""
    sim = demo_simulator()
    ((iccid, code),) = registrable_examples(sim.state, 1)
    lab = sim.state.find_fleet("lab-bench")
    assert lab is not None
    client = instant_client(sim)
    await client.register_sim(iccid, code)
    await client.aclose()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.registrations.add(Entry(iccid, code, fleet=lab.sid, unique_name="gate-1"))
        app.process_registrations()
        await settle_registrations(pilot, app.registrations, 1)
    done = sim.state.sims[sim.state.sims_by_iccid[iccid]]
    assert (done.unique_name, done.fleet_sid) == ("gate-1", lab.sid)


async def test_a_registration_left_from_last_time_joins_the_sims_tab(tmp_path: Path) -> None:
    """A registration left in the queue file (the app was killed) is sent at the next start, with the SIMs tab
    loading meanwhile: once registered it is on the SIMs tab (301 of 301 SIMs), without opening the register
    screen. Before, only SIMs registered while the register screen was open joined the tab, so this one was
    missing until r."""
    sim = demo_simulator()
    ((iccid, code),) = registrable_examples(sim.state, 1)
    path = tmp_path / "register-queue.jsonl"
    RegistrationQueue(path).add(Entry(iccid, code, unique_name="left-1"))
    app = SuperSimApp(
        instant_client(sim), account_label="demo account (simulator)", registrations=RegistrationQueue.open(path)
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("3")
        await settle_registrations(pilot, app.registrations, 1)
        assert app.registrations.entries[iccid].status == REGISTERED
        await until(pilot, lambda: "301 of 301 SIMs" in str(app.query_one("#sims-count").render()))
        await pilot.press("slash", *"left-1", "enter")
        await until(pilot, lambda: "1 of 301 SIMs" in str(app.query_one("#sims-count").render()))


async def test_at_80x24_the_counts_below_the_list_stay_in_view_while_scanning() -> None:
    """At 80x24 every registered row's SID is cut (…), and the newest row is highlighted after each scan. The
    line below the list still counts the box (registered, refused, failed): before, it showed the last row's SID
    in full instead, so the technician never saw the counts while scanning. The highlighted row's full reason is
    said on a line of its own under the counts."""
    sim = demo_simulator()
    (a, code_a), (b, code_b), (c, code_c) = registrable_examples(sim.state, 3)
    bad = b[:-1] + str((int(b[-1]) + 1) % 10)
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register(pilot)
        await burst(pilot, app, f"{a}\r{code_a}\r{bad}\r{code_b}\r{c}\r{code_c}\r")
        await settle_registrations(pilot, app.registrations, 2)
        await pilot.pause()
        summary = str(screen.query_one("#register-summary", Static).render())
        assert "registered 2" in summary and "refused 1" in summary, summary
        table = screen.query_one("#register-list", DataTable)
        table.move_cursor(row=1)  # the refused card: its reason in full, the counts still there
        await pilot.pause()
        summary = str(screen.query_one("#register-summary", Static).render())
        assert "registered 2" in summary and f"{bad}: " in summary and "check digit" in summary, summary
        assert screen.query_one("#register-summary", Static).region.bottom <= app.size.height - 1
