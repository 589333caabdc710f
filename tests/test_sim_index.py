"""The local SIM index (ops/sim_index.py) and the filter/sort logic (ops/table_query.py), without Textual."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from supersim_tui.api import Fleet, Sim, SimStatus, SuperSimClient
from supersim_tui.ops.sim_index import NO_TIME, Scope, SimIndex, SimRow, SimView, load_index
from supersim_tui.ops.table_query import Query, TableQuery, matching_rows
from supersim_tui.simulator import Simulator


def fake_sims(count: int, fleets: int = 6) -> list[Sim]:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = [SimStatus.NEW, SimStatus.READY, SimStatus.ACTIVE, SimStatus.INACTIVE]
    return [
        Sim(
            sid=f"HS{i:032x}",
            unique_name=f"fleet-{i % fleets}-{i:07d}" if i % 4 else None,
            iccid=f"8988307{i:013d}",
            status=statuses[i % 4],
            fleet_sid=f"HF{i % fleets:032x}" if i % 7 else None,
            date_created=base + timedelta(minutes=i),
            date_updated=base + timedelta(minutes=2 * i),
        )
        for i in range(count)
    ]


async def test_load_lists_every_sim_of_the_account(
    make_simulator: Callable[..., Simulator], make_client: Callable[..., SuperSimClient]
) -> None:
    """Parallel slices (fleet x status, fleetless new/inactive) find each SIM exactly once, in account order."""
    sim = make_simulator(sims=400)
    client = make_client(sim, page_size=1000)
    expected = [s.sid for s in await client.list_sims().collect()]
    fleets = await client.list_fleets().collect()
    index = SimIndex()
    pages: list[int] = []
    await load_index(client.list_sims, index, fleets, on_page=lambda: pages.append(len(index)))
    assert sorted(index.sids) == sorted(expected)
    assert index.complete and index.expected == 400 and index.listed == 400
    assert pages and pages[-1] == 400
    view = SimView(index)
    view.refresh()
    assert [index.sids[r] for r in view.rows] == expected  # the API's order, whatever order the slices came in


async def test_a_small_first_page_of_the_account_is_asked_for_before_the_slices(
    make_simulator: Callable[..., Simulator], make_client: Callable[..., SuperSimClient]
) -> None:
    """``head``: the account's first SIMs, in one small unsliced page asked for before the slices' large ones,
    are the first stored (the top of the table is right as soon as that page is in); the slices list them again,
    and each SIM is held and counted once."""
    sim = make_simulator(sims=300)
    client = make_client(sim, page_size=1000)
    expected = [s.sid for s in await client.list_sims().collect()]
    fleets = await client.list_fleets().collect()
    before = len(sim.request_log)
    index = SimIndex()
    stored: list[list[str]] = []  # what the index held after each page

    await load_index(client.list_sims, index, fleets, head=20, on_page=lambda: stored.append(list(index.sids)))
    listings = [r.query for r in sim.request_log[before:] if r.path == "/v1/Sims"]
    assert listings[0] == "PageSize=20"  # unsliced, small, and first
    assert all("Status=" in query for query in listings[1:])
    assert stored[0] == expected[:20]
    assert sorted(index.sids) == sorted(expected) and index.listed == len(index) == 300 and index.complete
    view = SimView(index)
    view.refresh()
    assert [index.sids[r] for r in view.rows] == expected


async def test_end_during_load_is_the_true_last_sim_once_known(
    make_simulator: Callable[..., Simulator], make_client: Callable[..., SuperSimClient]
) -> None:
    """While slices arrive the last row moves; once the load completes it is the account's last SIM."""
    sim = make_simulator(sims=300)
    client = make_client(sim, page_size=1000)
    true_last = (await client.list_sims().collect())[-1].sid
    fleets = await client.list_fleets().collect()
    index = SimIndex()
    view = SimView(index)
    lasts: list[str] = []
    sizes: list[int] = []

    def page() -> None:
        view.refresh()
        lasts.append(index.sids[view.rows[-1]])
        sizes.append(len(index))

    await load_index(client.list_sims, index, fleets, page_size=10, on_page=page)
    view.refresh()
    assert index.sids[view.rows[-1]] == true_last
    assert lasts[-1] == true_last
    assert sizes[0] < 300 and len(sizes) > 10  # End was possible before the load completed (many pages)


