"""``sims resume`` (finish a run from its journal, sending only what is still needed) and ``sims runs`` (list the
journaled runs)."""

from __future__ import annotations

import argparse

from ..api import Sim
from ..ops.bulk import BulkRunner, Change, ItemOutcome, ResumeCounts, RunResult, plan_change
from ..ops.current import read_current_by_sid
from ..ops.journal import JournalError, check_run_id, find_run, list_runs
from ..ops.outcomes import REGISTER_KIND
from ..ops.register import RegistrationResult, RegistrationRunner
from .output import note, table, write_records
from .session import Session, UsageError
from .sims_run import EXIT_FAILED, EXIT_OK, account_lock, confirm_or_refuse, consent_to_change, live, report


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
        retryable = next(  # the newest run that ended with items worth retrying: named, never resumed unasked
            (
                state
                for state in runs or []
                if state.error is None
                and state.finished
                and state.remaining
                and state.header.get("base_url") == session.client.base_url
            ),
            None,
        )
        note("Nothing to resume: every run made against this API is finished (`supersim-tui sims runs` lists them).")
        if retryable is not None:
            n = len(retryable.remaining)
            note(
                f"Run {retryable.run_id} finished with {n:,} item{'s' if n != 1 else ''} failed in a way worth "
                f"retrying; to retry {'them' if n != 1 else 'it'}: supersim-tui sims resume {retryable.run_id}"
            )
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
        return report(
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
    if header.get("kind") != REGISTER_KIND and state.plan_problem is None and not args.yes:
        # A resume is planned on the SIMs' current state and asked for like a new run; with no terminal to ask on,
        # it is refused without --yes, as the same change started anew is (a stopped run stays stopped).
        change = Change.from_json(header.get("change") or {})
        current = await read_current_by_sid(session.client, [str(i["key"]) for i in state.remaining])
        plan = plan_change(current.values(), change)
        note(plan.summary())
        gone = len(state.remaining) - len(current)
        if gone:
            note(f"  {gone:,} no longer in this account: they fail, nothing is sent to them")
        n = len(plan.to_send)
        confirm_or_refuse(
            args, f"Resume: change {n:,} SIMs?", consent_to_change(args, n, change.status, change.describe())
        )
    result: RunResult | RegistrationResult
    with account_lock(session, state.run_id):
        if header.get("kind") == REGISTER_KIND:
            registration = RegistrationRunner(session.client, concurrency=args.concurrency, journal=journal)
            with live(registration, state.run_id, journal):
                result = await registration.resume(state)
        else:
            runner = BulkRunner(session.client, concurrency=args.concurrency, journal=journal)
            with live(runner, state.run_id, journal):
                result = await runner.resume(state, current)
    return report(
        result.outcomes,
        args,
        state.run_id,
        result.cancelled,
        {"kind": header.get("kind")},
        interrupted=result.interrupted,
        resumed=result.resumed,
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
