"""GET /v1/UsageRecords: synthetic but consistent data usage, with the API's rules.

Each activated SIM uses a deterministic number of bytes per day on its fleet's
"home" network, so the same query always gives the same answer and grouping by
SIM, fleet, network or country sums to the ungrouped total.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import ApiFailure
from .state import SimulatorState, _iso

GROUPS = ("sim", "fleet", "network", "isoCountry")
GRANULARITIES = ("hour", "day", "all")
MAX_PERIOD = {"hour": timedelta(days=3), "day": timedelta(days=90), "all": timedelta(days=548)}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
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
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    # Seeded usage is dated from the epoch: with a fixed (past) epoch, the 18 months count back from it.
    today = min(state.config.epoch or datetime.now(UTC), datetime.now(UTC))
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

    sims = [s for s in state.sims.values() if s.account_sid == state.account_sid]
    if query.get("Sim"):
        sim = state.find_sim(query["Sim"])
        sims = [sim] if sim is not None else []
    if query.get("Fleet"):
        fleet = state.find_fleet(query["Fleet"])
        sims = [s for s in sims if fleet is not None and s.fleet_sid == fleet.sid]
    network_filter = query.get("Network")
    country_filter = (query.get("IsoCountry") or "").upper()

    if granularity == "all":
        buckets = [(start, end)]
    else:
        step = timedelta(hours=1) if granularity == "hour" else timedelta(days=1)
        buckets = []
        cursor = start
        while cursor < end:
            buckets.append((cursor, min(cursor + step, end)))
            cursor += step

    totals: dict[tuple[int, str | None], int] = {}
    keys: dict[str | None, dict[str, str | None]] = {}
    for sim in sims:
        network = state.home_network(sim)
        if network_filter and (network is None or network.sid != network_filter):
            continue
        if country_filter and (network is None or network.iso_country != country_filter):
            continue
        key: str | None = None
        if group == "sim":
            key = sim.sid
        elif group == "fleet":
            key = sim.fleet_sid
        elif group == "network":
            key = network.sid if network else None
        elif group == "isoCountry":
            key = network.iso_country if network else None
        keys.setdefault(
            key,
            {
                "sim_sid": sim.sid if group == "sim" else None,
                "fleet_sid": sim.fleet_sid if group == "fleet" else None,
                "network_sid": (network.sid if network else None) if group == "network" else None,
                "iso_country": (network.iso_country if network else None) if group == "isoCountry" else None,
            },
        )
        for index, (b_start, b_end) in enumerate(buckets):
            used = _bytes_between(state, sim, b_start, b_end)
            if used:
                totals[(index, key)] = totals.get((index, key), 0) + used

    records: list[dict[str, Any]] = []
    for index in reversed(range(len(buckets))):
        b_start, b_end = buckets[index]
        for key, fields in keys.items():
            total = totals.get((index, key), 0)
            if group is not None and total == 0:
                continue
            upload = total // 4
            records.append(
                {
                    "period": {"start_time": _iso(b_start), "end_time": _iso(b_end)},
                    "account_sid": state.account_sid,
                    "data_upload": upload,
                    "data_download": total - upload,
                    "data_total": total,
                    "data_total_billed": round(total / 1_000_000 * PRICE_PER_MB, 4),
                    "billed_unit": "USD",
                    **fields,
                }
            )
        if group is None and not keys:
            records.append(
                {
                    "period": {"start_time": _iso(b_start), "end_time": _iso(b_end)},
                    "account_sid": state.account_sid,
                    "data_upload": 0,
                    "data_download": 0,
                    "data_total": 0,
                    "data_total_billed": 0.0,
                    "billed_unit": "USD",
                    "sim_sid": None,
                    "fleet_sid": None,
                    "network_sid": None,
                    "iso_country": None,
                }
            )
    return records


def _bytes_between(state: SimulatorState, sim: Any, start: datetime, end: datetime) -> int:
    """Bytes used in [start, end): whole days at the daily figure, partial days pro rata."""
    total = 0
    cursor = start
    while cursor < end:
        day_start = cursor.replace(hour=0, minute=0, second=0, microsecond=0)
        day_end = min(day_start + timedelta(days=1), end)
        day = (day_start - EPOCH).days
        fraction = (day_end - cursor).total_seconds() / 86400
        total += int(state.daily_usage(sim, day) * fraction)
        cursor = day_end
    return total
