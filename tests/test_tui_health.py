"""The Health and Usage tabs driven with Textual's pilot against the in-process simulator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from textual.widgets import DataTable, TabbedContent

import supersim_tui.tui.health as health_tab
from supersim_tui.simulator.traffic import EPOCH, FACTORS
from supersim_tui.tui.health import HealthPane
from supersim_tui.tui.panes import FleetsPane
from supersim_tui.tui.sims_pane import SimsPane
from supersim_tui.tui.usage import UsagePane, UsagePlot

from .conftest import FIXED_EPOCH, build_app, demo_simulator, settle, until


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Health and Usage are computed for the simulator's fixed present."""
    monkeypatch.setattr(health_tab, "now", lambda: FIXED_EPOCH)


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


async def test_action_key_marks_exactly_the_findings_sims() -> None:
    """On the stuck-scheduled finding, m opens the SIMs pane with exactly the SIMs scheduled for over 24 hours
    marked (no others), filtered to scheduled; on the empty-fleet finding, Enter shows that fleet."""
    sim = demo_simulator()
    stuck = {
        s.sid
        for s in sim.state.sims.values()
        if s.status == "scheduled" and when(s.date_updated) < FIXED_EPOCH - timedelta(hours=24)
    }
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        pane = app.query_one(HealthPane)
        assert pane.report is not None
        checks = [f.check for f in pane.report.findings]
        table = pane.table
        table.move_cursor(row=checks.index("scheduled-stuck"))
        await pilot.press("m")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "sims"
        sims = app.query_one(SimsPane)
        assert stuck and set(sims.marks) == stuck
        assert sims.filters[0] == "scheduled"

        await pilot.press("4")
        await settle(pilot)
        table.focus()
        table.move_cursor(row=checks.index("fleet-empty"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "fleets"
        current = app.query_one(FleetsPane).current
        empty = [f for f in sim.state.fleets.values() if not any(s.fleet_sid == f.sid for s in sim.state.sims.values())]
        assert current is not None and [current.sid] == [f.sid for f in empty]


async def test_usage_tab_tables_match_the_records() -> None:
    """The Usage tab's first view lists each fleet's data over the last 30 whole days, as the simulator's
    records give them, largest first; v moves through the views and each fills its table."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        table = app.query_one("#usage-table", DataTable)
        end = FIXED_EPOCH.replace(hour=0)
        start = end - timedelta(days=30)
        first, last = (start - EPOCH).days, (end - EPOCH).days
        expected = {}
        for fleet in sim.state.fleets.values():
            total = 0
            for s in sim.state.sims.values():
                for seg in s.usage:
                    if seg.fleet_sid != fleet.sid:
                        continue
                    for day in range(max(first, seg.start_day), min(last, seg.end_day or last)):
                        total += seg.daily_bytes * (1000 if seg.cohort < 0 else FACTORS[seg.cohort][day % 97]) // 1000
            if total:
                expected[fleet.unique_name] = round(total / 1_000_000, 1)
        shown = {
            str(table.get_row_at(i)[0]): float(str(table.get_row_at(i)[1]).replace(",", ""))
            for i in range(table.row_count)
        }
        assert shown == expected
        assert list(shown.values()) == sorted(shown.values(), reverse=True)
        for _ in range(3):
            await pilot.press("v")
            await settle(pilot)
            assert table.row_count > 0
        assert app.query_one(UsagePane).data is not None


async def test_usage_tab_draws_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """With NO_COLOR set (Textual then paints through its monochrome filter), the Usage tab opens and draws
    its plot at 80x24 instead of crashing the app on the plot's unstyled blank lines."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(demo_simulator())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        plot = app.query_one("#usage-plot", UsagePlot)
        await until(pilot, lambda: plot.pictures > 0)
        await pilot.pause()
        assert app.is_running and app.return_code is None
        await pilot.press("v")
        await settle(pilot)
        await pilot.pause()
        assert app.is_running and app.return_code is None


@pytest.mark.parametrize(
    ("name", "size", "keys"),
    [
        ("health-120x36", (120, 36), ["4"]),
        ("health-80x24", (80, 24), ["4"]),
        ("usage-120x36", (120, 36), ["5"]),
        ("usage-80x24", (80, 24), ["5"]),
        ("usage-limit-120x36", (120, 36), ["5", "v", "v", "v"]),
    ],
)
def test_snapshots(snap_compare: Callable[..., bool], name: str, size: tuple[int, int], keys: list[str]) -> None:
    """Health and Usage as pictures (fixed account and present, workers finished)."""

    async def before(pilot: object) -> None:
        await settle(pilot)  # type: ignore[arg-type]
        for key in keys:
            await pilot.press(key)  # type: ignore[attr-defined]
            await settle(pilot)  # type: ignore[arg-type]

    assert snap_compare(build_app(demo_simulator()), terminal_size=size, run_before=before)


async def test_at_80_columns_every_finding_reads_in_full() -> None:
    """At 80x24 a finding's title longer than the Finding column is folded onto a second line of its row, never
    cut at the table's edge (before: "… at or near the 500 MB dat", with no ellipsis and no other place to read
    it)."""
    from textual.geometry import Region

    app = build_app(demo_simulator())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.pause()
        pane = app.query_one(HealthPane)
        assert pane.report is not None and pane.report.findings
        table = pane.table
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing past the edge
        table.styles.height = table.virtual_size.height + 1  # every row on screen, to read them
        await pilot.pause()
        painted = "".join(
            strip.text for strip in table.render_lines(Region(0, 0, table.size.width, table.virtual_size.height))
        )
        squeezed = "".join(painted.split())
        for finding in pane.report.findings:
            assert "".join(finding.title.split()) in squeezed, finding.title


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_usage_bar_wraps_between_its_parts_never_inside_one(size: tuple[int, int]) -> None:
    """The Usage tab's bar (views, fleet and period, keys) folds between its parts when the terminal is narrow: at
    80 columns "30 days" was cut in two ("30" at the end of a line, "days" on the next). Each part reads whole on
    one line, at 80x24 and 120x36 (where it all fits on one line), and a fleet and period too long are still
    given in full."""
    from textual.geometry import Region
    from textual.widgets import Static

    app = build_app(demo_simulator())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.pause()
        bar = app.query_one("#usage-bar", Static)
        lines = [strip.text.strip() for strip in bar.render_lines(Region(0, 0, bar.size.width, bar.size.height))]
        lines = [line for line in lines if line]
        for part in ("[Over time]", "Top SIMs", "Top countries", "Period vs limit", "· all fleets · 30 days"):
            assert any(part in line for line in lines), (part, lines)
        assert any("v view · f fleet · t period" in line for line in lines), lines
        assert len(lines) == (1 if size[0] >= 120 else 2), lines
