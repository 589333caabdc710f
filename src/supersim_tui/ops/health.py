"""What in the account needs attention: findings with a severity, a reason from the API documents,
a count and what to act on (SIMs, a fleet or a NAP).

Read like ``status`` (ops/summary.py): SIMs are listed as independent slices side by side, 1,000 a
page — each fleet's ready, active and scheduled SIMs, and the account's new and inactive SIMs (which
also finds those without a fleet and the rest of each fleet's count) — alongside each fleet's usage
of the last 30 days grouped by SIM and by country (UsageRecords, Fleet filter) and each NAP's
networks. Every page waits on one semaphore, so at most ``concurrency`` requests are in flight.

Estimates, and why (the API gives no more):
- "30 days" stands for the current billing period ("normally one month", the Fleet resource's data_limit); each
  SIM's own period may start on another day.
- When a ready SIM became ready is taken from its ``date_updated`` (a later rename makes that later,
  so its three months may end sooner than shown). Its data is what it used in the last 30 days (a
  lower bound for a SIM ready longer than that). SMS Commands are not counted (that would take a
  request per SIM).

Over 400 lines: one short function per kind of finding, kept together so the whole review reads in
one place.

Why one file over 400 lines: one report, read in one pass; each finding's rule is a few lines next to the
thresholds and the shared reads it uses, and splitting them would scatter the estimates explained above.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from ..api import Fleet, NapNetwork, NetworkAccessProfile, Sim, SuperSimClient, SuperSimError, UsageRecord
from .parallel import all_of, together

T = TypeVar("T")

KB = 1000  # decimal units, as Twilio bills data
READY_DATA = 250 * KB  # the Sim document: 250KB of data, five SMS Commands or three months
READY_DAYS = 90  # three months, taken as 90 days
WINDOW_DAYS = 30
SEVERITIES = ("high", "medium", "low")


@dataclass(frozen=True)
class SimRef:
    sid: str
    iccid: str | None
    fleet_sid: str | None
    note: str = ""
    status: str | None = None  # e.g. "turns active in 3 days (three months)" or "412 MB of 500 MB"

    def to_json(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "iccid": self.iccid,
            "fleet_sid": self.fleet_sid,
            "status": self.status,
            "note": self.note,
        }


@dataclass
class Finding:
    """One thing to look at. ``sims`` are exactly the SIMs to act on; ``fleet``/``nap`` the record concerned."""

    check: str
    severity: str
    title: str
    explanation: str
    count: int
    sims: list[SimRef] = field(default_factory=list)
    fleet: Fleet | None = None
    nap: NetworkAccessProfile | None = None
    detail: str = ""

    @property
    def target(self) -> str:
        if self.sims:
            return "sims"
        if self.fleet is not None:
            return "fleet"
        return "nap" if self.nap is not None else "none"

    def to_json(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "title": self.title,
            "explanation": self.explanation,
            "count": self.count,
            "detail": self.detail,
            "target": self.target,
            "fleet": {"sid": self.fleet.sid, "unique_name": self.fleet.unique_name} if self.fleet else None,
            "network_access_profile": {"sid": self.nap.sid, "unique_name": self.nap.unique_name} if self.nap else None,
            "sims": [s.to_json() for s in self.sims],
        }


@dataclass
class HealthReport:
    findings: list[Finding]
    checked_at: datetime
    sims_checked: int
    requests: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "checked_at": self.checked_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sims_checked": self.sims_checked,
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass
class Thresholds:
    soon_days: int = 14  # ready SIMs turning active within this many days
    ready_bytes: int = 200 * KB  # ready SIMs past this much data
    scheduled_hours: int = 24  # scheduled for longer than this
    near_limit: float = 0.8  # share of a fleet's data limit


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _size(value: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" or value == int(value) else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def _sims(count: int, what: str = "SIM") -> str:
    """``1 ready SIM``, ``12 ready SIMs``."""
    return f"{count:,} {what}" + ("" if count == 1 else "s")


def _hours(count: int) -> str:
    """``1 hour``, ``24 hours``."""
    return f"{count:,} hour" + ("" if count == 1 else "s")


def _ref(sim: Sim, note: str = "") -> SimRef:
    return SimRef(sim.sid, sim.iccid, sim.fleet_sid, note, str(sim.status) if sim.status else None)


async def account_health(
    client: SuperSimClient,
    *,
    now: datetime | None = None,
    thresholds: Thresholds | None = None,
    concurrency: int = 8,
) -> HealthReport:
    """Read the account (see the module docstring) and return its findings, most severe first."""
    limits = thresholds or Thresholds()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    window_start = (now - timedelta(days=WINDOW_DAYS)).replace(minute=0, second=0)
    gate = asyncio.Semaphore(concurrency)
    before = client.requests_sent

    async def bounded(call: Awaitable[T]) -> T:
        async with gate:
            return await call

    async def sims(status: str, fleet: str | None) -> list[Sim]:
        found: list[Sim] = []
        pager = client.list_sims(status=status, fleet=fleet, page_size=1000)
        while pager.has_more:
            found += await bounded(pager.walk_page())
        return found

    usage_problems: list[str] = []

    async def usage(fleet: str, group: str) -> list[UsageRecord]:
        """A fleet's usage; a failure skips the checks that need usage (reported), not the whole review."""
        found: list[UsageRecord] = []
        pager = client.list_usage_records(
            fleet=fleet, group=group, start_time=_stamp(window_start), end_time=_stamp(now), page_size=1000
        )
        try:
            while pager.has_more:
                found += await bounded(pager.walk_page())
        except SuperSimError as error:
            usage_problems.append(str(error))
        return found

    naps, fleets = await together(client.list_naps().collect(), client.list_fleets().collect())
    per_fleet = ("ready", "active", "scheduled")
    slices = [(f.sid, status) for f in fleets for status in per_fleet]
    listed, accountwide, usages, nap_networks = await together(
        all_of(sims(status, fleet) for fleet, status in slices),
        all_of(sims(status, None) for status in ("new", "inactive")),
        all_of(usage(f.sid, group) for group in ("sim", "isoCountry") for f in fleets),
        all_of(bounded(client.list_nap_networks(n.sid).collect()) for n in naps),
    )
    by_sim, by_country = usages[: len(fleets)], usages[len(fleets) :]
    in_fleets: dict[tuple[str, str], list[Sim]] = dict(zip(slices, listed, strict=True))
    new, inactive = accountwide
    used = {r.sim_sid: r.data_total or 0 for records in by_sim for r in records if r.sim_sid}
    countries = {
        f.sid: {r.iso_country for r in records if r.iso_country and (r.data_total or 0) > 0}
        for f, records in zip(fleets, by_country, strict=True)
    }
    networks = {n.sid: networks for n, networks in zip(naps, nap_networks, strict=True)}

    findings: list[Finding] = []
    ready = [s for f in fleets for s in in_fleets[(f.sid, "ready")]]
    active = [s for f in fleets for s in in_fleets[(f.sid, "active")]]
    scheduled = [s for f in fleets for s in in_fleets[(f.sid, "scheduled")]]
    findings += _ready_findings(ready, used, now, limits)
    findings += _active_findings(fleets, in_fleets, None if usage_problems else used)
    findings += _scheduled_findings(scheduled, now, limits)
    findings += _limit_findings(fleets, in_fleets, used, limits)
    findings += _nap_findings(naps, fleets, networks, countries)
    findings += _fleetless_findings(fleets, in_fleets, new, inactive)
    if usage_problems:
        findings.append(
            Finding(
                "usage-unavailable",
                "medium",
                "Usage could not be read: the checks that need it were skipped",
                "Ready SIMs past 200 KB, active SIMs without data, fleets near their limit and NAP coverage "
                "need UsageRecords.",
                len(usage_problems),
                detail=usage_problems[0],
            )
        )
    findings.sort(key=lambda f: SEVERITIES.index(f.severity))
    total = len(ready) + len(active) + len(scheduled) + len(new) + len(inactive)
    return HealthReport(findings, now, total, client.requests_sent - before)


