"""``sims list`` and ``sims show``; and the one module the command table reaches every ``sims`` command through.

The commands that change SIMs live apart: ``sims_change`` (set-status, activate, move, rename), ``sims_register``
(register), ``sims_resume`` (resume, runs), sharing the run plumbing of ``sims_run``.
"""

from __future__ import annotations

import argparse
import sys

from ..api import NotFoundError, Sim, SuperSimClient
from ..api.models import to_builtins
from ..api.text import printable
from ..iccid import iccid_problem, meant_as_iccid, normalize
from ..ops.names import ref_problem
from ..ops.select import check_resolved, kind_named
from ..ops.sim_info import data_size, sim_details
from .output import RecordWriter, note, print_json, table
from .session import UsageError
from .sims_change import change_sims
from .sims_register import register
from .sims_resume import resume, runs
from .sims_run import EXIT_OK, not_a_sim

__all__ = ["change_sims", "find_sim", "list_sims", "register", "resume", "runs", "show_sim"]


async def list_sims(client: SuperSimClient, args: argparse.Namespace) -> int:
    iccid = _iccid_arg(args.iccid) if args.iccid is not None else None
    fleets = await client.list_fleets().collect()
    fleet_names = {f.sid: f.unique_name or f.sid for f in fleets}
    if args.fleet is not None and not any(args.fleet in (f.sid, f.unique_name) for f in fleets):
        raise UsageError(f"no fleet {args.fleet!r} in this account")  # not an empty listing
    pager = client.list_sims(status=args.status, fleet=args.fleet, iccid=iccid, page_size=1000)
    count = 0
    writer = RecordWriter(args, "sims")
    writer.header(["iccid", "sid", "unique_name", "status", "fleet", "fleet_sid", "date_updated"])
    if not writer.active:
        print(f"{'ICCID':<20}  {'STATUS':<9}  {'FLEET':<16}  {'UNIQUE NAME':<24}  SID")
    try:
        async for sim in pager:
            fleet = fleet_names.get(sim.fleet_sid or "", sim.fleet_sid or "")
            if writer.active:
                writer.write({**to_builtins(sim), "fleet": fleet or None})
            else:
                print(
                    printable(
                        f"{sim.iccid or '-':<20}  {sim.status or '-':<9}  {fleet or '-':<16}  "
                        f"{sim.unique_name or '-':<24}  {sim.sid}"
                    )
                )
            count += 1
            if args.limit and count >= args.limit:
                break
    except BrokenPipeError:
        raise  # the reader went away (``| head``): it has what it wanted; the command stops without a word
    except Exception:
        if count:  # what was printed reads like a whole listing (JSON left unclosed): say it is not
            sys.stdout.flush()
            note(f"The listing stopped after {count:,} SIMs: the output is incomplete.")
        raise
    writer.close()
    if not count and not writer.active:
        note("No SIMs match." if args.status or args.fleet or iccid else "No SIMs in this account.")
    return EXIT_OK


async def show_sim(client: SuperSimClient, args: argparse.Namespace) -> int:
    info = await sim_details(client, await find_sim(client, args.sim))
    sim, fleet, nap, ips, periods = info.sim, info.fleet, info.nap, info.ip_addresses, info.billing_periods
    if args.json:
        print_json(
            {
                "sim": to_builtins(sim),
                "fleet": to_builtins(fleet),
                "network_access_profile": to_builtins(nap),
                "ip_addresses": to_builtins(ips),
                "billing_periods": to_builtins(periods),
                "usage_last_7_days": to_builtins(info.usage),
            }
        )
        return EXIT_OK
    rows = [
        ("SID", sim.sid),
        ("ICCID", sim.iccid),
        ("Unique name", sim.unique_name or "-"),
        ("Status", sim.status),
        ("Fleet", f"{fleet.unique_name} ({fleet.sid})" if fleet else "none"),
        ("NAP", f"{nap.unique_name} ({nap.sid})" if nap else "-"),
        ("IP addresses", ", ".join(ip.ip_address or "" for ip in ips) or "none"),
        (
            "Billing period",
            f"{periods[0].period_type} {periods[0].start_time:%Y-%m-%d} to {periods[0].end_time:%Y-%m-%d}"
            if periods and periods[0].start_time and periods[0].end_time
            else "none",
        ),
        ("Updated", f"{sim.date_updated:%Y-%m-%d %H:%M UTC}" if sim.date_updated else "-"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {printable(value)}")
    print("\nData used, last 7 days")
    table(
        ["day", "upload", "download", "total", "billed"],
        [
            [
                f"{r.period.start_time:%Y-%m-%d}" if r.period and r.period.start_time else "-",
                data_size(r.data_upload),
                data_size(r.data_download),
                data_size(r.data_total),
                f"{r.billed or 0:.2f} {r.billed_unit or ''}",
            ]
            for r in info.usage
        ],
        numbers=["upload", "download", "total", "billed"],
    )
    return EXIT_OK


async def find_sim(client: SuperSimClient, ref: str) -> Sim:
    """The SIM ``ref`` names (ICCID, SID or unique name); a usage error says what is wrong with it or that there is
    no such SIM in this account."""
    if meant_as_iccid(ref):  # any script's digits: an ICCID meant, checked (ASCII digits only) with a message
        problem = iccid_problem(ref)
        if problem:
            raise UsageError(problem)
        value = normalize(ref)
        sim = await client.find_sim_by_iccid(value)
        if sim is None:
            raise UsageError(f"no SIM with ICCID {value} in this account")
        return sim
    problem = ref_problem(ref, "SIM")
    if problem:
        raise UsageError(f"SIM {problem}")
    try:
        return check_resolved(ref, await client.fetch_sim(ref))
    except NotFoundError:
        pass
    kind = None if ref.startswith("HS") else await kind_named(client, ref)  # a fleet's or NAP's name, by mistake?
    if kind is not None:
        raise UsageError(not_a_sim(ref, kind, change=False))
    raise UsageError(f"no SIM with SID or unique name {ref!r} in this account")


def _iccid_arg(value: str) -> str:
    problem = iccid_problem(value)
    if problem:
        raise UsageError(f"--iccid: {problem}")
    return normalize(value)
