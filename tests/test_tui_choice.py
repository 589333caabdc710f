"""The SIMs pane's status and fleet filters (:class:`~supersim_tui.tui.choice.Choice`): ←/→ step through the
values, Enter lists them, Esc leaves the filter as it was; by key, by burst and by mouse."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList

from supersim_tui.simulator import Simulator
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.choice import Choice
from supersim_tui.tui.dialogs import ChoiceScreen
from supersim_tui.tui.sims_filters import SIM_STATUSES
from supersim_tui.tui.sims_pane import SimsPane

from .conftest import build_app, demo_simulator, settle, until
from .test_tui import ICCID, cells
from .test_tui_bursts import burst


def keys(*names: str) -> list[events.Key]:
    return [events.Key(name, None) for name in names]


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
        await burst(pilot, app, keys("right", "right", "right"))
        await settle(pilot)
        wanted = SIM_STATUSES[2]
        assert status.value == wanted
        assert wanted in str(status.render())
        expected = sorted(s.iccid for s in sim.state.sims.values() if s.status == wanted)
        assert expected, "the demo account has SIMs of that status"
        assert listed(pane) == expected
        assert f"Status={wanted}" in last_sims_query(sim)

        await burst(pilot, app, keys("left", "left", "left"))
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
