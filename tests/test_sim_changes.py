"""ops.sim_changes: the rules for one SIM's update (shared by `sims update` and the TUI form) and the ICCID
filter's lookup of a SID or unique name."""

from __future__ import annotations

import pytest

from supersim_tui.api import SuperSimClient
from supersim_tui.ops.sim_changes import SimLookupError, iccid_for, update_fields, update_problem
from supersim_tui.simulator import Simulator


async def test_iccid_filter_accepts_an_iccid_a_sid_or_a_unique_name(
    client: SuperSimClient, simulator: Simulator
) -> None:
    """An ICCID is kept (separators dropped); a SID or unique name is looked up and its ICCID used; an unknown
    name or a bad check digit says what is wrong."""
    target = next(s for s in simulator.state.sims.values() if s.unique_name)
    spaced = " ".join(target.iccid[i : i + 4] for i in range(0, len(target.iccid), 4))
    assert await iccid_for(client, spaced) == target.iccid
    assert await iccid_for(client, target.sid) == target.iccid
    assert await iccid_for(client, target.unique_name or "") == target.iccid
    with pytest.raises(SimLookupError, match="no SIM with SID or unique name 'nope'"):
        await iccid_for(client, "nope")
    bad = target.iccid[:-1] + str((int(target.iccid[-1]) + 1) % 10)
    with pytest.raises(SimLookupError):
        await iccid_for(client, bad)


async def test_update_rules(client: SuperSimClient, simulator: Simulator) -> None:
    """Account only while new; ready only from new; activation needs a fleet; leaving a fleet not while
    ready/active; the callback goes only with a status or fleet change."""
    sims = {s.status: await client.fetch_sim(s.sid) for s in simulator.state.sims.values()}
    sub = simulator.state.subaccount_sids[0]
    assert update_problem(sims["active"], account_sid=sub) is not None
    assert update_problem(sims["new"], account_sid=sub) is None
    assert "ready is only possible from new" in (update_problem(sims["inactive"], status="ready") or "")
    assert "leave its fleet" in (update_problem(sims["active"], fleet_given=True, fleet_sid=None) or "")
    assert update_fields(sims["new"], callback_url="https://x.example/cb") == {}
    sent = update_fields(sims["inactive"], status="active", callback_url="https://x.example/cb", callback_method="GET")
    assert sent == {"status": "active", "callback_url": "https://x.example/cb", "callback_method": "GET"}
