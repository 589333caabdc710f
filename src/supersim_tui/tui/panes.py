"""The three panes: Fleets, NAPs and SIMs. Each is a table with a detail strip below it.

Panes only render what they are given, except the SIMs pane, which pulls pages
from a :class:`~supersim_tui.api.paging.Pager` as the cursor nears the end, so
an account of 100,000 SIMs never loads up front.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

import msgspec
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static

from ..api import Fleet, NapNetwork, NetworkAccessProfile, Pager, Sim
from ..iccid import iccid_problem, normalize
from .failures import ReportsFailures, Task, failure_text
from .format import details_grid, megabytes, plain, printable, stamp, status_text, when, yes_no

SIM_PAGE_SIZE = 100
LOAD_AHEAD_ROWS = 25
WINDOW_PAGES = 5  # pages of SIMs kept in memory (up to twice this); the rest is read again when scrolled back to


def _count(n: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n:,} {noun if n == 1 else plural}"


@dataclass(frozen=True)
class NapInfo:
    nap: NetworkAccessProfile
    networks: list[NapNetwork]

    @property
    def countries(self) -> list[str]:
        return sorted({n.iso_country for n in self.networks if n.iso_country})


class ResourceTable(DataTable[str | Text]):
    """A row-cursor table where Home/End (and g/G) jump to the first/last row, as users expect."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home,g", "scroll_top", "First row", show=False, id="table.first"),
        Binding("end,G", "scroll_bottom", "Last row", show=False, id="table.last"),
    ]


def stale_mark(at: datetime, short: bool = False) -> Text:
    """Data kept on screen after a refresh failed: said in words (NO_COLOR reads it), with the time and the key."""
    clock = at.strftime("%H:%M")
    return Text(
        f"stale since {clock} · r retries" if short else f"stale — refresh failed {clock} · r to retry",
        style="bold red",
    )


class Pane(ReportsFailures, Vertical):
    """A table and the details of its highlighted row; a line above the table marks data that is stale."""

    TABLE_ID = ""

    def compose(self) -> ComposeResult:
        yield Static(classes="stale")
        yield ResourceTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(id=f"{self.TABLE_ID}-detail", classes="detail")

    def load_failed(self, task: Task, error: BaseException, at: datetime | None = None) -> None:
        """Stop the loading indicator. With nothing shown yet, say why in the detail strip; data already shown
        stays, marked stale."""
        table = self.table
        table.loading = False
        if table.row_count == 0:
            self.detail.update(Text(failure_text(task, error), style="bold red"))
        else:
            self.mark_stale(at or datetime.now())

    def mark_stale(self, at: datetime | None) -> None:
        """Mark what is shown as stale since ``at`` (None: fresh again)."""
        for mark in self.query(".stale").results(Static):
            mark.update(stale_mark(at) if at else "")
            mark.display = at is not None

    @property
    def current_key(self) -> str | None:
        """The key (SID) of the row under the cursor."""
        table = self.table
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    @property
    def detail(self) -> Static:
        return self.query_one(f"#{self.TABLE_ID}-detail", Static)