async def test_reload_updates_changed_and_drops_gone_sims() -> None:
    """Incremental put() changes only the given SIMs; a full reload drops SIMs the account no longer lists."""
    index = SimIndex()
    sims = fake_sims(50)
    index.put(sims)
    before = index.version
    changed = Sim(sid=sims[3].sid, iccid=sims[3].iccid, unique_name="renamed", status=SimStatus.ACTIVE)
    index.put([changed])
    assert index.version > before
    assert len(index) == 50
    row = index.row(index.row_of(sims[3].sid) or 0)
    assert (row.name, row.status) == ("renamed", "active")
    view = SimView(index, TableQuery("renamed"))
    view.refresh()
    assert [index.sids[r] for r in view.rows] == [sims[3].sid]  # the search string followed the change

    index.begin_load()
    index.put(sims[:40])
    assert len(index) == 50  # still shown while the reload runs
    index.end_load(complete=True)
    assert len(index) == 40 and index.expected == 40
    assert index.row_of(sims[45].sid) is None
    view.refresh()
    assert view.rows == []  # the reload brought back the name the server lists


def expected_row(sim: Sim) -> SimRow:
    return SimRow(
        sim.sid, sim.iccid, sim.unique_name, str(sim.status) if sim.status else None, sim.fleet_sid, sim.date_updated
    )


def test_pages_of_new_known_and_odd_sims_are_held_as_given() -> None:
    """Whatever a page holds (only new SIMs, SIMs already held mixed with new ones, a status this version does
    not know, a new fleet, no ICCID, no dates), every SIM reads back as given, once, in arrival order; a
    reload marks exactly the SIMs it listed; search strings built before follow."""
    sims = fake_sims(60)
    odd = [
        Sim(sid="HS" + "a" * 32, status="suspended", fleet_sid="HF" + "e" * 32),  # type: ignore[arg-type]
        Sim(sid="HS" + "b" * 32, iccid=None, date_updated=None, date_created=None),
    ]
    index = SimIndex()
    index.put(sims[:20])
    index.haystacks()
    index.put(iter(sims[20:40] + odd))  # all new (a generator, as load_index gives)
    changed = msgspec.structs.replace(sims[5], unique_name="renamed", status=SimStatus.INACTIVE, fleet_sid=None)
    index.put([*sims[40:], changed])  # new SIMs and one held
    given = {sim.sid: sim for sim in [*sims, *odd]} | {changed.sid: changed}
    assert index.sids == [*[s.sid for s in sims[:40]], *[s.sid for s in odd], *[s.sid for s in sims[40:]]]
    assert all(index.row(index.row_of(sid) or 0) == expected_row(sim) for sid, sim in given.items())
    assert index.created[index.row_of(odd[1].sid) or 0] == NO_TIME
    view = SimView(index, TableQuery("renamed"))
    view.refresh()
    assert [index.sids[r] for r in view.rows] == [changed.sid]
    index.begin_load()
    index.put(sims[50:])
    index.put([odd[0], sims[0]])
    index.end_load(complete=True)
    assert sorted(index.sids) == sorted([*[s.sid for s in sims[50:]], odd[0].sid, sims[0].sid])


def test_filter_substring_inverted_fuzzy_and_sort() -> None:
    """`/` text: substring over ICCID, name, fleet and status; `!` inverts; `~` is fuzzy; sorting by any column."""
    index = SimIndex({f"HF{i:032x}": f"fleet {name}" for i, name in enumerate("abcdef")})
    sims = fake_sims(40)
    index.put(sims)
    view = SimView(index)

    def sids(text: str, column: str | None = None, descending: bool = False) -> list[str]:
        view.query = TableQuery(text, column, descending)
        view.refresh()
        return [index.sids[r] for r in view.rows]

    assert sids("0000000000017") == [sims[17].sid]  # by ICCID
    assert sids("fleet-2-0000038") == [sims[38].sid]  # by name
    assert set(sids("inactive")) == {s.sid for s in sims if s.status == SimStatus.INACTIVE}
    assert set(sids("no fleet")) == {s.sid for s in sims if s.fleet_sid is None}
    assert set(sids("fleet c")) == {s.sid for s in sims if s.fleet_sid == f"HF{2:032x}"}  # by fleet name
    assert set(sids("!active")) == {s.sid for s in sims if s.status != SimStatus.ACTIVE}  # the status, not "inactive"
    assert sids("~f1-37") == [sims[37].sid]  # "fleet-1-0000037": letters in order
    assert sids("", "iccid", descending=True)[0] == sims[-1].sid
    names = sids("", "name")
    assert names[-1] in {s.sid for s in sims if s.unique_name is None}  # SIMs without a name sort last
    assert sids("", "updated")[:2] == [sims[0].sid, sims[1].sid]
    assert sids("ACTIVE", "status") == sids("active", "status")  # case does not matter
    assert Query.parse("!~ab") == Query("ab", invert=True, fuzzy=True)


