"""Where the data goes: UsageRecords per fleet, country, network or SIM over a period, day or hour.

One query (``Group``, ``Granularity``, ``StartTime``, ``EndTime`` and the ``Fleet`` filter), read
1,000 records a page, with the API's limits checked first so a bad period is a clear usage error
rather than a 400: day granularity needs whole UTC days and at most 90 of them, hour granularity
whole hours and at most 3 days, and grouping by SIM at most 31 days. Also the billing period to
date of a fleet against its per-SIM data limit, with a straight-line projection to the period's end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ..api import SuperSimClient, UsageRecord
from .parallel import together

BY = {"total": None, "fleet": "fleet", "country": "isoCountry", "network": "network", "sim": "sim"}
MAX_SPAN = {"hour": timedelta(days=3), "day": timedelta(days=90)}
SIM_SPAN = timedelta(days=31)


FIRST_YEAR, LAST_YEAR = 2000, 2999  # the dates --from and --to take: around the API's life, far from datetime's ends


class UsagePeriodError(ValueError):
    """The period does not fit the API's rules; the message says what to change."""


@dataclass(frozen=True)
class UsageRow:
    start: datetime
    end: datetime
    key: str | None
    label: str
    data_total: int
    data_upload: int
    data_download: int
    billed: float | None
    unit: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "start_time": _stamp(self.start),
            "end_time": _stamp(self.end),
            "key": self.key,
            "label": self.label,
            "data_total": self.data_total,
            "data_upload": self.data_upload,
            "data_download": self.data_download,
            "billed": self.billed,
            "billed_unit": self.unit,
        }


@dataclass
class UsageReport:
    by: str
    granularity: str
    start: datetime
    end: datetime
    fleet: str | None
    rows: list[UsageRow] = field(default_factory=list)

    def totals(self) -> dict[str, tuple[int, float]]:
        """Data and billed amount per key (label), over the whole period, largest first."""
        sums: dict[str, list[float]] = {}
        for row in self.rows:
            entry = sums.setdefault(row.label, [0, 0.0])
            entry[0] += row.data_total
            entry[1] += row.billed or 0.0
        ordered = sorted(sums.items(), key=lambda item: -item[1][0])
        return {label: (int(v[0]), round(v[1], 4)) for label, v in ordered}

    def series(self) -> dict[str, list[tuple[datetime, int]]]:
        """Data per period for each label, oldest first (what the plots draw)."""
        out: dict[str, list[tuple[datetime, int]]] = {}
        for row in sorted(self.rows, key=lambda r: r.start):
            out.setdefault(row.label, []).append((row.start, row.data_total))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "granularity": self.granularity,
            "start_time": _stamp(self.start),
            "end_time": _stamp(self.end),
            "fleet": self.fleet,
            "records": [r.to_json() for r in self.rows],
            "data_total": sum(r.data_total for r in self.rows),
            "billed_total": round(sum(r.billed or 0.0 for r in self.rows), 4),
        }


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_moment(text: str, name: str) -> datetime:
    """``2026-11-01`` or ``2026-11-01T05:00:00Z`` (UTC when no offset is given)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsagePeriodError(
            f"{name} {text!r}: expected a date (2026-11-01) or a UTC time (2026-11-01T05:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # also keeps the period's arithmetic (a span back, UTC) in range
        raise UsagePeriodError(f"{name} {text!r}: expected a date from {FIRST_YEAR} to {LAST_YEAR}")
    return moment.astimezone(UTC)


def default_period(granularity: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last 30 days (day) or 24 hours (hour), up to and including the current day or hour."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if granularity == "hour":
        end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return end - timedelta(hours=24), end
    end = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return end - timedelta(days=30), end


def check_period(by: str, granularity: str, start: datetime, end: datetime) -> None:
    if end <= start:
        raise UsagePeriodError(f"--to ({_stamp(end)}) must be after --from ({_stamp(start)})")
    if granularity == "day" and any(m != m.replace(hour=0, minute=0, second=0, microsecond=0) for m in (start, end)):
        raise UsagePeriodError("with --granularity day, --from and --to must be whole UTC days (e.g. 2026-11-01)")
    if granularity == "hour" and any(m != m.replace(minute=0, second=0, microsecond=0) for m in (start, end)):
        raise UsagePeriodError("with --granularity hour, --from and --to must be whole UTC hours")
    if end - start > MAX_SPAN[granularity]:
        days = MAX_SPAN[granularity].days
        raise UsagePeriodError(f"the API allows at most {days} days with --granularity {granularity}")
    if by == "sim" and end - start > SIM_SPAN:
        raise UsagePeriodError("the API allows at most 31 days when grouping by SIM")


async def usage_report(
    client: SuperSimClient,
    *,
    by: str = "total",
    granularity: str = "day",
    start: datetime,
    end: datetime,
    fleet: str | None = None,
) -> UsageReport:
    """Read the records and label them (fleet names, network names, SIM ICCIDs or names)."""
    check_period(by, granularity, start, end)
    records, labels = await together(
        client.list_usage_records(
            fleet=fleet,
            group=BY[by],
            granularity=granularity,
            start_time=_stamp(start),
            end_time=_stamp(end),
            page_size=1000,
        ).collect(),
        _labels(client, by, fleet),
    )
    report = UsageReport(by, granularity, start, end, fleet)
    for record in records:
        key = _key(record, by)
        period = record.period
        row_start = period.start_time if period and period.start_time else start
        row_end = period.end_time if period and period.end_time else end
        report.rows.append(
            UsageRow(
                row_start,
                row_end,
                key,
                labels.get(key or "", key or "all"),
                record.data_total or 0,
                record.data_upload or 0,
                record.data_download or 0,
                record.billed,
                record.billed_unit,
            )
        )
    report.rows.sort(key=lambda r: (r.start, -r.data_total))
    return report


def _key(record: UsageRecord, by: str) -> str | None:
    return {
        "fleet": record.fleet_sid,
        "country": record.iso_country,
        "network": record.network_sid,
        "sim": record.sim_sid,
    }.get(by)


async def _labels(client: SuperSimClient, by: str, fleet: str | None) -> dict[str, str]:
    if by == "fleet":
        return {f.sid: f.label for f in await client.list_fleets().collect()}
    if by == "network":
        networks = await client.list_networks(page_size=1000).collect()
        return {n.sid: f"{n.friendly_name or n.sid} ({n.iso_country or '?'})" for n in networks}
    if by == "sim" and fleet:
        return {s.sid: s.iccid or s.sid for s in await client.list_sims(fleet=fleet, page_size=1000).collect()}
    return {}


@dataclass(frozen=True)
class PeriodToDate:
    """A fleet's heaviest SIM in the billing period so far against the per-SIM limit, and where it is heading."""

    fleet_label: str
    limit_bytes: int
    start: datetime
    end: datetime
    days: list[tuple[datetime, int]]  # cumulative bytes of the heaviest SIM, per day so far
    sim_label: str
    projected: int

    @property
    def share(self) -> float:
        return self.projected / self.limit_bytes if self.limit_bytes else 0.0


