"""The Health tab when the API cannot be reached: the line above the table stops saying it is checking."""

from __future__ import annotations

from textual.widgets import Static

from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.health import HealthPane

from .conftest import demo_simulator, instant_client, settle, until
from .test_qa_seams import Outage


async def test_a_failed_health_check_does_not_stay_checking() -> None:
    """The account loads, then the API goes away and the Health tab is opened: the check fails, the loading
    indicator stops, and the summary line says the check failed and that r tries again (it kept saying
    "Checking the account…" above an empty table, as if still at work)."""
    sim = demo_simulator(sims=60)
    outage = Outage(sim, down_after_posts=10**9)
    app = SuperSimApp(instant_client(sim, transport=outage, attempts=1), account_label="demo")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        outage.down = True
        await pilot.press("4")
        pane = app.query_one(HealthPane)
        await until(pilot, lambda: "failed" in str(pane.query_one("#health-detail", Static).render()))
        await pilot.pause()
        summary = str(pane.query_one("#health-summary", Static).render())
        assert "Checking" not in summary and "failed" in summary and "r " in summary, summary
        assert not pane.table.loading
