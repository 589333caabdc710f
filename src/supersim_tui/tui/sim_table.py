"""The SIMs table: a virtual table over the local SIM index (ops/sim_index.py).

Rows are the index rows a :class:`~supersim_tui.ops.sim_index.SimView` selects (its filter and
sort); cells are made only for the rows on screen. The cursor stays on its SIM when the rows
change under it (a page arrives, a filter is typed, a SIM changes), except on the first row (the
top stays the top) and after End pressed while the index is still loading: then it follows the
last row until the load completes.

Sort keys (Shift+letter, as k9s): I ICCID, N name, S status, F fleet, U updated; pressing the
same key again reverses. The header shows each key underlined and the sort column ▲/▼.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from ..ops.sim_index import SimIndex, SimView
from .format import status_text, when
from .pane import SEPARATOR, Part, query_parts
from .vtable import Cell, VColumn, VirtualTable

MARK = Text("■", style="bold yellow")
NO_NAME = Text("—", style="dim")
NO_FLEET = Text("no fleet", style="dim")

WIDE_COLUMNS = (
    VColumn("mark", " ", width=1),
    VColumn("iccid", "ICCID", width=22, sort_key="I"),
    VColumn("name", "Name", min_width=8, sort_key="N"),
    VColumn("status", "Status", width=11, sort_key="S"),
    VColumn("fleet", "Fleet", min_width=8, sort_key="F"),
    VColumn("updated", "Updated", width=10, sort_key="U"),
)
NARROW_COLUMNS = WIDE_COLUMNS[:-1]  # below WIDE columns of terminal, "Updated" is in the detail strip only
WIDE = 100


class SimTable(VirtualTable):
    """SIM rows from an index and a view; ``marked(sid)`` says which carry the mark."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("I", "sort('iccid')", "Sort by ICCID", show=False),
        Binding("N", "sort('name')", "Sort by name", show=False),
        Binding("S", "sort('status')", "Sort by status", show=False),
        Binding("F", "sort('fleet')", "Sort by fleet", show=False),
        Binding("U", "sort('updated')", "Sort by updated", show=False),
    ]

    def __init__(self, view: SimView, *, id: str | None = None) -> None:
        super().__init__(WIDE_COLUMNS, id=id)
        self.view = view
        self.marked: Callable[[str], bool] = lambda sid: False
        self._wide = True

    @property
    def index(self) -> SimIndex:
        return self.view.index

    def set_wide(self, wide: bool) -> None:
        if wide != self._wide:
            self._wide = wide
            self.set_columns(WIDE_COLUMNS if wide else NARROW_COLUMNS)

    # ------------------------------------------------------------------ rows
    def current_sid(self) -> str | None:
        """The SID under the cursor (None: no rows)."""
        rows = self.view.rows
        if not rows or self.cursor_row >= len(rows):
            return None
        return self.index.sids[rows[self.cursor_row]]

    def show(self, force: bool = False, *, cells_changed: bool = True) -> bool:
        """Recompute the view if the index or the query moved; the cursor stays on its SIM. True if redrawn.

        ``cells_changed=False``: only the query changed (a key typed in the filter); if it selects the rows shown,
        nothing is painted again."""
        keep = self.current_sid() if self.cursor_row > 0 else None  # on the first row: the first row stays
        if not self.view.refresh() and not force:
            if cells_changed:
                self.refresh_rows()  # cells may have changed (marks) though not the rows
            return False
        cursor = 0
        if keep is not None:
            row = self.index.row_of(keep)
            if row is not None:
                try:
                    cursor = self.view.rows.index(row)
                except ValueError:
                    cursor = 0
        self.set_sort(self.view.query.sort_column, self.view.query.descending)
        self.set_rows(len(self.view.rows), self._cells, cursor=cursor)
        return True

    def get_row_index(self, sid: str) -> int:
        """The position of SIM ``sid`` among the rows shown (as DataTable names it); KeyError if not shown."""
        row = self.index.row_of(sid)
        try:
            return self.view.rows.index(row) if row is not None else self.view.rows.index(-1)
        except ValueError:
            raise KeyError(sid) from None

    def get_row(self, sid: str) -> list[Cell]:
        """The cells of SIM ``sid`` as shown."""
        return self.get_row_at(self.get_row_index(sid))

    def go_to_sid(self, sid: str) -> bool:
        row = self.index.row_of(sid)
        if row is None or row not in self.view.rows:
            return False
        self.go_to(self.view.rows.index(row))
        return True

    def _cells(self, position: int) -> list[Cell]:
        index = self.index
        if position >= len(self.view.rows):  # the view changed before the table was told: blank until it is
            return []
        row = self.view.rows[position]
        sid = index.sids[row]
        fleet_sid = index.fleet_sid(row)
        name = index.names[row]
        cells: list[Cell] = [
            MARK if self.marked(sid) else "",
            index.iccids[row] or "—",
            name if name else NO_NAME,
            status_text(index.status(row)),
            index.fleet_names.get(fleet_sid, fleet_sid) if fleet_sid else NO_FLEET,
        ]
        if self._wide:
            cells.append(when(index.row(row).updated))
        return cells

    # ------------------------------------------------------------------ sort
    def action_sort(self, column: str) -> None:
        self.view.query.sort_by(column)
        self.show(force=True)


