"""The simulator's filtered SIM listings (served from its grouping index, sim_groups.py) list exactly what a
scan of every SIM in the account's order would, from any page token, and follow every change of a SIM's
status, fleet or account however it is made."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from supersim_tui.simulator import Simulator, SimulatorConfig, asgi_transport
from supersim_tui.simulator.state import SIM_STATUSES, SimulatorState


def scanned(state: SimulatorState, status: str | None, fleet_sid: str | None, start: int) -> list[tuple[int, str]]:
    """What the listing must hold: every SIM of the account from ``start``, in order, that matches (a scan)."""
    found = []
    for position, sid in enumerate(state.sim_order):
        sim = state.sims[sid]
        if (
            position >= start
            and sim.account_sid == state.account_sid
            and (status is None or sim.status == status)
            and (fleet_sid is None or sim.fleet_sid == fleet_sid)
        ):
            found.append((position, sid))
    return found


def listed(state: SimulatorState, status: str | None, fleet: str | None, start: int) -> list[tuple[int, str]]:
    return [(position, sim.sid) for position, sim in state.list_sims(status, fleet, None, start)]


def every_slice(state: SimulatorState) -> list[tuple[str | None, str | None]]:
    statuses: list[str | None] = [None, *SIM_STATUSES]
    fleets: list[str | None] = [None, *state.fleets]
    return [(status, fleet) for status in statuses for fleet in fleets]


def assert_listings_match_a_scan(state: SimulatorState) -> None:
    starts = [0, 1, len(state.sim_order) // 3, len(state.sim_order) - 1, len(state.sim_order), 10**9]
    for status, fleet in every_slice(state):
        for start in starts:
            assert listed(state, status, fleet, start) == scanned(state, status, fleet, start), (status, fleet, start)


def test_every_filter_from_every_kind_of_start_lists_what_a_scan_finds(
    make_simulator: Callable[..., Simulator],
) -> None:
    """Status, fleet, both or neither, from the start, the middle, the last SIM and past the end."""
    sim = make_simulator(sims=400, seed=3)
    assert_listings_match_a_scan(sim.state)


def test_listings_follow_changes_made_any_way() -> None:
    """The same listings before and after: a status change by the API's rules (scheduled, then settled with
    its fleet), a SIM moved to a subaccount, a field set directly on a record, and a SIM added."""
    now = [0.0]
    state = Simulator(SimulatorConfig(sims=200, seed=5, settle_seconds=10), clock=lambda: now[0]).state
    assert_listings_match_a_scan(state)  # builds the groups
    new = next(s for s in state.sims.values() if s.status == "new" and s.fleet_sid is None)
    fleet = next(iter(state.fleets))
    before = listed(state, "ready", None, 0)
    groups = state.sim_groups()
    held = state.list_sims("active", None, None, 0)
    next(held)  # a listing half read while SIMs change (the groups change under it without failing)
    state.update_sim(new.sid, {"Status": "ready", "Fleet": fleet})  # scheduled now, ready once settled
    assert new.sid not in [sid for _, sid in listed(state, "new", None, 0)]
    assert (new.index, new.sid) in listed(state, "scheduled", None, 0)
    assert new.sid not in [sid for _, sid in listed(state, None, fleet, 0)]  # the fleet comes when settled
    now[0] = 60.0
    assert (new.index, new.sid) in listed(state, "ready", fleet, 0)
    assert len(listed(state, "ready", None, 0)) == len(before) + 1
    assert state.sim_groups() is groups  # the simulator's own changes moved the SIM: no pass over the account
    assert_listings_match_a_scan(state)
    other = next(s for s in state.sims.values() if s.status == "new" and s.sid != new.sid)
    state.update_sim(other.sid, {"AccountSid": state.subaccount_sids[0]})
    assert other.sid not in [sid for _, sid in listed(state, None, None, 0)]
    assert_listings_match_a_scan(state)
    direct = next(s for s in state.sims.values() if s.status == "inactive")
    direct.status = "active"  # as a test or the usage model may do
    assert (direct.index, direct.sid) in listed(state, "active", None, 0)
    assert_listings_match_a_scan(state)
    added = state._add_sim("8988307000099999999", state.account_sid, "new", None, None, state.now_iso())
    assert listed(state, "new", None, added.index) == [(added.index, added.sid)]
    assert_listings_match_a_scan(state)


async def test_paging_a_filtered_listing_over_http_gives_the_scanned_sims_and_tokens(
    make_simulator: Callable[..., Simulator],
) -> None:
    """Pages of 7 by status and by fleet: together the scanned SIMs, each next page's token the position of
    its first SIM (PA<position>), as before the index."""
    sim = make_simulator(sims=150, seed=2)
    state = sim.state
    fleet = next(iter(state.fleets))
    async with httpx.AsyncClient(
        transport=asgi_transport(sim),
        base_url="http://127.0.0.1",
        auth=(sim.config.account_sid, sim.config.auth_token),
    ) as http:
        for params in ({"Status": "active"}, {"Fleet": fleet}, {"Status": "new", "Fleet": fleet}, {}):
            expected = scanned(state, params.get("Status"), params.get("Fleet"), 0)
            sids: list[str] = []
            url: str | None = "/v1/Sims"
            query: dict[str, Any] | None = {**params, "PageSize": 7}
            while url:
                body = (await http.get(url, params=query)).json()
                sids += [s["sid"] for s in body["sims"]]
                url, query = body["meta"]["next_page_url"], None
                if url:
                    assert f"PageToken=PA{expected[len(sids)][0]}" in url
            assert sids == [sid for _, sid in expected]
