"""Bulk changes at the account's real concurrency allowance (issue 17).

The simulator models Twilio's per-account limit (``max_concurrency``): above it, 429 / 20429
with ``Twilio-Concurrent-Requests`` and no Retry-After. The engine must find that allowance,
run near it with few 429s, follow it down when it drops, and never lose or repeat an update.

The engine's tests use 20 ms of latency: at a few milliseconds the in-process client and simulator are
bound by this machine's CPU, and the limiter rightly stops growing where more in flight buys nothing
(tests/test_limiter_latency.py), before it reaches the allowance under test.
"""

from __future__ import annotations

import asyncio
import io
from collections import Counter
from collections.abc import Callable

import httpx
import pytest

from supersim_tui.api import BasicAuth, RetryPolicy, SuperSimClient
from supersim_tui.api.errors import RateLimitedError
from supersim_tui.commands.output import ProgressBar
from supersim_tui.ops import select
from supersim_tui.ops.bulk import DONE, BulkRunner, Change, Progress, plan_change
from supersim_tui.ops.select import select_named
from supersim_tui.simulator import Simulator
from supersim_tui.simulator.app import asgi_transport

from .test_bulk import add_new_sims, changed_twice
from .virtual_clock import run_on_virtual_clock

MakeClient = Callable[..., SuperSimClient]


def update_requests(sim: Simulator) -> tuple[int, int]:
    """(update POSTs answered, of which refused for concurrency) from the simulator's request log."""
    posts = [r for r in sim.request_log if r.method == "POST" and r.path.startswith("/v1/Sims/")]
    return len(posts), sum(1 for r in posts if r.status == 429)


async def test_simulator_refuses_above_its_allowance_like_twilio(make_simulator: Callable[..., Simulator]) -> None:
    """Above ``max_concurrency`` requests in flight the simulator answers 429 with Twilio's 20429 body and
    Twilio-Concurrent-Requests (the refused request counted), without Retry-After; it records the peak in
    flight, and its allowance can be read and changed through /_simulator/concurrency mid-run."""
    sim = make_simulator(sims=5, latency_ms=100, max_concurrency=2)
    auth = httpx.BasicAuth(sim.config.account_sid, sim.config.auth_token)
    async with httpx.AsyncClient(transport=asgi_transport(sim), base_url="http://127.0.0.1", auth=auth) as http:
        replies = await asyncio.gather(*(http.get("/v1/Fleets") for _ in range(3)))
        refused = [r for r in replies if r.status_code == 429]
        assert len(refused) == 1 and sum(r.status_code == 200 for r in replies) == 2
        body = refused[0].json()
        assert body["code"] == 20429 and body["status"] == 429 and "concurrency" in body["message"]
        assert refused[0].headers["Twilio-Concurrent-Requests"] == "3"
        assert "retry-after" not in refused[0].headers
        report = (await http.get("/_simulator/concurrency")).json()
        assert report == {"max_concurrency": 2, "in_flight": 0, "peak_in_flight": 2, "peak_offered": 3, "refused": 1}
        changed = (await http.post("/_simulator/concurrency", data={"Max": "5", "Reset": "true"})).json()
        assert changed["max_concurrency"] == 5 and changed["peak_in_flight"] == 0 and changed["refused"] == 0
        replies = await asyncio.gather(*(http.get("/v1/Fleets") for _ in range(5)))
        assert {r.status_code for r in replies} == {200}
        assert sim.peak_in_flight == 5
        assert (await http.post("/_simulator/concurrency", data={"Max": "x"})).status_code == 400


async def test_client_reports_the_concurrent_requests_header(
    make_simulator: Callable[..., Simulator], make_client: MakeClient
) -> None:
    """A 429 from the account's limit reaches the bulk engine's listener with Twilio-Concurrent-Requests."""
    sim = make_simulator(sims=5, latency_ms=50, max_concurrency=1)
    client = make_client(sim, attempts=1)
    heard: list[tuple[float | None, int | None]] = []
    client.throttle_listeners.append(lambda retry_after, concurrent: heard.append((retry_after, concurrent)))
    results = await asyncio.gather(
        client.list_fleets().collect(), client.list_fleets().collect(), return_exceptions=True
    )
    errors = [r for r in results if isinstance(r, RateLimitedError)]
    assert len(errors) == 1 and errors[0].concurrent_requests == 2 and errors[0].retry_after is None


