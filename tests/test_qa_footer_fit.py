"""The footer at 80 columns (QA round hqa3): keys that do not fit are left out whole and an ellipsis says so,
instead of the last key being cut at the edge ("2 N▏^p palette")."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from supersim_tui.tui.footer import KeysFooter

from .conftest import build_app, demo_simulator, settle


def footer_state(app: object) -> tuple[list[FooterKey], FooterKey | None, FooterKey | None, int]:
    footer = app.screen.query_one(KeysFooter)  # type: ignore[attr-defined]
    keys = [k for k in footer.children if isinstance(k, FooterKey)]
    palette = next((k for k in keys if k.has_class("-command-palette")), None)
    more = next((k for k in keys if k.has_class("-more")), None)
    shown = [k for k in keys if k.display and k is not palette and k is not more]
    edge = palette.region.x if palette is not None else footer.region.right
    return shown, more, palette, edge


@pytest.mark.parametrize("tab", ["1", "2", "3"])
async def test_footer_keys_are_whole_or_left_out_with_an_ellipsis_at_80_columns(tab: str) -> None:
    """At 80x24 on the Fleets, NAPs and SIMs tabs every key shown ends before the palette key, and the keys left
    out are announced by a "…" (which opens the help listing them all); at 200 columns every key shows, no "…"."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(tab)
        await settle(pilot)
        await pilot.pause(0.1)
        shown, more, _palette, edge = footer_state(app)
        assert shown, "no key shown"
        assert all(k.region.right <= edge for k in shown), [(k.description, k.region) for k in shown]
        assert more is not None and more.display and more.region.right <= edge
        await pilot.resize_terminal(200, 24)
        await settle(pilot)
        await pilot.pause(0.1)
        shown_wide, more, _palette, edge = footer_state(app)
        assert more is None or not more.display
        assert len(shown_wide) > len(shown)
        assert all(k.region.right <= edge for k in shown_wide)


def test_footer_keys_are_fitted_again_when_the_help_panel_narrows_them() -> None:
    """Opening the help panel (docked right) narrows the footer without a terminal resize: Textual's partial reflow
    then sent the footer no Resize event, and the keys fitted to 120 columns were drawn cut at 81 ("2 NA▏^p",
    caught by a snapshot). The keys are fitted again whenever the footer's width changes, however it changed; closing
    the help widens it back. Run as the snapshot harness runs an app (``App.run``, headless), where it showed."""
    app = build_app(demo_simulator())
    seen: dict[str, object] = {}

    async def walk(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        seen["wide"] = len(footer_state(app)[0])
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.pause()
        shown, more, _palette, edge = footer_state(app)
        seen["width"] = app.screen.query_one(KeysFooter).size.width
        seen["cut"] = [k.description for k in shown if k.region.right > edge]
        seen["more"] = more is not None and more.display and more.region.right <= edge
        await pilot.press("question_mark")
        await settle(pilot)
        seen["again"] = len(footer_state(app)[0])
        app.exit()

    app.run(headless=True, size=(120, 36), auto_pilot=walk)
    assert seen["width"] == 81  # the help panel took its room
    assert seen["cut"] == [] and seen["more"] is True, seen
    assert seen["again"] == seen["wide"]
