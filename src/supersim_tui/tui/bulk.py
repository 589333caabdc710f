"""A bulk change as it runs: progress, stop, then each SIM's outcome, a retry of what failed, was not sent or is
unconfirmed, CSV export.

The work itself is :class:`~supersim_tui.ops.bulk.BulkRunner`'s (the same engine as
the headless commands, journal included); this screen only shows and steers. How a plan is shown and
confirmed is :mod:`.plan_view`; how a change is chosen and planned from the SIMs tab is :mod:`.bulk_flow`.
Just over 400 lines: running, stopping, results and retry share the screen's state, so they stay together.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, ProgressBar, Static

from ..api import Sim, SuperSimClient, SuperSimError
from ..ops.bulk import (
    DONE,
    FAILED,
    INVALID,
    NOT_SENT,
    SKIPPED,
    UNCONFIRMED,
    BulkRunner,
    Change,
    ItemOutcome,
    Plan,
    Progress,
    RunResult,
    plan_change,
    write_outcomes_csv,
)
from ..ops.consent import OPEN
from ..ops.current import read_current
from ..ops.journal import (
    AccountLock,
    Journal,
    JournalState,
    RunLockedError,
    new_run_id,
    record_final,
    retried_journals,
)
from .failures import ReportsFailures, Task, error_message
from .footer import KeysFooter
from .format import plain, printable, status_text
from .header import AppHeader
from .keyflow import background
from .plan_view import confirm_plan

RESULT_ROWS = 1000  # the results table shows the first this many (problems first); the CSV has all
RETRY_OUTCOMES = (FAILED, NOT_SENT, UNCONFIRMED)


def spaced(parts: list[str | tuple[str, str]]) -> Text:
    """The parts as one line, the spaces that lead a part moved to the end of the part before: the same on a
    terminal, and an SVG screenshot (rsvg) drops a styled run's leading spaces ("done 239failed 12")."""
    moved: list[tuple[str, str]] = []
    for part in parts:
        text, style = (part, "") if isinstance(part, str) else part
        body = text.lstrip(" ")
        if moved and len(body) < len(text):
            moved[-1] = (moved[-1][0] + text[: len(text) - len(body)], moved[-1][1])
            text = body
        moved.append((text, style))
    return Text.assemble(*moved)


# The results table at 80 columns: the Name, then the Fleet column are cut (with …, down to MIN_NAME cells) so the
# Error column keeps MIN_ERROR cells on screen (without, the fleets were cut off at the table's edge, the errors off it)
CUT_FIRST = (4, 1)  # column numbers: Fleet, then Name
MIN_NAME = 8
MIN_ERROR = 10
OUTCOME_STYLE: dict[str, tuple[str, str]] = {
    DONE: ("✓", "green"),
    SKIPPED: ("–", "dim"),
    INVALID: ("⊘", "yellow"),
    FAILED: ("✕", "bold red"),
    NOT_SENT: ("…", "dim"),
    UNCONFIRMED: ("?", "magenta"),
}
OUTCOME_ORDER = (FAILED, UNCONFIRMED, NOT_SENT, INVALID, DONE, SKIPPED)


def outcome_text(outcome: str) -> Text:
    glyph, style = OUTCOME_STYLE.get(outcome, ("?", ""))
    return Text(f"{glyph} {outcome}", style=style)


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(seconds + 0.5)
    return (
        f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        if seconds >= 3600
        else f"{seconds // 60}:{seconds % 60:02d}"
    )


