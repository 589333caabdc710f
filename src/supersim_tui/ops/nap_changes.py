"""Naming networks, and the NAP changes made from a script: create, rename, clone, add or remove networks.

A network is named by its SID (``HW…``), its ``MCC-MNC`` (``262-01``) or its operator and country
(``"Telekom DE"``: the last word an ISO code, the rest the operator's name, matched case-insensitively,
exactly first, then as a prefix). A name that matches no network, or more than one, is an input error that
lists what it could have meant; nothing is sent until every name resolves.

Comparing two NAPs (networks only in A, only in B, in both; the fleets and SIM counts on each) is here too,
for the TUI's compare view. No Textual, no Rich.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..api import Fleet, Network, NetworkAccessProfile, SuperSimClient
from .consent import NONE, OPEN, Consent, consent_for
from .nap_impact import ChangeOutcome, NapImpact, NetworkChange, apply_nap_changes, fleets_impact, nap_impact
from .parallel import all_of, together
from .summary import NapSummary, created_nap

_SID = re.compile(r"HW[0-9a-fA-F]{32}")
_PLMN = re.compile(r"([0-9]{3})[-/ ]?([0-9]{2,3})")
_NAME_COUNTRY = re.compile(r"(.+?)[\s,]+([A-Za-z]{2})")


class NetworkRefError(ValueError):
    """A network name that matches no network, or several (the message lists them)."""


def _describe(network: Network) -> str:
    return f"{network.friendly_name} {network.iso_country} ({', '.join(network.plmns)}) {network.sid}"


def resolve_network(ref: str, catalog: Sequence[Network]) -> Network:
    """The one network ``ref`` names in ``catalog`` (see the module docstring); raises NetworkRefError."""
    text = ref.strip()
    if _SID.fullmatch(text):
        for network in catalog:
            if network.sid.lower() == text.lower():
                return network
        raise NetworkRefError(f"network {ref!r}: no network with this SID in the catalog")
    plmn = _PLMN.fullmatch(text)
    if plmn:
        mcc, mnc = plmn.groups()
        found = [n for n in catalog if any(i.mcc == mcc and i.mnc == mnc for i in n.identifiers)]
        if not found:
            raise NetworkRefError(f"network {ref!r}: no network with MCC {mcc} and MNC {mnc} in the catalog")
        if len(found) > 1:
            raise NetworkRefError(f"network {ref!r} matches {len(found)}: " + "; ".join(map(_describe, found[:8])))
        return found[0]
    named = _NAME_COUNTRY.fullmatch(text)
    if not named:
        raise NetworkRefError(
            f"network {ref!r}: expected a network SID (HW…), an MCC-MNC (e.g. 262-01) "
            "or an operator and ISO country (e.g. 'Telekom DE')"
        )
    name, country = named.group(1).strip().casefold(), named.group(2).upper()
    in_country = [n for n in catalog if (n.iso_country or "").upper() == country]
    if not in_country:
        raise NetworkRefError(f"network {ref!r}: no network in {country} in the catalog")
    exact = [n for n in in_country if (n.friendly_name or "").casefold() == name]
    found = exact or [n for n in in_country if (n.friendly_name or "").casefold().startswith(name)]
    if not found:
        names = ", ".join(sorted({n.friendly_name or n.sid for n in in_country})[:12])
        raise NetworkRefError(f"network {ref!r}: no operator {named.group(1).strip()!r} in {country}; there: {names}")
    if len(found) > 1:
        raise NetworkRefError(
            f"network {ref!r} matches {len(found)}; name one by SID or MCC-MNC: " + "; ".join(map(_describe, found[:8]))
        )
    return found[0]


def resolve_networks(refs: Sequence[str], catalog: Sequence[Network]) -> tuple[list[Network], list[str]]:
    """Each ref's network (duplicates once), and the problem with every ref that does not resolve."""
    found: dict[str, Network] = {}
    problems = []
    for ref in refs:
        try:
            network = resolve_network(ref, catalog)
        except NetworkRefError as error:
            problems.append(str(error))
            continue
        found.setdefault(network.sid, network)
    return list(found.values()), problems


@dataclass
class NetworkPlan:
    """Adding or removing networks on a NAP: what is sent, what is already so, and who it affects."""

    nap: NetworkAccessProfile
    add: bool
    changes: list[NetworkChange]  # to send
    already: list[Network]  # already on (add) or not on (remove) the NAP: nothing to send
    impact: NapImpact

    @property
    def cuts_service(self) -> bool:
        return bool(self.impact.countries_cut_off or not self.impact.networks_after)

    def consent(self, mode: str) -> Consent:
        """As the catalog's review: the fleets' active and ready SIMs count, and cutting service asks more."""
        if not self.changes:
            return Consent(NONE)
        name = self.nap.unique_name or self.nap.sid
        return consent_for(
            sims=self.impact.active + self.impact.ready,
            cuts_service=self.cuts_service,
            mode=mode,
            phrase=name,
            what=f"change NAP {name}",
        )

    def impact_json(self) -> dict[str, Any]:
        impact = self.impact
        return {
            "fleets": [
                {"sid": f.fleet.sid, "unique_name": f.fleet.unique_name, "active": f.active, "ready": f.ready}
                for f in impact.fleets
            ],
            "active_sims": impact.active,
            "ready_sims": impact.ready,
            "networks_before": len(impact.networks_before),
            "networks_after": len(impact.networks_after),
            "countries_cut_off": impact.countries_cut_off,
            "warnings": impact.warnings,
        }


