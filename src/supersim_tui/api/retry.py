"""Bounded retry timing: jittered exponential backoff that honours Retry-After.

Hand-written rather than a retry library because the decision of *whether* a
failed request may be repeated depends on what it was (a GET, an absolute
update, or a registration that must be checked first) and lives in the client;
this module only says how long to wait and when to give up.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class RetryPolicy:
    """At most ``attempts`` tries of one request, within ``total_seconds`` overall."""

    attempts: int = 5
    base_delay: float = 0.25
    max_delay: float = 8.0
    total_seconds: float = 60.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before try ``attempt + 1`` (``attempt`` counts from 1)."""
        if retry_after is not None and math.isfinite(retry_after):
            # An absurd Retry-After (10^9 s) is capped; the caller then sees it does not fit the deadline.
            return min(max(retry_after, 0.0), self.total_seconds)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return self.rng.uniform(ceiling / 2, ceiling)  # "equal jitter"


NO_RETRY = RetryPolicy(attempts=1)


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()[:100]
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
            seconds = moment.timestamp() - now()
        except (TypeError, ValueError, OverflowError, IndexError):
            return None
    if not math.isfinite(seconds):
        return None  # "nan", "inf": not a time to wait
    return max(seconds, 0.0)
