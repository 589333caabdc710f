"""The limiter's latency test (ops/limiter.py): against a server whose throughput is fixed (requests queue
behind each other, so more in flight only lengthens each one), the level stops growing near what keeps that
throughput, far below a high user cap, and the throughput is not lost; against a server that is not
saturated, the level still grows to the cap."""

from __future__ import annotations

import asyncio
import time

from supersim_tui.ops.limiter import LATENCY_TOLERANCE, AdaptiveLimiter


async def _drive(limiter: AdaptiveLimiter, requests: int, *, unloaded: float, rate: float | None) -> float:
    """``requests`` through ``limiter`` against a server taking ``unloaded`` seconds each and serving at most
    ``rate`` a second (processor sharing: n in flight each take max(unloaded, n / rate)); the throughput."""
    in_flight = 0
    queue = list(range(requests))

    async def worker() -> None:
        nonlocal in_flight
        while queue:
            queue.pop()
            await limiter.acquire()
            in_flight += 1
            began = time.monotonic()
            await asyncio.sleep(unloaded if rate is None else max(unloaded, in_flight / rate))
            in_flight -= 1
            await limiter.release(True, time.monotonic() - began)

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(limiter.maximum)))
    return requests / (time.monotonic() - start)


async def test_level_stops_growing_when_the_server_is_saturated() -> None:
    """A server serving 400 a second with 25 ms unloaded: 10 in flight already saturate it. With a cap of 128
    the level stays near tolerance x 10, not 128, and the run keeps most of the 400 a second."""
    limiter = AdaptiveLimiter(128)
    throughput = await _drive(limiter, 1500, unloaded=0.025, rate=400)
    knee = 400 * 0.025
    assert limiter.limit <= 3 * LATENCY_TOLERANCE * knee, (limiter.limit, limiter.highest)
    assert limiter.highest < 64, limiter.highest
    assert throughput >= 0.7 * 400, throughput


async def test_level_grows_to_the_cap_when_the_server_keeps_up() -> None:
    """A server that is never saturated (20 ms whatever the load): the level grows to the cap of 32."""
    limiter = AdaptiveLimiter(32)
    await _drive(limiter, 500, unloaded=0.02, rate=None)
    assert limiter.highest == 32 and not limiter.queueing
