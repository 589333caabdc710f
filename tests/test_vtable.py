"""The virtual table (tui/vtable.py): only visible rows rendered, keys, cursor, header with the sort column."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import App, ComposeResult

from supersim_tui.tui.vtable import VColumn, VirtualTable, fit

COLUMNS = [
    VColumn("num", "Number", width=8, right=True, sort_key="N"),
    VColumn("name", "Name", sort_key="A"),
    VColumn("state", "State", width=8, sort_key="S"),
]


class TableApp(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.rendered: list[int] = []
        self.moves: list[int] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, id="t")

    def cells(self, row: int) -> list[str | Text]:
        self.rendered.append(row)
        return [f"{row:,}", f"sim-{row:06d}", Text("active", style="green")]

    def on_mount(self) -> None:
        self.query_one(VirtualTable).set_rows(self.rows, self.cells)
        self.query_one(VirtualTable).focus()

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        self.moves.append(event.row)


def line(table: VirtualTable, y: int) -> str:
    return table.render_line(y).text


async def test_100k_rows_render_only_what_is_visible() -> None:
    """100,000 rows: set in no time, and a paint asks for the rows on screen, not the list."""
    app = TableApp(100_000)
    start = time.perf_counter()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        assert time.perf_counter() - start < 5
        table = app.query_one(VirtualTable)
        assert table.row_count == 100_000
        assert len(set(app.rendered)) <= 12  # one screen of rows, not 100,000
        assert "sim-000000" in line(table, 1)


async def test_home_end_page_keys_and_cursor() -> None:
    """End shows the last row at the bottom; Home the first; PgDn/PgUp move a screen; up/down one row."""
    app = TableApp(100_000)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("end")
        assert table.cursor_row == 99_999
        visible = table.visible_rows
        assert "sim-099999" in line(table, visible)  # the last line on screen
        assert "sim-099999" not in line(table, visible - 1)
        await pilot.press("home")
        assert table.cursor_row == 0 and "sim-000000" in line(table, 1)
        await pilot.press("pagedown")
        assert table.cursor_row == visible
        await pilot.press("pagedown", "pageup", "down", "down", "up")
        assert table.cursor_row == visible + 1
        assert app.moves[-1] == visible + 1
        await pilot.press("up", "up", "up", "up", "up")
        await pilot.press("home", "up")
        assert table.cursor_row == 0


async def test_end_before_rows_arrive_follows_to_the_true_last() -> None:
    """End while the list is still loading: as rows arrive the cursor stays on the last one; a move ends that."""
    app = TableApp(50)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("end")
        assert table.cursor_row == 49
        table.set_rows(5_000, app.cells)
        await pilot.pause()
        assert table.cursor_row == 4_999 and "sim-004999" in line(table, table.visible_rows)
        await pilot.press("up")
        table.set_rows(9_000, app.cells)
        assert table.cursor_row == 4_998


async def test_header_shows_sort_column_and_keys() -> None:
    """The header names each column with its sort key underlined, and marks the sort column ▲ or ▼."""
    app = TableApp(10)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        assert "▲" not in line(table, 0)
        table.set_sort("name", descending=False)
        await pilot.pause()
        assert "Name ▲" in line(table, 0)
        table.set_sort("state", descending=True)
        assert "State ▼" in line(table, 0) and "Name ▲" not in line(table, 0)
        underlined = [seg.text for seg in table.render_line(0) if seg.style and seg.style.underline]
        assert underlined == ["N", "a", "S"]


def test_cells_are_cut_with_an_ellipsis() -> None:
    """A value wider than its column is cut with "…", never silently (numbers too)."""
    assert fit(Text("1,234,567"), 5, right=True).plain == "1,23…"
    assert fit(Text("42"), 5, right=True).plain == "   42"
    assert fit(Text("ab"), 4).plain == "ab  "


class TableAndField(App[None]):
    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        yield Input(id="field")
        yield VirtualTable(COLUMNS, id="t")


async def test_focus_asked_while_loading_is_taken_once_loaded() -> None:
    """A tab switched to while its table still loads asks the table for the focus; a loading widget cannot take it
    (Textual), so the focus went nowhere and the pane's keys (/, End) did nothing. The table takes it once loaded,
    unless the focus went somewhere else meanwhile."""
    app = TableAndField()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(VirtualTable)
        app.screen.set_focus(None)
        table.loading = True
        table.focus()
        await pilot.pause()
        assert app.focused is None
        table.loading = False
        await pilot.pause()
        assert app.focused is table

        app.screen.set_focus(None)
        table.loading = True
        table.focus()
        await pilot.pause()
        app.query_one("#field").focus()  # the user went elsewhere meanwhile
        await pilot.pause()
        table.loading = False
        await pilot.pause()
        assert app.focused is app.query_one("#field")


async def test_go_to_row_on_an_empty_table_says_there_are_no_rows() -> None:
    """`:` on a table with no rows opens no dialog but says "No rows to go to" (it used to do nothing, silently)."""
    app = TableApp(0)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        await pilot.pause()
        assert len(app.screen_stack) == 1
        assert [n.message for n in app._notifications] == ["No rows to go to"]
