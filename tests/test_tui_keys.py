"""Keys, keymap and palette: every action reachable by a key is in the palette with its key; a keymap that
collides is reported; the footer shows the keys that apply where the focus is."""

from __future__ import annotations

from textual.widgets import Input
from textual.widgets._footer import FooterKey

from supersim_tui.settings import Settings
from supersim_tui.tui.catalog import CatalogScreen
from supersim_tui.tui.palette import BindingCommands

from .conftest import build_app, demo_simulator, settle


async def test_palette_finds_every_action_of_the_main_screen_with_its_key() -> None:
    """With the palette open over the Fleets tab, it offers New fleet, Edit, Catalog, Refresh and Fleets, each
    with the key that runs it, and choosing one runs it."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        provider = BindingCommands(app.screen_stack[-2])
        commands = {title: help_text for title, help_text, _ in provider._commands()}
        for title, key in (
            ("New fleet", "n"),
            ("Edit", "e"),
            ("Catalog", "c"),
            ("Refresh", "r"),
            ("Fleets", "1"),
            ("Help", "?"),
        ):
            assert commands.get(title) == f"key: {key}", (title, commands.get(title))
        for char in "catalog":
            await pilot.press(char)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)


async def test_a_keymap_key_that_collides_with_a_panes_own_key_is_reported() -> None:
    """README's own example, ``"tab.sims" = "s"``: on Fleets, s is "Its SIMs", so the rebinding is reported by
    name; a rebinding to a free key is not."""
    app = build_app(demo_simulator())
    app.settings = Settings(keymap={"tab.sims": "s", "tab.naps": "f5"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        problems = [p for p in app.settings.problems if "[keymap]" in p]
        assert any("'tab.sims'" in p and "'fleets.sims'" in p and "Its SIMs" in p for p in problems), problems
        assert not any("'tab.naps'" in p for p in problems)
        await pilot.press("f5")
        assert app.query_one("TabbedContent").active == "naps"  # type: ignore[attr-defined]


async def test_footer_shows_only_keys_that_apply_in_the_focused_widget() -> None:
    """In the catalog, with the table focused the footer offers "? Help" and "/ Filter"; with the filter field
    focused (where ? and / type themselves) it offers neither, but still f1 Help."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogScreen)

        def footer_keys() -> set[str]:
            return {key.key for key in screen.query(FooterKey)}

        assert {"question_mark", "slash"} <= footer_keys()
        await pilot.press("slash")
        await pilot.pause()
        assert app.focused is screen.query_one("#catalog-filter", Input)
        keys = footer_keys()
        assert "question_mark" not in keys and "slash" not in keys and "f1" in keys
