"""The SIMs table over the local index (tui/sim_table.py), in a bare app: keys, sort, cursor, count bar."""

from __future__ import annotations

from textual.app import App, ComposeResult

from supersim_tui.ops.sim_index import SimIndex, SimView
from supersim_tui.tui.sim_table import SimTable, count_text

from .test_sim_index import fake_sims


class TableApp(App[None]):
    def __init__(self, index: SimIndex) -> None:
        super().__init__()
        self.view = SimView(index)

    def compose(self) -> ComposeResult:
        yield SimTable(self.view, id="sims")

    def on_mount(self) -> None:
        self.query_one(SimTable).show(force=True)
        self.query_one(SimTable).focus()


def text(table: SimTable, y: int) -> str:
    return table.render_line(y).text


async def test_end_while_loading_lands_on_the_true_last_sim() -> None:
    """End pressed with part of the account loaded: as pages arrive the cursor follows; at the end it is
    on the account's last SIM (by creation), even though pages arrived out of order."""
    sims = fake_sims(3000)
    index = SimIndex()
    index.begin_load()
    index.put(sims[1000:1500])  # a slice in the middle arrives first
    app = TableApp(index)
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(SimTable)
        await pilot.press("end")
        assert table.current_sid() == sims[1499].sid
        for start in (0, 2500, 500, 1500, 2000):  # then the rest, in any order
            index.put(sims[start : start + 500])
            table.show()
            await pilot.pause()
        index.end_load(complete=True)
        table.show()
        await pilot.pause()
        assert table.current_sid() == sims[-1].sid
        assert (sims[-1].iccid or "?") in text(table, table.visible_rows)  # painted on the last line
        await pilot.press("home")
        assert table.current_sid() == sims[0].sid


async def test_sort_keys_header_and_the_cursor_stays_on_its_sim() -> None:
    """Shift+N sorts by name (▲, again ▼) in the header; the highlighted SIM stays highlighted when sorting
    or filtering keeps it; the count bar says shown, filter and sort."""
    sims = fake_sims(400)
    index = SimIndex()
    index.put(sims)
    app = TableApp(index)
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(SimTable)
        await pilot.press("down", "down", "down")
        chosen = table.current_sid()
        await pilot.press("N")
        assert "Name ▲" in text(table, 0)
        assert table.current_sid() == chosen
        await pilot.press("N")
        assert "Name ▼" in text(table, 0)
        app.view.query.text = "fleet-3"
        table.show()
        await pilot.pause()
        assert table.current_sid() == chosen  # sims[3] is named fleet-3-0000003
        bar = count_text(app.view, marked=2, narrow=False).plain
        shown = len(app.view.rows)
        assert bar == f'{shown:,} of 400 SIMs · filter "fleet-3" · sorted by name ▼ · 2 marked'
        app.view.query.text = "no such sim"
        table.show()
        await pilot.pause()
        assert table.current_sid() is None and table.row_count == 0


async def test_count_bar_while_loading() -> None:
    """While the index loads, the count bar says how far: "loading 1,500 of ~3,000" once the size is known."""
    index = SimIndex()
    index.expected = 3000
    index.begin_load()
    index.listed = index.put(fake_sims(1500))
    view = SimView(index)
    view.refresh()
    assert count_text(view, marked=0, narrow=False).plain == "1,500 of 1,500 SIMs · loading 1,500 of ~3,000"


async def test_narrow_table_drops_updated_and_cuts_with_ellipsis() -> None:
    """At 80 columns the Updated column goes; a long name is cut with an ellipsis, never silently."""
    index = SimIndex()
    long = fake_sims(1)[0]
    index.put([long.__class__(**{**{f: getattr(long, f) for f in long.__struct_fields__}, "unique_name": "x" * 90})])
    app = TableApp(index)
    async with app.run_test(size=(80, 12)) as pilot:
        table = app.query_one(SimTable)
        table.set_wide(False)
        await pilot.pause()
        assert "Updated" not in text(table, 0)
        assert "…" in text(table, 1)
