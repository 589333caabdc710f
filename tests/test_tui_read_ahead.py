"""Start-up reads: the account's first pages are asked for before the main screen is built (``read_ahead``) and
taken by the account load as its own replies; SIMs listed while the SIMs tab was hidden are drawn when it is shown."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from textual.strip import Strip

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
        self.sent: list[tuple[str, str, bool, bool]] = []  # path, query, main screen mounted, first frame painted
        self.release_head = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.app is not None
        query = request.url.query.decode()
        self.sent.append((request.url.path, query, self.app.main.is_mounted, self.app.main.first_frame_painted))
        if request.url.path == "/v1/Sims":
            await (self.release if "Status=" in query else self.release_head).wait()
        return await self.inner.handle_async_request(request)


def first_page_requests(sent: list[tuple[str, str, bool, bool]]) -> list[tuple[str, str]]:
    return sorted((path, query) for path, query, *_ in sent if path in FIRST_PAGES and "Page=" not in query)


async def test_first_pages_are_asked_for_before_the_main_screen_is_built_and_each_sent_once() -> None:
    """NAPs, fleets and the SIMs' first rows are sent before the main screen is mounted, each status slice's first
    page once the first frame is painted (its large reply would hold that frame back), and the load takes the
    replies read ahead: no first page is asked for twice, and every SIM is listed."""
    sim = demo_simulator(sims=300)
    transport = Watched(sim)
    transport.release_head.set()
    transport.release.set()
    app = SuperSimApp(instant_client(sim, transport=transport), account_label="demo account (simulator)")
    transport.app = app
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        firsts = first_page_requests(transport.sent)
        fleets = sorted(sim.state.fleets)
        # NAPs, fleets, 100 first SIMs; four status slices and the active SIMs' slices, one per fleet
        assert len(firsts) == len(set(firsts)) == 3 + 4 + len(fleets)
        early = {(path, query) for path, query, mounted, _ in transport.sent if not mounted}
        slices = {(path, query) for path, query in firsts if "Status=" in query}
        assert early == set(firsts) - slices and len(early) == 3
        after_first_frame = {(path, query) for path, query, _, painted in transport.sent if painted}
        assert slices <= after_first_frame
        assert {query for _, query in slices} == {f"Status={s}&PageSize=1000" for s in ("new", "ready", "inactive")} | {
            "Status=scheduled&PageSize=1000",
            *(f"Status=active&Fleet={fleet}&PageSize=1000" for fleet in fleets),
        }
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


async def test_a_first_page_that_has_arrived_is_taken_without_waiting_and_the_walk_goes_on() -> None:
    """``first_page_if_here``: nothing read ahead, or its reply still on its way → None (nothing read, nothing sent);
    once the reply is here → that page, and the walk carries on from the second page; every SIM once, the first
    page asked for once. A failure read ahead is not taken: the read that waits for it raises it as always."""
    sim = demo_simulator(sims=30)
    client = instant_client(sim, attempts=1)
    async with client:
        assert client.list_sims(page_size=10).first_page_if_here() is None  # nothing read ahead
        client.read_ahead([client.list_sims(page_size=10)])
        assert client.list_sims(page_size=10).first_page_if_here() is None  # sent, not arrived: still there
        await asyncio.sleep(0.05)
        pager = client.list_sims(page_size=10)
        first = pager.first_page_if_here()
        assert first is not None and len(first) == 10 and pager.has_more
        rest = await pager.collect()
        assert [s.sid for s in first + rest] == list(sim.state.sim_order)
        assert sum(1 for r in sim.request_log if r.path == "/v1/Sims" and "Page=" not in r.query) == 1
        sim.force_faults("500", path_prefix="/v1/Fleets")
        client.read_ahead([client.list_fleets()])
        await asyncio.sleep(0.05)
        assert client.list_fleets().first_page_if_here() is None
        try:
            await client.list_fleets().collect()
        except ServerError:
            pass
        else:
            raise AssertionError("the failure read ahead was not raised")


async def test_first_sim_rows_arrived_before_the_screen_is_up_are_in_its_first_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """3 typed at launch, the first SIMs' reply here before the main screen has mounted: the SIMs table has its
    rows the first time it is painted (no "Loading SIMs…" frame first), the account's first SIM on top, and the
    load then lists every SIM."""
    from textual import events

    from supersim_tui.tui.main_screen import MainScreen
    from supersim_tui.tui.sim_table import SimTable

    sim = demo_simulator(sims=300)
    transport = Watched(sim)
    transport.release_head.set()
    rows_when_painted: list[int] = []  # the SIMs table's rows each time it paints a line
    rows_when_mounted: list[int] = []  # its rows once the main screen has mounted (the first frame comes next)
    paint, mounted = SimTable.render_line, MainScreen.on_mount

    def render_line(table: SimTable, y: int) -> Strip:
        rows_when_painted.append(table.row_count)
        return paint(table, y)

    def on_mount(screen: MainScreen) -> None:
        mounted(screen)
        rows_when_mounted.append(screen.query_one(SimsPane).table.row_count)

    monkeypatch.setattr(SimTable, "render_line", render_line)
    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    app = SuperSimApp(instant_client(sim, transport=transport), account_label="demo account (simulator)")
    transport.app = app
    key = events.Key("3", "3")
    key.set_sender(app)
    app.post_message(key)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: bool(rows_when_painted), 10)
        assert rows_when_mounted == [100] and rows_when_painted[0] == 100
        pane = app.query_one(SimsPane)
        assert pane.table.current_sid() == sim.state.sim_order[0]
        transport.release.set()
        await settle(pilot)
        assert pane.table.row_count == 300