async def run_against_cap(
    sim: Simulator,
    client: SuperSimClient,
    *,
    cap: int,
    on_progress: Callable[[Progress, BulkRunner], None] | None = None,
) -> BulkRunner:
    sims = await client.list_sims(status="new", page_size=1000).collect()
    plan = plan_change(sims, Change(status="active"))
    holder: list[BulkRunner] = []
    runner = BulkRunner(
        client,
        concurrency=cap,
        poll_interval=0.05,
        on_progress=(lambda p: on_progress(p, holder[0])) if on_progress else None,
    )
    holder.append(runner)
    result = await runner.run(plan, "cap")
    assert [o.outcome for o in result.outcomes] == [DONE] * len(plan.to_send)
    return runner


async def run_with_own_client(
    sim: Simulator, *, cap: int, on_progress: Callable[[Progress, BulkRunner], None] | None = None
) -> BulkRunner:
    """:func:`run_against_cap` with a client made (and closed) on the running loop (retries without waiting), for
    a test on a virtual clock."""

    async def no_wait(seconds: float) -> None:
        await asyncio.sleep(0)

    retry = RetryPolicy(attempts=10, sleep=no_wait, total_seconds=600)
    auth = BasicAuth(sim.config.account_sid, sim.config.auth_token)
    async with SuperSimClient(
        auth, base_url="http://127.0.0.1", transport=asgi_transport(sim), retry=retry, page_size=1000
    ) as client:
        return await run_against_cap(sim, client, cap=cap, on_progress=on_progress)


def test_engine_finds_the_allowance_and_runs_near_it(make_simulator: Callable[..., Simulator]) -> None:
    """Against an account allowing 12 requests in flight and a user cap of 64, the engine climbs from its
    safe start to the allowance and stays there: every SIM is activated exactly once, at most 5% of update
    requests are refused, and over the second half of the run the simulator never sees more than one probe
    above the allowance (peak offered ≤ 13) while the engine still runs at it (level ≥ 12).

    It runs on a virtual clock (tests/virtual_clock.py): the 20 ms of simulated latency is all the round trips
    the engine measures, so the limiter's latency rule sees a server that keeps up, as it is; measured in
    wall-clock time on a loaded machine the event loop's own delays looked like saturation and the level
    stopped short of the allowance."""
    allowance = 12
    sim = make_simulator(sims=0, latency_ms=20, max_concurrency=allowance, settle_seconds=0.0)
    sids = add_new_sims(sim, 1200)
    levels: list[int] = []

    def second_half(progress: Progress, runner: BulkRunner) -> None:
        if len(sim.state.changes) >= 600 and not levels:
            sim.reset_concurrency_peaks()
            levels.append(runner.limiter.limit)
        elif levels:
            levels.append(progress.concurrency)

    runner = run_on_virtual_clock(run_with_own_client(sim, cap=64, on_progress=second_half))
    assert runner.limiter.latency_ceiling is None  # 20 ms whatever the load: no queue, the 429s set the level

    assert {sim.state.sims[s].status for s in sids} == {"active"}
    assert changed_twice(sim) == []
    assert Counter(what for _, what, _ in sim.state.changes) == {"status": 1200}
    posts, refused = update_requests(sim)
    assert posts - refused == 1200  # each SIM's update processed once
    assert refused <= 0.05 * posts, f"{refused} of {posts} updates refused"
    assert sim.peak_offered <= allowance + 1
    assert runner.limiter.highest >= allowance and allowance - 2 <= (runner.limiter.ceiling or 0) <= allowance
    assert min(levels) >= allowance // 2 and max(levels) <= allowance + 1


