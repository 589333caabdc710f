"""The Fleets and NAPs panes (the SIMs pane is :mod:`.sims_pane`). Each is a table with a detail strip below it,
filtered with ``/`` and sorted with Shift+letter (:class:`~.pane.ListPane`).

A pane renders the account state the main screen binds to it (``data_bind``: fleets, NAPs, counts) and
owns its keys: an action that needs the account (a form, another screen) is asked for with a message that
bubbles up to the main screen, carrying what it acts on.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from ..api import Fleet, NetworkAccessProfile
from ..ops.summary import NapSummary
from .format import details_grid, megabytes, plain, stamp, yes_no
from .pane import ListPane, count_of, sort_bindings


def count_cell(number: int, narrow: bool) -> str:
    """A SIM count: in full when wide; within 6 characters when narrow (``12.3k``, ``1.2M``), so a column of
    fixed width never cuts a number."""
    if not narrow or number < 100_000:
        return f"{number:,}"
    if number < 1_000_000:
        return f"{number // 1000}k"
    return f"{number / 1_000_000:.1f}M"


def fit_name(text: str, width: int | None) -> Text:
    """A name cut to ``width`` with an ellipsis (never silently)."""
    shown = plain(text)
    if width is not None and shown.cell_len > width:
        shown.truncate(width, overflow="ellipsis")
    return shown


class FleetsPane(ListPane):
    """Fleets with SIM counts by status and in total (they add up to the SIMs on the SIMs tab, unfiltered).

    Under ``NARROW`` columns of terminal the table keeps to the width: the Data and SMS columns move to
    the detail strip, names are cut with an ellipsis and large counts shortened (``123k``), so nothing is
    cut off at the edge. The cursor stays on its fleet when the fleets are read again (an edit, r).
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
        *sort_bindings(SORTS),
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
        self._narrow: bool | None = None

    def on_mount(self) -> None:
        self._narrow = self.app.size.width < self.NARROW
        self.fill()
        self.table.loading = True
        self.detail.update("Loading fleets…")

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        narrow = self.app.size.width < self.NARROW
        if narrow != self._narrow:
            self._narrow = narrow
            self.fill()

    def columns(self) -> list[tuple[str, str, int | None]]:
        narrow = bool(self._narrow)
        count_width = 6 if narrow else None
        columns: list[tuple[str, str, int | None]] = [("fleet", "Fleet", 12 if narrow else None)]
        columns.append(("nap", "NAP", 9 if narrow else None))
        if not narrow:
            columns += [("data", "Data", None), ("limit", "Limit", None), ("sms", "SMS", None)]
        columns += [(key, label, count_width) for key, label in self.COUNT_COLUMNS]
        columns.append(("total", "Total", count_width))
        return columns

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
        self._sids = list(self._fleets)
        self._counts = {}
        self.mark_stale(None)
        self.fill()
        self.table.loading = False
        if not fleets:
            self.detail.update("This account has no fleets yet: press n to create one.")

    def _nap_name(self, fleet: Fleet) -> str:
        nap_sid = fleet.network_access_profile_sid or ""
        return self._nap_names.get(nap_sid, nap_sid or "—")

    def cells(self, sid: str) -> list[str | Text]:
        fleet = self._fleets[sid]
        narrow = bool(self._narrow)
        cells: list[str | Text] = [
            fit_name(fleet.label, 12 if narrow else None),
            fit_name(self._nap_name(fleet), 9 if narrow else None),
        ]
        if not narrow:
            cells += [yes_no(fleet.data_enabled), megabytes(fleet.data_limit), yes_no(fleet.sms_commands_enabled)]
        counts = self._counts.get(fleet.sid)
        if counts is None:
            cells += [Text("…", style="dim") for _ in range(len(self.COUNT_COLUMNS) + 1)]
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
        """SIM counts arrive per fleet (from the SIMs index, or counted when the SIMs are filtered)."""
        changed = False
        for fleet_sid, fleet_counts in counts.items():
            if fleet_sid in self._fleets and self._counts.get(fleet_sid) != fleet_counts:
                self._counts[fleet_sid] = dict(fleet_counts)
                changed = True
        if not changed:
            return
        if self.table_query.sort_column in {k for k, _label in self.COUNT_COLUMNS} | {"total"}:
            self.fill()  # the order follows the counts
            return
        table = self.table
        shown = set(self._shown)
        for fleet_sid in counts:
            if fleet_sid in self._counts and fleet_sid in shown:
                for column, value in zip(table.ordered_columns, self.cells(fleet_sid), strict=True):
                    table.update_cell(fleet_sid, column.key, value)

    def counts_failed(self) -> None:
        """Counting stopped: the counts still waiting show ``?`` instead of an endless ``…``."""
        for sid in set(self._shown) - self._counts.keys():
            for key in [k for k, _label in self.COUNT_COLUMNS] + ["total"]:
                self.table.update_cell(sid, key, Text("?", style="dim"))

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


