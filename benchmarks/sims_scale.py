"""sims-scale: the SIMs pane on an account of 100,000 SIMs.

The simulator runs in its own process on 127.0.0.1 (seeded with 100,000 SIMs); the
app runs headless in a child process of its own, so the peak memory measured
(``ru_maxrss``) is the app's alone. Figures:

- first rows (target: within 0.3 s): opening the SIMs pane (its first page is read
  at start, alongside the fleets), and a filter's first page read from the server,
  each against a raw httpx read of the same page; also app start to the first SIM
  rows, against a minimal Textual app's start plus one raw page read;
- scroll to row 10,000: End pressed until the cursor is on SIM 10,000 (a page read
  per step), as a ratio to reading those 100 pages with raw httpx;
- peak memory of the app process (target: under 200 MB), as a ratio to a minimal
  Textual app's; and the growth from row 1,000 to row 10,000 (a window of pages:
  it should stay near zero).
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time

import httpx

from .loopback import ACCOUNT, TOKEN, loopback_simulator

SIMS = 100_000
TARGET_ROW = 10_000
FIRST_ROWS_TARGET = 0.3
MEMORY_TARGET_MB = 200


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


async def _app_run(url: str) -> dict[str, float]:
    from textual.widgets import Select

    from supersim_tui.api import BasicAuth, SuperSimClient
    from supersim_tui.tui.app import SuperSimApp
    from supersim_tui.tui.panes import SimsPane

    start = time.perf_counter()
    client = SuperSimClient(BasicAuth(ACCOUNT, TOKEN), base_url=url)
    app = SuperSimApp(client, account_label="bench")
    figures: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(SimsPane)
        for _ in range(1000):  # bounded: 10 s
            if pane.table.row_count:
                break
            await pilot.pause(0.01)
        figures["start_to_rows"] = time.perf_counter() - start
        await app.workers.wait_for_complete()
        start = time.perf_counter()
        await pilot.press("3")  # the first page was read at start: opening the pane paints it
        await pilot.pause()
        figures["open_pane"] = time.perf_counter() - start

        start = time.perf_counter()
        pane.query_one("#filter-status", Select).value = "active"  # a new server-side read
        for _ in range(1000):  # bounded: 10 s
            await pilot.pause(0.001)
            if pane.filter_label and pane.table.row_count and not pane._reading:
                break
        await pilot.pause()
        figures["filter_to_rows"] = time.perf_counter() - start
        pane.query_one("#filter-status", Select).clear()
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane.table.focus()
        start = time.perf_counter()
        for _ in range(TARGET_ROW // 50):  # bounded: far more steps than pages
            await pilot.press("end")
            while pane._reading:
                await pilot.pause(0.001)
            await pilot.pause()
            position = pane.position(pane.table.cursor_row)
            if position >= 1000 and "rss_at_1000" not in figures:
                figures["rss_at_1000"] = _rss_mb()
            if position >= TARGET_ROW:
                break
        figures["scroll"] = time.perf_counter() - start
        figures["position"] = pane.position(pane.table.cursor_row)
        figures["rows_in_table"] = pane.table.row_count
        figures["rss_at_10000"] = _rss_mb()
    figures["peak_mb"] = _peak_mb()
    return figures


async def _minimal_run(url: str) -> dict[str, float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")

    start = time.perf_counter()
    async with Minimal().run_test(size=(120, 36)) as pilot:
        await pilot.pause()
    started = time.perf_counter() - start
    async with httpx.AsyncClient(base_url=url, auth=(ACCOUNT, TOKEN)) as raw:
        start = time.perf_counter()
        first = (await raw.get("/v1/Sims", params={"PageSize": 100})).json()
        one_page = time.perf_counter() - start
        start = time.perf_counter()
        await raw.get("/v1/Sims", params={"PageSize": 100, "Status": "active"})
        filtered_page = time.perf_counter() - start
        start = time.perf_counter()
        page, pages = first, 1
        while pages < TARGET_ROW // 100 and page["meta"]["next_page_url"]:
            page = (await raw.get(page["meta"]["next_page_url"])).json()
            pages += 1
        listing = time.perf_counter() - start
    return {
        "start": started,
        "one_page": one_page,
        "filtered_page": filtered_page,
        "listing": listing,
        "peak_mb": _peak_mb(),
    }


def _child(kind: str, url: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.sims_scale", kind, url],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def run() -> bool:
    with loopback_simulator("--sims", str(SIMS), "--seed", "3") as url:
        minimal = _child("minimal", url)
        app = _child("app", url)
    baseline_first = minimal["start"] + minimal["one_page"]
    first_rows = max(app["open_pane"], app["filter_to_rows"])
    print(
        f"sims-scale: {SIMS:,} SIMs; app start to first SIM rows {app['start_to_rows'] * 1000:.0f} ms "
        f"(minimal Textual app start + one raw page read: {baseline_first * 1000:.0f} ms, "
        f"ratio {app['start_to_rows'] / baseline_first:.2f})"
    )
    print(
        f"sims-scale: opening the SIMs pane {app['open_pane'] * 1000:.0f} ms; a filter's first rows "
        f"{app['filter_to_rows'] * 1000:.0f} ms (raw read of that page {minimal['filtered_page'] * 1000:.0f} ms, "
        f"ratio {app['filter_to_rows'] / minimal['filtered_page']:.2f})"
    )
    print(
        f"sims-scale first rows / 0.3 s: {first_rows / FIRST_ROWS_TARGET:.2f}  target ≤ 1.00  "
        f"{'OK' if first_rows <= FIRST_ROWS_TARGET else 'MISSED'}"
    )
    print(
        f"sims-scale: to row {int(app['position']):,} in {app['scroll']:.2f} s "
        f"(raw httpx read of those {TARGET_ROW // 100} pages: {minimal['listing']:.2f} s), "
        f"ratio {app['scroll'] / minimal['listing']:.2f}; table holds {int(app['rows_in_table'])} rows"
    )
    print(
        f"sims-scale memory: peak {app['peak_mb']:.0f} MB (minimal Textual app {minimal['peak_mb']:.0f} MB, "
        f"ratio {app['peak_mb'] / minimal['peak_mb']:.2f}); peak / 200 MB: "
        f"{app['peak_mb'] / MEMORY_TARGET_MB:.2f}  target < 1.00  "
        f"{'OK' if app['peak_mb'] < MEMORY_TARGET_MB else 'MISSED'}"
    )
    print(
        f"sims-scale memory growth from row 1,000 to row 10,000: "
        f"{app['rss_at_10000'] / app['rss_at_1000']:.2f} (1.00 = flat)"
    )
    return first_rows <= FIRST_ROWS_TARGET and app["peak_mb"] < MEMORY_TARGET_MB and app["position"] >= TARGET_ROW


if __name__ == "__main__":
    kind, url = sys.argv[1], sys.argv[2]
    figures = asyncio.run(_app_run(url) if kind == "app" else _minimal_run(url))
    print(json.dumps(figures))