def _ready_findings(ready: list[Sim], used: dict[str, int], now: datetime, limits: Thresholds) -> list[Finding]:
    soon: list[SimRef] = []
    past: list[SimRef] = []
    for sim in ready:
        since = sim.date_updated or now
        hours_ready = max(1.0, (now - since).total_seconds() / 3600)
        data = used.get(sim.sid, 0)
        by_time = READY_DAYS * 24 - hours_ready
        by_data = (READY_DATA - data) / (data / min(hours_ready, WINDOW_DAYS * 24)) if data else float("inf")
        left = min(by_time, by_data)
        if left <= limits.soon_days * 24:
            why = "250 KB of data" if by_data < by_time else "three months in ready"
            soon.append(_ref(sim, f"in {max(0.0, left) / 24:.1f} days ({why})"))
        if data >= limits.ready_bytes:
            past.append(_ref(sim, f"{_size(data)} used"))
    explanation = (
        "The Sim document: a ready SIM turns active on its own (and starts its monthly fee) after 250 KB of "
        "data, five SMS Commands or three months."
    )
    findings = []
    if soon:
        findings.append(
            Finding(
                "ready-turning-active",
                "medium",
                f"{_sims(len(soon), 'ready SIM')} {'turns' if len(soon) == 1 else 'turn'} active within "
                f"{limits.soon_days} days",
                explanation,
                len(soon),
                soon,
            )
        )
    if past:
        findings.append(
            Finding(
                "ready-past-data",
                "medium",
                f"{_sims(len(past), 'ready SIM')} already used over {_size(limits.ready_bytes)} of the 250 KB that "
                "turn a ready SIM active",
                explanation,
                len(past),
                past,
            )
        )
    return findings


