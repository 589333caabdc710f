"""What every pane of the main screen shares: a table, a detail strip below it, and a stale mark above it.

:class:`ListPane` adds what the Fleets and NAPs panes share with the SIMs pane and the catalog: ``/`` filters as
you type (:mod:`..ops.table_query`: substring, ``!`` inverts, ``~`` is fuzzy; Enter or Esc goes back to the table,
the filter stays; ``x`` clears it), Shift+letter sorts by a column (again: reversed), the header shows each
column's key underlined and ▲/▼ on the sort column (:func:`.vtable.header_label`), and a count bar says what is
shown, filtered and sorted. Each pane keeps its own filter and sort while the app runs. The count bar
(:class:`CountBar`, the SIMs pane's too) keeps to the room its line leaves it: the least important parts are
said shorter, then dropped (:func:`fit_parts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.css.scalar import Unit
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from ..ops.consent import OPEN, READ_ONLY
from ..ops.table_query import TableQuery
from .failures import ReportsFailures, Task, failure_text
from .filter_input import FilterInput, follow
from .vtable import header_label


def plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def count_of(n: int, noun: str) -> str:
    return f"{n:,} {noun if n == 1 else plural(noun)}"


NO_FLEET = ""  # the key of the SIMs without a fleet in counts by fleet (no fleet has an empty SID)


@dataclass(frozen=True)
class Part:
    """A piece of a count bar: ``weight`` says how much it matters (higher: kept longer); ``short`` says the same
    in fewer cells, used before the part is dropped; ``tiny`` (major parts only) in the fewest, used before any
    major part is dropped (a load under way: ``…``, still seen when there is no room for words)."""

    text: Text
    weight: int
    short: Text | None = None
    tiny: Text | None = None


SEPARATOR = Text(" · ")
LABEL = Style(meta={"label": True})  # a header label's style: looks like the header's, but its own (see fill)
MINOR = 5  # parts under this weight (the filter, shown in its field; the sort, in the header) go first


def fit_parts(parts: Sequence[Part], width: int) -> Text:
    """The parts joined with `` · `` within ``width`` cells. Until it fits, least important first (among equals,
    the last first): each minor part (weight under ``MINOR``) is said shorter, then dropped; then the others are
    all said shorter, then in their tiny form, then dropped, all but the most important; then it is cut with an
    ellipsis (never silently)."""
    texts: list[Text | None] = [part.text for part in parts]

    def line() -> Text:
        return SEPARATOR.join(text for text in texts if text is not None)

    order = sorted(range(len(parts)), key=lambda i: (parts[i].weight, -i))
    steps: list[tuple[int, Text | None]] = []
    for i in (i for i in order if parts[i].weight < MINOR):  # one after the other: said shorter, then dropped
        steps += [(i, parts[i].short)] if parts[i].short is not None else []
        steps.append((i, None))
    major = [i for i in order if parts[i].weight >= MINOR]  # all said shorter before any is dropped
    steps += [(i, parts[i].short) for i in major if parts[i].short is not None]
    steps += [(i, parts[i].tiny) for i in major if parts[i].tiny is not None]
    steps += [(i, None) for i in major if i != order[-1]]
    text = line()
    for i, replacement in steps:
        if text.cell_len <= width:
            return text
        texts[i] = replacement
        text = line()
    if text.cell_len > width:
        text.truncate(max(width, 1), overflow="ellipsis")
    return text


def query_parts(shown: int, total: int, noun: str, query: TableQuery) -> list[Part]:
    """What every count bar starts with: how many are shown of how many, the filter and the sort."""
    parts = [Part(Text(f"{shown:,} of {total:,} {plural(noun)}" if shown != total else count_of(total, noun)), 9)]
    if not query.query.empty:
        parts.append(Part(Text(f"filter {query.query.describe()}"), 2))  # the filter field shows it too
    if query.sort_column:
        arrow = "▼" if query.descending else "▲"
        label = query.sort_column.replace("_", " ")
        parts.append(Part(Text(f"sorted by {label} {arrow}"), 3, Text(f"{label} {arrow}")))
    return parts


class CountBar(Static):
    """A count bar that keeps to the room its line leaves it (the line's width less its other widgets': a
    widget of ``1fr`` counted at its minimum width), fitting its parts with :func:`fit_parts`."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._parts: list[Part] = []
        self._cells = -1
        self._text: Text | None = None

    def show(self, parts: Part | Iterable[Part]) -> None:
        self._parts = [parts] if isinstance(parts, Part) else list(parts)
        self.refit()

    def room(self) -> int:
        line = self.parent
        if not isinstance(line, Widget):
            return self.app.size.width
        width = line.content_region.width or self.app.size.width - line.styles.gutter.width
        for sibling in line.children:
            if sibling is self or not sibling.display:
                continue
            styles = sibling.styles
            size = styles.width
            if size is not None and size.unit == Unit.CELLS:
                width -= int(size.value)
            elif size is not None and size.unit == Unit.FRACTION:
                low = styles.min_width
                width -= int(low.value) if low is not None and low.unit == Unit.CELLS else 0
            else:
                width -= sibling.outer_size.width - styles.margin.width
            width -= styles.margin.width
        return max(width - self.styles.gutter.width - self.styles.margin.width, 1)

    def refit(self) -> None:
        """Fit the parts to the room there is now (call after the line's other widgets change)."""
        text = fit_parts(self._parts, self.room()) if self._parts else Text()
        if text == self._text:
            return  # the same again (the cursor moved): nothing to paint
        # The bar is as wide as its text: lay out again only when the width changes (not each keystroke's count).
        self.update(text, layout=text.cell_len != self._cells)
        self._cells, self._text = text.cell_len, text