async def period_to_date(client: SuperSimClient, fleet: str, now: datetime | None = None) -> PeriodToDate | None:
    """The heaviest SIM of the fleet (last 30 days) in its current billing period (BillingPeriods), so far."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    the_fleet = await client.fetch_fleet(fleet)
    hour = now.replace(minute=0, second=0, microsecond=0)
    per_sim = await client.list_usage_records(
        fleet=the_fleet.sid,
        group="sim",
        start_time=_stamp(hour - timedelta(days=30)),
        end_time=_stamp(hour),
        page_size=1000,
    ).collect()
    top = max(per_sim, key=lambda r: r.data_total or 0, default=None)
    if top is None or not top.sim_sid or not top.data_total:
        return None
    sim, periods = await together(client.fetch_sim(top.sim_sid), client.list_billing_periods(top.sim_sid).collect())
    current = next((p for p in periods if p.start_time and p.end_time and p.start_time <= now < p.end_time), None)
    if current is not None and current.start_time and current.end_time:
        start, end = current.start_time, current.end_time
    else:  # no period given: the calendar month ("normally one month", the Fleet resource's data_limit)
        start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = (start + timedelta(days=32)).replace(day=1)
    daily = await _daily(client, top.sim_sid, start, hour)
    cumulative: list[tuple[datetime, int]] = []
    running = 0
    for record in sorted(daily, key=lambda r: r.period.start_time if r.period and r.period.start_time else start):
        running += record.data_total or 0
        moment = record.period.start_time if record.period and record.period.start_time else start
        cumulative.append((moment, running))
    elapsed = max((hour - start).total_seconds(), 3600.0)
    projected = int(running * (end - start).total_seconds() / elapsed)
    limit = (the_fleet.data_limit or 0) * 1_000_000
    return PeriodToDate(the_fleet.label, limit, start, end, cumulative, sim.label, projected)


async def _daily(client: SuperSimClient, sim: str, start: datetime, until: datetime) -> list[UsageRecord]:
    """Per day from the period's start; the day in progress as one record up to ``until``."""
    first_day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    if first_day < start:
        first_day += timedelta(days=1)
    today = until.replace(hour=0, minute=0, second=0, microsecond=0)
    parts: list[UsageRecord] = []
    if first_day > start:  # a period starting mid-day: its first hours in one record
        parts += await client.list_usage_records(
            sim=sim, start_time=_stamp(start), end_time=_stamp(min(first_day, until))
        ).collect()
    if today > first_day:
        parts += await client.list_usage_records(
            sim=sim, granularity="day", start_time=_stamp(first_day), end_time=_stamp(today), page_size=1000
        ).collect()
    if until > today >= first_day:
        parts += await client.list_usage_records(sim=sim, start_time=_stamp(today), end_time=_stamp(until)).collect()
    return parts
