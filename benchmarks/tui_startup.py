"""tui-startup and catalog-filter.

tui-startup: from creating the app to the fleets table painted with data in demo mode
(in-process simulator), as a ratio to a minimal Textual app (one Static) started the same
way in the same run. Both headless (App.run_test), best of several runs.

catalog-filter: the time per keystroke to filter the full catalog while typing
("germany", "vodafone es", "262-0"), alone and with the table rebuilt. Target: under one
frame (16 ms).
"""

from __future__ import annotations

import asyncio
import statistics
import time

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from supersim_tui.api import BasicAuth, SuperSimClient
from supersim_tui.simulator import Simulator, SimulatorConfig, asgi_transport
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.catalog import CatalogScreen, filter_rows

FRAME_MS = 16.0


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")


def demo_app() -> SuperSimApp:
    sim = Simulator(SimulatorConfig(sims=300, seed=1))
    client = SuperSimClient(
        BasicAuth(sim.config.account_sid, sim.config.auth_token),
        base_url="http://127.0.0.1",
        transport=asgi_transport(sim),
    )
    return SuperSimApp(client, account_label="demo")


async def minimal_start() -> float:
    start = time.perf_counter()
    async with Minimal().run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        return time.perf_counter() - start


async def demo_start() -> float:
    app = demo_app()
    start = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one("#fleets-table", DataTable)
        for _ in range(500):  # bounded: 5 s at most
            if table.row_count:
                break
            await pilot.pause(0.01)
        return time.perf_counter() - start  # rows are in; they paint on the next refresh


async def filter_times() -> tuple[list[float], list[float]]:
    app = demo_app()
    pure: list[float] = []
    with_table: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        screen = CatalogScreen(app.client, app.catalog, nap=app.naps[0], enabled=[])
        await app.push_screen(screen)
        await pilot.pause()
        for word in ("germany", "vodafone es", "262-0"):
            for end in range(1, len(word) + 1):
                start = time.perf_counter()
                rows = filter_rows(screen.rows, word[:end])
                pure.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                screen._show(filter_rows(screen.rows, word[:end]))
                with_table.append((time.perf_counter() - start) * 1000)
                await pilot.pause()
        assert rows, "the last filter matched nothing"
    return pure, with_table


def run(runs: int = 3) -> bool:
    minimal = min(asyncio.run(minimal_start()) for _ in range(runs))
    demo = min(asyncio.run(demo_start()) for _ in range(runs))
    print(f"tui-startup: first data painted {demo * 1000:.0f} ms, minimal Textual app {minimal * 1000:.0f} ms")
    print(f"tui-startup ratio (demo / minimal app): {demo / minimal:.2f}")
    pure, with_table = asyncio.run(filter_times())
    worst_pure, worst_table = max(pure), max(with_table)
    print(
        f"catalog-filter: {len(pure)} keystrokes over {380} networks: filter median "
        f"{statistics.median(pure):.2f} ms (worst {worst_pure:.2f}), with table rebuild median "
        f"{statistics.median(with_table):.2f} ms (worst {worst_table:.2f})"
    )
    ok = worst_table < FRAME_MS
    print(
        f"catalog-filter worst keystroke / one frame (16 ms): {worst_table / FRAME_MS:.2f}  target < 1.00  "
        f"{'OK' if ok else 'MISSED'}"
    )
    return ok
