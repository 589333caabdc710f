"""Register SIMs as fast as a barcode scanner types: ICCID, Enter, code, Enter, next.

Submissions go to a persistent queue (``ops.register_queue``) processed in the
background, so the form is free for the next SIM at once, and nothing typed is
lost when the link or the app goes away.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from ..api import Fleet
from ..iccid import iccid_problem, normalize, registration_code_problem
from ..ops.bulk import format_unique_name
from ..ops.register_queue import FAILED, QUEUED, REGISTERED, REGISTERING, WAITING, Entry, RegistrationQueue

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
