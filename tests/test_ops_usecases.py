"""The use-cases the TUI and the CLI share, in ops/: reading the account in steps (fleets and NAPs, each NAP's
networks, a fleet's counts), selecting every SIM that matches filters, and reading SIMs' current state — each
checked against the simulator's state, not against mocks."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest

from supersim_tui.api import Pager, Sim, SuperSimClient
from supersim_tui.api.errors import ResponseFormatError
from supersim_tui.ops.current import read_current
from supersim_tui.ops.select import select_matching, select_named
from supersim_tui.ops.summary import account_summary, count_fleet, read_fleets_and_naps, read_nap_summaries
from supersim_tui.simulator import Simulator


async def test_account_read_in_steps_matches_the_simulator(simulator: Simulator, client: SuperSimClient) -> None:
    """Fleets and NAPs, each NAP's networks and users, and a fleet's counts by status are what the simulator
    holds; the one-shot account summary is built from the same steps and agrees."""
    fleets, naps = await read_fleets_and_naps(client)
    assert [f.sid for f in fleets] == list(simulator.state.fleets)
    assert [n.sid for n in naps] == list(simulator.state.naps)
    summaries = await read_nap_summaries(client, naps, fleets, gate=asyncio.Semaphore(2))
    for summary in summaries:
        record = simulator.state.naps[summary.nap.sid]
        assert sorted(n.sid for n in summary.networks) == sorted(record.network_sids)
        users = [f.unique_name for f in simulator.state.fleets.values() if f.network_access_profile_sid == record.sid]
        assert summary.fleets == users
    fleet = fleets[0]
    counts = await count_fleet(client, fleet.sid, ["active", "ready", "new"], gate=asyncio.Semaphore(2))
    expected = Counter(s.status for s in simulator.state.sims.values() if s.fleet_sid == fleet.sid)
    assert counts == {status: expected.get(status, 0) for status in ("active", "ready", "new")}
    whole = await account_summary(client)
    assert whole.fleets[0].counts["active"] == counts["active"]
    assert [n.countries for n in whole.naps] == [n.countries for n in summaries]


async def test_select_matching_returns_every_matching_sim_and_reports_progress(
    make_simulator: Callable[..., Simulator], make_client: Callable[..., SuperSimClient]
) -> None:
    """All SIMs with a status in a fleet, read 1,000 a page, once each; progress is reported per page."""
    sim = make_simulator(sims=2500)
    client = make_client(sim)
    fleet = next(iter(sim.state.fleets.values()))
    seen: list[int] = []
    found = await select_matching(
        client.list_sims, status="active", fleet=fleet.sid, fleet_sid=fleet.sid, on_page=seen.append
    )
    expected = [s.sid for s in sim.state.sims.values() if s.status == "active" and s.fleet_sid == fleet.sid]
    assert sorted(s.sid for s in found) == sorted(expected)
    assert seen and seen[-1] == len(expected)
    everything = await select_matching(client.list_sims, on_page=seen.append)
    assert len(everything) == 2500 and len({s.sid for s in everything}) == 2500


async def test_select_matching_refuses_a_server_that_ignored_a_filter(client: SuperSimClient) -> None:
    """A listing that ignores the status filter must not widen the selection: the first SIM that does not match
    is named in the error, and nothing is returned."""

    def ignores_status(
        *, status: str | None = None, fleet: str | None = None, iccid: str | None = None, page_size: int | None = None
    ) -> Pager[Sim]:
        return client.list_sims(fleet=fleet, iccid=iccid, page_size=page_size)

    with pytest.raises(ResponseFormatError, match="with status active, the server returned HS"):
        await select_matching(ignores_status, status="active")


async def test_read_current_leaves_out_a_sim_the_api_does_not_have(
    simulator: Simulator, client: SuperSimClient
) -> None:
    """Reading the current state of a few SIMs, one of which the API does not know (404): the others are
    returned in the order asked, the unknown one is left out (as when many are read by listing) instead of
    failing the whole read."""
    sids = list(simulator.state.sims)[:3]
    unknown = "HS" + "0" * 32
    current = await read_current(client, [sids[0], unknown, sids[1], sids[2]])
    assert [s.sid for s in current] == sids


async def test_select_named_and_read_current_share_one_bounded_fetch(
    simulator: Simulator, client: SuperSimClient
) -> None:
    """SIDs and unique names are fetched one by one, at most ``concurrency`` at a time, by both; a name the API
    does not know is reported missing."""
    records = list(simulator.state.sims.values())[:6]
    refs = [r.sid for r in records[:3]] + [r.unique_name or r.sid for r in records[3:]] + ["no-such-sim"]
    in_flight = peak = 0
    fetch = client.fetch_sim

    async def counted(ref: str) -> Sim:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            await asyncio.sleep(0.001)
            return await fetch(ref)
        finally:
            in_flight -= 1

    client.fetch_sim = counted  # type: ignore[method-assign,assignment]
    selection = await select_named(client, refs, concurrency=2)
    assert [s.sid for s in selection.sims] == [r.sid for r in records] and selection.missing == ["no-such-sim"]
    assert peak == 2
    peak = 0
    current = await read_current(client, [r.sid for r in records], concurrency=3)
    assert [s.sid for s in current] == [r.sid for r in records] and peak == 3
