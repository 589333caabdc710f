"""Resuming in the app a run whose updates were accepted but are still in progress (QA round, session 8).

The app was killed 1.5 s into an activation (the simulator keeping updates `scheduled` for 20 s) and started
again at once: the offer said "90 accepted by the API but not confirmed", and Resume then showed "Nothing to
change: 90 invalid (cannot take the change): an update is in progress" with only Close, so the run's own
updates were called impossible, nothing was followed, and the run stayed unfinished (offered again at every
start). `sims resume` follows those SIMs to their end; the app now does the same: the plan says they are
followed (nothing sent to them), and when nothing is left to send the resume runs without asking, since it
sends nothing."""

from __future__ import annotations

from textual.widgets import Button

from supersim_tui.api import SuperSimClient
from supersim_tui.ops.bulk import DONE, NOT_SENT, UNCONFIRMED, RunResult
from supersim_tui.ops.journal import Journal, find_run
from supersim_tui.simulator import Simulator, SimulatorConfig
from supersim_tui.tui.bulk import BulkRunScreen
from supersim_tui.tui.dialogs import Confirm

from .conftest import build_app, until
from .test_tui_sims import activation_stopped_after_two_updates, confirm_text, finished_run, post_count


def held_simulator(now: list[float]) -> Simulator:
    """80 SIMs; an update stays `scheduled` until the test moves ``now`` past 1,000 s."""
    return Simulator(SimulatorConfig(sims=80, seed=7, settle_seconds=1000.0), clock=lambda: now[0])


async def killed_after(sim: Simulator, client: SuperSimClient, posts: int) -> tuple[str, RunResult, Journal]:
    """The inactive SIMs activated one at a time, cut off once ``posts`` updates were accepted, as a kill leaves
    the journal (no stop record); the updates sent are still in progress."""
    _, run_id, first, journal = await activation_stopped_after_two_updates(sim, client, posts)
    lines = journal.path.read_text().splitlines(keepends=True)
    assert '"type":"stopped"' in lines[-1]
    journal.path.write_text("".join(lines[:-1]))
    return run_id, first, journal


async def test_resume_follows_the_updates_still_in_progress_and_sends_the_rest() -> None:
    """Two updates accepted and still scheduled, the rest never sent: the resume's plan says the two are
    followed (not "invalid"), only the rest is sent, and every SIM ends active with each sent once."""
    now = [0.0]
    sim = held_simulator(now)
    app = build_app(sim)
    run_id, first, _ = await killed_after(sim, app.client, 2)
    never_sent = first.count(NOT_SENT)
    assert never_sent >= 2
    in_progress = [o.key for o in first.outcomes if o.outcome == UNCONFIRMED]  # accepted, still scheduled
    assert len(in_progress) == 2 and all(sim.state.sims[sid].status == "scheduled" for sid in in_progress)
    app.journal_runs = True
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        offer = app.screen
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, Confirm) and app.screen is not offer)
        text = " ".join(confirm_text(app).split())
        assert f"{never_sent} will be changed" in text, text
        assert "invalid" not in text, text
        assert "2 in progress" in text and "followed" in text, text
        sent_before = post_count(sim)
        now[0] = 2000.0  # the updates in progress complete
        sim.config.settle_seconds = 0.0  # and those sent now complete at once
        await pilot.press("y")
        screen = await finished_run(pilot)
        assert screen.result is not None and screen.result.ok, screen.result
    assert post_count(sim) - sent_before == never_sent
    assert all(sim.state.sims[sid].status == "active" for sid in in_progress)
    assert find_run(None, base_url=app.client.base_url) is None  # finished: not offered again


async def test_resume_with_only_updates_in_progress_follows_them_without_asking() -> None:
    """Every update accepted, all still scheduled when the app died: Resume has nothing to send, so it asks
    nothing more; it follows them to their end (done) and the run is finished, not offered again."""
    now = [0.0]
    sim = held_simulator(now)
    app = build_app(sim)
    inactive = sum(1 for s in sim.state.sims.values() if s.status == "inactive")
    run_id, first, _ = await killed_after(sim, app.client, inactive)
    assert first.count(NOT_SENT) == 0
    sent_before = post_count(sim)
    app.journal_runs = True
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        now[0] = 2000.0
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, BulkRunScreen) or not app.screen.query(Button), seconds=10)
        screen = await finished_run(pilot)
        assert screen.result is not None
        assert screen.result.count(DONE) == inactive, screen.result
    assert post_count(sim) == sent_before
    assert find_run(None, base_url=app.client.base_url) is None
