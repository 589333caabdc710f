"""Everything about one SIM, read in one go: the SIM, its fleet and NAP, IPs, billing, recent usage.

Shared by ``sims show`` and the TUI's SIM detail screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..api import BillingPeriod, Fleet, NetworkAccessProfile, Sim, SimIpAddress, SuperSimClient, UsageRecord
from .parallel import together

USAGE_DAYS = 7
BILLING_PERIODS = 3


@dataclass(frozen=True)
class SimDetails:
    sim: Sim
    fleet: Fleet | None
    nap: NetworkAccessProfile | None
    ip_addresses: list[SimIpAddress]
    billing_periods: list[BillingPeriod]
    usage: list[UsageRecord]  # one record a day for the last USAGE_DAYS days (today included), oldest first

    @property
    def usage_total(self) -> int:
        return sum(r.data_total or 0 for r in self.usage)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def sim_details(client: SuperSimClient, sim: Sim, now: datetime | None = None) -> SimDetails:
    """Read the rest about ``sim``: its fleet and NAP, then IPs, billing periods and daily usage in parallel."""
    fleet = await client.fetch_fleet(sim.fleet_sid) if sim.fleet_sid else None
    nap_sid = fleet.network_access_profile_sid if fleet else None
    today = (now or datetime.now(UTC)).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - timedelta(days=USAGE_DAYS - 1)
    nap, ips, periods, usage = await together(
        client.fetch_nap(nap_sid) if nap_sid else _none(),
        client.list_ip_addresses(sim.sid).collect(),
        client.list_billing_periods(sim.sid).collect(limit=BILLING_PERIODS),
        client.list_usage_records(
            sim=sim.sid, granularity="day", start_time=_iso(first_day), end_time=_iso(today + timedelta(days=1))
        ).collect(),
    )
    usage.sort(key=lambda r: r.period.start_time if r.period and r.period.start_time else today)
    return SimDetails(sim, fleet, nap, ips, periods, usage)


async def _none() -> None:
    return None


def data_size(value: int | None) -> str:
    """Bytes as people read them (decimal units, as Twilio bills)."""
    if value is None:
        return "-"
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} TB"
