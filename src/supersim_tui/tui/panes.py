"""The three panes: Fleets, NAPs and SIMs. Each is a table with a detail strip below it.

Panes only render what they are given, except the SIMs pane, which pulls pages
from a :class:`~supersim_tui.api.paging.Pager` as the cursor nears the end, so
an account of 100,000 SIMs never loads up front.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
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
from .format import megabytes, status_text, when, yes_no

SIM_PAGE_SIZE = 100
LOAD_AHEAD_ROWS = 25


def _details(rows: list[tuple[str, str | Text]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return grid


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


class Pane(Vertical):
    """A table and the details of its highlighted row."""

    TABLE_ID = ""

    def compose(self) -> ComposeResult:
        yield ResourceTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(id=f"{self.TABLE_ID}-detail", classes="detail")

    def load_failed(self, message: str) -> None:
        """Stop the loading indicator; if nothing is shown yet, say why (data already shown stays)."""
        table = self.table
        if table.loading or table.row_count == 0:
            table.loading = False
            self.detail.update(Text(message, style="bold red"))

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

    def on_mount(self) -> None:
        table = self.table
        for key, label in (("fleet", "Fleet"), ("nap", "NAP"), ("data", "Data"), ("limit", "Limit"),
                           ("sms", "SMS"), *self.COUNT_COLUMNS):
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
        table = self.table
        table.clear()
        for fleet in fleets:
            table.add_row(
                Text(fleet.label, style="bold"),
                nap_names.get(fleet.network_access_profile_sid or "", fleet.network_access_profile_sid or "—"),
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
        for key, _label in self.COUNT_COLUMNS:
            self.table.update_cell(fleet_sid, key, f"{counts.get(key, 0):,}")

    @on(DataTable.RowHighlighted, "#fleets-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        fleet = self._fleets.get(str(event.row_key.value))
        if fleet is None:
            return
        nap_sid = fleet.network_access_profile_sid or ""
        self.detail.update(_details([
            ("Fleet", f"{fleet.label}  ({fleet.sid})"),
            ("NAP", f"{self._nap_names.get(nap_sid, '—')}  ({nap_sid or 'none'})"),
            ("Data", f"{'enabled' if fleet.data_enabled else 'disabled'}, limit {megabytes(fleet.data_limit)} "
                     f"per SIM per month, metering {fleet.data_metering or '—'}"),
            ("SMS commands", f"{'enabled' if fleet.sms_commands_enabled else 'disabled'}"
                             + (f" → {fleet.sms_commands_method} {fleet.sms_commands_url}"
                                if fleet.sms_commands_url else "")),
            ("IP commands", f"{fleet.ip_commands_method} {fleet.ip_commands_url}" if fleet.ip_commands_url
             else "no webhook"),
            ("Updated", fleet.date_updated.strftime("%Y-%m-%d %H:%M UTC") if fleet.date_updated else "—"),
        ]))


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
        table = self.table
        table.clear()
        for info in naps:
            users = self._users.get(info.nap.sid, [])
            table.add_row(
                Text(info.nap.label, style="bold"),
                str(len(info.networks)),
                str(len(info.countries)),
                ", ".join(users) if users else Text("unused", style="dim"),
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
        self.detail.update(_details([
            ("NAP", f"{info.nap.label}  ({info.nap.sid})"),
            ("Networks", f"{_count(len(info.networks), 'network')} in {_count(len(by_country), 'country')}"),
            ("Countries", countries or Text("none: SIMs using this NAP cannot attach anywhere", style="bold red")),
            ("Fleets", ", ".join(users) if users else "none"),
            ("", Text("Enter: see and change its networks · n: new NAP · e: rename", style="dim")),
        ]))


SIM_STATUSES = ("new", "ready", "active", "inactive", "scheduled")


class SimsPane(Pane):
    """SIMs, filtered on the server (status, fleet, exact ICCID), loaded a page at a time."""

    TABLE_ID = "sims-table"
    WIDE = 100  # below this many columns, "Updated" moves to the detail strip only

    class FiltersChanged(Message):
        def __init__(self, status: str | None, fleet: str | None, iccid: str | None):
            super().__init__()
            self.status, self.fleet, self.iccid = status, fleet, iccid

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.register_sims", "Register SIMs", id="sims.register"),
    ]
    filter_label: str | None = None

    def __init__(self) -> None:
        super().__init__(id="sims-pane")
        self._sims: dict[str, Sim] = {}
        self._pager: Pager[Sim] | None = None
        self._fleet_names: dict[str, str] = {}
        self._wide: bool | None = None
        self._muted = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="sims-filters"):
            yield Select([(s, s) for s in SIM_STATUSES], prompt="any status", id="filter-status", compact=True)
            yield Select([], prompt="any fleet", id="filter-fleet", compact=True)
            yield Input(id="filter-iccid", placeholder="ICCID (Enter)", compact=True)
            yield Static(id="sims-count")
        yield from super().compose()

    def set_fleets(self, fleets: list[Fleet]) -> None:
        select = self.query_one("#filter-fleet", Select)
        value = select.value
        self._muted = True
        select.set_options([(f.label, f.sid) for f in fleets])
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

    def apply_filters(self) -> None:
        status = self.query_one("#filter-status", Select).value
        fleet = self.query_one("#filter-fleet", Select).value
        iccid = normalize(self.query_one("#filter-iccid", Input).value) or None
        self.post_message(self.FiltersChanged(status if isinstance(status, str) else None,
                                              fleet if isinstance(fleet, str) else None, iccid))

    def on_mount(self) -> None:
        self._set_columns(self.app.size.width >= self.WIDE)
        self.table.loading = True
        self.detail.update("Loading SIMs…")

    def on_resize(self) -> None:
        wide = self.app.size.width >= self.WIDE
        if wide != self._wide:
            self._set_columns(wide)

    def _set_columns(self, wide: bool) -> None:
        """(Re)build the columns for the width, keeping the loaded rows and the cursor."""
        self._wide = wide
        table = self.table
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns("ICCID", "Name", "Status", "Fleet", *(("Updated",) if wide else ()))
        for sim in self._sims.values():
            table.add_row(*self._cells(sim), key=sim.sid)
        if self._sims:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def _cells(self, sim: Sim) -> list[str | Text]:
        fleet = self._fleet_names.get(sim.fleet_sid, sim.fleet_sid) if sim.fleet_sid else None
        cells: list[str | Text] = [
            sim.iccid or "—",
            sim.unique_name or Text("—", style="dim"),
            status_text(sim.status),
            fleet or Text("no fleet", style="dim"),
        ]
        if self._wide:
            cells.append(when(sim.date_updated))
        return cells

    def start(self, pager: Pager[Sim], fleet_names: dict[str, str], filter_label: str | None = None) -> None:
        """Show the first page of ``pager``; later pages load as the cursor moves down."""
        self.filter_label = filter_label
        self._pager = pager
        self._fleet_names = fleet_names
        self._sims = {}
        self.table.clear()
        self.table.loading = True
        self.load_more()

    @property
    def loaded(self) -> int:
        return len(self._sims)

    @property
    def complete(self) -> bool:
        return self._pager is not None and not self._pager.has_more

    @work(exclusive=True, group="sims-page", exit_on_error=False)
    async def load_more(self) -> None:
        if self._pager is None or not self._pager.has_more:
            return
        sims = await self._pager.next_page()
        table = self.table
        for sim in sims:
            if sim.sid in self._sims:
                continue
            self._sims[sim.sid] = sim
            table.add_row(*self._cells(sim), key=sim.sid)
        table.loading = False
        more = "+" if self._pager.has_more else ""  # more load as you scroll
        self.query_one("#sims-count", Static).update(f"{self.loaded:,}{more} SIMs")
        if not self._sims:
            self.detail.update(f"No SIMs match ({self.filter_label}): x clears the filters." if self.filter_label
                               else "No SIMs in this account yet.")

    @on(DataTable.RowHighlighted, "#sims-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        sim = self._sims.get(str(event.row_key.value))
        if sim is None:
            return
        if event.cursor_row >= self.table.row_count - LOAD_AHEAD_ROWS and not self.complete:
            self.load_more()
        fleet = self._fleet_names.get(sim.fleet_sid or "", "") if sim.fleet_sid else ""
        self.detail.update(_details([
            ("SIM", f"{sim.label}  ({sim.sid})"),
            ("ICCID", sim.iccid or "—"),
            ("Status", status_text(sim.status)),
            ("Fleet", f"{fleet}  ({sim.fleet_sid})" if sim.fleet_sid else Text("none: the SIM cannot be "
                                                                              "activated until it has a fleet",
                                                                              style="yellow")),
            ("Updated", sim.date_updated.strftime("%Y-%m-%d %H:%M UTC") if sim.date_updated else "—"),
        ]))