def count_parts(view: SimView, *, marked: int, searching: bool = False) -> list[Part]:
    """The count bar's parts (:func:`~.pane.fit_parts` keeps them to the room there is): shown of total, the
    filter, the sort, the marks, and the load under way, each with a shorter form where there is one.

    ``12 of 100,000 SIMs · filter "eu" · sorted by name ▲ · 3 marked · loading 42,000 of ~100,000``; before the
    first SIM has arrived, ``loading SIMs…``.

    ``searching``: the filter is on screen in its field next to the bar, being typed. It is not repeated, and the
    count is padded to the total's width (``   12 of 100,000 SIMs``), so the bar keeps its width as keys are
    typed: a bar that changes width lays the whole screen out again, twice (it is as wide as its text).
    """
    index, query = view.index, view.query
    total, shown = len(index), len(view.rows)
    said = [  # the filter and the sort, as every pane says them; not the filter being typed in its field
        part
        for part in query_parts(shown, total, "SIM", query)[1:]
        if not (searching and part.text.plain.startswith("filter"))
    ]
    if index.loading and not total:  # no count known yet: "0 of 0 SIMs · loading 0" read as an empty account
        expected = f" of ~{index.expected:,}" if index.expected else ""
        loading = Text(f"loading SIMs{expected}…", style="bold yellow")
        return [Part(loading, 9, Text("loading SIMs…", style="bold yellow"), Text("…", style="bold yellow")), *said]
    width = len(f"{total:,}") if searching else 0
    count = f"{shown:>{width},}/{total:,}"
    parts = [Part(Text(f"{shown:>{width},} of {total:,} SIMs"), 9, Text(f"{count} SIMs"), Text(count)), *said]
    if marked:
        parts.append(
            Part(Text(f"{marked:,} marked", style="bold yellow"), 7, Text(f"{marked:,}■", style="bold yellow"))
        )
    if index.loading:
        expected = f" of ~{index.expected:,}" if index.expected else ""
        loading = Text(f"loading {index.listed:,}{expected}", style="bold yellow")
        short = Text(f"loading {index.listed:,}", style="bold yellow")
        parts.append(Part(loading, 8, short, Text("…", style="bold yellow")))  # said until the last, if only as …
    return parts


def count_text(view: SimView, *, marked: int, narrow: bool) -> Text:
    """The count bar in full, or (``narrow``) each part said shorter where it can be."""
    parts = count_parts(view, marked=marked)
    return SEPARATOR.join((part.short or part.text) if narrow else part.text for part in parts)
