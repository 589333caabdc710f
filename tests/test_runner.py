"""The engine bulk changes and registrations share (ops/runner.py), on its own: items go through the
adaptive limiter, a cancel leaves the rest unsent and resumable, 429s reach the limiter only while the run
lasts, and the outcome words keep their journal values."""

from __future__ import annotations

import asyncio
import json

from supersim_tui.api import SuperSimClient
from supersim_tui.api.errors import (
    ConnectFailedError,
    RateLimitedError,
    ServerError,
    ValidationError,
    explain,
    is_transient,
)
from supersim_tui.ops.outcomes import Action, ItemOutcome, Outcome
from supersim_tui.ops.runner import UNREACHABLE_AFTER, Runner


async def test_runner_runs_every_item_within_the_limit(client: SuperSimClient) -> None:
    """Every item is handled once, never more at once than the limiter's level, and the 429 listener is only
    attached while the run lasts."""
    runner = Runner(client, concurrency=4)
    in_flight, peak, seen = 0, 0, []

    async def handle(item: int) -> bool:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        seen.append(item)
        in_flight -= 1
        return True

    with runner.throttle_feedback():
        assert runner.limiter.throttle in client.throttle_listeners
        left = await runner.work(range(50), handle)
    assert left == [] and sorted(seen) == list(range(50)) and 1 <= peak <= 4
    assert runner.limiter.throttle not in client.throttle_listeners


async def test_runner_cancel_leaves_the_rest_unsent(client: SuperSimClient) -> None:
    """A cancel during the run stops taking items: those never started come back (to be journaled not-sent),
    and the journal-less run gives the reason."""
    runner = Runner(client, concurrency=1)
    done: list[int] = []

    async def handle(item: int) -> bool:
        done.append(item)
        if item == 2:
            runner.cancel()
        return True

    left = await runner.work(range(6), handle)
    assert done == [0, 1, 2] and left == [3, 4, 5]
    assert runner.not_sent_reason() == "cancelled before it was sent"


async def test_runner_stops_when_the_api_cannot_be_reached(client: SuperSimClient) -> None:
    """Connection failures in a row stop the run with a reason naming what to check; one success resets it."""
    runner = Runner(client, concurrency=1)
    failure = ConnectFailedError("Could not connect to http://127.0.0.1")
    runner.connect_failed(failure)
    runner.connect_failed(None)
    for _ in range(UNREACHABLE_AFTER - 1):
        runner.connect_failed(failure)
    assert not runner.cancelled
    runner.connect_failed(failure)
    assert runner.cancelled and runner.interrupted is not None and "base URL" in runner.interrupted


def test_outcomes_keep_their_journal_words() -> None:
    """Outcomes and actions are written as the plain words older journals hold, and read back from them
    (``not-run``, the old name of not-sent, included)."""
    outcome = ItemOutcome("HS1", "8988", "8988", Outcome.NOT_SENT)
    assert json.loads(json.dumps(outcome.to_json()))["outcome"] == "not-sent"
    assert (
        ItemOutcome.from_record({"type": "done", "key": "k", "iccid": "", "label": "", "outcome": "not-run"}).outcome
        is Outcome.NOT_SENT
    )
    assert Action("send") is Action.SEND and Action.SKIPPED.value == Outcome.SKIPPED.value == "skipped"


def test_one_wording_and_one_transient_test() -> None:
    """explain() gives message and hint with one separator (or on two lines); is_transient() says which
    failures are worth retrying."""
    refused = ValidationError("Invalid status", status=400, code=83010)
    assert explain(refused) == f"{refused} — {refused.hint}"
    assert explain(refused, lines=True) == f"{refused}\n{refused.hint}"
    assert not is_transient(refused)
    assert is_transient(RateLimitedError("busy", status=429, code=20429))
    assert is_transient(ServerError("boom", status=500))
    assert is_transient(ValidationError("failed inside", status=400, code=83004))
