"""concurrency-discovery: 10,000 SIMs changed on accounts with different concurrency allowances.

The loopback simulator (its own process, real sockets, 50 ms per request) refuses requests
above C in flight (``--max-concurrency C``: 429 / 20429 with Twilio-Concurrent-Requests, no
Retry-After), for C in 8, 32 and 128. The engine is given the largest user cap (256) and must
find C itself. Its time from the start of the run to every SIM confirmed final (``scheduled``
left, read back) is compared with the physical limit of that account, N x latency / C, in the
same run; target at most 1.3x for each C, with the share of update requests refused (429)
printed, target at most 5%. The whole command's time, which also resolves the 10,000 ICCIDs
from a file, is printed alongside, with its own ratio.

The machine's load average is printed with the figures: the client and the simulator share it.

The machine's own ceiling is measured in the same run, on the same simulator before its allowance is set:
a bare httpx loop (no engine: no limiter, retries, journal or decoding beyond ``json()``) sends the same
update requests to other SIMs with 16, 64 and 256 in flight (256: as good as unlimited), and its best rate
is the most requests a second this machine pushes through client and simulator together. (More in flight
is not faster on a saturated machine: each extra request only adds overhead.) The run is then also compared with
``max(N x latency / C, N / ceiling)``: what the account allows, or what the machine allows, whichever is
slower. On two shared cores that ceiling is a few hundred requests a second, so for C=128 (2,560 a second
needed at 50 ms) the issue's ratio cannot be met here; the second ratio says how close the engine gets.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
import urllib.parse
import urllib.request
from typing import Any

import httpx

from supersim_tui.api import BasicAuth, SuperSimClient
from supersim_tui.api.pool import ShardedTransport
from supersim_tui.ops.bulk import BulkRunner, Change, plan_change
from supersim_tui.ops.select import select_named

from .loopback import ACCOUNT, TOKEN, loopback_simulator

LATENCY_MS = 50
SETTLE_SECONDS = 0.1
USER_CAP = 256
ALLOWANCES = (8, 32, 128)
TARGET_RATIO = 1.3
TARGET_REFUSED = 0.05
CEILING_SAMPLE = 3000  # updates the bare loop sends to measure the machine's ceiling, a third at each level
CEILING_LEVELS = (16, 64, 256)  # requests in flight for the bare loop; the ceiling is the best of them


def _admin(url: str, path: str, form: dict[str, str] | None = None) -> Any:
    """One call to the simulator's /_simulator/ endpoints (loopback only)."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url + "/_simulator/" + path, data=data, method="POST" if data else "GET")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode())
    with urllib.request.urlopen(request, timeout=60) as reply:
        return json.load(reply)


def _update_counts(url: str) -> tuple[int, int]:
    """(update POSTs answered, of which 429) from the simulator's request log."""
    posts = [
        r for r in _admin(url, "requests")["requests"] if r["method"] == "POST" and r["path"].startswith("/v1/Sims/")
    ]
    return len(posts), sum(1 for r in posts if r["status"] == 429)


