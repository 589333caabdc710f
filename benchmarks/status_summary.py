"""status-summary: `status` (fleet x status slices listed in parallel) on 100,000 SIMs, against one
sequential listing pass over every SIM, both on the loopback simulator with 20 ms latency.

Same work on both sides: the baseline is raw httpx, each page decoded by msgspec with SIMs left
as raw JSON and counted, which is how ``status`` counts its slices (it decodes only the new and
inactive SIMs, as ``SimBrief``, to find those without a fleet: more than the baseline decodes).
The simulator serves each filtered page from its grouping index (``simulator/sim_groups.py``), so
the 37 fleet x status slices cost it what the one sequential pass does, and run in parallel.
"""

from __future__ import annotations

import asyncio
import time

import msgspec

from supersim_tui.api import BasicAuth, SuperSimClient
from supersim_tui.ops.summary import account_summary

from .loopback import ACCOUNT, TOKEN, loopback_simulator, sequential_listing


async def measure(sims: int) -> tuple[float, float, int]:
    with loopback_simulator("--sims", str(sims), "--latency-ms", "20") as url:
        async with SuperSimClient(BasicAuth(ACCOUNT, TOKEN), base_url=url, page_size=1000, timeout=60) as client:
            listing = await sequential_listing(url, item=msgspec.Raw)
            sequential, count = listing.seconds, listing.count
            start = time.perf_counter()
            summary = await account_summary(client)
            parallel = time.perf_counter() - start
    if sum(summary.totals.values()) != count:
        raise RuntimeError("status counted a different number of SIMs than the listing")
    return sequential, parallel, count


def run(sims: int = 100_000) -> bool:
    sequential, parallel, count = asyncio.run(measure(sims))
    ratio = parallel / sequential
    print(f"status-summary: {count:,} SIMs: status {parallel:.2f}s, one sequential listing pass {sequential:.2f}s")
    print(
        f"status-summary ratio (status / sequential pass): {ratio:.2f}  target < 1.00  "
        f"{'OK' if ratio < 1 else 'MISSED'}"
    )
    return ratio < 1
