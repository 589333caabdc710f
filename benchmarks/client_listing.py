"""client-listing: walking every SIM of a large account through SuperSimClient vs. the same
pages fetched with raw httpx and decoded by msgspec into the same typed page (``Sim``): both
do the same work, so the ratio is what the client itself adds (auth, retry policy, limiter,
paging guards, same-origin checks). Target: at most 1.5x. Traffic stays in-process (the
simulator through an ASGI transport), so the ratio is not hidden behind network time.
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx
import msgspec

from supersim_tui.api import BasicAuth, Sim, SuperSimClient
from supersim_tui.api.replies import page_type
from supersim_tui.simulator import Simulator, SimulatorConfig, asgi_transport


async def raw_walk(sim: Simulator, page_size: int) -> int:
    count = 0
    decoder = msgspec.json.Decoder(page_type("sims", Sim))
    async with httpx.AsyncClient(
        transport=asgi_transport(sim), base_url="http://127.0.0.1", auth=(sim.config.account_sid, sim.config.auth_token)
    ) as http:
        url: str | None = f"/v1/Sims?PageSize={page_size}"
        while url:
            page = decoder.decode((await http.get(url)).content)
            count += len(page.sims)
            url = page.meta.next_page_url
    return count


async def client_walk(sim: Simulator, page_size: int) -> int:
    client = SuperSimClient(
        BasicAuth(sim.config.account_sid, sim.config.auth_token),
        base_url="http://127.0.0.1",
        transport=asgi_transport(sim),
        page_size=page_size,
    )
    async with client:
        count = 0
        async for _ in client.list_sims():
            count += 1
    return count


def timed(walk: object, sim: Simulator, page_size: int) -> tuple[float, int]:
    start = time.perf_counter()
    count = asyncio.run(walk(sim, page_size))  # type: ignore[operator]
    return time.perf_counter() - start, count


def main(sims: int = 100_000, runs: int = 3) -> int:
    args = argparse.Namespace(sims=sims, runs=runs)
    sim = Simulator(SimulatorConfig(sims=args.sims, seed=1))
    timed(raw_walk, sim, 1000)  # warm-up (untimed): the simulator's first pass over the account is slower
    raws, typeds = [], []
    for _ in range(args.runs):  # interleaved, best of each
        raws.append(timed(raw_walk, sim, 1000))
        typeds.append(timed(client_walk, sim, 1000))
    (raw, raw_count), (typed, typed_count) = min(raws), min(typeds)
    assert raw_count == typed_count == args.sims, (raw_count, typed_count)
    ratio = typed / raw
    print(f"client-listing: {args.sims:,} SIMs in pages of 1000: client {typed:.2f}s, raw httpx+msgspec {raw:.2f}s")
    print(f"client-listing ratio (client / raw): {ratio:.2f}  target <= 1.50  {'OK' if ratio <= 1.5 else 'MISSED'}")
    return 0 if ratio <= 1.5 else 1
