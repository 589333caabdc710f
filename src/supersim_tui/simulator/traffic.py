"""How simulated SIMs use data: segments of steady or varying daily use, summed exactly in O(1).

A SIM's usage is a list of :class:`UsageSegment`: from a day (inclusive) to a day (exclusive, or
ongoing), in a fleet, on a network, at a mean number of bytes a day. A varying segment's day is
its mean times a factor from one of :data:`COHORTS` cyclic tables (500-1500 thousandths, averaging
about 1000); a steady one (a ``ready`` SIM testing its connection) uses the same every day. Daily
means are multiples of 24,000 bytes, so every hour's share (a 24th of the day) is a whole number of
bytes and any grouping of records sums exactly to the ungrouped total.

Time is counted in whole hours since 1970-01-01 UTC: usage is reported per hour, up to the start of
the simulated world's current hour (:meth:`SimulatorState.world_now`).
"""

from __future__ import annotations

import heapq
import random
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol


class SimRecord(Protocol):
    """What the usage lifecycle reads and writes of a simulated SIM (state.SimRecord; structural, so this module
    needs no import of state.py, which imports it)."""

    sid: str
    index: int
    status: str
    fleet_sid: str | None
    date_updated: str
    usage: list[UsageSegment]
    sms_commands: int
    auto_active_hour: int | None


class SimulatorState(Protocol):
    """What the usage lifecycle needs of the simulated world (state.SimulatorState)."""

    revision: int
    fleets: dict[str, Any]
    naps: dict[str, Any]
    sims: dict[str, Any]
    fleet_appetite: dict[str, float]
    _auto: list[tuple[int, str]]

    def world_now(self) -> datetime: ...

    def home_network(self, sim: Any) -> Any: ...

    def changing_sim(self, sim: Any) -> AbstractContextManager[None]: ...


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CYCLE = 97  # days: a prime, so the weekly rhythm and the cycle never line up
COHORTS = 8
STEADY = -1  # cohort of steady segments: factor 1000 every day
UNIT = 24_000  # daily means are multiples of this (bytes), so hours divide evenly
KB = 1000  # decimal units, as Twilio bills data
READY_DATA_LIMIT = 250 * KB  # the Sim document: 250KB of data ...
READY_SMS_LIMIT = 5  # ... five SMS Commands ...
READY_DAYS_LIMIT = 90  # ... or three months (taken as 90 days) turn a ready SIM active


def _tables() -> tuple[list[list[int]], list[list[int]]]:
    rng = random.Random("supersim-traffic")
    tables: list[list[int]] = []
    sums: list[list[int]] = []
    for _ in range(COHORTS):
        row = []
        for day in range(CYCLE):
            weekend = day % 7 in (5, 6)
            row.append(rng.randrange(500, 1200) if weekend else rng.randrange(800, 1500))
        prefix = [0]
        for value in row:
            prefix.append(prefix[-1] + value)
        tables.append(row)
        sums.append(prefix)
    return tables, sums


FACTORS, PREFIX = _tables()
# A day's use spread over its hours (UTC), in 24ths: quiet at night, busiest in the afternoon.
HOURLY = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0]
HOUR_PREFIX = [sum(HOURLY[:h]) for h in range(25)]
assert HOUR_PREFIX[24] == 24


@dataclass(slots=True)
class UsageSegment:
    """Data use of one SIM on one network while in one fleet, over whole days."""

    start_day: int  # days since 1970-01-01, inclusive
    end_day: int | None  # exclusive; None while ongoing
    fleet_sid: str | None
    network_sid: str
    daily_bytes: int  # mean bytes a day, a multiple of UNIT
    cohort: int  # index into FACTORS, or STEADY


def cohort_of(index: int) -> int:
    return (index * 5 + 3) % COHORTS


def factor(cohort: int, day: int) -> int:
    return 1000 if cohort == STEADY else FACTORS[cohort][day % CYCLE]


def factor_sum(cohort: int, first: int, last: int) -> int:
    """Sum of the day factors over days [first, last)."""
    if last <= first:
        return 0
    if cohort == STEADY:
        return 1000 * (last - first)
    prefix = PREFIX[cohort]
    full = prefix[CYCLE]

    def upto(day: int) -> int:  # sum over days [0, day)
        cycles, rest = divmod(day, CYCLE)
        return cycles * full + prefix[rest]

    return upto(last) - upto(first)


def day_bytes(daily: int, cohort: int, day: int) -> int:
    return daily * factor(cohort, day) // 1000


