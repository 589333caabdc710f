"""The account's first reads, started as soon as the client exists: before the UI has imported and drawn
anything, so that the server's answers are on their way while it starts (issue 16: start to the first SIM rows).

What the main screen reads first: the fleets and NAPs, and the first page of each status slice of the SIM
listing (as :func:`~.sim_index.load_index` lists them with no filter). The screen takes each read once, when it
would have made it (:meth:`FirstReads.sim_pager` gives the listing's pager, whose first page is read ahead);
whatever is not taken is cancelled by :meth:`FirstReads.close`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from ..api import Fleet, NetworkAccessProfile, Pager, Sim, SuperSimClient
from .sim_index import LOAD_PAGE_SIZE, STATUS_NAMES
from .summary import read_fleets_and_naps

FleetsAndNaps = tuple[list[Fleet], list[NetworkAccessProfile]]


@dataclass
class FirstReads:
    fleets_and_naps: asyncio.Task[FleetsAndNaps] | None
    sims: dict[str, Pager[Sim]] = field(default_factory=dict)  # status → its listing, first page read ahead

    @classmethod
    def start(cls, client: SuperSimClient) -> FirstReads:
        """Start the reads (in tasks of the running loop)."""
        reads = cls(asyncio.create_task(read_fleets_and_naps(client), name="first fleets and NAPs"))
        for status in STATUS_NAMES[1:]:
            pager = client.list_sims(status=status, page_size=LOAD_PAGE_SIZE)
            pager.prefetch()
            reads.sims[status] = pager
        return reads

    def take_fleets_and_naps(self) -> asyncio.Task[FleetsAndNaps] | None:
        task, self.fleets_and_naps = self.fleets_and_naps, None
        return task

    def sim_pager(
        self, *, status: str | None, fleet: str | None, iccid: str | None, page_size: int | None
    ) -> Pager[Sim] | None:
        """The listing read ahead for exactly this request (taken once), or None."""
        if fleet is None and iccid is None and page_size == LOAD_PAGE_SIZE and status is not None:
            return self.sims.pop(status, None)
        return None

    async def close(self) -> None:
        """Cancel (and wait for) every read not taken."""
        task, self.fleets_and_naps = self.fleets_and_naps, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        pagers, self.sims = list(self.sims.values()), {}
        for pager in pagers:
            await pager.discard()