async def bare_rate(url: str, sids: list[str], in_flight: int) -> float:
    """Updates a second a bare httpx loop with ``in_flight`` requests at once gets through this machine and
    the simulator (no allowance set)."""
    todo = list(sids)
    transport = ShardedTransport(max(1, in_flight // 8))
    async with httpx.AsyncClient(
        base_url=url, auth=httpx.BasicAuth(ACCOUNT, TOKEN), transport=transport, timeout=60
    ) as http:

        async def worker() -> None:
            while todo:
                sid = todo.pop()
                for attempt in range(3):  # a keep-alive connection the server closed: try again (an absolute update)
                    try:
                        reply = await http.post(f"/v1/Sims/{sid}", data={"Status": "inactive"})
                        break
                    except httpx.TransportError:
                        if attempt == 2:
                            raise
                reply.raise_for_status()
                reply.json()

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        return len(sids) / (time.perf_counter() - start)


async def bare_ceiling(url: str, sids: list[str]) -> dict[int, float]:
    """The bare loop's rate at each of :data:`CEILING_LEVELS` in flight (the last: as good as unlimited)."""
    share = len(sids) // len(CEILING_LEVELS)
    return {
        level: await bare_rate(url, sids[i * share : (i + 1) * share], level) for i, level in enumerate(CEILING_LEVELS)
    }


async def measure(n: int, allowance: int) -> dict[str, float]:
    with loopback_simulator(
        "--sims",
        str(int((n + CEILING_SAMPLE) * 1.9)),
        "--seed",
        "5",
        "--latency-ms",
        str(LATENCY_MS),
        "--settle-seconds",
        str(SETTLE_SECONDS),
    ) as url:
        async with SuperSimClient(BasicAuth(ACCOUNT, TOKEN), base_url=url, page_size=1000) as client:
            active = await client.list_sims(status="active", page_size=1000).collect()
            if len(active) < n + CEILING_SAMPLE:
                raise RuntimeError(f"only {len(active)} active SIMs")
            iccids = [s.iccid or s.sid for s in active[:n]]
            rates = await bare_ceiling(url, [s.sid for s in active[n : n + CEILING_SAMPLE]])
            ceiling = max(rates.values())
            # Only now the account's allowance applies: the setup above is not part of the measure.
            _admin(url, "concurrency", {"Max": str(allowance), "Reset": "true"})
            posts_before, _ = _update_counts(url)
            start = time.perf_counter()
            selection = await select_named(client, iccids, concurrency=USER_CAP)
            resolved = time.perf_counter() - start
            if len(selection.sims) != n:
                raise RuntimeError(f"resolved {len(selection.sims)} of {n} ICCIDs")
            plan = plan_change(selection.sims, Change(status="inactive"))
            runner = BulkRunner(client, concurrency=USER_CAP)
            cpu = time.process_time()
            result = await runner.run(plan, "bench")
            cpu = time.process_time() - cpu  # this process only: the simulator has its own
            total = time.perf_counter() - start
            if result.count("done") != n:
                raise RuntimeError(f"only {result.count('done')} of {n} SIMs were changed")
            posts, refused = _update_counts(url)
            report = _admin(url, "concurrency")
    return {
        "confirmed": result.seconds_to_confirmed,
        "accepted": result.seconds_to_accepted,
        "total": total,
        "resolved": resolved,
        "posts": posts - posts_before,
        "refused": refused,
        "peak": report["peak_in_flight"],
        "highest": runner.limiter.highest,
        "final": runner.limiter.limit,
        "limit": n * LATENCY_MS / 1000 / allowance,
        "ceiling": ceiling,
        "cpu_per_update": cpu / n,
        **{f"bare_{level}": rate for level, rate in rates.items()},
        "machine_limit": max(n * LATENCY_MS / 1000 / allowance, n / ceiling),
    }


def run(n: int = 10_000, allowances: tuple[int, ...] = ALLOWANCES) -> bool:
    ok = True
    for allowance in allowances:
        f = asyncio.run(measure(n, allowance))
        load = os.getloadavg()
        ratio, share = f["confirmed"] / f["limit"], f["refused"] / max(f["posts"], 1)
        good = ratio <= TARGET_RATIO and share <= TARGET_REFUSED
        ok = ok and good
        print(
            f"concurrency-discovery: {n:,} SIMs, {LATENCY_MS} ms latency, account allowance {allowance}, "
            f"user cap {USER_CAP}: all accepted {f['accepted']:.2f}s, all confirmed {f['confirmed']:.2f}s "
            f"(physical limit {f['limit']:.2f}s); "
            f"whole command with {n:,} ICCIDs resolved {f['total']:.2f}s (resolving {f['resolved']:.2f}s); "
            f"level found {int(f['final'])} (highest {int(f['highest'])}, peak in flight {int(f['peak'])}); "
            f"load average {load[0]:.2f}"
        )
        print(
            f"concurrency-discovery C={allowance} ratio to physical limit (confirmed): {ratio:.2f}  "
            f"target <= {TARGET_RATIO}  {'OK' if ratio <= TARGET_RATIO else 'MISSED'}; whole command "
            f"{f['total'] / f['limit']:.2f}"
        )
        print(
            f"concurrency-discovery C={allowance} machine ceiling (bare httpx loop, updates/s at "
            + ", ".join(f"{level} in flight {f[f'bare_{level}']:.0f}" for level in CEILING_LEVELS)
            + f"): {f['ceiling']:.0f}/s; ratio to max(N x latency / C, N / ceiling) = "
            f"{f['machine_limit']:.2f}s (confirmed): {f['confirmed'] / f['machine_limit']:.2f}"
        )
        print(
            f"concurrency-discovery C={allowance} client CPU {f['cpu_per_update'] * 1000:.2f} ms per SIM (updates, "
            f"follow-up reads, journal): one whole core would top out at {1 / f['cpu_per_update']:.0f} updates/s; "
            f"C x 1000 / latency = {allowance * 1000 / LATENCY_MS:.0f}/s needed"
        )
        print(
            f"concurrency-discovery C={allowance} updates refused (429): {int(f['refused'])} of {int(f['posts'])} "
            f"= {share:.1%}  target <= {TARGET_REFUSED:.0%}  {'OK' if share <= TARGET_REFUSED else 'MISSED'}"
        )
    return ok


if __name__ == "__main__":
    import sys

    # python -m benchmarks.concurrency_discovery [N [C ...]]
    sizes = [int(a) for a in sys.argv[1:]]
    ok = run(sizes[0], tuple(sizes[1:]) or ALLOWANCES) if sizes else run()
    raise SystemExit(0 if ok else 1)
