"""A bulk run in the app when the API goes away mid-run: the results say why the run stopped and what to do,
and the Error column is never cut without an ellipsis."""

from __future__ import annotations

import re
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from supersim_tui.api import Sim
from supersim_tui.ops.bulk import DONE, SKIPPED, Change, plan_change
from supersim_tui.ops.journal import Journal, read_state
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.bulk import BulkRunScreen
from supersim_tui.tui.dialogs import Confirm

from .conftest import demo_simulator, instant_client, until
from .test_qa_seams import Outage
from .test_tui_sims import finished_run


def outage_app(down_after_posts: int) -> SuperSimApp:
    """The app on a 200-SIM account whose API stops answering after ``down_after_posts`` updates; runs send one
    update at a time."""
    sim = demo_simulator(sims=200, settle_seconds=0)
    app = SuperSimApp(
        instant_client(sim, transport=Outage(sim, down_after_posts=down_after_posts)), account_label="demo"
    )
    app.settings.concurrency = 1
    return app


async def deactivate_into_the_outage(pilot: Pilot[None], app: SuperSimApp, count: int) -> BulkRunScreen:
    """Deactivate the first ``count`` active SIMs in a bulk run and wait for its results."""
    await app.workers.wait_for_complete()
    sims = [s async for s in app.client.list_sims(status="active")][:count]
    await app.push_screen(BulkRunScreen(app.client, plan=plan_change(sims, Change(status="inactive"))))
    return await finished_run(pilot)


async def test_results_say_the_api_went_away_and_what_to_do() -> None:
    """Deactivate 40 SIMs one at a time; the server stops answering after 5 updates. The run stops itself (the
    rest not sent), and the results' heading says so in words (the API could not be reached, check the
    connection), not a bare "Stopped" as if Esc had been pressed; each Error cell fits its column or ends in …"""
    app = outage_app(down_after_posts=5)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await deactivate_into_the_outage(pilot, app, 40)
        assert screen.result is not None and screen.result.interrupted
        heading = str(screen.query_one("#bulk-title").render())
        assert heading.startswith("Stopped") and "could not be reached" in heading, heading
        assert "check the connection" in heading, heading
        table = screen.query_one("#bulk-results", DataTable)
        room = table.scrollable_content_region.width - sum(
            column.get_render_width(table) for column in table.ordered_columns[:-1]
        )
        for row in range(table.row_count):
            error = str(table.get_row_at(row)[-1])
            assert len(error) <= room - 2 or error.endswith("…"), (room, error)


async def test_results_after_an_outage_say_retry_in_the_footers_words() -> None:
    """After a run the API stopped, the results say what to do in the footer's words (``t`` Retry: "Retry failed"
    said it of SIMs that were unconfirmed, not failed):
    "t retries N SIMs", and nothing on the screen says "resume the run" or "reads again" (QA qa13: the heading
    said both "then resume the run" and "t reads again and plans a retry", and the footer "Retry failed")."""
    app = outage_app(down_after_posts=5)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await deactivate_into_the_outage(pilot, app, 40)
        await pilot.pause()
        heading = str(screen.query_one("#bulk-title").render())
        row = str(screen.query_one("#bulk-row").render())
        table = screen.query_one("#bulk-results", DataTable)
        cells = " ".join(str(cell) for i in range(table.row_count) for cell in table.get_row_at(i))
        keys = {binding.key: binding.description for _, binding, on, _ in screen.active_bindings.values() if on}
    assert keys.get("t") == "Retry", keys
    assert re.search(r"t retries \d+ SIMs \(reads them again, asks first\)", heading), heading
    for text in (heading, row, cells):
        assert "resume" not in text and "reads again" not in text, text


