"""The Fleets table: Scheduled and Total columns from the SIM index, nothing cut off at 80 columns, the cursor
kept on its fleet across a refresh."""

from __future__ import annotations

from typing import Any

from textual.coordinate import Coordinate
from textual.widgets import DataTable

from supersim_tui.tui.panes import FleetsPane

from .conftest import build_app, demo_simulator, settle


def counts_by_fleet(table: DataTable[object]) -> dict[str, list[str]]:
    return {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)[-6:]] for i in range(table.row_count)}


async def test_counts_add_up_with_scheduled_and_total() -> None:
    """Each fleet's Active/Ready/New/Off/Sched counts match the simulator and Total is their sum; over all
    fleets (plus the SIMs without one) they add up to every SIM of the account."""
    sim = demo_simulator(sims=300)
    app = build_app(sim)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(pilot)
        table = app.query_one("#fleets-table", DataTable)
        shown = counts_by_fleet(table)
        total = 0
        for fleet in sim.state.fleets.values():
            mine = [s for s in sim.state.sims.values() if s.fleet_sid == fleet.sid]
            by = [sum(1 for s in mine if s.status == st) for st in ("active", "ready", "new", "inactive", "scheduled")]
            assert shown[fleet.unique_name or ""] == [*(f"{n:,}" for n in by), f"{len(mine):,}"]
            total += len(mine)
        fleetless = sum(1 for s in sim.state.sims.values() if s.fleet_sid is None)
        assert total + fleetless == len(sim.state.sims)
        # the count bar says the rest: the totals did not add up to the SIMs tab's, without a word why
        assert fleetless and f"+ {fleetless:,} SIMs without a fleet" in str(
            app.query_one(FleetsPane).query_one(".count-bar").render()
        )


