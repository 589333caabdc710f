"""What a NAP change does before it is made, and making it.

The impact of toggling networks on a NAP (or moving a fleet to another NAP) is
the fleets that use it, how many of their SIMs are active or ready, and the
countries where those SIMs used data in the last 30 days (from UsageRecords
grouped by country): a change that leaves such a country without any network
cuts those devices off, so it is flagged loudly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..api import Fleet, Network, NetworkAccessProfile, SuperSimClient, SuperSimError
from ..api.errors import explain
from .parallel import all_of, together
from .summary import count_sims

USAGE_DAYS = 30
CACHE_WARNING = (
    "Removed networks may stay usable for up to a week for SIMs already attached to them "
    "(the network caches their authorization)."
)


@dataclass(frozen=True)
class NetworkChange:
    network: Network
    add: bool

    def describe(self) -> str:
        verb = "Add" if self.add else "Remove"
        return f"{verb} {self.network.friendly_name} {self.network.iso_country} ({', '.join(self.network.plmns)})"


@dataclass
class FleetImpact:
    fleet: Fleet
    active: int = 0
    ready: int = 0
    countries_in_use: set[str] = field(default_factory=set)


@dataclass
class NapImpact:
    nap: NetworkAccessProfile
    changes: list[NetworkChange]
    fleets: list[FleetImpact]
    networks_before: list[Network]
    networks_after: list[Network]

    @property
    def active(self) -> int:
        return sum(f.active for f in self.fleets)

    @property
    def ready(self) -> int:
        return sum(f.ready for f in self.fleets)

    @property
    def countries_used(self) -> set[str]:
        return set().union(*(f.countries_in_use for f in self.fleets)) if self.fleets else set()

    @property
    def countries_cut_off(self) -> list[str]:
        """Countries where SIMs of these fleets used data that had a network before the change and have none
        after. A country never covered is not cut off by this change (Health reports it): adding a network
        warned that devices "would lose service" and asked for the typed name."""
        before = {n.iso_country for n in self.networks_before}
        after = {n.iso_country for n in self.networks_after}
        return sorted((self.countries_used & before) - after)

    @property
    def countries_uncovered(self) -> list[str]:
        """Countries where these fleets' SIMs used data that had no network before the change either."""
        return sorted(self.countries_used - {n.iso_country for n in self.networks_before})

    @property
    def warnings(self) -> list[str]:
        notes = []
        if not self.networks_after:
            lose = "every SIM in these fleets would lose service" if self.fleets else "a fleet given it would have none"
            notes.append(f"The NAP would allow NO network at all: {lose}.")
        cut = self.countries_cut_off
        if cut and self.networks_after:
            notes.append(
                "No network would be left in " + ", ".join(cut) + ", where these fleets' SIMs used data "
                f"in the last {USAGE_DAYS} days: those devices would lose service."
            )
        if uncovered := self.countries_uncovered:
            notes.append(
                "No network already in " + ", ".join(uncovered) + ", where these fleets' SIMs used data in the "
                f"last {USAGE_DAYS} days (before this change too)."
            )
        if any(not c.add for c in self.changes):
            notes.append(CACHE_WARNING)
        return notes


async def _fleet_impact(client: SuperSimClient, fleet: Fleet, gate: asyncio.Semaphore) -> FleetImpact:
    impact = FleetImpact(fleet)

    async def countries() -> set[str]:
        start = (datetime.now(UTC) - timedelta(days=USAGE_DAYS)).strftime("%Y-%m-%dT%H:00:00Z")
        async with gate:
            try:
                records = await client.list_usage_records(
                    fleet=fleet.sid, group="isoCountry", start_time=start
                ).collect()
            except SuperSimError:
                return set()  # usage is a hint; its absence must not block the preview
        return {r.iso_country for r in records if r.iso_country and (r.data_total or 0) > 0}

    impact.active, impact.ready, impact.countries_in_use = await together(
        count_sims(client, fleet=fleet.sid, status="active", gate=gate),
        count_sims(client, fleet=fleet.sid, status="ready", gate=gate),
        countries(),
    )
    return impact


async def fleets_impact(client: SuperSimClient, fleets: Iterable[Fleet], concurrency: int = 6) -> list[FleetImpact]:
    gate = asyncio.Semaphore(concurrency)
    return await all_of(_fleet_impact(client, f, gate) for f in fleets)


async def nap_impact(
    client: SuperSimClient, nap: NetworkAccessProfile, current: list[Network], changes: list[NetworkChange]
) -> NapImpact:
    """The fleets on ``nap``, their SIMs and countries, and the networks before and after ``changes``."""
    fleets = await client.list_fleets(network_access_profile=nap.sid).collect()
    after = {n.sid: n for n in current}
    for change in changes:
        if change.add:
            after[change.network.sid] = change.network
        else:
            after.pop(change.network.sid, None)
    return NapImpact(nap, changes, await fleets_impact(client, fleets), list(current), list(after.values()))


