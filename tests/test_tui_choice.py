"""The SIMs pane's status and fleet filters (:class:`~supersim_tui.tui.choice.Choice`): ←/→ step through the
values, Enter lists them, Esc leaves the filter as it was; by key, by burst and by mouse."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.choice import Choice
from supersim_tui.tui.dialogs import ChoiceScreen
from supersim_tui.tui.sims_filters import SIM_STATUSES
from supersim_tui.tui.sims_pane import SimsPane

from .conftest import build_app, demo_simulator, instant_client, settle, until
from .test_qa9 import screen_text
from .test_tui import ICCID, cells
from .test_tui_bursts import burst, keys_named


def listed(pane: SimsPane) -> list[str]:
    """The ICCIDs the SIMs table lists, sorted."""
    return sorted(cells(pane.table, ICCID))


async def focused_filter(pilot: Pilot[None], app: SuperSimApp, which: str) -> tuple[SimsPane, Choice]:
    """The account loaded, the SIMs tab shown, the filter ``#filter-{which}`` focused."""
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    pane = app.query_one(SimsPane)
    choice = pane.query_one(f"#filter-{which}", Choice)
    choice.focus()
    return pane, choice


def last_sims_query(sim: Simulator) -> str:
    return next(entry.query for entry in reversed(sim.request_log) if entry.path.endswith("/Sims"))


async def test_arrows_typed_in_one_burst_step_the_status_filter_and_the_sims_follow() -> None:
    """→ → → typed in one burst on the status filter: the third status is the filter, the table lists exactly the
    SIMs of that status (not those of a step on the way), and ← from the first value wraps to "any status"."""
    sim = demo_simulator(sims=250)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, status = await focused_filter(pilot, app, "status")
        await burst(pilot, app, keys_named("right", "right", "right"))
        await settle(pilot)
        wanted = SIM_STATUSES[2]
        assert status.value == wanted
        assert wanted in str(status.render())
        expected = sorted(s.iccid for s in sim.state.sims.values() if s.status == wanted)
        assert expected, "the demo account has SIMs of that status"
        assert listed(pane) == expected
        assert f"Status={wanted}" in last_sims_query(sim)

        await burst(pilot, app, keys_named("left", "left", "left"))
        await settle(pilot)
        assert status.value is None and "any status" in str(status.render())
        assert len(listed(pane)) == 250


async def test_enter_lists_the_fleets_to_pick_one_and_esc_leaves_the_filter_as_it_was() -> None:
    sim = demo_simulator(sims=250)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, fleet = await focused_filter(pilot, app, "fleet")
        requests = len(sim.request_log)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        options = app.screen.query_one(OptionList)
        assert str(options.get_option_at_index(0).prompt) == "any fleet"
        assert options.highlighted == 0  # on the value chosen now
        await pilot.press("down", "escape")
        await settle(pilot)
        assert fleet.value is None and len(sim.request_log) == requests  # nothing chosen, nothing read

        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        first = str(app.screen.query_one(OptionList).get_option_at_index(1).prompt)
        await pilot.press("down", "enter")
        await settle(pilot)
        chosen = next(f for f in sim.state.fleets.values() if f.unique_name == first or f.sid == first)
        assert fleet.value == chosen.sid and first in str(fleet.render())
        expected = sorted(s.iccid for s in sim.state.sims.values() if s.fleet_sid == chosen.sid)
        assert listed(pane) == expected

        await pilot.press("enter")  # the list opens on the fleet chosen
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert app.screen.query_one(OptionList).highlighted == 1
        await pilot.press("escape")


async def test_a_click_on_the_status_filter_lists_the_statuses() -> None:
    app = build_app(demo_simulator(sims=20))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.click("#filter-status")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        prompts = [str(option.prompt) for option in app.screen.query_one(OptionList).options]
        assert prompts == ["any status", *SIM_STATUSES]


class HeldOnRequest(httpx.AsyncBaseTransport):
    """The simulator; once ``hold`` is set, every listing of SIMs waits until it is cleared (a slow link)."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = asgi_transport(sim)
        self.released = asyncio.Event()
        self.released.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/Sims":
            await self.released.wait()
        return await self.inner.handle_async_request(request)


async def test_a_filter_that_reloads_does_not_leave_the_sim_shown_before_in_the_detail_strip() -> None:
    """→ on the status filter empties the table until the SIMs of the new status come (3 s on a slow link); the
    strip below it kept the details of the SIM highlighted before (another status, no longer listed), as if it
    were the one highlighted now. It says the SIMs are loading, then shows a SIM of the new status."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    transport = HeldOnRequest(sim)
    app = SuperSimApp(instant_client(sim, transport=transport), account_label="demo account (simulator)")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        pane = app.query_one(SimsPane)
        before = pane.current
        assert before is not None and before.sid in screen_text(app)  # (a SID is shown in the strip only)
        status = pane.query_one("#filter-status", Choice)
        status.focus()
        transport.released.clear()
        await pilot.press("right" if before.status != SIM_STATUSES[0] else "left")
        await until(pilot, lambda: "Loading SIMs" in screen_text(app), seconds=5)
        assert before.sid not in screen_text(app)
        assert not pane.has_rows  # (Enter's Details and the bulk keys are not offered for an empty table)
        transport.released.set()
        await settle(pilot)
        now = pane.current
        assert now is not None and now.status == status.value and now.sid in screen_text(app)


async def test_the_focused_filter_stands_out_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """With NO_COLOR, a focused filter differed from the others only by a shade of grey (a 5% tint): Tab to it and
    nothing on screen said which one ←/→ would change. Focused, it is drawn reversed; the others are not."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(demo_simulator(sims=20))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        status, fleet = app.query_one("#filter-status", Choice), app.query_one("#filter-fleet", Choice)
        assert not status.rich_style.reverse and not fleet.rich_style.reverse
        status.focus()
        await settle(pilot)
        assert status.rich_style.reverse and not fleet.rich_style.reverse
