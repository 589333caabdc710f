"""Register SIMs as fast as a barcode scanner types: ICCID, Enter, code, Enter, next.

Submissions go to a persistent queue (``ops.register_queue``) processed in the
background, so the form is free for the next SIM at once, and nothing typed is
lost when the link or the app goes away.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from ..api import Fleet
from ..iccid import iccid_problem, normalize, registration_code_problem
from ..ops.bulk import format_unique_name
from ..ops.register import Registration, check_registration_csv
from ..ops.register_queue import FAILED, QUEUED, REGISTERED, REGISTERING, WAITING, Entry, RegistrationQueue
from ..textfile import FileProblem, read_text

INPUT_FILE_MAX = 64 * 1024 * 1024  # as for `sims register --csv`
STATUS_STYLE = {QUEUED: "dim", REGISTERING: "bold cyan", REGISTERED: "bold green", WAITING: "yellow",
                FAILED: "bold red"}
STATUS_GLYPH = {QUEUED: "…", REGISTERING: "↻", REGISTERED: "✓", WAITING: "⏸", FAILED: "✕"}


def name_from_pattern(pattern: str, iccid: str, n: int) -> str | None:
    """The unique name for the n-th SIM of this session ({n}, {iccid}, {last4}, {last6})."""
    if not pattern.strip():
        return None
    return format_unique_name(pattern.strip(), iccid=iccid, n=n)


class RegisterScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="register.close"),
        Binding("ctrl+o", "import_csv", "Import CSV", id="register.import"),
    ]

    def __init__(self, queue: RegistrationQueue, fleets: list[Fleet], wake: asyncio.Event):
        super().__init__()
        self.queue = queue
        self.fleets = fleets
        self._wake = wake  # the app's queue worker waits on it
        self._count = 0

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="register-form"):
            with Horizontal(classes="field"):
                yield Label("ICCID")
                yield Input(id="iccid", compact=True, placeholder="scan or type; spaces and dashes are fine")
            yield Static(id="iccid-problem", classes="problem")
            with Horizontal(classes="field"):
                yield Label("Code")
                yield Input(id="code", compact=True, placeholder="10-character registration code")
            yield Static(id="code-problem", classes="problem")
            with Horizontal(classes="field select-field"):
                yield Label("Then fleet")
                yield Select([(f.label, f.sid) for f in self.fleets], id="fleet", compact=True,
                             prompt="none (stay new, no fleet)")
            with Horizontal(classes="field"):
                yield Label("Name pattern")
                yield Input(id="pattern", compact=True, placeholder="optional, e.g. gate-{n} or meter-{last6}")
        table: DataTable[str | Text] = DataTable(id="register-list", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="register-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "register SIMs"
        table = self.query_one("#register-list", DataTable)
        table.add_column("ICCID", key="iccid")
        table.add_column("Status", key="status", width=14)
        table.add_column("SIM / reason", key="detail")
        for entry in self.queue.entries.values():
            self._show(entry)
        self.queue.on_change = self._changed
        self._summarize()
        self.query_one("#iccid", Input).focus()

    def on_unmount(self) -> None:
        self.queue.on_change = None

    # ------------------------------------------------------------------ list
    def _changed(self, entry: Entry) -> None:
        self._show(entry)
        self._summarize()

    def _show(self, entry: Entry) -> None:
        table = self.query_one("#register-list", DataTable)
        status = Text(f"{STATUS_GLYPH[entry.status]} {entry.status}", style=STATUS_STYLE[entry.status])
        if entry.iccid in table.rows:
            table.update_cell(entry.iccid, "status", status)
            table.update_cell(entry.iccid, "detail", entry.detail, update_width=True)
        else:
            table.add_row(entry.iccid, status, entry.detail, key=entry.iccid)
            table.move_cursor(row=table.row_count - 1)

    @on(DataTable.RowHighlighted, "#register-list")
    def _highlighted(self) -> None:
        self._summarize()

    def _summarize(self) -> None:
        table = self.query_one("#register-list", DataTable)
        if table.row_count:
            key = str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)
            entry = self.queue.entries.get(key)
            if entry is not None and entry.status in (FAILED, WAITING):
                self.query_one("#register-summary", Static).update(
                    Text(f"{entry.iccid}: {entry.detail}", style=STATUS_STYLE[entry.status]))
                return
        counts: dict[str, int] = {}
        for entry in self.queue.entries.values():
            counts[entry.status] = counts.get(entry.status, 0) + 1
        parts = [f"{status} {counts[status]}" for status in (REGISTERED, REGISTERING, QUEUED, WAITING, FAILED)
                 if counts.get(status)]
        self.query_one("#register-summary", Static).update(
            " · ".join(parts) or "Scan or type an ICCID, Enter, then its registration code, Enter.")

    # ------------------------------------------------------------------ form
    @on(Input.Changed, "#iccid")
    def _check_iccid(self, event: Input.Changed) -> None:
        self.query_one("#iccid-problem", Static).update(self._iccid_problem(event.value, typing=True))

    def _iccid_problem(self, raw: str, typing: bool = False) -> str:
        value = normalize(raw)
        if not value:
            return ""
        problem = iccid_problem(value)
        if problem and typing and value.isdigit() and len(value) < 19:
            return ""  # still typing
        if problem:
            return problem
        if value in self.queue.entries:
            return f"Already in this session ({self.queue.entries[value].status})"
        return ""

    @on(Input.Submitted, "#iccid")
    def _iccid_done(self) -> None:
        problem = self._iccid_problem(self.query_one("#iccid", Input).value)
        self.query_one("#iccid-problem", Static).update(problem)
        if not problem and self.query_one("#iccid", Input).value.strip():
            self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    def _submit(self) -> None:
        iccid_input, code_input = self.query_one("#iccid", Input), self.query_one("#code", Input)
        iccid = normalize(iccid_input.value)
        iccid_issue = self._iccid_problem(iccid) if iccid else "ICCID is empty: scan or type it first"
        code_issue = registration_code_problem(code_input.value)
        self.query_one("#iccid-problem", Static).update(iccid_issue)
        self.query_one("#code-problem", Static).update(code_issue or "")
        if iccid_issue:
            iccid_input.focus()
            return
        if code_issue:
            return
        fleet = self.query_one("#fleet", Select).value
        try:
            name = name_from_pattern(self.query_one("#pattern", Input).value, iccid, self._count + 1)
        except (KeyError, IndexError, ValueError):
            self.query_one("#code-problem", Static).update(
                "Name pattern: use {n}, {iccid}, {last4} or {last6}, e.g. gate-{n}")
            return
        self._count += 1
        self.queue.add(Entry(iccid, code_input.value.strip(), fleet if isinstance(fleet, str) else None, name))
        self._wake.set()
        iccid_input.value = code_input.value = ""
        iccid_input.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_import_csv(self) -> None:
        def queue_rows(rows: list[Registration] | None) -> None:
            for row in rows or []:
                self._count += 1
                self.queue.add(Entry(row.iccid, row.registration_code, row.fleet, row.unique_name))
            if rows:
                self._wake.set()
                self.notify(f"{len(rows):,} SIMs queued from the CSV.", title="Register")

        self.app.push_screen(CsvImportScreen(self.fleets, set(self.queue.entries)), queue_rows)


def _read_text(raw_path: str) -> str:
    """A user's file as text (a spreadsheet's UTF-8 BOM dropped); a FileProblem names what is wrong (not a
    regular file, too big, not UTF-8 with the line), so a FIFO or a binary file cannot block or crash."""
    text = read_text(Path(raw_path).expanduser(), limit=INPUT_FILE_MAX)
    assert text is not None
    return text


class CsvImportScreen(ModalScreen[list[Registration] | None]):
    """A CSV of iccid,registration_code[,fleet,unique_name]: every row checked and shown before anything is
    queued; bad rows are marked with the reason and never sent."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="csv.cancel")]

    def __init__(self, fleets: list[Fleet], known: set[str]):
        super().__init__(classes="dialog")
        self.fleets = fleets
        self.known = known  # ICCIDs already in this session
        self.good: list[Registration] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="csv-import"):
            yield Static("Import SIMs from a CSV file", classes="form-title")
            with Horizontal(classes="field"):
                yield Label("File")
                yield Input(id="csv-path", compact=True, placeholder="path to iccid,registration_code[,fleet,"
                                                                      "unique_name] (Enter previews)")
            yield Static(id="csv-problem", classes="error")
            table: DataTable[str | Text] = DataTable(id="csv-preview", cursor_type="row", zebra_stripes=True)
            yield table
            with Horizontal(classes="form-buttons"):
                yield Button("Queue", id="csv-queue", variant="primary", compact=True, disabled=True)
                yield Button("Cancel", id="csv-cancel", compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#csv-preview", DataTable)
        table.add_columns("Line", "ICCID", "Check", "Code", "Fleet", "Name")
        table.display = False
        self.query_one("#csv-path", Input).focus()

    @on(Input.Submitted, "#csv-path")
    async def preview(self) -> None:
        raw = self.query_one("#csv-path", Input).value.strip()
        problem = self.query_one("#csv-problem", Static)
        button = self.query_one("#csv-queue", Button)
        button.disabled, self.good = True, []
        if not raw:
            problem.update("File: give the path of a CSV file")
            return
        try:
            text = await asyncio.to_thread(_read_text, raw)
        except FileProblem as error:
            problem.update(Text(f"File: {error}"))  # a file name is not markup
            return
        names = {f.sid for f in self.fleets} | {f.unique_name for f in self.fleets if f.unique_name}
        rows, file_problems = check_registration_csv(text, fleets=names)
        table = self.query_one("#csv-preview", DataTable)
        table.clear()
        for row in rows:
            issues = list(row.problems)
            if row.registration is not None and row.registration.iccid in self.known:
                issues.append("already in this session")
            ok = not issues
            if ok and row.registration is not None:
                self.good.append(row.registration)
            cells = (list(row.cells) + [""] * 4)[:4]
            check = Text("✓ ok", style="green") if ok else \
                Text("✕ " + "; ".join(re.sub(r"^line \d+[,:] ", "", issue) for issue in issues), style="bold red")
            table.add_row(str(row.line), cells[0], check, *cells[1:], key=str(row.line))
        table.display = bool(rows)
        bad = len(rows) - len(self.good)
        summary = "; ".join(file_problems) if file_problems else ""
        if rows:
            summary = (summary + "  " if summary else "") + \
                f"{len(self.good):,} rows ready, {bad:,} bad (marked ✕, never sent)."
        problem.update(Text(summary, style="bold red" if bad or file_problems else "green"))
        button.label = f"Queue {len(self.good):,} good rows" + (f", skip {bad:,} bad" if bad else "")
        button.refresh(layout=True)  # Button's label is not a layout reactive: widen it for the new text
        button.disabled = not self.good

    @on(Button.Pressed, "#csv-queue")
    def _queue(self) -> None:
        if self.good:
            self.dismiss(self.good)

    @on(Button.Pressed, "#csv-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