@dataclass
class FleetNapChange:
    fleet: Fleet
    old_nap: NetworkAccessProfile | None
    new_nap: NetworkAccessProfile
    gained: list[Network]
    lost: list[Network]
    impact: FleetImpact
    networks_after: list[Network]

    @property
    def countries_cut_off(self) -> list[str]:
        """Countries where the fleet's SIMs used data that its old NAP covers and the new one does not."""
        gained = {n.sid for n in self.gained}
        before = {n.iso_country for n in self.networks_after if n.sid not in gained} | {
            n.iso_country for n in self.lost
        }
        after = {n.iso_country for n in self.networks_after}
        return sorted((self.impact.countries_in_use & before) - after)


async def fleet_nap_change(client: SuperSimClient, fleet: Fleet, new_nap: NetworkAccessProfile) -> FleetNapChange:
    """Networks gained and lost, and the SIMs affected, if ``fleet`` moves to ``new_nap``."""
    old_sid = fleet.network_access_profile_sid
    old_nap = await client.fetch_nap(old_sid) if old_sid else None
    old_networks: list[Network] = list(await client.list_nap_networks(old_sid).collect()) if old_sid else []
    new_networks: list[Network] = list(await client.list_nap_networks(new_nap.sid).collect())
    old_ids, new_ids = {n.sid for n in old_networks}, {n.sid for n in new_networks}
    (impact,) = await fleets_impact(client, [fleet])
    return FleetNapChange(
        fleet,
        old_nap,
        new_nap,
        [n for n in new_networks if n.sid not in old_ids],
        [n for n in old_networks if n.sid not in new_ids],
        impact,
        new_networks,
    )


@dataclass(frozen=True)
class ChangeOutcome:
    change: NetworkChange
    ok: bool
    error: str | None = None
    already: bool = False  # the NAP was already that way (applied twice, or by someone else): nothing changed


def _already_there(change: NetworkChange, error: SuperSimError) -> bool:
    """The API refused because the change is already made: adding a network the NAP already allows (error 20001,
    "… is already allowed by Network Access Profile …"), or removing one it no longer has (404)."""
    if change.add:
        return error.code == 20001 and "already allowed" in str(error)
    return error.status == 404 and error.code == 20404


async def apply_nap_changes(
    client: SuperSimClient,
    nap_sid: str,
    changes: list[NetworkChange],
    on_outcome: Callable[[ChangeOutcome], None] | None = None,
) -> list[ChangeOutcome]:
    """Apply each change in turn; one failing does not stop the others, and each says why. Applying again is
    harmless: a change the NAP already has counts as done ("already there"), not as a failure."""
    outcomes = []
    for change in changes:
        try:
            if change.add:
                await client.add_nap_network(nap_sid, change.network.sid)
            else:
                await client.remove_nap_network(nap_sid, change.network.sid)
            outcome = ChangeOutcome(change, True)
        except SuperSimError as error:
            if _already_there(change, error):
                outcome = ChangeOutcome(change, True, already=True)
            else:
                outcome = ChangeOutcome(change, False, explain(error))
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return outcomes


@dataclass
class MoveImpact:
    """What moving SIMs from fleets on one NAP to a fleet on another does to their coverage."""

    from_nap: str  # the NAP the SIMs use now (its label)
    to_nap: str
    sims: int  # how many of the moved SIMs use ``from_nap`` now
    gained: list[Network]
    lost: list[Network]
    countries_gained: list[str] = field(default_factory=list)
    countries_lost: list[str] = field(default_factory=list)  # covered now, not at all after the move


def move_impact(
    sims_by_nap: dict[str, int],
    nap_networks: Mapping[str, Sequence[Network]],
    nap_labels: dict[str, str],
    target_nap: str,
) -> list[MoveImpact]:
    """For each NAP the moved SIMs use now (other than the target fleet's), the networks and countries they gain
    and lose by the move (the same comparison as the fleet form's NAP-change preview)."""
    target = nap_networks.get(target_nap, [])
    target_ids = {n.sid for n in target}
    target_countries = {n.iso_country or "?" for n in target}
    impacts = []
    for nap_sid, count in sorted(sims_by_nap.items(), key=lambda kv: -kv[1]):
        if nap_sid == target_nap:
            continue
        old = nap_networks.get(nap_sid, [])
        old_ids = {n.sid for n in old}
        old_countries = {n.iso_country or "?" for n in old}
        impacts.append(
            MoveImpact(
                nap_labels.get(nap_sid, nap_sid or "no NAP"),
                nap_labels.get(target_nap, target_nap),
                count,
                [n for n in target if n.sid not in old_ids],
                [n for n in old if n.sid not in target_ids],
                sorted(target_countries - old_countries),
                sorted(old_countries - target_countries),
            )
        )
    return impacts
