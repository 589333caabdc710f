"""A realistic account, deterministic from the seed.

NAPs cover the usual shapes (global, EU-only, US-only, North America, APAC), fleets
use them, and SIMs are spread over every status. Some SIMs are mid-update
(``scheduled``) and settle a minute or more after start, so the demo shows them.
A pool of unregistered SIMs (and a few held by another account) can be claimed
with POST /v1/Sims; their codes come from :meth:`SimulatorState.registration_code`.

Usage (see ``traffic.py``) comes from a second generator, so the records above stay as they were:
active SIMs use data from soon after they were created, each fleet's SIMs at their own share of its
data limit (eu-trackers and apac-kiosks run close to theirs), one in ten also roams onto a second
network, one in 23 has used nothing (a device that is off); inactive SIMs used data until they were
deactivated; ready SIMs were made ready within the last three months, one in four trickles 24 KB a day
(so some are past 200 KB of the 250 KB that make them active), and each has had up to four SMS
Commands. A third of the SIMs mid-update are stuck in ``scheduled`` for days. Some eu-trackers SIMs
used Swiss networks until 12 days ago, when eu-only (EU/EEA) stopped including them. lab-bench has
data disabled but active SIMs; spare-pool has no SIMs; uk-ie is used by no fleet.
"""

from __future__ import annotations

import heapq
import random
from datetime import UTC, datetime, timedelta

from .state import SimRecord, SimulatorState, _iso, make_iccid
from .traffic import EPOCH, STEADY, UNIT, UsageSegment, hour_of

EU_EEA = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "IS",
    "LI",
    "NO",
}
APAC = {"AU", "NZ", "JP", "KR", "SG", "MY", "TH", "ID", "PH", "VN", "HK", "TW", "IN"}

# ICCID prefixes: 89 (telecom) 88 (international) 307 (issuer), then serials.
ACCOUNT_PREFIX = "89883070000"
UNREGISTERED_PREFIX = "89883071111"
FOREIGN_PREFIX = "89883072222"

# (unique name, NAP, data limit MB, data enabled, share of SIMs)
FLEETS = [
    ("field-sensors", "global", 1000, True, 30),
    ("eu-trackers", "eu-only", 500, True, 25),
    ("us-meters", "us-only", 250, True, 20),
    ("na-logistics", "north-america", 2000, True, 12),
    ("apac-kiosks", "apac", 1000, True, 8),
    ("lab-bench", "global", 50, False, 5),
]

# Share of its data limit an average SIM of the fleet uses in 30 days.
APPETITE = {"field-sensors": 0.15, "eu-trackers": 0.6, "us-meters": 0.35, "na-logistics": 0.25, "apac-kiosks": 0.5}
STUCK_SCHEDULED = 30 * 86400.0  # seconds: "stuck" updates do not settle while a demo runs

# Status mix for seeded SIMs, as cumulative weights out of 100.
STATUS_MIX = [("active", 58), ("ready", 68), ("new", 82), ("inactive", 97), ("scheduled", 100)]