def test_typing_on_narrows_and_matches_a_fresh_filter() -> None:
    """Each keystroke narrows the previous result; it equals filtering from scratch, also after sorting."""
    index = SimIndex()
    index.put(fake_sims(2000))
    view = SimView(index, TableQuery("", "name", descending=True))
    for end in range(1, 8):
        view.query.text = "fleet-3"[:end]
        view.refresh()
        fresh = SimView(index, TableQuery(view.query.text, "name", descending=True))
        fresh.refresh()
        assert view.rows == fresh.rows


def test_matching_rows_over_plain_strings() -> None:
    """The same query logic serves Fleets, NAPs and the catalog (any list of search strings)."""
    hay = ["germany vodafone 262-02", "spain vodafone 214-01", "germany telekom 262-01"]
    assert matching_rows(Query.parse("germany"), hay) == [0, 2]
    assert matching_rows(Query.parse("!vodafone"), hay) == [2]
    assert matching_rows(Query.parse(""), hay) == [0, 1, 2]
    assert TableQuery("de", "name").describe(2, 3, "networks") == '2 of 3 networks · filter "de" · sorted by name ↑'


def test_counts_per_fleet_and_status() -> None:
    """The Fleets table's numbers come from the index and add up to every SIM."""
    index = SimIndex()
    index.put(fake_sims(700))
    counts = index.counts()
    assert sum(sum(by.values()) for by in counts.values()) == 700
    assert sum(counts[None].values()) == sum(1 for i in range(700) if i % 7 == 0)


def test_memory_per_sim_at_100k() -> None:
    """100,000 SIMs with their search strings stay under 400 bytes a SIM (the figure is printed)."""
    sims = fake_sims(100_000)
    tracemalloc.start()
    try:
        index = SimIndex()
        for start in range(0, len(sims), 1000):
            index.put(sims[start : start + 1000])
        index.haystacks()
        current, _peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    per_sim = current / len(index)
    print(f"index: {per_sim:.0f} bytes per SIM at 100,000")
    assert per_sim < 400


async def test_scope_and_limit(
    make_simulator: Callable[..., Simulator], make_client: Callable[..., SuperSimClient]
) -> None:
    """A server-side scope lists only its SIMs; past the limit the load stops, says so, and drops nothing."""
    sim = make_simulator(sims=300)
    client = make_client(sim, page_size=1000)
    fleets = await client.list_fleets().collect()
    everything = await client.list_sims().collect()
    index = SimIndex()
    await load_index(client.list_sims, index, fleets, scope=Scope(status="ready"))
    assert sorted(index.sids) == sorted(s.sid for s in everything if s.status == "ready")
    fleet = fleets[0].sid
    await load_index(client.list_sims, index, fleets, scope=Scope(fleet=fleet), by_fleet=True)
    assert sorted(index.sids) == sorted(s.sid for s in everything if s.fleet_sid == fleet)  # ready SIMs of others gone
    one = everything[7]
    await load_index(client.list_sims, index, fleets, scope=Scope(iccid=one.iccid))
    assert index.sids == [one.sid]
    capped = SimIndex()
    await load_index(client.list_sims, capped, fleets, page_size=20, limit=100)
    assert capped.truncated and not capped.complete and 100 <= len(capped) < 300


@pytest.mark.parametrize("by_fleet", [False, True])
async def test_both_slicings_find_every_sim(
    by_fleet: bool, make_simulator: Callable[..., Simulator], make_client: Callable[..., SuperSimClient]
) -> None:
    """Status slices and fleet x status slices (with the fleetless new/inactive) both find every SIM once."""
    sim = make_simulator(sims=250)
    client = make_client(sim, page_size=1000)
    expected = sorted(s.sid for s in await client.list_sims().collect())
    index = SimIndex()
    await load_index(client.list_sims, index, await client.list_fleets().collect(), by_fleet=by_fleet, page_size=30)
    assert sorted(index.sids) == expected


