"""The SIM detail shows the SIM as the API has it now: another client changed its status after the SIMs table
was read; opening the SIM shows the new status (the detail reads the SIM), and r in the detail reads it again.
The SIMs table, back on it, shows what the detail read."""

from __future__ import annotations

import re

from textual.pilot import Pilot

from supersim_tui.tui.dialogs import Confirm
from supersim_tui.tui.sim_detail import SimDetailScreen
from supersim_tui.tui.sims_pane import SimsPane

from .conftest import build_app, demo_simulator, instant_client, settle


async def cursor_on(pilot: Pilot[None], sid: str) -> SimsPane:
    """The SIMs tab shown, its cursor on SIM ``sid``."""
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    pane = pilot.app.query_one(SimsPane)
    pane.table.move_cursor(row=pane.table.get_row_index(sid))
    return pane


def status_line(app: object) -> str:
    """The detail's Status line, as on screen."""
    text = app.export_screenshot().replace("&#160;", " ")  # type: ignore[attr-defined]
    text = re.sub(r"<[^>]+>", "", text)
    found = re.search(r"Status\s+\S?\s*(new|ready|active|inactive|scheduled)\b", text)
    assert found, text
    return found.group(1)


async def test_sim_detail_reads_the_status_when_opened_and_on_r() -> None:
    """Table read (SIM active); another client deactivates it; Enter: the detail says inactive. Another client
    activates it again; r: the detail says active. Esc: the table's row says active too."""
    sim = demo_simulator(sims=60, settle_seconds=0)
    target = next(s for s in sim.state.sims.values() if s.status == "active")
    other = instant_client(sim)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await cursor_on(pilot, target.sid)
        assert str(pane.table.get_row(target.sid)[3]).split()[-1] == "active"
        await other.update_sim(target.sid, status="inactive")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimDetailScreen)
        assert status_line(app) == "inactive"
        await other.update_sim(target.sid, status="active")
        await pilot.press("r")
        await settle(pilot)
        assert status_line(app) == "active"
        await other.update_sim(target.sid, status="inactive")
        await pilot.press("r")
        await settle(pilot)
        assert status_line(app) == "inactive"
        await pilot.press("escape")
        await settle(pilot)
        assert str(pane.table.get_row(target.sid)[3]).split()[-1] == "inactive"
    await other.aclose()


def screen_text(app: object) -> str:
    text = app.export_screenshot().replace("&#160;", " ")  # type: ignore[attr-defined]
    return re.sub(r"<[^>]+>", "", text)


async def test_a_failed_reload_marks_the_details_stale_and_a_change_s_outcome_stays_on_screen() -> None:
    """r with the API unreachable: the details shown stay, marked stale with the time and the key (once the
    notice had gone, nothing said they were not current); r once it is back clears the mark. A status change
    that fails says so on the screen after its notice has gone (it left nothing there)."""
    from .test_tui_failures import build

    sim = demo_simulator(sims=60, settle_seconds=0)
    target = next(s for s in sim.state.sims.values() if s.status == "active")
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await cursor_on(pilot, target.sid)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimDetailScreen)
        api.down = True
        await pilot.press("r")
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()
        assert "stale — refresh failed" in screen_text(app) and status_line(app) == "active"
        api.down = False
        await pilot.press("r")
        await settle(pilot)
        assert "stale" not in screen_text(app)
        api.refuse = "/Sims/"  # the change's request cannot get through
        app.screen.action_status()
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # the choices: ready, active, inactive
        await settle(pilot)
        assert isinstance(app.screen, Confirm)  # deactivating a SIM asks first
        await pilot.press("y")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()
        shown = screen_text(app)
        assert "Last change, set status to inactive: failed" in shown, [
            ln for ln in shown.splitlines() if "change" in ln
        ]