async def plan_networks(client: SuperSimClient, nap_ref: str, networks: Sequence[Network], *, add: bool) -> NetworkPlan:
    nap = await client.fetch_nap(nap_ref)
    current: list[Network] = list(await client.list_nap_networks(nap.sid).collect())
    on = {n.sid for n in current}
    changes = [NetworkChange(n, add) for n in networks if (n.sid in on) != add]
    already = [n for n in networks if (n.sid in on) == add]
    return NetworkPlan(nap, add, changes, already, await nap_impact(client, nap, current, changes))


async def apply_networks(client: SuperSimClient, plan: NetworkPlan) -> list[ChangeOutcome]:
    return await apply_nap_changes(client, plan.nap.sid, plan.changes)


def simple_consent(mode: str, phrase: str, what: str) -> Consent:
    """A creation or rename: nothing to ask in an open profile; a protected one types ``phrase``."""
    if mode == OPEN:
        return Consent(NONE)
    return consent_for(sims=1, cuts_service=False, mode=mode, phrase=phrase, what=what)


# ------------------------------------------------------------------ compare
@dataclass
class NapSide:
    nap: NetworkAccessProfile
    networks: list[Network]
    fleets: list[Fleet]
    active: int = 0
    ready: int = 0


@dataclass
class NapComparison:
    a: NapSide
    b: NapSide
    only_a: list[Network] = field(default_factory=list)
    only_b: list[Network] = field(default_factory=list)
    both: list[Network] = field(default_factory=list)

    @property
    def countries_only_a(self) -> list[str]:
        return sorted({n.iso_country or "?" for n in self.a.networks} - {n.iso_country or "?" for n in self.b.networks})

    @property
    def countries_only_b(self) -> list[str]:
        return sorted({n.iso_country or "?" for n in self.b.networks} - {n.iso_country or "?" for n in self.a.networks})


async def _side(client: SuperSimClient, nap: NetworkAccessProfile) -> NapSide:
    networks, fleets = await together(
        client.list_nap_networks(nap.sid).collect(), client.list_fleets(network_access_profile=nap.sid).collect()
    )
    impacts = await fleets_impact(client, fleets)
    return NapSide(nap, list(networks), list(fleets), sum(i.active for i in impacts), sum(i.ready for i in impacts))


def _key(network: Network) -> tuple[str, str]:
    return (network.iso_country or "", (network.friendly_name or "").casefold())


async def compare_naps(client: SuperSimClient, a: NetworkAccessProfile, b: NetworkAccessProfile) -> NapComparison:
    side_a, side_b = await together(_side(client, a), _side(client, b))
    in_a, in_b = {n.sid for n in side_a.networks}, {n.sid for n in side_b.networks}
    return NapComparison(
        side_a,
        side_b,
        sorted((n for n in side_a.networks if n.sid not in in_b), key=_key),
        sorted((n for n in side_b.networks if n.sid not in in_a), key=_key),
        sorted((n for n in side_a.networks if n.sid in in_b), key=_key),
    )


@dataclass
class NapWithNetwork:
    nap: NetworkAccessProfile
    fleets: list[Fleet]


async def naps_with_network(client: SuperSimClient, network_sid: str) -> list[NapWithNetwork]:
    """Every NAP of the account that allows ``network_sid``, with the fleets using each (by name)."""
    naps, fleets = await together(client.list_naps().collect(), client.list_fleets().collect())
    networks = await all_of(client.list_nap_networks(n.sid).collect() for n in naps)
    found = []
    for nap, nets in zip(naps, networks, strict=True):
        if any(n.sid == network_sid for n in nets):
            found.append(NapWithNetwork(nap, [f for f in fleets if f.network_access_profile_sid == nap.sid]))
    return sorted(found, key=lambda item: item.nap.label)


async def clone_nap(client: SuperSimClient, source: NetworkAccessProfile, name: str) -> NapSummary:
    """A new NAP named ``name`` allowing the same networks as ``source`` (one create call), with those networks."""
    networks = await client.list_nap_networks(source.sid).collect()
    return created_nap(await client.create_nap(unique_name=name, networks=[n.sid for n in networks]), networks)
