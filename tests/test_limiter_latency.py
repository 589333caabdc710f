"""The limiter's latency test (ops/limiter.py): against a server whose throughput is fixed (requests queue
behind each other, so more in flight only lengthens each one), the level stops growing near what keeps that
throughput, far below a high user cap, and the throughput is not lost; against a server that is not
saturated, the level still grows to the cap.

The server's latency is simulated on a virtual clock (tests/virtual_clock.py): the round trips the limiter is
given are the simulated ones, so the rule is tested itself, not this machine's load (on a busy machine the
event loop's own delays would look like server saturation and stop the growth).
"""

from __future__ import annotations

import asyncio

from supersim_tui.ops.limiter import LATENCY_TOLERANCE, AdaptiveLimiter

from .virtual_clock import run_on_virtual_clock


async def _drive(limiter: AdaptiveLimiter, requests: int, *, unloaded: float, rate: float | None) -> float:
    """``requests`` through ``limiter`` against a server taking ``unloaded`` seconds each and serving at most
    ``rate`` a second (processor sharing: n in flight each take max(unloaded, n / rate)); the throughput."""
    clock = asyncio.get_running_loop().time
    in_flight = 0
    queue = list(range(requests))

    async def worker() -> None:
        nonlocal in_flight
        while queue:
            queue.pop()
            await limiter.acquire()
            in_flight += 1
            began = clock()
            await asyncio.sleep(unloaded if rate is None else max(unloaded, in_flight / rate))
            in_flight -= 1
            await limiter.release(True, clock() - began)

    start = clock()
    await asyncio.gather(*(worker() for _ in range(limiter.maximum)))
    return requests / (clock() - start)


def test_level_stops_growing_when_the_server_is_saturated() -> None:
    """A server serving 400 a second with 25 ms unloaded: 10 in flight already saturate it. With a cap of 128
    the level settles between 10 and about tolerance x 10, not 128, and the run keeps the 400 a second. Slow
    start doubles the level each round trip and a queue shows in the medians a round trip late, so on the
    way up the level may overshoot to about twice tolerance x 10 (never to the cap) before it is brought down."""
    limiter = AdaptiveLimiter(128)
    throughput = run_on_virtual_clock(_drive(limiter, 1500, unloaded=0.025, rate=400))
    knee = 400 * 0.025
    assert knee <= limiter.limit <= 1.5 * LATENCY_TOLERANCE * knee, (limiter.limit, limiter.highest)
    assert limiter.latency_ceiling is not None and limiter.highest <= 4 * LATENCY_TOLERANCE * knee, limiter.highest
    assert throughput >= 0.9 * 400, throughput


def test_level_grows_to_the_cap_when_the_server_keeps_up() -> None:
    """A server that is never saturated (20 ms whatever the load): the level grows to the cap of 32."""
    limiter = AdaptiveLimiter(32)
    run_on_virtual_clock(_drive(limiter, 500, unloaded=0.02, rate=None))
    assert limiter.highest == 32 and not limiter.queueing
