"""``sims set-status``, ``activate``, ``move`` and ``rename``: select the SIMs (named, from a file, or by fleet
and status), plan the change, ask, then send it as a journaled run (see ``sims_run``)."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict

from ..api import NotFoundError, SuperSimClient
from ..iccid import is_ascii_digits
from ..ops.bulk import BulkRunner, Change, Plan, plan_change
from ..ops.journal import new_run_id
from ..ops.outcomes import dry_run_record
from ..ops.plan import sims_count
from ..ops.select import Selection, kind_named, parse_iccid_lines, select_filtered, select_named
from .output import note, print_json, write_records
from .session import Session, UsageError
from .sims_run import (
    EXIT_OK,
    OUTCOME_FIELDS,
    account_lock,
    confirm_or_refuse,
    consent_to_change,
    live,
    new_journal,
    not_a_sim,
    problems_listed,
    read_input,
    report,
)


async def change_sims(session: Session, args: argparse.Namespace) -> int:
    run_id = new_run_id()
    with account_lock(session, run_id, dry_run=args.dry_run):
        return await _change_sims(session, args, run_id)


async def _change_sims(session: Session, args: argparse.Namespace, run_id: str) -> int:
    client = session.client
    selection = await _select(client, args)
    if selection.missing:
        raise UsageError(await _not_in_account(client, selection.missing))
    if not selection.sims:
        raise UsageError("the selection matches no SIMs")
    change = await _change(client, args)
    plan = plan_change(selection.sims, change)
    if args.json and args.dry_run:
        print_json({"dry_run": True, "change": change.to_json(), "items": [asdict(i) for i in plan.items]})
        return EXIT_OK
    note(plan.summary())
    if args.dry_run:
        if getattr(args, "jsonl", False) or args.csv or getattr(args, "fields_list", None):  # the plan, per SIM
            planned = (dry_run_record(i.unsent_outcome()) for i in plan.items)
            write_records(args, "outcomes", planned, OUTCOME_FIELDS)
        return EXIT_OK
    if not plan.to_send:
        return _report_plan_only(plan, args)
    n = len(plan.to_send)
    confirm_or_refuse(args, f"Change {n:,} SIMs?", consent_to_change(args, n, change.status, change.describe()))
    journal = new_journal(session, run_id, {"kind": change.kind, "change": change.to_json()})
    runner = BulkRunner(client, concurrency=args.concurrency, journal=journal)
    with live(runner, run_id, journal):
        result = await runner.run(plan, run_id)
    return report(
        result.outcomes, args, run_id, result.cancelled, {"change": change.to_json()}, interrupted=result.interrupted
    )


async def _select(client: SuperSimClient, args: argparse.Namespace) -> Selection:
    named: list[str] = []
    if args.iccid_file:
        text = await asyncio.to_thread(read_input, args.iccid_file, "--iccid-file")
        named, problems = parse_iccid_lines(text)
        if problems:
            hint = ""
            if not parse_iccid_lines(text, names=True)[1]:  # every bad line would do as a SIM's unique name
                hint = "\n(the file takes ICCIDs and SIM SIDs, one per line; give SIMs by unique name as arguments)"
            raise UsageError(f"--iccid-file {args.iccid_file}: nothing was sent:" + problems_listed(problems) + hint)
        if not named:
            raise UsageError(
                f"--iccid-file {args.iccid_file}: the file names no SIMs (one ICCID or SIM SID per "
                "line expected); nothing was sent"
            )
    if args.refs:
        values, problems = parse_iccid_lines("\n".join(args.refs), names=True)
        if problems:
            raise UsageError("\n".join(p.replace("line", "argument", 1) for p in problems))
        named += values
    filtered = args.fleet is not None or args.from_status is not None
    if named and filtered:
        raise UsageError("give either ICCIDs (arguments or --iccid-file) or --fleet/--from-status, not both")
    if named:
        return await select_named(client, named)
    if filtered:
        if args.fleet is not None:  # a typo is "no fleet X", not "the selection matches no SIMs"
            try:
                await client.fetch_fleet(args.fleet)
            except NotFoundError:
                raise UsageError(f"no fleet {args.fleet!r} in this account") from None
        return await select_filtered(client, fleet=args.fleet, status=args.from_status)
    raise UsageError("say which SIMs: ICCIDs, --iccid-file FILE, or --fleet F and/or --from-status S")


async def _not_in_account(client: SuperSimClient, missing: list[str]) -> str:
    """Why the SIMs named are not all in this account: the first name that is no SIM's but a fleet's or a NAP's
    (looked up only now, for that one name) is named as such, with how to change a fleet's SIMs; else which
    SIMs are missing."""
    name = next((ref for ref in missing if not is_ascii_digits(ref) and not ref.startswith("HS")), None)
    kind = await kind_named(client, name) if name is not None else None
    if name is not None and kind is not None:
        return not_a_sim(name, kind, change=True)
    shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
    return f"{sims_count(len(missing))} not in this account: {shown}"


async def _change(client: SuperSimClient, args: argparse.Namespace) -> Change:
    fleet_ref = getattr(args, "to_fleet", None) or getattr(args, "into_fleet", None)
    fleet_sid = fleet_label = None
    if fleet_ref:
        try:
            fleet = await client.fetch_fleet(fleet_ref)
        except NotFoundError:
            raise UsageError(f"no fleet {fleet_ref!r} in this account") from None
        fleet_sid, fleet_label = fleet.sid, fleet.unique_name or fleet.sid
    try:
        return Change(
            status=getattr(args, "status", None),
            fleet_sid=fleet_sid,
            fleet_label=fleet_label,
            unique_name_pattern=getattr(args, "pattern", None),
        )
    except ValueError as error:
        raise UsageError(f"--pattern: {error}") from None


def _report_plan_only(plan: Plan, args: argparse.Namespace) -> int:
    outcomes = [i.planned_outcome() for i in plan.items]
    return report(outcomes, args, None, False, {"change": plan.change.to_json()})
