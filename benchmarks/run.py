"""Run the benchmarks: `make bench` (or `.venv/bin/python -m benchmarks.run [NAME ...]`).

Each prints its figures as ratios to a baseline measured in the same run, and
OK or MISSED against its target. Traffic stays on 127.0.0.1 or in-process.
"""

from __future__ import annotations

import sys

from . import (
    bulk_activation,
    client_listing,
    concurrency_discovery,
    health,
    sims_scale,
    status_summary,
    tui_startup,
    vtable_compare,
)

BENCHMARKS = {
    "client-listing": lambda: client_listing.main() == 0,
    "bulk-activation": bulk_activation.run,
    "concurrency-discovery": concurrency_discovery.run,
    "status-summary": status_summary.run,
    "health": health.run,
    "tui": tui_startup.run,
    "sims-scale": sims_scale.run,
    "sims-scale-1m": sims_scale.run_million,
    "vtable": vtable_compare.run,
}


def main(names: list[str]) -> int:
    chosen = names or list(BENCHMARKS)
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    results = {name: BENCHMARKS[name]() for name in chosen}
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
