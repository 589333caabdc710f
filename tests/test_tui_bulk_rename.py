"""Bulk rename in the TUI: e on the SIMs pane asks for a unique-name pattern (the CLI's fields and checks), with a
live preview; the pattern goes through the same plan, confirmation and run as the other bulk changes.

Every test drives the app with keys and asserts on the simulator's SIM names.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from supersim_tui.simulator import Simulator
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.bulk import BulkRunScreen
from supersim_tui.tui.consent import TypedConfirm
from supersim_tui.tui.dialogs import Confirm
from supersim_tui.tui.rename_form import RenameForm
from supersim_tui.tui.sims_pane import SimsPane

from .conftest import build_app, demo_simulator, settle, until
from .test_safety import make_app
from .test_tui_bursts import burst


def names(sim: Simulator) -> dict[str, str | None]:
    return {s.sid: s.unique_name for s in sim.state.sims.values()}


def renamable(sim: Simulator, count: int) -> list[str]:
    """The SIDs of the first ``count`` SIMs in the table's order (the seed's order); a rename applies to any
    status."""
    return [s.sid for s in list(sim.state.sims.values())[:count]]


def text_of(app: SuperSimApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def confirm_and_run(pilot: Pilot[Any], app: SuperSimApp) -> BulkRunScreen:
    """Answer the plan's question (a plain or typed confirmation), then wait for the run to finish."""
    await until(pilot, lambda: isinstance(app.screen, (Confirm, TypedConfirm, BulkRunScreen)), seconds=60)
    dialog = app.screen
    if isinstance(dialog, TypedConfirm):
        dialog.query_one(Input).focus()
        await pilot.press(*dialog.consent.phrase, "enter")
    elif isinstance(dialog, Confirm):
        await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, BulkRunScreen), seconds=60)
    screen = app.screen
    assert isinstance(screen, BulkRunScreen)
    await until(pilot, lambda: screen.result is not None, seconds=60)
    return screen


async def test_rename_three_marked_sims_with_a_pattern() -> None:
    """Three marked SIMs, e, a pattern: the preview shows the first names; after the plan is confirmed the
    simulator has exactly those three SIMs renamed door-01..03 and no other name changed."""
    sim = demo_simulator(sims=20, settle_seconds=0)
    before = names(sim)
    chosen = renamable(sim, 3)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "space", "space", "space")
        assert list(app.query_one(SimsPane).marks) == chosen
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RenameForm))
        await pilot.press(*"door-{n:02}")
        preview = text_of(app, "#form-preview")
        assert "door-01" in preview and "door-03" in preview
        assert text_of(app, "#form-error") == ""
        await pilot.press("enter")
        screen = await confirm_and_run(pilot, app)
        assert screen.result is not None
    after = names(sim)
    assert [after[sid] for sid in chosen] == ["door-01", "door-02", "door-03"]
    assert {sid: n for sid, n in after.items() if sid not in chosen} == {
        sid: n for sid, n in before.items() if sid not in chosen
    }


async def test_a_bad_pattern_names_the_field_and_changes_nothing() -> None:
    """An unknown field, then a pattern that gives every SIM the same name: each shows a message naming the
    Name pattern field, Enter does not leave the form, and no SIM's name changes."""
    sim = demo_simulator(sims=20, settle_seconds=0)
    before = names(sim)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "space", "space", "space", "e")
        await until(pilot, lambda: isinstance(app.screen, RenameForm))
        await pilot.press(*"gate-{nn}", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RenameForm)
        error = text_of(app, "#form-error")
        assert "Name pattern" in error and "unknown field {nn}" in error
        app.screen.query_one("#pattern", Input).value = "gate-{n}" + "x" * 60  # as pasted
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RenameForm)
        assert "Name pattern" in text_of(app, "#form-error") and "at most 64" in text_of(app, "#form-error")
        app.screen.query_one("#pattern", Input).value = ""
        await pilot.press(*"s{last4}", "{", "n", ":", ">", "1", "}")  # a valid pattern: errors clear
        await pilot.pause()
        assert text_of(app, "#form-error") == ""
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, RenameForm)
    assert names(sim) == before


async def test_duplicate_names_are_refused_with_the_count() -> None:
    """Two marked SIMs whose ICCIDs end in the same four digits, pattern m-{last4}: the form says, naming the
    field, how many SIMs would share a name, stays open, and nothing changes."""
    sim = demo_simulator(sims=20, settle_seconds=0)
    first, second = renamable(sim, 2)
    sim.state.sims[second].iccid = sim.state.sims[second].iccid[:-4] + sim.state.sims[first].iccid[-4:]
    before = names(sim)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "space", "space", "e")
        await until(pilot, lambda: isinstance(app.screen, RenameForm))
        await pilot.press(*"m-{last4}", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RenameForm)
        error = text_of(app, "#form-error")
        assert "Name pattern: 2 SIMs would be named" in error
    assert names(sim) == before


async def test_escape_half_way_changes_nothing() -> None:
    """Esc in the form, and Esc at the plan's question after a valid pattern: no name changes, marks stay."""
    sim = demo_simulator(sims=20, settle_seconds=0)
    before = names(sim)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "space", "space", "space", "e")
        await until(pilot, lambda: isinstance(app.screen, RenameForm))
        await pilot.press(*"half-{n}", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, RenameForm)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RenameForm))
        await pilot.press(*"half-{n}", "enter")
        await until(pilot, lambda: isinstance(app.screen, (Confirm, TypedConfirm)), seconds=60)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (Confirm, TypedConfirm, BulkRunScreen))
        assert len(app.query_one(SimsPane).marks) == 3
    assert names(sim) == before


async def test_key_pattern_and_enter_in_one_burst_renames_the_highlighted_sim() -> None:
    """e, the pattern and Enter posted before the app handles any of them: the highlighted SIM (none marked)
    gets the name, as if typed slowly."""
    sim = demo_simulator(sims=20, settle_seconds=0)
    first = renamable(sim, 1)[0]
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await burst(pilot, app, "eburst-{last6}\r")
        await confirm_and_run(pilot, app)
    assert names(sim)[first] == "burst-" + (sim.state.sims[first].iccid or "")[-6:]


async def test_read_only_hides_and_refuses_rename() -> None:
    """In a read-only profile the Rename key is not offered and e does nothing: no form opens, no name changes."""
    sim = demo_simulator(sims=5, settle_seconds=0)
    before = names(sim)
    app = make_app(sim, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "space", "e")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        keys = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "bulk_rename" not in keys
    assert names(sim) == before
