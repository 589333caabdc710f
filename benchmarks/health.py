"""health: `health` on 100,000 SIMs against `status` on the same account, in one run, on the loopback
simulator with 20 ms latency. Target: health ≤ 2 × status."""

from __future__ import annotations

import asyncio
import time

from supersim_tui.api import BasicAuth, SuperSimClient
from supersim_tui.ops.health import account_health
from supersim_tui.ops.summary import account_summary

from .loopback import ACCOUNT, TOKEN, loopback_simulator


async def measure(sims: int) -> tuple[float, float, int, int]:
    with loopback_simulator("--sims", str(sims), "--latency-ms", "20") as url:
        async with SuperSimClient(BasicAuth(ACCOUNT, TOKEN), base_url=url, page_size=1000, timeout=60) as client:
            start = time.perf_counter()
            summary = await account_summary(client)
            status = time.perf_counter() - start
            start = time.perf_counter()
            report = await account_health(client)
            health = time.perf_counter() - start
    if report.sims_checked != sum(summary.totals.values()):
        raise RuntimeError("health checked a different number of SIMs than status counted")
    return status, health, report.sims_checked, len(report.findings)


def run(sims: int = 100_000) -> bool:
    status, health, count, findings = asyncio.run(measure(sims))
    ratio = health / status
    print(f"health: {count:,} SIMs: health {health:.2f}s ({findings} findings), status {status:.2f}s")
    print(f"health ratio (health / status): {ratio:.2f}  target ≤ 2.00  {'OK' if ratio <= 2 else 'MISSED'}")
    return ratio <= 2
