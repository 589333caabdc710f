"""Fleets and NAPs like the SIMs pane and the catalog: ``/`` filters as you type (``!`` inverts, ``~`` is fuzzy),
Shift+letter sorts by a column (again: reversed; shown in the header), each pane remembers its own, the count bar
says what is shown; the cursor stays on its fleet or NAP (by SID) after an edit, a rename, a clone and ``r``.
Keys are delivered in one burst (``pilot.press`` hands them all to the app at once)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from supersim_tui.tui.forms import FleetForm, NameForm
from supersim_tui.tui.pane import Part, fit_parts
from supersim_tui.tui.panes import FleetsPane, NapsPane

from .conftest import build_app, demo_simulator, open_nap_compare, settle


def names(table: DataTable[Any]) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def header(table: DataTable[Any]) -> list[str]:
    return [column.label.plain for column in table.ordered_columns]


def count_bar(pane: FleetsPane | NapsPane) -> str:
    return str(pane.query_one(".count-bar").render())


async def test_fleets_filter_as_you_type_inverted_fuzzy_and_esc_keeps_it() -> None:
    """``/eu`` shows only the fleets whose name or NAP holds "eu", the count bar says "1 of 7 fleets"; Esc goes
    back to the table with the filter kept, and the pane's keys act on the filtered row; ``!`` inverts, ``~``
    matches the letters in order; x clears it. Typed letters never run the pane's keys (n, e, p, s)."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        pane = app.query_one(FleetsPane)
        table = pane.table
        await pilot.press("slash", *"eu", "escape")
        assert names(table) == ["eu-trackers"]
        assert "1 of 7 fleets" in count_bar(pane) and 'filter "eu"' in count_bar(pane)
        assert app.focused is table
        await pilot.press("e")  # the pane's key acts on the one fleet shown
        await settle(pilot)
        assert isinstance(app.screen, FleetForm) and app.screen.fleet is not None
        assert app.screen.fleet.unique_name == "eu-trackers"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"!eu", "enter")
        assert "eu-trackers" not in names(table) and len(names(table)) == 6
        assert 'not "eu"' in count_bar(pane)
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"~fsn", "enter")
        assert names(table) == ["field-sensors"]
        assert not isinstance(app.screen, (FleetForm, NameForm))  # n, s, e typed into the filter only
        await pilot.press("x")
        assert len(names(table)) == 7 and "7 fleets" in count_bar(pane) and "filter" not in count_bar(pane)
        assert pane.query_one(Input).value == ""


async def test_sort_keys_shown_in_the_header_reversed_on_second_press_and_remembered_per_pane() -> None:
    """Shift+T sorts the fleets by total SIMs (▲), again reverses (▼), the header marks the column; the NAPs
    pane keeps its own sort (Shift+N: by networks); leaving and coming back keeps both."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        fleets = app.query_one(FleetsPane)
        totals = {
            f.unique_name: sum(1 for s in sim.state.sims.values() if s.fleet_sid == f.sid)
            for f in sim.state.fleets.values()
        }
        await pilot.press("T")
        assert [totals[n] for n in names(fleets.table)] == sorted(totals.values())
        assert "Total ▲" in header(fleets.table)
        assert "sorted by total ▲" in count_bar(fleets)
        await pilot.press("T")
        assert [totals[n] for n in names(fleets.table)] == sorted(totals.values(), reverse=True)
        assert "Total ▼" in header(fleets.table)
        await pilot.press("2", "N", "N")
        naps = app.query_one(NapsPane)
        networks = {n.unique_name: len(n.network_sids) for n in sim.state.naps.values()}
        assert [networks[n] for n in names(naps.table)] == sorted(networks.values(), reverse=True)
        assert "Networks ▼" in header(naps.table) and "Total ▼" not in header(naps.table)
        await pilot.press("1")
        assert "Total ▼" in header(fleets.table)
        assert [totals[n] for n in names(fleets.table)] == sorted(totals.values(), reverse=True)
        await pilot.press("r")
        await settle(pilot)
        assert [totals[n] for n in names(fleets.table)] == sorted(totals.values(), reverse=True)


async def test_naps_filter_matches_the_fleets_using_them() -> None:
    """On the NAPs tab, ``/`` matches a NAP's name and the fleets using it: "meters" finds us-only (used by
    us-meters); the count bar says "1 of 6 NAPs"."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", *"meters", "enter")
        naps = app.query_one(NapsPane)
        assert names(naps.table) == ["us-only"]
        assert "1 of 6 NAPs" in count_bar(naps)


async def fleet_cursor(pilot: Pilot[Any]) -> str | None:
    await settle(pilot)
    return pilot.app.query_one(FleetsPane).current_key