def hours_bytes(daily: int, cohort: int, first_hour: int, last_hour: int) -> int:
    """Bytes used over hours [first_hour, last_hour) at ``daily`` (a sum of multiples of UNIT), exactly."""
    if last_hour <= first_hour or daily == 0:
        return 0
    d0, r0 = divmod(first_hour, 24)
    d1, r1 = divmod(last_hour, 24)
    if d0 == d1:
        return day_bytes(daily, cohort, d0) * (HOUR_PREFIX[r1] - HOUR_PREFIX[r0]) // 24
    total = day_bytes(daily, cohort, d0) * (24 - HOUR_PREFIX[r0]) // 24
    total += daily * factor_sum(cohort, d0 + 1, d1) // 1000
    if r1:
        total += day_bytes(daily, cohort, d1) * HOUR_PREFIX[r1] // 24
    return total


def segment_hours(segment: UsageSegment, first_hour: int, last_hour: int) -> tuple[int, int]:
    """The part of [first_hour, last_hour) the segment covers (empty when last <= first)."""
    start = max(first_hour, segment.start_day * 24)
    end = last_hour if segment.end_day is None else min(last_hour, segment.end_day * 24)
    return start, end


def hour_of(moment: datetime) -> int:
    """Whole hours since 1970 (rounded down)."""
    return int((moment - EPOCH).total_seconds() // 3600)


def ready_turns_active_hour(ready_hour: int, daily_bytes: int, sms_commands: int) -> int:
    """The hour a ready SIM becomes active on its own (the Sim document's three conditions)."""
    if sms_commands >= READY_SMS_LIMIT:
        return ready_hour
    by_time = ready_hour + READY_DAYS_LIMIT * 24
    if daily_bytes <= 0:
        return by_time
    # Ready use is steady from day to day; find the hour in which the 250KB is reached.
    days, left = divmod(READY_DATA_LIMIT, daily_bytes)
    hour = next(h for h in range(25) if daily_bytes * HOUR_PREFIX[h] // 24 >= left) if left else 0
    return min(by_time, ready_hour + days * 24 + hour)


# ------------------------------------------------- a SIM's usage as its status and fleet change
def usage_scale(sim: SimRecord) -> float:
    """How much this SIM uses compared with its fleet's average (0.2 to 2.0, fixed per SIM)."""
    return 0.2 + ((sim.index * 7919 + 13) % 1801) / 1000


def retraffic(state: SimulatorState, sim: SimRecord) -> None:
    """Close the SIM's ongoing usage after today and start what its status and fleet now give."""
    state.revision += 1
    day = hour_of(state.world_now()) // 24 + 1
    for segment in sim.usage:
        if segment.end_day is None:
            segment.end_day = max(segment.start_day, day)
    sim.auto_active_hour = None
    open_usage(state, sim, day)


def open_usage(state: SimulatorState, sim: SimRecord, day: int, ready_bytes: int | None = None) -> None:
    """Start the SIM's usage from ``day`` for its current status and fleet (none unless ready/active)."""
    if sim.status not in ("ready", "active") or sim.fleet_sid is None:
        return
    fleet = state.fleets.get(sim.fleet_sid)
    network = state.home_network(sim)
    if fleet is None or network is None:
        return
    if sim.status == "ready":
        daily = (UNIT if sim.index % 4 == 0 else 0) if ready_bytes is None else ready_bytes
        daily = daily if fleet.data_enabled else 0
        if daily:
            sim.usage.append(UsageSegment(day, None, fleet.sid, network.sid, daily, STEADY))
        sim.auto_active_hour = ready_turns_active_hour(day * 24, daily, sim.sms_commands)
        heapq.heappush(state._auto, (sim.auto_active_hour, sim.sid))
        return
    if not fleet.data_enabled:
        return
    appetite = state.fleet_appetite.get(fleet.sid, 0.3)
    mean = fleet.data_limit * 1_000_000 * appetite / 30 * usage_scale(sim)
    daily = max(1, round(mean / UNIT)) * UNIT
    cohort = cohort_of(sim.index)
    sim.usage.append(UsageSegment(day, None, fleet.sid, network.sid, daily, cohort))
    nap = state.naps.get(fleet.network_access_profile_sid)
    if sim.index % 10 == 0 and nap is not None and len(nap.network_sids) > 1:
        # One SIM in ten also roams onto a second network of its NAP, at a quarter of its use.
        other = nap.network_sids[(sim.index * 7 + 3) % len(nap.network_sids)]
        if other != network.sid:
            sim.usage.append(UsageSegment(day, None, fleet.sid, other, max(1, daily // UNIT // 4) * UNIT, cohort))


def auto_activate(state: SimulatorState) -> None:
    """Ready SIMs whose 250KB, five SMS Commands or three months have come turn active (the Sim document)."""
    if not state._auto:
        return
    hour = hour_of(state.world_now())
    while state._auto and state._auto[0][0] <= hour:
        due, sid = heapq.heappop(state._auto)
        sim = state.sims[sid]
        if sim.status != "ready" or sim.auto_active_hour != due:
            continue
        with state.changing_sim(sim):
            sim.status = "active"
        sim.date_updated = (EPOCH + timedelta(hours=due)).strftime("%Y-%m-%dT%H:%M:%SZ")
        retraffic(state, sim)
