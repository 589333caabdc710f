"""``naps create|rename|clone|add-network|remove-network``: NAP changes from a script, each planned first.

Network changes state the fleets on the NAP and their active and ready SIMs (as the TUI's review does), ask
as much as ops.consent says, then send one request per network and report each: ``done``, ``skipped``
(already so: nothing sent), ``failed`` (with the API's reason) or, with ``--dry-run``, ``planned``.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..api import Network, NetworkAccessProfile, SuperSimClient
from ..api.models import to_builtins
from ..ops.nap_changes import NetworkPlan, apply_networks, plan_networks, resolve_networks, simple_consent
from ..ops.outcomes import PLANNED
from .confirm import confirm_change, named
from .output import note, print_json, table
from .session import Session, UsageError

EXIT_OK, EXIT_FAILED = 0, 1


async def _networks(client: SuperSimClient, refs: list[str]) -> list[Network]:
    """Every named network, or a usage error listing each name that does not resolve (nothing sent)."""
    if not refs:
        return []
    catalog = await client.list_networks(page_size=1000).collect()
    networks, problems = resolve_networks(refs, catalog)
    if problems:
        raise UsageError("; ".join(problems) + "; nothing was sent")
    return networks


def _net_json(network: Network) -> dict[str, Any]:
    return {
        "sid": network.sid,
        "friendly_name": network.friendly_name,
        "iso_country": network.iso_country,
        "plmns": network.plmns,
    }


async def _created(args: argparse.Namespace, nap: NetworkAccessProfile | None, extra: dict[str, Any]) -> int:
    if args.json:
        print_json({"dry_run": bool(args.dry_run), **extra, "network_access_profile": to_builtins(nap)})
    elif nap is not None:
        print(nap.sid)
    return EXIT_OK


async def _create_with(
    session: Session, args: argparse.Namespace, name: str, networks: list[Network], action: str, source: str = ""
) -> int:
    taken = {n.unique_name for n in await session.client.list_naps().collect()}
    if name in taken:
        raise UsageError(f"a NAP named {name!r} already exists; choose another name; nothing was sent")
    what = f"{action} NAP {name}" + (f" from {source}" if source else "")
    countries = sorted({n.iso_country or "?" for n in networks})
    note(f"{what[:1].upper()}{what[1:]} with {len(networks)} network(s) in {len(countries)} countries.")
    extra: dict[str, Any] = {"action": action, "unique_name": name, "networks": [_net_json(n) for n in networks]}
    if args.dry_run:
        note("Dry run: nothing was sent.")
        return await _created(args, None, extra)
    confirm_change(args, f"{what}?", simple_consent(getattr(args, "safety_mode", "open"), name, what))
    nap = await session.client.create_nap(unique_name=name, networks=[n.sid for n in networks])
    note(f"NAP {nap.unique_name} ({nap.sid}) created.")
    return await _created(args, nap, extra)


async def create(session: Session, args: argparse.Namespace) -> int:
    networks = await _networks(session.client, args.networks)
    return await _create_with(session, args, args.name, networks, "create")


async def clone(session: Session, args: argparse.Namespace) -> int:
    source = await named(session.client.fetch_nap(args.nap), f"NAP {args.nap!r}")
    networks: list[Network] = list(await session.client.list_nap_networks(source.sid).collect())
    return await _create_with(session, args, args.name, networks, "clone", source.unique_name or source.sid)


async def rename(session: Session, args: argparse.Namespace) -> int:
    client = session.client
    nap = await named(client.fetch_nap(args.nap), f"NAP {args.nap!r}")
    extra: dict[str, Any] = {"action": "rename", "from": nap.unique_name, "to": args.name}
    if nap.unique_name == args.name:
        note(f"NAP {nap.sid} is already named {args.name}: nothing to change.")
        return await _created(args, nap, extra)
    if any(n.unique_name == args.name and n.sid != nap.sid for n in await client.list_naps().collect()):
        raise UsageError(f"a NAP named {args.name!r} already exists; choose another name; nothing was sent")
    what = f"rename NAP {nap.unique_name or nap.sid} to {args.name}"
    note(what[:1].upper() + what[1:] + ".")
    if args.dry_run:
        note("Dry run: nothing was sent.")
        return await _created(args, None, extra)
    confirm_change(args, f"{what}?", simple_consent(getattr(args, "safety_mode", "open"), args.name, what))
    renamed = await client.update_nap(nap.sid, unique_name=args.name)
    note(f"NAP {renamed.sid} renamed to {renamed.unique_name}.")
    return await _created(args, renamed, extra)


def _show_impact(plan: NetworkPlan) -> None:
    name = plan.nap.unique_name or plan.nap.sid
    verb = "Add to" if plan.add else "Remove from"
    note(f"{verb} NAP {name}: {len(plan.changes)} network(s) to change, {len(plan.already)} already so.")
    for change in plan.changes:
        note(f"  {change.describe()}")
    impact = plan.impact
    if impact.fleets:
        fleets = ", ".join(
            f"{f.fleet.unique_name or f.fleet.sid} ({f.active:,} active, {f.ready:,} ready)" for f in impact.fleets
        )
        note(f"Fleets using this NAP: {fleets}; {impact.active:,} active and {impact.ready:,} ready SIMs affected.")
    else:
        note("No fleet uses this NAP: no SIM is affected.")
    if plan.changes:
        for warning in impact.warnings:
            note(f"⚠ {warning}")


async def _change_networks(session: Session, args: argparse.Namespace, add: bool) -> int:
    await named(session.client.fetch_nap(args.nap), f"NAP {args.nap!r}")
    networks = await _networks(session.client, args.networks)
    plan = await plan_networks(session.client, args.nap, networks, add=add)
    _show_impact(plan)
    rows: list[dict[str, Any]] = [
        {**_net_json(n), "outcome": "skipped", "reason": "already allowed" if add else "not on the NAP"}
        for n in plan.already
    ]
    failed = 0
    if args.dry_run:
        note("Dry run: nothing was sent.")
        rows += [{**_net_json(c.network), "outcome": PLANNED, "reason": None} for c in plan.changes]
    elif plan.changes:
        name = plan.nap.unique_name or plan.nap.sid
        verb = "Add" if add else "Remove"
        question = f"{verb} {len(plan.changes)} network(s) {'to' if add else 'from'} NAP {name}?"
        confirm_change(args, question, plan.consent(getattr(args, "safety_mode", "open")))
        for outcome in await apply_networks(session.client, plan):
            ok = outcome.ok and not outcome.already
            failed += not outcome.ok
            rows.append(
                {
                    **_net_json(outcome.change.network),
                    "outcome": "done" if ok else "skipped" if outcome.ok else "failed",
                    "reason": ("already so" if outcome.already else None) if outcome.ok else outcome.error,
                }
            )
    if args.json:
        print_json(
            {
                "dry_run": bool(args.dry_run),
                "action": "add-network" if add else "remove-network",
                "network_access_profile": to_builtins(plan.nap),
                "impact": plan.impact_json(),
                "networks": rows,
            }
        )
    else:
        table(
            ["network", "country", "mcc-mnc", "sid", "outcome", "reason"],
            [
                [r["friendly_name"], r["iso_country"], " ".join(r["plmns"]), r["sid"], r["outcome"], r["reason"]]
                for r in rows
            ],
        )
    return EXIT_FAILED if failed else EXIT_OK


async def add_network(session: Session, args: argparse.Namespace) -> int:
    return await _change_networks(session, args, True)


async def remove_network(session: Session, args: argparse.Namespace) -> int:
    return await _change_networks(session, args, False)
