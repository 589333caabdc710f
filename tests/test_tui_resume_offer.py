"""The app's offer to resume a run a kill interrupted says what was done and what was not, not only what is left."""

from __future__ import annotations

from collections.abc import Callable

from supersim_tui.ops.bulk import DONE, NOT_SENT
from supersim_tui.simulator import Simulator
from supersim_tui.tui.dialogs import Confirm

from .conftest import build_app, until
from .test_tui_sims import activation_stopped_after_two_updates, confirm_text


async def test_the_resume_offer_says_what_was_done_and_what_was_never_sent(
    make_simulator: Callable[..., Simulator],
) -> None:
    """Activate inactive SIMs one at a time; after two updates the run is cut off as a kill leaves it (no stop
    record). At the next start the offer names the run and says how many SIMs are done and how many were never
    sent (so the operator knows what the devices went through), besides how many are left."""
    sim = make_simulator(sims=80)
    app = build_app(sim)
    sims, run_id, first, journal = await activation_stopped_after_two_updates(sim, app.client)
    lines = journal.path.read_text().splitlines(keepends=True)
    journal.path.write_text("".join(lines[:-1]))  # the stop record removed: as a kill would have left it
    done, never_sent = first.count(DONE), first.count(NOT_SENT)
    assert done >= 1 and never_sent >= 1
    app.journal_runs = True
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.pause()  # the dialog mounted (its buttons), not only pushed
        text = " ".join(confirm_text(app).split())
        assert run_id in text and f"{never_sent} of {len(sims)} SIMs left" in text, text
        assert f"{done} done" in text and f"{never_sent} never sent" in text, text
        await pilot.press("n")  # Not now


def test_the_resume_offer_tells_accepted_in_flight_failed_and_never_sent_apart() -> None:
    """A run killed mid-way leaves SIMs in four states that the offer must not lump together as "sent but not
    confirmed" (QA, session 8: a kill with 50 updates accepted and 52 in flight said "102 sent but not
    confirmed"; an outage's 61 refused connections were counted as sent): accepted by the API (a ``sent``
    record), in flight when it stopped (``start`` only: may or may not have reached the API), failed in a way
    worth retrying, and never sent. Each is counted on its own; final outcomes are listed after."""
    from supersim_tui.ops.journal import JournalState
    from supersim_tui.tui.bulk_flow import resume_offer_counts

    keys = [f"HS{n:032x}" for n in range(6)]
    state = JournalState(header={"run_id": "r", "count": 6}, items=[{"key": k} for k in keys], planned=6)
    state.started = set(keys[:4])
    state.sent = {keys[0]: {"key": keys[0], "status": "scheduled"}}
    state.done = {
        keys[2]: {"key": keys[2], "outcome": "failed", "retryable": True, "error": "Could not connect"},
        keys[3]: {"key": keys[3], "outcome": DONE},
    }
    text = resume_offer_counts(state)
    assert "1 accepted by the API but not confirmed" in text, text
    assert "1 in flight when it stopped" in text, text
    assert "1 failed in a way worth retrying" in text, text
    assert "2 never sent" in text, text
    assert "Outcomes so far: 1 done." in text, text
    assert "sent but not confirmed" not in text


async def test_the_resume_offer_for_a_run_the_api_stopped_nests_no_parentheses(
    make_simulator: Callable[..., Simulator],
) -> None:
    """A run the API stopped (its journal ends with why: "the API could not be reached (Could not connect …);
    check …") is offered at the next start in plain sentences: the reason follows "did not finish:", not inside
    parentheses of its own (QA qa13: "did not finish (the API could not be reached (Could not connect …); …)").
    A journal from before this version, whose reason ends ", then resume the run", is said without that tail: the
    dialog's Resume button is the resume."""
    import json

    sim = make_simulator(sims=80)
    app = build_app(sim)
    _sims, run_id, _first, journal = await activation_stopped_after_two_updates(sim, app.client)
    lines = journal.path.read_text().splitlines(keepends=True)
    reason = (
        "the API could not be reached (Could not connect to http://127.0.0.1); check the connection and the base URL"
        ", then resume the run"
    )
    interrupted = json.dumps({"type": "interrupted", "reason": reason}, separators=(",", ":")) + "\n"
    journal.path.write_text("".join(lines[:-1]) + interrupted)  # the stop record replaced: the API stopped it
    app.journal_runs = True
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.pause()
        text = " ".join(confirm_text(app).split())
        await pilot.press("n")
    assert run_id in text and "did not finish: the API could not be reached" in text, text
    assert "then resume the run" not in text, text
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    assert deepest == 1 and depth == 0, text
