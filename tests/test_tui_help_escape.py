"""Esc with the help panel open closes the help, on every screen that can show it; the screen stays. The next Esc
does what Esc does on that screen (closes it). (Modal dialogs have no help: the App's ? and f1 do not reach
them.) One rule, on the App, for every screen (the QA pass found the
catalog closing under the help)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from supersim_tui.tui.catalog import CatalogScreen
from supersim_tui.tui.main_screen import MainScreen
from supersim_tui.tui.nap_compare import NapCompareScreen
from supersim_tui.tui.register import RegisterScreen
from supersim_tui.tui.sim_detail import SimDetailScreen

from .conftest import build_app, demo_simulator, settle, until
from .test_tui_naps import open_nap

OPENERS: dict[str, tuple[tuple[str, ...], type[Screen[Any]]]] = {
    "sim detail": (("3", "enter"), SimDetailScreen),
    "register": (("3", "n"), RegisterScreen),
    "NAP compare": (("2", "d"), NapCompareScreen),
    "network catalog": (("c",), CatalogScreen),
}


async def help_then_escape(pilot: Pilot[Any], screen: Screen[Any]) -> None:
    """f1 opens the help over ``screen``; Esc closes the help and leaves ``screen`` on top."""
    await pilot.press("f1")
    await pilot.pause()
    assert pilot.app.screen is screen and screen.query("HelpPanel"), "the help did not open"
    await pilot.press("escape")
    await pilot.pause()
    assert pilot.app.screen is screen, f"Esc closed {type(screen).__name__} instead of the help"
    assert not screen.query("HelpPanel"), "the help is still open"


async def test_escape_closes_the_help_over_a_naps_catalog_and_the_catalog_stays() -> None:
    """The QA pass's case: 2, a NAP, Enter (its networks), ?, Esc: the help closes, the NAP's catalog stays;
    Esc again goes back to the NAPs."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_nap(pilot, "eu-only")
        await pilot.press("question_mark")
        await pilot.pause()
        assert screen.query("HelpPanel")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and not screen.query("HelpPanel")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize("name", list(OPENERS))
async def test_escape_closes_the_help_first_on_every_screen(name: str) -> None:
    """On each screen that has Esc for Back/Cancel, Esc with the help open closes only the help; the next Esc
    closes the screen as before."""
    keys, kind = OPENERS[name]
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await until(pilot, lambda: isinstance(app.screen, kind))  # no settle: the register screen's queue never ends
        screen = app.screen
        await help_then_escape(pilot, screen)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_escape_closes_the_help_on_the_main_screen() -> None:
    """On the main screen (where Esc has nothing else to do) Esc closes the help too."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await help_then_escape(pilot, app.screen)