async def test_fleet_cursor_follows_its_fleet_after_an_edit_and_a_rename_that_moves_it() -> None:
    """Sorted by name, renaming the highlighted fleet moves its row: the cursor moves with it (by SID, not by
    row number); an edit and r keep it too."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("F", "home", "down", "down")
        pane = app.query_one(FleetsPane)
        sid = pane.current_key
        assert sid is not None and pane.table.cursor_row == 2
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FleetForm)
        form.query_one("#fleet-name", Input).value = "zz-last"
        await pilot.press("ctrl+s")
        assert await fleet_cursor(pilot) == sid
        assert pane.table.cursor_row == pane.table.row_count - 1  # zz-last sorts last
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FleetForm)
        app.screen.query_one("#fleet-limit", Input).value = "77"
        await pilot.press("ctrl+s")
        assert await fleet_cursor(pilot) == sid
        await pilot.press("r")
        assert await fleet_cursor(pilot) == sid
    assert sim.state.fleets[sid].unique_name == "zz-last" and sim.state.fleets[sid].data_limit == 77


async def test_nap_cursor_stays_after_rename_and_refresh_and_goes_to_a_new_clone() -> None:
    """The cursor stays on the NAP renamed, and after r; after y (clone) it is on the new clone, not the first
    row."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", "down", "down", "down")
        naps = app.query_one(NapsPane)
        sid = naps.current_key
        assert sid is not None and naps.table.cursor_row == 3
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, NameForm)
        app.screen.query_one("#name", Input).value = "renamed-nap"
        await pilot.press("enter")
        await settle(pilot)
        assert sim.state.naps[sid].unique_name == "renamed-nap"
        assert naps.current_key == sid
        await pilot.press("r")
        await settle(pilot)
        assert naps.current_key == sid
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, NameForm)
        await pilot.press("enter")
        await settle(pilot)
        clone = sim.state.find_nap("renamed-nap-copy")
        assert clone is not None
        assert naps.current_key == clone.sid


def test_count_bar_says_less_then_drops_the_least_important_parts_to_fit() -> None:
    """Parts that do not fit are said shorter, then dropped, least important first (the filter, shown in its
    field, and the sort before the marks and the load); the most important part alone is cut with an ellipsis
    (never silently)."""
    parts = [
        Part(Text("3 of 12 fleets"), 9),
        Part(Text('filter "eu"'), 2),
        Part(Text("sorted by name ▲"), 3, Text("name ▲")),
    ]
    assert fit_parts(parts, 80).plain == '3 of 12 fleets · filter "eu" · sorted by name ▲'
    assert fit_parts(parts, 40).plain == "3 of 12 fleets · sorted by name ▲"  # the filter is in its field
    assert fit_parts(parts, 30).plain == "3 of 12 fleets · name ▲"
    marks = [Part(Text("3 marked"), 8, Text("3■")), Part(Text("loading 4,000 of ~9,000"), 8, Text("loading 4,000"))]
    assert fit_parts([*parts, *marks], 44).plain == "3 of 12 fleets · 3 marked · loading 4,000"
    assert fit_parts([*parts, *marks], 35).plain == "3 of 12 fleets · 3■ · loading 4,000"
    assert fit_parts(parts, 20).plain == "3 of 12 fleets"
    assert fit_parts(parts, 8).plain == "3 of 12…"


def test_count_bar_keeps_a_load_under_way_in_its_tiny_form_before_dropping_it() -> None:
    """A load under way (``tiny`` form ``…``) is still said when there is no room for ``loading 42,000``: the
    count loses its noun and the load becomes ``…`` before either is dropped; the filter goes first."""
    parts = [
        Part(Text("2 of 82,906 SIMs"), 9, Text("2/82,906 SIMs"), Text("2/82,906")),
        Part(Text('filter "eu"'), 2),
        Part(Text("loading 82,906 of ~100,000"), 8, Text("loading 82,906"), Text("…")),
    ]
    assert fit_parts(parts, 40).plain == "2 of 82,906 SIMs · loading 82,906"
    assert fit_parts(parts, 20).plain == "2/82,906 SIMs · …"
    assert fit_parts(parts, 12).plain == "2/82,906 · …"


