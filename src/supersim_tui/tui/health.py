"""The Health tab: what in the account needs attention (ops/health.py), one finding a row.

Each row gives the severity (a symbol and a word, so it reads without colour), the count and the
finding; the strip below explains it from the API documents and names what acting on it does.
``Enter`` or ``m`` posts :class:`HealthPane.Act`: the screen opens the SIMs pane with exactly the
finding's SIMs marked (ready for a bulk change), or the fleet or NAP concerned.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from ..api import Fleet, Sim, SimStatus, SuperSimClient
from ..ops.health import Finding, HealthReport, account_health
from .choice import Choice
from .failures import ReportsFailures, Task, failure_text
from .format import printable
from .keyflow import background
from .pane import ResourceTable
from .panes import FleetsPane, NapsPane
from .sims_pane import SimsPane
from .usage import UsagePane

if TYPE_CHECKING:
    from textual.dom import DOMNode

SEVERITY_STYLE = {"high": ("▲", "bold red"), "medium": ("●", "yellow"), "low": ("○", "dim")}


def severity_text(severity: str) -> Text:
    glyph, style = SEVERITY_STYLE.get(severity, ("?", ""))
    return Text(f"{glyph} {severity}", style=style)


def action_hint(finding: Finding) -> str:
    if finding.target == "sims":
        n = len(finding.sims)
        return f"m or Enter: mark {'this SIM' if n == 1 else f'these {n:,} SIMs'} in the SIMs pane"
    if finding.target == "fleet" and finding.fleet is not None:
        return f"m or Enter: show fleet {printable(finding.fleet.label)}"
    if finding.target == "nap" and finding.nap is not None:
        return f"m or Enter: show NAP {printable(finding.nap.unique_name or finding.nap.sid)}"
    return ""


class HealthPane(ReportsFailures, Vertical):
    """Findings of the last health check, most severe first."""

    DEFAULT_CSS = """
    HealthPane { height: 1fr; }
    HealthPane #health-summary { height: auto; padding: 0 1; color: $text-muted; }
    HealthPane #health-table { height: 1fr; border: none; }
    HealthPane #health-detail {
        height: auto; max-height: 9; padding: 0 1;
        border-top: solid $primary-background-lighten-2; background: $boost;
    }
    """
    TASKS: ClassVar[dict[str, Task]] = {
        "health": Task("Checking the account's health", "Press r to try again.", read=True)
    }
    BINDINGS: ClassVar[list[BindingType]] = [Binding("m", "act", "Act on it", id="health.act")]

    class Act(Message):
        """The user asked to act on a finding (mark its SIMs, or show its fleet or NAP)."""

        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.report: HealthReport | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="health-summary")
        yield ResourceTable(id="health-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="health-detail", classes="detail")

    def on_mount(self) -> None:
        self._add_columns(None)

    def _add_columns(self, finding_width: int | None) -> None:
        table = self.table
        table.add_column("Severity", key="severity", width=9)
        table.add_column("Count", key="count", width=7)
        table.add_column("Finding", key="finding", width=finding_width)

    def _finding_width(self) -> int:
        """The Finding column's width: what the table leaves it (cell padding, a scroll bar), so a long title is
        folded onto more lines of its row instead of running past the edge."""
        width = self.table.scrollable_content_region.width or self.app.size.width
        return max(width - (9 + 2) - (7 + 2) - 2 - 2, 20)

    def on_resize(self) -> None:
        if self.report is not None:
            cursor = self.table.cursor_row
            self.show(self.report)
            self.table.move_cursor(row=cursor, animate=False)

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#health-table", DataTable)

    @work(exclusive=True, group=background("health"), exit_on_error=False)
    async def check(self, client: SuperSimClient, now: datetime | None = None) -> None:
        """Read the account and show its findings (the table shows a loading indicator meanwhile)."""
        self.table.loading = True
        self.query_one("#health-summary", Static).update("Checking the account…")
        try:
            report = await account_health(client, now=now)
        finally:
            self.table.loading = False
        self.show(report)

    def worker_failed(self, group: str, error: BaseException) -> None:
        self.table.loading = False
        self.query_one("#health-summary", Static).update(  # no longer "Checking the account…"
            Text("Not checked: the check failed (why: below) · r to try again", style="bold red")
        )
        self.query_one("#health-detail", Static).update(
            Text(failure_text(self.task_for(group), error), style="bold red")
        )
        super().worker_failed(group, error)

    def show(self, report: HealthReport) -> None:
        self.report = report
        table = self.table
        table.clear(columns=True)
        width = self._finding_width()
        self._add_columns(width)
        for index, finding in enumerate(report.findings):
            title = Text(printable(finding.title))
            table.add_row(
                severity_text(finding.severity),
                Text(f"{finding.count:,}", justify="right"),
                title,
                key=str(index),
                height=len(title.wrap(self.app.console, width)),
            )
        counts = {s: sum(1 for f in report.findings if f.severity == s) for s in SEVERITY_STYLE}
        summary = Text(f"{report.sims_checked:,} SIMs checked at {report.checked_at:%Y-%m-%d %H:%M} UTC · ")
        if report.findings:
            summary.append(", ".join(f"{n} {s}" for s, n in counts.items() if n))
        else:
            summary.append("nothing needs attention")
        self.query_one("#health-summary", Static).update(summary)
        self._show_detail()

    @property
    def current(self) -> Finding | None:
        if self.report is None or not self.report.findings or self.table.row_count == 0:
            return None
        row = min(self.table.cursor_row, len(self.report.findings) - 1)
        return self.report.findings[row]

    @on(DataTable.RowHighlighted, "#health-table")
    def _show_detail(self) -> None:
        finding = self.current
        detail = self.query_one("#health-detail", Static)
        if finding is None:
            detail.update("")
            return
        text = Text(printable(finding.explanation))
        if finding.detail:
            text.append("\n" + printable(finding.detail))
        if finding.sims:
            shown = ", ".join(printable(s.iccid or s.sid) for s in finding.sims[:3])
            more = len(finding.sims) - 3
            text.append(f"\nSIMs: {shown}" + (f" and {more:,} more" if more > 0 else ""), style="dim")
        text.append("\n" + action_hint(finding), style="bold")
        detail.update(text)

    @on(DataTable.RowSelected, "#health-table")
    def action_act(self) -> None:
        finding = self.current
        if finding is not None:
            self.post_message(self.Act(finding))


def now() -> datetime:
    """The moment Health and Usage are computed for (tests fix it for stable pictures)."""
    return datetime.now(UTC)


def mark_finding(pane: SimsPane, finding: Finding) -> None:
    """Mark exactly the finding's SIMs (replacing other marks) and filter the pane to show them where one
    status or one fleet holds them all; the marks stay whatever the filters show."""
    statuses = {s.status for s in finding.sims}
    fleets = {s.fleet_sid for s in finding.sims}
    status = next(iter(statuses)) if len(statuses) == 1 else None
    fleet = next(iter(fleets)) if len(fleets) == 1 else None
    with pane.prevent(Choice.Changed):  # one reload below, not one per filter
        for choice, value in (
            (pane.query_one("#filter-status", Choice), status),
            (pane.query_one("#filter-fleet", Choice), fleet),
        ):
            choice.value = value if value in choice.values else None  # (a fleet not listed yet: the marks say it)
    pane.query_one("#filter-iccid", Input).value = ""
    pane.reload()
    pane.set_marks(
        {
            s.sid: Sim(
                sid=s.sid, iccid=s.iccid, fleet_sid=s.fleet_sid, status=SimStatus(s.status) if s.status else None
            )
            for s in finding.sims
        }
    )


def act_on_finding(root: DOMNode, show_tab: Callable[[str], None], finding: Finding) -> None:
    """What the action key does: the SIMs pane with the finding's SIMs marked, or its fleet or NAP shown."""
    if finding.target == "sims":
        show_tab("sims")
        pane = root.query_one(SimsPane)
        mark_finding(pane, finding)
        pane.notify(
            f"{len(finding.sims):,} SIMs marked: s sets their status, m moves them, u clears the marks.",
            title=printable(finding.title),
            markup=False,
        )
    elif finding.target == "fleet" and finding.fleet is not None:
        show_tab("fleets")
        table = root.query_one(FleetsPane).table
        with contextlib.suppress(Exception):  # the fleet may be gone since the check
            table.move_cursor(row=table.get_row_index(finding.fleet.sid))
    elif finding.target == "nap" and finding.nap is not None:
        show_tab("naps")
        root.query_one(NapsPane).select(finding.nap.sid)


def open_insight(
    root: DOMNode, tab: str | None, client: SuperSimClient, fleets: list[Fleet] | None, force: bool = False
) -> None:
    """Start the Health check or the Usage reads the first time their tab is shown (or again when ``force``)."""
    if tab == "health":
        health = root.query_one(HealthPane)
        if force or health.report is None:
            health.check(client, now())
    elif tab == "usage":
        usage = root.query_one(UsagePane)
        if force or usage.client is None:
            usage.start(client, fleets or [], now())
