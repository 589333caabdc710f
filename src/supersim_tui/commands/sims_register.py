"""``sims register``: one SIM (ICCID and registration code) or a CSV of them, as a journaled run (see
``sims_run``)."""

from __future__ import annotations

import argparse

from ..ops.journal import new_run_id
from ..ops.outcomes import DONE, INVALID, REGISTER_KIND, dry_run_record
from ..ops.plan import sims_count
from ..ops.register import InputError, Registration, RegistrationRunner, check_registration, parse_registration_csv
from .output import note, print_json
from .session import Session, UsageError
from .sims_run import (
    EXIT_OK,
    account_lock,
    confirm_or_refuse,
    consent_to_change,
    live,
    new_journal,
    problems_listed,
    read_input,
    report,
)


async def register(session: Session, args: argparse.Namespace) -> int:
    rows = _registration_rows(args)
    if args.dry_run:
        return await _dry_run(session, rows, args)
    sims = sims_count(len(rows))
    consent = consent_to_change(args, len(rows), None, f"register {sims}")
    if len(rows) > 1 or consent.typed:  # asked first: nothing says "registering" before it may
        source = f" from {args.csv_file}" if args.csv_file else ""
        confirm_or_refuse(args, f"Register {sims}{source}?", consent, planned=f"{sims}{source} would be registered")
    note(f"Registering {sims}")
    run_id = new_run_id()
    with account_lock(session, run_id):
        journal = new_journal(session, run_id, {"kind": REGISTER_KIND})
        runner = RegistrationRunner(session.client, concurrency=args.concurrency, journal=journal)
        with live(runner, run_id, journal):
            result = await runner.run(rows, run_id)
    return report(
        result.outcomes, args, run_id, result.cancelled, {"kind": REGISTER_KIND}, interrupted=result.interrupted
    )


async def _dry_run(session: Session, rows: list[Registration], args: argparse.Namespace) -> int:
    """The rows checked as a run checks them (the fleets named and the ICCIDs read from the account), nothing
    sent: each row planned, registered (already in this account, as a run would end it), or invalid with why.
    Registration codes are not echoed."""
    outcomes = await RegistrationRunner(session.client).dry_run(rows)
    planned = [dry_run_record(o, REGISTER_KIND) for o in outcomes]
    if args.json:
        print_json({"dry_run": True, "items": planned})
        return EXIT_OK
    invalid = sum(1 for o in outcomes if o.outcome is INVALID)
    here = sum(1 for o in outcomes if o.outcome is DONE)
    note(
        f"Dry run: {sims_count(len(rows) - invalid - here)} would be registered, {here:,} already in this account, "
        f"{invalid:,} invalid; nothing was sent."
    )
    for item in planned:
        print(f"{item['iccid']}  {item['outcome']}" + (f"  {item['error']}" if item["error"] else ""))
    return EXIT_OK


def _registration_rows(args: argparse.Namespace) -> list[Registration]:
    if args.csv_file:
        if args.iccid is not None or args.code is not None:
            raise UsageError("give either --csv FILE or ICCID CODE, not both")
        if args.fleet or args.unique_name:
            raise UsageError(
                "--fleet and --unique-name are for a single SIM; with --csv put them in the fleet and "
                "unique_name columns"
            )
        text = read_input(args.csv_file, "--csv")
        try:
            return parse_registration_csv(text)
        except InputError as error:
            raise UsageError(f"--csv {args.csv_file}: nothing was sent:" + problems_listed(error.problems)) from None
    if args.iccid is None or args.code is None:
        raise UsageError("give ICCID and REGISTRATION_CODE, or --csv FILE")
    row, problems = check_registration(0, args.iccid, args.code, args.fleet, args.unique_name)
    if row is None:
        raise UsageError("\n".join(problems))
    return [row]
