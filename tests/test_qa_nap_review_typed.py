"""The NAP review's typed confirmation (QA round hqa3): "type the NAP's name in the box (Tab moves to it)" must
be true. The box is shown with a "type here" hint (compact, it was invisible), and Tab from Cancel goes to it, not
to the list of changes above (typing there did nothing, and the user saw no box at all)."""

from __future__ import annotations

from textual.widgets import Input

from supersim_tui.tui.vtable import VirtualTable

from .conftest import build_app, demo_simulator, settle
from .test_tui_naps import filter_to, open_nap


async def test_tab_from_cancel_reaches_the_typed_box_and_typing_the_name_applies() -> None:
    """Removing every network of us-only asks for its name: Tab once from Cancel focuses the box, which shows a
    hint; typing "us-only" and Enter applies the change (the NAP is left with no network)."""
    sim = demo_simulator()
    app = build_app(sim)
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_nap(pilot, "us-only")
        await filter_to(pilot, screen, "united states")
        for _ in range(screen.query_one("#catalog-table", VirtualTable).row_count):
            await pilot.press("space", "down")
        await pilot.press("a")
        await settle(pilot)
        box = app.screen.query_one("#typed-answer", Input)
        assert box.display and box.placeholder
        assert app.focused is not None and app.focused.id == "cancel"
        await pilot.press("tab")
        assert app.focused is box
        await pilot.press(*"us-only", "enter")
        await settle(pilot)
    assert nap.network_sids == []
