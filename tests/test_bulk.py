"""The bulk engine against the in-process simulator: plans, faults, follow-up of
scheduled SIMs, journal, cancel and resume. Each test checks the simulator's
final state and its log of applied changes, not just what the engine says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from supersim_tui.api import SuperSimClient
from supersim_tui.ops.bulk import (
    DONE,
    NOT_SENT,
    SKIPPED,
    BulkRunner,
    Change,
    Progress,
    plan_change,
)
from supersim_tui.ops.journal import Journal, find_run, read_state
from supersim_tui.ops.outcomes import Action
from supersim_tui.simulator import Simulator
from supersim_tui.simulator.state import make_iccid

MakeClient = Callable[..., SuperSimClient]


def add_new_sims(sim: Simulator, count: int, fleet: str | None = "field-sensors") -> list[str]:
    """Put ``count`` new SIMs in the account (in a fleet unless None) and return their SIDs."""
    state = sim.state
    fleet_sid = state.find_fleet(fleet).sid if fleet else None  # type: ignore[union-attr]
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    start = len(state.sim_order)
    return [
        state._add_sim(make_iccid("89883079999", start + i), state.account_sid, "new", fleet_sid, None, now).sid
        for i in range(count)
    ]


def changed_twice(sim: Simulator) -> list[str]:
    counts = Counter((sid, what) for sid, what, _ in sim.state.changes)
    return [f"{sid} {what}" for (sid, what), n in counts.items() if n > 1]


async def test_activate_1000_sims_through_faults(
    make_simulator: Callable[..., Simulator], make_client: MakeClient, tmp_path: Path
) -> None:
    """1,000 SIMs with 20% of requests failing (429, 500, 503, drops): every SIM ends active,
    none is changed twice, and every item has an outcome in the result and the journal."""
    sim = make_simulator(sims=0, fault_rate=0.2, retry_after=0, settle_seconds=0.05)
    sids = add_new_sims(sim, 1000)
    client = make_client(sim, attempts=10)
    sims = await client.list_sims(status="new", page_size=1000).collect()
    plan = plan_change(sims, Change(status="active"))
    assert len(plan.to_send) == 1000

    journal = Journal.create("run-1", {"kind": "set-status", "change": plan.change.to_json()}, tmp_path)
    progress: list[Progress] = []
    runner = BulkRunner(
        client,
        concurrency=16,
        journal=journal,
        poll_interval=0.05,
        on_progress=lambda p: progress.append(Progress(**vars(p))),
    )
    result = await runner.run(plan, "run-1")

    assert [o.outcome for o in result.outcomes] == [DONE] * 1000
    assert {sim.state.sims[s].status for s in sids} == {"active"}
    assert changed_twice(sim) == []
    assert Counter(what for _, what, _ in sim.state.changes) == {"status": 1000}
    assert any(r.fault for r in sim.request_log), "faults were injected"
    state = read_state(journal)
    assert state is not None and state.finished and len(state.done) == 1000
    assert progress[-1].done == 1000 and progress[-1].failed == 0 and progress[-1].in_flight == 0
    assert any(p.waiting for p in progress), "scheduled SIMs were followed"


async def test_plan_explains_skips_and_invalid_changes(simulator: Simulator, client: SuperSimClient) -> None:
    """ready only from new, nothing back to new, activation needs a fleet, scheduled SIMs wait."""
    sims = await client.list_sims().collect()
    ready = plan_change(sims, Change(status="ready"))
    for item in ready.items:
        if item.status == "new":
            assert item.action == (Action.SEND if item.fleet_sid else Action.INVALID)
        elif item.status == "ready":
            assert item.action == Action.SKIPPED
        else:
            assert item.action == Action.INVALID
    reasons = {i.reason for i in ready.invalid}
    assert any("only possible from new" in r for r in reasons)
    assert any("no fleet" in r for r in reasons)
    assert any("scheduled" in r for r in reasons)
    assert "cannot take the change" in ready.summary()
    fleet = simulator.state.find_fleet("lab-bench")
    assert fleet is not None
    move = plan_change(sims, Change(fleet_sid=fleet.sid, fleet_label="lab-bench"))
    assert {i.action for i in move.items if i.fleet_sid == fleet.sid} == {Action.SKIPPED}
    with pytest.raises(ValueError):
        Change()


async def test_cancel_then_resume_finishes_without_repeats(
    make_simulator: Callable[..., Simulator], make_client: MakeClient, tmp_path: Path
) -> None:
    """Cancel stops new sends and records it; resume finishes the rest; no SIM changed twice."""
    sim = make_simulator(sims=0, settle_seconds=0.02)
    sids = add_new_sims(sim, 200)
    client = make_client(sim)
    plan = plan_change(await client.list_sims(page_size=1000).collect(), Change(status="ready"))
    journal = Journal.create("run-c", {"kind": "set-status", "change": plan.change.to_json()}, tmp_path)
    runner = BulkRunner(client, concurrency=4, journal=journal, poll_interval=0.02)

    def cancel_half_way(progress: Progress) -> None:
        if progress.done + progress.waiting >= 100:
            runner.cancel()

    runner.on_progress = cancel_half_way
    first = await runner.run(plan, "run-c")
    assert first.cancelled
    not_run = [o for o in first.outcomes if o.outcome == NOT_SENT]
    assert 0 < len(not_run) < 200
    assert all(sim.state.sims[o.key].status == "new" for o in not_run)
    state = read_state(journal)
    assert state is not None and state.cancelled and not state.finished

    found = find_run(None, tmp_path)
    assert found is not None and found[1].run_id == "run-c"
    second = await BulkRunner(client, concurrency=4, journal=found[0], poll_interval=0.02).resume(found[1])
    assert [o.outcome for o in second.outcomes] == [DONE] * 200
    assert {sim.state.sims[s].status for s in sids} == {"ready"}
    assert changed_twice(sim) == []
    assert find_run(None, tmp_path) is None  # nothing left to resume


async def test_resume_checks_started_items_before_sending(
    make_simulator: Callable[..., Simulator], make_client: MakeClient, tmp_path: Path
) -> None:
    """A journal that ends after 'start' (killed mid-request): an item the server did apply is
    confirmed, not re-sent; one it never got is sent; one never started is sent."""
    sim = make_simulator(sims=0, settle_seconds=0)
    applied, lost, untouched = add_new_sims(sim, 3)
    client = make_client(sim)
    plan = plan_change(await client.list_sims().collect(), Change(status="active"))
    journal = Journal.create("run-k", {"kind": "set-status", "change": plan.change.to_json()}, tmp_path)
    journal.write_plan([asdict(item) for item in plan.items])
    journal.write({"type": "start", "key": applied})
    journal.write({"type": "start", "key": lost})
    sim.state.update_sim(applied, {"Status": "active"})  # the request that was in flight when killed
    with journal.path.open("a") as handle:
        handle.write('{"type": "done", "key": "torn')  # a torn last line is ignored
    before = len(sim.state.changes)
    requests_before = len(sim.request_log)

    state = read_state(journal)
    assert state is not None and state.started == {applied, lost}
    result = await BulkRunner(client, journal=Journal.open(journal.path), poll_interval=0.01).resume(state)
    assert [o.outcome for o in result.outcomes] == [DONE] * 3
    assert sorted(sid for sid, _, _ in sim.state.changes[before:]) == sorted([lost, untouched])
    posted = [r.path for r in sim.request_log[requests_before:] if r.method == "POST"]
    assert f"/v1/Sims/{applied}" not in posted  # confirmed with a GET, never sent again
    assert sorted(posted) == sorted([f"/v1/Sims/{lost}", f"/v1/Sims/{untouched}"])
    assert changed_twice(sim) == []


async def test_move_to_fleet_follows_scheduled_changes(
    make_simulator: Callable[..., Simulator], make_client: MakeClient
) -> None:
    """Moving active SIMs is asynchronous: the outcome is the fleet they really end in."""
    sim = make_simulator(sims=300, settle_seconds=0.05)
    client = make_client(sim)
    target = sim.state.find_fleet("lab-bench")
    assert target is not None
    active = await client.list_sims(status="active", fleet="eu-trackers", page_size=1000).collect()
    assert len(active) > FETCH_THRESHOLD
    result = await BulkRunner(client, poll_interval=0.02).run(
        plan_change(active, Change(fleet_sid=target.sid)), "run-m"
    )
    assert {o.outcome for o in result.outcomes} == {DONE}
    assert {sim.state.sims[s.sid].fleet_sid for s in active} == {target.sid}
    assert {sim.state.sims[s.sid].status for s in active} == {"active"}


FETCH_THRESHOLD = 20


async def test_requests_stay_near_one_per_sim(
    make_simulator: Callable[..., Simulator], make_client: MakeClient
) -> None:
    """Following scheduled SIMs by listing keeps the run close to one request per SIM."""
    sim = make_simulator(sims=0, settle_seconds=0.01)
    add_new_sims(sim, 400)
    client = make_client(sim)
    plan = plan_change(await client.list_sims(page_size=1000).collect(), Change(status="active"))
    before = client.requests_sent
    await BulkRunner(client, concurrency=8, poll_interval=0.05).run(plan, "run-r")
    assert client.requests_sent - before <= 400 * 1.2


async def test_registration_batch_through_faults(
    make_simulator: Callable[..., Simulator], make_client: MakeClient, tmp_path: Path
) -> None:
    """60 registrations with 30% faults: all end registered, and the server processed each ICCID's
    POST exactly once (a reply lost after processing is checked, never blindly re-sent)."""
    from supersim_tui.ops.register import Registration, RegistrationRunner
    from supersim_tui.simulator.seed import registrable_examples

    sim = make_simulator(fault_rate=0.3, retry_after=0)
    pairs = registrable_examples(sim.state, 60)
    rows = [Registration(i + 1, iccid, code, "lab-bench" if i % 2 else None) for i, (iccid, code) in enumerate(pairs)]
    journal = Journal.create("reg-1", {"kind": "register"}, tmp_path)
    result = await RegistrationRunner(make_client(sim, attempts=12), concurrency=4, journal=journal).run(rows, "reg-1")

    assert [o.outcome for o in result.outcomes] == [DONE] * 60, [o.error for o in result.outcomes if o.error]
    lab = sim.state.find_fleet("lab-bench")
    for row in rows:
        registered = sim.state.sims[sim.state.sims_by_iccid[row.iccid]]
        assert registered.fleet_sid == (lab.sid if row.fleet else None)  # type: ignore[union-attr]
    processed = Counter(
        dict(r.form)["Iccid"]
        for r in sim.request_log
        if r.method == "POST" and r.path == "/v1/Sims" and r.fault not in ("429", "503")
    )
    assert set(processed) == {row.iccid for row in rows}
    assert max(processed.values()) == 1
    assert any(r.fault in ("500", "drop") for r in sim.request_log if r.path == "/v1/Sims")


async def test_rename_from_a_pattern(make_simulator: Callable[..., Simulator], make_client: MakeClient) -> None:
    """Unique names from a pattern: names already right are skipped, duplicates are refused before sending,
    the rest are set; a pattern that would give every SIM the same name is refused outright."""
    sim = make_simulator(sims=0)
    sids = add_new_sims(sim, 5)
    sim.state.update_sim(sids[0], {"UniqueName": "gate-1"})
    client = make_client(sim)
    sims = await client.list_sims().collect()
    plan = plan_change(sims, Change(unique_name_pattern="gate-{n}"))
    assert [i.action for i in plan.items] == [SKIPPED, "send", "send", "send", "send"]
    result = await BulkRunner(client).run(plan, "rename-1")
    assert [sim.state.sims[s].unique_name for s in sids] == [f"gate-{n}" for n in range(1, 6)]
    assert result.count(DONE) == 4 and result.count(SKIPPED) == 1
    clash = plan_change(sims, Change(unique_name_pattern="x-{last4}-{n}"))
    assert {i.action for i in clash.items} == {"send"}
    with pytest.raises(ValueError, match="same name"):
        Change(unique_name_pattern="gate")
    with pytest.raises(ValueError, match="unknown field"):
        Change(unique_name_pattern="gate-{fleet}")
    from supersim_tui.api import Sim

    twins = [
        Sim(sid="HS" + "1" * 32, iccid="8988307000000001234"),
        Sim(sid="HS" + "2" * 32, iccid="8988307000000991234"),
    ]
    duplicate = plan_change(twins, Change(unique_name_pattern="meter-{last4}"))
    assert [i.action for i in duplicate.items] == [Action.INVALID, Action.INVALID]
    assert duplicate.items[0].reason == "2 SIMs would be named 'meter-1234'"


async def test_a_retry_killed_then_resumed_finishes_the_run_it_retried(
    make_simulator: Callable[..., Simulator], make_client: MakeClient, tmp_path: Path
) -> None:
    """A stopped run, retried (its journal header names the run it retries); the retry is killed before any
    outcome, and resumed later from its journal (by the app at launch, or ``sims resume``): once it finishes,
    the stopped run's journal says its SIMs are done. The link lived only in the results screen's memory, so
    after a kill the stopped run stayed "interrupted, 121 left", and was offered for resume again."""
    sim = make_simulator(sims=0, settle_seconds=0)
    add_new_sims(sim, 3)
    client = make_client(sim)
    plan = plan_change(await client.list_sims().collect(), Change(status="active"))
    header = {"kind": "set-status", "change": plan.change.to_json()}
    stopped = Journal.create("run-a", header, tmp_path)
    stopped.write_plan([asdict(item) for item in plan.items])
    stopped.write({"type": "stopped", "reason": "stopped on purpose"})
    stopped.close()
    retry = Journal.create("run-b", {**header, "retries": ["run-a"]}, tmp_path)
    retry.write_plan([asdict(item) for item in plan.items])  # killed here: nothing sent
    retry.close()
    before = read_state(Journal.open(stopped.path))
    assert before is not None and len(before.remaining) == 3

    state = read_state(Journal.open(retry.path))
    assert state is not None
    result = await BulkRunner(client, journal=Journal.open(retry.path), poll_interval=0.01).resume(state)
    assert [o.outcome for o in result.outcomes] == [DONE] * 3
    after = read_state(Journal.open(stopped.path))
    assert after is not None and after.remaining == [] and after.describe() == "finished"
    assert find_run(None, directory=tmp_path, include_stopped=True) is None  # nothing left to offer