class TableSearch(FilterInput):
    """``/``: the local filter. Enter or Esc goes back to the table (the filter stays); it stays on screen while
    it filters. Its pane follows its value as keys are handled (:func:`.filter_input.follow`): one frame a key."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "done", "Back to the table", show=False)]

    def action_done(self) -> None:
        self.post_message(self.Submitted(self, self.value))  # the pane puts the focus back on the table

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        self.set_class(bool(self.value), "shown")
        if isinstance(self.parent, Widget):  # hidden or not, the count bar beside it has another room
            for bar in self.parent.query_children(CountBar):
                self.call_after_refresh(bar.refit)


def list_bindings(columns: Iterable[tuple[str, str, str]]) -> list[BindingType]:
    """A :class:`ListPane`'s keys, listed after the pane's own (the footer shows them in this order): ``/``, ``x``,
    and Shift+letter to sort by a column, ``(column key, label, letter)`` each (hidden from the footer, as in the
    SIMs pane and the catalog; the header underlines the letter)."""
    return [
        Binding("slash", "search", "Filter", id="list.search"),
        Binding("x", "clear_filter", "Clear filter", id="list.clear_filter"),
        *(Binding(letter, f"sort('{key}')", f"Sort by {label.lower()}", show=False) for key, label, letter in columns),
    ]


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


def show_stale(mark: Static, at: datetime | None) -> None:
    """A stale line says since when what is shown has not been current (None: it is again, and the line goes)."""
    mark.update(stale_mark(at) if at else "")
    mark.display = at is not None


class Pane(ReportsFailures, Vertical):
    """A table and the details of its highlighted row; a line above the table marks data that is stale.

    ``mode`` is the safety mode (bound from the main screen): a pane's ``check_action`` hides the actions
    named in ``CHANGES`` in a read-only profile."""

    TABLE_ID = ""
    CHANGES: ClassVar[frozenset[str]] = frozenset()
    mode: reactive[str] = reactive(OPEN, bindings=True)

    def compose(self) -> ComposeResult:
        yield Static(classes="stale")
        yield ResourceTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(id=f"{self.TABLE_ID}-detail", classes="detail")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Changes are hidden (not merely dimmed) in a read-only profile."""
        return not (action in self.CHANGES and self.mode == READ_ONLY)

    @property
    def shown(self) -> bool:
        """Whether the pane is shown (not in a hidden tab): true as soon as its tab is chosen, where Textual's
        ``is_on_screen`` waits for the next layout, which a busy start can hold back."""
        return self.is_attached and all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    def show_loaded(self) -> None:
        """The pane is being shown (its tab chosen): what came while it was hidden, and was not drawn then, is
        drawn now, in the frame that shows the tab. A hidden pane's table is not redrawn for each change: every
        redraw of a hidden tab cost a layout of the whole screen, which at start-up held back the SIMs' load."""

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
            show_stale(mark, at)

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


