"""The Fleets and NAPs panes (the SIMs pane is :mod:`.sims_pane`). Each is a table with a detail strip below it.

A pane renders the account state the main screen binds to it (``data_bind``: fleets, NAPs, counts) and
owns its keys: an action that needs the account (a form, another screen) is asked for with a message that
bubbles up to the main screen, carrying what it acts on.
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from ..api import Fleet, NetworkAccessProfile
from ..ops.summary import NapSummary
from .format import details_grid, megabytes, plain, stamp, yes_no
from .pane import Pane, count_of


class FleetsPane(Pane):
    TABLE_ID = "fleets-table"
    COUNT_COLUMNS = (("active", "Active"), ("ready", "Ready"), ("new", "New"), ("inactive", "Off"))
    CHANGES = frozenset({"new_fleet", "edit_fleet"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_fleet", "New fleet", id="fleets.new"),
        Binding("e", "edit_fleet", "Edit", id="fleets.edit"),
        Binding("p", "goto_nap", "Its NAP", id="fleets.nap"),
        Binding("s", "fleet_sims", "Its SIMs", id="fleets.sims"),
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

    def watch_fleets(self, fleets: list[Fleet] | None) -> None:
        """The fleets arrived (with the NAPs, set just before): show them, their counts to follow."""
        if fleets is None:
            return
        nap_names = {n.sid: n.label for n in self.naps or []}
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

    def watch_fleet_counts(self, counts: dict[str, dict[str, int]]) -> None:
        """SIM counts arrive per fleet as they are counted (lazily, after the table is shown)."""
        for fleet_sid, fleet_counts in counts.items():
            if fleet_sid not in self._fleets or fleet_sid in self._counted:
                continue
            self._counted.add(fleet_sid)
            for key, _label in self.COUNT_COLUMNS:
                self.table.update_cell(fleet_sid, key, f"{fleet_counts.get(key, 0):,}")

    def counts_failed(self) -> None:
        """Counting stopped: the counts still waiting show ``?`` instead of an endless ``…``."""
        for sid in self._fleets.keys() - self._counted:
            for key, _label in self.COUNT_COLUMNS:
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


class NapsPane(Pane):
    TABLE_ID = "naps-table"
    CHANGES = frozenset({"new_nap", "rename_nap", "clone_nap"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_nap", "Networks", id="naps.open"),
        Binding("n", "new_nap", "New NAP", id="naps.new"),
        Binding("e", "rename_nap", "Rename", id="naps.rename"),
        Binding("y", "clone_nap", "Clone", id="naps.clone"),
        Binding("d", "compare_nap", "Compare", id="naps.compare"),
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
        self.table.add_columns("NAP", "Networks", "Countries", "Used by fleets")
        self.table.loading = True
        self.detail.update("Loading network access profiles…")

    @property
    def current(self) -> NapSummary | None:
        key = self.current_key
        return self._naps.get(key) if key else None

    def select(self, nap_sid: str) -> None:
        if nap_sid in self._naps:
            self.table.move_cursor(row=self.table.get_row_index(nap_sid))

    def watch_naps(self, naps: list[NapSummary] | None) -> None:
        if naps is None:
            return
        self._naps = {info.nap.sid: info for info in naps}
        self.mark_stale(None)
        table = self.table
        table.clear()
        for info in naps:
            table.add_row(
                plain(info.nap.label, style="bold"),
                str(len(info.networks)),
                str(len(info.countries)),
                plain(", ".join(info.fleets)) if info.fleets else Text("unused", style="dim"),
                key=info.nap.sid,
            )
        table.loading = False
        if not naps:
            self.detail.update("This account has no network access profiles yet.")

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
