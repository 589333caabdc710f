"""``sims`` commands: list, show, set-status / activate / move, register, resume, runs.

Why one file over 400 lines: every ``sims`` change (bulk changes, register, resume) shares the same run
plumbing here (account lock, journal, progress bar, Ctrl+C, confirmation, the outcome report); the rules themselves
live in ``ops/`` (select, plan, bulk, register, journal).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..api import NotFoundError, Sim, SuperSimClient, SuperSimError
from ..api.models import to_builtins
from ..api.text import printable
from ..iccid import iccid_problem, meant_as_iccid, normalize
from ..ops.bulk import DONE, SKIPPED, Action, BulkRunner, Change, ItemOutcome, Outcome, Plan, ResumeCounts, plan_change
from ..ops.consent import CONFIRM, OPEN, Consent, change_cuts_service, consent_for
from ..ops.current import read_current_by_sid
from ..ops.journal import (
    AccountLock,
    Journal,
    JournalError,
    RunLockedError,
    check_run_id,
    find_run,
    list_runs,
    new_run_id,
)
from ..ops.names import ref_problem
from ..ops.register import InputError, Registration, RegistrationRunner, check_registration, parse_registration_csv
from ..ops.select import Selection, check_resolved, parse_iccid_lines, select_filtered, select_named
from ..ops.sim_info import data_size, sim_details
from ..textfile import FileProblem, read_text
from .confirm import confirm_change
from .output import ProgressBar, RecordWriter, note, print_json, table, write_records
from .session import Session, UsageError

EXIT_OK, EXIT_FAILED = 0, 1
INPUT_FILE_MAX = 64 * 1024 * 1024  # an ICCID list or CSV: over a million SIMs fit in far less


# ------------------------------------------------------------------- reading
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
    except Exception:
        if count:  # what was printed reads like a whole listing (JSON left unclosed): say it is not
            sys.stdout.flush()
            note(f"The listing stopped after {count:,} SIMs: the output is incomplete.")
        raise
    writer.close()
    return EXIT_OK


async def show_sim(client: SuperSimClient, args: argparse.Namespace) -> int:
    info = await sim_details(client, await _find_one(client, args.sim))
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
    )
    return EXIT_OK


async def _find_one(client: SuperSimClient, ref: str) -> Sim:
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
        raise UsageError(f"no SIM with SID or unique name {ref!r} in this account") from None


# ------------------------------------------------------------------ changing
async def change_sims(
    session: Session, args: argparse.Namespace, change_builder: Callable[[], Change] | None = None
) -> int:
    run_id = new_run_id()
    with _account_lock(session, run_id, dry_run=args.dry_run):
        return await _change_sims(session, args, run_id)


async def _change_sims(session: Session, args: argparse.Namespace, run_id: str) -> int:
    client = session.client
    selection = await _select(client, args)
    if selection.missing:
        shown = ", ".join(selection.missing[:5]) + (" …" if len(selection.missing) > 5 else "")
        raise UsageError(f"{len(selection.missing)} SIM(s) not in this account: {shown}")
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
            planned = (
                {
                    **i.outcome(Outcome.NOT_SENT).to_json(),
                    "outcome": "planned" if i.action is Action.SEND else i.action.value,
                    "error": i.reason or None,
                }
                for i in plan.items
            )
            write_records(args, "outcomes", planned, ["iccid", "key", "outcome", "status", "error"])
        return EXIT_OK
    if not plan.to_send:
        return _report_plan_only(plan, args)
    n = len(plan.to_send)
    consent = consent_for(
        sims=n,
        cuts_service=change_cuts_service(change.status),
        mode=getattr(args, "safety_mode", OPEN),
        what=change.describe(),
    )
    _confirm_or_refuse(args, f"Change {n:,} SIMs?", consent)
    journal = _journal(session, run_id, {"kind": change.kind, "change": change.to_json()})
    runner = BulkRunner(client, concurrency=args.concurrency, journal=journal)
    with _live(runner, run_id, journal):
        result = await runner.run(plan, run_id)
    return _report(
        result.outcomes, args, run_id, result.cancelled, {"change": change.to_json()}, interrupted=result.interrupted
    )


async def _select(client: SuperSimClient, args: argparse.Namespace) -> Selection:
    named: list[str] = []
    if args.iccid_file:
        text = await asyncio.to_thread(_read_input, args.iccid_file, "--iccid-file")
        named, problems = parse_iccid_lines(text)
        if problems:
            shown = problems[:20] + ([f"… and {len(problems) - 20:,} more"] if len(problems) > 20 else [])
            raise UsageError(f"--iccid-file {args.iccid_file}: nothing was sent:\n  " + "\n  ".join(shown))
        if not named:
            raise UsageError(
                f"--iccid-file {args.iccid_file}: the file names no SIMs (one ICCID or SIM SID per "
                "line expected); nothing was sent"
            )
    if args.refs:
        values, problems = parse_iccid_lines("\n".join(args.refs))
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
    return _report(outcomes, args, None, False, {"change": plan.change.to_json()})


def _confirm_or_refuse(args: argparse.Namespace, question: str, consent: Consent | None = None) -> None:
    """Ask as much as ``consent`` needs (default: a y/N question); see ``confirm.confirm_change``."""
    confirm_change(
        args,
        question,
        consent or Consent(CONFIRM),
        "refusing to change SIMs without --yes: there is no terminal to confirm on",
    )


@contextlib.contextmanager
def _live(runner: BulkRunner | RegistrationRunner, run_id: str, journal: Journal | None) -> Iterator[None]:
    """While a run goes: a progress bar on stderr, Ctrl+C to stop cleanly; afterwards the journal is closed."""
    bar = ProgressBar()
    runner.on_progress = bar
    try:
        with _cancel_on_interrupt(runner.cancel, run_id):
            yield
    finally:
        bar.close()
        if journal is not None:
            journal.close()


@contextlib.contextmanager
def _cancel_on_interrupt(cancel: Callable[[], None], run_id: str) -> Iterator[None]:
    """Ctrl+C stops scheduling new requests; in-flight ones finish and the journal says where it stopped."""
    loop = asyncio.get_running_loop()

    def on_interrupt() -> None:
        note(f"\nStopping after the requests in flight… resume with: supersim-tui sims resume {run_id}")
        cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, on_interrupt)
        installed = True
    except (NotImplementedError, RuntimeError):
        installed = False
    try:
        yield
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGINT)


def _report(
    outcomes: list[ItemOutcome],
    args: argparse.Namespace,
    run_id: str | None,
    cancelled: bool,
    extra: dict[str, Any],
    *,
    interrupted: str | None = None,
    resumed: ResumeCounts | None = None,
) -> int:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    ok = all(o.outcome in (DONE, SKIPPED) for o in outcomes)
    if resumed is not None:
        note(f"Resume: {resumed.describe()}")
    if interrupted:
        note(f"Sending stopped: {interrupted}" + (f": supersim-tui sims resume {run_id}" if run_id else ""))
    fields = getattr(args, "fields_list", None)
    if args.json:
        print_json(
            {
                "run_id": run_id,
                **extra,
                "cancelled": cancelled,
                "interrupted": interrupted,
                "counts": counts,
                **({"resume": asdict(resumed)} if resumed is not None else {}),
                "outcomes": [{k: v for k, v in o.to_json().items() if fields is None or k in fields} for o in outcomes],
            }
        )
    elif getattr(args, "jsonl", False) or getattr(args, "csv", False) or fields:
        # One outcome a line (JSON lines or CSV) on stdout; the counts go to stderr with the other notes.
        note(", ".join(f"{name} {count:,}" for name, count in sorted(counts.items())) or "nothing to do")
        write_records(args, "outcomes", (o.to_json() for o in outcomes), ["iccid", "key", "outcome", "status", "error"])
    else:
        print(", ".join(f"{name} {count:,}" for name, count in sorted(counts.items())) or "nothing to do")
        problems = [o for o in outcomes if o.outcome not in (DONE, SKIPPED)]
        if problems:
            table(
                ["iccid", "outcome", "status", "reason"],
                [[o.iccid, o.outcome, o.status, o.error] for o in problems[:50]],
            )
            if len(problems) > 50:
                print(f"… and {len(problems) - 50:,} more (use --json for all)")
        if run_id and not interrupted and (cancelled or any(o.retryable for o in problems)):
            note(f"Finish or retry with: supersim-tui sims resume {run_id}")
    return EXIT_OK if ok else EXIT_FAILED


# ---------------------------------------------------------------- registering
async def register(session: Session, args: argparse.Namespace) -> int:
    rows = _registration_rows(args)
    note(f"Registering {len(rows):,} SIM(s)")
    consent = consent_for(
        sims=len(rows),
        cuts_service=False,
        mode=getattr(args, "safety_mode", OPEN),
        what=f"register {len(rows):,} SIM(s)",
    )
    if len(rows) > 1 or consent.typed:
        _confirm_or_refuse(args, f"Register {len(rows):,} SIMs?", consent)
    run_id = new_run_id()
    with _account_lock(session, run_id):
        journal = _journal(session, run_id, {"kind": "register"})
        runner = RegistrationRunner(session.client, concurrency=args.concurrency, journal=journal)
        with _live(runner, run_id, journal):
            result = await runner.run(rows, run_id)
    return _report(
        result.outcomes, args, run_id, result.cancelled, {"kind": "register"}, interrupted=result.interrupted
    )


def _registration_rows(args: argparse.Namespace) -> list[Registration]:
    if args.csv:
        if args.iccid is not None or args.code is not None:
            raise UsageError("give either --csv FILE or ICCID CODE, not both")
        if args.fleet or args.unique_name:
            raise UsageError(
                "--fleet and --unique-name are for a single SIM; with --csv put them in the fleet and "
                "unique_name columns"
            )
        text = _read_input(args.csv, "--csv")
        try:
            return parse_registration_csv(text)
        except InputError as error:
            shown = error.problems[:20] + (
                [f"… and {len(error.problems) - 20:,} more"] if len(error.problems) > 20 else []
            )
            raise UsageError(f"--csv {args.csv}: nothing was sent:\n  " + "\n  ".join(shown)) from None
    if args.iccid is None or args.code is None:
        raise UsageError("give ICCID and REGISTRATION_CODE, or --csv FILE")
    row, problems = check_registration(0, args.iccid, args.code, args.fleet, args.unique_name)
    if row is None:
        raise UsageError("\n".join(problems))
    return [row]


# -------------------------------------------------------------------- resuming
async def resume(session: Session, args: argparse.Namespace) -> int:
    """Finish a run: re-check every unfinished item against the API, send only what is still needed."""
    if args.run_id:
        try:
            check_run_id(args.run_id)
        except ValueError as error:
            raise UsageError(str(error)) from None
    try:
        # without a run id: the newest unfinished run made against this API (another profile's is not ours)
        runs = None if args.run_id else list_runs()  # read once: for the newest unfinished run, and the notes
        found = find_run(args.run_id, base_url=None if args.run_id else session.client.base_url, runs=runs)
    except JournalError as error:
        note(
            f"supersim-tui: {error}.\nNothing was sent: resume stops rather than skip an item it cannot read. "
            "Repair or remove that line (each line is one JSON record), or run the change again: SIMs already "
            "in the target state are skipped."
        )
        return EXIT_FAILED
    if found is None:
        if runs is not None:
            for state in runs:
                if state.error is not None:
                    note(f"supersim-tui: passed over an unreadable journal: {state.error}")
                elif state.running_pid is not None and state.remaining:
                    note(
                        f"supersim-tui: run {state.run_id} is running right now (pid {state.running_pid}); "
                        "it finishes on its own"
                    )
        if args.run_id:
            raise UsageError(f"no run {args.run_id!r} to resume")
        note("Nothing to resume: every run made against this API is finished (`supersim-tui sims runs` lists them).")
        return EXIT_OK
    journal, state = found
    header = state.header
    if session.demo:
        raise UsageError("demo runs cannot be resumed: the demo account is created anew each time")
    if header.get("base_url") != session.client.base_url:
        raise UsageError(f"run {state.run_id} was made against {header.get('base_url')}, not {session.client.base_url}")
    if state.plan_problem is None and not state.remaining:  # the run's outcomes as they stand, nothing sent
        note(f"Nothing to resume: every item of run {state.run_id} has its final outcome.")
        outcomes = [ItemOutcome.from_record(state.done[str(i["key"])]) for i in state.items if i["key"] in state.done]
        return _report(
            outcomes,
            args,
            state.run_id,
            False,
            {"kind": header.get("kind")},
            resumed=ResumeCounts(left_alone=len(outcomes)),
        )
    if state.plan_problem is None:
        note(f"Resuming {state.run_id}: {len(state.remaining):,} of {len(state.items):,} items to finish")
    current: dict[str, Sim] | None = None  # read once, for the plan shown here and for the resume itself
    if header.get("kind") != "register" and state.plan_problem is None and not args.yes and sys.stdin.isatty():
        # On a terminal a resume is planned on the SIMs' current state and asked for like a new run.
        change = Change.from_json(header.get("change") or {})
        current = await read_current_by_sid(session.client, [str(i["key"]) for i in state.remaining])
        plan = plan_change(current.values(), change)
        note(plan.summary())
        gone = len(state.remaining) - len(current)
        if gone:
            note(f"  {gone:,} no longer in this account: they fail, nothing is sent to them")
        n = len(plan.to_send)
        _confirm_or_refuse(
            args,
            f"Resume: change {n:,} SIMs?",
            consent_for(
                sims=n,
                cuts_service=change_cuts_service(change.status),
                mode=getattr(args, "safety_mode", OPEN),
                what=change.describe(),
            ),
        )
    with _account_lock(session, state.run_id):
        if header.get("kind") == "register":
            registration = RegistrationRunner(session.client, concurrency=args.concurrency, journal=journal)
            with _live(registration, state.run_id, journal):
                registered = await registration.resume(state)
            outcomes, cancelled, interrupted, resumed = (
                registered.outcomes,
                registered.cancelled,
                registered.interrupted,
                registered.resumed,
            )
        else:
            runner = BulkRunner(session.client, concurrency=args.concurrency, journal=journal)
            with _live(runner, state.run_id, journal):
                result = await runner.resume(state, current)
            outcomes, cancelled, interrupted, resumed = (
                result.outcomes,
                result.cancelled,
                result.interrupted,
                result.resumed,
            )
    return _report(
        outcomes, args, state.run_id, cancelled, {"kind": header.get("kind")}, interrupted=interrupted, resumed=resumed
    )


async def runs(session: Session | None, args: argparse.Namespace) -> int:
    states = list_runs()
    records = (
        {
            "run_id": s.run_id,
            "kind": s.header.get("kind"),
            "created": s.header.get("created"),
            "items": len(s.items),
            "remaining": len(s.remaining),
            "finished": s.complete,
            "cancelled": s.stopped,
            "state": s.describe(),
            "problem": str(s.error) if s.error else s.plan_problem,
        }
        for s in states
    )
    if write_records(args, "runs", records, ["run_id", "kind", "created", "items", "remaining", "state"]):
        return EXIT_OK
    table(
        ["run", "kind", "created", "items", "remaining", "state"],
        [
            [
                s.run_id,
                s.header.get("kind") or "-",
                str(s.header.get("created", ""))[:19] or "-",
                len(s.items),
                len(s.remaining),
                s.describe(),
            ]
            for s in states
        ],
    )
    for s in states:
        if s.error is not None:
            note(f"{s.run_id}: {s.error}")
        elif s.plan_problem is not None:
            note(f"{s.run_id}: {s.plan_problem}")
    return EXIT_OK


# ------------------------------------------------------------------- helpers
def _journal(session: Session, run_id: str, header: dict[str, Any]) -> Journal | None:
    """A journal for a real account's run (a demo account is gone when the command ends: nothing to resume)."""
    if session.demo:
        return None
    journal = Journal.create(run_id, {**header, "base_url": session.client.base_url, "identity": session.identity})
    note(f"Run {run_id} (journal: {journal.path})")
    return journal


