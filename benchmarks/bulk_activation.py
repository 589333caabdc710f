"""bulk-activation: activating 1,000 new SIMs on the loopback simulator with 50 ms latency.

Compared, in the same run, with (a) a one-at-a-time loop of the same requests and
(b) the physical limit N x latency / concurrency. The engine run writes its journal as a
real run does (the plan fsynced before the first request, outcome records fsynced in
batches). Targets: at most 0.1 of the sequential loop, within 1.25x of the physical limit, judged like for like on the
time until the API has accepted every update (the loop does nothing more). The
time until every asynchronous update has been read back final (``scheduled`` left,
checked) is printed too, with its ratios. The sequential loop is timed on a sample
and scaled (its time is linear in N).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from supersim_tui.api import BasicAuth, Sim, SuperSimClient
from supersim_tui.ops.bulk import BulkRunner, Change, plan_change
from supersim_tui.ops.journal import Journal

from .loopback import ACCOUNT, TOKEN, loopback_simulator

LATENCY_MS = 50
SETTLE_SECONDS = 0.1  # how long the simulated network takes to apply an activation
CONCURRENCY = 16  # the user cap; the engine starts lower and grows to it (no account limit here)


async def _candidates(client: SuperSimClient, count: int) -> list[Sim]:
    sims = [s for s in await client.list_sims(status="new", page_size=1000).collect() if s.fleet_sid]
    if len(sims) < count:
        raise RuntimeError(f"only {len(sims)} activatable SIMs")
    return sims[:count]


async def measure(n: int, concurrency: int, sample: int) -> dict[str, float]:
    with loopback_simulator(
        "--sims", str(n * 12), "--seed", "3", "--latency-ms", str(LATENCY_MS), "--settle-seconds", str(SETTLE_SECONDS)
    ) as url:
        async with SuperSimClient(BasicAuth(ACCOUNT, TOKEN), base_url=url, page_size=1000) as client:
            sims = await _candidates(client, n + sample)
            engine_sims, loop_sims = sims[:n], sims[n:]
            plan = plan_change(engine_sims, Change(status="active"))
            with tempfile.TemporaryDirectory() as folder:  # journaled (plan fsynced, outcomes in batches), as used
                journal = Journal.create("bench", {"kind": "set-status", "change": plan.change.to_json()}, Path(folder))
                result = await BulkRunner(client, concurrency=concurrency, journal=journal).run(plan, "bench")
                journal.close()
            if result.count("done") != n:
                raise RuntimeError(f"only {result.count('done')} of {n} SIMs were activated")
            start = time.perf_counter()
            for sim in loop_sims:
                await client.update_sim(sim.sid, status="active")
            sequential = (time.perf_counter() - start) / sample * n
    return {
        "accepted": result.seconds_to_accepted,
        "confirmed": result.seconds_to_confirmed,
        "sequential": sequential,
        "limit": n * LATENCY_MS / 1000 / concurrency,
    }


def run(n: int = 1000, concurrency: int = CONCURRENCY, sample: int = 100) -> bool:
    f = asyncio.run(measure(n, concurrency, sample))
    print(
        f"bulk-activation: {n:,} SIMs, {LATENCY_MS} ms latency, concurrency {concurrency}: all accepted "
        f"{f['accepted']:.2f}s, all confirmed final {f['confirmed']:.2f}s; sequential loop {f['sequential']:.1f}s "
        f"(scaled from {sample}); physical limit {f['limit']:.2f}s"
    )
    vs_loop, vs_limit = f["accepted"] / f["sequential"], f["accepted"] / f["limit"]
    print(
        f"bulk-activation ratio to sequential (accepted): {vs_loop:.3f}  target <= 0.100  "
        f"{'OK' if vs_loop <= 0.1 else 'MISSED'}"
    )
    print(
        f"bulk-activation ratio to physical limit (accepted): {vs_limit:.2f}  target <= 1.25  "
        f"{'OK' if vs_limit <= 1.25 else 'MISSED'}"
    )
    print(
        f"bulk-activation with follow-up (confirmed): {f['confirmed'] / f['sequential']:.3f} of sequential, "
        f"{f['confirmed'] / f['limit']:.2f}x the physical limit"
    )
    return vs_loop <= 0.1 and vs_limit <= 1.25
