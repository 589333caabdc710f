"""Importing registrations from a CSV file: every row checked and shown before anything is queued."""

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
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from ..api import Fleet
from ..ops.register import Registration, check_registration_csv
from ..textfile import FileProblem, read_text

INPUT_FILE_MAX = 64 * 1024 * 1024  # as for `sims register --csv`
CHECK_WIDTH = 32  # a longer reason is cut with "…" (Code, Fleet and Name stay in view); in full under the table


def cut(text: str, width: int = CHECK_WIDTH) -> str:
    """``text`` within ``width`` characters, cut with an ellipsis when longer."""
    return text if len(text) <= width else text[: width - 1] + "…"


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
        self.reasons: dict[str, str] = {}  # row key (line number) -> the row's reasons in full

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="csv-import"):
            yield Static("Import SIMs from a CSV file", classes="form-title")
            with Horizontal(classes="field"):
                yield Label("File")
                yield Input(
                    id="csv-path",
                    compact=True,
                    placeholder="path to iccid,registration_code[,fleet,unique_name] (Enter previews)",
                )
            yield Static(id="csv-problem", classes="error")
            table: DataTable[str | Text] = DataTable(id="csv-preview", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static(id="csv-row", classes="problem")
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
        button.disabled, self.good, self.reasons = True, [], {}
        table = self.query_one("#csv-preview", DataTable)
        table.clear()  # never the rows of the file before under this one's name
        table.display = False
        self.query_one("#csv-row", Static).update("")
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
        for row in rows:
            issues = list(row.problems)
            if row.registration is not None and row.registration.iccid in self.known:
                issues.append("already in this session")
            ok = not issues
            if ok and row.registration is not None:
                self.good.append(row.registration)
            cells = (list(row.cells) + [""] * 4)[:4]
            reason = "; ".join(re.sub(r"^line \d+[,:] ", "", issue) for issue in issues)
            if not ok:
                self.reasons[str(row.line)] = reason
            check = Text("✓ ok", style="green") if ok else Text(cut("✕ " + reason), style="bold red")
            table.add_row(str(row.line), cells[0], check, *cells[1:], key=str(row.line))
        table.display = bool(rows)
        bad = len(rows) - len(self.good)
        summary = "; ".join(file_problems) if file_problems else ""
        if rows:
            summary = (
                summary + "  " if summary else ""
            ) + f"{len(self.good):,} rows ready, {bad:,} bad (marked ✕, never sent)."
        problem.update(Text(summary, style="bold red" if bad or file_problems else "green"))
        button.label = f"Queue {len(self.good):,} good rows" + (f", skip {bad:,} bad" if bad else "")
        button.refresh(layout=True)  # Button's label is not a layout reactive: widen it for the new text
        button.disabled = not self.good

    @on(DataTable.RowHighlighted, "#csv-preview")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted row's reasons in full (its Check cell may be cut)."""
        key = str(event.row_key.value)
        reason = self.reasons.get(key)
        self.query_one("#csv-row", Static).update(Text(f"Line {key}: {reason}", style="bold red") if reason else "")

    @on(Button.Pressed, "#csv-queue")
    def _queue(self) -> None:
        if self.good:
            self.dismiss(self.good)

    @on(Button.Pressed, "#csv-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
