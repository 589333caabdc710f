"""A realistic account, deterministic from the seed.

NAPs cover the usual shapes (global, EU-only, US-only, North America, APAC), fleets
use them, and SIMs are spread over every status. Some SIMs are mid-update
(``scheduled``) and settle a minute or more after start, so the demo shows them.
A pool of unregistered SIMs (and a few held by another account) can be claimed
with POST /v1/Sims; their codes come from :meth:`SimulatorState.registration_code`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .state import SimulatorState, _iso, make_iccid

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

    for i in range(config.registrable):
        iccid = make_iccid(UNREGISTERED_PREFIX, serial_base + i)
        state.unregistered[iccid] = (state.registration_code(iccid), None)
    for i in range(10):
        iccid = make_iccid(FOREIGN_PREFIX, serial_base + i)
        state.unregistered[iccid] = (state.registration_code(iccid), state.other_account_sid)


def registrable_examples(state: SimulatorState, count: int = 5) -> list[tuple[str, str]]:
    """ICCID / registration code pairs that can be claimed (for demos and docs)."""
    pairs = [(iccid, code) for iccid, (code, owner) in state.unregistered.items() if owner is None]
    return pairs[:count]