def seed_account(state: SimulatorState) -> None:
    config = state.config
    rng = state.rng
    networks = list(state.networks.values())
    base = (config.epoch or datetime.now(UTC)).replace(microsecond=0) - timedelta(days=400)

    def nap(name: str, keep: set[str] | None) -> str:
        sids = [n.sid for n in networks if keep is None or n.iso_country in keep]
        return state.create_nap(name, sids).sid

    nap_sids = {
        "global": nap("global", None),
        "eu-only": nap("eu-only", EU_EEA),
        "us-only": nap("us-only", {"US"}),
        "north-america": nap("north-america", {"US", "CA", "MX"}),
        "apac": nap("apac", APAC),
    }
    # A NAP no fleet uses yet, to show an unused profile.
    nap_sids["uk-ie"] = nap("uk-ie", {"GB", "IE", "IM", "JE", "GG"})
    for index, (name, nap_name, limit, enabled, _share) in enumerate(FLEETS):
        fleet = state.create_fleet(
            {
                "UniqueName": name,
                "NetworkAccessProfile": nap_sids[nap_name],
                "DataLimit": str(limit),
                "DataEnabled": "true" if enabled else "false",
                "SmsCommandsEnabled": "true" if index % 3 != 2 else "false",
            }
        )
        if index == 0:
            fleet.sms_commands_url = "https://iot.example.com/sms"
            fleet.ip_commands_url = "https://iot.example.com/ip"
        created = _iso(base + timedelta(days=index * 7))
        fleet.date_created = fleet.date_updated = created

    fleet_sids = list(state.fleets)
    for sid in fleet_sids:
        state.fleet_appetite[sid] = APPETITE.get(state.fleets[sid].unique_name or "", 0.3)
    fleet_names = {f.sid: f.unique_name for f in state.fleets.values()}
    total_share = sum(f[4] for f in FLEETS)
    serial_base = rng.randrange(10_000_000, 80_000_000)
    for i in range(config.sims):
        roll = rng.randrange(100)
        status = next(name for name, limit in STATUS_MIX if roll < limit)
        pick = rng.randrange(total_share)
        cumulative = 0
        fleet_sid: str | None = fleet_sids[-1]
        for sid, spec in zip(fleet_sids, FLEETS, strict=True):
            cumulative += spec[4]
            if pick < cumulative:
                fleet_sid = sid
                break
        if status == "new" and rng.randrange(3) == 0:
            fleet_sid = None  # delivered but never assigned
        fleet_name = fleet_names.get(fleet_sid) if fleet_sid else None
        unique_name = f"{fleet_name}-{i + 1:05d}" if fleet_name and rng.randrange(4) else None
        created = _iso(base + timedelta(minutes=i * (400 * 24 * 60) // max(config.sims, 1)))
        sim = state._add_sim(
            make_iccid(ACCOUNT_PREFIX, serial_base + i),
            state.account_sid,
            "active" if status == "scheduled" else status,
            fleet_sid,
            unique_name,
            created,
        )
        if status == "scheduled":
            # Deactivation in progress, settling a while after start.
            state._schedule_sim(sim, "inactive", fleet_sid, False, None, "POST", delay=60 + rng.randrange(540))
    seed_usage(state)

    for i in range(config.registrable):
        iccid = make_iccid(UNREGISTERED_PREFIX, serial_base + i)
        state.unregistered[iccid] = (state.registration_code(iccid), None)
    for i in range(10):
        iccid = make_iccid(FOREIGN_PREFIX, serial_base + i)
        state.unregistered[iccid] = (state.registration_code(iccid), state.other_account_sid)


def seed_usage(state: SimulatorState) -> None:
    """Give every seeded SIM its past (see the module docstring); draws only from its own generator."""
    urng = random.Random(f"usage:{state.config.seed}")
    now = state.world_now()
    today = hour_of(now) // 24
    eu = next((f for f in state.fleets.values() if f.unique_name == "eu-trackers"), None)
    swiss = next((n.sid for n in state.networks.values() if n.iso_country == "CH"), None)
    for sid in state.sim_order:
        sim = state.sims[sid]
        created_day = hour_of(_parse(sim.date_created)) // 24
        if sim.status == "ready":
            trickle = UNIT if sim.index % 4 == 0 else 0
            age = urng.randrange(10) if trickle else urng.randrange(90)
            start = min(today, max(created_day + 1, today - age))  # (a SIM made today: today, not tomorrow)
            sim.sms_commands = urng.randrange(5)
            sim.date_updated = _iso(max(_parse(sim.date_created), EPOCH + timedelta(days=start)))
            state.open_usage(sim, start, trickle)
        elif sim.status == "active" or sim.pending is not None:
            if sim.pending is not None:
                sim.status = "active"  # its usage is that of the active SIM it still is
            if sim.index % 23 != 0:
                state.open_usage(sim, min(today, created_day + urng.randrange(4)))
            if eu is not None and swiss is not None and sim.fleet_sid == eu.sid and sim.index % 20 == 1:
                daily = max(1, round(eu.data_limit * 1_000_000 * 0.2 / 30 / UNIT)) * UNIT
                sim.usage.append(UsageSegment(today - 45, today - 12, eu.sid, swiss, daily, STEADY))
            if sim.pending is not None:
                sim.status = "scheduled"
                if urng.randrange(3) == 0:
                    sim.pending.settle_at = state.clock() + STUCK_SCHEDULED
                    sim.date_updated = _iso(now - timedelta(hours=24 * 2 + urng.randrange(24 * 7)))
                else:  # asked for a few minutes ago
                    sim.date_updated = _iso(now - timedelta(minutes=1 + urng.randrange(30)))
        elif sim.status == "inactive":
            _past_usage(state, sim, created_day, today, urng)
    state._schedule = [(s.pending.settle_at, s.sid) for s in state.sims.values() if s.pending is not None]
    heapq.heapify(state._schedule)
    # A fleet with no SIMs (made last: every record above keeps its SID).
    spare = state.create_fleet({"UniqueName": "spare-pool", "NetworkAccessProfile": "global", "DataLimit": "100"})
    spare.date_created = spare.date_updated = _iso(now - timedelta(days=20))


def _past_usage(state: SimulatorState, sim: SimRecord, created_day: int, today: int, urng: random.Random) -> None:
    """An inactive SIM used data from its creation until it was deactivated."""
    status = sim.status
    sim.status = "active"
    state.open_usage(sim, created_day)
    sim.status = status
    end = min(today, created_day + 1 + urng.randrange(200))
    for segment in sim.usage:
        segment.end_day = max(segment.start_day, end)


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def registrable_examples(state: SimulatorState, count: int = 5) -> list[tuple[str, str]]:
    """ICCID / registration code pairs that can be claimed (for demos and docs)."""
    pairs = [(iccid, code) for iccid, (code, owner) in state.unregistered.items() if owner is None]
    return pairs[:count]
