"""profile-bulk: where the client's time goes in a bulk run (a developer tool, not a benchmark with a target).

A loopback simulator (its own process, 50 ms per request, no concurrency limit) and one bulk run of N SIMs
at a fixed level, with a journal like the CLI's, under pyinstrument (a dev dependency). Prints the run's
rate and the profile of the client process.

    .venv/bin/python -m benchmarks.profile_bulk [N] [LEVEL]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler

from supersim_tui.api import BasicAuth, SuperSimClient
from supersim_tui.ops.bulk import BulkRunner, Change, plan_change
from supersim_tui.ops.journal import Journal

from .loopback import ACCOUNT, TOKEN, loopback_simulator


async def profile(n: int, level: int) -> None:
    with loopback_simulator("--sims", str(int(n * 1.9)), "--seed", "5", "--latency-ms", "50") as url:
        async with SuperSimClient(BasicAuth(ACCOUNT, TOKEN), base_url=url, page_size=1000) as client:
            active = (await client.list_sims(status="active", page_size=1000).collect())[:n]
            plan = plan_change(active, Change(status="inactive"))
            with tempfile.TemporaryDirectory() as folder:
                journal = Journal.create(
                    "profile", {"kind": "set-status", "change": plan.change.to_json()}, Path(folder)
                )
                runner = BulkRunner(client, concurrency=level, journal=journal, on_progress=lambda p: None)
                runner.limiter.limit = level  # a fixed level: the profile is of the per-SIM path, not discovery
                profiler = Profiler(async_mode="disabled")  # where the CPU goes, not what is awaited
                start = time.perf_counter()
                with profiler:
                    result = await runner.run(plan, "profile")
                seconds = time.perf_counter() - start
                journal.close()
    print(
        f"profile-bulk: {n:,} SIMs at level {level}: accepted {result.seconds_to_accepted:.2f}s "
        f"({n / result.seconds_to_accepted:.0f}/s), confirmed {seconds:.2f}s"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    asyncio.run(profile(*(int(a) for a in sys.argv[1:3])) if len(sys.argv) > 2 else profile(3000, 64))
