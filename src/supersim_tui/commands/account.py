"""Read-only commands: status, fleets list, naps list, naps networks, networks list."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..api import Network, NotFoundError, SuperSimClient
from ..api.models import to_builtins
from ..ops.parallel import all_of, together
from ..ops.summary import STATUSES, account_summary
from .output import note, print_json, table, write_records
from .session import UsageError


async def status(client: SuperSimClient, args: argparse.Namespace) -> int:
    if args.fleet is not None:  # a typo is "no fleet X" (bad input), not an API error
        try:
            await client.fetch_fleet(args.fleet)
        except NotFoundError:
            raise UsageError(f"no fleet {args.fleet!r} in this account") from None
    summary = await account_summary(client, fleet=args.fleet, concurrency=args.concurrency)
    if args.json:
        print_json(summary.to_json())
        return 0
    print("Fleets")
    table(
        ["fleet", "nap", *STATUSES, "total"],
        [
            [
                f.fleet.unique_name or f.fleet.sid,
                f.nap_name,
                *(f"{f.counts.get(s, 0):,}" for s in STATUSES),
                f"{f.total:,}",
            ]
            for f in summary.fleets
        ],
        numbers=[*STATUSES, "total"],
    )
    if summary.unassigned:
        parts = ", ".join(f"{status} {count:,}" for status, count in summary.unassigned.items())
        print(f"\nSIMs without a fleet: {parts}")
    totals = summary.totals
    print(
        f"\nTotal: {sum(totals.values()):,} SIMs ("
        + ", ".join(f"{s} {totals[s]:,}" for s in STATUSES if totals.get(s))
        + ")"
    )
    print("\nNetwork access profiles")
    table(
        ["nap", "networks", "countries", "fleets"],
        [
            [
                n.nap.unique_name or n.nap.sid,
                f"{len(n.networks):,}",
                f"{len(n.countries):,}",
                ", ".join(n.fleets) or "- (no fleet)",
            ]
            for n in summary.naps
        ],
        numbers=["networks", "countries"],
    )
    return 0


async def fleets_list(client: SuperSimClient, args: argparse.Namespace) -> int:
    fleets, nap_list = await together(
        client.list_fleets(network_access_profile=args.nap).collect(), client.list_naps().collect()
    )
    if args.nap is not None and not any(args.nap in (n.sid, n.unique_name) for n in nap_list):
        raise UsageError(f"no NAP {args.nap!r} in this account")  # not an empty listing
    naps = {n.sid: n.unique_name or n.sid for n in nap_list}
    records = ({**to_builtins(f), "nap": naps.get(f.network_access_profile_sid or "")} for f in fleets)
    if write_records(
        args,
        "fleets",
        records,
        [
            "unique_name",
            "sid",
            "nap",
            "data_enabled",
            "data_limit",
            "sms_commands_enabled",
            "sms_commands_url",
            "ip_commands_url",
        ],
    ):
        return 0
    table(
        ["fleet", "sid", "nap", "data", "limit_mb", "sms_commands"],
        [
            [
                f.unique_name,
                f.sid,
                naps.get(f.network_access_profile_sid or ""),
                f.data_enabled,
                f.data_limit,
                f.sms_commands_enabled,
            ]
            for f in fleets
        ],
    )
    return 0


async def naps_list(client: SuperSimClient, args: argparse.Namespace) -> int:
    naps, fleets = await together(client.list_naps().collect(), client.list_fleets().collect())
    networks = await all_of(client.list_nap_networks(n.sid).collect() for n in naps)
    users: dict[str, list[str]] = {}
    for fleet in fleets:
        users.setdefault(fleet.network_access_profile_sid or "", []).append(fleet.unique_name or fleet.sid)
    records = (
        {
            **to_builtins(n),
            "networks": len(nets),
            "countries": len({x.iso_country for x in nets}),
            "fleets": users.get(n.sid, []),
        }
        for n, nets in zip(naps, networks, strict=True)
    )
    if write_records(args, "naps", records, ["unique_name", "sid", "networks", "countries", "fleets"]):
        return 0
    table(
        ["nap", "sid", "networks", "countries", "fleets"],
        [
            [
                n.unique_name,
                n.sid,
                len(nets),
                len({x.iso_country for x in nets}),
                ", ".join(users.get(n.sid, [])) or "- (no fleet)",
            ]
            for n, nets in zip(naps, networks, strict=True)
        ],
    )
    return 0


async def nap_networks(client: SuperSimClient, args: argparse.Namespace) -> int:
    try:
        networks = await client.list_nap_networks(args.nap).collect()
    except NotFoundError:
        raise UsageError(f"no NAP {args.nap!r} in this account") from None  # as fleets list --nap says it
    return _networks(networks, args)


async def networks_list(client: SuperSimClient, args: argparse.Namespace) -> int:
    return _networks(
        await client.list_networks(iso_country=args.country, mcc=args.mcc, mnc=args.mnc, page_size=1000).collect(),
        args,
    )


def _networks(networks: Sequence[Network], args: argparse.Namespace) -> int:
    records = ({**to_builtins(n), "plmns": n.plmns} for n in networks)
    if not write_records(args, "networks", records, ["friendly_name", "iso_country", "plmns", "sid"]):
        table(
            ["network", "country", "mcc-mnc", "sid"],
            [[n.friendly_name, n.iso_country, " ".join(n.plmns), n.sid] for n in networks],
        )
        if not networks:
            note(
                "No networks match." if getattr(args, "country", None) or getattr(args, "mcc", None) else "No networks."
            )
    return 0
