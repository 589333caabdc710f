"""Re-read SIMs' current state before a plan is made (marks and results can be stale).

Few SIMs are fetched one by one; many are read by listing the account a page of 1,000 at a
time and keeping the ones asked for: 15,000 marks cost about 15 requests, not 15,000.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from ..api import Sim, SuperSimClient
from .select import fetch_each

FETCH_EACH_MAX = 50  # up to this many SIMs are fetched one by one; more are read by listing pages of 1,000


async def read_current(client: SuperSimClient, sids: Iterable[str], *, concurrency: int = 8) -> list[Sim]:
    """The SIMs with these SIDs as the API has them now, in the order asked (a SIM no longer there is left out)."""
    wanted = list(dict.fromkeys(sids))
    if not wanted:
        return []
    found: dict[str, Sim] = {}
    if len(wanted) <= FETCH_EACH_MAX:
        found = await fetch_each(client, wanted, gate=asyncio.Semaphore(concurrency))
    else:
        keep = set(wanted)
        pager = client.list_sims(page_size=1000)
        while pager.has_more and len(found) < len(keep):
            for sim in await pager.next_page():
                if sim.sid in keep:
                    found[sim.sid] = sim
    return [found[sid] for sid in wanted if sid in found]
