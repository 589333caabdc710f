"""Health findings against ground truth computed here from the simulator's records (never by the code under
test), and the `health` and `usage` commands' output and exit codes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from supersim_tui.ops.health import HealthReport, account_health
from supersim_tui.simulator import Simulator, SimulatorConfig
from supersim_tui.simulator.state import SimRecord, SimulatorState
from supersim_tui.simulator.traffic import EPOCH, FACTORS, HOUR_PREFIX

from .conftest import instant_client

FIXED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
NOW_HOUR = int((FIXED - EPOCH).total_seconds() // 3600)
WINDOW = (NOW_HOUR - 30 * 24, NOW_HOUR)


def make_simulator(sims: int = 600, seed: int = 5) -> Simulator:
    # A clock that never moves: nothing settles or turns active while the test reads.
    return Simulator(SimulatorConfig(sims=sims, seed=seed, epoch=FIXED), clock=lambda: 0.0)


async def health_of(sim: Simulator) -> HealthReport:
    async with instant_client(sim) as client:
        return await account_health(client, now=FIXED)


def used(state: SimulatorState, sim: SimRecord, fleet_sid: str | None = None, country: str | None = None) -> int:
    """Bytes the SIM used in the 30 days before FIXED, day by day from its segments (HOURLY for partial days)."""
    total = 0
    first, last = WINDOW
    for segment in sim.usage:
        if fleet_sid is not None and segment.fleet_sid != fleet_sid:
            continue
        if country is not None and state.networks[segment.network_sid].iso_country != country:
            continue
        for day in range(first // 24, last // 24 + 1):
            if day < segment.start_day or (segment.end_day is not None and day >= segment.end_day):
                continue
            from_hour = max(first, day * 24) - day * 24
            to_hour = min(last, day * 24 + 24) - day * 24
            if to_hour <= from_hour:
                continue
            f = 1000 if segment.cohort < 0 else FACTORS[segment.cohort][day % 97]
            per_day = segment.daily_bytes * f // 1000
            total += per_day * (HOUR_PREFIX[to_hour] - HOUR_PREFIX[from_hour]) // 24
    return total


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def sims_of(report: HealthReport, check: str, fleet: str | None = None) -> set[str]:
    found = [f for f in report.findings if f.check == check and (fleet is None or (f.fleet and f.fleet.sid == fleet))]
    return {s.sid for f in found for s in f.sims}


@pytest.fixture(scope="module")
def world() -> tuple[Simulator, HealthReport]:
    import asyncio

    sim = make_simulator()
    return sim, asyncio.run(health_of(sim))


def mine(sim: Simulator) -> list[SimRecord]:
    return [s for s in sim.state.sims.values() if s.account_sid == sim.state.account_sid]


def test_stuck_scheduled_sims(world: tuple[Simulator, HealthReport]) -> None:
    """Exactly the SIMs scheduled since more than 24 hours before now are reported stuck."""
    sim, report = world
    truth = {s.sid for s in mine(sim) if s.status == "scheduled" and when(s.date_updated) < FIXED - timedelta(hours=24)}
    assert truth and sims_of(report, "scheduled-stuck") == truth


def test_active_sims_without_data(world: tuple[Simulator, HealthReport]) -> None:
    """Exactly the active SIMs whose usage over the last 30 days is zero."""
    sim, report = world
    truth = {s.sid for s in mine(sim) if s.status == "active" and used(sim.state, s) == 0}
    assert truth and sims_of(report, "active-no-data") == truth


def test_ready_sims_turning_active(world: tuple[Simulator, HealthReport]) -> None:
    """Ready SIMs: those within 14 days of three months in ready, or whose data at its rate so far reaches
    250 KB within 14 days, are reported as turning active; those past 200 KB separately. Every ready SIM the
    simulator itself turns active within 14 days (and ready for a day or more) is among them."""
    sim, report = world
    soon, past, will_turn = set(), set(), set()
    for s in mine(sim):
        if s.status != "ready":
            continue
        hours = max(1.0, (FIXED - when(s.date_updated)).total_seconds() / 3600)
        data = used(sim.state, s)
        by_time = 90 * 24 - hours
        by_data = (250_000 - data) / (data / min(hours, 30 * 24)) if data else float("inf")
        if min(by_time, by_data) <= 14 * 24:
            soon.add(s.sid)
        if data >= 200_000:
            past.add(s.sid)
        if s.auto_active_hour is not None and s.auto_active_hour <= NOW_HOUR + 14 * 24 and hours >= 24:
            will_turn.add(s.sid)
    assert soon and past and will_turn
    assert sims_of(report, "ready-turning-active") == soon
    assert sims_of(report, "ready-past-data") == past
    assert will_turn <= soon


def test_fleets_near_their_limit_and_data_disabled(world: tuple[Simulator, HealthReport]) -> None:
    """Per fleet: exactly its SIMs that used 80% or more of the per-SIM data limit in 30 days; a data-disabled
    fleet with active SIMs lists exactly those SIMs."""
    sim, report = world
    near_fleets = 0
    for fleet in sim.state.fleets.values():
        members = [s for s in mine(sim) if s.fleet_sid == fleet.sid and s.status in ("ready", "active", "scheduled")]
        limit = fleet.data_limit * 1_000_000
        near = {s.sid for s in members if used(sim.state, s, fleet.sid) >= 0.8 * limit}
        assert sims_of(report, "fleet-near-limit", fleet.sid) == near, fleet.unique_name
        near_fleets += bool(near)
        active = {s.sid for s in members if s.status == "active"}
        expected = active if not fleet.data_enabled else set()
        assert sims_of(report, "fleet-data-disabled", fleet.sid) == expected
    assert near_fleets >= 1
    assert any(f.check == "fleet-data-disabled" for f in report.findings)


def test_nap_findings_and_fleet_membership(world: tuple[Simulator, HealthReport]) -> None:
    """NAPs missing a country their fleets' SIMs used data in (last 30 days), NAPs used by no fleet, fleets
    with no SIM, and SIMs without a fleet: each exactly as the records say."""
    sim, report = world
    state = sim.state
    gaps: dict[str, set[str]] = {}
    for nap in state.naps.values():
        covered = {state.networks[n].iso_country for n in nap.network_sids}
        users = [f.sid for f in state.fleets.values() if f.network_access_profile_sid == nap.sid]
        countries = set()
        for s in mine(sim):
            for segment in s.usage:
                country = state.networks[segment.network_sid].iso_country
                if segment.fleet_sid in users and used(state, s, segment.fleet_sid, country) > 0:
                    countries.add(country)
        if countries - covered:
            gaps[nap.sid] = countries - covered
    found = {
        f.nap.sid: {part.split(" (")[0] for part in f.detail.split("), ")}
        for f in report.findings
        if f.check == "nap-missing-country" and f.nap
    }
    assert gaps and found == gaps
    unused = {
        n.sid
        for n in state.naps.values()
        if not any(f.network_access_profile_sid == n.sid for f in state.fleets.values())
    }
    assert unused and {f.nap.sid for f in report.findings if f.check == "nap-unused" and f.nap} == unused
    empty = {f.sid for f in state.fleets.values() if not any(s.fleet_sid == f.sid for s in mine(sim))}
    assert empty and {f.fleet.sid for f in report.findings if f.check == "fleet-empty" and f.fleet} == empty
    orphans = {s.sid for s in mine(sim) if s.fleet_sid is None}
    assert orphans and sims_of(report, "sims-without-fleet") == orphans


async def test_a_fixed_nap_gap_disappears() -> None:
    """Adding the missing country's networks to the NAP removes its coverage finding (nothing is cached)."""
    sim = make_simulator(sims=200)
    report = await health_of(sim)
    gap = next(f for f in report.findings if f.check == "nap-missing-country")
    assert gap.nap is not None
    for network in sim.state.networks.values():
        if network.iso_country in gap.detail.split(" (")[0].split(", "):
            sim.state.add_nap_network(gap.nap.sid, network.sid)
    after = await health_of(sim)
    assert not [f for f in after.findings if f.check == "nap-missing-country" and f.nap and f.nap.sid == gap.nap.sid]


