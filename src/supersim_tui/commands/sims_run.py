"""What every changing ``sims`` run shares (bulk changes, register, resume): the account lock, the journal, the
progress bar and Ctrl+C while it runs, the confirmation, reading the user's input file, and the outcome report.
The rules themselves live in ``ops/`` (plan, bulk, register, journal)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import signal
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..api import SuperSimError
from ..ops.bulk import DONE, SKIPPED, BulkRunner, ItemOutcome, ResumeCounts
from ..ops.consent import CONFIRM, OPEN, Consent, change_cuts_service, consent_for
from ..ops.journal import AccountLock, Journal, RunLockedError
from ..ops.outcomes import REGISTER_KIND, outcome_record, outcome_word
from ..ops.register import RegistrationRunner
from ..textfile import FileProblem, read_text
from .confirm import confirm_change
from .output import ProgressBar, note, print_json, table, write_records
from .session import Session, UsageError

EXIT_OK, EXIT_FAILED = 0, 1
INPUT_FILE_MAX = 64 * 1024 * 1024  # an ICCID list or CSV: over a million SIMs fit in far less
OUTCOME_FIELDS = ["iccid", "key", "outcome", "status", "error", "sid"]  # CSV/JSON lines columns (sid last: added later)


def confirm_or_refuse(
    args: argparse.Namespace, question: str, consent: Consent | None = None, *, planned: str | None = None
) -> None:
    """Ask as much as ``consent`` needs (default: a y/N question); see ``confirm.confirm_change``. ``planned``
    (what the run would do, for a command that has not printed its plan) leads the refusal without a terminal."""
    confirm_change(
        args,
        question,
        consent or Consent(CONFIRM),
        (f"{planned}; " if planned else "")
        + "refusing to change SIMs without --yes: there is no terminal to confirm on; nothing was sent",
    )


def consent_to_change(args: argparse.Namespace, sims: int, status: str | None, what: str) -> Consent:
    """How much confirmation changing ``sims`` SIMs needs in this profile's mode (more when it cuts service)."""
    return consent_for(
        sims=sims, cuts_service=change_cuts_service(status), mode=getattr(args, "safety_mode", OPEN), what=what
    )


def not_a_sim(name: str, kind: str, *, change: bool) -> str:
    """A fleet's or NAP's unique name (``kind``, see ``select.kind_named``) given where a SIM goes, named as such,
    with what the commands offer instead: ``--fleet`` where SIMs are changed (``change``), else a listing."""
    quoted = shlex.quote(name)
    if kind == "fleet":
        advice = (
            f"to change the SIMs of a fleet, use --fleet {quoted}"
            if change
            else f"to list its SIMs, use supersim-tui sims list --fleet {quoted}"
        )
    else:
        fleets = f"supersim-tui fleets list --nap {quoted}"
        advice = (
            f"to change the SIMs of its fleets, use --fleet with each ({fleets})" if change else f"its fleets: {fleets}"
        )
    return f"{name} is a {kind}, not a SIM: {advice}"


def problems_listed(problems: list[str]) -> str:
    """The first 20 problems of an input file, one an indented line, and how many more there are."""
    shown = problems[:20] + ([f"… and {len(problems) - 20:,} more"] if len(problems) > 20 else [])
    return "\n  " + "\n  ".join(shown)


@contextlib.contextmanager
def live(runner: BulkRunner | RegistrationRunner, run_id: str, journal: Journal | None) -> Iterator[None]:
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


def report(
    outcomes: list[ItemOutcome],
    args: argparse.Namespace,
    run_id: str | None,
    cancelled: bool,
    extra: dict[str, Any],
    *,
    interrupted: str | None = None,
    resumed: ResumeCounts | None = None,
) -> int:
    """A run's outcomes: counts, then the problems (human), or every outcome (``--json``, JSON lines, CSV), each
    in the words of the run's kind (``registered``); exit 0 when every item is done or skipped, else 1."""
    kind = extra.get("kind")
    counts: dict[str, int] = {}
    for outcome in outcomes:
        word = outcome_word(outcome.outcome, kind)
        counts[word] = counts.get(word, 0) + 1
    ok = all(o.outcome in (DONE, SKIPPED) for o in outcomes)
    if resumed is not None:
        note(f"Resume: {resumed.describe()}")
    if interrupted:
        note(
            f"Sending stopped: {interrupted}"
            + (f", then resume the run: supersim-tui sims resume {run_id}" if run_id else "")
        )
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
                "outcomes": [
                    {k: v for k, v in outcome_record(o, kind).items() if fields is None or k in fields}
                    for o in outcomes
                ],
            }
        )
    elif getattr(args, "jsonl", False) or getattr(args, "csv", False) or fields:
        # One outcome a line (JSON lines or CSV) on stdout; the counts go to stderr with the other notes.
        note(", ".join(f"{name} {count:,}" for name, count in sorted(counts.items())) or "nothing to do")
        write_records(args, "outcomes", (outcome_record(o, kind) for o in outcomes), OUTCOME_FIELDS)
    else:
        print(", ".join(f"{name} {count:,}" for name, count in sorted(counts.items())) or "nothing to do")
        problems = [o for o in outcomes if o.outcome not in (DONE, SKIPPED)]
        if problems:
            table(
                ["iccid", "outcome", "status", "reason"],
                [[o.iccid, outcome_word(o.outcome, kind), o.status, o.error] for o in problems[:50]],
            )
            if len(problems) > 50:
                print(f"… and {len(problems) - 50:,} more (use --json for all)")
        if kind == REGISTER_KIND:  # what a registration did not do although asked (kept fleet, name)
            noted = [o for o in outcomes if o.outcome == DONE and o.error]
            for o in noted[:50]:
                print(f"{o.iccid}: {o.error}")
            if len(noted) > 50:
                print(f"… and {len(noted) - 50:,} more noted (use --json for all)")
        if run_id and not interrupted and (cancelled or any(o.retryable for o in problems)):
            note(f"Finish or retry with: supersim-tui sims resume {run_id}")
    return EXIT_OK if ok else EXIT_FAILED


def new_journal(session: Session, run_id: str, header: dict[str, Any]) -> Journal | None:
    """A journal for a real account's run (a demo account is gone when the command ends: nothing to resume)."""
    if session.demo:
        return None
    journal = Journal.create(run_id, {**header, "base_url": session.client.base_url, "identity": session.identity})
    note(f"Run {run_id} (journal: {journal.path})")
    return journal


@contextlib.contextmanager
def account_lock(session: Session, run_id: str, *, dry_run: bool = False) -> Iterator[None]:
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


def read_input(path: str, flag: str) -> str:
    """A user's input file, as UTF-8 text (a spreadsheet's BOM is dropped): a regular file of at most
    :data:`INPUT_FILE_MAX` bytes; anything else is a usage error naming the file (and line, for bad UTF-8)."""
    try:
        text = read_text(Path(path), limit=INPUT_FILE_MAX)
    except FileProblem as problem:
        raise UsageError(f"{flag}: {problem}") from None
    assert text is not None
    return text
