"""The network catalog: filter as you type; for a NAP, stage toggles and apply them after an impact preview.

The table is a :class:`~.vtable.VirtualTable`: a keystroke recomputes the list of rows shown and repaints the
lines on screen; no table is rebuilt. Shift+O/C/I/M sorts by operator, country, ISO code or MCC-MNC (again:
reversed), remembered for as long as the app runs. (A little over 400 lines: the screen's keys and their
staging logic belong together.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from ..api import Network, NetworkAccessProfile, SuperSimClient
from ..ops.consent import READ_ONLY
from ..ops.nap_changes import naps_with_network
from ..ops.nap_impact import ChangeOutcome, NetworkChange
from ..ops.summary import NapSummary, created_nap
from ..ops.table_query import TableQuery
from .catalog_rows import SORT_KEYS, CatalogRow, catalog_rows, filter_rows, token_test
from .consent import guard_change
from .dialogs import Confirm
from .failures import ReportsFailures, Task, failure_text
from .filter_input import FilterInput, follow
from .footer import KeysFooter
from .format import plain, printable
from .header import AppHeader
from .keyflow import background
from .nap_review import ConfirmNapChanges
from .pane import count_of
from .vtable import VColumn, VirtualTable

__all__ = ["CatalogRead", "CatalogRow", "CatalogScreen", "catalog_rows", "filter_rows", "token_test"]

# The catalog's sort, per app: the screen is made anew each time it opens, the sort stays.
_REMEMBERED: WeakKeyDictionary[App[Any], TableQuery] = WeakKeyDictionary()


class CatalogRead(Message):
    """The catalog screen read the network catalog itself (the app had none): the app keeps it."""

    def __init__(self, networks: list[Network]):
        super().__init__()
        self.networks = networks


class CatalogScreen(ReportsFailures, Screen[None]):
    """Browse the catalog, or (with a NAP) see and change which networks it allows."""

    # The table, or nothing while it loads (a loading table cannot take the focus): never the filter, which took
    # ``/`` (and every catalog key after it) as text when the catalog opened before it had been read.
    AUTO_FOCUS = "#catalog-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="catalog.close"),
        Binding("slash", "focus_filter", "Filter", id="catalog.filter"),
        Binding("O", "sort('operator')", "Sort by operator", show=False),
        Binding("C", "sort('country')", "Sort by country", show=False),
        Binding("I", "sort('iso')", "Sort by ISO", show=False),
        Binding("M", "sort('plmn')", "Sort by MCC-MNC", show=False),
        Binding("space", "toggle_network", "Toggle", id="catalog.toggle"),
        Binding("t", "toggle_shown", "Toggle shown", id="catalog.toggle_shown"),
        Binding("T", "toggle_country", "Toggle country", id="catalog.toggle_country"),
        Binding("n", "naps_with", "NAPs with it", id="catalog.naps_with"),
        Binding("p", "add_to_nap", "Add to NAP…", id="catalog.add_to_nap"),
        Binding("a", "review", "Review & apply", id="catalog.apply"),
        Binding("u", "undo", "Undo staged", id="catalog.undo"),
        Binding("U", "undo_all", "Undo all", id="catalog.undo_all"),
        Binding("r", "reload", "Reload", show=False, id="catalog.reload"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "catalog": Task("Reading the network catalog", "Press r to try again.", read=True),
        "nap-create": Task("Creating the NAP", "Press a to try again."),
        "nap-reread": Task("Reading the NAP's networks", "Press r to try again.", read=True),
        "catalog-naps": Task("Reading the NAPs", "Press p to try again.", read=True),
    }

    def __init__(
        self,
        client: SuperSimClient,
        catalog: list[Network],
        *,
        nap: NetworkAccessProfile | None = None,
        enabled: Iterable[str] = (),
        new_nap_name: str | None = None,
    ):
        super().__init__()
        self.client = client
        self.rows = catalog_rows(catalog)
        self.by_sid = {row.network.sid: row for row in self.rows}
        self.nap = nap
        self.new_nap_name = new_nap_name
        self.created: NapSummary | None = None  # the NAP created, with its networks (the NAPs pane shows it)
        self.enabled: set[str] = set(enabled)
        self.staged: dict[str, bool] = {}  # network SID -> True add / False remove
        self.shown: list[CatalogRow] = []
        self.problem: str | None = None  # why the list may be empty or out of date (a read failed)
        self._summary_cells = -1  # the summary line's length last shown
        self._summary_text: Text | None = None

    @property
    def editing(self) -> bool:
        """Networks can be staged: a NAP (or a new one) is open, and the profile is not read-only."""
        return (self.nap is not None or self.new_nap_name is not None) and getattr(self.app, "mode", "") != READ_ONLY

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield FilterInput(id="catalog-filter", placeholder="Filter: country name or code, MCC, MNC, MCC-MNC, operator")
        yield VirtualTable(self._columns(), id="catalog-table")
        yield Static(id="catalog-summary")
        yield KeysFooter()

    def on_mount(self) -> None:
        if self.new_nap_name:
            self.sub_title = f"new NAP {self.new_nap_name!r}: pick its networks"
        elif self.nap:
            self.sub_title = f"networks of NAP {self.nap.label}"
        else:
            self.sub_title = "network catalog"
        table = self.query_one("#catalog-table", VirtualTable)
        table.set_sort(self.sort.sort_column, self.sort.descending)
        # Filtered as the key is handled (not on Input.Changed): painted in the frame that echoes the key.
        follow(self, self.query_one("#catalog-filter", Input), self._filter)
        self._show(self._sorted(self.rows))
        self._summarize()
        table.focus()
        if not self.rows:  # the account load could not read it (or has not yet)
            self.action_reload()

    def action_reload(self) -> None:
        """Read again what this screen shows: the catalog if it has none, and the NAP's networks."""
        if not self.rows:
            self.query_one("#catalog-table", VirtualTable).loading = True
            self._read_catalog()
        elif self.nap is not None:
            self._reread_nap()

    @work(exclusive=True, group=background("catalog"), exit_on_error=False)
    async def _read_catalog(self) -> None:
        networks = await self.client.list_networks(page_size=1000).collect()
        self.rows = catalog_rows(networks)
        self.by_sid = {row.network.sid: row for row in self.rows}
        self.problem = None
        self._loaded()
        self._show(self._sorted(filter_rows(self.rows, self.query_one("#catalog-filter", Input).value)))
        self._summarize()
        self.post_message(CatalogRead(networks))

    def _loaded(self) -> None:
        """The table has stopped loading: it takes the focus, unless the user put it elsewhere meanwhile (``/``)."""
        table = self.query_one("#catalog-table", VirtualTable)
        table.loading = False
        if self.focused is None:
            table.focus()

    def worker_failed(self, group: str, error: BaseException) -> None:
        """Notify, stop the spinner, and say in the summary line what failed and which key retries."""
        super().worker_failed(group, error)
        self._loaded()
        if group in ("catalog", "nap-reread"):
            self.problem = failure_text(self.task_for(group), error)
            self._summarize()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Textual: False hides a binding, None shows it dimmed.
        if action in ("toggle_network", "undo", "toggle_shown", "toggle_country"):
            return self.editing
        if action == "add_to_nap":  # the global catalog: add the highlighted network to a NAP chosen next
            return self.nap is None and self.new_nap_name is None and getattr(self.app, "mode", "") != READ_ONLY
        if action in ("review", "undo_all"):
            return (True if self.staged else None) if self.editing else False
        return True

    # ------------------------------------------------------------ rendering
    def _state(self, sid: str) -> Text:
        if sid in self.staged:
            return Text("+ add", style="bold green") if self.staged[sid] else Text("− remove", style="bold red")
        return Text("● on", style="green") if sid in self.enabled else Text("○ off", style="dim")

    def _cells(self, row: CatalogRow) -> list[str | Text]:
        network = row.network
        cells: list[str | Text] = [
            plain(network.friendly_name or "—"),
            row.country,
            plain(network.iso_country or "—"),
            plain(" ".join(network.plmns)),
        ]
        return [self._state(network.sid), *cells] if self.editing else cells

    def _columns(self) -> list[VColumn]:
        columns = [
            VColumn("operator", "Operator", sort_key="O"),
            VColumn("country", "Country", sort_key="C"),
            VColumn("iso", "ISO", width=5, sort_key="I"),
            VColumn("plmn", "MCC-MNC", sort_key="M"),
        ]
        return [VColumn("on", "On", width=8), *columns] if self.editing else columns

    @property
    def sort(self) -> TableQuery:
        """The catalog's sort, kept by the app across openings."""
        return _REMEMBERED.setdefault(self.app, TableQuery())

    def _sorted(self, rows: list[CatalogRow]) -> list[CatalogRow]:
        column = self.sort.sort_column
        if column is None:
            return rows
        return sorted(rows, key=SORT_KEYS[column], reverse=self.sort.descending)

    def action_sort(self, column: str) -> None:
        self.sort.sort_by(column)
        self.query_one("#catalog-table", VirtualTable).set_sort(self.sort.sort_column, self.sort.descending)
        self._show(self._sorted(filter_rows(self.rows, self.query_one("#catalog-filter", Input).value)))
        self._summarize()

    def _show(self, rows: list[CatalogRow]) -> None:
        """Show ``rows``; the cursor stays on the network it was on if that is still shown."""
        table = self.query_one("#catalog-table", VirtualTable)
        current = self._current_sid()
        self.shown = rows
        cursor = next((i for i, row in enumerate(rows) if row.network.sid == current), None) if current else None
        table.set_rows(len(rows), lambda i: self._cells(self.shown[i]), cursor=cursor if cursor is not None else 0)

    def _summarize(self) -> None:
        summary = self.query_one("#catalog-summary", Static)
        if self.problem is not None:
            self._summary_cells, self._summary_text = -1, None
            summary.update(Text(self.problem, style="bold red"))
            return
        parts = [f"{len(self.shown):,} of {len(self.rows):,} networks shown"]
        if self.sort.sort_column:
            parts.append(f"sorted by {self.sort.sort_column} {'▼' if self.sort.descending else '▲'}")
        if self.editing:
            adds = sum(1 for add in self.staged.values() if add)
            removes = len(self.staged) - adds
            parts.append(f"{len(self.enabled):,} enabled on this NAP")
            if self.staged:
                parts.append(f"staged: +{adds} −{removes} — press a to review and apply, u to undo one, U all")
            else:
                parts.append("space toggles the highlighted network, t all shown, T its country")
        text = Text(" · ".join(parts))
        if text == self._summary_text:
            return
        self._summary_text = text
        # Re-laying the screen out on each keystroke costs a frame: only when the line count may change.
        width = max(summary.content_region.width, 1)
        layout = self._summary_cells < 0 or text.cell_len // width != self._summary_cells // width
        self._summary_cells = text.cell_len
        summary.update(text, layout=layout)

    # -------------------------------------------------------------- actions
    def _filter(self, value: str) -> None:
        rows = self._sorted(filter_rows(self.rows, value))
        if len(rows) != len(self.shown) or any(a is not b for a, b in zip(rows, self.shown, strict=True)):
            self._show(rows)  # else (more letters, the same networks) the table shows them already
        self._summarize()

    @on(Input.Submitted, "#catalog-filter")
    def _to_table(self) -> None:
        self.query_one("#catalog-table", VirtualTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#catalog-filter", Input).focus()

    def action_close(self) -> None:
        """Close; staged changes are never dropped without asking (Cancel is focused)."""
        if not self.staged:
            self.dismiss(None)
            return
        n = len(self.staged)
        them = "it" if n == 1 else "them"

        def answered(discard: bool | None) -> None:
            if discard:
                self.notify(f"{count_of(n, 'staged change')} discarded; nothing was sent.", title="Catalog")
                self.dismiss(None)

        self.app.push_screen(
            Confirm(
                "Discard staged changes?",
                Text(f"{count_of(n, 'staged change')} not applied. Discard {them}? (a reviews and applies {them})"),
                f"Discard {n}",
                f"Keep {them}",
                danger=True,
            ),
            answered,
        )

    def action_undo_all(self) -> None:
        if self.staged:
            n = len(self.staged)
            self.staged = {}
            self._show(self.shown)
            self._summarize()
            self.refresh_bindings()
            self.notify(f"{count_of(n, 'staged change')} undone.", title="Catalog")

    def _current_sid(self) -> str | None:
        table = self.query_one("#catalog-table", VirtualTable)
        if not self.shown or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row].network.sid

    @on(VirtualTable.Selected, "#catalog-table")
    def _selected(self) -> None:
        self.action_toggle_network()

    def action_toggle_network(self) -> None:
        sid = self._current_sid()
        if sid is None or not self.editing:
            return
        if sid in self.staged:
            del self.staged[sid]
        else:
            self.staged[sid] = sid not in self.enabled
        self._refresh_row(sid)

    def _after(self, sid: str) -> bool:
        """Whether the network is on the NAP once the staged changes are applied."""
        return self.staged.get(sid, sid in self.enabled)

    def _toggle_many(self, rows: list[CatalogRow], what: str) -> None:
        """Stage one change for all ``rows``: all on if any is off, else all off; the review counts them all."""
        if not self.editing or not rows:
            return
        turn_on = not all(self._after(row.network.sid) for row in rows)
        for row in rows:
            sid = row.network.sid
            if turn_on == (sid in self.enabled):
                self.staged.pop(sid, None)  # back to how it is now: nothing to send
            else:
                self.staged[sid] = turn_on
        self._show(self.shown)
        self._summarize()
        self.refresh_bindings()
        verb = "on" if turn_on else "off"
        staged = sum(1 for row in rows if row.network.sid in self.staged)
        said = f"{staged:,} staged {verb}; a reviews and applies" if staged else f"all {verb} already, nothing staged"
        self.notify(f"{count_of(len(rows), 'network')} {what}: {said}.", title="Catalog")

    def action_toggle_shown(self) -> None:
        """Every network the filter shows, at once (e.g. filter `eu`, or a country, then t)."""
        self._toggle_many(list(self.shown), "shown")

    def action_toggle_country(self) -> None:
        """Every network in the highlighted network's country (whatever the filter shows)."""
        sid = self._current_sid()
        if sid is None:
            return
        iso = self.by_sid[sid].network.iso_country
        self._toggle_many([row for row in self.rows if row.network.iso_country == iso], f"in {iso}")

    def action_naps_with(self) -> None:
        """Which NAPs allow the highlighted network (and the fleets using each)."""
        sid = self._current_sid()
        if sid is not None:
            from .nap_compare import NapsWithNetwork

            self.app.push_screen(NapsWithNetwork(self.client, self.by_sid[sid].network))

    @work(exclusive=True, group="catalog-naps", exit_on_error=False)
    async def action_add_to_nap(self) -> None:
        """Offer the NAPs (those that already allow the network greyed, with why); the review follows. The action
        is the worker itself, so a key typed after ``p`` waits for the choice (keyflow holds it while an action's
        worker runs) rather than act on the catalog beneath it."""
        from .dialogs import ChoiceScreen

        sid = self._current_sid()
        if sid is None or self.nap is not None:
            return
        network = self.by_sid[sid].network
        naps = await self.client.list_naps().collect()
        holders = {item.nap.sid for item in await naps_with_network(self.client, network.sid)}
        by_sid = {n.sid: n for n in naps}
        options = [(n.sid, n.label, "already allows it" if n.sid in holders else None) for n in naps]

        def chosen(nap_sid: str | None) -> None:
            if nap_sid:  # the review reads the NAP's networks itself: it opens at once, under the next key
                self.app.push_screen(
                    ConfirmNapChanges(self.client, by_sid[nap_sid], None, [NetworkChange(network, True)])
                )

        self.app.push_screen(ChoiceScreen(f"Add {network.friendly_name} {network.iso_country} to NAP", options), chosen)

    def action_undo(self) -> None:
        sid = self._current_sid()
        if sid is not None and sid in self.staged:
            del self.staged[sid]
            self._refresh_row(sid)

    def _refresh_row(self, sid: str) -> None:
        self.query_one("#catalog-table", VirtualTable).refresh_rows()
        self._summarize()
        self.refresh_bindings()

    def action_review(self) -> None:
        if not self.staged:
            return
        changes = [NetworkChange(self.by_sid[sid].network, add) for sid, add in self.staged.items()]
        if self.new_nap_name is not None:
            name = self.new_nap_name
            guard_change(
                self.app,
                "Create NAP",
                f"create NAP {name} with {len(changes)} network(s)",
                name,
                lambda: self._create_nap(changes),
            )
            return
        assert self.nap is not None
        current = [self.by_sid[sid].network for sid in self.enabled if sid in self.by_sid]
        self.app.push_screen(ConfirmNapChanges(self.client, self.nap, current, changes), self._applied)

    @work(exclusive=True, group="nap-create", exit_on_error=False)
    async def _create_nap(self, changes: list[NetworkChange]) -> None:
        assert self.new_nap_name is not None
        networks = [c.network for c in changes if c.add]
        nap = await self.client.create_nap(unique_name=self.new_nap_name, networks=[n.sid for n in networks])
        self.created = created_nap(nap, networks)
        self.notify(
            f"NAP {printable(nap.label)} created with {len(networks)} network(s).", title="Created", markup=False
        )
        self.dismiss(None)

    def _applied(self, outcomes: list[ChangeOutcome] | None) -> None:
        if outcomes is None:
            return
        failed = {o.change.network.sid for o in outcomes if not o.ok}
        self.staged = {sid: add for sid, add in self.staged.items() if sid in failed}
        for outcome in outcomes:  # what the API confirmed shows at once, and stays if the re-read below fails
            if outcome.ok and outcome.change.add:
                self.enabled.add(outcome.change.network.sid)
            elif outcome.ok:
                self.enabled.discard(outcome.change.network.sid)
        self._show(self.shown)
        self._summarize()
        self.refresh_bindings()
        self._reread_nap()  # so the view matches the server, whatever happened

    @work(exclusive=True, group=background("nap-reread"), exit_on_error=False)
    async def _reread_nap(self) -> None:
        assert self.nap is not None
        current = await self.client.list_nap_networks(self.nap.sid).collect()
        self.enabled = {n.sid for n in current}
        self.problem = None
        self._show(self.shown)
        self._summarize()