class NapsPane(ListPane):
    """NAPs with their network and country counts and the fleets using each; Shift+P/N/C/F sorts by NAP,
    networks, countries or fleets."""

    TABLE_ID = "naps-table"
    NOUN = "NAP"
    SORTS = (
        ("nap", "NAP", "P"),
        ("networks", "Networks", "N"),
        ("countries", "Countries", "C"),
        ("fleets", "Used by fleets", "F"),
    )
    CHANGES = frozenset({"new_nap", "rename_nap", "clone_nap"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_nap", "Networks", id="naps.open"),
        Binding("n", "new_nap", "New NAP", id="naps.new"),
        Binding("e", "rename_nap", "Rename", id="naps.rename"),
        Binding("y", "clone_nap", "Clone", id="naps.clone"),
        Binding("d", "compare_nap", "Compare", id="naps.compare"),
        *sort_bindings(SORTS),
    ]

    class OpenNap(Message):
        """Enter: see and change the NAP's networks."""

        def __init__(self, nap: NapSummary) -> None:
            super().__init__()
            self.nap = nap

    class NewNap(Message):
        """n: create a NAP."""

    class RenameNap(Message):
        def __init__(self, nap: NapSummary) -> None:
            super().__init__()
            self.nap = nap

    class CloneNap(Message):
        """y: a new NAP with this one's networks."""

        def __init__(self, nap: NapSummary) -> None:
            super().__init__()
            self.nap = nap

    class CompareNap(Message):
        """d: this NAP side by side with another."""

        def __init__(self, nap: NapSummary) -> None:
            super().__init__()
            self.nap = nap

    naps: reactive[list[NapSummary] | None] = reactive(None, always_update=True)

    def __init__(self) -> None:
        super().__init__(id="naps-pane")
        self._naps: dict[str, NapSummary] = {}

    def on_mount(self) -> None:
        self.fill()
        self.table.loading = True
        self.detail.update("Loading network access profiles…")

    def columns(self) -> list[tuple[str, str, int | None]]:
        return [(key, label, None) for key, label, _letter in self.SORTS]

    @property
    def current(self) -> NapSummary | None:
        key = self.current_key
        return self._naps.get(key) if key else None

    def watch_naps(self, naps: list[NapSummary] | None) -> None:
        if naps is None:
            return
        self._naps = {info.nap.sid: info for info in naps}
        self._sids = list(self._naps)
        self.mark_stale(None)
        self.fill()
        self.table.loading = False
        if not naps:
            self.detail.update("This account has no network access profiles yet.")

    def cells(self, sid: str) -> list[str | Text]:
        info = self._naps[sid]
        return [
            plain(info.nap.label, style="bold"),
            str(len(info.networks)),
            str(len(info.countries)),
            plain(", ".join(info.fleets)) if info.fleets else Text("unused", style="dim"),
        ]

    def haystack(self, sid: str) -> str:
        info = self._naps[sid]
        return "\n".join([info.nap.label, *info.fleets]).lower()

    def sort_value(self, sid: str, column: str) -> Any:
        info = self._naps[sid]
        if column == "networks":
            return len(info.networks)
        if column == "countries":
            return len(info.countries)
        if column == "fleets":
            return len(info.fleets), ", ".join(info.fleets).lower()
        return info.nap.label.lower()

    # ----------------------------------------------------------------- actions
    @on(DataTable.RowSelected, "#naps-table")
    def action_open_nap(self) -> None:
        if (info := self.current) is not None:
            self.post_message(self.OpenNap(info))

    def action_new_nap(self) -> None:
        self.post_message(self.NewNap())

    def action_rename_nap(self) -> None:
        if (info := self.current) is not None:
            self.post_message(self.RenameNap(info))

    def action_clone_nap(self) -> None:
        if (info := self.current) is not None:
            self.post_message(self.CloneNap(info))

    def action_compare_nap(self) -> None:
        if (info := self.current) is not None:
            self.post_message(self.CompareNap(info))

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
        self.detail.update(
            details_grid(
                [
                    ("NAP", plain(f"{info.nap.label}  ({info.nap.sid})")),
                    (
                        "Networks",
                        f"{count_of(len(info.networks), 'network')} in {count_of(len(by_country), 'country')}",
                    ),
                    (
                        "Countries",
                        plain(countries)
                        if countries
                        else Text("none: SIMs using this NAP cannot attach anywhere", style="bold red"),
                    ),
                    ("Fleets", plain(", ".join(info.fleets)) if info.fleets else "none"),
                    ("", Text("Enter: see and change its networks · n: new NAP · e: rename", style="dim")),
                ]
            )
        )
