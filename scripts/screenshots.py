"""Render the main screens to screenshots/*.svg (and .png when rsvg-convert is installed).

Uses the same fixed demo account as the snapshot tests, so pictures only change
when the app does. Run with `make screenshots`.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from supersim_tui.api import BasicAuth, SuperSimClient
from supersim_tui.connect import Connector
from supersim_tui.simulator import Simulator, SimulatorConfig, asgi_transport
from supersim_tui.tui.app import SuperSimApp

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
    ("register", (100, 30), ["3", "n", *"8988 3071 1116 8772 2779", "enter", *"73GUSXFWVQ", "enter",
                             *"89883071111687722788"]),
]


async def shoot(name: str, size: tuple[int, int], keys: list[str]) -> Path:
    sim = Simulator(SimulatorConfig(sims=300, seed=1, epoch=datetime(2024, 6, 1, 12, tzinfo=UTC)))
    client = SuperSimClient(BasicAuth(sim.config.account_sid, sim.config.auth_token), base_url="http://127.0.0.1",
                            transport=asgi_transport(sim))
    if name == "sign-in":
        connector = Connector(make_client=lambda credentials: client)
        app = SuperSimApp(None, connector=connector, sign_in_reason="No saved credentials found.")
    else:
        app = SuperSimApp(client, account_label="demo account (simulator)")
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        if name == "register":
            await pilot.pause(1.0)  # the registration queue runs in the background, never "complete"
        else:
            await app.workers.wait_for_complete()
        await pilot.pause()
        return Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT)))


def main() -> int:
    OUT.mkdir(exist_ok=True)
    converter = shutil.which("rsvg-convert")
    for name, size, keys in SHOTS:
        svg = asyncio.run(shoot(name, size, keys))
        if converter:
            subprocess.run([converter, str(svg), "-o", str(svg.with_suffix(".png"))], check=True)
            svg.unlink()
        print(svg.with_suffix(".png" if converter else ".svg").relative_to(OUT.parent))
    if not converter:
        print("rsvg-convert not found (apt-get install librsvg2-bin): kept SVG only", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
