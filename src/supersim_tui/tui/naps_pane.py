"""The NAPs pane: each network access profile with its network and country counts and the fleets using it,
filtered with ``/`` and sorted with Shift+letter (:class:`~.pane.ListPane`)."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from rich.console import Console
from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable

from ..ops.summary import NapSummary
from .format import details_grid, fit_name, plain
from .pane import ListPane, count_of, list_bindings

COUNTRY_LINES = 3  # the detail strip holds 8 lines: NAP, networks, these, fleets (1-2) and the hint


def fit_list(items: list[str], width: int, lines: int, console: Console) -> str:
    """``items`` joined with ", " as they fold into ``lines`` lines of ``width`` cells; when they do not all fit,
    as many as do, then how many more (``…, IT (4), … 97 more``): a list is never cut silently."""
    text = ", ".join(items)
    if len(Text(text).wrap(console, width)) <= lines:
        return text
    low, high = 0, len(items)  # the most items that fit with the count of the rest after them
    while low < high:
        middle = (low + high + 1) // 2
        shortened = ", ".join([*items[:middle], f"… {len(items) - middle} more"])
        if len(Text(shortened).wrap(console, width)) <= lines:
            low = middle
        else:
            high = middle - 1
    return ", ".join([*items[:low], f"… {len(items) - low} more"])


class NapsPane(ListPane):
    """NAPs with their network and country counts and the fleets using each; Shift+P/N/C/F sorts by NAP,
    networks, countries or fleets."""

    TABLE_ID = "naps-table"
    NOUN = "NAP"
    NARROW = 100
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
        *list_bindings(SORTS),
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
        self._narrow = False

    def on_mount(self) -> None:
        self._narrow = self._widths() is not None
        self.fill()
        self.table.loading = True
        self.detail.update("Loading network access profiles…")

    def _widths(self) -> tuple[int, int] | None:
        """Under ``NARROW`` columns, the widths of the NAP and fleets columns (cut with an ellipsis to keep the
        table within the screen: a NAP used by many fleets would push it past the edge); None when wide."""
        width = self.app.size.width
        if width >= self.NARROW:
            return None
        # 3 cells of padding around the table, 8 of cell padding, 8 + 9 for the counts, 2 for a scrollbar
        return 16, max(width - 16 - 8 - 9 - 8 - 3 - 2, 8)

    def columns(self) -> list[tuple[str, str, int | None]]:
        widths = self._widths()
        nap_width, fleets_width = widths if widths else (None, None)
        return [
            ("nap", "NAP", nap_width),
            ("networks", "Networks", None),
            ("countries", "Countries", None),
            ("fleets", "Used by fleets", fleets_width),
        ]

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        narrow = self._widths() is not None
        if narrow != self._narrow:
            self._narrow = narrow
            self.fill()

    @property
    def current(self) -> NapSummary | None:
        key = self.current_key
        return self._naps.get(key) if key else None

    def watch_naps(self, naps: list[NapSummary] | None) -> None:
        if naps is None:
            return
        self._naps = {info.nap.sid: info for info in naps}
        self.mark_stale(None)
        self.set_sids(list(self._naps))
        self.table.loading = False
        if not naps:
            self.detail.update("This account has no network access profiles yet.")

    def cells(self, sid: str) -> list[Text]:
        info = self._naps[sid]
        nap_width, fleets_width = self._widths() or (None, None)
        return [
            fit_name(info.nap.label, nap_width, style="bold"),
            Text(f"{len(info.networks):,}", justify="right"),
            Text(f"{len(info.countries):,}", justify="right"),
            fit_name(", ".join(info.fleets), fleets_width) if info.fleets else Text("— no fleet", style="dim"),
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
            items = [f"{iso} ({n})" if n > 1 else iso for iso, n in sorted(by_country.items())]
            room = (self.detail.content_region.width or self.app.size.width - 2) - len("Countries") - 2
            countries = fit_list(items, max(room, 10), COUNTRY_LINES, self.app.console)
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