def _active_findings(
    fleets: list[Fleet], in_fleets: dict[tuple[str, str], list[Sim]], used: dict[str, int] | None
) -> list[Finding]:
    findings = []
    idle = (
        [] if used is None else [_ref(s) for f in fleets for s in in_fleets[(f.sid, "active")] if not used.get(s.sid)]
    )
    if idle:
        findings.append(
            Finding(
                "active-no-data",
                "medium",
                f"{_sims(len(idle), 'active SIM')} used no data in the last {WINDOW_DAYS} days",
                "Active SIMs pay the monthly fee (the Sim document: only ready avoids it); these used nothing "
                "in about a billing period.",
                len(idle),
                idle,
            )
        )
    for fleet in fleets:
        active = in_fleets[(fleet.sid, "active")]
        if fleet.data_enabled is False and active:
            findings.append(
                Finding(
                    "fleet-data-disabled",
                    "medium",
                    f"Fleet {fleet.label} has data disabled but {_sims(len(active), 'active SIM')}",
                    "data_enabled is false: the fleet's SIMs cannot use data (the Fleet resource), yet active "
                    "SIMs pay the monthly fee.",
                    len(active),
                    [_ref(s) for s in active],
                    fleet=fleet,
                )
            )
    return findings


def _scheduled_findings(scheduled: list[Sim], now: datetime, limits: Thresholds) -> list[Finding]:
    cutoff = now - timedelta(hours=limits.scheduled_hours)
    stuck = [
        _ref(s, f"scheduled since {s.date_updated:%Y-%m-%d %H:%M}")
        for s in scheduled
        if s.date_updated is not None and s.date_updated < cutoff
    ]
    if not stuck:
        return []
    return [
        Finding(
            "scheduled-stuck",
            "high",
            f"{_sims(len(stuck))} scheduled for over {_hours(limits.scheduled_hours)}",
            "The Sim document: scheduled means the update is queued until the network operator is ready; "
            f"these have waited over {_hours(limits.scheduled_hours)} (since their date_updated).",
            len(stuck),
            stuck,
        )
    ]


