"""The fleet form's data limit (QA round hqa3): what is typed is what is checked. A key the field would drop
silently (``1e3`` saved as 13 MB) is instead kept and refused on Save with the field named; nothing is sent."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, Static

from supersim_tui.tui.forms import FleetForm

from .conftest import build_app, demo_simulator, settle


@pytest.mark.parametrize("typed", ["1e3", "1,000", "²", "٣", "5 MB"])
async def test_a_data_limit_that_is_not_a_whole_number_is_refused_and_nothing_is_created(typed: str) -> None:
    """Typed into the new fleet's data limit, each of these is shown as typed and refused on Save with "Data
    limit: expected a whole number …"; the account keeps its fleets (no fleet of 13 or 3 MB)."""
    sim = demo_simulator()
    app = build_app(sim)
    count = len(sim.state.fleets)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, FleetForm)
        form.query_one("#fleet-name", Input).value = "qa-limit"
        form.query_one("#fleet-nap", Select).value = sim.state.find_nap("apac").sid  # type: ignore[union-attr]
        limit = form.query_one("#fleet-limit", Input)
        limit.value = ""
        limit.focus()
        await pilot.pause()
        await pilot.press(*typed)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert limit.value == typed
        assert "Data limit: expected a whole number" in str(form.query_one("#form-error", Static).render())
    assert len(sim.state.fleets) == count