class SlicePager:
    """A listing of fixed pages (one SIM each), read one page per step."""

    def __init__(self, pages: list[list[Sim]]) -> None:
        self.pages = list(pages)

    @property
    def has_more(self) -> bool:
        return bool(self.pages)

    async def walk_page(self) -> list[Sim]:
        await asyncio.sleep(0)  # the slices take turns, as pages arriving from the network do
        return self.pages.pop(0)


async def test_a_sim_listed_by_two_slices_counts_once_against_the_limit() -> None:
    """A SIM whose status changed during the load is listed by two slices (as the old and the new status):
    the index counts SIMs, not listings, so an account of exactly ``limit`` SIMs is held complete, not cut
    off as too large (which left the account's last SIM out: End never reached it at 1,000,000 SIMs)."""
    s1, s2, s3, s4, s5, s6, s7 = fake_sims(7)
    slices = {
        "new": [[s1], [s2]],
        "ready": [[s1], [s3], [s7]],  # s1 turned ready while the slices were read
        "active": [[s4]],
        "inactive": [[s5]],
        "scheduled": [[s6]],
    }

    def list_sims(*, status: str | None = None, **_: object) -> SlicePager:
        return SlicePager(slices[status or ""])

    index = SimIndex()
    await load_index(list_sims, index, [], limit=7)  # type: ignore[arg-type]  # pages like list_sims
    assert not index.truncated and index.complete
    assert index.listed == len(index) == 7
    assert s7.sid in index.sids


async def test_by_fleet_without_the_fleets_still_lists_every_sim(
    make_simulator: Callable[..., Simulator], make_client: Callable[..., SuperSimClient]
) -> None:
    """Fleet x status slices need the fleets: asked for before they are known (an empty list), the load lists by
    status instead, so it never calls itself complete with only the SIMs that have no fleet."""
    sim = make_simulator(sims=300)
    client = make_client(sim, page_size=1000)
    everything = await client.list_sims().collect()
    index = SimIndex()
    await load_index(client.list_sims, index, [], by_fleet=True)
    assert index.complete and sorted(index.sids) == sorted(s.sid for s in everything)


@pytest.mark.parametrize("fleets_are", ["known", "read-by-the-load", "unreadable", "slow"])
async def test_the_active_sims_are_listed_fleet_by_fleet(
    fleets_are: str,
    make_simulator: Callable[..., Simulator],
    make_client: Callable[..., SuperSimClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A slice's pages follow one another's links, and a working account is mostly active SIMs: listed as one
    slice they were the load's longest chain of requests (57 of the 100 pages at 100,000 SIMs), which a real
    link's latency multiplies. They are listed one slice per fleet (an active SIM always has one): with the fleets
    known, or read by the load when it starts before the app has them (the other slices start meanwhile). If that
    read fails or is slow, the active SIMs are listed as one slice. Every SIM is listed, once, either way."""
    from supersim_tui.api import ServerError
    from supersim_tui.ops import sim_index

    sim = make_simulator(sims=400)
    client = make_client(sim, page_size=1000)
    everything = sorted(s.sid for s in await client.list_sims().collect())
    fleets = await client.list_fleets().collect()
    assert len(fleets) >= 2
    asked: list[tuple[str | None, str | None]] = []

    def list_sims(**query: object) -> object:
        asked.append((query.get("fleet"), query.get("status")))  # type: ignore[arg-type]
        return client.list_sims(**query)  # type: ignore[arg-type]

    async def read_fleets() -> list[Fleet]:
        if fleets_are == "unreadable":
            raise ServerError("The API had an internal error (HTTP 500)")
        if fleets_are == "slow":
            await asyncio.sleep(5)
        return await client.list_fleets().collect()

    monkeypatch.setattr(sim_index, "FLEETS_WAIT_SECONDS", 0.2)
    index = SimIndex()
    given = fleets if fleets_are == "known" else []
    await load_index(list_sims, index, given, read_fleets=read_fleets)  # type: ignore[arg-type]
    assert index.complete and sorted(index.sids) == everything
    others = {(None, status) for status in ("new", "ready", "inactive", "scheduled")}
    if fleets_are in ("known", "read-by-the-load"):
        assert set(asked) == others | {(f.sid, "active") for f in fleets}
    else:
        assert set(asked) == others | {(None, "active")}
    assert len(asked) == len(set(asked))  # each slice listed once
