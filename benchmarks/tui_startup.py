"""tui-startup and catalog-filter, measured on a pty (pexpect): what reaches the terminal.

tui-startup: from starting ``python -m supersim_tui`` (signed in from the environment to a
loopback simulator of 100,000 SIMs) until the first SIM rows are painted: ``3`` is typed once,
right after launch (as a person would: the key waits for the main screen), and the clock stops
when the account's first SIM (its ICCID, the top row of the SIMs table) is on the terminal. As
a ratio to a minimal Textual app (one Static) started the same way until its text is painted.
Both include Python's start and imports; best of five, the two started in turn (with the floor below), so
each meets this shared machine in the same state. Target ≤ 2. The app is timed warm (the target's figure: a home
an earlier start has used, as every start after the first; Textual's parsed stylesheets are kept there,
tui/css_cache.py) and cold (a new home: the first start after installing or upgrading). Also printed, for the same
runs (medians): the first frame (the tab bar), the SIMs tab shown (its filter bar); and the floor: the
app's modules with httpx's whole stack imported (as the first request needs it), nothing run, as a ratio
to the minimal app (what is left of the target for composing, styling, the first request and painting).

catalog-filter: the catalog opened, ``/``, then "germany" typed a key at a time; each key timed
until the field shows it and, if N changed, the line "N of 380 networks shown" shows the new N
(``Terminal.type_keys``: the app quiet before each key, what it wrote before forgotten), against a
bare Textual Input echoing the same keys over a 380-row DataTable, timed the same way in the same
run. Each typed in five app runs, in turn, the keys' times pooled. Target ≤ 2 (medians).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
from pathlib import Path

from supersim_tui.api import BasicAuth, SuperSimClient
from supersim_tui.tui.catalog import catalog_rows, filter_rows

from .loopback import ACCOUNT, TOKEN, loopback_simulator, sequential_listing
from .pty_app import terminal
from .sims_scale import echo_keys

RUNS = 5
TYPED = "germany"
TARGET = 2.0


def minimal_start() -> float:
    with terminal(["-m", "benchmarks.apps", "minimal"]) as term:
        return term.wait_for("minimal-app-ready") - term.started


FLOOR = (  # imported as the app imports them: the collector held off (supersim_tui/collector.py)
    "from supersim_tui import collector; collector.hold(); "
    "import supersim_tui.cli, supersim_tui.tui.app, httpcore, anyio._backends._asyncio; "
    "print('imports-done', flush=True); import time; time.sleep(30)"
)


def imports_floor() -> float:
    """Seconds from launch until the app's modules and the HTTP stack are imported (what every start pays)."""
    with terminal(["-c", FLOOR]) as term:
        return term.wait_for("imports-done") - term.started


def app_start(url: str, first_iccid: str, home: str | None = None) -> dict[str, float]:
    """Seconds from launch to: the first frame, the SIMs tab shown, the first SIM rows painted. ``home``: a home
    an earlier start has used (warm: its cache of parsed stylesheets is there); else a new one (cold)."""
    with terminal(["-m", "supersim_tui"], url, home) as term:
        term.send("3")  # at once, as a person would
        frame = term.wait_for("Fleets", timeout=60) - term.started
        tab = term.wait_for("ICCID/name", timeout=60) - term.started
        rows = term.wait_for(first_iccid, timeout=60) - term.started
        return {"frame": frame, "tab": tab, "rows": rows}


async def catalog_counts(url: str) -> tuple[int, list[int]]:
    async with SuperSimClient(BasicAuth(ACCOUNT, TOKEN), base_url=url, page_size=1000) as client:
        rows = catalog_rows(await client.list_networks(page_size=1000).collect())
    return len(rows), [len(filter_rows(rows, TYPED[:end])) for end in range(1, len(TYPED) + 1)]


def catalog_keys(url: str, total: int, counts: list[int]) -> list[float]:
    with terminal(["-m", "supersim_tui"], url) as term:
        term.wait_for("SIMs", timeout=60)
        term.drain(1.0)  # the account loaded, the catalog with it
        term.send("c")
        term.wait_for(f"{total} of {total} networks shown", timeout=30)
        term.send("/")
        answers = [f"{count:,} of {total:,} networks shown" for count in counts]
        return term.type_keys(TYPED, answers, before=f"{total:,} of {total:,} networks shown")


