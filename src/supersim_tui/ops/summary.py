"""The account at a glance: fleets with SIM counts by status, NAPs with their networks.

The API has no count endpoint, so counting means listing. Rather than one
sequential pass over every SIM (page after page, each waiting for the last),
the SIMs are listed as independent (fleet, status) slices in parallel, 1,000
per page, plus the new and inactive SIMs to find those without a fleet. The
slowest slice, not the account, sets the time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..api import Fleet, NapNetwork, Network, NetworkAccessProfile, SimStatus, SuperSimClient
from .parallel import all_of, together

STATUSES = [str(s) for s in SimStatus]


@dataclass
class FleetSummary:
    fleet: Fleet
    nap_name: str | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "sid": self.fleet.sid,
            "unique_name": self.fleet.unique_name,
            "network_access_profile_sid": self.fleet.network_access_profile_sid,
            "network_access_profile": self.nap_name,
            "data_enabled": self.fleet.data_enabled,
            "data_limit": self.fleet.data_limit,
            "sims": dict(self.counts),
            "sims_total": self.total,
        }


@dataclass
class NapSummary:
    nap: NetworkAccessProfile
    networks: list[NapNetwork]
    fleets: list[str]

    @property
    def countries(self) -> list[str]:
        return sorted({n.iso_country for n in self.networks if n.iso_country})

    def to_json(self) -> dict[str, Any]:
        return {
            "sid": self.nap.sid,
            "unique_name": self.nap.unique_name,
            "networks": len(self.networks),
            "countries": self.countries,
            "fleets": self.fleets,
        }


def created_nap(nap: NetworkAccessProfile, networks: Iterable[Network]) -> NapSummary:
    """A NAP just created, as the NAPs are listed: the networks it was created with (the API names a NAP's
    network by the network's SID), used by no fleet yet."""
    return NapSummary(
        nap,
        [
            NapNetwork(
                sid=n.sid,
                friendly_name=n.friendly_name,
                iso_country=n.iso_country,
                identifiers=n.identifiers,
                network_access_profile_sid=nap.sid,
            )
            for n in networks
        ],
        [],
    )


@dataclass
class AccountSummary:
    fleets: list[FleetSummary]
    naps: list[NapSummary]
    unassigned: dict[str, int]
    requests: int = 0

    @property
    def totals(self) -> dict[str, int]:
        totals = {status: 0 for status in STATUSES}
        for summary in self.fleets:
            for status, count in summary.counts.items():
                totals[status] = totals.get(status, 0) + count
        for status, count in self.unassigned.items():
            totals[status] = totals.get(status, 0) + count
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "fleets": [f.to_json() for f in self.fleets],
            "network_access_profiles": [n.to_json() for n in self.naps],
            "sims_without_fleet": dict(self.unassigned),
            "sims_by_status": self.totals,
            "sims_total": sum(self.totals.values()),
        }


async def count_sims(client: SuperSimClient, *, fleet: str | None, status: str, gate: asyncio.Semaphore) -> int:
    """How many SIMs a (fleet, status) slice holds: listed 1,000 a page, each page under ``gate``."""
    total = 0
    pager = client.list_sims_undecoded(status=status, fleet=fleet, page_size=1000)  # counted, never decoded
    while pager.has_more:
        async with gate:
            total += len(await pager.walk_page())
    return total


def nap_users(fleets: list[Fleet]) -> dict[str, list[str]]:
    """NAP SID → the names of the fleets using it."""
    users: dict[str, list[str]] = {}
    for f in fleets:
        users.setdefault(f.network_access_profile_sid or "", []).append(f.unique_name or f.sid)
    return users


async def read_fleets_and_naps(
    client: SuperSimClient, *, fleet: str | None = None
) -> tuple[list[Fleet], list[NetworkAccessProfile]]:
    """The account's fleets (or the one named) and every NAP, read side by side; if either read fails, the
    other is cancelled and awaited."""

    async def read_fleets() -> list[Fleet]:
        if fleet:
            return [await client.fetch_fleet(fleet)]
        return await client.list_fleets().collect()

    naps, fleets = await together(client.list_naps().collect(), read_fleets())
    return fleets, naps


async def read_nap_summaries(
    client: SuperSimClient, naps: list[NetworkAccessProfile], fleets: list[Fleet], *, gate: asyncio.Semaphore
) -> list[NapSummary]:
    """Each NAP with its networks (one listing per NAP, each under ``gate``) and the fleets using it."""

    async def networks(nap: NetworkAccessProfile) -> list[NapNetwork]:
        async with gate:
            return await client.list_nap_networks(nap.sid).collect()

    users = nap_users(fleets)
    lists = await all_of(networks(n) for n in naps)
    return [NapSummary(n, nets, users.get(n.sid, [])) for n, nets in zip(naps, lists, strict=True)]


async def count_fleet(
    client: SuperSimClient, fleet_sid: str, statuses: Iterable[str], *, gate: asyncio.Semaphore
) -> dict[str, int]:
    """A fleet's SIMs counted by status (one listing per status, each page under ``gate``)."""
    wanted = list(statuses)
    counts = await all_of(count_sims(client, fleet=fleet_sid, status=status, gate=gate) for status in wanted)
    return dict(zip(wanted, counts, strict=True))


async def account_summary(client: SuperSimClient, *, fleet: str | None = None, concurrency: int = 8) -> AccountSummary:
    """Counts for every fleet (or one), each NAP's networks, and SIMs without a fleet."""
    gate = asyncio.Semaphore(concurrency)
    before = client.requests_sent

    async def fleetless(status: str) -> int:
        total = 0
        pager = client.list_sim_briefs(status=status, page_size=1000)  # only the fleet is looked at
        while pager.has_more:
            async with gate:
                page = await pager.walk_page()
            total += sum(1 for sim in page if sim.fleet_sid is None)
        return total

    fleets, naps = await read_fleets_and_naps(client, fleet=fleet)
    nap_names = {n.sid: n.unique_name or n.sid for n in naps}
    summaries = [FleetSummary(f, nap_names.get(f.network_access_profile_sid or "")) for f in fleets]
    unassigned_statuses = [] if fleet else ["new", "inactive"]  # ready/active SIMs always have a fleet
    shown_naps = [n for n in naps if not fleet or any(f.network_access_profile_sid == n.sid for f in fleets)]
    counts, fleetless_counts, nap_summaries = await together(
        all_of(count_fleet(client, summary.fleet.sid, STATUSES, gate=gate) for summary in summaries),
        all_of(fleetless(status) for status in unassigned_statuses),
        read_nap_summaries(client, shown_naps, fleets, gate=gate),
    )
    for summary, fleet_counts in zip(summaries, counts, strict=True):
        summary.counts.update(fleet_counts)
    unassigned = dict(zip(unassigned_statuses, fleetless_counts, strict=True))
    return AccountSummary(summaries, nap_summaries, unassigned, client.requests_sent - before)