async def test_at_80_columns_the_highlighted_results_row_says_its_error_in_full() -> None:
    """At 80x24 the results' Error column has no room left (ICCID, Name, Outcome, Status and Fleet fill the
    line): the highlighted SIM's outcome and error are said in full under the table, so a failure can be read
    without exporting the CSV."""
    app = outage_app(down_after_posts=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await deactivate_into_the_outage(pilot, app, 6)
        await pilot.pause()
        said = str(screen.query_one("#bulk-row").render())
        table = screen.query_one("#bulk-results", DataTable)
        iccid = str(table.get_row_at(table.cursor_row)[0])
        assert said.startswith(iccid) and "Could not connect" in said, said


async def journaled_deactivation(
    pilot: Pilot[None], app: SuperSimApp, count: int, runs: Path
) -> tuple[list[Sim], BulkRunScreen]:
    """The first ``count`` active SIMs deactivated in a run with a journal in ``runs``; its results screen."""
    await app.workers.wait_for_complete()
    sims = [s async for s in app.client.list_sims(status="active")][:count]
    await app.push_screen(
        BulkRunScreen(
            app.client,
            plan=plan_change(sims, Change(status="inactive")),
            journal=lambda run_id, header: Journal.create(run_id, header, runs),
        )
    )
    return sims, await finished_run(pilot)


async def test_a_retry_that_finds_the_sims_changed_since_says_they_are_done(tmp_path: Path) -> None:
    """The run stops on an outage; meanwhile the SIMs it did not get to are changed by someone else. Once the API
    is back, t reads them, finds nothing to change, and says so; the results now show those SIMs done, in their
    status, and the run's journal no longer counts them as left (they stayed "not sent", ``sims runs`` listed the
    run as stopped with items left, and the app offered to resume it)."""
    sim = demo_simulator(sims=200, settle_seconds=0)
    outage = Outage(sim, down_after_posts=5)
    app = SuperSimApp(instant_client(sim, transport=outage), account_label="demo")
    app.settings.concurrency = 1
    async with app.run_test(size=(100, 30)) as pilot:
        sims, screen = await journaled_deactivation(pilot, app, 12, tmp_path)
        assert screen.result is not None and screen.journal is not None
        left = [o.key for o in screen.result.outcomes if o.outcome != DONE]
        assert left and read_state(Journal.open(screen.journal.path)).remaining  # type: ignore[union-attr]
        for key in left:
            sim.state.sims[key].status = "inactive"
        outage.down = False
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        dialog = app.screen
        assert isinstance(dialog, Confirm) and dialog.title_text == "Nothing to change"
        assert {(o.outcome, o.status) for o in screen.result.outcomes} == {(DONE, "inactive")}
        heading = str(screen.query_one("#bulk-title").render())
        assert heading.startswith("Finished: 12 done"), heading  # it said "Stopped: … could not be reached"
        assert "not-sent 0" in str(screen.query_one("#bulk-stats").render())
        state = read_state(Journal.open(screen.journal.path))
        assert state is not None and state.remaining == [] and state.describe() == "finished"


async def test_a_retry_that_finishes_finishes_the_run_it_retried(tmp_path: Path) -> None:
    """The run stops on an outage; once the API is back, t retries what was left and finishes. The stopped run's
    journal learns the retry's outcomes: it no longer counts those SIMs as left (``sims runs`` listed it as
    interrupted with SIMs left, and every launch offered to resume it)."""
    sim = demo_simulator(sims=200, settle_seconds=0)
    outage = Outage(sim, down_after_posts=3)
    app = SuperSimApp(instant_client(sim, transport=outage), account_label="demo")
    app.settings.concurrency = 1
    async with app.run_test(size=(100, 30)) as pilot:
        sims, screen = await journaled_deactivation(pilot, app, 8, tmp_path)
        first = screen.journal
        assert first is not None and read_state(Journal.open(first.path)).remaining  # type: ignore[union-attr]
        outage.down = False
        outage.down_after_posts = 10_000
        first_run = screen.run_id
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await until(pilot, lambda: screen.result is not None and screen.result.run_id != first_run)
        assert {o.outcome for o in screen.result.outcomes} <= {DONE, SKIPPED}  # type: ignore[union-attr]
        stopped = read_state(Journal.open(first.path))
        assert stopped is not None and stopped.remaining == [] and stopped.describe() == "finished"
    assert all(sim.state.sims[s.sid].status == "inactive" for s in sims)
