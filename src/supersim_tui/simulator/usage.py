"""GET /v1/UsageRecords: the usage model of ``traffic.py`` summed with the API's rules.

Records honour Group (sim, fleet, network, isoCountry), Granularity (hour, day, all), StartTime,
EndTime and the Sim, Fleet, Network and IsoCountry filters; a Fleet filter or group counts usage in
the fleet the SIM was in when it used the data. The same query always gives the same answer, and
grouping by SIM, fleet, network or country sums exactly to the ungrouped total. Billed amounts are
per MB by country (:data:`PRICE_TIERS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import ApiFailure
from .state import SimulatorState, _iso
from .traffic import EPOCH, hour_of, hours_bytes, segment_hours

GROUPS = ("sim", "fleet", "network", "isoCountry")
GRANULARITIES = ("hour", "day", "all")
MAX_PERIOD = {"hour": timedelta(days=3), "day": timedelta(days=90), "all": timedelta(days=548)}
PRICE_PER_MB = 0.10
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _fail(code: int, message: str) -> ApiFailure:
    return ApiFailure(400, code, message)


def _parse_time(name: str, raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise _fail(83600, f"Invalid {name}: expected an ISO 8601 date-time such as 2026-11-01T00:00:00Z") from None
    if not EARLIEST <= moment <= LATEST:
        # Far from any usage, and near the calendar's ends where date arithmetic overflows.
        raise _fail(83600, f"Invalid {name}: must be between {EARLIEST.year} and {LATEST.year}")
    return moment


def usage_records(state: SimulatorState, query: Mapping[str, str]) -> list[dict[str, Any]]:
    group = query.get("Group") or None
    granularity = query.get("Granularity") or "all"
    if group is not None and group not in GROUPS:
        raise _fail(83600, f"Invalid Group: must be one of {', '.join(GROUPS)}")
    if granularity not in GRANULARITIES:
        raise _fail(83600, f"Invalid Granularity: must be one of {', '.join(GRANULARITIES)}")
    # The 18 months count back from the simulated present (a fixed epoch in tests); EndTime defaults to it, or to
    # the wall clock's when that is later (see _records_cached).
    today = state.world_now()
    now = max(today, datetime.now(UTC)).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    end = _parse_time("EndTime", query["EndTime"]) if query.get("EndTime") else now
    start = _parse_time("StartTime", query["StartTime"]) if query.get("StartTime") else end - timedelta(days=30)
    if granularity == "day" and (start.time() != datetime.min.time() or end.time() != datetime.min.time()):
        raise _fail(83601, "StartTime and EndTime must be aligned to UTC day boundaries for day granularity")
    if granularity == "hour" and (start.minute or start.second or end.minute or end.second):
        raise _fail(83602, "StartTime and EndTime must be aligned to UTC hour boundaries for hour granularity")
    if end <= start:
        raise _fail(83600, "Invalid EndTime: must be after StartTime")
    if group == "sim" and end - start > timedelta(days=31):
        raise _fail(83603, "Queries grouped by sim may cover at most 31 days")
    if end - start > MAX_PERIOD[granularity]:
        raise _fail(83604, f"The query period exceeds the maximum for {granularity} granularity")
    if start < today - timedelta(days=548):
        raise _fail(83605, "StartTime must be within the last 18 months")

    return list(_records_cached(state, query, group, granularity, start, end))


_CACHE_SIZE = 64


def _records_cached(
    state: SimulatorState, query: Mapping[str, str], group: str | None, granularity: str, start: datetime, end: datetime
) -> tuple[dict[str, Any], ...]:
    """Every page of one query reads the same records: computed once per state revision and hour."""
    filters = tuple(query.get(name) or "" for name in ("Sim", "Fleet", "Network", "IsoCountry"))
    # Usage runs up to the simulated present, or to the wall clock's when that is later: a world seeded at a
    # fixed past epoch still answers a client that asks about "the last 30 days" by its own clock.
    now_hour = hour_of(max(state.world_now(), datetime.now(UTC)))
    key = (state.revision, now_hour, group, granularity, start, end, filters)
    cache = state.usage_cache
    cached = cache.get(key)
    if cached is None:
        if len(cache) >= _CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cached = cache[key] = tuple(_records(state, query, group, granularity, start, end, now_hour))
    return cached


def _records(
    state: SimulatorState,
    query: Mapping[str, str],
    group: str | None,
    granularity: str,
    start: datetime,
    end: datetime,
    now_hour: int,
) -> list[dict[str, Any]]:
    sims = [s for s in state.sims.values() if s.account_sid == state.account_sid]
    sim_filter = query.get("Sim") or None
    if sim_filter:
        sim = state.find_sim(sim_filter)
        sims = [sim] if sim is not None else []
    fleet_filter = None
    if query.get("Fleet"):
        fleet = state.find_fleet(query["Fleet"])
        if fleet is None:
            sims = []
        else:
            fleet_filter = fleet.sid
    network_filter = query.get("Network") or None
    country_filter = (query.get("IsoCountry") or "").upper() or None

    # Usage counts per whole hour: an hour belongs to the query when it starts in [start, end).
    first_hour = -(-int((start - EPOCH).total_seconds()) // 3600)
    last_hour = min(-(-int((end - EPOCH).total_seconds()) // 3600), now_hour)
    if granularity == "all":
        buckets = [(start, end)]
        bucket_hours = [(first_hour, last_hour)]
    else:
        step = 1 if granularity == "hour" else 24
        buckets, bucket_hours = [], []
        cursor = first_hour
        while cursor * 3600 < (end - EPOCH).total_seconds():
            buckets.append((EPOCH + timedelta(hours=cursor), EPOCH + timedelta(hours=cursor + step)))
            bucket_hours.append((cursor, min(cursor + step, last_hour)))
            cursor += step

    # Segments with the same key, cohort, price and clipped span add up: sum their daily means first.
    spans: dict[tuple[str | None, int, float, int, int], int] = {}
    for sim in sims:
        for segment in sim.usage:
            if fleet_filter is not None and segment.fleet_sid != fleet_filter:
                continue
            if network_filter is not None and segment.network_sid != network_filter:
                continue
            network = state.networks.get(segment.network_sid)
            country = network.iso_country if network else None
            if country_filter is not None and country != country_filter:
                continue
            seg_start, seg_end = segment_hours(segment, first_hour, last_hour)
            if seg_end <= seg_start:
                continue
            key: str | None = None
            if group == "sim":
                key = sim.sid
            elif group == "fleet":
                key = segment.fleet_sid
            elif group == "network":
                key = segment.network_sid
            elif group == "isoCountry":
                key = country
            span = (key, segment.cohort, price_per_mb(country), seg_start, seg_end)
            spans[span] = spans.get(span, 0) + segment.daily_bytes

    totals: dict[tuple[int, str | None], list[float]] = {}
    for (key, cohort, price, seg_start, seg_end), daily in spans.items():
        for index, (b_start, b_end) in enumerate(bucket_hours):
            used = hours_bytes(daily, cohort, max(b_start, seg_start), min(b_end, seg_end))
            if used:
                entry = totals.setdefault((index, key), [0, 0.0])
                entry[0] += used
                entry[1] += used / 1_000_000 * price

    keys = sorted({key for _, key in totals}, key=lambda k: k or "")
    if group is None:
        keys = [None]
    records: list[dict[str, Any]] = []
    for index in reversed(range(len(buckets))):
        period = {"start_time": _iso(buckets[index][0]), "end_time": _iso(buckets[index][1])}
        for key in keys:
            total, billed = totals.get((index, key), [0, 0.0])
            if group is not None and not total:
                continue
            upload = int(total) // 4
            records.append(
                {
                    "period": dict(period),
                    "account_sid": state.account_sid,
                    "data_upload": upload,
                    "data_download": int(total) - upload,
                    "data_total": int(total),
                    "data_total_billed": round(billed, 4),
                    "billed_unit": "USD",
                    # Present when grouped by it or filtered on it (the spec's UsageRecord fields).
                    "sim_sid": key if group == "sim" else (sims[0].sid if sim_filter and sims else None),
                    "fleet_sid": key if group == "fleet" else fleet_filter,
                    "network_sid": key if group == "network" else network_filter,
                    "iso_country": key if group == "isoCountry" else country_filter,
                }
            )
    return records


# USD per MB by country: most of Europe and North America at the base rate, some dearer.
PRICE_TIERS = {"CH": 0.5, "NO": 0.25, "IS": 0.25, "JP": 0.25, "KR": 0.25, "AU": 0.25, "NZ": 0.25}


def price_per_mb(country: str | None) -> float:
    return PRICE_TIERS.get(country or "", PRICE_PER_MB)
