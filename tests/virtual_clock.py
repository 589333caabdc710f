"""An asyncio event loop on a virtual clock, for tests of rules that measure time (the limiter's latency test,
the engine's discovery of the allowance).

``loop.time()`` starts at 0 and moves only when the loop has nothing to run: instead of waiting for its next
timer, the loop jumps to it. So ``asyncio.sleep(0.02)`` takes exactly 0.02 s of loop time and the work the
process does between timers takes none: what such a test measures is the latency it simulates, whatever the
machine's speed or load (a loaded machine only makes the test take longer in wall-clock time). Code under test
must read the loop's clock (``asyncio.get_running_loop().time()``), which in the product is ``time.monotonic``.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose clock jumps to the next timer whenever the loop would wait for it."""

    def __init__(self) -> None:
        super().__init__()
        self._virtual_now = 0.0
        selector: Any = self._selector  # type: ignore[attr-defined]
        real_select = selector.select

        def select(timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
            ready: list[tuple[selectors.SelectorKey, int]] = real_select(0)
            if ready:
                return ready
            if timeout is None:  # nothing scheduled: only another thread (or real I/O) can wake the loop
                return list(real_select(None))
            self._virtual_now += max(0.0, timeout)
            return []

        selector.select = select

    def time(self) -> float:
        return self._virtual_now


def run_on_virtual_clock(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion on a fresh :class:`VirtualClockLoop`."""
    loop = VirtualClockLoop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
