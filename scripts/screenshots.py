"""Render the main screens to screenshots/*.svg (and .png when rsvg-convert is installed).

Uses the same fixed demo account as the snapshot tests, so pictures only change
when the app does. Run with `make screenshots`.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Input

from supersim_tui.api import BasicAuth, RetryPolicy, SuperSimClient
from supersim_tui.connect import Connector
from supersim_tui.simulator import Simulator, SimulatorConfig, asgi_transport
from supersim_tui.tui import health as health_tab
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.consent import TypedConfirm

OUT = Path(__file__).resolve().parent.parent / "screenshots"
CATALOG = ["2", "down", "enter", "slash", *"portugal", "enter", "space"]
SHOTS = [
    ("fleets", (120, 36), []),
    ("naps", (120, 36), ["2", "down", "down"]),
    ("sims", (120, 36), ["3", "down", "down", "down"]),
    ("sims-80x24", (80, 24), ["3"]),
    ("catalog", (120, 36), CATALOG),
    ("nap-change", (120, 36), [*CATALOG, "a"]),
    ("fleet-edit", (100, 30), ["down", "e"]),
    ("sign-in", (80, 24), []),
    (
        "register",
        (100, 30),
        ["3", "n", *"8988 3071 1116 8772 2779", "enter", *"73GUSXFWVQ", "enter", *"89883071111687722788"],
    ),
    ("sims-marked", (120, 36), ["3", "space", "space", "down", "space", "space"]),
    ("bulk-confirm", (120, 36), ["3", "a", "wait", "y", "s", "down", "enter"]),
    ("bulk-results", (120, 36), ["3", "a", "wait", "y", "s", "down", "down", "enter", "faults", "confirm", "wait-run"]),
    ("sim-detail", (120, 36), ["3", "down", "down", "enter"]),
    ("register-csv", (120, 36), ["3", "n", "ctrl+o", "csv", "enter"]),
    ("health", (120, 36), ["4", "down"]),
    ("usage", (120, 36), ["5", "v", "v", "v"]),
]
CSV = (
    "iccid,registration_code,fleet,unique_name\n89883071111687722779,73GUSXFWVQ,us-meters,box-1\n"
    "89883071111687722787,DD92AHQDD9,us-meters,box-2\n89883070000687722770,ABCDEFGHIJ,,\n"
    "8988307000068772,ABCDEFGHIJ,,\n89883071111687722795,5Y8ULMMFUY,no-such-fleet,\n"
)


async def shoot(name: str, size: tuple[int, int], keys: list[str]) -> Path:
    epoch = datetime(2024, 6, 1, 12, tzinfo=UTC)
    health_tab.now = lambda: epoch  # Health and Usage are computed for the simulated present
    sim = Simulator(SimulatorConfig(sims=300, seed=1, epoch=epoch, settle_seconds=0))
    client = SuperSimClient(
        BasicAuth(sim.config.account_sid, sim.config.auth_token),
        base_url="http://127.0.0.1",
        transport=asgi_transport(sim),
        retry=RetryPolicy(attempts=1),
    )
    if name == "sign-in":
        connector = Connector(make_client=lambda credentials: client)
        app = SuperSimApp(None, connector=connector, sign_in_reason="No saved credentials found.")
    else:
        app = SuperSimApp(client, account_label="demo account (simulator)")
        app.settings.concurrency = 1  # the same SIMs meet the injected faults every time
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            if key == "wait":
                await pilot.pause(0.5)
            elif key == "faults":
                sim.force_faults(*["503"] * 12, method="POST", path_prefix="/v1/Sims/")
            elif key == "confirm":  # the typed question: Tab to the box, type what it asks, Enter
                dialog = app.screen
                assert isinstance(dialog, TypedConfirm), dialog
                await pilot.press("tab", *dialog.consent.phrase, "enter")
            elif key == "wait-run":
                for _ in range(300):  # bounded: 30 s
                    if getattr(app.screen, "result", None) is not None:
                        break
                    await pilot.pause(0.1)
            elif key == "csv":
                path = Path(tempfile.gettempdir()) / "box-of-sims.csv"  # a stable name: it shows on screen
                path.write_text(CSV, encoding="utf-8")
                app.screen.query_one("#csv-path", Input).value = str(path)
            else:
                await pilot.press(key)
        if name.startswith("register") or name.startswith("bulk"):
            await pilot.pause(1.0)  # the registration queue runs in the background, never "complete"
        else:
            await app.workers.wait_for_complete()
        await pilot.pause()
        return Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT)))


def keep_blanks(svg: Path) -> None:
    """Blanks are cells: keep them where a text run starts (an SVG viewer drops them there by default, drawing a
    padded or right-aligned cell's text a cell or more to the left of where the terminal shows it)."""
    svg.write_text(svg.read_text(encoding="utf-8").replace("<svg ", '<svg xml:space="preserve" ', 1), "utf-8")


def main() -> int:
    OUT.mkdir(exist_ok=True)
    converter = shutil.which("rsvg-convert")
    for name, size, keys in SHOTS:
        svg = asyncio.run(shoot(name, size, keys))
        keep_blanks(svg)
        if converter:
            subprocess.run([converter, str(svg), "-o", str(svg.with_suffix(".png"))], check=True)
            svg.unlink()
        print(svg.with_suffix(".png" if converter else ".svg").relative_to(OUT.parent))
    if not converter:
        print("rsvg-convert not found (apt-get install librsvg2-bin): kept SVG only", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
