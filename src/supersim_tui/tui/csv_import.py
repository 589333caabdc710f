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
from .dialogs import relabel
from .pane import count_of

INPUT_FILE_MAX = 64 * 1024 * 1024  # as for `sims register --csv`
CHECK_WIDTH = 32  # a longer reason is cut with "…" (Code, Fleet and Name stay in view); in full under the table
COLUMNS = ("Line", "ICCID", "Check", "Code", "Fleet", "Name")
TABLE_ROWS = 14  # the table's most lines (its header included); it scrolls
AROUND_TABLE = 18  # the dialog's lines besides the table: border, title, file, columns, summary, reason, buttons
CHECK_MIN = 8  # the Check column never narrower (a narrow terminal: the other columns keep their width)


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
        self._rows: list[tuple[str, ...]] = []  # the preview's cells: line, ICCID, check in full, code, fleet, name

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="csv-import"):
            yield Static("Import SIMs from a CSV file", classes="form-title")
            with Horizontal(classes="field"):
                yield Label("File")
                yield Input(id="csv-path", compact=True, placeholder="path of the CSV file; Enter previews")
            yield Static(
                Text("Columns: iccid, registration_code, then fleet and unique_name if wanted.", style="dim"),
                id="csv-columns",
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
        table.add_columns(*COLUMNS)
        table.display = False
        self._fit_table()
        self._say("#csv-problem", "")
        self._say("#csv-row", "")
        self.query_one("#csv-path", Input).focus()

    def _say(self, where: str, text: str | Text) -> None:
        """Put ``text`` in the line ``where``, hidden while empty (so empty lines do not push the buttons down)."""
        line = self.query_one(where, Static)
        line.update(text)
        line.display = bool(str(text))

    def on_resize(self) -> None:
        self._fit_table()
        self.call_after_refresh(self._show_rows)  # the Check column fits the dialog's new width

    def _fit_table(self) -> None:
        """At most TABLE_ROWS lines of table, fewer on a short terminal: the lines around it (the file, the
        summary, the highlighted row's reason, the buttons) stay in view (at 80x24 the buttons were pushed off)."""
        table = self.query_one("#csv-preview", DataTable)
        table.styles.max_height = max(4, min(TABLE_ROWS, self.size.height - AROUND_TABLE))

    def _check_width(self) -> int:
        """The Check column's width: what the dialog leaves once the other columns have theirs (a reason is in
        full under the table), between CHECK_MIN and CHECK_WIDTH."""
        table = self.query_one("#csv-preview", DataTable)
        room = self.query_one("#csv-import").content_size.width - 2  # the table's own scrollbar gutter
        widths = [max(len(cell) for cell in column) for column in zip(COLUMNS, *self._rows, strict=False)]
        others = sum(widths) - widths[2]  # all but Check, sized here
        return max(CHECK_MIN, min(CHECK_WIDTH, room - others - 2 * table.cell_padding * len(COLUMNS)))

    def _show_rows(self) -> None:
        """The rows checked, into the table (the Check cell cut to the room there is)."""
        table = self.query_one("#csv-preview", DataTable)
        cursor = table.cursor_row
        table.clear()
        if not self._rows:
            return
        width = self._check_width()
        for line, iccid, check, *rest in self._rows:
            ok = line not in self.reasons
            cell = Text(check, style="green") if ok else Text(cut(check, width), style="bold red")
            table.add_row(line, iccid, cell, *rest, key=line)
        table.move_cursor(row=min(cursor, table.row_count - 1))

    @on(Input.Submitted, "#csv-path")
    async def preview(self) -> None:
        raw = self.query_one("#csv-path", Input).value.strip()
        button = self.query_one("#csv-queue", Button)
        button.disabled, self.good, self.reasons, self._rows = True, [], {}, []
        table = self.query_one("#csv-preview", DataTable)
        table.clear()  # never the rows of the file before under this one's name
        table.display = False
        self._say("#csv-row", "")
        if not raw:
            self._say("#csv-problem", "File: give the path of a CSV file")
            return
        try:
            text = await asyncio.to_thread(_read_text, raw)
        except FileProblem as error:
            self._say("#csv-problem", Text(f"File: {error}"))  # a file name is not markup
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
            self._rows.append((str(row.line), cells[0], "✓ ok" if ok else "✕ " + reason, *cells[1:]))
        self._show_rows()
        table.display = bool(rows)
        bad = len(rows) - len(self.good)
        summary = "; ".join(file_problems) if file_problems else ""
        if rows:
            summary = (
                summary + "  " if summary else ""
            ) + f"{count_of(len(self.good), 'row')} ready, {bad:,} bad (marked ✕, never sent)."
        self._say("#csv-problem", Text(summary, style="bold red" if bad or file_problems else "green"))
        relabel(button, f"Queue {count_of(len(self.good), 'good row')}" + (f", skip {bad:,} bad" if bad else ""))
        button.disabled = not self.good

    @on(DataTable.RowHighlighted, "#csv-preview")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted row's reasons in full (its Check cell may be cut)."""
        key = str(event.row_key.value)
        reason = self.reasons.get(key)
        self._say("#csv-row", Text(f"Line {key}: {reason}", style="bold red") if reason else "")

    @on(Button.Pressed, "#csv-queue")
    def _queue(self) -> None:
        if self.good:
            self.dismiss(self.good)

    @on(Button.Pressed, "#csv-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
