"""vtable: which table widget shows 100,000 SIM rows. Each child process starts a headless app,
fills one widget with 100,000 rows of SIM-like cells (ICCID, name, status, fleet, updated) and
times it until the first frame is rendered, then End and a repaint; its peak memory (VmHWM)
is read from the same process.

- ``ours``: tui/vtable.py (Line API: rows are read from columns on demand, nothing per row);
- ``fastdatatable``: textual-fastdatatable 0.19.5 (an Arrow table built from the records;
  needs pyarrow): measured only if importable (``pip install textual-fastdatatable==0.19.5``,
  not a dependency of this project);
- ``datatable``: Textual's stock DataTable (``add_rows``): the baseline.

Ratios are to the stock DataTable in the same run.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

ROWS = 100_000
KINDS = ("ours", "fastdatatable", "datatable")


def _columns() -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    iccids = [f"8988307{i:013d}" for i in range(ROWS)]
    names = [f"fleet-{i % 6}-{i:06d}" for i in range(ROWS)]
    statuses = [("new", "ready", "active", "inactive")[i % 4] for i in range(ROWS)]
    fleets = [f"fleet {i % 6}" for i in range(ROWS)]
    updated = [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} 10:00" for i in range(ROWS)]
    return iccids, names, statuses, fleets, updated


async def _measure(kind: str) -> dict[str, float]:
    from textual.app import App, ComposeResult
    from textual.widget import Widget

    cols = _columns()
    labels = ["ICCID", "Name", "Status", "Fleet", "Updated"]

    def make() -> Widget:
        if kind == "ours":
            from supersim_tui.tui.vtable import VColumn, VirtualTable

            table = VirtualTable([VColumn(k.lower(), k) for k in labels])
            table.set_rows(ROWS, lambda row: [c[row] for c in cols])
            return table
        if kind == "fastdatatable":
            from textual_fastdatatable import ArrowBackend, DataTable  # type: ignore[import-not-found]

            backend = ArrowBackend.from_pydict(dict(zip(labels, cols, strict=True)))
            fast: Widget = DataTable(backend=backend, cursor_type="row")
            return fast
        from textual.widgets import DataTable as Stock

        stock: Stock[str] = Stock(cursor_type="row")
        stock.add_columns(*labels)
        stock.add_rows(zip(*cols, strict=True))
        return stock

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield make()

    start = time.perf_counter()
    app = Bench()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - start
        app.screen.children[0].focus()
        start = time.perf_counter()
        await pilot.press("end")
        await pilot.pause()
        end = time.perf_counter() - start
    return {"first_paint": first, "end": end, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _child(kind: str) -> dict[str, float] | None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.vtable_compare", kind], capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        return None
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def run() -> bool:
    results = {kind: _child(kind) for kind in KINDS}
    stock = results["datatable"]
    for kind, figures in results.items():
        if figures is None:
            print(f"vtable {kind}: not measured (not installed)")
            continue
        ratio = f", ratio to the stock DataTable {figures['first_paint'] / stock['first_paint']:.3f}" if stock else ""
        print(
            f"vtable {kind}: {ROWS:,} rows to the first frame {figures['first_paint'] * 1000:.0f} ms{ratio}; "
            f"End {figures['end'] * 1000:.0f} ms; peak memory {figures['peak_mb']:.0f} MB"
        )
    ours = results["ours"]
    return ours is not None and (stock is None or ours["first_paint"] < stock["first_paint"])


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_measure(sys.argv[1]))))