def test_engine_follows_a_dropping_allowance_down(make_simulator: Callable[..., Simulator]) -> None:
    """The account allows 32, then 6 once a third of the SIMs are done: the engine comes down to 6,
    the last third runs without more than one probe above it, and no SIM is lost or updated twice.
    (50 ms of simulated latency on a virtual clock: the round trips are the server's, not this machine's.)"""
    sim = make_simulator(sims=0, latency_ms=50, max_concurrency=32, settle_seconds=0.0)
    sids = add_new_sims(sim, 600)
    phase: list[str] = []

    def drop(progress: Progress, runner: BulkRunner) -> None:
        applied = len(sim.state.changes)  # updates the account has processed so far
        if applied >= 200 and not phase:
            sim.set_max_concurrency(6)
            phase.append("dropped")
        elif applied >= 400 and phase == ["dropped"]:
            sim.reset_concurrency_peaks()
            phase.append("settled")

    runner = run_on_virtual_clock(run_with_own_client(sim, cap=64, on_progress=drop))

    assert phase == ["dropped", "settled"]
    assert {sim.state.sims[s].status for s in sids} == {"active"}
    assert changed_twice(sim) == []
    posts, refused = update_requests(sim)
    assert posts - refused == 600
    assert runner.limiter.highest >= 32  # it had found the first allowance
    assert sim.peak_offered <= 7 and runner.limiter.limit <= 7
    assert sim.refused_for_concurrency <= 0.05 * 200


async def test_long_iccid_file_is_resolved_by_parallel_slices(
    make_simulator: Callable[..., Simulator], make_client: MakeClient
) -> None:
    """Thousands of ICCIDs are not resolved by one sequential listing of the whole account: the account is
    listed as status slices side by side (the simulator sees them in flight together), each SIM is found, and
    the listing costs about one request per 1,000 SIMs, not one per ICCID."""
    sim = make_simulator(sims=5000, latency_ms=20)
    client = make_client(sim, page_size=1000)
    every = await client.list_sims(page_size=1000).collect()
    named = [s.iccid or "" for s in every[::2]]  # 2,500 ICCIDs
    sim.request_log.clear()
    sim.reset_concurrency_peaks()
    selection = await select_named(client, named, concurrency=16)
    assert [s.iccid for s in selection.sims] == named and selection.missing == []
    assert sim.peak_in_flight >= 3, "the slices were listed side by side"
    assert len(sim.request_log) <= 5000 // 1000 + 5


def test_cli_progress_line_shows_the_current_concurrency() -> None:
    """The headless progress line names the concurrency the engine is running at, while the run goes on."""
    out = io.StringIO()
    bar = ProgressBar(enabled=True, stream=out)
    bar(Progress(total=100, done=40, in_flight=37, concurrency=37))
    assert "concurrency 37" in out.getvalue()


async def test_engine_never_goes_above_the_user_cap(
    make_simulator: Callable[..., Simulator], make_client: MakeClient
) -> None:
    """With an account allowing 40 in flight and a user cap of 10, the engine grows to the cap and stops
    there: the simulator never sees more than 10 updates in flight (plus the follow-up's one listing of
    scheduled SIMs) and refuses nothing."""
    sim = make_simulator(sims=0, latency_ms=20, max_concurrency=40, settle_seconds=0.0)
    add_new_sims(sim, 300)
    client = make_client(sim, attempts=10, page_size=1000)
    sim.reset_concurrency_peaks()
    runner = await run_against_cap(sim, client, cap=10)
    assert runner.limiter.highest == 10 and sim.peak_offered <= 11 and sim.refused_for_concurrency == 0


async def test_iccid_file_small_for_its_account_switches_to_lookups(
    make_simulator: Callable[..., Simulator], make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the account is large for the file (here pages of 10 SIMs stand in for an account 100 times
    larger), the listing stops once it has read as many pages as ICCIDs are still missing and looks the rest
    up one by one: every SIM is found, in at most about twice the requests of the cheaper way."""
    monkeypatch.setattr(select, "LIST_PAGE", 10)
    sim = make_simulator(sims=6000, latency_ms=0)
    client = make_client(sim, page_size=1000)
    every = await client.list_sims(page_size=1000).collect()
    named = [s.iccid or "" for s in every[-250:]]  # the account's newest: the last pages of their slices
    sim.request_log.clear()
    selection = await select.select_named(client, named, concurrency=32)
    assert [s.iccid for s in selection.sims] == named and selection.missing == []
    pages_to_list_all = 6000 // 10
    assert len(sim.request_log) <= 2 * len(named) + 10 < pages_to_list_all
