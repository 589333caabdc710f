"""The TUI demo shell driven with Textual's pilot against the in-process simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from supersim_tui.simulator import Simulator
from supersim_tui.tui.sims_pane import SimsPane
from supersim_tui.tui.vtable import VirtualTable

from .conftest import build_app, demo_simulator, settle, until

ICCID = 1  # the SIMs table's ICCID column (the first is the mark)


def cells(table: DataTable[object] | VirtualTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def test_fleets_and_naps_show_the_account(make_simulator: Callable[..., Simulator]) -> None:
    """Every fleet appears with its NAP's name; every NAP with its real network count and users."""
    sim = make_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        fleets = app.query_one("#fleets-table", DataTable)
        assert cells(fleets, 0) == [f.unique_name for f in sim.state.fleets.values()]
        nap_names = {n.sid: n.unique_name for n in sim.state.naps.values()}
        assert cells(fleets, 1) == [nap_names[f.network_access_profile_sid] for f in sim.state.fleets.values()]

        await pilot.press("2")
        naps = app.query_one("#naps-table", DataTable)
        assert cells(naps, 0) == [n.unique_name for n in sim.state.naps.values()]
        assert cells(naps, 1) == [str(len(n.network_sids)) for n in sim.state.naps.values()]
        unused = [
            n.unique_name
            for n in sim.state.naps.values()
            if not any(f.network_access_profile_sid == n.sid for f in sim.state.fleets.values())
        ]
        assert unused and all(cells(naps, 3)[cells(naps, 0).index(str(name))] == "— no fleet" for name in unused)


async def test_sims_are_indexed_then_jump_filter_and_sort_locally() -> None:
    """Every SIM is listed into the index in the background (by status, in parallel, 1,000 a page); then
    End/Home jump to the account's last/first SIM, `/` filters and Shift+N sorts without a request."""
    sim = demo_simulator(sims=1000)
    iccids = [s.iccid for s in sim.state.sims.values()]
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        table = pane.table
        assert table.row_count == 1000 and pane.complete
        assert cells(table, ICCID) == iccids  # the account's order, whatever order the slices arrived in
        listing = [r for r in sim.request_log if r.path == "/v1/Sims" and "Fleet=" not in r.query]
        assert len(listing) <= 6  # five status slices of at most 1,000, not 10 pages of 100
        before = len(sim.request_log)
        await pilot.press("end")
        assert table.cursor_row == 999 and str(table.get_row_at(999)[ICCID]) == iccids[-1]
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("slash", *"eu-trackers-0001")
        await pilot.pause()
        shown = cells(table, ICCID)
        expected = [s.iccid for s in sim.state.sims.values() if "eu-trackers-0001" in (s.unique_name or "")]
        assert shown == expected and expected
        assert f"{len(expected)} of 1,000 SIMs" in str(pane.query_one("#sims-count").render())
        await pilot.press("escape", "N")
        assert "Name ▲" in table.render_line(0).text
        assert "sorted by name ▲" in str(pane.query_one("#sims-count").render())
        assert len(sim.request_log) == before  # jumping, filtering and sorting read nothing


async def test_api_failure_becomes_a_notification_not_a_crash() -> None:
    """When the API keeps failing, the user sees the error and its hint; the app keeps running."""
    sim = demo_simulator()
    sim.force_faults("503", "503", path_prefix="/v1/NetworkAccessProfiles")
    app = build_app(sim, attempts=2)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, failures_expected=True)
        messages = [n.message for n in app._notifications]
        assert any("Service unavailable" in m and "try again" in m for m in messages), messages
        assert app.is_running
        detail = str(app.query_one("#naps-table-detail").render())
        assert "Loading the account failed" in detail and "Press r to try again" in detail
        assert not app.query_one("#naps-table", DataTable).loading
        await pilot.press("r")  # the fault is gone: refresh recovers
        await settle(pilot, failures_expected=True)
        assert app.query_one("#fleets-table", DataTable).row_count == len(sim.state.fleets)


async def test_refresh_shows_changes_made_elsewhere(make_simulator: Callable[..., Simulator]) -> None:
    """r reloads from the API: a fleet renamed outside the app shows its new name."""
    sim = make_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        sim.state.update_fleet("us-meters", {"UniqueName": "us-water-meters"})
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "us-water-meters" in cells(app.query_one("#fleets-table", DataTable), 0)


@pytest.mark.parametrize(
    ("name", "size", "keys"),
    [
        ("fleets-120x36", (120, 36), []),
        ("naps-120x36", (120, 36), ["2"]),
        ("sims-80x24", (80, 24), ["3", "down", "down"]),
        ("fleets-80x24", (80, 24), []),
        ("fleets-filtered-sorted-80x24", (80, 24), ["T", "T", "slash", "!", "l", "a", "b", "enter"]),
        ("naps-filtered-sorted-80x24", (80, 24), ["2", "N", "slash", "~", "e", "o", "escape"]),
    ],
)
def test_snapshots(snap_compare: Callable[..., bool], name: str, size: tuple[int, int], keys: list[str]) -> None:
    """The main panes as pictures (fixed account, fixed dates, workers finished)."""

    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    assert snap_compare(build_app(demo_simulator()), terminal_size=size, run_before=before)


async def test_sims_filters_go_to_the_server() -> None:
    """Status and ICCID filters list only matching SIMs (server-side); a bad ICCID is explained, not sent;
    x clears every filter."""
    from textual.widgets import Input

    from supersim_tui.tui.sims_filters import SIM_STATUSES

    sim = demo_simulator(sims=250)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.query_one("#filter-status").focus()  # the list under Enter: "any status", then the statuses
        await pilot.press("enter", *["down"] * (1 + SIM_STATUSES.index("inactive")), "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = pane.table
        expected = [s.iccid for s in sim.state.sims.values() if s.status == "inactive"]
        assert cells(table, ICCID) == expected
        assert "Status=inactive" in sim.request_log[-1].query
        assert str(pane.query_one("#sims-count").render()) == f"{len(expected)} of {len(expected)} SIMs"

        target = expected[0]
        iccid_box = pane.query_one("#filter-iccid", Input)
        iccid_box.value = target[:-1] + str((int(target[-1]) + 1) % 10)
        before = len(sim.request_log)
        iccid_box.post_message(Input.Submitted(iccid_box, iccid_box.value))
        await pilot.pause()
        assert "check digit" in str(pane.query_one("#sims-count").render())
        assert len(sim.request_log) == before
        iccid_box.value = target
        iccid_box.post_message(Input.Submitted(iccid_box, target))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert cells(table, ICCID) == [target]

        pane.action_clear_sim_filter()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 250 and pane.filter_label is None  # the whole account, indexed


async def test_a_table_that_loads_says_so_in_words_and_stays_still() -> None:
    """The Fleets table, while the API is slow to list the fleets, is covered by "Loading…": words a screen reader,
    NO_COLOR and a log can carry, and one frame, not Textual's dots redrawn 16 times a second over SSH."""
    from textual.widgets import Static

    from .test_qa9 import screen_text

    sim = demo_simulator(latency_ms=3000)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.main.query_one("#fleets-table", DataTable)
        await until(pilot, lambda: table._cover_widget is not None)
        await pilot.pause()
        assert table.loading
        cover = table._cover_widget
        assert isinstance(cover, Static) and cover.auto_refresh is None
        assert "Loading…" in screen_text(app)
