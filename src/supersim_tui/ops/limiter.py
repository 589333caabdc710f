"""Concurrency that finds the account's allowance and runs just under it.

Twilio limits how many requests an account may have in flight (error 20429, "your account
exceeds allowed concurrency"), publishes no fixed figure, and accounts differ. So the bulk
engine discovers it, TCP-style, and never goes above the user's cap (``maximum``):

* **Start** at a safe level (:data:`START_CONCURRENCY`, or the cap if lower).
* **Grow while requests succeed** and every slot is in use (when the work, or this machine, cannot
  fill the level, a higher level would only be a number). Until the first 429, one more per success (the level
  doubles each round trip, "slow start"); below a level known to be allowed again after a
  back-off, the same. At the known ceiling, one more per ``probe_window`` successes
  (additive increase): the window starts at one round trip of successes and doubles each time
  a probe is refused, so an account running at its allowance sees few 429s (the share falls
  as the run goes on: a handful per ten thousand requests).
* **Back off on a 429.** When the response carries ``Twilio-Concurrent-Requests`` (how many
  requests the account had in flight, the refused one included), the allowance is at most
  that minus one: the level drops straight to it; when the header is no lower than the level
  (other requests share the account), one step down. Without the header the level is cut to
  :data:`BACKOFF` of itself (multiplicative decrease). One cut per round trip: the 429s of
  requests that were already in flight when the level was cut do not cut it again (the
  header still lowers it to what it says).
"""

from __future__ import annotations

import asyncio

START_CONCURRENCY = 8  # a level every account allows; discovery grows from here
BACKOFF = 0.7  # multiplicative decrease on a 429 that does not say the account's count
MAX_PROBE_ROUNDS = 64  # a probe above a refused level waits at most this many round trips of successes


class AdaptiveLimiter:
    """Like a semaphore whose size follows the API's allowance (see the module docstring).

    ``limit`` is the current concurrency (shown in progress displays), ``lowest``/``highest``
    the range it took, ``throttled`` the 429s reported through :meth:`throttle`.
    """

    def __init__(self, maximum: int, start: int = START_CONCURRENCY):
        if maximum < 1:
            raise ValueError("concurrency must be at least 1")
        self.maximum = maximum
        self.limit = max(1, min(maximum, start))
        self.active = 0
        self.lowest = self.limit
        self.highest = self.limit
        self.throttled = 0
        self.ceiling: int | None = None  # the highest level known to be allowed (None: no 429 yet)
        self._streak = 0  # successes since the level last changed
        self._probe_rounds = 1  # a probe above the ceiling waits this many round trips of successes
        self._released = 0
        self._hold_until = 0  # 429s of requests released before this count were already acted on
        self._condition = asyncio.Condition()

    async def acquire(self) -> None:
        async with self._condition:
            await self._condition.wait_for(lambda: self.active < self.limit)
            self.active += 1

    async def release(self, success: bool = True) -> None:
        async with self._condition:
            busy = self.active >= self.limit  # every slot was taken: the level, not the work, held us back
            self.active -= 1
            self._released += 1
            if success and busy:
                self._grow()
            # Wake as many waiters as there are free slots, not all of them (up to 256 workers wait here).
            self._condition.notify(max(0, self.limit - self.active))

    def _grow(self) -> None:
        self._streak += 1
        if self.limit >= self.maximum:
            return
        if self.ceiling is None or self.limit < self.ceiling:
            self._set(self.limit + 1)  # slow start, or recovery up to a level known to be allowed
        elif self._streak >= self._probe_rounds * self.limit:
            # A whole probe window at the ceiling without a 429: the account allows this much; try one more.
            self.ceiling = self.limit
            self._set(self.limit + 1)

    def throttle(self, retry_after: float | None = None, concurrent: int | None = None) -> None:
        """A 429: lower the level (see the module docstring). ``concurrent`` is Twilio-Concurrent-Requests."""
        self.throttled += 1
        probing = self.ceiling is None or self.limit > self.ceiling
        told = concurrent - 1 if concurrent is not None and concurrent >= 1 else None
        if told is not None and told < self.limit:
            level = max(1, told)
        elif self._released < self._hold_until:
            return  # this round trip was already cut for
        elif told is not None:
            # The account is at its allowance while this run is at or below it: other requests (another client,
            # this run's follow-up listing) share it. One step down per round trip makes room for them; the
            # level is probed back up like any other (a step lost to a frequent co-tenant beats a 429 stream).
            level = self.limit - 1
        else:
            level = max(1, int(self.limit * BACKOFF))
        if probing and self.ceiling is not None and self._released >= self._hold_until:
            self._probe_rounds = min(self._probe_rounds * 2, MAX_PROBE_ROUNDS)  # a refused probe: wait longer
        self.ceiling = level
        self._hold_until = self._released + self.active
        self._set(level)

    def _set(self, level: int) -> None:
        self.limit = max(1, min(level, self.maximum))
        self.lowest = min(self.lowest, self.limit)
        self.highest = max(self.highest, self.limit)
        self._streak = 0
