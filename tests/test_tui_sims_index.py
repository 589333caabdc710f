"""The SIMs pane over the local index: local filter + mark all, bulk runs and reloads keep the index current."""

from __future__ import annotations

import asyncio

import httpx

from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.bulk import BulkRunScreen
from supersim_tui.tui.dialogs import Confirm
from supersim_tui.tui.sims_pane import SimsPane

from .conftest import build_app, demo_simulator, instant_client, settle, until
from .test_tui_sims import choose, finished_run


def sims_listed(sim: object) -> int:
    """GETs of /v1/Sims without a fleet filter (the pane's listings; fleet counts filter by fleet)."""
    log = sim.request_log  # type: ignore[attr-defined]
    return sum(1 for r in log if r.method == "GET" and r.path == "/v1/Sims" and "Fleet=" not in r.query)


async def test_local_filter_then_mark_all_marks_exactly_the_rows_shown() -> None:
    """`/` then text narrows the table as typed; `a` marks those SIMs (count stated first), reading nothing."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "slash", *"us-meters", "enter")
        await pilot.pause()
        pane = app.query_one(SimsPane)
        fleets = {f.sid: f.unique_name or "" for f in sim.state.fleets.values()}
        expected = {
            s.sid
            for s in sim.state.sims.values()
            if "us-meters" in (s.unique_name or "") or "us-meters" in fleets.get(s.fleet_sid or "", "")
        }
        assert pane.table.row_count == len(expected) > 0
        before = len(sim.request_log)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        app.screen.dismiss(True)
        await pilot.pause()
        assert set(pane.marks) == expected
        assert len(sim.request_log) == before
        assert f"{len(expected)} marked" in str(pane.query_one("#sims-count").render())


async def test_a_bulk_run_updates_its_sims_in_the_index_without_listing_again() -> None:
    """After a bulk status change, the table shows the SIMs' new status at once; the SIMs are not listed
    again (only the run's own reads); r lists them all again and finds a SIM added meanwhile."""
    sim = demo_simulator(sims=120, settle_seconds=0)
    target = next(s for s in sim.state.sims.values() if s.status == "ready")
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.table.move_cursor(row=pane.table.get_row_index(target.sid))
        await pilot.pause()
        listed = sims_listed(sim)
        await pilot.press("s")
        await choose(pilot, "inactive")
        assert isinstance(app.screen, Confirm)
        app.screen.dismiss(True)
        await pilot.pause()
        screen = await finished_run(pilot)
        assert isinstance(screen, BulkRunScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert sim.state.sims[target.sid].status == "inactive"
        assert "inactive" in str(pane.table.get_row(target.sid)[3])
        assert sims_listed(sim) == listed  # no listing of the account after the run
        new = sim.state._add_sim("8988307000099999999", sim.state.account_sid, "new", None, None, sim.state.now_iso())
        await pilot.press("r")
        await settle(pilot)
        assert pane.table.get_row_index(new.sid) >= 0
        assert sims_listed(sim) > listed


class HeldListings(httpx.AsyncBaseTransport):
    """The simulator, with every listing of SIMs held until ``release`` is set."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = asgi_transport(sim)
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == "/v1/Sims":
            await self.release.wait()
        return await self.inner.handle_async_request(request)


async def test_end_pressed_before_the_first_sims_arrive_lands_on_the_last_sim() -> None:
    """3 then End pressed while no SIM has been listed yet (the table empty): the SIMs table takes the keys
    (it is not covered by a loading indicator, which refuses the focus), and once every SIM is listed the
    cursor is on the account's last SIM."""
    sim = demo_simulator(sims=300)
    last = sim.state.sims[sim.state.sim_order[-1]]
    transport = HeldListings(sim)
    app = SuperSimApp(instant_client(sim, transport=transport), account_label="demo account (simulator)")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        pane = app.query_one(SimsPane)
        assert len(pane.index) == 0  # nothing listed yet
        await pilot.press("end")
        transport.release.set()
        await settle(pilot)
        assert pane.complete and pane.table.row_count == 300
        assert app.focused is pane.table
        assert pane.table.current_sid() == last.sid


async def test_x_after_a_local_filter_shows_every_sim_again_without_listing_them_again() -> None:
    """`/` filters the SIMs already listed; `x` clears it and shows them all again from the index, with no new
    listing of the account (at 100,000 SIMs a listing takes seconds and many requests)."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "slash", *"us-meters", "enter")
        await settle(pilot)
        pane = app.query_one(SimsPane)
        assert 0 < pane.table.row_count < 300
        listed = sims_listed(sim)
        await pilot.press("x")
        await settle(pilot)
        assert pane.table.row_count == 300
        assert sims_listed(sim) == listed
        assert "300 SIMs" in str(pane.query_one("#sims-count").render())


class HeldActiveListings(httpx.AsyncBaseTransport):
    """The simulator, with the listing of the active SIMs held (the other statuses listed): a load under way."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = asgi_transport(sim)
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/Sims" and "Status=active" in str(request.url):
            await self.release.wait()
        return await self.inner.handle_async_request(request)


async def test_count_bar_at_80_columns_says_the_sims_are_still_loading_with_a_filter() -> None:
    """At 80x24 with the SIMs still being listed, the count bar says so (``loading …`` or ``…``), before and
    after `/ eu Esc`: the load is not the part dropped for room (a count read as the account's whole)."""
    sim = demo_simulator(sims=3000, settle_seconds=0)
    transport = HeldActiveListings(sim)
    app = SuperSimApp(instant_client(sim, transport=transport), account_label="demo account (simulator)")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        for _ in range(100):
            await pilot.pause(0.02)
            if len(pane.index) > 1000:
                break
        assert pane.index.loading and len(pane.index) > 1000
        bar = pane.query_one("#sims-count")
        before = str(bar.render())
        await pilot.press("slash", "e", "u", "escape")
        await pilot.pause(0.1)
        after = str(bar.render())
        transport.release.set()
        await settle(pilot)
        done = str(bar.render())
    for text in (before, after):
        assert "SIMs" in text and ("loading" in text or "…" in text), text
        assert bar.region.right <= 80, text
    assert "of" in after or "/" in after, after
    assert "loading" not in done and "…" not in done, done


class HeldSimListings(httpx.AsyncBaseTransport):
    """The simulator, with every listing of SIMs held until released: nothing of the SIMs has arrived yet."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = asgi_transport(sim)
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/Sims":
            await self.release.wait()
        return await self.inner.handle_async_request(request)


async def test_count_bar_says_loading_sims_before_any_count_is_known() -> None:
    """At launch, before any SIM (or any count of them) has arrived, the count bar says "loading SIMs…", not
    "0 of 0 SIMs · loading 0" (QA qa13: numbers that read as an empty account); once listed, the count."""
    sim = demo_simulator(sims=50, settle_seconds=0)
    transport = HeldSimListings(sim)
    app = SuperSimApp(instant_client(sim, transport=transport), account_label="demo account (simulator)")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        bar = pane.query_one("#sims-count")
        await until(pilot, lambda: pane.is_mounted and pane.index.loading and bool(str(bar.render()).strip()), 10)
        before = str(bar.render())
        transport.release.set()
        await settle(pilot)
        done = str(bar.render())
    assert before.strip() == "loading SIMs…", before
    assert "50 SIMs" in done and "loading" not in done, done


async def test_a_status_word_in_the_filter_means_that_status_not_a_longer_one_containing_it() -> None:
    """`/active` shows the active SIMs (and a SIM with "active" in its name), not the inactive ones whose only
    "active" is in "inactive"; `/!active` shows every other SIM, inactive ones included; `/inactive` the
    inactive ones."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    named = next(s for s in sim.state.sims.values() if s.status == "ready")
    named.unique_name = "reactive-spare"
    statuses = {s.sid: s.status for s in sim.state.sims.values()}
    active = {sid for sid, status in statuses.items() if status == "active"} | {named.sid}
    inactive = {sid for sid, status in statuses.items() if status == "inactive"}
    assert active and inactive
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "slash", *"active", "enter")
        await settle(pilot)
        pane = app.query_one(SimsPane)
        count = pane.query_one("#sims-count")
        assert pane.table.row_count == len(active)
        assert f"{len(active)} of 300 SIMs" in str(count.render())
        await pilot.press("slash", "home", "!", "enter")
        await settle(pilot)
        assert pane.table.row_count == 300 - len(active)
        assert f"{300 - len(active)} of 300 SIMs" in str(count.render())
        await pilot.press("slash", "home", "delete", *"in", "enter")
        await settle(pilot)
        assert pane.table.row_count == len(inactive)