def test_health_command_json_and_exit_codes(run: Callable[..., tuple[int, str, str]]) -> None:
    """`health --json` lists every finding with its SIMs and exits 0; `--fail-on high` exits 1 when a high
    finding exists; the human report names each finding's severity and title."""
    code, out, _ = run("health", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["findings"] and all(f["count"] >= 1 for f in data["findings"])
    assert all(len(f["sims"]) == f["count"] for f in data["findings"] if f["target"] == "sims")
    code, out, _ = run("health")
    assert code == 0 and all(f["title"] in out for f in data["findings"])
    worst = data["findings"][0]["severity"]
    code, _, _ = run("health", "--fail-on", worst)
    assert code == 1


def test_usage_command_matches_the_records(run: Callable[..., tuple[int, str, str]], simulator: Simulator) -> None:
    """`usage --by country --csv` gives per day and country exactly what the simulator's SIM segments sum to;
    a period longer than the API allows is a usage error (exit 2) naming the limit, and nothing is read."""
    fleet = next(f for f in simulator.state.fleets.values() if f.data_enabled and f.unique_name == "eu-trackers")
    end = simulator.state.world_now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=3)
    code, out, err = run(
        "usage",
        "--fleet",
        "eu-trackers",
        "--by",
        "country",
        "--from",
        f"{start:%Y-%m-%d}",
        "--to",
        f"{end:%Y-%m-%d}",
        "--csv",
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    got = {(r["start_time"][:10], r["country"]): int(r["data_total"]) for r in rows}
    expected: dict[tuple[str, str], int] = {}
    for s in simulator.state.sims.values():
        for segment in s.usage:
            if segment.fleet_sid != fleet.sid:
                continue
            country = simulator.state.networks[segment.network_sid].iso_country
            for day in range((start - EPOCH).days, (end - EPOCH).days):
                if segment.start_day <= day and (segment.end_day is None or day < segment.end_day):
                    f = 1000 if segment.cohort < 0 else FACTORS[segment.cohort][day % 97]
                    key = (f"{EPOCH + timedelta(days=day):%Y-%m-%d}", country)
                    expected[key] = expected.get(key, 0) + segment.daily_bytes * f // 1000
    assert got == {k: v for k, v in expected.items() if v}
    code, _, err = run("usage", "--by", "sim", "--from", "2026-01-01", "--to", "2026-03-01")
    assert code == 2 and "31 days" in err


async def test_usage_failure_skips_only_the_usage_checks() -> None:
    """When UsageRecords keeps failing (503 beyond every retry), health still reports what needs no usage
    (stuck scheduled SIMs, SIMs without a fleet) and says which checks were skipped, instead of failing;
    no active SIM is reported as idle for want of data."""
    sim = make_simulator(sims=200)
    sim.force_faults(*["503"] * 200, method="GET", path_prefix="/v1/UsageRecords")
    report = await health_of(sim)
    checks = {f.check for f in report.findings}
    assert "usage-unavailable" in checks and "scheduled-stuck" in checks and "sims-without-fleet" in checks
    assert not checks & {"active-no-data", "ready-past-data", "fleet-near-limit", "nap-missing-country"}
