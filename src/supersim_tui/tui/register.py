"""Register SIMs as fast as a barcode scanner types: ICCID, Enter, code, Enter, next.

Submissions go to a persistent queue (``ops.register_queue``) processed in the
background, so the form is free for the next SIM at once, and nothing typed is
lost when the link or the app goes away.
"""

from __future__ import annotations

import asyncio
import csv
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from ..api import Fleet, SuperSimClient
from ..iccid import iccid_problem, normalize, registration_code_problem
from ..ops.bulk import format_unique_name
from ..ops.name_numbers import highest_number, highest_number_in_account, pattern_regex
from ..ops.register import Registration
from ..ops.register_queue import FAILED, QUEUED, REGISTERED, REGISTERING, WAITING, Entry, RegistrationQueue
from .consent import drop_unseen_keys
from .csv_import import CsvImportScreen, cut
from .failures import ReportsFailures, Task
from .footer import KeysFooter
from .format import plain
from .header import AppHeader
from .keyflow import background

STATUS_STYLE = {
    QUEUED: "dim",
    REGISTERING: "bold cyan",
    REGISTERED: "bold green",
    WAITING: "yellow",
    FAILED: "bold red",
}
STATUS_GLYPH = {QUEUED: "…", REGISTERING: "↻", REGISTERED: "✓", WAITING: "⏸", FAILED: "✕"}
MISREAD_ICCID_DIGITS = 15  # a refused all-digit scan this long is a card's misread ICCID (a code has 10)
REFUSED = "refused"  # a scan the form refused (misread ICCID, code with a typo): listed, never sent
SCAN_AGAIN = "not sent: scan it again"


def normalize_code(raw: str) -> str:
    """A registration code as printed and sent: spaces removed, upper case."""
    return "".join(raw.split()).upper()


def problem_text(problem: str) -> Text:
    """A problem with a mark that reads without colour (NO_COLOR)."""
    return Text(f"✕ {problem}", style="bold red") if problem else Text("")


def write_session_csv(path: Path, entries: list[Entry], fleet_names: dict[str, str]) -> int:
    """The session's SIMs as CSV (ICCID, SID, name, fleet, outcome, detail); a new file, never overwritten."""
    with path.open("x", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["iccid", "sim_sid", "unique_name", "fleet", "outcome", "detail"])
        for entry in entries:
            sid = entry.detail.split()[0] if entry.status == REGISTERED and entry.detail.startswith("HS") else ""
            fleet = fleet_names.get(entry.fleet or "", entry.fleet or "")
            writer.writerow([entry.iccid, sid, entry.unique_name or "", fleet, entry.status, entry.detail])
    return len(entries)


def name_from_pattern(pattern: str, iccid: str, n: int) -> str | None:
    """The unique name for the n-th SIM of this session ({n}, {iccid}, {last4}, {last6})."""
    if not pattern.strip():
        return None
    return format_unique_name(pattern.strip(), iccid=iccid, n=n)


class RegisterScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="register.close"),
        Binding("ctrl+o", "import_csv", "Import CSV", id="register.import"),
        Binding("ctrl+s", "export_csv", "Export CSV", id="register.export"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "register-export": Task("Exporting the session", "Press ctrl+s to try again."),
        "register-numbers": Task(
            "Reading the names the pattern has used",
            "{n} counts from this session only: change the pattern to read again.",
        ),
    }

    def __init__(
        self,
        queue: RegistrationQueue,
        fleets: list[Fleet],
        wake: asyncio.Event,
        export_dir: Path | None = None,
        client: SuperSimClient | None = None,
    ):
        super().__init__()
        self.client = client
        self._account_highest: dict[str, int] = {}  # name pattern -> highest {n} its names use in the account
        self.export_dir = export_dir or Path.cwd()
        self.queue = queue
        self.fleets = fleets
        self._wake = wake  # the app's queue worker waits on it
        self._count = 0
        self._problems: dict[str, str | Text] = {}
        self._refused = queue.refused  # ICCID -> why the form refused that card (in the list, never sent)
        self._again: str | None = None  # a card just scanned again (already in this session): its code comes next
        self._details: dict[str, str] = {}  # ICCID -> its SIM / reason cell in full (the cell is cut to fit)
        self._room = 60  # the SIM / reason column's width: what the other columns leave of the list's
        self._fleet_names = {f.sid: f.label for f in fleets}

    def compose(self) -> ComposeResult:
        yield AppHeader()
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
                yield Select(
                    [(plain(f.label), f.sid) for f in self.fleets],
                    id="fleet",
                    compact=True,
                    prompt="none (stay new, no fleet)",
                )
            with Horizontal(classes="field"):
                yield Label("Name pattern")
                yield Input(id="pattern", compact=True, placeholder="optional, e.g. gate-{n} or meter-{last6}")
        table: DataTable[str | Text] = DataTable(id="register-list", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="register-summary")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "register SIMs"
        table = self.query_one("#register-list", DataTable)
        table.add_column("ICCID", key="iccid")
        table.add_column("Status", key="status", width=14)
        table.add_column("Name", key="name")
        table.add_column("Fleet", key="fleet")
        table.add_column("SIM / reason", key="detail")
        for entry in self.queue.entries.values():
            self._show(entry)
        for iccid, reason in list(self._refused.items()):  # this session's, from before the screen was closed
            self._note_refused(iccid, reason)
        self.queue.on_change = self._changed
        self._summarize()
        self.query_one("#iccid", Input).focus()
        self.call_after_refresh(self._fit_details)

    def on_resize(self) -> None:
        self._fit_details()

    def _fit_details(self, changed: str | None = None) -> None:
        """Cut each SIM / reason cell to the room the other columns leave, with "…" (never off the screen's edge);
        every cell again when that room changed, else only ``changed``'s. The highlighted row's is said in full."""
        table = self.query_one("#register-list", DataTable)
        width = table.scrollable_content_region.width
        others = sum(column.get_render_width(table) for column in table.ordered_columns[:-1])
        room = max(width - others - 2 * table.cell_padding, 12) if width else self._room
        keys = list(self._details) if room != self._room or changed is None else [changed]
        self._room = room
        for key in keys:
            if key in table.rows:
                table.update_cell(key, "detail", plain(cut(self._details[key], room)), update_width=True)

    def _set_detail(self, key: str, text: str) -> None:
        self._details[key] = text
        self._fit_details(key)

    def on_unmount(self) -> None:
        self.queue.on_change = None

    # ------------------------------------------------------------------ list
    def _changed(self, entry: Entry) -> None:
        self._show(entry)
        self._summarize()

    def _show(self, entry: Entry) -> None:
        table = self.query_one("#register-list", DataTable)
        status = Text(f"{STATUS_GLYPH[entry.status]} {entry.status}", style=STATUS_STYLE[entry.status])
        # Names and the server's reasons are shown as plain text: a DataTable reads a str cell as markup.
        fleet = plain(self._fleet_names.get(entry.fleet or "", entry.fleet or ""))
        name = plain(entry.unique_name)
        if entry.status == REGISTERED and "not set" in entry.detail:
            name = plain(f"✕ {entry.unique_name} not set", style="bold yellow")  # the SIM itself is registered
        if entry.iccid in table.rows:
            table.update_cell(entry.iccid, "status", status)
            table.update_cell(entry.iccid, "name", name, update_width=True)
            table.update_cell(entry.iccid, "fleet", fleet, update_width=True)
        else:
            table.add_row(entry.iccid, status, name, fleet, "", key=entry.iccid)
            table.move_cursor(row=table.row_count - 1)
        self._set_detail(entry.iccid, entry.detail)  # cut to fit; in full below when highlighted

    def _note_refused(self, iccid: str, reason: str) -> None:
        """A card the form refused stays in the list, marked ✕ (readable without colour) with the reason, so a
        box scanned in one burst can be counted: every card scanned is listed with its outcome."""
        if iccid in self.queue.entries and self.queue.entries[iccid].status != FAILED:
            return  # already queued or registered: the list shows that
        self._refused[iccid] = reason
        table = self.query_one("#register-list", DataTable)
        status = Text(f"✕ {REFUSED}", style="bold red")
        if iccid in table.rows:
            table.update_cell(iccid, "status", status)
        else:
            table.add_row(iccid, status, "", "", "", key=iccid)
            table.move_cursor(row=table.row_count - 1)
        self._set_detail(iccid, reason)
        self._summarize()

    @on(DataTable.RowHighlighted, "#register-list")
    def _highlighted(self) -> None:
        self._summarize()

    def _summarize(self) -> None:
        """The counts of the session, always (a box scanned at 80 columns is counted as it goes); under them, the
        highlighted row's reason in full when it has one worth reading (refused, failed, waiting, a name note, or
        cut to fit the list)."""
        counts: dict[str, int] = {}
        for queued in self.queue.entries.values():
            counts[queued.status] = counts.get(queued.status, 0) + 1
        parts = [
            f"{status} {counts[status]}"
            for status in (REGISTERED, REGISTERING, QUEUED, WAITING, FAILED)
            if counts.get(status)
        ]
        if self._refused:
            parts.append(f"refused {len(self._refused)} ({SCAN_AGAIN})")
        summary = Text(" · ".join(parts) or "Scan or type an ICCID, Enter, then its registration code, Enter.")
        table = self.query_one("#register-list", DataTable)
        if table.row_count:
            key = str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)
            entry = self.queue.entries.get(key)
            if entry is None and key in self._refused:
                summary.append("\n").append_text(plain(f"{key}: {self._refused[key]}", style=STATUS_STYLE[FAILED]))
            elif entry is not None and (
                entry.status in (FAILED, WAITING) or "; " in entry.detail or len(entry.detail) > self._room
            ):
                said = plain(f"{entry.iccid}: {entry.detail}", style=STATUS_STYLE[entry.status])
                summary.append("\n").append_text(said)
        self.query_one("#register-summary", Static).update(summary)

    # ------------------------------------------------------------------ form
    def _problem(self, field: str, text: str | Text) -> None:
        """Show a field's problem; unchanged text is not redrawn (a new text re-lays out the screen, too slow
        for a key at a time at scanner speed)."""
        if self._problems.get(field) != text:
            self._problems[field] = text
            self.query_one(f"#{field}-problem", Static).update(problem_text(text) if isinstance(text, str) else text)

    @on(Input.Changed, "#iccid")
    def _check_iccid(self, event: Input.Changed) -> None:
        self._problem("iccid", self._iccid_problem(event.value, typing=True))

    def _iccid_problem(self, raw: str, typing: bool = False) -> str:
        value = normalize(raw)
        if not value:
            return ""
        problem = iccid_problem(value)
        if problem and typing and value.isdigit() and len(value) < 19:
            return ""  # still typing
        if problem:
            return problem
        entry = self.queue.entries.get(value)
        if entry is not None and entry.status != FAILED:  # a failed one may be tried again with a new code
            return f"Already in this session ({entry.status}): scan the next SIM"
        return ""

    def _refuse(self, field: Input) -> None:
        """A refused field: bell, and its text selected so the next scan replaces it instead of adding to it."""
        self.app.bell()
        field.focus()
        field.select_all()

    @on(Input.Submitted, "#iccid")
    def _iccid_done(self, event: Input.Submitted) -> None:
        """Enter after the ICCID: what was typed before that Enter is checked (``event.value``). After a card
        scanned again (already in this session), a scan that is no ICCID is that card's code: set aside with a
        word, not taken for an ICCID (the field said "must contain only the digits" and kept the code)."""
        again, self._again = self._again, None
        value = normalize(event.value)
        if again is not None and value and not value.isdigit() and registration_code_problem(value) is None:
            with self.prevent(Input.Changed):  # (its check would clear the words below)
                event.input.value = ""
            self._problem("iccid", f"Already in this session: {again} was scanned again; its code was not used")
            return
        problem = self._iccid_problem(event.value)
        self._problem("iccid", problem)
        if problem:
            if problem.startswith("Already"):
                self._again = value
            elif value.isdigit() and len(value) >= MISREAD_ICCID_DIGITS:
                self._note_refused(value, f"{SCAN_AGAIN} ({problem})")  # a card's misread ICCID, not a stray code
            self._refuse(event.input)
        elif event.value.strip():
            self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    def _submit(self, event: Input.Submitted) -> None:
        iccid_input, code_input = self.query_one("#iccid", Input), event.input
        iccid = normalize(iccid_input.value)
        code = normalize_code(event.value)
        iccid_issue = self._iccid_problem(iccid) if iccid else "ICCID is empty: scan or type it first"
        code_issue = registration_code_problem(code)
        self._problem("iccid", iccid_issue)
        self._problem("code", code_issue or "")
        if iccid_issue:
            self._refuse(iccid_input)
            return
        if code_issue:
            scanned = normalize(event.value)
            if scanned.isdigit() and iccid_problem(scanned) is None:
                # The next card's ICCID, scanned after this card's code was refused: this card is left (listed as
                # refused) and the scan is taken as the next card's ICCID, never paired with this card.
                self._problem("code", "")
                code_input.value = ""
                iccid_input.value = scanned
                self._iccid_done(Input.Submitted(iccid_input, scanned))
                return
            self._note_refused(iccid, f"{SCAN_AGAIN} (its {code_issue})")
            self._refuse(code_input)
            return
        fleet = self.query_one("#fleet", Select).value
        try:
            pattern = self.query_one("#pattern", Input).value
            name = name_from_pattern(pattern, iccid, self._next_number(pattern))
        except (KeyError, IndexError, ValueError):
            self._problem("code", "Name pattern: use {n}, {iccid}, {last4} or {last6}, e.g. gate-{n}")
            self.app.bell()
            return
        self._count += 1
        self.queue.add(Entry(iccid, code, fleet if isinstance(fleet, str) else None, name))
        self._wake.set()
        iccid_input.value = code_input.value = ""
        iccid_input.focus()

    def _next_number(self, pattern: str) -> int:
        """{n} for the next SIM: after the highest this pattern has used in the account and in this session."""
        pattern = pattern.strip()
        if pattern_regex(pattern) is None:
            return self._count + 1
        used = highest_number(pattern, (e.unique_name for e in self.queue.entries.values()))
        return max(used, self._account_highest.get(pattern, 0)) + 1

    @on(Input.Changed, "#pattern")
    def _pattern_changed(self, event: Input.Changed) -> None:
        pattern = event.value.strip()
        if self.client is not None and pattern_regex(pattern) is not None and pattern not in self._account_highest:
            self._read_highest(pattern)

    @work(exclusive=True, group=background("register-numbers"), exit_on_error=False)
    async def _read_highest(self, pattern: str) -> None:
        await asyncio.sleep(0.3)  # typing the pattern: read once it stops changing
        if self.client is not None:
            self._account_highest[pattern] = await highest_number_in_account(self.client, pattern)

    def action_export_csv(self) -> None:
        refused = [Entry(iccid, "", status=REFUSED, detail=why) for iccid, why in self._refused.items()]
        if self.queue.entries or refused:
            self._export([*self.queue.entries.values(), *refused])
        else:
            self.notify("Nothing registered in this session yet.", title="Export")

    @work(group=background("register-export"), exit_on_error=False)
    async def _export(self, entries: list[Entry]) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self.export_dir / f"supersim-registered-{stamp}.csv"
        for n in range(2, 100):
            try:
                rows = await asyncio.to_thread(write_session_csv, path, entries, self._fleet_names)
                break
            except FileExistsError:
                path = self.export_dir / f"supersim-registered-{stamp}-{n}.csv"
        else:
            raise FileExistsError(f"no free file name like {path}")
        self.notify(f"{rows:,} SIMs written to {path}", title="Export", markup=False)

    def action_close(self) -> None:
        """Back to the SIMs. A card half-scanned (its ICCID accepted, its code not yet entered) is listed as
        refused, not sent, so it is not lost from the box's count without a word."""
        iccid = normalize(self.query_one("#iccid", Input).value)
        if iccid and not self._iccid_problem(iccid):
            why = f"{SCAN_AGAIN} (the screen was closed before its code was entered)"
            self.queue.refused[iccid] = why
            self.notify(f"{iccid} was not sent: its code was not entered. Scan it again.", title="Register")
        # The rest of a scanner's burst (or keys typed with Esc) was meant for this screen: on the SIMs screen its
        # digits would switch tabs and its Enter open the catalog, unseen
        drop_unseen_keys(self.app, "Register", "after Esc", "the SIMs screen")
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
