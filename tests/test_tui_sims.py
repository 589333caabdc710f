"""SIMs in the TUI: marks, bulk status and fleet changes through the engine, SIM detail, resuming runs.

Every test drives the app with keys and asserts on the simulator's final state.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from supersim_tui.api import Sim, SuperSimClient
from supersim_tui.ops.bulk import (
    DONE,
    FAILED,
    INVALID,
    NOT_SENT,
    SKIPPED,
    BulkRunner,
    Change,
    Progress,
    RunResult,
    plan_change,
)
from supersim_tui.ops.journal import Journal, find_run, new_run_id
from supersim_tui.simulator import Simulator
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.bulk import BulkRunScreen
from supersim_tui.tui.consent import TypedConfirm
from supersim_tui.tui.dialogs import ChoiceScreen, Confirm
from supersim_tui.tui.sim_detail import SimDetailScreen, render_details
from supersim_tui.tui.sims_pane import SimsPane

from .conftest import build_app, demo_simulator, settle, until


async def choose(pilot: Pilot[None], value: str) -> None:
    """In the open ChoiceScreen, highlight the option ``value`` and press Enter (then wait for the plan's
    question, when the choice leads to one: the SIMs' current state is read first)."""
    screen = pilot.app.screen
    assert isinstance(screen, ChoiceScreen)
    options = screen.query_one(OptionList)
    options.highlighted = options.get_option_index(value)
    await pilot.press("enter")
    await pilot.pause()

    def planned() -> bool:
        planning = any(w.group == "bulk-plan" and not w.is_finished for w in pilot.app.workers)
        return pilot.app.screen is not screen and not planning

    await until(pilot, planned, seconds=60)  # fails loudly if the plan never comes (was: went on silently)


def plain(renderable: object) -> str:
    console = Console(width=110, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def confirm_text(app: SuperSimApp) -> str:
    screen = app.screen
    assert isinstance(screen, Confirm), type(screen)
    return plain(screen.body)


async def finished_run(pilot: Pilot[None]) -> BulkRunScreen:
    screen = pilot.app.screen
    assert isinstance(screen, BulkRunScreen)
    await until(pilot, lambda: screen.result is not None)
    await pilot.pause()
    return screen


async def test_bulk_activate_200_cancel_half_way_then_retry_failed_after_faults() -> None:
    """Mark all 200 SIMs (the exact count is stated first), activate: the plan counts the already active
    (skipped) and those that cannot (new without a fleet, scheduled) with reasons; Esc half-way stops
    cleanly; t retries what did not change, and again after injected faults, until every SIM that can
    be active is active in the simulator; the others are untouched."""
    sim = demo_simulator(sims=200, settle_seconds=0, latency_ms=25)
    before = {s.sid: (s.status, s.fleet_sid) for s in sim.state.sims.values()}
    statuses = [status for status, _fleet in before.values()]
    assert statuses.count("active") and statuses.count("new")  # the mix the scenario needs
    can = {
        sid for sid, (status, fleet) in before.items() if status in ("ready", "inactive") or (status == "new" and fleet)
    }
    app = build_app(sim)
    app.settings.concurrency = 1  # slow enough (about 2 s) to stop half-way
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "a")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        assert "200 SIMs in the account" in confirm_text(app)
        await pilot.press("y")
        pane = app.query_one(SimsPane)
        assert len(pane.marks) == 200
        assert "200 marked" in str(pane.query_one("#sims-count").render())

        await pilot.press("s")
        await choose(pilot, "active")
        text = confirm_text(app)
        assert f"{len(can)} will be changed" in text
        assert f"{statuses.count('active')} × already active" in text
        if statuses.count("scheduled"):
            assert f"{statuses.count('scheduled')} × an update is in progress" in text
        no_fleet = sum(1 for status, fleet in before.values() if status == "new" and not fleet)
        if no_fleet:
            assert f"{no_fleet} × no fleet" in text
        await pilot.press("y")

        assert isinstance(app.screen, BulkRunScreen)
        screen = app.screen
        progress = lambda: screen._progress  # noqa: E731
        await until(pilot, lambda: (p := progress()) is not None and p.done + p.waiting >= len(can) // 3)
        await pilot.press("escape")  # stop half-way
        screen = await finished_run(pilot)
        result = screen.result
        assert result is not None and result.cancelled
        outcomes = {o.key: o for o in result.outcomes}
        not_run = {k for k, o in outcomes.items() if o.outcome == NOT_SENT}
        done = {k for k, o in outcomes.items() if o.outcome == DONE}
        assert not_run and done and done | not_run == can, {
            (outcomes[k].outcome, outcomes[k].error) for k in can - done - not_run
        }
        assert all(sim.state.sims[k].status == "active" for k in done)
        assert all((sim.state.sims[k].status, sim.state.sims[k].fleet_sid) == before[k] for k in not_run)
        assert {k for k, o in outcomes.items() if o.outcome in (SKIPPED, INVALID)} == set(before) - can

        sim.config.latency_ms = 0  # stopped half-way: the retries need not be slow
        sim.force_faults(*["503"] * 9, method="POST", path_prefix="/v1/Sims/")
        await pilot.press("t")  # a retry is planned again and asked for, like a new run
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        assert f"{len(not_run)} will be changed" in confirm_text(app)
        await pilot.press("y")
        screen = await finished_run(pilot)
        assert screen.result is not None
        failed = [o for o in screen.result.outcomes if o.outcome == FAILED]
        assert failed and all(o.error for o in failed)
        assert all(sim.state.sims[o.key].status != "active" for o in failed)

        await pilot.press("t")  # the faults are used up: the rest goes through
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        screen = await finished_run(pilot)
        assert screen.result is not None and screen.result.ok
        assert all(sim.state.sims[k].status == "active" for k in can)
        assert all((s.status, s.fleet_sid) == before[s.sid] for s in sim.state.sims.values() if s.sid not in can)

        await pilot.press("escape")  # close: everything got there, so no marks remain
        await settle(pilot)
        assert pane.marks == {}


async def test_move_50_marked_sims_to_another_fleet(tmp_path: object) -> None:
    """space marks a run of 50 SIMs; m moves them: afterwards exactly those (bar the ones that cannot move)
    are in the target fleet; the results export to CSV with one row per SIM."""
    import csv
    from pathlib import Path

    sim = demo_simulator(sims=150, settle_seconds=0)
    fleet = sim.state.find_fleet("apac-kiosks")
    assert fleet is not None
    order = list(sim.state.sims.values())
    chosen = [s.sid for s in order[:50]]
    before = {s.sid: (s.status, s.fleet_sid) for s in order}
    app = build_app(sim)
    app.export_dir = Path(str(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", *["space"] * 50)
        pane = app.query_one(SimsPane)
        assert list(pane.marks) == chosen
        await pilot.press("m")
        await choose(pilot, fleet.sid)
        dialog = app.screen  # APAC's NAP drops countries these SIMs have now: the number is typed to confirm
        assert isinstance(dialog, TypedConfirm)
        text = plain(dialog.body)
        movable = [sid for sid in chosen if before[sid][0] != "scheduled" and before[sid][1] != fleet.sid]
        assert f"{len(movable)} will be changed" in text and "countries lost" in text
        dialog.query_one(Input).focus()
        await pilot.press(*str(len(movable)), "enter")
        await until(pilot, lambda: isinstance(app.screen, BulkRunScreen))
        screen = await finished_run(pilot)
        assert screen.result is not None
        assert {o.outcome for o in screen.result.outcomes} <= {DONE, SKIPPED, INVALID}
        await pilot.press("e")
        await until(pilot, lambda: screen.exported is not None)
        assert screen.exported is not None
        rows = list(csv.DictReader(screen.exported.open()))
        assert sorted(r["sid"] for r in rows) == sorted(chosen)
        assert {r["outcome"] for r in rows if r["sid"] in movable} == {"done"}
        assert all(r["fleet"] == "apac-kiosks" for r in rows if r["sid"] in movable)

    assert {s.sid for s in sim.state.sims.values() if s.fleet_sid == fleet.sid} == {
        sid for sid, (_status, f) in before.items() if f == fleet.sid
    } | set(movable)
    assert all(sim.state.sims[sid].status == before[sid][0] for sid in chosen if before[sid][0] != "scheduled")


async def test_mark_all_matching_counts_across_pages_and_u_clears() -> None:
    """With a status filter, a marks every matching SIM (not just the page shown), after stating the count."""
    from supersim_tui.tui.choice import Choice

    sim = demo_simulator(sims=400)
    app = build_app(sim)
    active = {s.sid for s in sim.state.sims.values() if s.status == "active"}
    assert len(active) > 100  # more than one page of 100
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.query_one("#filter-status", Choice).value = "active"
        await settle(pilot)
        pane.table.focus()
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        assert f"{len(active):,} SIMs matching status active" in confirm_text(app)
        await pilot.press("escape")  # declined: nothing marked
        await pilot.pause()
        assert pane.marks == {}
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        assert set(pane.marks) == active
        await pilot.press("u")
        assert pane.marks == {}


async def test_sim_detail_shows_everything_and_explains_invalid_transitions() -> None:
    """Enter opens a SIM: fleet, NAP, billing, usage; s lists statuses with why some cannot be chosen;
    choosing inactive asks, changes the SIM in the simulator and the SIMs table shows it; e renames."""
    sim = demo_simulator(sims=60, settle_seconds=0)
    target = next(s for s in sim.state.sims.values() if s.status == "active")
    fleet = sim.state.fleets[target.fleet_sid or ""]
    nap = sim.state.naps[fleet.network_access_profile_sid or ""]
    old_name = target.unique_name  # the record changes in place
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.table.move_cursor(row=pane.table.get_row_index(target.sid))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimDetailScreen)
        screen = app.screen
        assert screen.info is not None
        body = plain(render_details(screen.info))
        for expected in (target.iccid, target.sid, fleet.unique_name, nap.unique_name, "Billing", "last 7 days"):
            assert expected is not None and expected in body, expected

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        choices = app.screen
        options = choices.query_one(OptionList)
        new = options.get_option("new")
        assert new.disabled and "nothing can return to new" in str(new.prompt)
        assert options.get_option("ready").disabled and options.get_option("active").disabled
        await choose(pilot, "inactive")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await until(pilot, lambda: sim.state.sims[target.sid].status == "inactive")
        await settle(pilot)
        assert screen.info is not None and "inactive" in plain(render_details(screen.info))

        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+a", *"gate-7", "enter")  # Input: ctrl+a is home; the old name is kept after it
        await settle(pilot)
        assert sim.state.sims[target.sid].unique_name == f"gate-7{old_name}"
        await pilot.press("escape")
        await pilot.pause()
        row = pane.table.get_row(target.sid)
        assert "inactive" in str(row[3]) and str(row[2]) == f"gate-7{old_name}"


def post_count(sim: Simulator) -> int:
    return sum(1 for r in sim.request_log if r.method == "POST")


async def activation_stopped_after_two_updates(
    sim: Simulator, client: SuperSimClient, posts: int = 2
) -> tuple[list[Sim], str, RunResult, Journal]:
    """The account's inactive SIMs activated one at a time in a journaled run, stopped (as Esc stops it) once
    ``posts`` updates were sent: those SIMs, the run's id, its result and its closed journal."""
    sims = await client.list_sims(status="inactive", page_size=1000).collect()
    plan = plan_change(sims, Change(status="active"))
    run_id = new_run_id()
    journal = Journal.create(
        run_id, {"kind": "set-status", "change": plan.change.to_json(), "base_url": client.base_url}
    )
    runner = BulkRunner(client, concurrency=1, journal=journal)
    runner.on_progress = lambda p: runner.cancel() if post_count(sim) >= posts else None
    first = await runner.run(plan, run_id)
    journal.close()
    return sims, run_id, first, journal


async def test_an_interrupted_run_is_offered_for_resume_at_start(make_simulator: Callable[..., Simulator]) -> None:
    """A journaled run cut short (here: its stop record removed, as a kill leaves it) is offered when the app
    starts; resuming re-reads the SIMs left and asks on the new plan, then finishes without sending anything
    twice. The same run stopped on purpose is not offered."""
    sim = make_simulator(sims=80)
    app = build_app(sim)
    client = app.client
    sims, run_id, first, journal = await activation_stopped_after_two_updates(sim, client)
    assert len(sims) >= 6
    posts = lambda: post_count(sim)  # noqa: E731
    assert first.cancelled and first.count(NOT_SENT) > 0
    sent_before = posts()
    assert find_run(None, base_url=client.base_url, include_stopped=False) is None  # Esc: not offered
    lines = journal.path.read_text().splitlines(keepends=True)
    assert '"type":"stopped"' in lines[-1]
    journal.path.write_text("".join(lines[:-1]))  # as a kill would have left it

    app.journal_runs = True
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        text = confirm_text(app)
        assert run_id in text and f"{first.count(NOT_SENT)} of {len(sims)} SIMs left" in text
        offer = app.screen
        log_from = len(sim.request_log)
        await pilot.press("y")  # the SIMs left are read now and the plan asked for, like a new run
        await until(pilot, lambda: isinstance(app.screen, Confirm) and app.screen is not offer)
        assert f"{first.count(NOT_SENT)} will be changed" in confirm_text(app)
        await pilot.press("y")
        screen = await finished_run(pilot)
        assert screen.result is not None and screen.result.ok
    assert all(sim.state.sims[s.sid].status == "active" for s in sims)
    assert posts() - sent_before == first.count(NOT_SENT)
    left = {o.key for o in first.outcomes if o.outcome == NOT_SENT}
    unsent, reads = set(left), Counter[str]()  # reads of a SIM before its update is sent
    for request in sim.request_log[log_from:]:
        sid = request.path.rsplit("/", 1)[-1]
        if request.method == "POST":
            unsent.discard(sid)
        elif request.method == "GET" and sid in unsent:
            reads[sid] += 1
    assert reads == Counter(left), "each SIM left is read once before it is sent: for the plan, not again"


# ------------------------------------------------------------------ pictures
def _marked_app() -> SuperSimApp:
    return build_app(demo_simulator(settle_seconds=0))


async def _mark_three(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("3", "space", "space", "down", "space")
    await settle(pilot)


async def test_planning_toast_is_gone_once_the_plan_is_asked() -> None:
    """The "Reading the current state of N SIMs…" toast says what the app is doing while it plans; once the
    plan's question is on screen it is stale and is taken away (whatever the machine's speed, so snapshots
    after a plan never depend on how long the planning took)."""
    app = _marked_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _mark_three(pilot)
        await pilot.press("s")
        await choose(pilot, "active")
        assert isinstance(app.screen, Confirm)
        await pilot.pause()
        assert [n.message for n in app._notifications if "Reading the current state" in n.message] == []


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_snapshot_sims_with_marks(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    assert snap_compare(_marked_app(), terminal_size=size, run_before=_mark_three)


def test_snapshot_bulk_confirm(snap_compare: Callable[..., bool]) -> None:
    async def before(pilot: Pilot[None]) -> None:
        await _mark_three(pilot)
        await pilot.press("s")
        await choose(pilot, "active")

    assert snap_compare(_marked_app(), terminal_size=(120, 36), run_before=before)


def test_snapshot_bulk_progress(snap_compare: Callable[..., bool]) -> None:
    """Progress half-way, frozen: requests hang (long latency) and the figures are set."""
    sim = demo_simulator(settle_seconds=0, latency_ms=60_000)
    app = build_app(sim)

    async def before(pilot: Pilot[None]) -> None:
        sims = list(sim.state.sims.values())[:200]
        from supersim_tui.api import Sim as ApiSim

        plan = plan_change(
            [
                ApiSim(sid=s.sid, iccid=s.iccid, status=s.status, fleet_sid=s.fleet_sid)  # type: ignore[arg-type]
                for s in sims
            ],
            Change(status="active"),
        )
        screen = BulkRunScreen(app.client, plan=plan, run_id="20240601-120000-abcdef", clock=lambda: 42.0)
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.runner is not None
        screen.runner.on_progress = None
        screen._progress = Progress(
            total=200, done=96, failed=3, skipped=41, in_flight=4, waiting=6, concurrency=16, started=0.0, now=0.0
        )
        screen._show_progress()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 36), run_before=before)


async def test_a_run_that_is_stopping_shows_no_rate_or_eta() -> None:
    """Stopping (Esc, or the API gone): nothing new is sent, so no rate and no time left are shown (they said
    "ETA 0:25" for a run sending nothing more); how long it ran is."""
    sim = demo_simulator(settle_seconds=0)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sims = await app.client.list_sims(status="inactive").collect()
        sim.config.latency_ms = 60_000  # requests hang: the run stays in flight
        screen = BulkRunScreen(app.client, plan=plan_change(sims[:20], Change(status="active")), clock=lambda: 42.0)
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.runner is not None
        screen.runner.on_progress = None
        screen._progress = Progress(total=20, done=5, in_flight=4, concurrency=4, started=0.0, now=0.0)
        screen._show_progress()
        assert "ETA" in str(screen.query_one("#bulk-stats").render())
        screen.runner.cancel()
        screen._show_progress()
        stats = str(screen.query_one("#bulk-stats").render())
        assert "ETA" not in stats and "rate" not in stats and "elapsed" in stats and "Stopping" in stats, stats


async def _deactivate_with_failures(pilot: Pilot[None], app: SuperSimApp, sim: Simulator) -> None:
    """Every SIM marked, then deactivated with the first five changes failing (503): the results screen."""
    await _mark_three(pilot)
    await pilot.press("a")
    await until(pilot, lambda: isinstance(app.screen, Confirm))
    await pilot.press("y", "s")
    await choose(pilot, "inactive")
    sim.force_faults(*["503"] * 5, method="POST", path_prefix="/v1/Sims/")
    dialog = app.screen  # deactivating this many SIMs: their number is typed to confirm
    assert isinstance(dialog, TypedConfirm)
    dialog.query_one(Input).focus()
    await pilot.press(*dialog.consent.phrase, "enter")
    await until(pilot, lambda: isinstance(app.screen, BulkRunScreen))
    await finished_run(pilot)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
def test_snapshot_bulk_results_with_failures(snap_compare: Callable[..., bool], size: tuple[int, int]) -> None:
    sim = demo_simulator(settle_seconds=0)
    app = build_app(sim, attempts=1)
    app.settings.concurrency = 1  # the same SIMs fail every time

    async def before(pilot: Pilot[None]) -> None:
        await _deactivate_with_failures(pilot, app, sim)

    assert snap_compare(app, terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_bulk_results_fit_the_screen_and_cut_only_with_an_ellipsis(size: tuple[int, int]) -> None:
    """The results table fits the terminal (no column off its edge: at 80 columns the fleets were cut there, the
    errors out of sight); a cell shorter than what it shows ends with "…"; at 120 columns the errors get the room
    the other columns leave (they were cut to 12 characters whatever the width: the table was measured hidden)."""
    sim = demo_simulator(settle_seconds=0)
    app = build_app(sim, attempts=1)
    app.settings.concurrency = 1
    async with app.run_test(size=size) as pilot:
        await _deactivate_with_failures(pilot, app, sim)
        screen = app.screen
        assert isinstance(screen, BulkRunScreen) and screen.result is not None
        table = screen.query_one("#bulk-results", DataTable)
        await pilot.pause()
        assert table.virtual_size.width <= table.scrollable_content_region.width
        outcomes = {o.iccid: o for o in screen.result.outcomes}
        names = {f.sid: f.unique_name for f in app.main.fleets or []}
        errors = []
        for row in range(table.row_count):
            iccid, name, _outcome, _status, fleet, error = (str(c) for c in table.get_row_at(row))
            o = outcomes[iccid]
            for shown, full in (
                (name, o.unique_name or "—"),
                (fleet, names.get(o.fleet_sid or "") or "—"),
                (error, o.error or ""),
            ):
                assert shown == full or (shown.endswith("…") and full.startswith(shown[:-1])), (shown, full)
            errors.append((error, o.error or ""))
        failed = [(shown, full) for shown, full in errors if full.startswith("Service unavailable")]
        assert failed
        if size[0] >= 120:
            assert all(len(shown) > 30 for shown, _ in failed)


def test_snapshot_sim_detail(snap_compare: Callable[..., bool]) -> None:
    from .conftest import FIXED_EPOCH

    sim = demo_simulator(settle_seconds=0)
    app = build_app(sim)

    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        target = next(s for s in sim.state.sims.values() if s.status == "active")
        api_sim = await app.client.fetch_sim(target.sid)
        await app.push_screen(SimDetailScreen(app.client, api_sim, app.main.fleets or [], now=FIXED_EPOCH))
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=before)


async def test_quitting_during_a_bulk_run_asks_first() -> None:
    """ctrl+q while a bulk change is still sending does not quit at once: it asks, saying the run would stop
    part-way; Esc on the question keeps the app (and the run) going; ctrl+q on the question quits."""
    from supersim_tui.api import Sim as ApiSim
    from supersim_tui.tui.dialogs import QuitConfirm

    sim = demo_simulator(settle_seconds=0, latency_ms=60_000)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        sims = [s for s in sim.state.sims.values() if s.status == "ready"][:20]
        plan = plan_change(
            [ApiSim(sid=s.sid, iccid=s.iccid, status=s.status, fleet_sid=s.fleet_sid) for s in sims],  # type: ignore[arg-type]
            Change(status="active"),
        )
        screen = BulkRunScreen(app.client, plan=plan, run_id=new_run_id())
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.running
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, QuitConfirm)
        assert "still running" in str(app.screen.query_one("#confirm-text").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and app.screen_stack[-1] is screen and screen.running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


@pytest.mark.parametrize("width", [80, 100, 120])
async def test_sims_columns_are_apart_in_the_screenshot(width: int) -> None:
    """At 80, 100 and 120 columns each SIM row keeps a blank between its columns on the screen and in the
    screenshot (SVG, as the snapshots and the README's pictures are drawn): no column's text is drawn from a run
    that begins with the blank before it (an SVG viewer, rsvg, drops a run's leading blanks and draws the text
    one cell early). QA qa13 saw "↻ scheduledna-logistics" at 80x24."""
    import html
    import re

    app = build_app(demo_simulator(sims=300))
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.query_one(SimsPane).table
        region = table.region
        lines = [table.render_line(y).text for y in range(1, min(table.row_count, region.height - 1) + 1)]
        svg = app.export_screenshot(simplify=True)  # as the snapshots and README pictures are taken
    scheduled = [line for line in lines if "↻ scheduled" in line]
    assert scheduled and all("↻ scheduled " in line for line in scheduled), lines
    rows = range(region.y + 1, region.y + len(lines) + 1)
    runs = re.findall(r'<text [^>]*clip-path="url\(#terminal-[-\w]*?line-(\d+)\)">([^<]*)</text>', svg)
    shifted = [
        text
        for line, text in ((int(n), html.unescape(t).replace("\xa0", " ")) for n, t in runs)
        if line in rows and re.match(r" +\S", text)
    ]
    assert not shifted, shifted
