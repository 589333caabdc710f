"""Re-read SIMs' current state (marks, results and journals can be stale): before a plan is made, and when a
run is resumed. The one implementation; a SIM deleted since is simply absent, never an error.

Few SIMs are fetched one by one, in parallel; many are read by listing the account a page of 1,000 at a time
and keeping the ones asked for (stopping once all are seen): 15,000 marks cost about 15 requests, not 15,000.
The threshold compares round trips: :data:`FETCH_EACH_MAX` GETs, :data:`FETCH_CONCURRENCY` at once, take
about 3 round trips, what listing an account of 3,000 SIMs page by page takes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from ..api import Sim, SuperSimClient
from .select import fetch_each

FETCH_EACH_MAX = 50  # up to this many SIMs are fetched one by one; more are read by listing pages of 1,000
FETCH_CONCURRENCY = 20


async def read_current_by_sid(
    client: SuperSimClient, sids: Iterable[str], *, concurrency: int = FETCH_CONCURRENCY
) -> dict[str, Sim]:
    """SID → the SIM as the API has it now; a SIM no longer in the account has no entry."""
    wanted = list(dict.fromkeys(sids))
    found: dict[str, Sim] = {}
    if not wanted:
        return found
    if len(wanted) <= FETCH_EACH_MAX:
        return await fetch_each(client, wanted, gate=asyncio.Semaphore(max(1, concurrency)))
    keep = set(wanted)
    pager = client.list_sims(page_size=1000)
    while pager.has_more and len(found) < len(keep):
        for sim in await pager.next_page():
            if sim.sid in keep:
                found[sim.sid] = sim
    return found


async def read_current(
    client: SuperSimClient, sids: Iterable[str], *, concurrency: int = FETCH_CONCURRENCY
) -> list[Sim]:
    """The SIMs with these SIDs as the API has them now, in the order asked (a SIM no longer there is left out)."""
    wanted = list(dict.fromkeys(sids))
    found = await read_current_by_sid(client, wanted, concurrency=concurrency)
    return [found[sid] for sid in wanted if sid in found]
