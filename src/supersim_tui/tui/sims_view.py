"""The SIMs pane's view: the filter bar, the SIMs table over the local index, and the count bar.

:class:`SimsView` owns its data source: it is given a ``list_sims``-style callable and lists every SIM of the
account in the background into a :class:`~supersim_tui.ops.sim_index.SimIndex` (parallel slices, after one small
page of the first SIMs when the table is empty, so its top rows show at once; the count bar says "loading 42,000
of ~100,000"), shown by a virtual table (:mod:`.sim_table`) that renders only the rows on
screen. ``/`` filters locally as you type (substring over ICCID, name, fleet and status; ``!`` inverts, ``~`` is
fuzzy); Shift+I/N/S/F/U sorts by a column (again: reversed), remembered while the app runs. Home/End/PgUp/PgDn
are instant; End pressed while loading lands on the true last SIM once it is known.

The server-side filters (status, fleet, exact ICCID: :mod:`.sims_filters`) stay: they set which SIMs the index
holds (its :class:`~supersim_tui.ops.sim_index.Scope`), for accounts past ``MAX_INDEXED_SIMS`` (1,000,000: the
index then stops and asks for one). SIMs that change in the app (the detail screen, bulk runs, registrations)
are updated in the index by SID; ``r`` lists everything again. What the user does with the SIMs (marks,
changes) is :class:`~.sims_pane.SimsPane`'s.

A filter key is painted in one frame without a layout of the screen (the field, and the rows, count and detail
only if they changed: see ``_set_detail`` and :func:`.filter_input.follow`); that care is why the file is a
little over 400 lines.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from time import monotonic
from typing import ClassVar

import msgspec
from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from ..api import Fleet, Pager, Sim, SimBrief
from ..ops.select import ListSims
from ..ops.sim_index import (
    LOAD_PAGE_SIZE,
    MAX_INDEXED_SIMS,
    ListSimRows,
    Scope,
    SimIndex,
    SimView,
    arrived_head,
    first_pages,
    load_index,
)
from ..ops.table_query import TableQuery
from .failures import Task, failure_text
from .filter_input import follow
from .format import details_grid, plain, printable, stamp, status_text
from .keyflow import background
from .pane import NO_FLEET, Pane, Part, stale_mark
from .sim_table import WIDE, SimTable, count_parts
from .sims_filters import Filters, SimFilters

REDRAW_EVERY = 0.5  # seconds between redraws while the index loads (each page would cost a sort)
QUICK_REDRAW, QUICK_UNTIL = 0.1, 10_000  # ... but every 0.1 s while it holds fewer SIMs (a sort costs little)
LOAD_CONCURRENCY = 8
FIRST_ROWS = 100  # an empty table's first SIMs, read in one small page before the slices' large ones
LOADING = "Loading SIMs…"  # the detail strip while no SIM of the selection has arrived


def slim(sim: Sim) -> Sim:
    """The fields a mark needs (planning a change), at about half the memory: 100,000 marks stay near 60 MB."""
    return msgspec.structs.replace(sim, url=None, links=None, account_sid=None, date_created=None)


class SimsView(Pane):
    """SIMs from the local index, filtered and sorted locally (see the module). ``marks`` (SID → SIM) are drawn
    in the first column and counted in the count bar."""

    TABLE_ID = "sims-table"
    WIDE = WIDE  # below this many columns, "Updated" moves to the detail strip only
    TASKS: ClassVar[dict[str, Task]] = {
        "sims-page": Task("Reading the SIMs", "Press r to try again.", read=True),
        "sims-registered": Task("Reading the SIMs just registered", "Press r to list every SIM again.", read=True),
        "sims-search": Task("Preparing the SIMs filter", "The filter builds what it needs on the first key instead."),
    }

    class IndexFailed(Message):
        """Listing the SIMs failed: the counts that wait on the index will not come."""

    class Indexed(Message):
        """Every SIM of the account is in the index: SIM counts by fleet and status (the Fleets table's)."""

        def __init__(self, counts: dict[str, dict[str, int]]) -> None:
            super().__init__()
            self.counts = counts

    fleets: reactive[list[Fleet] | None] = reactive(None, always_update=True)
    marks: reactive[dict[str, Sim]] = reactive(dict, always_update=True, bindings=True, init=False)
    # Keys depend on these; nothing is drawn from them (a repaint would repaint the whole pane on each keystroke).
    filter_label: reactive[str | None] = reactive(None, repaint=False)  # keys follow whether there is one
    has_rows: reactive[bool] = reactive(False, bindings=True, repaint=False)

    def __init__(
        self,
        list_sims: ListSims,
        page_size: int | None = None,
        limit: int = MAX_INDEXED_SIMS,
        list_rows: ListSimRows | None = None,
        read_fleets: Callable[[], Awaitable[list[Fleet]]] | None = None,
    ) -> None:
        super().__init__(id="sims-pane")
        self.list_sims = list_sims
        self.read_fleets = read_fleets  # for a load that starts before the fleets are here (see load_index)
        self.list_rows = list_rows or list_sims  # what the index is listed with (briefs: half the decoding)
        self.page_size = page_size  # None: the index's own (1,000 a page)
        self.limit = limit
        self.index = SimIndex()
        self.view = SimView(self.index, TableQuery())
        self._scope = Scope()
        self._fleet_names: dict[str, str] = {}
        self._wide: bool | None = None
        self._problem: Text | None = None  # why the count bar cannot show the count (a read failed)
        self._failure: Text | None = None  # what failed and what to do, in the detail strip while no SIM is shown
        self._stale_since: datetime | None = None
        self._drawn_at = 0.0
        self._drawn_len = 0  # SIMs in the index at the last redraw (0: none shown yet)
        self._redraw_cost = 0.0
        self._detail_key: object = None  # what the detail strip shows (see _set_detail)
        self._detail_content: object = None
        self._detail_height = -1

    def compose(self) -> ComposeResult:
        yield SimFilters()
        table = SimTable(self.view, id=self.TABLE_ID)
        table.marked = lambda sid: sid in self.marks
        yield table
        yield Static(id=f"{self.TABLE_ID}-detail", classes="detail")

    @property
    def table(self) -> SimTable:  # type: ignore[override]  # the SIMs table is a virtual table, not a DataTable
        return self.query_one(f"#{self.TABLE_ID}", SimTable)

    @property
    def current_key(self) -> str | None:
        return self.table.current_sid()

    def on_mount(self) -> None:
        # Filtered as the key is handled (not on Input.Changed): painted in the frame that echoes the key.
        follow(self, self.query_one("#sims-search", Input), self._search_changed)
        self._set_wide(self.app.size.width >= self.WIDE)
        # Not ``table.loading``: Textual's loading cover refuses the focus, so 3 then End pressed before the
        # first page arrived were lost. The empty table, this line and the count bar say it is loading.
        self.detail.update(LOADING)

    # ----------------------------------------------------------------- filters
    @property
    def filter_bar(self) -> SimFilters:
        return self.query_one(SimFilters)

    def watch_fleets(self, fleets: list[Fleet] | None) -> None:
        """The account's fleets: the fleet filter's options, and the names in the Fleet column."""
        if fleets is None:
            return
        self._fleet_names = {f.sid: f.label for f in fleets}
        self.index.set_fleet_names(self._fleet_names)
        self.filter_bar.set_fleets(fleets)
        self._redraw()

    def watch_filter_label(self, old: str | None, new: str | None) -> None:
        # Keys depend on whether a filter is set, not on its text: the key bindings are checked again (on each
        # keystroke of the filter, a cost) only when that changes.
        if bool(old) != bool(new):
            self.refresh_bindings()

    def set_fleet(self, fleet_sid: str) -> None:
        self.filter_bar.set_fleet(fleet_sid)  # a change of filter: the pane reloads

    def action_clear_sim_filter(self) -> None:
        """x: no filter. Only a server-side one (status, fleet, ICCID) lists the SIMs again; a local one (``/``)
        shows the index already listed."""
        self.filter_bar.clear()
        self.view.query.text = ""
        if Scope(*self.filters) != self._scope or not (self.index.complete or self.index.loading):
            self.reload()
        else:
            self.filter_label = self._describe_filters()
            self._redraw()

    def action_search(self) -> None:
        self.filter_bar.search()
        self._show_count()  # the filter is in its field now: the bar does not repeat it

    def _search_changed(self, value: str) -> None:
        self.view.query.text = value
        self.filter_label = self._describe_filters()
        self._redraw(cells_changed=False)  # the same rows selected (more letters, same SIMs): nothing repainted

    @on(Input.Submitted, "#sims-search")
    def _search_done(self) -> None:
        self.table.focus()

    @on(SimFilters.Changed)
    def _filters_changed(self, event: SimFilters.Changed) -> None:
        self.reload()
        if event.typed:
            self.table.focus()

    @property
    def filters(self) -> Filters:
        """(status, fleet SID, ICCID) as set in the filter bar: the server-side scope."""
        return self.filter_bar.values

    def _describe_filters(self) -> str | None:
        parts = [described] if (described := self.filter_bar.describe(self._fleet_names)) else []
        if not self.view.query.query.empty:
            parts.append(f"filter {self.view.query.query.describe()}")
        return ", ".join(parts) or None

    @property
    def filtered(self) -> bool:
        """Server-side filters are set (the index holds only what they select)."""
        return any(self.filters)

    # ----------------------------------------------------------------- loading
    def reload(self) -> None:
        """List the SIMs again with the server-side filters set; a failure is reported by the pane."""
        scope = Scope(*self.filters)
        if scope != self._scope:  # another selection: start from an empty index
            self._scope = scope
            self.index = SimIndex(self._fleet_names)
            self.view = self.table.view = SimView(self.index, self.view.query)
            self.table.show(force=True)  # nothing shown from the old selection: no row, no SIM's details
            self.has_rows = False
            self._set_detail(LOADING, lambda: Text(LOADING))
        self.filter_label = self._describe_filters()
        self._problem = self._stale_since = self._failure = None
        self._load_index()

    def show_arrived(self) -> None:
        """The first rows, if their reply is here already (read ahead at start-up), put in the table now: drawn in
        the frame being built instead of a frame that says "Loading SIMs…" first. The load then lists every SIM
        as a reload does (these rows stay until their slices list them again)."""
        if len(self.index) or self.index.loading:
            return
        if rows := arrived_head(self.list_rows, self._scope, FIRST_ROWS):
            self.index.begin_load()  # (said loading from the first frame; the load begins it again)
            self.index.put(rows)
            self._redraw(force=True)

    @staticmethod
    def first_pages(list_rows: ListSimRows) -> list[Pager[SimBrief] | Pager[Sim]]:
        """What a new pane's first load starts with, unread: for ``SuperSimClient.read_ahead`` before the pane
        exists. The first rows' small page alone: the slices' large pages are asked for by the load, once the
        first frame is painted (read ahead, their replies took ~15-20 ms of the start to receive, while the
        first frame waited)."""
        return first_pages(list_rows, head=FIRST_ROWS)

    @property
    def loaded(self) -> int:
        return len(self.index)

    @property
    def complete(self) -> bool:
        return self.index.complete and not self.index.loading

    def show_loaded(self) -> None:
        """The pane is being shown: the SIMs listed while it was hidden (not drawn then) are drawn now, so they are
        painted in the frame that shows the tab, not after the next page comes."""
        if self.is_mounted and self._drawn_len != len(self.index):
            self._redraw()

    @work(exclusive=True, group=background("sims-page"), exit_on_error=False)
    async def _load_index(self) -> None:
        index = self.index
        self._drawn_at = 0.0

        trailing: list[object] = []  # a redraw is scheduled for the pages that came during the wait

        def page() -> None:
            # Redrawn while on screen, at most every REDRAW_EVERY and never more than a fifth of the time
            # (each redraw sorts the index so far: at 1,000,000 SIMs that is a second). The first SIMs listed are
            # shown at once (a redraw for another reason, the fleets' names, may have just happened), and the
            # pages that come during a wait when it is over, not at the next page after it.
            if index is not self.index or not self.shown:
                return
            wait = max(QUICK_REDRAW if len(index) < QUICK_UNTIL else REDRAW_EVERY, 4 * self._redraw_cost)
            left = wait - (monotonic() - self._drawn_at) if self._drawn_len else 0.0
            if left <= 0:
                start = monotonic()
                self._redraw()
                self._redraw_cost = monotonic() - start
            elif not trailing:
                trailing.append(self.set_timer(left, after_wait))

        def after_wait() -> None:
            trailing.clear()
            if self._drawn_len != len(index):
                page()

        try:
            await load_index(
                self.list_rows,
                index,
                self.fleets or [],
                read_fleets=self.read_fleets,
                scope=self._scope,
                concurrency=LOAD_CONCURRENCY,
                on_page=page,
                on_start=self._show_count,  # "loading" said at once: the first page may take a while
                limit=self.limit,
                page_size=self.page_size or LOAD_PAGE_SIZE,
                head=0 if len(index) else FIRST_ROWS,  # rows shown: they stay until replaced
            )
        finally:
            if index is self.index:
                self.table.loading = False
                self._redraw(force=True)
        if index is self.index:  # once the last rows are painted (End waits for them), not before
            self.call_after_refresh(self._indexed, index)
        if index.truncated:
            self.notify(
                f"More than {self.limit:,} SIMs: only the first {len(index):,} are held. Choose a status or a "
                "fleet above the table to list only those.",
                title="SIMs",
                severity="warning",
                timeout=10,
            )

    def _indexed(self, index: SimIndex) -> None:
        """The load ended: the SIM counts go to the Fleets table, and the search strings are built, once, between
        frames (not on the first keystroke of a filter)."""
        if index is not self.index:
            return
        if (counts := self.fleet_counts()) is not None:
            self.post_message(self.Indexed(counts))
        self._prepare_search()

    @work(exclusive=True, group=background("sims-search"), exit_on_error=False)
    async def _prepare_search(self) -> None:
        for _step in self.view.prepare_search():
            await asyncio.sleep(0)  # a frame, a key, between two steps

    def worker_failed(self, group: str, error: BaseException) -> None:
        """A read failed: say so in the count bar (and the detail strip if nothing is shown)."""
        super().worker_failed(group, error)
        if group == "sims-page":
            self.table.loading = False
            if not len(self.index):
                self._problem = Text("Could not load SIMs · r to retry", style="bold red")
                self._failure = Text(failure_text(self.task_for(group), error), style="bold red")
                self._set_detail(self._failure, lambda: self._failure or Text(""))
            else:
                self._problem = Text("Could not read every SIM · r to retry", style="bold red")
            self.post_message(self.IndexFailed())
        self._show_count()

    def load_failed(self, task: Task, error: BaseException, at: datetime | None = None) -> None:
        self.table.loading = False
        if not len(self.index):
            self.detail.update(Text(failure_text(task, error), style="bold red"))
        else:
            self.mark_stale(at or datetime.now())

    def refresh_sims(self, sims: list[Sim]) -> None:
        """SIMs that changed in the app: updated in the index by SID (marks keep their SID)."""
        self.index.put(sims, changed=True)
        marks = self.marks
        for sim in sims:
            if sim.sid in marks:
                marks[sim.sid] = slim(sim)
        self._redraw()
        if (counts := self.fleet_counts()) is not None:  # the Fleets table's counts follow
            self.post_message(self.Indexed(counts))

    def fleet_counts(self) -> dict[str, dict[str, int]] | None:
        """SIM counts by fleet SID (:data:`NO_FLEET`: without one) and status from the index, if it holds every SIM
        of the account."""
        if not (self.complete and self._scope.whole and not self.index.truncated):
            return None
        return {fleet or NO_FLEET: by_status for fleet, by_status in self.index.counts().items()}

    def update_outcomes(self, changes: dict[str, tuple[str | None, str | None]]) -> None:
        """A bulk run's final states (SID → status, fleet SID): those SIMs updated, no request made."""
        updated = []
        for sid, (status, fleet_sid) in changes.items():
            sim = self._sim(sid)
            if sim is not None:
                updated.append(msgspec.structs.replace(sim, status=status, fleet_sid=fleet_sid))
        if updated:
            self.refresh_sims(updated)

    @work(group=background("sims-registered"), exit_on_error=False)
    async def add_registered(self, iccids: list[str]) -> None:
        """SIMs registered in the app: read by ICCID (one request each) into the index."""
        found: list[Sim] = []
        for iccid in iccids:
            found += await self.list_sims(iccid=iccid, page_size=1).collect(limit=1)
        if found:
            self.refresh_sims(found)

    # -------------------------------------------------------------------- rows
    def on_resize(self, event: events.Resize) -> None:
        self._set_wide(self.app.size.width >= self.WIDE)
        self._show_count()  # the count bar's room changed

    def _set_wide(self, wide: bool) -> None:
        if wide != self._wide:
            self._wide = wide
            self.set_class(not wide, "narrow")
            self.table.set_wide(wide)
            self._show_count()

    def _redraw(self, force: bool = False, *, cells_changed: bool = True) -> None:
        """Show the index through the view (rows recomputed only if something moved), then the count bar."""
        if not self.is_mounted:
            return
        self._drawn_at = monotonic()
        self._drawn_len = len(self.index)
        self.table.show(force=force, cells_changed=cells_changed)
        self.has_rows = bool(self.view.rows)
        if len(self.index):
            self.table.loading = False
        self._show_count()
        self._show_detail()

    def mark_stale(self, at: datetime | None) -> None:
        """The count bar says the SIMs shown are stale since ``at`` (None: fresh again)."""
        self._stale_since = at
        self._show_count()

    def _show_count(self) -> None:
        """``3 of 100,000 SIMs · filter "eu" · sorted by name ▲ · 2 marked · loading 42,000 of ~100,000``, kept to
        the room the filter bar leaves (less important parts said shorter, then dropped)."""
        if not self.is_mounted:
            return
        parts = count_parts(self.view, marked=len(self.marks), searching=self.filter_bar.searching)
        if self.index.truncated:
            parts.append(Part(Text(f"over {self.limit:,}: choose a status or fleet", style="bold red"), 9))
        if self._problem is not None:
            if not len(self.index) and not self.index.loading:  # nothing read: "0 of 0 SIMs" reads as an empty account
                parts = parts[1:]
            parts.append(Part(self._problem, 10, Text("read failed · r retries", style="bold red")))
        if self._stale_since is not None:
            parts.append(Part(stale_mark(self._stale_since, short=True), 10, Text("stale", style="bold red")))
        self.filter_bar.show_count(parts)

    def _show_counting(self, what: str, found: int) -> None:
        """While mark-all counts the matching SIMs."""
        text = Text(f"counting SIMs {what}… {found:,}", style="bold yellow")
        self.filter_bar.show_count(Part(text, 9, Text(f"counting… {found:,}", style="bold yellow")))

    @property
    def current(self) -> Sim | None:
        sid = self.table.current_sid()
        return self._sim(sid) if sid else None

    def _sim(self, sid: str) -> Sim | None:
        row = self.index.row_of(sid)
        if row is None:
            return None
        held = self.index.row(row)
        return Sim(
            sid=held.sid,
            iccid=held.iccid,
            unique_name=held.name,
            status=held.status,  # type: ignore[arg-type]  # the index keeps the status as the API sent it
            fleet_sid=held.fleet_sid,
            date_updated=held.updated,
        )

    @on(SimTable.CursorMoved, "#sims-table")
    def _moved(self) -> None:
        self._show_count()
        self._show_detail()

    def _show_detail(self) -> None:
        sim = self.current
        if sim is None:
            if self.index.loading and not len(self.index):
                return
            if (failure := self._failure) is not None:  # no SIM shown because the read failed: not "no SIMs"
                self._set_detail(failure, lambda: failure)
                return
            label = self.filter_label
            message = (
                f"No SIMs match ({printable(label)}): x clears the filters."  # names are not markup
                if label
                else (LOADING if self.index.loading else "No SIMs in this account yet.")
            )
            self._set_detail(message, lambda: Text(message))
            return
        fleet = self._fleet_names.get(sim.fleet_sid or "", "") if sim.fleet_sid else ""
        self._set_detail(
            (sim.sid, sim.label, sim.iccid, sim.status, sim.fleet_sid, fleet, sim.date_updated),
            lambda: details_grid(
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
            ),
        )

    def _set_detail(self, key: object, content: Callable[[], RenderableType]) -> None:
        """Show ``content()`` in the detail strip unless what it shows (``key``) is there already. A keystroke in
        the filter moves the cursor to another SIM at most: the strip is repainted, and the screen laid out again
        only if the strip's height changes (a layout costs more than the rest of the keystroke)."""
        detail = self.detail
        ours = detail.content is self._detail_content  # else something else was shown meanwhile (a failure)
        if ours and key == self._detail_key:
            return
        self._detail_key = key
        self._detail_content = renderable = content()
        width = detail.content_region.width
        if width <= 0:  # not laid out yet
            self._detail_height = -1
            detail.update(renderable)
            return
        detail.update(renderable, layout=False)
        height = detail.get_content_height(detail.size, self.app.size, width)
        if height != self._detail_height or not ours:
            self._detail_height = height
            detail.refresh(layout=True)
