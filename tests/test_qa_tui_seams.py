"""TUI seams found by trying the app as a user: file names (user text) shown on screen are never read as markup."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from .conftest import build_app, demo_simulator


async def test_a_csv_path_with_brackets_is_shown_not_parsed_as_markup(tmp_path: Path) -> None:
    """ctrl+o, a path like `box[/b].csv` that does not exist: the screen names it, the app does not crash on
    the `[/b]` (Rich markup) in the file name."""
    from supersim_tui.tui.csv_import import CsvImportScreen

    path = tmp_path / "box[/b][red.csv"
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3", "n", "ctrl+o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CsvImportScreen)
        screen.query_one("#csv-path", Input).value = str(path)
        await pilot.press("enter")
        await pilot.pause(0.1)
        shown = str(screen.query_one("#csv-problem", Static).render())
        assert "box[/b][red.csv" in shown, shown
    assert app.return_code in (None, 0)


async def test_a_fleet_name_with_brackets_in_the_no_match_line_is_not_markup() -> None:
    """A filter naming a fleet whose unique name (server text) holds `[/b]`, matching no SIMs: the pane says
    "No SIMs match (fleet lab[/b])" instead of failing on the markup."""
    from supersim_tui.tui.sims_pane import SimsPane

    sim = demo_simulator()
    lab = sim.state.find_fleet("lab-bench")
    assert lab is not None
    lab.unique_name = "lab[/b]"
    for sim_state in sim.state.sims.values():
        if sim_state.fleet_sid == lab.sid:
            sim_state.fleet_sid = None  # the fleet matches no SIM
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3")
        await pilot.pause()
        pane = app.query_one(SimsPane)
        pane.set_fleet(lab.sid)
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        shown = str(pane.detail.render())
        assert "No SIMs match (fleet lab[/b])" in shown, shown


async def test_register_list_shows_fleet_names_and_reasons_as_text_not_markup() -> None:
    """A fleet whose unique name (server text) holds `[/b]`, and a registration into it: the register list shows
    the fleet's name as written and the app does not fail on the markup."""
    from supersim_tui.simulator.seed import registrable_examples
    from supersim_tui.tui.register import RegisterScreen

    from .conftest import settle_registrations
    from .test_tui_bursts import burst

    sim = demo_simulator()
    lab = sim.state.find_fleet("lab-bench")
    assert lab is not None
    lab.unique_name = "lab[/b]"
    ((iccid, code),) = registrable_examples(sim.state, 1)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3", "n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        screen.query_one("#fleet").value = lab.sid  # type: ignore[attr-defined]
        screen.query_one("#iccid", Input).focus()
        await pilot.pause()
        await burst(pilot, app, f"{iccid}\r{code}\r")
        await settle_registrations(pilot, app.registrations, 1)
        row = screen.query_one("#register-list").get_row(iccid)  # type: ignore[attr-defined]
        assert "lab[/b]" in [str(cell) for cell in row], row
    assert app.return_code in (None, 0)
    assert sim.state.sims[sim.state.sims_by_iccid[iccid]].fleet_sid == lab.sid
