"""A virtual table: only the rows on screen are rendered (Textual's Line API).

Textual's stock ``DataTable`` holds a row object per row and measures every cell as rows are
added: 100,000 SIMs cost seconds and hundreds of MB before the first paint. This table holds
no rows at all. It is told how many there are and asked, for each line on screen, for that
row's cells (``cell_at(row)``); column widths are fixed or share the width left, never
measured from the data. Setting 100,000 rows is one integer; a paint renders ~40 rows.

Why our own widget and not ``textual-fastdatatable`` 0.19.5: that package needs pyarrow (a
170 MB install) and copies the data into an Arrow table, while the SIM index already holds it
in columns; it also renders by measuring columns from the data. See README "Benchmarks"
(``make bench vtable``) for the figures that decided it.

Keys: up/down, PgUp/PgDn, Home/End, ``:`` to go to a row by number (or 50%), and
``go_to(row)``. ``End`` pressed while rows are still arriving keeps the cursor on the last row
as more arrive (``follow_end``), so it lands on the true last row once the list is complete.
The header shows each column's sort key (its letter underlined) and the sort column with ▲/▼.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from .format import printable

Cell = str | Text
Piece = tuple[str, Style | None]  # a cell's text, or part of it, and its own style (None: the line's)

# Looks like no style at all. A row's leading blanks are a segment of this style, so that no segment with text in
# it starts with blanks: a screenshot (SVG) draws each run of one style from where it starts, and a viewer (rsvg)
# drops a run's leading blanks, so a column drawn from its gap was drawn a cell early ("↻ scheduledna-logistics").
GAP = Style(meta={"gap": True})


def no_leading_blanks(pieces: list[Piece]) -> list[Piece]:
    """``pieces`` with the blanks that start one moved to the end of the piece before it (the first piece's: a
    :data:`GAP` piece of their own); a piece of blanks only joins the one before it."""
    out: list[Piece] = []
    for text, style in pieces:
        body = text.lstrip(" ")
        blanks = text[: len(text) - len(body)]
        if blanks:
            if out:
                out[-1] = (out[-1][0] + blanks, out[-1][1])
            else:
                out.append((blanks, GAP))
        if body:
            out.append((body, style))
    return out


@dataclass(frozen=True)
class VColumn:
    key: str
    label: str
    width: int | None = None  # None: shares the width the fixed columns leave
    min_width: int = 6
    right: bool = False  # numbers: aligned right
    sort_key: str | None = None  # the letter (a shifted key) that sorts by this column


def fit(text: Text, width: int, right: bool = False) -> Text:
    """Exactly ``width`` cells: cut with an ellipsis (never silently), padded left or right."""
    text = text.copy()
    text.no_wrap = True
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    elif right:
        text = Text(" " * (width - text.cell_len)) + text
    else:
        text.pad_right(width - text.cell_len)
    return text


def header_label(label: str, sort_key: str | None, mark: str | None = None, width: int | None = None) -> Text:
    """A column's header: the letter of its sort key underlined and, on the sort column, ``mark`` (▲ or ▼) after
    it. Within ``width`` the label is cut (with an ellipsis), never the mark. Every sortable table's header."""
    text = Text(label)
    if sort_key:
        at = label.lower().find(sort_key.lower())
        if at >= 0:
            text.stylize("underline", at, at + 1)
    if mark:
        gap = " " if width is None or text.cell_len + 1 + len(mark) <= width else ""  # "Total▼" in 6 cells
        if width is not None and text.cell_len + len(gap) + len(mark) > width:
            text.truncate(max(width - len(mark), 1), overflow="ellipsis")
        text.append(f"{gap}{mark}", style="bold")
    return text


