"""The simulator's usage model: ready SIMs turn active on their own, usage records add up and honour filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from supersim_tui.simulator import Simulator, SimulatorConfig, asgi_transport
from supersim_tui.simulator.traffic import CYCLE, EPOCH, FACTORS

FIXED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(sims: int = 400, seed: int = 3) -> tuple[Simulator, Clock]:
    clock = Clock()
    return Simulator(SimulatorConfig(sims=sims, seed=seed, epoch=FIXED), clock=clock), clock


def test_ready_sims_turn_active_at_250kb_or_three_months() -> None:
    """A ready SIM trickling 24 KB a day turns active in the hour its 250,000th byte is used; one using
    nothing turns active 90 days after it became ready; the others stay ready meanwhile."""
    sim, clock = make()
    state = sim.state
    ready = [s for s in state.sims.values() if s.status == "ready"]
    trickling = [s for s in ready if s.usage]
    idle = [s for s in ready if not s.usage]
    assert trickling and idle
    i = max(idle, key=lambda s: s.date_updated)
    t = max(trickling, key=lambda s: s.usage[0].start_day)
    start_hour = t.usage[0].start_day * 24
    due = start_hour + 10 * 24 + 13  # 24 KB a day: 240 KB after 10 days, the last 10 KB by 13:00 on day 11
    now_hour = int((FIXED - EPOCH).total_seconds() // 3600)
    assert due > now_hour
    clock.now += (due - now_hour - 1) * 3600 + 1  # an hour before: still ready
    state.settle_due()
    assert t.status == "ready"
    clock.now += 3600
    state.settle_due()
    assert t.status == "active"
    became_ready = datetime.fromisoformat(i.date_updated.replace("Z", "+00:00"))
    assert i.status == "ready"
    clock.now += (became_ready + timedelta(days=90) - FIXED).total_seconds() + 3600
    state.settle_due()
    assert i.status == "active"


async def test_usage_records_add_up_and_name_their_filters() -> None:
    """Per-SIM daily records equal each SIM's segments summed by hand; grouping by fleet, network or
    country sums to the ungrouped total; filter values are echoed in the records (the spec's fields)."""
    sim, _ = make()
    state = sim.state
    end = FIXED.replace(hour=0)
    start = end - timedelta(days=10)
    params = {"StartTime": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "EndTime": end.strftime("%Y-%m-%dT%H:%M:%SZ")}
    async with httpx.AsyncClient(
        transport=asgi_transport(sim), base_url="http://127.0.0.1", auth=(sim.config.account_sid, "demo-auth-token")
    ) as http:

        async def get(**extra: str) -> list[dict[str, object]]:
            records: list[dict[str, object]] = []
            url: str | None = "/v1/UsageRecords"
            query: dict[str, str] | None = {**params, **extra, "PageSize": "1000"}
            while url:
                reply = (await http.get(url, params=query)).json()
                records += reply["usage_records"]
                url, query = reply["meta"]["next_page_url"], None
            return records

        total = await get()
        assert len(total) == 1 and isinstance(total[0]["data_total"], int) and total[0]["data_total"] > 0
        for group in ("fleet", "network", "isoCountry", "sim"):
            grouped = await get(Group=group)
            assert sum(int(str(r["data_total"])) for r in grouped) == total[0]["data_total"], group

        # By hand: the first active SIM with usage, day by day.
        active = next(s for s in state.sims.values() if s.status == "active" and s.usage)
        daily = await get(Sim=active.sid, Granularity="day")
        first_day = int((start - EPOCH).total_seconds() // 86400)
        expected = {}
        for day in range(first_day, first_day + 10):
            used = 0
            for seg in active.usage:
                if seg.start_day <= day and (seg.end_day is None or day < seg.end_day):
                    f = 1000 if seg.cohort < 0 else FACTORS[seg.cohort][day % CYCLE]
                    used += seg.daily_bytes * f // 1000
            expected[(EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")] = used
        got = {r["period"]["start_time"]: r["data_total"] for r in daily}  # type: ignore[index]
        assert got == expected
        assert all(r["sim_sid"] == active.sid for r in daily)
        by_country = await get(IsoCountry="CH", Group="fleet")
        assert all(r["iso_country"] == "CH" for r in by_country)
