"""The SIMs pane: the filter bar, the window of SIM pages, and marks.

The pane owns its data source: it is given a ``list_sims``-style callable and opens its own listings
with the filters set in its bar (filtered on the server: status, fleet, exact ICCID). Which pages are
held is :class:`~.sim_window.PageWindow`'s job (plain logic, unit-tested); the pane draws the window's
rows and reads on as the cursor nears an edge, so an account of 100,000 SIMs never loads up front.
Marks (SID → SIM) live outside the window, so they survive scrolling and paging; ``marks`` is a
reactive, so the keys that depend on it are shown or hidden as it changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import msgspec
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Input, Select, Static

from ..api import Fleet, Pager, Sim
from ..iccid import iccid_problem, meant_as_iccid, normalize
from ..ops.bulk import Change
from ..ops.select import ListSims, select_matching
from .dialogs import ChoiceScreen, Confirm
from .failures import Task, failure_text
from .format import details_grid, plain, printable, stamp, status_text, when
from .pane import Pane, ResourceTable, count_of, stale_mark
from .sim_window import Moved, PageWindow

SIM_PAGE_SIZE = 100
LOAD_AHEAD_ROWS = 25
WINDOW_PAGES = 5  # pages of SIMs kept in memory (up to twice this); the rest is read again when scrolled back to
SIM_STATUSES = ("new", "ready", "active", "inactive", "scheduled")
MARK = Text("■", style="bold yellow")


def slim(sim: Sim) -> Sim:
    """The fields a mark needs (planning a change), at about half the memory: 100,000 marks stay near 60 MB."""
    return msgspec.structs.replace(sim, url=None, links=None, account_sid=None, date_created=None)


class SimsTable(ResourceTable):
    """The SIMs table: Home goes to the first SIM of the list, not of the pages in memory."""

    def action_scroll_top(self) -> None:
        pane = self.parent
        if isinstance(pane, SimsPane) and pane.first_page > 0:
            pane.jump_to_start()
        else:
            super().action_scroll_top()


class SimsPane(Pane):
    """SIMs, filtered on the server, read a page at a time into a window of pages (see the module)."""

    TABLE_ID = "sims-table"
    WIDE = 100  # below this many columns, "Updated" moves to the detail strip only
    COLUMNS = (
        ("mark", " "),
        ("iccid", "ICCID"),
        ("name", "Name"),
        ("status", "Status"),
        ("fleet", "Fleet"),
        ("updated", "Updated"),
    )  # in the order of _cells
    CHANGES = frozenset({"register_sims", "bulk_status", "bulk_move"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "sim_detail", "Details", id="sims.detail"),
        Binding("space", "toggle_mark", "Mark", id="sims.mark"),
        Binding("a", "mark_matching", "Mark all", id="sims.mark_all"),
        Binding("u", "clear_marks", "Unmark", id="sims.unmark"),
        Binding("s", "bulk_status", "Set status", id="sims.set_status"),
        Binding("m", "bulk_move", "Move", id="sims.move"),
        Binding("n", "register_sims", "Register SIMs", id="sims.register"),
        Binding("x", "clear_sim_filter", "Clear filter", id="sims.clear_filter"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "sims-page": Task("Reading SIMs", "Press r to reload."),
        "mark-all": Task("Counting the SIMs to mark", "Press a to try again."),
    }

    class OpenSim(Message):
        """Enter: the SIM's details."""

        def __init__(self, sim: Sim) -> None:
            super().__init__()
            self.sim = sim

    class ChangeChosen(Message):
        """A bulk change chosen for ``sims`` (marked, or the highlighted one): to be planned and confirmed."""

        def __init__(self, sims: list[Sim], change: Change, selected: str) -> None:
            super().__init__()
            self.sims, self.change, self.selected = sims, change, selected

    class RegisterSims(Message):
        """n: the register screen."""

    class FindSim(Message):
        """A SID or unique name typed in the ICCID filter: the screen looks up its ICCID (then ``set_iccid``)."""

        def __init__(self, ref: str) -> None:
            super().__init__()
            self.ref = ref

    fleets: reactive[list[Fleet] | None] = reactive(None, always_update=True)
    marks: reactive[dict[str, Sim]] = reactive(dict, always_update=True, bindings=True, init=False)
    filter_label: reactive[str | None] = reactive(None, bindings=True)
    has_rows: reactive[bool] = reactive(False, bindings=True)

    def __init__(self, list_sims: ListSims, page_size: int | None = None, window_pages: int | None = None) -> None:
        super().__init__(id="sims-pane")
        self.list_sims = list_sims
        self.page_size = page_size or SIM_PAGE_SIZE
        self.window: PageWindow[Sim] = PageWindow(self._listing, window_pages or WINDOW_PAGES)
        self._sims: dict[str, Sim] = {}  # SID → SIM, for the rows drawn
        self._fleet_names: dict[str, str] = {}
        self._wide: bool | None = None
        self._reading = False
        self._problem: Text | None = None  # why the count bar cannot show the count (a read failed)
        self._stale_since: datetime | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="sims-filters"):
            yield Select([(s, s) for s in SIM_STATUSES], prompt="any status", id="filter-status", compact=True)
            yield Select([], prompt="any fleet", id="filter-fleet", compact=True)
            yield Input(id="filter-iccid", placeholder="ICCID/name (Enter)", compact=True)
            yield Static(id="sims-count")
        yield SimsTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(id=f"{self.TABLE_ID}-detail", classes="detail")

    def on_mount(self) -> None:
        self._set_columns(self.app.size.width >= self.WIDE)
        self.table.loading = True
        self.detail.update("Loading SIMs…")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual: False hides a binding, None shows it dimmed (not available right now)."""
        if not super().check_action(action, parameters):
            return False
        if action == "clear_marks":
            return bool(self.marks)
        if action == "clear_sim_filter":
            return bool(self.filter_label)
        if action in ("sim_detail", "bulk_status", "bulk_move"):
            applies = self.has_rows or (action != "sim_detail" and bool(self.marks))
            return True if applies else None  # dimmed: no SIM to act on
        return True

    # ----------------------------------------------------------------- filters
    def watch_fleets(self, fleets: list[Fleet] | None) -> None:
        """The account's fleets: the fleet filter's options, and the names in the Fleet column."""
        if fleets is None:
            return
        self._fleet_names = {f.sid: f.label for f in fleets}
        select = self.query_one("#filter-fleet", Select)
        value = select.value
        with self.prevent(Select.Changed):  # new options are not a new filter
            select.set_options([(plain(f.label), f.sid) for f in fleets])
            if isinstance(value, str) and value in self._fleet_names:
                select.value = value
        if self.window.pages:
            self._rebuild()
            self._loaded()

    def set_fleet(self, fleet_sid: str) -> None:
        self.query_one("#filter-fleet", Select).value = fleet_sid  # posts Changed: the pane reloads

    def action_clear_sim_filter(self) -> None:
        with self.prevent(Select.Changed):
            self.query_one("#filter-status", Select).clear()
            self.query_one("#filter-fleet", Select).clear()
        self.query_one("#filter-iccid", Input).value = ""
        self.reload()

    @on(Select.Changed, "#sims-filters Select")
    def _select_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#filter-iccid")
    def _iccid_entered(self, event: Input.Submitted) -> None:
        value = normalize(event.value)
        if value and not meant_as_iccid(value):  # a SID or unique name: the API fetches a SIM by either
            self.query_one("#sims-count", Static).update(Text(f"Looking up {event.value.strip()}…", style="dim"))
            self.post_message(self.FindSim(event.value.strip()))
            return
        problem = iccid_problem(value) if value else None
        if problem:
            self.query_one("#sims-count", Static).update(Text(problem, style="bold red"))
            return
        self.reload()
        self.table.focus()

    def set_iccid(self, iccid: str | None, problem: str | None = None) -> None:
        """The ICCID a SID or name in the filter stands for (or why there is none): filter by it."""
        if problem is not None or not iccid:
            self.query_one("#sims-count", Static).update(Text(problem or "no such SIM", style="bold red"))
            return
        self.query_one("#filter-iccid", Input).value = iccid
        self.reload()
        self.table.focus()

    @property
    def filters(self) -> tuple[str | None, str | None, str | None]:
        """(status, fleet SID, ICCID) as set in the filter bar."""
        status = self.query_one("#filter-status", Select).value
        fleet = self.query_one("#filter-fleet", Select).value
        iccid = normalize(self.query_one("#filter-iccid", Input).value) or None
        return (status if isinstance(status, str) else None, fleet if isinstance(fleet, str) else None, iccid)

    def _describe_filters(self) -> str | None:
        status, fleet, iccid = self.filters
        parts = [f"status {status}"] if status else []
        parts += [f"fleet {self._fleet_names.get(fleet, fleet)}"] if fleet else []
        parts += [f"ICCID {iccid}"] if iccid else []
        return ", ".join(parts) or None

    def _listing(self) -> Pager[Sim]:
        status, fleet, iccid = self.filters
        return self.list_sims(status=status, fleet=fleet, iccid=iccid, page_size=self.page_size)

    # ------------------------------------------------------------------ paging
    def _restart(self, window: PageWindow[Sim] | None = None) -> None:
        """Forget the rows shown: the next read starts the listing (with the filters now set) from its start;
        or show ``window``, already read."""
        self.filter_label = self._describe_filters()
        if window is None:
            self.window.invalidate()
        else:
            self.window = window
        self._problem = self._stale_since = None
        self._sims = {}
        self.has_rows = False
        self.workers.cancel_group(self, "sims-page")
        self._reading = False
        self.table.clear()

    def reload(self) -> None:
        """Read the SIMs again with the filters set; a failure is reported by the pane (a notification and the
        count bar)."""
        self._restart()
        self.table.loading = True
        self.load_more()

    async def read_first_page(self) -> None:
        """Read the SIMs again from the first page, as part of a larger load: a failure raises to the caller,
        and until the page is read the rows shown stay (marked stale by the caller if it fails)."""
        window = PageWindow(self._listing, self.window.window_pages)
        moved, page = await window.read_next()
        self._restart(window)
        self._show(moved, page)

    @property
    def filtered(self) -> bool:
        return self._describe_filters() is not None

    @property
    def loaded(self) -> int:
        """How many matching SIMs have been read so far (the window holds at most a few pages of them)."""
        return self.window.loaded

    @property
    def complete(self) -> bool:
        return self.window.complete

    @property
    def at_end(self) -> bool:
        return self.window.at_end

    @property
    def first_page(self) -> int:
        return self.window.first_page

    def position(self, row: int) -> int:
        """The 1-based position in the whole list of the window's row ``row``."""
        return self.window.position(row)

    def load_more(self) -> None:
        self._load("next")

    def load_previous(self) -> None:
        if self.first_page > 0:
            self._load("previous")

    def jump_to_start(self) -> None:
        self._load("start")

    def _load(self, where: str) -> None:
        if self._reading:
            return  # one read at a time: the edge is checked again when it lands
        self._reading = True
        self._read_page(where)

    @work(group="sims-page", exit_on_error=False)
    async def _read_page(self, where: str) -> None:
        window = self.window
        try:
            if where == "start":
                moved, page = await window.read_start()
            elif where == "previous":
                moved, page = await window.read_previous()
            else:
                moved, page = await window.read_next()
        finally:
            self._reading = False
        self._show(moved, page)
        if moved is not Moved.NOTHING and where == "start":
            self.table.move_cursor(row=0, animate=False)

    def _show(self, moved: Moved, page: list[Sim]) -> None:
        if self.fleets is None:
            return  # drawn when the fleets arrive (the Fleet column shows their names)
        if moved is Moved.REBUILT:
            self._rebuild()
        elif moved is Moved.APPENDED:
            self._append(page)
        self._loaded()
        if moved is not Moved.NOTHING:
            self.call_after_refresh(self._check_edges)

    def _check_edges(self) -> None:
        """Read on if the cursor is still near an edge of the window (it may have moved during a read)."""
        table = self.table
        if table.row_count == 0:
            return
        if table.cursor_row >= table.row_count - LOAD_AHEAD_ROWS and not self.at_end:
            self.load_more()
        elif table.cursor_row < LOAD_AHEAD_ROWS and self.first_page > 0:
            self.load_previous()

    def worker_failed(self, group: str, error: BaseException) -> None:
        """A page read failed: stop loading; say so in the count bar (and the detail strip if nothing is shown).
        Mark all: the count bar shows the count again."""
        super().worker_failed(group, error)
        if group == "sims-page":
            self._reading = False
            self.table.loading = False
            if not self._sims:
                self._problem = Text("Could not load SIMs · r to retry", style="bold red")
                self.detail.update(Text(failure_text(self.task_for(group), error), style="bold red"))
            else:
                self._problem = Text("Could not read more SIMs · r to retry", style="bold red")
        self._show_count()

    # -------------------------------------------------------------------- rows
    def on_resize(self) -> None:
        wide = self.app.size.width >= self.WIDE
        if wide != self._wide:
            self._set_columns(wide)
            if self.window.listing is not None:
                self._show_count()

    def _set_columns(self, wide: bool) -> None:
        """(Re)build the columns for the width, keeping the rows and the cursor."""
        self._wide = wide
        table = self.table
        table.clear(columns=True)
        for key, label in self.COLUMNS[: None if wide else -1]:
            table.add_column(label, key=key, width=1 if key == "mark" else None)
        self._rebuild()

    def _cells(self, sim: Sim) -> list[str | Text]:
        fleet = self._fleet_names.get(sim.fleet_sid, sim.fleet_sid) if sim.fleet_sid else None
        cells: list[str | Text] = [
            MARK if sim.sid in self.marks else "",
            plain(sim.iccid or "—"),
            plain(sim.unique_name) if sim.unique_name else Text("—", style="dim"),
            status_text(sim.status),
            plain(fleet) if fleet else Text("no fleet", style="dim"),
        ]
        if self._wide:
            cells.append(when(sim.date_updated))
        return cells

    def _append(self, sims: list[Sim]) -> None:
        table = self.table
        for sim in sims:
            if sim.sid not in self._sims:
                self._sims[sim.sid] = sim
                table.add_row(*self._cells(sim), key=sim.sid)

    def _rebuild(self) -> None:
        """Fill the table from the window, keeping the highlighted SIM where it was on screen."""
        table = self.table
        keep = self.current_key
        offset = table.cursor_row - round(table.scroll_y) if keep else 0
        table.clear()
        self._sims = {}
        self._append(self.window.rows)
        if keep in self._sims:
            row = table.get_row_index(keep)
            table.move_cursor(row=row, animate=False, scroll=False)
            table.scroll_to(y=max(row - offset, 0), animate=False, immediate=True)

    def _loaded(self) -> None:
        self.table.loading = False
        self._problem = None
        self.has_rows = bool(self._sims)
        self._show_count()
        if not self._sims:
            self.detail.update(
                Text(
                    f"No SIMs match ({printable(self.filter_label)}): x clears the filters."  # names
                    if self.filter_label
                    else "No SIMs in this account yet."
                )
            )  # are not markup

    def mark_stale(self, at: datetime | None) -> None:
        """The count bar says the SIMs shown are stale since ``at`` (None: fresh again)."""
        self._stale_since = at
        self._show_count()

    def _show_count(self) -> None:
        """Marks, position and count: ``2 marked · 3 of 100+ SIMs``, or ``2■ 3/100+`` when narrow."""
        more = "" if self.complete else "+"  # more load as you scroll
        narrow = not self._wide
        parts = []
        if self.marks:
            parts.append(
                Text(f"{len(self.marks):,}■" if narrow else f"{len(self.marks):,} marked", style="bold yellow")
            )
        if self._sims:
            position = self.position(self.table.cursor_row)
            parts.append(
                Text(f"{position:,}/{self.loaded:,}{more}" if narrow else f"{position:,} of {self.loaded:,}{more} SIMs")
            )
        elif self._problem is None:
            parts.append(Text(f"{self.loaded:,}{more} SIMs"))
        if self._problem is not None:
            parts.append(self._problem)
        if self._stale_since is not None:
            # the count bar has little room: at 80 columns the word alone
            parts.append(Text("stale", style="bold red") if narrow else stale_mark(self._stale_since, short=True))
        self.query_one("#sims-count", Static).update(Text(" " if narrow else " · ").join(parts))

    def _show_counting(self, what: str, found: int) -> None:
        """While mark-all counts the matching SIMs."""
        text = f"counting… {found:,}" if not self._wide else f"counting SIMs {what}… {found:,}"
        self.query_one("#sims-count", Static).update(Text(text, style="bold yellow"))

    @property
    def current(self) -> Sim | None:
        key = self.current_key
        return self._sims.get(key) if key else None

    def refresh_sims(self, sims: list[Sim]) -> None:
        """Show the latest state of SIMs that changed (those in the window; marks keep their SID)."""
        for sim in sims:
            if sim.sid in self._sims:
                self._sims[sim.sid] = sim
                self.window.replace(sim, key=lambda s: s.sid)
                for (column, _label), value in zip(self.COLUMNS, self._cells(sim), strict=False):
                    self.table.update_cell(sim.sid, column, value)
            if sim.sid in self.marks:
                self.marks[sim.sid] = slim(sim)

    # ------------------------------------------------------------------- marks
    def watch_marks(self) -> None:
        self._show_count()

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted SIM, then move down (so space, space, space marks a run)."""
        sim = self.current
        if sim is None:
            return
        if self.marks.pop(sim.sid, None) is None:
            self.marks[sim.sid] = slim(sim)
        self.mutate_reactive(SimsPane.marks)
        self.table.update_cell(sim.sid, "mark", MARK if sim.sid in self.marks else "")
        self.table.action_cursor_down()

    def set_marks(self, sims: dict[str, Sim]) -> None:
        self.marks = {sid: slim(sim) for sid, sim in sims.items()}
        for sid in self._sims:
            self.table.update_cell(sid, "mark", MARK if sid in self.marks else "")

    def action_clear_marks(self) -> None:
        if self.marks:
            count = len(self.marks)
            self.set_marks({})
            self.notify(f"{count_of(count, 'mark')} cleared.", title="SIMs")

    @work(exclusive=True, group="mark-all", exit_on_error=False)
    async def action_mark_matching(self) -> None:
        """Read every SIM matching the filters (pages of 1,000), state the exact count, then mark them."""
        status, fleet, iccid = self.filters
        label = self.filter_label
        what = f"matching {label}" if label else "in the account (no filter)"
        matching = await select_matching(
            self.list_sims,
            status=status,
            fleet=fleet,
            iccid=iccid,
            on_page=lambda found: self._show_counting(what, found),
        )
        found = {sim.sid: slim(sim) for sim in matching}
        self._show_count()
        already = sum(1 for sid in found if sid in self.marks)
        if not found:
            self.notify(printable(f"No SIMs {what}: nothing to mark."), title="Mark all", markup=False)
            return
        body = Text.assemble((f"{len(found):,}", "bold"), f" SIMs {what}.")
        if already:
            body.append(f"\n{already:,} of them are marked already.")
        if self.marks and len(self.marks) > already:
            body.append(f"\n{len(self.marks) - already:,} other marked SIMs stay marked (u clears every mark).")

        def mark(yes: bool | None) -> None:
            if yes:
                self.set_marks({**self.marks, **found})  # the count bar says how many are marked

        self.app.push_screen(Confirm("Mark all matching", body, f"Mark {len(found):,} SIMs"), mark)

    # ----------------------------------------------------------------- actions
    @on(DataTable.RowSelected, "#sims-table")
    def action_sim_detail(self) -> None:
        if (sim := self.current) is not None:
            self.post_message(self.OpenSim(sim))

    def action_register_sims(self) -> None:
        self.post_message(self.RegisterSims())

    def _targets(self) -> tuple[list[Sim], str]:
        """The marked SIMs, or the highlighted one when none is marked."""
        if self.marks:
            return list(self.marks.values()), "marked"
        return ([self.current] if self.current else []), "highlighted"

    def action_bulk_status(self) -> None:
        sims, selected = self._targets()
        if not sims:
            return
        options = [("ready", "ready", None), ("active", "active", None), ("inactive", "inactive", None)]
        title = f"Set the status of {len(sims):,} {selected} SIM{'s' if len(sims) != 1 else ''}"

        def chosen(status: str | None) -> None:
            if status:
                self.post_message(self.ChangeChosen(sims, Change(status=status), selected))

        note = "The next step shows what will change, what is skipped and why, before anything is sent."
        self.app.push_screen(ChoiceScreen(title, options, note=note), chosen)

    def action_bulk_move(self) -> None:
        sims, selected = self._targets()
        if not sims:
            return
        fleets = self.fleets or []
        if not fleets:
            self.notify("This account has no fleets: create one on the Fleets tab (n).", title="Move")
            return
        labels = {f.sid: f.label for f in fleets}
        title = f"Move {len(sims):,} {selected} SIM{'s' if len(sims) != 1 else ''} to fleet"

        def chosen(sid: str | None) -> None:
            if sid:
                self.post_message(self.ChangeChosen(sims, Change(fleet_sid=sid, fleet_label=labels[sid]), selected))

        self.app.push_screen(ChoiceScreen(title, [(f.sid, f.label, None) for f in fleets]), chosen)

    @on(DataTable.RowHighlighted, "#sims-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        sim = self._sims.get(str(event.row_key.value))
        if sim is None:
            return
        self._check_edges()
        self._show_count()
        fleet = self._fleet_names.get(sim.fleet_sid or "", "") if sim.fleet_sid else ""
        self.detail.update(
            details_grid(
                [
                    ("SIM", plain(f"{sim.label}  ({sim.sid})")),
                    ("ICCID", plain(sim.iccid or "—")),
                    ("Status", status_text(sim.status)),
                    (
                        "Fleet",
                        plain(f"{fleet}  ({sim.fleet_sid})")
                        if sim.fleet_sid
                        else Text("none: the SIM cannot be activated until it has a fleet", style="yellow"),
                    ),
                    ("Updated", stamp(sim.date_updated)),
                ]
            )
        )
