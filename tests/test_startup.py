"""Start-up imports only what the first frame needs (issue 16: start to the first SIM rows painted within twice a
minimal Textual app's first paint). Screens, flows and libraries used later are imported when first used."""

from __future__ import annotations

import json
import subprocess
import sys

# Imported when first used, never at start: each is a screen, flow, pane or library the first frame does not show.
LATER = (
    "supersim_tui.tui.usage",  # the Usage tab (mounted when first shown) and its plotting libraries
    "textual_plotext",
    "plotext",
    "supersim_tui.tui.health",  # the Health tab
    "supersim_tui.tui.bulk_flow",  # bulk changes
    "supersim_tui.tui.bulk",
    "supersim_tui.ops.bulk",
    "supersim_tui.ops.journal",
    "supersim_tui.ops.export",
    "supersim_tui.tui.register",  # registering SIMs
    "supersim_tui.ops.register",
    "supersim_tui.tui.csv_import",
    "csv",
    "supersim_tui.tui.catalog",  # the network catalog
    "supersim_tui.tui.palette",  # the command palette's providers
    "supersim_tui.tui.login",  # the sign-in screen
    "supersim_tui.tui.forms",
    "supersim_tui.tui.sim_detail",
    "supersim_tui.tui.nap_compare",
    "supersim_tui.tui.dialogs",
    "supersim_tui.tui.rename_form",
    "supersim_tui.commands.output",  # the headless commands' output (CSV, JSON, tables)
    "supersim_tui.commands.parsers",  # every command's parser (the TUI's command line is read without them)
    "supersim_tui.commands.health",
    "supersim_tui.commands.usage",
    "supersim_tui.ops.health",  # what the health and usage commands' options name
    "supersim_tui.ops.usage",
    "shtab",  # shell completion
    "httpx._main",  # httpx's command-line client, never run here (supersim_tui/__init__.py), and what it imports
    "click",
    "pygments",
    "textual.widgets._text_area",  # no text area in this app (keyflow.text_fields) and its document modules
    "tomllib",  # settings and profiles files are parsed only when there is one (textfile.read_toml)
)

FIRST_FRAME = """
import asyncio, json, sys

from supersim_tui.cli import _tui_args

assert _tui_args([]) is not None  # what the command line does before it starts the TUI
from supersim_tui.tui.app import SuperSimApp


async def first_frame() -> None:
    app = SuperSimApp(None)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.main.is_mounted


asyncio.run(first_frame())
print(json.dumps(sorted(name for name, module in sys.modules.items() if module is not None)))  # None: blocked
"""


def test_first_frame_imports_nothing_used_later() -> None:
    """Starting the TUI to its first frame (the command line parsed, the app imported, the main screen composed
    and mounted) leaves every module of ``LATER`` unimported; checked in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert sorted(name for name in LATER if name in imported) == []


ACCOUNT_LOADED = """
import asyncio, json, sys

from tests.conftest import build_app, demo_simulator, settle


async def loaded() -> None:
    app = build_app(demo_simulator())
    app.journal_runs = True  # as with a real account: an unfinished bulk run would be offered for resuming
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.main.fleets is not None and app.main._resume_offered


asyncio.run(loaded())
print(json.dumps(sorted(name for name, module in sys.modules.items() if module is not None)))
"""


def test_no_run_to_resume_imports_no_bulk_flow() -> None:
    """Once the account has loaded, the app looks for a bulk run to resume; with none there, the bulk flow's
    modules (~30 ms of imports, while the SIMs are still being listed) are not imported."""
    done = subprocess.run([sys.executable, "-c", ACCOUNT_LOADED], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = set(json.loads(done.stdout.strip().splitlines()[-1]))
    bulk = ("supersim_tui.tui.bulk_flow", "supersim_tui.tui.bulk", "supersim_tui.tui.plan_view")
    assert sorted(name for name in bulk if name in imported) == []
