"""The SIMs pane's view: the filter bar, the window of SIM pages drawn as rows, and the count bar.

:class:`SimsView` owns its data source: it is given a ``list_sims``-style callable and opens its own
listings with the filters set in its bar (filtered on the server: status, fleet, exact ICCID). Which
pages are held is :class:`~.sim_window.PageWindow`'s job (plain logic, unit-tested); the view draws the
window's rows and reads on as the cursor nears an edge, so an account of 100,000 SIMs never loads up
front. What the user does with the SIMs (marks, changes) is :class:`~.sims_pane.SimsPane`'s.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import msgspec
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from ..api import Fleet, Pager, Sim
from ..ops.select import ListSims
from .failures import Task, failure_text
from .format import details_grid, plain, printable, stamp, status_text, when
from .pane import Pane, ResourceTable, stale_mark
from .sim_window import Moved, PageWindow
from .sims_filters import Filters, SimFilters

SIM_PAGE_SIZE = 100
LOAD_AHEAD_ROWS = 25
WINDOW_PAGES = 5  # pages of SIMs kept in memory (up to twice this); the rest is read again when scrolled back to
MARK = Text("■", style="bold yellow")


def slim(sim: Sim) -> Sim:
    """The fields a mark needs (planning a change), at about half the memory: 100,000 marks stay near 60 MB."""
    return msgspec.structs.replace(sim, url=None, links=None, account_sid=None, date_created=None)


class SimsTable(ResourceTable):
    """The SIMs table: Home goes to the first SIM of the list, not of the pages in memory."""

    def action_scroll_top(self) -> None:
        view = self.parent
        if isinstance(view, SimsView) and view.first_page > 0:
            view.jump_to_start()
        else:
            super().action_scroll_top()


class SimsView(Pane):
    """SIMs, filtered on the server, read a page at a time into a window of pages (see the module). ``marks``
    (SID → SIM) are drawn in the first column and counted in the count bar; they live outside the window,
    so they survive scrolling and paging."""

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
    TASKS: ClassVar[dict[str, Task]] = {"sims-page": Task("Reading SIMs", "Press r to reload.")}

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
        yield SimFilters()
        yield SimsTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(id=f"{self.TABLE_ID}-detail", classes="detail")

    def on_mount(self) -> None:
        self._set_columns(self.app.size.width >= self.WIDE)
        self.table.loading = True
        self.detail.update("Loading SIMs…")

    # ----------------------------------------------------------------- filters
    @property
    def filter_bar(self) -> SimFilters:
        return self.query_one(SimFilters)

    def watch_fleets(self, fleets: list[Fleet] | None) -> None:
        """The account's fleets: the fleet filter's options, and the names in the Fleet column."""
        if fleets is None:
            return
        self._fleet_names = {f.sid: f.label for f in fleets}
        self.filter_bar.set_fleets(fleets)
        if self.window.pages:
            self._rebuild()
            self._loaded()

    def set_fleet(self, fleet_sid: str) -> None:
        self.filter_bar.set_fleet(fleet_sid)  # a change of filter: the pane reloads

    def action_clear_sim_filter(self) -> None:
        self.filter_bar.clear()
        self.reload()

    @on(SimFilters.Changed)
    def _filters_changed(self, event: SimFilters.Changed) -> None:
        self.reload()
        if event.typed:
            self.table.focus()

    @property
    def filters(self) -> Filters:
        """(status, fleet SID, ICCID) as set in the filter bar."""
        return self.filter_bar.values

    def _describe_filters(self) -> str | None:
        return self.filter_bar.describe(self._fleet_names)

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
        self.filter_bar.show_count(Text(" " if narrow else " · ").join(parts))

    def _show_counting(self, what: str, found: int) -> None:
        """While mark-all counts the matching SIMs."""
        text = f"counting… {found:,}" if not self._wide else f"counting SIMs {what}… {found:,}"
        self.filter_bar.show_count(Text(text, style="bold yellow"))

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