class FleetsPane(Pane):
    TABLE_ID = "fleets-table"
    COUNT_COLUMNS = (("active", "Active"), ("ready", "Ready"), ("new", "New"), ("inactive", "Off"))

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_fleet", "New fleet", id="fleets.new"),
        Binding("e", "app.edit_fleet", "Edit", id="fleets.edit"),
        Binding("p", "app.goto_nap", "Its NAP", id="fleets.nap"),
        Binding("s", "app.fleet_sims", "Its SIMs", id="fleets.sims"),
    ]

    def __init__(self) -> None:
        super().__init__(id="fleets-pane")
        self._fleets: dict[str, Fleet] = {}
        self._nap_names: dict[str, str] = {}
        self._counted: set[str] = set()  # fleets whose SIM counts are shown

    def on_mount(self) -> None:
        table = self.table
        for key, label in (
            ("fleet", "Fleet"),
            ("nap", "NAP"),
            ("data", "Data"),
            ("limit", "Limit"),
            ("sms", "SMS"),
            *self.COUNT_COLUMNS,
        ):
            table.add_column(label, key=key)
        table.loading = True
        self.detail.update("Loading fleets…")

    @property
    def current(self) -> Fleet | None:
        key = self.current_key
        return self._fleets.get(key) if key else None

    def show(self, fleets: list[Fleet], nap_names: dict[str, str]) -> None:
        self._fleets = {f.sid: f for f in fleets}
        self._nap_names = nap_names
        self._counted = set()
        self.mark_stale(None)
        table = self.table
        table.clear()
        for fleet in fleets:
            table.add_row(
                plain(fleet.label, style="bold"),
                plain(nap_names.get(fleet.network_access_profile_sid or "", fleet.network_access_profile_sid or "—")),
                yes_no(fleet.data_enabled),
                megabytes(fleet.data_limit),
                yes_no(fleet.sms_commands_enabled),
                *(Text("…", style="dim") for _ in self.COUNT_COLUMNS),
                key=fleet.sid,
            )
        table.loading = False
        if not fleets:
            self.detail.update("This account has no fleets yet: press n to create one.")

    def show_counts(self, fleet_sid: str, counts: dict[str, int]) -> None:
        """SIM counts arrive per fleet as they are counted (lazily, after the table is shown)."""
        if fleet_sid not in self._fleets:
            return
        self._counted.add(fleet_sid)
        for key, _label in self.COUNT_COLUMNS:
            self.table.update_cell(fleet_sid, key, f"{counts.get(key, 0):,}")

    def counts_failed(self) -> None:
        """Counting stopped: the counts still waiting show ``?`` instead of an endless ``…``."""
        for sid in self._fleets.keys() - self._counted:
            for key, _label in self.COUNT_COLUMNS:
                self.table.update_cell(sid, key, Text("?", style="dim"))

    @on(DataTable.RowHighlighted, "#fleets-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        fleet = self._fleets.get(str(event.row_key.value))
        if fleet is None:
            return
        nap_sid = fleet.network_access_profile_sid or ""
        self.detail.update(
            details_grid(
                [
                    ("Fleet", plain(f"{fleet.label}  ({fleet.sid})")),
                    ("NAP", plain(f"{self._nap_names.get(nap_sid, '—')}  ({nap_sid or 'none'})")),
                    (
                        "Data",
                        f"{'enabled' if fleet.data_enabled else 'disabled'}, limit {megabytes(fleet.data_limit)} "
                        f"per SIM per month, metering {fleet.data_metering or '—'}",
                    ),
                    (
                        "SMS commands",
                        plain(
                            f"{'enabled' if fleet.sms_commands_enabled else 'disabled'}"
                            + (
                                f" → {fleet.sms_commands_method} {fleet.sms_commands_url}"
                                if fleet.sms_commands_url
                                else ""
                            )
                        ),
                    ),
                    (
                        "IP commands",
                        plain(f"{fleet.ip_commands_method} {fleet.ip_commands_url}")
                        if fleet.ip_commands_url
                        else "no webhook",
                    ),
                    ("Updated", stamp(fleet.date_updated)),
                ]
            )
        )


class NapsPane(Pane):
    TABLE_ID = "naps-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "app.open_nap", "Networks", id="naps.open"),
        Binding("n", "app.new_nap", "New NAP", id="naps.new"),
        Binding("e", "app.rename_nap", "Rename", id="naps.rename"),
    ]

    def __init__(self) -> None:
        super().__init__(id="naps-pane")
        self._naps: dict[str, NapInfo] = {}
        self._users: dict[str, list[str]] = {}

    def on_mount(self) -> None:
        self.table.add_columns("NAP", "Networks", "Countries", "Used by fleets")
        self.table.loading = True
        self.detail.update("Loading network access profiles…")

    @property
    def current(self) -> NapInfo | None:
        key = self.current_key
        return self._naps.get(key) if key else None

    def select(self, nap_sid: str) -> None:
        if nap_sid in self._naps:
            self.table.move_cursor(row=self.table.get_row_index(nap_sid))

    def show(self, naps: list[NapInfo], fleets: list[Fleet]) -> None:
        self._naps = {info.nap.sid: info for info in naps}
        self._users = {}
        for fleet in fleets:
            self._users.setdefault(fleet.network_access_profile_sid or "", []).append(fleet.label)
        self.mark_stale(None)
        table = self.table
        table.clear()
        for info in naps:
            users = self._users.get(info.nap.sid, [])
            table.add_row(
                plain(info.nap.label, style="bold"),
                str(len(info.networks)),
                str(len(info.countries)),
                plain(", ".join(users)) if users else Text("unused", style="dim"),
                key=info.nap.sid,
            )
        table.loading = False
        if not naps:
            self.detail.update("This account has no network access profiles yet.")

    @on(DataTable.RowHighlighted, "#naps-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        info = self._naps.get(str(event.row_key.value))
        if info is None:
            return
        by_country = Counter(n.iso_country or "??" for n in info.networks)
        if len(info.networks) <= 12:  # few enough to name each operator
            names: dict[str, list[str]] = {}
            for network in info.networks:
                names.setdefault(network.iso_country or "??", []).append(network.friendly_name or network.sid)
            countries = "; ".join(f"{iso}: {', '.join(ops)}" for iso, ops in sorted(names.items()))
        else:
            countries = ", ".join(f"{iso} ({n})" if n > 1 else iso for iso, n in sorted(by_country.items()))
        users = self._users.get(info.nap.sid, [])
        self.detail.update(
            details_grid(
                [
                    ("NAP", plain(f"{info.nap.label}  ({info.nap.sid})")),
                    ("Networks", f"{_count(len(info.networks), 'network')} in {_count(len(by_country), 'country')}"),
                    (
                        "Countries",
                        plain(countries)
                        if countries
                        else Text("none: SIMs using this NAP cannot attach anywhere", style="bold red"),
                    ),
                    ("Fleets", plain(", ".join(users)) if users else "none"),
                    ("", Text("Enter: see and change its networks · n: new NAP · e: rename", style="dim")),
                ]
            )
        )


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
    """SIMs, filtered on the server (status, fleet, exact ICCID), read a page at a time.

    Only a window of pages is kept: moving down reads the next page, and once the
    window holds twice :data:`WINDOW_PAGES` pages the older half is dropped (one
    rebuild per several pages); moving back up reads dropped pages again from their
    links. Memory stays flat however far one scrolls through 100,000 SIMs.
    Marks (SID → SIM) live outside the window, so they survive scrolling and paging.
    """

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

    class FiltersChanged(Message):
        def __init__(self, status: str | None, fleet: str | None, iccid: str | None):
            super().__init__()
            self.status, self.fleet, self.iccid = status, fleet, iccid

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "app.sim_detail", "Details", id="sims.detail"),
        Binding("space", "toggle_mark", "Mark", id="sims.mark"),
        Binding("a", "app.mark_matching", "Mark all", id="sims.mark_all"),
        Binding("u", "clear_marks", "Unmark", id="sims.unmark"),
        Binding("s", "app.bulk_status", "Set status", id="sims.set_status"),
        Binding("m", "app.bulk_move", "Move", id="sims.move"),
        Binding("n", "app.register_sims", "Register SIMs", id="sims.register"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {"sims-page": Task("Reading SIMs", "Press r to reload.")}
    filter_label: str | None = None

    def __init__(self, page_size: int | None = None, window_pages: int | None = None) -> None:
        super().__init__(id="sims-pane")
        self.page_size = page_size or SIM_PAGE_SIZE
        self.window_pages = window_pages or WINDOW_PAGES
        self.marks: dict[str, Sim] = {}
        self.first_page = 0  # index of the first page in the window
        self._pages: list[list[Sim]] = []  # the window
        self._sims: dict[str, Sim] = {}  # SID → SIM, for the window
        self._offsets: list[int] = [0]  # position of each page read so far, and of the end
        self._pager: Pager[Sim] | None = None
        self._fleet_names: dict[str, str] = {}
        self._wide: bool | None = None
        self._muted = False
        self._reading = False
        self._problem: Text | None = None  # why the count bar cannot show the count (a read failed)
        self._stale_since: datetime | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="sims-filters"):
            yield Select([(s, s) for s in SIM_STATUSES], prompt="any status", id="filter-status", compact=True)
            yield Select([], prompt="any fleet", id="filter-fleet", compact=True)
            yield Input(id="filter-iccid", placeholder="ICCID (Enter)", compact=True)
            yield Static(id="sims-count")
        yield SimsTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(id=f"{self.TABLE_ID}-detail", classes="detail")

    # ----------------------------------------------------------------- filters
    def set_fleets(self, fleets: list[Fleet]) -> None:
        select = self.query_one("#filter-fleet", Select)
        value = select.value
        self._muted = True
        select.set_options([(plain(f.label), f.sid) for f in fleets])
        if isinstance(value, str) and value in {f.sid for f in fleets}:
            select.value = value
        self.call_after_refresh(self._unmute)

    def _unmute(self) -> None:
        self._muted = False

    def set_fleet(self, fleet_sid: str) -> None:
        self.query_one("#filter-fleet", Select).value = fleet_sid  # posts Changed: the app reloads

    def clear_filters(self) -> None:
        self._muted = True
        self.query_one("#filter-status", Select).clear()
        self.query_one("#filter-fleet", Select).clear()
        self.query_one("#filter-iccid", Input).value = ""
        self.call_after_refresh(self._emit_unmuted)

    def _emit_unmuted(self) -> None:
        self._muted = False
        self.apply_filters()

    @on(Select.Changed, "#sims-filters Select")
    def _select_changed(self) -> None:
        if not self._muted:
            self.apply_filters()

    @on(Input.Submitted, "#filter-iccid")
    def _iccid_entered(self, event: Input.Submitted) -> None:
        value = normalize(event.value)
        problem = iccid_problem(value) if value else None
        if problem:
            self.query_one("#sims-count", Static).update(Text(problem, style="bold red"))
            return
        self.apply_filters()
        self.table.focus()

    @property
    def filters(self) -> tuple[str | None, str | None, str | None]:
        """(status, fleet SID, ICCID) as set in the filter bar."""
        status = self.query_one("#filter-status", Select).value
        fleet = self.query_one("#filter-fleet", Select).value
        iccid = normalize(self.query_one("#filter-iccid", Input).value) or None
        return (status if isinstance(status, str) else None, fleet if isinstance(fleet, str) else None, iccid)

    def apply_filters(self) -> None:
        self.post_message(self.FiltersChanged(*self.filters))

    # ----------------------------------------------------------------- columns
    def mark_stale(self, at: datetime | None) -> None:
        """The count bar says the SIMs shown are stale since ``at`` (None: fresh again)."""
        self._stale_since = at
        self._show_count()

    def worker_failed(self, group: str, error: BaseException) -> None:
        """A page read failed: stop loading; say so in the count bar (and the detail strip if nothing is shown)."""
        super().worker_failed(group, error)
        self._reading = False
        self.table.loading = False
        if not self._sims:
            self._problem = Text("Could not load SIMs · r to retry", style="bold red")
            self.detail.update(Text(failure_text(self.task_for(group), error), style="bold red"))
        else:
            self._problem = Text("Could not read more SIMs · r to retry", style="bold red")
        self._show_count()

    def on_mount(self) -> None:
        self._set_columns(self.app.size.width >= self.WIDE)
        self.table.loading = True
        self.detail.update("Loading SIMs…")

    def on_resize(self) -> None:
        wide = self.app.size.width >= self.WIDE
        if wide != self._wide:
            self._set_columns(wide)
            if self._pager is not None:
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

    # ------------------------------------------------------------------ paging
    def start(
        self,
        pager: Pager[Sim],
        fleet_names: dict[str, str],
        filter_label: str | None = None,
        first_page: list[Sim] | None = None,
    ) -> None:
        """Show the first page of ``pager`` (given if already read); later pages load as the cursor moves down."""
        self.filter_label = filter_label
        self._pager = pager
        self._fleet_names = fleet_names
        self._problem = self._stale_since = None
        self._pages, self._sims, self._offsets, self.first_page = [], {}, [0], 0
        self.workers.cancel_group(self, "sims-page")
        self._reading = False
        self.table.clear()
        if first_page is not None:
            self._offsets.append(len(first_page))
            self._pages = [first_page]
            self._append(first_page)
            self._loaded()
        else:
            self.table.loading = True
            self.load_more()

    @property
    def loaded(self) -> int:
        """How many matching SIMs have been read so far (the window holds at most a few pages of them)."""
        return self._offsets[-1]

    @property
    def complete(self) -> bool:
        return self._pager is not None and not self._pager.has_more

    @property
    def at_end(self) -> bool:
        """The window reaches the last page read, and there is nothing more to read."""
        return self.complete and self.first_page + len(self._pages) == len(self._offsets) - 1

    def position(self, row: int) -> int:
        """The 1-based position in the whole list of the window's row ``row``."""
        return self._offsets[self.first_page] + row + 1

    def load_more(self) -> None:
        """Read the page after the window: again if it was read before, else the next from the server."""
        self._load("next")

    def load_previous(self) -> None:
        """Read the page before the window again from its link (the window's last page is dropped)."""
        if self.first_page > 0:
            self._load("previous")

    def jump_to_start(self) -> None:
        self._load("start")

    def _load(self, where: str) -> None:
        if self._pager is None or self._reading:
            return  # one read at a time: the edge is checked again when it lands
        self._reading = True
        self._read_page(self._pager, where)

    @work(group="sims-page", exit_on_error=False)
    async def _read_page(self, pager: Pager[Sim], where: str) -> None:
        try:
            if where == "start":
                sims, index = await pager.page_again(0), 0
            elif where == "previous":
                index = self.first_page - 1
                sims = await pager.page_again(index)
            else:
                index = self.first_page + len(self._pages)
                if index < pager.pages_fetched:
                    sims = await pager.page_again(index)
                elif pager.has_more:
                    sims = await pager.next_page()
                    self._offsets.append(self._offsets[-1] + len(sims))
                else:
                    return
        finally:
            self._reading = False
        if pager is not self._pager:
            return  # the filters changed while this page was on its way
        if where == "start":
            self._pages, self.first_page = [sims], 0
            self._rebuild()
            self.table.move_cursor(row=0, animate=False)
        elif where == "previous":
            self._pages.insert(0, sims)
            self.first_page = index
            if len(self._pages) > self.window_pages:
                self._pages.pop()
            self._rebuild()
        else:
            self._pages.append(sims)
            if len(self._pages) > 2 * self.window_pages:  # drop half the window at once: one rebuild in N pages
                self.first_page += len(self._pages) - self.window_pages
                self._pages = self._pages[-self.window_pages :]
                self._rebuild()
            else:
                self._append(sims)
        self._loaded()
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
        for page in self._pages:
            self._append(page)
        if keep in self._sims:
            row = table.get_row_index(keep)
            table.move_cursor(row=row, animate=False, scroll=False)
            table.scroll_to(y=max(row - offset, 0), animate=False, immediate=True)

    def _loaded(self) -> None:
        table = self.table
        table.loading = False
        self._problem = None
        self._show_count()
        if not self._sims:
            self.detail.update(
                Text(
                    f"No SIMs match ({printable(self.filter_label)}): x clears the filters."  # names
                    if self.filter_label
                    else "No SIMs in this account yet."
                )
            )  # are not markup

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

    def show_counting(self, what: str, found: int) -> None:
        """While mark-all counts the matching SIMs."""
        text = f"counting… {found:,}" if not self._wide else f"counting SIMs {what}… {found:,}"
        self.query_one("#sims-count", Static).update(Text(text, style="bold yellow"))

    # ------------------------------------------------------------------- marks
    @property
    def current(self) -> Sim | None:
        key = self.current_key
        return self._sims.get(key) if key else None

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted SIM, then move down (so space, space, space marks a run)."""
        sim = self.current
        if sim is None:
            return
        if self.marks.pop(sim.sid, None) is None:
            self.marks[sim.sid] = slim(sim)
        self.table.update_cell(sim.sid, "mark", MARK if sim.sid in self.marks else "")
        self.table.action_cursor_down()
        self._show_count()
        self.app.refresh_bindings()

    def set_marks(self, sims: dict[str, Sim]) -> None:
        self.marks = {sid: slim(sim) for sid, sim in sims.items()}
        for sid in self._sims:
            self.table.update_cell(sid, "mark", MARK if sid in self.marks else "")
        self._show_count()
        self.app.refresh_bindings()

    def action_clear_marks(self) -> None:
        if self.marks:
            count = len(self.marks)
            self.set_marks({})
            self.notify(f"{_count(count, 'mark')} cleared.", title="SIMs")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_marks":
            return bool(self.marks)
        return True

    def refresh_sims(self, sims: list[Sim]) -> None:
        """Show the latest state of SIMs that changed (those in the window; marks keep their SID)."""
        for sim in sims:
            if sim.sid in self._sims:
                self._sims[sim.sid] = sim
                for page in self._pages:
                    for i, old in enumerate(page):
                        if old.sid == sim.sid:
                            page[i] = sim
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
