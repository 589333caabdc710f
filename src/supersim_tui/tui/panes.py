"""The Fleets pane, and the NAPs pane (:mod:`.naps_pane`) re-exported (the SIMs pane is :mod:`.sims_pane`). Each
is a table with a detail strip below it, filtered with ``/`` and sorted with Shift+letter (:class:`~.pane.ListPane`).

A pane renders the account state the main screen binds to it (``data_bind``: fleets, NAPs, counts) and
owns its keys: an action that needs the account (a form, another screen) is asked for with a message that
bubbles up to the main screen, carrying what it acts on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from ..api import Fleet, NetworkAccessProfile
from .format import details_grid, fit_name, megabytes, plain, stamp, yes_no
from .naps_pane import NapsPane
from .pane import NO_FLEET, ListPane, Part, list_bindings

__all__ = ["FleetsPane", "NapsPane", "count_cell", "fit_name"]


def count_cell(number: int, narrow: bool) -> str:
    """A SIM count: in full when wide; within 6 characters when narrow (``12.3k``, ``1.2M``), so a column of
    fixed width never cuts a number."""
    if not narrow or number < 100_000:
        return f"{number:,}"
    if number < 1_000_000:
        return f"{number // 1000}k"
    return f"{number / 1_000_000:.1f}M"


NAME_MIN = 6  # a name column is cut no narrower ("na-l…")


def fit_widths(natural: Sequence[int], room: int, cut_first: Sequence[tuple[int, int]]) -> list[int]:
    """Column widths within ``room`` cells: each column as wide as its widest cell or heading (``natural``) while
    they fit, else the columns of ``cut_first`` ((index, narrowest) pairs, the names) give up cells in that
    order. The others (numbers) are never narrowed: past that the table scrolls sideways rather than cut one."""
    widths = list(natural)
    over = sum(widths) - room
    for index, narrowest in cut_first:
        if over <= 0:
            break
        cut = min(over, max(widths[index] - narrowest, 0))
        widths[index] -= cut
        over -= cut
    return widths


class FleetsPane(ListPane):
    """Fleets with SIM counts by status and in total (they add up to the SIMs on the SIMs tab, unfiltered).

    Under ``NARROW`` columns of terminal the Data and SMS columns move to the detail strip and large counts are
    shortened (``123k``). At any width the count columns are as wide as their numbers and headings, and the names
    have the room left: the fleet's first; cut with an ellipsis only when it is short, so nothing is cut off at
    the edge. The cursor stays on its fleet when the fleets are read again (an edit, r).
    Shift+F/P/D/L/M/A/R/N/O/S/T sorts by a column (its letter underlined in the header).
    """

    TABLE_ID = "fleets-table"
    NOUN = "fleet"
    NARROW = 100
    COUNT_COLUMNS = (
        ("active", "Active"),
        ("ready", "Ready"),
        ("new", "New"),
        ("inactive", "Off"),
        ("scheduled", "Sched"),
    )
    SORTS = (
        ("fleet", "Fleet", "F"),
        ("nap", "NAP", "P"),
        ("data", "Data", "D"),
        ("limit", "Limit", "L"),
        ("sms", "SMS", "M"),
        ("active", "Active", "A"),
        ("ready", "Ready", "R"),
        ("new", "New", "N"),
        ("inactive", "Off", "O"),
        ("scheduled", "Sched", "S"),
        ("total", "Total", "T"),
    )
    CHANGES = frozenset({"new_fleet", "edit_fleet"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_fleet", "New fleet", id="fleets.new"),
        Binding("e", "edit_fleet", "Edit", id="fleets.edit"),
        Binding("p", "goto_nap", "Its NAP", id="fleets.nap"),
        Binding("s", "fleet_sims", "Its SIMs", id="fleets.sims"),
        *list_bindings(SORTS),
    ]

    class NewFleet(Message):
        """n: create a fleet."""

    class EditFleet(Message):
        def __init__(self, fleet: Fleet) -> None:
            super().__init__()
            self.fleet = fleet

    class ShowNap(Message):
        def __init__(self, nap_sid: str) -> None:
            super().__init__()
            self.nap_sid = nap_sid

    class ShowSims(Message):
        def __init__(self, fleet_sid: str) -> None:
            super().__init__()
            self.fleet_sid = fleet_sid

    fleets: reactive[list[Fleet] | None] = reactive(None, always_update=True)
    naps: reactive[list[NetworkAccessProfile] | None] = reactive(None, always_update=True)
    fleet_counts: reactive[dict[str, dict[str, int]]] = reactive(dict, always_update=True)

    def __init__(self) -> None:
        super().__init__(id="fleets-pane")
        self._fleets: dict[str, Fleet] = {}
        self._nap_names: dict[str, str] = {}
        self._counts: dict[str, dict[str, int]] = {}  # fleets whose SIM counts are known
        self._counts_failed = False  # counting stopped: the counts not known show ? (until the fleets reload)
        self._fleetless: int | None = None  # SIMs without a fleet, once the SIMs index knows (None: not known)
        self._narrow: bool | None = None
        self._name_widths: dict[str, int] = {}  # the name columns' widths (see columns)
        self._room_used = -1  # the room the columns were fitted to

    def on_mount(self) -> None:
        self._narrow = self.app.size.width < self.NARROW
        self.fill()
        self.table.loading = True
        self.detail.update("Loading fleets…")

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        narrow = self.app.size.width < self.NARROW
        if narrow != self._narrow or self._room() != self._room_used:
            self._narrow = narrow
            self.fill()

    def columns(self) -> list[tuple[str, str, int | None]]:
        """Each column as wide as its cells and heading (with the sort's `` ▲``), the names cut to the room left:
        the NAP's first, then the fleet's (QA qa13: at 80 columns "field-senso…" beside counts padded to 6)."""
        spec = [("fleet", "Fleet"), ("nap", "NAP")]
        if not self._narrow:
            spec += [("data", "Data"), ("limit", "Limit"), ("sms", "SMS")]
        spec += [*self.COUNT_COLUMNS, ("total", "Total")]
        self._name_widths = {}  # (the cells whole, to measure them)
        rows = [self.cells(sid) for sid in self._shown]
        sort = self.table_query.sort_column
        natural = [
            max([len(label) + 2 * (key == sort), *(row[i].cell_len for row in rows)])
            for i, (key, label) in enumerate(spec)
        ]
        self._room_used = room = self._room()
        widths = fit_widths(
            natural, room - 2 * self.table.cell_padding * len(spec), [(1, 9), (0, 12), (1, NAME_MIN), (0, NAME_MIN)]
        )
        self._name_widths = {"fleet": widths[0], "nap": widths[1]}
        return [(key, label, width) for (key, label), width in zip(spec, widths, strict=True)]

    def _room(self) -> int:
        """The cells the table has for its columns: its width, less a scrollbar when its rows will not fit (before
        it is laid out, as the screen's width and about the height left by the tabs and the detail strip)."""
        table = self.table
        width = table.size.width or self.app.size.width
        height = table.size.height or self.app.size.height - 12
        return width - (table.styles.scrollbar_size_vertical if len(self._shown) + 1 > height else 0)

    @property
    def current(self) -> Fleet | None:
        key = self.current_key
        return self._fleets.get(key) if key else None

    def watch_fleets(self, fleets: list[Fleet] | None) -> None:
        """The fleets arrived (with the NAPs, set just before): show them, their counts to follow."""
        if fleets is None:
            return
        self._nap_names = {n.sid: n.label for n in self.naps or []}
        self._fleets = {f.sid: f for f in fleets}
        self._counts = {}
        self._counts_failed = False
        self.mark_stale(None)
        self.set_sids(list(self._fleets))
        self.table.loading = False
        if not fleets:
            self.detail.update("This account has no fleets yet: press n to create one.")

    def _nap_name(self, fleet: Fleet) -> str:
        nap_sid = fleet.network_access_profile_sid or ""
        return self._nap_names.get(nap_sid, nap_sid or "—")

    def cells(self, sid: str) -> list[Text]:
        fleet = self._fleets[sid]
        narrow = bool(self._narrow)
        cells: list[Text] = [
            fit_name(fleet.label, self._name_widths.get("fleet")),
            fit_name(self._nap_name(fleet), self._name_widths.get("nap")),
        ]
        if not narrow:
            limit = Text(megabytes(fleet.data_limit), justify="right")
            cells += [yes_no(fleet.data_enabled), limit, yes_no(fleet.sms_commands_enabled)]
        counts = self._counts.get(fleet.sid)
        if counts is None:  # right-aligned like the numbers that replace them
            mark = "?" if self._counts_failed else "…"
            cells += [Text(mark, style="dim", justify="right") for _ in range(len(self.COUNT_COLUMNS) + 1)]
        else:
            cells += [Text(count_cell(counts.get(k, 0), narrow), justify="right") for k, _l in self.COUNT_COLUMNS]
            cells.append(Text(count_cell(sum(counts.values()), narrow), style="bold", justify="right"))
        return cells

    def haystack(self, sid: str) -> str:
        fleet = self._fleets[sid]
        return f"{fleet.label}\n{self._nap_name(fleet)}".lower()

    def sort_value(self, sid: str, column: str) -> Any:
        fleet = self._fleets[sid]
        counts = self._counts.get(sid)
        values: dict[str, Any] = {
            "fleet": fleet.label.lower(),
            "nap": self._nap_name(fleet).lower(),
            "data": bool(fleet.data_enabled),
            "limit": fleet.data_limit or 0,
            "sms": bool(fleet.sms_commands_enabled),
        }
        if column in values:
            return values[column]
        if counts is None:
            return -1  # not counted yet: first
        return sum(counts.values()) if column == "total" else counts.get(column, 0)

    def watch_fleet_counts(self, counts: dict[str, dict[str, int]]) -> None:
        """SIM counts arrive per fleet (from the SIMs index, or counted when the SIMs are filtered); under
        :data:`NO_FLEET`, the SIMs without a fleet (from the index only)."""
        fleetless = self._fleetless  # counts for some fleets only (counted one by one): still what it was
        if NO_FLEET in counts:
            fleetless = sum(counts[NO_FLEET].values())
        elif not counts:  # counting starts over (the SIMs are filtered): not known
            fleetless = None
        if fleetless != self._fleetless:
            self._fleetless = fleetless
            self.show_count()
        changed = False
        for fleet_sid, fleet_counts in counts.items():
            if fleet_sid in self._fleets and self._counts.get(fleet_sid) != fleet_counts:
                self._counts[fleet_sid] = dict(fleet_counts)
                changed = True
        if not changed:
            return
        if not self.shown or self.table_query.sort_column in {k for k, _label in self.COUNT_COLUMNS} | {"total"}:
            self.fill()  # the order follows the counts (hidden: drawn when shown)
            return
        table = self.table
        shown = set(self._shown)
        rows = {sid: self.cells(sid) for sid in counts if sid in self._counts and sid in shown}
        columns = table.ordered_columns
        if any(
            cell.cell_len > column.content_width
            for cells in rows.values()
            for column, cell in zip(columns, cells, strict=True)
        ):
            self.fill()  # a count wider than its column (than the "…" it replaces): the names make room for it
            return
        for fleet_sid, cells in rows.items():
            for column, value in zip(columns, cells, strict=True):
                table.update_cell(fleet_sid, column.key, value)

    def more_counts(self) -> list[Part]:
        """The SIMs without a fleet: the fleets' totals and these add up to the SIMs tab's total."""
        n = self._fleetless
        if not n:
            return []
        return [Part(Text(f"+ {n:,} SIM{'s' * (n != 1)} without a fleet"), 4, Text(f"+ {n:,} no fleet"))]

    def counts_failed(self) -> None:
        """Counting stopped: the counts still waiting show ``?`` instead of an endless ``…``."""
        self._counts_failed = True
        if not self.shown:
            self.fill()  # (drawn when shown)
            return
        for sid in set(self._shown) - self._counts.keys():
            for key in [k for k, _label in self.COUNT_COLUMNS] + ["total"]:
                self.table.update_cell(sid, key, Text("?", style="dim", justify="right"))

    # ----------------------------------------------------------------- actions
    def action_new_fleet(self) -> None:
        self.post_message(self.NewFleet())

    def action_edit_fleet(self) -> None:
        if (fleet := self.current) is not None:
            self.post_message(self.EditFleet(fleet))

    def action_goto_nap(self) -> None:
        fleet = self.current
        if fleet is not None and fleet.network_access_profile_sid:
            self.post_message(self.ShowNap(fleet.network_access_profile_sid))

    def action_fleet_sims(self) -> None:
        if (fleet := self.current) is not None:
            self.post_message(self.ShowSims(fleet.sid))

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