class VirtualTable(ScrollView, can_focus=True):
    """Rows come from ``cell_at(row)``; only the rows in view are ever rendered."""

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .vtable--header { text-style: bold; background: $panel; color: $foreground; }
        & > .vtable--even-row { background: $surface-lighten-1 50%; }
        & > .vtable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .vtable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"vtable--header", "vtable--even-row", "vtable--cursor"}
    # The cursor's keys are priority bindings: Textual runs them as the app takes the key, while the table (or
    # a widget in it) has the focus. A plain binding runs only once the key has bubbled through every widget
    # above the table, one turn of the event loop each, and while the SIMs load each turn waits behind pages
    # being decoded (End took ~0.2 s to move the cursor).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False, priority=True),
        Binding("down", "cursor_down", "Down", show=False, priority=True),
        Binding("pageup", "page_up", "Page up", show=False, priority=True),
        Binding("pagedown", "page_down", "Page down", show=False, priority=True),
        Binding("home,ctrl+home", "first", "First", show=False, priority=True),
        Binding("end,ctrl+end", "last", "Last", show=False, priority=True),
        Binding("colon", "go_to_row", "Go to row", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    class RowMessage(Message):
        """News about one row of the table (its position in the shown rows)."""

        def __init__(self, table: VirtualTable, row: int) -> None:
            super().__init__()
            self.table, self.row = table, row

        @property
        def control(self) -> VirtualTable:
            return self.table

    class CursorMoved(RowMessage):
        """The cursor is on another row (or the rows under it changed)."""

    class Selected(RowMessage):
        """Enter on a row."""

    def __init__(self, columns: Sequence[VColumn], *, zebra_stripes: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.zebra_stripes = zebra_stripes
        self.row_count = 0
        self.cursor_row = 0
        self.follow_end = False  # End pressed while rows still arrive: stay on the last one
        self.sort_column: str | None = None
        self.descending = False
        self._cell_at: Callable[[int], Sequence[Cell]] = lambda row: ()
        self._widths: list[int] = []
        self._layout_width = -1
        self._row_width = -1  # the columns' widths and the spaces before them
        self._styles: dict[str, Style] | None = None  # per paint: Textual computes styles at some cost
        self._parsed_styles: dict[str, Style] = {}
        self._focus_when_loaded = False

    def focus(self, scroll_visible: bool = True) -> Self:
        # A loading widget cannot take the focus (Textual): a tab opened while its rows still load would leave the
        # focus nowhere, and the pane's keys (/, End) would do nothing. The table takes it once loaded instead.
        self._focus_when_loaded = self.loading
        return super().focus(scroll_visible)

    def watch_loading(self, loading: bool) -> None:
        if loading or not self._focus_when_loaded:
            return
        self._focus_when_loaded = False
        shown = all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))  # its tab is open
        if self.is_attached and shown and self.screen.focused is None:  # and the focus went nowhere else meanwhile
            self.focus()

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    def _on_focus(self, event: events.Focus) -> None:
        self._styles = None
        super()._on_focus(event)

    def _on_blur(self, event: events.Blur) -> None:
        self._styles = None
        super()._on_blur(event)

    def _style(self, name: str) -> Style:
        if self._styles is None:
            self._styles = {"base": self.rich_style}
            for component in self.COMPONENT_CLASSES:
                self._styles[component] = self.get_component_rich_style(component)
        return self._styles[name]

    # ----------------------------------------------------------------- data
    def set_columns(self, columns: Sequence[VColumn]) -> None:
        self.columns = list(columns)
        self._layout_width = -1
        self.refresh()

    def set_rows(self, count: int, cell_at: Callable[[int], Sequence[Cell]], cursor: int | None = None) -> None:
        """Show ``count`` rows; the cursor goes to ``cursor`` (else stays, within range; End follows the end)."""
        self.row_count, self._cell_at = count, cell_at
        if self.follow_end:
            cursor = count - 1
        target = self.cursor_row if cursor is None else cursor
        self._update_virtual_size()
        self._move(max(0, min(target, count - 1)), announce=True)
        self.refresh()

    def set_sort(self, column: str | None, descending: bool) -> None:
        self.sort_column, self.descending = column, descending
        self.refresh()

    def get_row_at(self, row: int) -> list[Cell]:
        """The cells of ``row`` (as DataTable names it)."""
        if not 0 <= row < self.row_count:
            raise IndexError(f"row {row} is not in the table ({self.row_count} rows)")
        return list(self._cell_at(row))

    def move_cursor(self, *, row: int) -> None:
        """Put the cursor on ``row`` (as DataTable names it)."""
        self.go_to(row)

    def refresh_rows(self) -> None:
        """The cells changed (not the count): paint again."""
        self.refresh()

    # ---------------------------------------------------------------- layout
    def _compute_widths(self, width: int) -> list[int]:
        fixed = sum(c.width or 0 for c in self.columns) + len(self.columns)  # one space before each column
        flexible = [c for c in self.columns if c.width is None]
        left = max(width - fixed, 0)
        share = left // len(flexible) if flexible else 0
        extra = left - share * len(flexible) if flexible else 0
        widths = []
        for column in self.columns:
            if column.width is not None:
                widths.append(column.width)
            else:
                widths.append(max(column.min_width, share + extra))
                extra = 0
        return widths

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        self._widths = self._compute_widths(width)
        self._layout_width = width
        total = self._row_width = sum(self._widths) + len(self._widths)
        size = Size(max(total, width), self.row_count + 1)  # + the header
        if size == self.virtual_size:
            return
        # A new row count is no reason to lay the screen out again (Textual would, and repaint every
        # widget): only the scrollbars change, unless one appears or goes.
        shown = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
        self.set_reactive(Widget.virtual_size, size)
        self._scroll_update(size)
        self.refresh(layout=(self.show_vertical_scrollbar, self.show_horizontal_scrollbar) != shown)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    @property
    def visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    # ---------------------------------------------------------------- cursor
    def _move(self, row: int, announce: bool = True) -> None:
        row = max(0, min(row, self.row_count - 1))
        moved = row != self.cursor_row
        self.cursor_row = row
        self._scroll_cursor_into_view()
        self.refresh()
        if announce or moved:
            self.post_message(self.CursorMoved(self, row))

    def _scroll_cursor_into_view(self) -> None:
        top, height = round(self.scroll_y), self.visible_rows
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def go_to(self, row: int) -> None:
        self.follow_end = False
        self._move(row, announce=False)

    def action_cursor_up(self) -> None:
        self.go_to(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.go_to(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.go_to(self.cursor_row - self.visible_rows)

    def action_page_down(self) -> None:
        self.go_to(self.cursor_row + self.visible_rows)

    def action_first(self) -> None:
        self.go_to(0)

    def action_last(self) -> None:
        self.go_to(self.row_count - 1)
        self.follow_end = True  # more rows may come: End means the last one

    def action_go_to_row(self) -> None:
        """`:` asks for a row number (or a percentage) and puts the cursor there."""
        from .dialogs import GoToRow  # imported when first used: the first frame does not need it

        def chosen(row: int | None) -> None:
            if row is not None and row < self.row_count:
                self.go_to(row)
            self.focus()

        if self.row_count:
            self.app.push_screen(GoToRow(self.row_count), chosen)
        else:
            self.app.notify("No rows to go to")

    def action_select(self) -> None:
        if self.row_count:
            self.post_message(self.Selected(self, self.cursor_row))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            row = round(self.scroll_y) + offset.y - 1
            if row < self.row_count:
                self.go_to(row)

    # ---------------------------------------------------------------- render
    def _header(self) -> Text:
        line = Text()
        for column, width in zip(self.columns, self._widths, strict=True):
            mark = ("▼" if self.descending else "▲") if column.key == self.sort_column else None
            line.append(" ")
            line.append_text(fit(header_label(column.label, column.sort_key, mark, width), width, column.right))
        return line

    def _cell_pieces(self, cell: Cell, width: int, right: bool, out: list[Piece]) -> None:
        """Append ``cell`` fitted to ``width`` as (text, style); str and one-style Text need no Rich render."""
        if isinstance(cell, str):
            text, style = cell, None
        elif not cell.spans:
            text = cell.plain
            style = self._parsed(cell.style)
        else:
            console = self.app.console
            out.extend((seg.text, seg.style) for seg in fit(cell, width, right).render(console) if seg.text)
            return
        if not text.isprintable():  # control characters never reach the terminal (a name is the server's text)
            text = printable(text).replace("\n", " ")
        length = cell_len(text)
        if length > width:
            out.append((set_cell_size(text, max(width - 1, 0)) + "…"[: max(width, 0)], style))
        elif right:
            out.append((" " * (width - length) + text, style))
        else:
            out.append((text + " " * (width - length), style))

    def _parsed(self, style: str | Style) -> Style | None:
        if isinstance(style, Style):
            return style
        if not style:
            return None
        parsed = self._parsed_styles.get(style)
        if parsed is None:
            parsed = self._parsed_styles[style] = Style.parse(style)
        return parsed

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._layout_width != (self.scrollable_content_region.width or width):
            self._update_virtual_size()
        base = self._style("base")
        scroll_x = round(self.scroll_x)
        pieces: list[Piece]
        if y == 0:
            style = self._style("vtable--header")
            pieces = [(seg.text, seg.style) for seg in self._header().render(self.app.console)]
            cursor = False
        else:
            row = round(self.scroll_y) + y - 1
            if row >= self.row_count:
                return Strip.blank(width, base)
            pieces = []
            cells = 0
            for column, column_width, cell in zip(self.columns, self._widths, self._cell_at(row), strict=False):
                pieces.append((" ", None))  # the space before a column
                self._cell_pieces(cell, column_width, column.right, pieces)
                cells += 1
            # The space before a column (and a cell's own padding) ends the piece before it: fewer segments
            # through Textual's line pipeline, and each column's text starts a segment at its column, as
            # screenshots (SVG) need.
            pieces = no_leading_blanks(pieces)
            cursor = row == self.cursor_row
            if cursor:
                style = self._style("vtable--cursor")
            elif self.zebra_stripes and row % 2:
                style = self._style("vtable--even-row")
            else:
                style = Style()
            if scroll_x == 0 and cells == len(self.columns) and self._row_width <= width:
                # Each cell is fitted to its column: nothing to crop, at most the space under the scrollbar to pad.
                line_style = base + style
                segments = [self._segment(text, own, line_style, base, style, cursor) for text, own in pieces]
                if self._row_width < width:
                    segments.append(Segment(" " * (width - self._row_width), line_style))
                return Strip(segments, width)
        line_style = base + style
        # One segment per cell (as DataTable draws them): screenshots (SVG) place each at its column.
        segments = [self._segment(text, piece_style, line_style, base, style, cursor) for text, piece_style in pieces]
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, line_style)

    @staticmethod
    def _segment(text: str, own: Style | None, line: Style, base: Style, row: Style, cursor: bool) -> Segment:
        if own is None:
            return Segment(text, line)
        return Segment(text, base + own + row if cursor else line + own)  # the cursor's colours win