class BulkRunScreen(ReportsFailures, Screen[RunResult | None]):
    """A run as it happens (done, failed, remaining, rate, ETA; Esc stops it cleanly), then each SIM's outcome."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "Stop", id="bulk.stop"),
        Binding("escape", "close", "Close", id="bulk.close"),
        Binding("t", "retry_failed", "Retry", id="bulk.retry"),
        Binding("e", "export", "Export CSV", id="bulk.export"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "bulk-run": Task("The bulk change", "Esc closes; what was sent is in the run's journal."),
        "bulk-retry": Task("Reading the SIMs to retry", "Press t to try again.", read=True),
        "bulk-export": Task("Exporting the outcomes", "Press e to try again."),
    }

    def __init__(
        self,
        client: SuperSimClient,
        *,
        plan: Plan | None = None,
        resume: tuple[Journal, JournalState] | None = None,
        current: dict[str, Sim] | None = None,
        journal: Callable[[str, dict[str, object]], Journal | None] = lambda _id, _header: None,
        fleet_names: dict[str, str] | None = None,
        export_dir: Path | None = None,
        concurrency: int = 16,
        run_id: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        mode: str = OPEN,
    ):
        super().__init__()
        self.mode = mode
        if (plan is None) == (resume is None):
            raise ValueError("give a plan to run or a journal state to resume")
        self.client = client
        self.plan = plan
        self.resume_journal: Journal | None = resume[0] if resume else None
        self.resume_state: JournalState | None = resume[1] if resume else None
        self.resume_current = current  # the SIMs left, already read (by SID) for the resume's plan: not read again
        header = self.resume_state.header if self.resume_state is not None else {}
        self.change = plan.change if plan is not None else Change.from_json(header["change"])
        self.failure: str | None = None
        self.journal: Journal | None = None  # the current run's journal, if it writes one
        self.make_journal = journal
        self.fleet_names = fleet_names or {}
        self.export_dir = export_dir or Path.cwd()
        self.concurrency = concurrency
        self.runner: BulkRunner | None = None
        self.result: RunResult | None = None
        self.run_id = resume[1].run_id if resume else run_id or new_run_id()
        self.clock = clock
        self.exported: Path | None = None
        self._progress: Progress | None = None
        self._errors: dict[str, str] = {}  # results row (its index) -> "ICCID: outcome — error", in full
        # The runs the current one retries (t, once or more): in its journal's header, so that the runner writes its
        # final outcomes into theirs, resumed after a kill or not (none is left counting those SIMs as to do)
        self.retries: list[str] = [str(r) for r in header.get("retries", [])]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Vertical(id="bulk-head"):
            yield Static(id="bulk-title")
            yield ProgressBar(id="bulk-bar", show_eta=False)
            yield Static(id="bulk-stats")
        table: DataTable[str | Text] = DataTable(id="bulk-results", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="bulk-row")  # the highlighted SIM's error in full (its cell may be cut)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "bulk change"  # the app's format_title puts mode, profile and account first
        table = self.query_one("#bulk-results", DataTable)
        table.add_columns("ICCID", "Name", "Outcome", "Status", "Fleet", "Error")
        table.display = False
        self.set_interval(0.25, self._show_progress)
        self._start()

    # ------------------------------------------------------------------ run
    @property
    def running(self) -> bool:
        return self.runner is not None and self.result is None

    def _start(self, plan: Plan | None = None) -> None:
        plan = plan or self.plan
        change = self.change
        total = len(plan.items) if plan else len(self.resume_state.items) if self.resume_state else 0
        self.result = self.failure = None
        self.runner = BulkRunner(self.client, concurrency=self.concurrency, on_progress=self._on_progress)
        self._progress = Progress(total=total)
        what = "Resuming" if plan is None else "Running"
        self.query_one("#bulk-title", Static).update(
            Text.assemble(
                (printable(f"{what}: {change.describe()}"), "bold"),
                f" on {total:,} SIMs",
                (f"   run {self.run_id}", "dim"),
            )
        )
        self.query_one("#bulk-bar", ProgressBar).update(total=total, progress=0)
        self.query_one("#bulk-results", DataTable).display = False
        self.refresh_bindings()
        self._run(plan)

    @work(exclusive=True, group=background("bulk-run"), exit_on_error=False)
    async def _run(self, plan: Plan | None) -> None:
        runner = self.runner
        assert runner is not None
        if plan is None:
            journal = self.resume_journal
        else:
            retried = {"retries": self.retries} if self.retries else {}
            journal = self.make_journal(
                self.run_id, {"kind": plan.change.kind, "change": plan.change.to_json(), **retried}
            )
        runner.journal = journal
        self.journal = journal
        header = self.resume_state.header if self.resume_state is not None else journal.header if journal else None
        lock = AccountLock(str(header.get("base_url")), str(header.get("identity"))) if header else None
        try:
            if lock is not None:
                try:
                    lock.acquire(self.run_id)
                except RunLockedError as locked:
                    raise SuperSimError(str(locked)) from None
            if plan is None:
                assert self.resume_state is not None
                result = await runner.resume(self.resume_state, self.resume_current)
            else:
                result = await runner.run(plan, self.run_id)
        except SuperSimError as error:
            self._stopped(error)
            return
        finally:
            if journal is not None:
                journal.close()
            if lock is not None:
                lock.release()
        await self._read_back_failures(result)
        self.result = result
        self._show_progress()
        self._show_results(result)

    async def _read_back_failures(self, result: RunResult) -> None:
        """A failed SIM's status is read now, not shown as planned: the results (and the CSV) say what the API
        has. A read that fails leaves the outcome as it was."""
        failed = [o.key for o in result.outcomes if o.outcome == FAILED]
        if not failed:
            return
        try:
            now = {sim.sid: sim for sim in await read_current(self.client, failed)}
        except SuperSimError:
            return
        result.outcomes = [
            dataclasses.replace(o, status=str(now[o.key].status), fleet_sid=now[o.key].fleet_sid)
            if o.outcome == FAILED and o.key in now
            else o
            for o in result.outcomes
        ]

    def _stopped(self, error: BaseException) -> None:
        """The run ended on an error: say why and what happens now; Esc closes."""
        self.failure = error_message(error).replace("\n", " ")
        self.result = RunResult(self.run_id, self.change, [], cancelled=True)
        self.query_one("#bulk-title", Static).update(Text.assemble(("The run stopped: ", "bold red"), self.failure))
        journal = self.journal
        self.query_one("#bulk-stats", Static).update(
            "Esc closes."
            if journal is None
            else "Nothing was sent. Esc closes."
            if not journal.path.exists()
            else "Nothing is lost: what was sent is in the run's journal, and the app offers to resume it "
            "when it next starts."
        )
        self.refresh_bindings()

    def worker_failed(self, group: str, error: BaseException) -> None:
        """Notify; a run that failed unexpectedly ends like a stopped one; a failed retry shows the results again."""
        super().worker_failed(group, error)
        if group == "bulk-run" and self.result is None:
            self._stopped(error)
        elif group == "bulk-retry" and self.result is not None:
            self._show_results(self.result)

    def _on_progress(self, progress: Progress) -> None:
        self._progress = progress  # drawn four times a second, not once per SIM

    def _show_progress(self) -> None:
        progress = self._progress
        if progress is None:
            return
        if self.result is None:
            progress.now = self.clock()
        self.query_one("#bulk-bar", ProgressBar).update(total=progress.total, progress=progress.finished)
        parts: list[str | tuple[str, str]] = [
            ("done ", "dim"),
            (f"{progress.done:,}", "bold green"),
            ("  failed ", "dim"),
            (f"{progress.failed:,}", "bold red" if progress.failed else ""),
            ("  skipped ", "dim"),
            f"{progress.skipped:,}",
        ]
        if progress.invalid:
            parts += [("  invalid ", "dim"), f"{progress.invalid:,}"]
        if self.result is not None:  # after the run: what never got a final outcome, in the results' words
            parts += [
                (f"  {NOT_SENT} ", "dim"),
                (f"{progress.not_sent:,}", "bold" if progress.not_sent else ""),
                (f"  {UNCONFIRMED} ", "dim"),
                f"{progress.unconfirmed:,}",
            ]
        else:
            parts += [("  remaining ", "dim"), (f"{progress.remaining:,}", "bold")]
        if self.result is None:
            stopping = self.runner is not None and self.runner.cancelled
            parts += [
                ("  in flight ", "dim"),
                f"{progress.in_flight}",
                ("  concurrency ", "dim"),
                f"{progress.concurrency}",  # the level found for the account
                ("  scheduled ", "dim"),
                f"{progress.waiting:,}",
                "\n",
            ]
            if not stopping:  # (a rate and an ETA for a run that sends nothing more misled)
                parts += [
                    ("rate ", "dim"),
                    f"{progress.rate:.1f} SIMs/s",
                    ("  ETA ", "dim"),
                    duration(progress.eta),
                ]
            parts += [("elapsed " if stopping else "  elapsed ", "dim"), duration(progress.now - progress.started)]
            if stopping:
                parts += ["\n", ("Stopping: the requests in flight finish, nothing new is sent…", "yellow")]
            else:
                parts += [("   Esc stops cleanly", "dim")]
        self.query_one("#bulk-stats", Static).update(spaced(parts))

    def _show_results(self, result: RunResult) -> None:
        counts = Counter(o.outcome for o in result.outcomes)
        summary = ", ".join(f"{counts[o]:,} {o}" for o in OUTCOME_ORDER if counts[o]) or "nothing to do"
        retry = sum(counts[o] for o in RETRY_OUTCOMES)
        head = Text.assemble(
            ("Stopped" if result.cancelled else "Finished", "bold yellow" if result.cancelled else "bold"),
            f": {summary}. ",
        )
        if result.interrupted:  # the run stopped itself (the API gone, credentials refused): why, and what to do
            head = Text.assemble(
                ("Stopped: ", "bold yellow"), (printable(result.interrupted), "bold red"), f". {summary}. "
            )
        if retry:
            # Not "that did not change": an unconfirmed SIM was sent and may still change; no outcome's name either.
            # The footer's word (t Retry): one word for it on this screen, not "resume" or "read again".
            head.append(f"t retries {retry:,} SIM{'s' * (retry != 1)} (reads them again, asks first) · ", style="bold")
        head.append("e exports every outcome to CSV · Esc closes", style="dim")
        self.query_one("#bulk-title", Static).update(head)
        table = self.query_one("#bulk-results", DataTable)
        table.clear()
        order = {name: i for i, name in enumerate(OUTCOME_ORDER)}
        shown = sorted(result.outcomes, key=lambda o: order.get(o.outcome, 99))[:RESULT_ROWS]
        rows: list[tuple[list[Text], ItemOutcome]] = [
            (
                [
                    plain(o.iccid),
                    plain(o.unique_name) if o.unique_name else Text("—", style="dim"),
                    outcome_text(o.outcome),
                    status_text(o.status),
                    plain(self.fleet_names.get(o.fleet_sid or "", o.fleet_sid or "—")),
                ],
                o,
            )
            for o in shown
        ]
        # The Error column gets the room the others leave, and a longer error is cut with "…" (the CSV has it all).
        # A narrow table (80 columns) first cuts the names and fleets, with "…", so the error keeps MIN_ERROR cells.
        widths = [
            max([len(str(column.label)), *(cells[i].cell_len for cells, _ in rows)])
            for i, column in enumerate(table.ordered_columns[:-1])
        ]
        # (The table is hidden until filled, at the screen's width: its own width is 0 then. Its scrollbar is counted.)
        width = table.scrollable_content_region.width or self.size.width - table.styles.scrollbar_size_vertical
        room = width - sum(widths) - len(table.ordered_columns) * 2 * table.cell_padding
        for column in CUT_FIRST:
            if room >= MIN_ERROR:
                break
            cut = min(MIN_ERROR - room, widths[column] - MIN_NAME)
            if cut > 0:
                widths[column] -= cut
                room += cut
                for cells, _ in rows:
                    cells[column].truncate(widths[column], overflow="ellipsis")
        room = max(room, MIN_ERROR)
        self._errors = {str(i): f"{o.iccid}: {o.outcome} — {o.error}" for i, (_, o) in enumerate(rows) if o.error}
        for i, (cells, o) in enumerate(rows):
            error = o.error or ""
            error = error if len(error) <= room else error[: room - 1] + "…"
            table.add_row(*cells, plain(error, style="red" if o.outcome == FAILED else "dim"), key=str(i))
        if len(result.outcomes) > RESULT_ROWS:
            self.notify(
                f"The table shows {RESULT_ROWS:,} of {len(result.outcomes):,} outcomes (problems first); "
                "the CSV export has them all.",
                title="Results",
            )
        table.display = self.query_one("#bulk-row", Static).display = True
        table.focus()
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        said = self._errors.get(str(event.row_key.value), "")
        self.query_one("#bulk-row", Static).update(plain(said, style="bold red" if " failed — " in said else ""))

    # -------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry_failed":
            return self.result is not None and any(o.outcome in RETRY_OUTCOMES for o in self.result.outcomes)
        if action == "export":
            return self.result is not None and bool(self.result.outcomes)
        if action in ("stop", "close"):  # one Esc: Stop while running, Close after
            return self.running == (action == "stop")
        return True

    def action_stop(self) -> None:
        if self.runner is not None and self.running:
            self.runner.cancel()
            self._show_progress()

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.result)

    def action_retry_failed(self) -> None:
        if self.result is not None:
            self._retry([o for o in self.result.outcomes if o.outcome in RETRY_OUTCOMES])

    @work(exclusive=True, group="bulk-retry", exit_on_error=False)
    async def _retry(self, failed: list[ItemOutcome]) -> None:
        """Read the SIMs' state now (pages of 1,000 for many), plan again (some got there meanwhile), and ask
        like a new run: a stop stays a stop until the user confirms the new plan."""
        change = self.change
        self.query_one("#bulk-title", Static).update(f"Reading the current state of {len(failed):,} SIMs…")
        sims = await read_current(self.client, [o.key for o in failed])
        plan = plan_change(sims, change)
        assert self.result is not None
        self._settled(self.result, plan, {sim.sid: sim for sim in sims})
        self._show_results(self.result)

        def run() -> None:
            self.retries = [*self.retries, self.run_id]
            self.plan, self.resume_state, self.run_id = plan, None, new_run_id()
            self._start(plan)

        confirm_plan(self.app, plan, "to retry", self.mode, run, title="Retry: confirm the change")

    def _settled(self, result: RunResult, plan: Plan, now: dict[str, Sim]) -> None:
        """The SIMs the retry's read found in the requested state (sent before a stop and settled since, or
        changed by someone else) are done: so the results say, the SIMs pane once this screen closes, and the
        run's journal (``sims runs`` and the resume offer no longer count them as left). They said unconfirmed
        or not sent while the retry found nothing to change."""
        there = {item.key for item in plan.skipped if item.key in now}
        changed = [
            dataclasses.replace(
                o,
                outcome=DONE,
                status=str(now[o.key].status),
                fleet_sid=now[o.key].fleet_sid,
                error=None,
                code=None,
                retryable=False,
            )
            for o in result.outcomes
            if o.key in there and o.outcome != DONE
        ]
        if not changed:
            return
        by_key = {o.key: o for o in changed}
        result.outcomes = [by_key.get(o.key, o) for o in result.outcomes]
        if self.journal is not None:  # this run's journal, and those of the runs it retried
            for journal in [self.journal, *retried_journals(self.journal, self.retries)]:
                record_final(journal, changed)
        # The counters and the heading follow: "Stopped … 32 %" stayed over results that were all done
        progress = Progress(total=len(result.outcomes))
        for outcome in result.outcomes:
            progress.count(outcome.outcome)
        if self._progress is not None:
            progress.started, progress.now = self._progress.started, self._progress.now
        self._progress = progress
        if not any(o.outcome in RETRY_OUTCOMES for o in result.outcomes):
            result.cancelled, result.interrupted = False, None
        self._show_progress()

    def action_export(self) -> None:
        if self.result is not None:
            self._export(self.result)

    @work(group=background("bulk-export"), exit_on_error=False)
    async def _export(self, result: RunResult) -> None:
        path = self.export_dir / f"supersim-run-{result.run_id}.csv"
        for n in range(2, 100):
            try:
                rows = await asyncio.to_thread(write_outcomes_csv, path, result.outcomes, self.fleet_names)
                break
            except FileExistsError:
                path = self.export_dir / f"supersim-run-{result.run_id}-{n}.csv"
            except OSError as error:
                self.notify(f"Could not write {path}: {error.strerror}", title="Export", severity="error", markup=False)
                return
        else:
            self.notify(f"Could not find a free file name like {path}", title="Export", severity="error", markup=False)
            return
        self.exported = path
        self.notify(f"{rows:,} outcomes written to {path}", title="Export", markup=False)