def _limit_findings(
    fleets: list[Fleet], in_fleets: dict[tuple[str, str], list[Sim]], used: dict[str, int], limits: Thresholds
) -> list[Finding]:
    findings = []
    for fleet in fleets:
        if not fleet.data_limit:
            continue
        limit = fleet.data_limit * 1_000_000
        members = [s for status in ("ready", "active", "scheduled") for s in in_fleets[(fleet.sid, status)]]
        near = [
            _ref(s, f"{_size(used[s.sid])} of {_size(limit)}")
            for s in members
            if used.get(s.sid, 0) >= limits.near_limit * limit
        ]
        if not near:
            continue
        at = sum(1 for s in members if used.get(s.sid, 0) >= limit)
        findings.append(
            Finding(
                "fleet-near-limit",
                "high" if at else "medium",
                f"Fleet {fleet.label}: {_sims(len(near))} at or near the {fleet.data_limit:,} MB data limit"
                + (f" ({at:,} at it)" if at else ""),
                "The Fleet resource (API description): data_limit is what each SIM may use in a billing period "
                f"(normally one month); these used {limits.near_limit:.0%} or more in the last {WINDOW_DAYS} days.",
                len(near),
                near,
                fleet=fleet,
            )
        )
    return findings


def _nap_findings(
    naps: list[NetworkAccessProfile],
    fleets: list[Fleet],
    networks: dict[str, list[NapNetwork]],
    countries: dict[str, set[str]],
) -> list[Finding]:
    findings = []
    for nap in naps:
        users = [f for f in fleets if f.network_access_profile_sid == nap.sid]
        name = nap.unique_name or nap.sid
        if not users:
            findings.append(
                Finding(
                    "nap-unused",
                    "low",
                    f"NAP {name} is used by no fleet",
                    "A NAP applies to the SIMs of the fleets that name it (the Fleets and NAPs guide); no fleet "
                    "names this one.",
                    1,
                    nap=nap,
                )
            )
            continue
        covered = {n.iso_country for n in networks.get(nap.sid, []) if n.iso_country}
        missing: dict[str, list[str]] = {}
        for fleet in users:
            for country in sorted(countries.get(fleet.sid, set()) - covered):
                missing.setdefault(country, []).append(fleet.label)
        if missing:
            where = ", ".join(f"{c} ({', '.join(names)})" for c, names in sorted(missing.items()))
            findings.append(
                Finding(
                    "nap-missing-country",
                    "high",
                    f"NAP {name} has no network in {', '.join(sorted(missing))}, where its SIMs used data",
                    "A NAP lists the networks its fleets' SIMs may use (the NAP document); SIMs of its fleets "
                    f"used data in these countries in the last {WINDOW_DAYS} days.",
                    len(missing),
                    nap=nap,
                    detail=where,
                )
            )
    return findings


def _fleetless_findings(
    fleets: list[Fleet], in_fleets: dict[tuple[str, str], list[Sim]], new: list[Sim], inactive: list[Sim]
) -> list[Finding]:
    findings = []
    members: dict[str, int] = {}
    for (fleet_sid, _), sims in in_fleets.items():
        members[fleet_sid] = members.get(fleet_sid, 0) + len(sims)
    for sim in new + inactive:
        if sim.fleet_sid:
            members[sim.fleet_sid] = members.get(sim.fleet_sid, 0) + 1
    for fleet in fleets:
        if not members.get(fleet.sid):
            findings.append(
                Finding(
                    "fleet-empty",
                    "low",
                    f"Fleet {fleet.label} has no SIMs",
                    "No SIM names this fleet in its fleet_sid (the Sim document).",
                    1,
                    fleet=fleet,
                )
            )
    orphans = [_ref(s) for s in new + inactive if not s.fleet_sid]
    if orphans:
        findings.append(
            Finding(
                "sims-without-fleet",
                "low",
                f"{_sims(len(orphans))} without a fleet",
                "The Sim document: a SIM must be assigned to a Fleet before it can be activated.",
                len(orphans),
                orphans,
            )
        )
    return findings