async def test_sims_count_bar_fits_at_80_columns_with_a_filter_a_sort_and_marks() -> None:
    """At 80x24 with a ``/`` filter, a sort and a mark, the SIMs count bar is whole on screen (not cut at the
    edge): it says how many are shown of how many and how many are marked, in fewer words, and the filter
    field keeps room to show what is typed."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "S", "space", "slash", *"active", "enter")
        await settle(pilot)
        bar = app.query_one("#sims-count")
        text = str(bar.render())
        assert " of 300 SIMs" in text and "1" in text and ("1■" in text or "1 marked" in text)
        assert bar.region.right <= app.size.width - 1 and bar.region.width >= len(text)
        search = app.query_one("#sims-search", Input)
        assert search.region.width >= len("active") + 2 and search.region.right <= bar.region.x


def test_a_sorted_header_keeps_its_mark_within_a_narrow_column() -> None:
    """In a 6-cell column the sort mark stays: "Total▼" (no space), "Sched▲"; a longer label is cut with an
    ellipsis before the mark, never the mark."""
    from supersim_tui.tui.vtable import header_label

    assert header_label("Total", "T", "▼", 6).plain == "Total▼"
    assert header_label("Total", "T", "▼", None).plain == "Total ▼"
    assert header_label("Networks", "N", "▲", 6).plain == "Netw…▲"
    assert header_label("Active", "A", None, 6).plain == "Active"


async def test_its_nap_shows_the_nap_even_when_the_naps_filter_hides_it() -> None:
    """p on a fleet goes to its NAP on the NAPs tab: a NAPs filter that hides that NAP is cleared, so the cursor
    is on it."""
    sim = demo_simulator()
    app = build_app(sim)
    fleet = sim.state.find_fleet("us-meters")
    assert fleet is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", *"apac", "enter", "1")
        fleets = app.query_one(FleetsPane)
        fleets.select(fleet.sid)
        await pilot.press("p")
        await settle(pilot)
        naps = app.query_one(NapsPane)
        assert naps.current_key == fleet.network_access_profile_sid
        assert naps.table_query.text == "" and "6 NAPs" in count_bar(naps)


async def test_nap_compare_is_readable_at_80x24() -> None:
    """At 80x24 the compare view's three lists fit their columns (no sideways scrolling, long names cut with an
    ellipsis), the countries only one NAP covers take at most two lines (the rest counted: "+N"), and the
    "Only in A" list keeps room for at least 8 networks."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_nap_compare(pilot, "eu-only", "uk-ie")
        for key in ("only-a", "only-b", "both"):
            table = screen.query_one(f"#compare-{key}", DataTable)
            assert table.virtual_size.width <= table.scrollable_content_region.width, key
            title = screen.query_one(f"#compare-{key}-title")
            assert title.size.height <= 3, key  # the title and at most two lines of countries
        only_a = screen.query_one("#compare-only-a", DataTable)
        assert only_a.scrollable_content_region.height - 1 >= 8  # rows under the header
        assert "+" in str(screen.query_one("#compare-only-a-title").render())  # 23 countries: the rest counted


def test_snapshot_nap_compare_at_80x24(snap_compare: Callable[..., bool]) -> None:
    """The compare view of eu-only and uk-ie at 80x24, as a picture (operators and countries, nothing cut off)."""

    async def compare(pilot: Pilot[Any]) -> None:
        await open_nap_compare(pilot, "eu-only", "uk-ie")

    assert snap_compare(build_app(demo_simulator()), terminal_size=(80, 24), run_before=compare)


async def test_fleet_totals_add_up_to_the_sims_the_sims_pane_holds_at_80_columns() -> None:
    """At 80x24 the Fleets table's Total column, plus the SIMs in no fleet, adds up to the SIMs the SIMs pane
    shows (its index), and each fleet's status counts add up to its Total."""
    from supersim_tui.tui.sims_pane import SimsPane

    app = build_app(demo_simulator())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.query_one(FleetsPane).table
        totals = 0
        for row in range(table.row_count):
            cells = [str(cell).replace(",", "") for cell in table.get_row_at(row)]
            assert sum(int(c) for c in cells[-6:-1]) == int(cells[-1])
            totals += int(cells[-1])
        index = app.query_one(SimsPane).index
        fleetless = sum(1 for row in range(len(index)) if index.fleet_sid(row) is None)
        assert totals + fleetless == len(index) == 300


async def test_naps_table_keeps_to_80_columns_when_a_nap_has_many_fleets() -> None:
    """At 80x24 a NAP used by fleets with long names does not push the NAPs table past the edge: the fleets are
    cut with an ellipsis (the detail strip names them all)."""
    sim = demo_simulator()
    for name in ("field-sensors", "lab-bench", "spare-pool"):
        sim.state.update_fleet(name, {"UniqueName": f"{name}-with-a-much-longer-name"})
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        naps = app.query_one(NapsPane)
        table = naps.table
        assert table.virtual_size.width <= table.scrollable_content_region.width
        row = [str(c) for c in table.get_row_at(names(table).index("global"))]
        assert row[-1].endswith("…") and row[-1].startswith("field-sensors-with")


async def test_a_new_fleet_gets_the_cursor() -> None:
    """After n creates a fleet, the cursor is on the new fleet (not the first row)."""
    from textual.widgets import Select

    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FleetForm)
        form.query_one("#fleet-name", Input).value = "pumps"
        form.query_one("#fleet-nap", Select).value = sim.state.find_nap("apac").sid  # type: ignore[union-attr]
        await pilot.press("ctrl+s")
        await settle(pilot)
        created = sim.state.find_fleet("pumps")
        assert created is not None
        assert app.query_one(FleetsPane).current_key == created.sid


async def test_a_new_nap_gets_the_cursor() -> None:
    """After n creates a NAP (named, networks picked in the catalog, a to create), the NAPs table's cursor is on
    the new NAP (not the first row), as after a new fleet."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        naps = app.query_one(NapsPane)
        first = naps.current_key
        await pilot.press("n", *"zz-roaming", "enter")
        await settle(pilot)
        await pilot.press("slash", *"262-01", "enter", "space", "a")
        await settle(pilot)
        created = sim.state.find_nap("zz-roaming")
        assert created is not None
        assert names(naps.table)[0] != "zz-roaming"
        assert naps.current_key == created.sid != first