class ListPane(Pane):
    """A pane over a list held in memory (by SID), filtered with ``/`` and sorted with Shift+letter (see the
    module). A subclass gives its columns (:meth:`columns`), each row's cells, the text ``/`` searches and the
    value each sortable column sorts by; it calls :meth:`set_sids` when its list arrives. The cursor
    stays on its row's SID whatever moves it (a filter, a sort, new data); :meth:`select` puts it on a SID,
    now or as soon as that SID arrives (a NAP just cloned)."""

    NOUN: ClassVar[str] = "row"
    SORTS: ClassVar[tuple[tuple[str, str, str], ...]] = ()  # (column key, label, Shift+letter)
    # BINDINGS: a subclass ends its own with ``*list_bindings(SORTS)``

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.table_query = TableQuery()  # this pane's filter and sort, for as long as the app runs
        self._sids: list[str] = []  # stored order
        self._shown: list[str] = []
        self._pending: str | None = None  # a SID to put the cursor on once it is listed
        self._listed = False  # a list arrived
        self._fill_due = False  # rows changed while the pane was hidden (drawn when shown)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filter-line"):
            yield CountBar(classes="count-bar")
            yield TableSearch(
                id=f"{self.TABLE_ID}-search",
                classes="table-search",
                placeholder="/ filter: text !not ~fuzzy",
                compact=True,
            )
        yield from super().compose()

    @on(events.Mount)
    def _follow_search(self) -> None:
        # Filtered as the key is handled (not on Input.Changed): painted in the frame that echoes the key.
        follow(self, self.search, self._search_changed)

    # ------------------------------------------------------------ what a subclass gives
    def columns(self) -> list[tuple[str, str, int | None]]:
        """(key, label, width or None: as wide as the widest cell) of each column shown, in order."""
        raise NotImplementedError

    def cells(self, sid: str) -> list[Text]:
        """The row's cells: Text, never a string (DataTable reads a string as markup: a fleet named "[b]x" or
        ":boom:" would not show as the API sent it)."""
        raise NotImplementedError

    def haystack(self, sid: str) -> str:
        """The lower-case text ``/`` searches in for this row."""
        raise NotImplementedError

    def sort_value(self, sid: str, column: str) -> Any:
        raise NotImplementedError

    # ------------------------------------------------------------------------- rows
    @property
    def search(self) -> TableSearch:
        return self.query_one(TableSearch)

    def fill(self) -> None:
        """(Re)draw the rows the filter lets through, in the sort's order; the cursor stays on its SID (or goes to
        the SID :meth:`select` asked for, once listed). In a hidden tab, once the tab is shown (:meth:`show_loaded`)."""
        self._fill_due = not self.shown
        if not self._fill_due:
            self._fill()

    def show_loaded(self) -> None:
        if self._fill_due:
            self.fill()

    def _fill(self) -> None:
        table = self.table
        keep = self._pending if self._pending in self._sids else self.current_key
        if self._pending in self._sids:
            self._pending = None
        sids = self._sids
        sort_keys: dict[str, Callable[[int], Any]] = {
            key: partial(lambda column, row: self.sort_value(sids[row], column), key) for key, _l, _k in self.SORTS
        }
        self._shown = [sids[row] for row in self.table_query.rows([self.haystack(sid) for sid in sids], sort_keys)]
        letters = {key: letter for key, _label, letter in self.SORTS}
        arrow = "▼" if self.table_query.descending else "▲"
        table.clear(columns=True)
        for key, label, width in self.columns():
            mark = arrow if key == self.table_query.sort_column else None
            header = header_label(label, letters.get(key), mark, width)
            # A style of its own (it looks the same) keeps the label apart from the cell's padding: an SVG
            # screenshot renders a run that starts with the padding's space shifted (rsvg): "NAP" read "NA P".
            header.style = LABEL
            table.add_column(header, key=key, width=width)
        widths = [column.content_width for column in table.ordered_columns]
        for sid in self._shown:
            cells = self.cells(sid)
            table.add_row(*cells, key=sid)
            widths = [max(w, c.cell_len) for w, c in zip(widths, cells, strict=True)]
        # The columns as wide as their cells now, not when the table next idles: a resize paints (and caches) the
        # cells before that, at their headers' widths ("field", "glo", "28,68" once widened from 80 columns).
        for column, width in zip(table.ordered_columns, widths, strict=True):
            column.content_width = width
        if keep in self._shown:
            table.move_cursor(row=self._shown.index(keep), animate=False)
        elif self._sids and not self._shown:
            what = self.table_query.query.describe()
            self.detail.update(Text(f"No {plural(self.NOUN)} match the filter {what}: x clears it."))
        self.show_count()

    def show_count(self) -> None:
        """Nothing before the first list arrives (the detail strip says it is loading), then the count."""
        parts = query_parts(len(self._shown), len(self._sids), self.NOUN, self.table_query) if self._listed else []
        self.query_one(CountBar).show(parts + self.more_counts() if parts else parts)

    def more_counts(self) -> list[Part]:
        """What a pane adds to its count bar (the Fleets pane: the SIMs without a fleet)."""
        return []

    def set_sids(self, sids: list[str]) -> None:
        """The list arrived (SIDs in stored order): show it through the filter and sort."""
        self._sids = sids
        self._listed = True
        self.fill()

    def select(self, sid: str) -> None:
        """The cursor on ``sid`` now if it is listed (the filter cleared if it hides it), else once it is."""
        if self._fill_due:  # (hidden, with rows not drawn yet: drawn now, so the cursor has its row)
            self._fill()
            self._fill_due = False
        if sid in self._sids and sid not in self._shown:
            self.action_clear_filter()
        if sid in self._shown:
            self.table.move_cursor(row=self._shown.index(sid))
        else:
            self._pending = sid

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(CountBar).refit()

    # ---------------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.table_query.text)
        if action == "sort":
            return parameters[0] in {key for key, _label, _width in self.columns()}  # not a column hidden when narrow
        return super().check_action(action, parameters)

    def action_search(self) -> None:
        search = self.search
        search.add_class("shown")
        search.focus()
        self.call_after_refresh(self.query_one(CountBar).refit)  # the field takes room from the count bar

    def action_clear_filter(self) -> None:
        search = self.search
        search.value = ""  # the rows follow (_search_changed)
        search.remove_class("shown")
        self.call_after_refresh(self.query_one(CountBar).refit)

    def action_sort(self, column: str) -> None:
        self.table_query.sort_by(column)
        self.fill()

    def _search_changed(self, value: str) -> None:
        if value == self.table_query.text:
            return
        had_filter = bool(self.table_query.text)
        self.table_query.text = value
        self.fill()
        if had_filter != bool(value):
            self.refresh_bindings()  # x (clear filter) comes or goes

    @on(Input.Submitted, ".table-search")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()
        self.call_after_refresh(self.query_one(CountBar).refit)
