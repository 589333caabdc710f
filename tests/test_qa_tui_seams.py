"""TUI seams found by trying the app as a user: file names (user text) shown on screen are never read as markup."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from .test_tui import build_app, demo_simulator


async def test_a_csv_path_with_brackets_is_shown_not_parsed_as_markup(tmp_path: Path) -> None:
    """ctrl+o, a path like `box[/b].csv` that does not exist: the screen names it, the app does not crash on
    the `[/b]` (Rich markup) in the file name."""
    from supersim_tui.tui.register import CsvImportScreen

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
    from supersim_tui.tui.panes import SimsPane

    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3")
        await pilot.pause()
        pane = app.query_one(SimsPane)
        pane.filter_label = "fleet lab[/b]"
        pane._sims = {}
        pane._loaded()
        await pilot.pause(0.1)
        shown = str(pane.detail.render())
        assert "fleet lab[/b]" in shown, shown
