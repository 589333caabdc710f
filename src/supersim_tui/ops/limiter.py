"""Concurrency that adapts to the API: halve on 429, grow back one step at a time."""

from __future__ import annotations

import asyncio


class AdaptiveLimiter:
    """Like a semaphore whose size shrinks when the API pushes back (AIMD).

    ``throttle()`` (on a 429) halves the number of requests allowed in flight;
    every ``limit`` successes in a row allow one more, up to ``maximum``.
    """

    def __init__(self, maximum: int):
        if maximum < 1:
            raise ValueError("concurrency must be at least 1")
        self.maximum = maximum
        self.limit = maximum
        self.active = 0
        self.lowest = maximum
        self._streak = 0
        self._condition = asyncio.Condition()

    async def acquire(self) -> None:
        async with self._condition:
            await self._condition.wait_for(lambda: self.active < self.limit)
            self.active += 1

    async def release(self, success: bool = True) -> None:
        async with self._condition:
            self.active -= 1
            if success:
                self._streak += 1
                if self._streak >= self.limit and self.limit < self.maximum:
                    self.limit += 1
                    self._streak = 0
            self._condition.notify_all()

    def throttle(self, retry_after: float | None = None) -> None:
        self.limit = max(1, self.limit // 2)
        self.lowest = min(self.lowest, self.limit)
        self._streak = 0
