"""Start-up reads: the account's first pages are asked for before the main screen is built (``read_ahead``) and
taken by the account load as its own replies; SIMs listed while the SIMs tab was hidden are drawn when it is shown."""

from __future__ import annotations

import asyncio

import httpx

from supersim_tui.api import ServerError
from supersim_tui.api.transport import READ_AHEAD_FRESH_SECONDS
from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.pane import Pane
from supersim_tui.tui.sims_pane import SimsPane

from .conftest import demo_simulator, instant_client, settle, until

FIRST_PAGES = ("/v1/NetworkAccessProfiles", "/v1/Fleets", "/v1/Sims")


class Watched(httpx.AsyncBaseTransport):
    """The simulator; each request noted with whether the main screen was mounted when it was sent. The SIMs' first
    rows are held until ``release_head`` is set, the listings filtered by status (the index's slices) until
    ``release`` is."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = asgi_transport(sim)
        self.app: SuperSimApp | None = None
        self.sent: list[tuple[str, str, bool]] = []  # path, query, main screen mounted
        self.release_head = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.app is not None
        query = request.url.query.decode()
        self.sent.append((request.url.path, query, self.app.main.is_mounted))
        if request.url.path == "/v1/Sims":
            await (self.release if "Status=" in query else self.release_head).wait()
        return await self.inner.handle_async_request(request)


def first_page_requests(sent: list[tuple[str, str, bool]]) -> list[tuple[str, str]]:
    return sorted((path, query) for path, query, _ in sent if path in FIRST_PAGES and "Page=" not in query)


async def test_first_pages_are_asked_for_before_the_main_screen_is_built_and_each_sent_once() -> None:
    """NAPs, fleets, the SIMs' first rows and each status slice's first page are sent before the main screen is
    mounted, and the load takes those replies: no first page is asked for twice, and every SIM is listed."""
    sim = demo_simulator(sims=300)
    transport = Watched(sim)
    transport.release_head.set()
    transport.release.set()
    app = SuperSimApp(instant_client(sim, transport=transport), account_label="demo account (simulator)")
    transport.app = app
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        firsts = first_page_requests(transport.sent)
        assert len(firsts) == len(set(firsts)) == 8  # NAPs, fleets, 100 first SIMs, five status slices
        early = {(path, query) for path, query, mounted in transport.sent if not mounted}
        assert set(firsts) <= early
        assert app.query_one(SimsPane).complete and len(app.query_one(SimsPane).index) == 300


async def test_sims_listed_while_their_tab_was_hidden_show_as_soon_as_it_is_shown() -> None:
    """The first SIMs arrive while the Fleets tab is shown, after the fleets (the slices still held): pressing 3
    shows them at once, without waiting for the next page to be listed."""
    sim = demo_simulator(sims=300)
    transport = Watched(sim)
    app = SuperSimApp(instant_client(sim, transport=transport), account_label="demo account (simulator)")
    transport.app = app
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(SimsPane)
        await until(pilot, lambda: app.main.fleets is not None)
        await pilot.pause()
        transport.release_head.set()
        await until(pilot, lambda: len(pane.index) == 100)  # the first rows' page, stored while hidden
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        assert pane.table.row_count == 100
        first = sim.state.sims[sim.state.sim_order[0]]
        assert pane.table.current_sid() == first.sid
        transport.release.set()
        await settle(pilot)
        assert pane.table.row_count == 300


async def test_a_first_page_that_fails_is_reported_as_the_load_s_failure() -> None:
    """The fleets' first page fails (500 on every try): the failure read ahead reaches the account load, which
    reports it as before (the Fleets pane says what failed and what to do), and the app keeps running."""
    sim = demo_simulator(sims=300)
    sim.force_faults(*["500"] * 5, path_prefix="/v1/Fleets")
    app = SuperSimApp(instant_client(sim, attempts=3), account_label="demo account (simulator)")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, failures_expected=True)
        fleets = app.query_one("#fleets-pane", Pane)
        assert "Press r to try again" in str(fleets.detail.render())
        assert sum(1 for r in sim.request_log if r.path == "/v1/Fleets") == 3  # one read, its three tries
        assert app.is_running


async def test_read_ahead_reply_and_failure_are_the_pager_s_own() -> None:
    """``read_ahead``: the pager's first read takes the reply sent early (one request in all); a first page that
    failed raises the same error in the pager that reads it."""
    sim = demo_simulator(sims=30)
    client = instant_client(sim, attempts=1)
    async with client:
        client.read_ahead([client.list_fleets()])
        await asyncio.sleep(0)
        fleets = await client.list_fleets().collect()
        assert fleets and sum(1 for r in sim.request_log if r.path == "/v1/Fleets") == 1
        sim.force_faults("500", path_prefix="/v1/NetworkAccessProfiles")
        client.read_ahead([client.list_naps()])
        try:
            await client.list_naps().collect()
        except ServerError:
            pass
        else:
            raise AssertionError("the failure read ahead was not raised")
        assert sum(1 for r in sim.request_log if r.path == "/v1/NetworkAccessProfiles") == 1


async def test_a_reply_read_ahead_but_not_taken_soon_is_not_used_later() -> None:
    """A first page read ahead that nobody took within READ_AHEAD_FRESH_SECONDS is dropped: a later read (a reload
    after an edit) asks the API again and sees the edit, instead of the start-up's stale reply."""
    sim = demo_simulator(sims=30)
    client = instant_client(sim, attempts=1)
    now = [1000.0]
    client.retry.clock = lambda: now[0]
    async with client:
        client.read_ahead([client.list_fleets()])
        await asyncio.sleep(0.05)
        before = len(sim.state.fleets)
        nap = next(iter(sim.state.naps))
        await client.create_fleet(nap, unique_name="added-after-start")
        now[0] += READ_AHEAD_FRESH_SECONDS + 1
        fleets = await client.list_fleets().collect()
        assert len(fleets) == before + 1 and any(f.unique_name == "added-after-start" for f in fleets)
        assert sum(1 for r in sim.request_log if r.path == "/v1/Fleets" and r.method == "GET") == 2