async def test_at_80_columns_nothing_is_cut_and_the_cursor_stays_after_r() -> None:
    """At 80 columns the table fits the pane (no column past the edge) and the fleet names are whole: the count
    columns are as narrow as their numbers and headings allow, and the names get the room (QA qa13: at 80x24
    "field-senso…" next to count columns padded to 6); after r the cursor is still on the fleet it was on."""
    sim = demo_simulator(sims=300)
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.query_one("#fleets-table", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "field-sensors" in names and not any(name.endswith("…") for name in names), names
        lines = [plain_line(table, y) for y in range(table.row_count + 1)]
        assert any(line.split()[:2] == ["field-sensors", "global"] for line in lines), lines
        for index, column in enumerate(table.ordered_columns[2:], 2):  # as wide as their heading or widest number
            cells = [str(table.get_cell_at(Coordinate(row, index))) for row in range(table.row_count)]
            assert column.content_width == max(len(str(column.label)), *map(len, cells)), (column.label, cells)
        await pilot.press("down", "down", "down")
        chosen = table.get_row_at(3)[0]
        await pilot.press("r")
        await settle(pilot)
        assert table.cursor_row == 3 and table.get_row_at(3)[0] == chosen


def plain_line(table: DataTable[Any], y: int) -> str:
    """The table's line ``y`` (0: the header) as it is drawn."""
    return "".join(segment.text for segment in table.render_line(y))


async def test_at_80_columns_a_long_name_is_cut_with_an_ellipsis_and_the_counts_stay_whole() -> None:
    """A fleet name longer than the room at 80x24 is cut with "…" (never silently), the table still fits the
    pane, and its counts, 12,345 of them new, are shown whole (numbers are never the ones cut)."""
    sim = demo_simulator(sims=300)
    fleet = next(f for f in sim.state.fleets.values() if f.unique_name == "spare-pool")
    fleet.unique_name = "spare-pool-for-the-northern-warehouses-and-the-returns-desk"
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.query_one(FleetsPane)
        pane.fleet_counts = {fleet.sid: {"active": 0, "ready": 0, "new": 12_345, "inactive": 0, "scheduled": 0}}
        await pilot.pause()
        table = pane.table
        assert table.virtual_size.width <= table.scrollable_content_region.width
        line = plain_line(table, table.get_row_index(fleet.sid) + 1)
        assert "spare-pool-for" in line and "…" in line, line
        assert line.split()[-6:] == ["0", "0", "12,345", "0", "0", "12,345"], line
        assert "field-sensors" in [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def test_large_counts_keep_to_six_characters_when_narrow() -> None:
    """Counts are shortened, never cut: 123,456 reads 123k and 1,234,567 reads 1.2M in a 6-wide column."""
    from supersim_tui.tui.panes import count_cell

    assert count_cell(99_999, narrow=True) == "99,999"
    assert count_cell(123_456, narrow=True) == "123k"
    assert count_cell(1_234_567, narrow=True) == "1.2M"
    assert count_cell(1_234_567, narrow=False) == "1,234,567"


async def test_counts_arriving_after_the_fleets_widen_their_columns() -> None:
    """Counts that arrive after the table was drawn with ``…`` placeholders are shown whole: a fleet with
    12,345 new SIMs reads "12,345" under New (before, the column kept the width of "New" and read "12,")."""
    sim = demo_simulator(sims=300)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        pane = app.query_one(FleetsPane)
        sid = next(f.sid for f in sim.state.fleets.values() if f.unique_name == "spare-pool")
        pane.fleet_counts = {sid: {"active": 1_234_567, "ready": 0, "new": 12_345, "inactive": 0, "scheduled": 0}}
        await pilot.pause()
        row = pane.table.get_row_index(sid)
        line = "".join(segment.text for segment in pane.table.render_line(row + 1))  # below the header
        assert "1,234,567" in line and "12,345" in line and "1,246,912" in line


async def test_widening_the_terminal_past_narrow_shows_every_cell_whole() -> None:
    """80 columns, then 120: the table gains the Data/Limit/SMS columns and every cell is shown whole (before, the
    columns kept their headers' widths: "field", "glo", "500 M", "28,68")."""
    sim = demo_simulator(sims=300)
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.query_one(FleetsPane)
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        await pilot.pause()
        lines = ["".join(s.text for s in pane.table.render_line(y)) for y in range(1, pane.table.row_count + 1)]
        row = next(line for line in lines if "field-sensors" in line)
        assert "global" in row and "1 GB" in row, lines
        assert any("500 MB" in line for line in lines), lines


async def test_a_hidden_tabs_table_is_drawn_when_its_tab_is_shown() -> None:
    """Counts that change while another tab is shown are drawn when the Fleets tab is shown, in the frame that
    shows it, by key or with the mouse; not each time they change (a hidden tab's redraw cost a layout of the
    whole screen: at start-up, ~100 ms of the SIMs' load, End to the last SIM 0.83 s → 0.73 s)."""
    sim = demo_simulator(sims=300)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        pane = app.query_one(FleetsPane)
        table = pane.table
        sid = next(f.sid for f in sim.state.fleets.values() if f.unique_name == "spare-pool")
        before = [str(c) for c in table.get_row(sid)]
        for key, counts in (("1", 777_001), ("mouse", 777_002)):
            await pilot.press("3")
            await settle(pilot)
            pane.fleet_counts = {sid: {"active": counts, "ready": 0, "new": 0, "inactive": 0, "scheduled": 0}}
            await pilot.pause()
            assert [str(c) for c in table.get_row(sid)] == before, "redrawn while hidden"
            if key == "mouse":
                await pilot.click("#--content-tab-fleets")
            else:
                app.main.action_show_tab("fleets")  # as the key does, checked before any frame
            assert f"{counts:,}" in [str(c) for c in table.get_row(sid)] or key == "mouse"
            await pilot.pause()
            assert f"{counts:,}" in [str(c) for c in table.get_row(sid)]
            before = [str(c) for c in table.get_row(sid)]