@contextlib.contextmanager
def _account_lock(session: Session, run_id: str, *, dry_run: bool = False) -> Iterator[None]:
    """One changing run at a time per account: a second one refuses (exit 1) instead of colliding."""
    if session.demo or dry_run:
        yield
        return
    lock = AccountLock(session.client.base_url, session.identity)
    try:
        lock.acquire(run_id)
    except RunLockedError as error:
        raise RunRefusedError(str(error)) from None
    try:
        yield
    finally:
        lock.release()


class RunRefusedError(SuperSimError):
    """Another run holds this account's lock."""

    default_hint = "`supersim-tui sims runs` lists the runs; a run that is no longer alive gives up its lock."


def _read_input(path: str, flag: str) -> str:
    """A user's input file, as UTF-8 text (a spreadsheet's BOM is dropped): a regular file of at most
    :data:`INPUT_FILE_MAX` bytes; anything else is a usage error naming the file (and line, for bad UTF-8)."""
    try:
        text = read_text(Path(path), limit=INPUT_FILE_MAX)
    except FileProblem as problem:
        raise UsageError(f"{flag}: {problem}") from None
    assert text is not None
    return text


def _iccid_arg(value: str) -> str:
    problem = iccid_problem(value)
    if problem:
        raise UsageError(f"--iccid: {problem}")
    return normalize(value)
