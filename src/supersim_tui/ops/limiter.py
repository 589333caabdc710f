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
* **Stop growing when more in flight buys nothing** (latency-aware, Vegas-style). A level above what this
  machine (or the API) can serve only lengthens the queue: throughput stays flat and each request waits
  longer. So the round-trip time of each request is measured; once per round trip its median is compared
  with the lowest median seen (the unloaded time). While the median is more than :data:`LATENCY_TOLERANCE`
  times that, the level does not grow, and after two such round trips in a row it is brought down
  towards ``level x tolerance / ratio`` (at most to :data:`BACKOFF` of itself per round trip, never below
  the safe start): with throughput flat at ``X`` requests a second and unloaded time ``t``, that settles
  at about ``tolerance x X x t`` in flight, enough to keep ``X`` while the queue stays short. That level
  (``latency_ceiling``, kept apart from the allowance learnt from 429s, ``ceiling``) is passed only by the
  slow probe, not slow start. The test is relative, so it holds whether the client's CPU, the network or
  the API is what saturates.
"""

from __future__ import annotations

import asyncio
import math
import statistics

START_CONCURRENCY = 8  # a level every account allows; discovery grows from here
BACKOFF = 0.7  # multiplicative decrease on a 429 that does not say the account's count
MAX_PROBE_ROUNDS = 64  # a probe above a refused level waits at most this many round trips of successes
LATENCY_TOLERANCE = 2.0  # a round trip's median this many times the unloaded one: more in flight buys nothing
MIN_SAMPLES = 8  # a round trip's median is taken over at least this many requests


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
        self._waiting = 0  # requests waiting in acquire for a slot
        self._hold_until = 0  # 429s of requests released before this count were already acted on
        self._condition = asyncio.Condition()
        self._samples: list[float] = []  # round-trip times (seconds) of this round trip's successes
        self._window = MIN_SAMPLES
        self.unloaded: float | None = None  # the lowest round trip median seen: the time without a queue
        self.queueing = False  # the last round trip's median was over LATENCY_TOLERANCE x unloaded
        self.latency_ceiling: int | None = None  # the level a queue brought the level down to (None: none yet)

    async def acquire(self) -> None:
        async with self._condition:
            self._waiting += 1
            try:
                await self._condition.wait_for(lambda: self.active < self.limit)
            finally:
                self._waiting -= 1
            self.active += 1

    async def release(self, success: bool = True, seconds: float | None = None) -> None:
        """A request is over; ``seconds``: how long it took (acquire to release), for the latency test."""
        async with self._condition:
            # The requests in flight and those waiting for a slot fill the level: the level, not the work, held us
            # back. (Waiting ones count: when several responses are handled in one event-loop turn, as on a loaded
            # machine, the slots the first ones free are not taken yet when the next ones are released.)
            busy = self.active + self._waiting >= self.limit
            self.active -= 1
            self._released += 1
            if success and seconds is not None:
                self._sample(seconds)
            if success and busy and not self.queueing:
                self._grow()
            # Wake as many waiters as there are free slots, not all of them (up to 256 workers wait here).
            self._condition.notify(max(0, self.limit - self.active))

    def _grow(self) -> None:
        self._streak += 1
        if self.limit >= self.maximum:
            return
        known = min((c for c in (self.ceiling, self.latency_ceiling) if c is not None), default=None)
        if known is None or self.limit < known:
            self._set(self.limit + 1)  # slow start, or recovery up to a level known to be allowed
        elif self._streak >= self._probe_rounds * self.limit:
            # A whole probe window at the ceiling without a 429 (or a queue): this much works; try one more.
            if self.ceiling is not None:
                self.ceiling = max(self.ceiling, self.limit)
            if self.latency_ceiling is not None:
                self.latency_ceiling = max(self.latency_ceiling, self.limit)
            self._set(self.limit + 1)

    def _sample(self, seconds: float) -> None:
        if not self._samples:
            self._window = max(MIN_SAMPLES, self.limit)  # one round trip at the level this window started at
        self._samples.append(seconds)
        if len(self._samples) < self._window:
            return
        median = statistics.median(self._samples)
        self._samples.clear()
        if self.unloaded is None or median < self.unloaded:
            self.unloaded = median
        ratio = median / max(self.unloaded, 1e-6)
        was_queueing, self.queueing = self.queueing, ratio > LATENCY_TOLERANCE
        if self.queueing and was_queueing:  # two round trips in a row: a queue, not a moment's hiccup
            floor = min(START_CONCURRENCY, self.limit)
            level = max(floor, math.ceil(self.limit * LATENCY_TOLERANCE / ratio), int(self.limit * BACKOFF))
            if level < self.limit:
                self.latency_ceiling = level  # from here the level grows one per probe window, as after a 429
                self._set(level)

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
