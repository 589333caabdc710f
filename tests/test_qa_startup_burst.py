"""Keys typed at launch, before the main screen is up (QA round hqa3): each acts once, in order, on the tab it
was typed for, whether the API answers at once or slowly."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TabbedContent

from supersim_tui.tui.vtable import VirtualTable

from .conftest import build_app, demo_simulator, settle, until
from .test_tui_bursts import key_events


def post_before_launch(app: object, text: str) -> None:
    for key in key_events(text):
        key.set_sender(app)  # type: ignore[arg-type]
        app.post_message(key)  # type: ignore[attr-defined]


@pytest.mark.parametrize("latency_ms", [0, 400])
async def test_slash_filter_enter_typed_at_launch_filters_and_goes_back_to_the_table(latency_ms: int) -> None:
    """``3/eu⏎`` typed at launch: the SIMs tab shows, the filter holds "eu", and the Enter is not lost: the focus
    is back on the SIMs table (not left in the filter field), as when the same keys are typed once it is up."""
    app = build_app(demo_simulator(latency_ms=latency_ms))
    post_before_launch(app, "3/eu\r")
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: not app.keys_pending() and app.main.is_mounted, 10)
        await settle(pilot)
        await pilot.pause(0.2)
        assert app.query_one(TabbedContent).active == "sims"
        search = app.main.query_one("#sims-search", Input)
        assert search.value == "eu"
        assert isinstance(app.focused, VirtualTable), f"focus left on {app.focused!r}"


@pytest.mark.parametrize("latency_ms", [0, 400])
async def test_tabs_typed_at_launch_each_shown_once_in_order_without_a_failure(latency_ms: int) -> None:
    """``3253`` typed at launch ends on the SIMs tab, with the Usage pane (shown on the way) mounted and no
    failure reported: switching to Usage and away before its pane has been built is not an error."""
    app = build_app(demo_simulator(latency_ms=latency_ms))
    post_before_launch(app, "3253")
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: not app.keys_pending() and app.main.is_mounted, 10)
        await settle(pilot, failures_expected=True)
        await pilot.pause(0.2)
        assert app.query_one(TabbedContent).active == "sims"
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == []
        assert isinstance(app.focused, VirtualTable), f"focus left on {app.focused!r}"


async def test_account_loaded_while_the_usage_pane_is_still_being_built_is_not_a_failure() -> None:
    """The account load ends by focusing the shown tab's table; when that tab is Usage (``5`` typed at launch)
    and its pane is in the screen but not yet built, that is no error ("No nodes match DataTable" was reported
    as a bug in a notification): the table is focused once the pane is built."""
    import asyncio

    from textual.widgets import DataTable

    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        main = app.main
        main.action_show_tab("usage")
        hit = False
        for _ in range(2000):
            await asyncio.sleep(0)
            if main.query("#usage-pane") and not main.query("#usage-pane DataTable"):
                main.set_focus(None)  # at launch nothing has the focus yet
                main._focus_active_table()  # what load_account does when it ends
                hit = True
                break
        assert hit, "the moment between the pane joining the screen and its table being built was not seen"
        await settle(pilot)
        await until(pilot, lambda: isinstance(app.focused, DataTable) and app.focused.id == "usage-table", 5)


@pytest.mark.parametrize("latency_ms", [0, 400])
@pytest.mark.parametrize(("keys", "form"), [("2e", "NameForm"), ("1e", "FleetForm"), ("e", "FleetForm")])
async def test_a_pane_key_typed_at_launch_acts_once_the_pane_has_its_rows(
    latency_ms: int, keys: str, form: str
) -> None:
    """``2e`` (rename the first NAP), ``1e`` or ``e`` (edit the first fleet) typed at launch open that form, as
    the same keys typed once the app is up do. They did nothing: the tab's table was still loading, could not take
    the focus, and the key was handed on to no table. Keys now wait for the table to take the focus."""
    app = build_app(demo_simulator(latency_ms=latency_ms))
    post_before_launch(app, keys)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: not app.keys_pending() and app.main.is_mounted, 10)
        await settle(pilot)
        await until(pilot, lambda: type(app.screen).__name__ == form, 5)


async def test_the_count_bar_says_loading_as_soon_as_the_load_starts() -> None:
    """On a slow link the first page of SIMs takes a while: meanwhile the count bar says the SIMs are loading (it
    said "0 of 0 SIMs" until the first reply came, the account read as empty)."""
    from supersim_tui.tui.sims_pane import SimsPane

    app = build_app(demo_simulator(latency_ms=2000))
    post_before_launch(app, "3")
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.main.query_one(SimsPane)
        await until(pilot, lambda: pane.index.loading, 10)
        await pilot.pause(0.3)
        assert not len(pane.index) and app.main.fleets is None  # nothing has come back yet
        assert "loading" in str(app.main.query_one("#sims-count").render())


async def test_the_count_bar_says_loading_through_a_reload_pressed_during_the_load() -> None:
    """``r`` pressed while the SIMs load: the count bar says "loading" until the new load has listed every SIM.
    The load it replaced, ending, took "loading" away while the new one listed ("7,484 of 7,484 SIMs" read as the
    total), and the rows it had seen."""
    from supersim_tui.tui.sims_pane import SimsPane

    app = build_app(demo_simulator(sims=3000, latency_ms=300))
    post_before_launch(app, "3")
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.main.query_one(SimsPane)
        bar = app.main.query_one("#sims-count")
        await until(pilot, lambda: len(pane.index) >= 1000, 10)
        await pilot.press("r")
        seen: list[str] = []
        while not pane.complete:
            await pilot.pause(0.02)
            seen.append(str(bar.render()))
            assert len(seen) < 1000, "the load did not end"
        shown_before_the_end = seen[:-3]
        assert shown_before_the_end and all("loading" in text for text in shown_before_the_end), shown_before_the_end
        await settle(pilot)
        assert str(bar.render()) == "3,000 of 3,000 SIMs"