def run() -> bool:
    with loopback_simulator("--sims", "100000", "--seed", "3") as url:
        listing = asyncio.run(sequential_listing(url))
        # Rounds of the minimal app, the app (warm, then cold) and the floor, one after another: each meets the same
        # moments of this shared machine (best of each). Warm: every start after the first in a home (the user's
        # usual start); cold: the first (after installing or upgrading: the stylesheets are parsed, then kept).
        minimals, runs, colds, floors = [], [], [], []
        with tempfile.TemporaryDirectory(prefix="bench-warm-home-") as home:
            with terminal(["-m", "supersim_tui"], url, home) as term:  # the start that warms the home
                term.send("3")
                term.wait_for(listing.first_iccid, timeout=60)
                saved = Path(home, "cache", "supersim-tui", "textual-css.pickle")
                for _ in range(150):  # (saved 3 s after the first frame: SuperSimApp.on_ready)
                    if saved.exists():
                        break
                    term.drain(0.1)
            for _ in range(RUNS):
                minimals.append(minimal_start())
                runs.append(app_start(url, listing.first_iccid, home))
                colds.append(app_start(url, listing.first_iccid))
                floors.append(imports_floor())
        minimal, app, floor = min(minimals), min(run["rows"] for run in runs), min(floors)
        cold = min(run["rows"] for run in colds)
    with loopback_simulator("--sims", "300", "--seed", "3") as url:  # the catalog alone: no SIMs loading meanwhile
        total, counts = asyncio.run(catalog_counts(url))
        # Each side typed in RUNS app runs, every key's time pooled (one run of 7 keys alone varied 1.3-2.8 x)
        echo_times: list[float] = []
        catalog_runs: list[list[float]] = []
        for _ in range(RUNS):  # rounds, as above
            echo_times.extend(echo_keys(TYPED))
            catalog_runs.append(catalog_keys(url, total, counts))
        echo = statistics.median(echo_times)
        catalog = [t for keys in catalog_runs for t in keys]
    ratio = app / minimal
    print(
        f"tui-startup (warm): start to the first SIM rows painted {app * 1000:.0f} ms (100,000 SIMs on loopback); "
        f"minimal Textual app's first paint {minimal * 1000:.0f} ms; ratio {ratio:.2f}  target ≤ {TARGET}  "
        f"{'OK' if ratio <= TARGET else 'MISSED'}"
    )
    print(
        f"tui-startup, cold (the first start in a home: stylesheets parsed, then kept) {cold * 1000:.0f} ms: "
        f"ratio {cold / minimal:.2f}  {'OK' if cold / minimal <= TARGET else 'MISSED'}"
    )
    frame, tab, rows = (statistics.median(run[k] for run in runs) * 1000 for k in ("frame", "tab", "rows"))
    print(f"tui-startup, medians of the runs: first frame {frame:.0f} ms, SIMs tab {tab:.0f} ms, rows {rows:.0f} ms")
    print(
        f"tui-startup floor: the app's modules and httpx's stack imported, nothing run, {floor * 1000:.0f} ms: "
        f"{floor / minimal:.2f} x the minimal app (the target leaves {max(0.0, 2 * minimal - floor) * 1000:.0f} ms "
        "for the rest)"
    )
    for keys in catalog_runs:
        print("  catalog keys (ms):", " ".join(f"{key}={t * 1000:.0f}" for key, t in zip(TYPED, keys, strict=True)))
    median = statistics.median(catalog)
    filter_ratio = median / echo
    print(
        f"catalog-filter: keystroke to painted count over {total} networks, median {median * 1000:.1f} ms "
        f"(worst {max(catalog) * 1000:.1f}); bare Input echo over 380 rows {echo * 1000:.1f} ms; "
        f"ratio {filter_ratio:.2f}  target ≤ {TARGET}  {'OK' if filter_ratio <= TARGET else 'MISSED'}"
    )
    return ratio <= TARGET and filter_ratio <= TARGET
