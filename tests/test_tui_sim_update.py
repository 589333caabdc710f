"""Issue 18 on the SIM detail screen: activating a SIM without a fleet offers a fleet choice, and the update
form sets the callback URL and method with a change, and the account while the SIM is new."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select

from supersim_tui.tui.sim_detail import SimDetailScreen
from supersim_tui.tui.sim_update import SimUpdateForm

from .conftest import build_app, demo_simulator, settle, until
from .test_tui_sims import choose


async def open_detail(pilot: Pilot[None], sid: str) -> SimDetailScreen:
    app = pilot.app
    await settle(pilot)
    api_sim = await app.client.fetch_sim(sid)  # type: ignore[attr-defined]
    await app.push_screen(SimDetailScreen(app.client, api_sim, app.main.fleets or []))  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(app.screen, SimDetailScreen)
    return app.screen


async def test_activating_a_sim_without_a_fleet_offers_the_fleets() -> None:
    """s → active on a new SIM with no fleet asks for the fleet, then activates it into that fleet."""
    sim = demo_simulator(sims=60, settle_seconds=0)
    target = next(s for s in sim.state.sims.values() if s.status == "new" and s.fleet_sid is None)
    fleet = sim.state.find_fleet("us-meters")
    assert fleet is not None
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, target.sid)
        await pilot.press("s")
        await pilot.pause()
        await choose(pilot, "active")
        await choose(pilot, fleet.sid)
        await pilot.press("y")
        await until(pilot, lambda: sim.state.sims[target.sid].status == "active")
        await settle(pilot)
    assert sim.state.sims[target.sid].fleet_sid == fleet.sid


async def test_update_form_callback_and_account() -> None:
    """The update form refuses an http callback (named, nothing sent), sends an https callback with a status
    change, and moves a new SIM to a subaccount; the account field is disabled for a SIM that is not new."""
    sim = demo_simulator(sims=60, settle_seconds=0)
    inactive = next(s for s in sim.state.sims.values() if s.status == "inactive" and s.fleet_sid)
    new = next(s for s in sim.state.sims.values() if s.status == "new")
    sub = sim.state.subaccount_sids[0]
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, inactive.sid)
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SimUpdateForm)
        assert form.query_one("#sim-account", Input).disabled
        form.query_one("#sim-status", Select).value = "active"
        form.query_one("#sim-callback-url", Input).value = "http://example.com/cb"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "must start with https://" in str(form.query_one("#form-error").render())
        posts = sum(1 for r in sim.request_log if r.method == "POST")
        assert posts == 0
        form.query_one("#sim-callback-url", Input).value = "https://example.com/cb"
        form.query_one("#sim-callback-method", Select).value = "GET"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SimUpdateForm)
        sent = [r for r in sim.request_log if r.method == "POST"]
        assert len(sent) == 1
        form_sent = dict(sent[0].form)
        assert (form_sent["CallbackUrl"], form_sent["CallbackMethod"], form_sent["Status"]) == (
            "https://example.com/cb",
            "GET",
            "active",
        )
        await until(pilot, lambda: sim.state.sims[inactive.sid].status == "active")

        await pilot.press("escape")
        await open_detail(pilot, new.sid)
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SimUpdateForm)
        form.query_one("#sim-account", Input).value = sub
        await pilot.press("ctrl+s")
        await settle(pilot)
        if not isinstance(app.screen, SimDetailScreen):  # the transfer asks first (the SIM leaves the account)
            await pilot.press("y")
            await settle(pilot)
    assert sim.state.sims[new.sid].account_sid == sub


async def test_iccid_filter_takes_a_sid_or_unique_name() -> None:
    """The SIMs filter accepts a SIM's SID or unique name (looked up, then filtered by its ICCID); an unknown
    name says so and loads nothing new."""
    from supersim_tui.tui.sim_table import SimTable

    sim = demo_simulator(sims=60, settle_seconds=0)
    target = next(s for s in sim.state.sims.values() if s.unique_name)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        for ref in (target.sid, target.unique_name or ""):
            box = app.screen.query_one("#filter-iccid", Input)
            box.value = ref
            box.focus()
            await pilot.press("enter")
            await settle(pilot)
            table = app.screen.query_one("#sims-table", SimTable)
            await until(pilot, lambda shown=table: shown.row_count == 1)  # type: ignore[misc]
            assert table.current_sid() == target.sid
            assert box.value == target.iccid
        box.value = "no-such-sim"
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "no SIM with SID or unique name 'no-such-sim'" in str(app.screen.query_one("#sims-count").render())
