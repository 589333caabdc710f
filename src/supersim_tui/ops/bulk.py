"""Bulk SIM changes: run a :class:`~.plan.Plan` with bounded adaptive concurrency, follow, journal, resume.

Used by the headless ``sims set-status|activate|move|rename`` commands and by the TUI. No Textual here:
progress goes to a plain callback. The parts live beside it: the outcome words and progress in
:mod:`.outcomes`, planning in :mod:`.plan`, the worker pool shared with registrations in :mod:`.runner`,
CSV in :mod:`.export`; their names stay importable from here.

A run costs about one request per SIM: asynchronous updates (``scheduled``) are
confirmed by listing ``Status=scheduled`` (and the target status or fleet) a
page of 1,000 at a time, not by polling each SIM.

Over 400 lines on purpose: sending, resuming and following scheduled updates share the run's state
(pending items, outcomes, the stop) and are one job, the bulk run; each part is a few short methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..api import Sim, SimStatus, SuperSimClient, SuperSimError
from ..api.errors import RateLimitedError, explain, is_transient
from .current import read_current_by_sid
from .export import OUTCOME_COLUMNS, write_outcomes_csv
from .journal import Journal, JournalState, record_final, retried_journals
from .names import NAME_FIELDS, PatternError, format_unique_name
from .outcomes import (
    DONE,
    FAILED,
    INVALID,
    NOT_SENT,
    OUTCOME_MEANING,
    OUTCOMES,
    SKIPPED,
    UNCONFIRMED,
    Action,
    ItemOutcome,
    Outcome,
    PlanIncompleteError,
    Progress,
    ResumeCounts,
)
from .parallel import all_of
from .plan import Change, Plan, PlannedItem, plan_change, plan_state
from .runner import AUTH_ERRORS, UNREACHABLE_AFTER, ProgressCallback, Runner

__all__ = [  # the names older imports take from here
    "AUTH_ERRORS",
    "DONE",
    "FAILED",
    "INVALID",
    "NAME_FIELDS",
    "NOT_SENT",
    "OUTCOMES",
    "OUTCOME_COLUMNS",
    "OUTCOME_MEANING",
    "SKIPPED",
    "UNCONFIRMED",
    "UNREACHABLE_AFTER",
    "Action",
    "BulkRunner",
    "Change",
    "ItemOutcome",
    "Outcome",
    "PatternError",
    "Plan",
    "PlanIncompleteError",
    "PlannedItem",
    "Progress",
    "ProgressCallback",
    "ResumeCounts",
    "RunResult",
    "format_unique_name",
    "plan_change",
    "write_outcomes_csv",
]

DEFAULT_CONCURRENCY = 100  # the most requests in flight; the limiter finds the account's allowance below it
FETCH_EACH_MAX = 20  # below this many settled SIMs, fetch each; above, confirm by listing
GONE = "the SIM is no longer in this account"


@dataclass
class RunResult:
    run_id: str
    change: Change
    outcomes: list[ItemOutcome]
    cancelled: bool = False
    journal_path: str | None = None
    lowest_concurrency: int = 0
    seconds_to_accepted: float = 0.0  # until the API had accepted every update sent
    seconds_to_confirmed: float = 0.0  # until every asynchronous update was read back final
    interrupted: str | None = None  # why the run stopped itself (credentials refused), if it did
    resumed: ResumeCounts | None = None  # what a resume found and did

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def ok(self) -> bool:
        return all(o.outcome in (DONE, SKIPPED) for o in self.outcomes)


def follows_on_resume(sim: Sim, target_name: str | None) -> bool:
    """Whether a resume follows this SIM rather than plans it: an update in progress (``scheduled``) is read
    until it ends and never sent again; a rename is immediate, so never in progress. The one rule for the
    resume itself and for the plan the app shows before it."""
    return sim.status == SimStatus.SCHEDULED and target_name is None


class BulkRunner(Runner):
    """Applies one :class:`Change` to many SIMs. Create one per run."""

    def __init__(
        self,
        client: SuperSimClient,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        journal: Journal | None = None,
        on_progress: ProgressCallback | None = None,
        follow: bool = True,
        poll_interval: float = 1.0,
        follow_timeout: float = 600.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        super().__init__(client, concurrency=concurrency, journal=journal, on_progress=on_progress)
        self.follow = follow
        self.poll_interval = poll_interval
        self.follow_timeout = follow_timeout
        self.sleep = sleep
        self._outcomes: dict[str, ItemOutcome] = {}
        self._pending: dict[str, PlannedItem] = {}
        self._change: Change | None = None
        self._sending_finished = asyncio.Event()
        self._sent_count = 0
        # The runs this one retries (its journal header's ``retries``): their journals learn its final outcomes
        self.retries: list[str] = []

    # ------------------------------------------------------------------- run
    async def run(self, plan: Plan, run_id: str) -> RunResult:
        """Run a new plan: the whole plan is made durable in the journal first, then sent."""
        if self.journal is not None:
            self.retries = list((self.journal.header or {}).get("retries", []))
            self.journal.write_plan([item.to_json() for item in plan.items], duplicates=plan.duplicates)
        return await self._run(plan.change, run_id, plan.items, order=plan.items)

    async def resume(self, state: JournalState, current: dict[str, Sim] | None = None) -> RunResult:
        """Finish a journaled run: every item without a final outcome (never sent, sent but unconfirmed,
        failed in a way worth retrying) is read back from the API first (``current``: already read, by SID, for
        the caller's plan; not read again); what is already in the target state is not sent again, an update
        in progress is followed, a SIM no longer in the account fails with that reason, the rest is planned
        afresh and sent. Items with a final outcome are left alone. An incomplete plan is refused (nothing is
        sent)."""
        self._outcomes = self.final_outcomes(state)
        self.retries = list(state.header.get("retries", []))
        change = Change.from_json(state.header["change"])
        self._change = change
        items = [PlannedItem.from_record(record) for record in state.items]
        counts = ResumeCounts(left_alone=len(self._outcomes))
        todo = [item for item in items if item.key not in self._outcomes]
        if current is None:
            current = await read_current_by_sid(self.client, [item.key for item in todo])
        counts.rechecked = len(todo)
        if self.journal is not None:
            self.journal.write({"type": "resumed"})
        ready: list[PlannedItem] = []
        following: list[PlannedItem] = []
        for item in todo:
            sim = current.get(item.key)
            touched = item.key in state.started or item.key in state.sent or item.key in state.done
            if sim is None:
                counts.gone += 1
                self._finish(item.outcome(FAILED, GONE))
                continue
            fresh = PlannedItem(
                item.key,
                item.iccid,
                item.label,
                str(sim.status or ""),
                sim.fleet_sid,
                Action.SEND,
                "",
                item.target_name,
            )
            if follows_on_resume(sim, item.target_name):
                counts.following += 1
                following.append(fresh)
            elif change.matches(sim, item.target_name):
                if touched:
                    counts.already_done += 1
                    self._finish(item.settled(DONE, sim))
                else:
                    counts.already_there += 1
                    self._finish(item.settled(SKIPPED, sim, "already there"))
            elif item.target_name is not None:
                ready.append(fresh)
            else:
                again = plan_state(sim, change)
                ready.append(PlannedItem.from_record({**again.to_json(), "label": item.label, "iccid": item.iccid}))
        result = await self._run(change, state.run_id, ready, order=items, following=following)
        counts.sent = self._sent_count
        result.resumed = counts
        return result

    async def _run(
        self,
        change: Change,
        run_id: str,
        items: list[PlannedItem],
        *,
        order: list[PlannedItem],
        following: list[PlannedItem] | None = None,
    ) -> RunResult:
        self._change = change
        self._progress = Progress(total=len(order), concurrency=self.limiter.limit)
        for outcome in self._outcomes.values():
            self._progress.count(outcome.outcome)
        began = time.monotonic()
        accepted_at = began
        with self.throttle_feedback():
            for item in following or ():
                self._pending[item.key] = item
            to_send = []
            for item in items:
                if item.action is Action.SEND:
                    to_send.append(item)
                else:
                    self._finish(item.planned_outcome())
            self.report()
            follower = asyncio.create_task(self._follow_loop()) if self.follow else None
            never_sent = await self.work(to_send, self._send_one)
            accepted_at = time.monotonic()
            self._sending_finished.set()
            if follower is not None:
                await follower
        for item in list(self._pending.values()):
            self._finish(
                ItemOutcome(
                    item.key,
                    item.iccid,
                    item.label,
                    UNCONFIRMED,
                    SimStatus.SCHEDULED,
                    item.fleet_sid,
                    "accepted; still scheduled when following stopped",
                    retryable=True,
                    sid=item.key,
                ),
                journal=False,
            )
        reason = self.not_sent_reason()
        for item in never_sent:
            self._finish(item.outcome(NOT_SENT, reason, retryable=True), journal=False)
        self.close_journal()
        self.report()
        position = {item.key: index for index, item in enumerate(order)}
        outcomes = sorted(self._outcomes.values(), key=lambda o: position.get(o.key, -1))
        if self.journal is not None:  # a retry (new, or resumed after a kill): the runs it retried learn its outcomes
            for retried in retried_journals(self.journal, self.retries):
                record_final(retried, outcomes)
        return RunResult(
            run_id,
            change,
            outcomes,
            self._cancelled,
            self.journal_path,
            self.limiter.lowest,
            accepted_at - began,
            time.monotonic() - began,
            self.interrupted,
        )

    # ----------------------------------------------------------------- items
    async def _send_one(self, item: PlannedItem) -> bool:
        """Send one item's change and record what came of it; False when it met a 429."""
        try:
            await self._send(item)
        except AUTH_ERRORS as error:
            self.stop_for_credentials(error)
            self._finish(item.outcome(NOT_SENT, f"refused: {self.interrupted}", error.code, True), journal=False)
        except SuperSimError as error:
            self._finish(item.outcome(FAILED, explain(error), error.code, is_transient(error)))
            self.connect_failed(error)
            return not isinstance(error, RateLimitedError)
        else:
            self.connect_failed(None)
        return True

    async def _send(self, item: PlannedItem) -> None:
        change = self._change
        assert change is not None
        if self.journal is not None:
            self.journal.write({"type": "start", "key": item.key})
        fleet = change.fleet_sid if change.fleet_sid and change.fleet_sid != item.fleet_sid else None
        self._sent_count += 1
        sim = await self.client.update_sim(item.key, status=change.status, fleet=fleet, unique_name=item.target_name)
        if self.journal is not None:
            self.journal.write({"type": "sent", "key": item.key, "status": str(sim.status)})
        if sim.status == SimStatus.SCHEDULED and self.follow and item.target_name is None:
            self._pending[item.key] = item
            self._progress.waiting = len(self._pending)
        else:
            self._settled(item, sim)

    def _settled(self, item: PlannedItem, sim: Sim) -> None:
        change = self._change
        assert change is not None
        if change.matches(sim, item.target_name):
            self._finish(item.settled(DONE, sim))
        else:
            self._finish(
                item.settled(FAILED, sim, f"the update did not take effect: the SIM is {sim.status}", retryable=True)
            )

    # ------------------------------------------------------------- following
    async def _follow_loop(self) -> None:
        """Follow scheduled SIMs until each has left ``scheduled``, then read their final state.

        While sending, only the small list of scheduled SIMs is read (every ``poll_interval``),
        for honest progress; reading final states waits until sending is over, so it does not
        compete with it. Then polling starts at 50 ms and backs off, bounded by ``follow_timeout``.
        """
        while not self._sending_finished.is_set() and not self._cancelled:
            if self._pending:
                await self._confirm_round(read_finals=False)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._sending_finished.wait(), self.poll_interval)
        interval = 0.05
        deadline = time.monotonic() + self.follow_timeout
        while self._pending and not self._cancelled:
            await self._confirm_round()
            if not self._pending or time.monotonic() >= deadline:
                return
            await self.sleep(interval)
            interval = min(interval * 2, 10.0)
        if self._pending:  # cancelled: one last read, so what has already settled is reported as settled
            await self._confirm_round()

    async def _confirm_round(self, read_finals: bool = True) -> None:
        """Read back the pending SIMs that are no longer scheduled."""
        candidates = list(self._pending)  # before the read: later sends are not judged by it
        if read_finals and len(candidates) <= FETCH_EACH_MAX:
            settled = candidates  # a GET each says scheduled or final: no list needed
        else:
            try:
                still = {s.sid async for s in self.client.list_sims(status="scheduled", page_size=1000)}
            except AUTH_ERRORS as error:
                self.stop_for_credentials(error)
                return
            except SuperSimError as error:
                self.connect_failed(error)
                return  # try again next round
            settled = [key for key in candidates if key not in still]
        self._progress.waiting = len(self._pending) - len(settled)
        if not settled or not read_finals:
            self.report()
            return
        finals: dict[str, Sim] = {}
        try:
            if len(settled) > FETCH_EACH_MAX:
                await self._confirm_by_listing(settled, finals)
            gate = asyncio.Semaphore(FETCH_EACH_MAX)
            await all_of(self._fetch_into(key, finals, gate) for key in settled if key not in finals)
        except AUTH_ERRORS as error:
            self.stop_for_credentials(error)
        except SuperSimError as error:
            self.connect_failed(error)  # whatever was read counts; the rest next round
        for key, sim in finals.items():
            if sim.status == SimStatus.SCHEDULED:
                continue  # scheduled again (or still): keep following
            item = self._pending.pop(key, None)
            if item is not None:
                self._settled(item, sim)
        self._progress.waiting = len(self._pending)
        self.report()

    async def _fetch_into(self, key: str, finals: dict[str, Sim], gate: asyncio.Semaphore) -> None:
        async with gate:
            finals[key] = await self.client.fetch_sim(key)

    async def _confirm_by_listing(self, settled: list[str], finals: dict[str, Sim]) -> None:
        """Read settled SIMs from the target slice of each fleet (``Status=T&Fleet=F``), slices in
        parallel, each stopping once all its SIMs are seen: far fewer requests than one GET each."""
        change = self._change
        assert change is not None
        groups: dict[str | None, set[str]] = {}
        for key in settled:
            groups.setdefault(change.fleet_sid or self._pending[key].fleet_sid, set()).add(key)

        async def scan(fleet: str | None, wanted: set[str]) -> None:
            async for sim in self.client.list_sims(status=change.status, fleet=fleet, page_size=1000):
                if sim.sid in wanted:
                    finals[sim.sid] = sim
                    wanted.discard(sim.sid)
                    if not wanted:
                        return

        await all_of(scan(fleet, wanted) for fleet, wanted in groups.items())

    # ------------------------------------------------------------- bookkeeping
    def _finish(self, outcome: ItemOutcome, journal: bool = True) -> None:
        self._outcomes[outcome.key] = outcome
        self._progress.count(outcome.outcome)
        if journal and self.journal is not None:
            self.journal.write({"type": "done", **outcome.to_json()})
        self.report()
