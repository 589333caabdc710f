"""Bulk SIM changes: plan, run with bounded adaptive concurrency, follow, journal, resume.

Used by the headless ``sims set-status|activate|move`` commands and by the TUI.
No Textual here: progress goes to a plain callback.

A run costs about one request per SIM: asynchronous updates (``scheduled``) are
confirmed by listing ``Status=scheduled`` (and the target status or fleet) a
page of 1,000 at a time, not by polling each SIM.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..api import Sim, SimStatus, SuperSimClient, SuperSimError
from ..api.errors import (
    AuthenticationError,
    ConnectFailedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    TransportError,
)
from .journal import Journal, JournalState
from .limiter import AdaptiveLimiter
from .names import NAME_FIELDS, PatternError, format_unique_name, pattern_fields, validate_pattern
from .parallel import all_of

__all__ = ["NAME_FIELDS", "PatternError", "format_unique_name"]  # re-exported for older imports

DEFAULT_CONCURRENCY = 100  # the most requests in flight; the limiter finds the account's allowance below it
FETCH_EACH_MAX = 20  # below this many settled SIMs, fetch each; above, confirm by listing
LIST_INSTEAD_OF_FETCHES = 200  # resume reads back more unfinished items than this by listing the account

# Outcomes, each final for the run.
DONE = "done"  # the SIM is in the requested state
SKIPPED = "skipped"  # already there: nothing sent
INVALID = "invalid"  # cannot take the change (planned, never sent)
FAILED = "failed"  # the API refused or kept failing
NOT_SENT = "not-sent"  # never sent: the run stopped first (older journals wrote "not-run")
UNCONFIRMED = "unconfirmed"  # accepted by the API, still scheduled when following stopped
OUTCOMES = (DONE, SKIPPED, INVALID, FAILED, NOT_SENT, UNCONFIRMED)
# The one vocabulary: these words (and these explanations) in the plan, the live progress, the results,
# the CLI, JSON and CSV alike.
OUTCOME_MEANING = {
    DONE: "in the requested state",
    SKIPPED: "already there, nothing sent",
    INVALID: "cannot take the change, not sent",
    FAILED: "the API refused or kept failing",
    NOT_SENT: "never sent: the run stopped first",
    UNCONFIRMED: "sent and accepted; still scheduled when following stopped",
}


# The unique-name pattern helpers live in ops/names.py; these names stay importable from here.
_pattern_fields = pattern_fields


@dataclass(frozen=True)
class Change:
    """What to do to each SIM: a target status, a target fleet, a status in a fleet, or unique names
    from a pattern (``{iccid}``, ``{last4}``, ``{last6}``, ``{n}`` (1, 2, … in selection order), ``{sid}``)."""

    status: str | None = None
    fleet_sid: str | None = None
    fleet_label: str | None = None
    unique_name_pattern: str | None = None

    def __post_init__(self) -> None:
        if self.status is None and self.fleet_sid is None and self.unique_name_pattern is None:
            raise ValueError("a change needs a status, a fleet or a unique-name pattern")
        if self.unique_name_pattern is not None:
            validate_pattern(self.unique_name_pattern)  # PatternError (a ValueError) says what is wrong

    @property
    def kind(self) -> str:
        return "rename" if self.unique_name_pattern else "set-status" if self.status else "move"

    def name_for(self, sim: Sim, n: int) -> str:
        assert self.unique_name_pattern is not None
        return format_unique_name(self.unique_name_pattern, iccid=sim.iccid or "", n=n, sid=sim.sid)

    def describe(self) -> str:
        if self.unique_name_pattern:
            return f"rename to {self.unique_name_pattern!r}"
        parts = []
        if self.status:
            parts.append(f"set status to {self.status}")
        if self.fleet_sid:
            parts.append(f"{'in' if self.status else 'move to'} fleet {self.fleet_label or self.fleet_sid}")
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "fleet_sid": self.fleet_sid,
            "fleet_label": self.fleet_label,
            "unique_name_pattern": self.unique_name_pattern,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(
            status=data.get("status"),
            fleet_sid=data.get("fleet_sid"),
            fleet_label=data.get("fleet_label"),
            unique_name_pattern=data.get("unique_name_pattern"),
        )


@dataclass(frozen=True)
class PlannedItem:
    key: str  # the SIM's SID
    iccid: str
    label: str
    status: str
    fleet_sid: str | None
    action: str  # "send" | SKIPPED | INVALID
    reason: str = ""
    target_name: str | None = None  # renames only


@dataclass
class Plan:
    change: Change
    items: list[PlannedItem]
    duplicates: int = 0  # SIMs named more than once in the selection, collapsed to one item each

    @property
    def to_send(self) -> list[PlannedItem]:
        return [i for i in self.items if i.action == "send"]

    @property
    def skipped(self) -> list[PlannedItem]:
        return [i for i in self.items if i.action == SKIPPED]

    @property
    def invalid(self) -> list[PlannedItem]:
        return [i for i in self.items if i.action == INVALID]

    @staticmethod
    def reasons(items: list[PlannedItem]) -> list[tuple[str, int]]:
        """Each distinct reason among ``items`` with how many it applies to, most frequent first."""
        return Counter(item.reason for item in items).most_common()

    def summary(self) -> str:
        lines = [
            f"{self.change.describe().capitalize()}: {len(self.items):,} SIMs selected",
            f"  {len(self.to_send):,} will be changed",
            f"  {len(self.skipped):,} {SKIPPED} ({OUTCOME_MEANING[SKIPPED]})",
        ]
        if self.duplicates:
            lines.insert(
                1,
                f"  {self.duplicates:,} named more than once (the same SIM by ICCID, SID or unique "
                "name): each changed once",
            )
        if self.invalid:
            lines.append(f"  {len(self.invalid):,} {INVALID} ({OUTCOME_MEANING[INVALID]}):")
            lines += [f"    {count:,} × {reason}" for reason, count in self.reasons(self.invalid)]
        return "\n".join(lines)


def plan_change(sims: Iterable[Sim], change: Change) -> Plan:
    """Decide, before anything is sent, what happens to each SIM and why. A SIM listed twice (by ICCID and
    SID, say) is one item: the plan counts the duplicates."""
    unique: dict[str, Sim] = {}
    listed = 0
    for sim in sims:
        listed += 1
        unique.setdefault(sim.sid, sim)
    plan = (
        _plan_rename(list(unique.values()), change)
        if change.unique_name_pattern
        else _plan_states(unique.values(), change)
    )
    plan.duplicates = listed - len(unique)
    return plan


def _plan_states(sims: Iterable[Sim], change: Change) -> Plan:
    items = []
    for sim in sims:
        status = str(sim.status or "")
        action, reason = "send", ""
        if status == SimStatus.SCHEDULED:
            action, reason = INVALID, "an update is in progress (scheduled); try again when it completes"
        elif change.status:
            target_fleet = change.fleet_sid or sim.fleet_sid
            if change.status == status and (change.fleet_sid is None or change.fleet_sid == sim.fleet_sid):
                action, reason = SKIPPED, f"already {status}"
            elif change.status == SimStatus.NEW:
                action, reason = INVALID, "nothing can return to new"
            elif change.status == SimStatus.READY and status != SimStatus.NEW:
                action, reason = INVALID, f"ready is only possible from new (SIM is {status})"
            elif change.status in (SimStatus.READY, SimStatus.ACTIVE) and target_fleet is None:
                action, reason = INVALID, "no fleet: choose a fleet to activate into"
        elif change.fleet_sid == sim.fleet_sid:
            action, reason = SKIPPED, "already in that fleet"
        items.append(PlannedItem(sim.sid, sim.iccid or "", sim.label, status, sim.fleet_sid, action, reason))
    return Plan(change, items)


def _plan_rename(sims: list[Sim], change: Change) -> Plan:
    targets: list[str] = []
    problems: dict[int, str] = {}  # index → why that SIM's name cannot be made (e.g. over the length limit)
    for n, sim in enumerate(sims, start=1):
        try:
            targets.append(change.name_for(sim, n))
        except PatternError as error:
            targets.append("")
            problems[n - 1] = str(error)
    seen: dict[str, int] = {}
    for name in targets:
        seen[name] = seen.get(name, 0) + 1
    items = []
    for index, (sim, name) in enumerate(zip(sims, targets, strict=True)):
        action, reason = "send", ""
        if index in problems:
            action, reason = INVALID, problems[index]
        elif sim.unique_name == name:
            action, reason = SKIPPED, "already has that name"
        elif seen[name] > 1:
            action, reason = INVALID, f"{seen[name]} SIMs would be named {name!r}"
        items.append(
            PlannedItem(sim.sid, sim.iccid or "", sim.label, str(sim.status or ""), sim.fleet_sid, action, reason, name)
        )
    return Plan(change, items)


@dataclass(frozen=True)
class ItemOutcome:
    key: str
    iccid: str
    label: str
    outcome: str
    status: str | None = None
    fleet_sid: str | None = None
    error: str | None = None
    code: int | None = None
    retryable: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def unique_name(self) -> str | None:
        """The SIM's unique name, if it has one (``label`` falls back to the ICCID or SID)."""
        return self.label if self.label not in (self.iccid, self.key) else None


@dataclass
class Progress:
    """A snapshot for progress displays (CLI bar, TUI screen)."""

    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0
    invalid: int = 0  # planned as unable to take the change: never sent
    not_sent: int = 0  # the run stopped before sending them
    unconfirmed: int = 0  # sent, still scheduled when following stopped
    in_flight: int = 0
    waiting: int = 0  # accepted, scheduled, being followed
    started: float = field(default_factory=time.monotonic)
    now: float = field(default_factory=time.monotonic)
    concurrency: int = 0

    @property
    def finished(self) -> int:
        """Items with a final outcome the API stands behind: a stop's not-sent and unconfirmed are not progress."""
        return self.done + self.failed + self.skipped + self.invalid

    @property
    def remaining(self) -> int:
        return self.total - self.finished

    @property
    def rate(self) -> float:
        """Items finished per second (skips excluded: they cost nothing)."""
        elapsed = max(self.now - self.started, 1e-6)
        return (self.done + self.failed) / elapsed

    @property
    def eta(self) -> float | None:
        return self.remaining / self.rate if self.rate > 0 else None


@dataclass
class ResumeCounts:
    """What a resume did with the items it took up."""

    rechecked: int = 0  # unfinished items read back from the API
    already_done: int = 0  # found in the target state: sent before, confirmed now, not sent again
    already_there: int = 0  # never sent and already in the target state: skipped
    sent: int = 0  # sent now
    following: int = 0  # an update in progress (scheduled): followed to the end, not sent
    left_alone: int = 0  # final before the resume (done, skipped, invalid, failed for good)

    def describe(self) -> str:
        return (
            f"re-checked {self.rechecked:,} unfinished item(s): {self.already_done:,} already done, "
            f"{self.already_there:,} already there (skipped), {self.following:,} in progress (followed), "
            f"{self.sent:,} sent; {self.left_alone:,} final item(s) left alone"
        )


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


ProgressCallback = Callable[[Progress], None]


class PlanIncompleteError(SuperSimError):
    """A journal whose plan is not whole: resume refuses it, and sends nothing."""

    default_hint = (
        "Run the same change again: it reads every SIM afresh, and SIMs already in the target "
        "state are skipped, so nothing is changed twice. Then remove that journal, or `sims resume` "
        "without a run id keeps finding it."
    )


AUTH_ERRORS = (AuthenticationError, PermissionDeniedError)
# Items (or follow-up reads) in a row that could not connect at all, each after its own retries, before a run
# stops sending: the API is down or unreachable, and trying every remaining SIM in turn would only take minutes
# to fail each one. The rest is not-sent and the run is resumable.
UNREACHABLE_AFTER = 3


def _retryable(error: SuperSimError) -> bool:
    return isinstance(error, RateLimitedError | ServerError | TransportError | ConnectFailedError) or error.code in (
        83000,
        83004,
        83009,
    )


class BulkRunner:
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
        self.client = client
        self.limiter = AdaptiveLimiter(concurrency)
        self.journal = journal
        self.on_progress = on_progress
        self.follow = follow
        self.poll_interval = poll_interval
        self.follow_timeout = follow_timeout
        self.sleep = sleep
        self._cancelled = False
        self._outcomes: dict[str, ItemOutcome] = {}
        self._pending: dict[str, PlannedItem] = {}
        self._progress = Progress(total=0)
        self._change: Change | None = None
        self._sending_finished = asyncio.Event()
        self._sent_count = 0
        self._resume_counts: ResumeCounts | None = None
        self.interrupted: str | None = None  # set when the run stopped itself (credentials refused)
        self._connect_failures = 0  # in a row; see UNREACHABLE_AFTER

    # --------------------------------------------------------------- control
    def cancel(self) -> None:
        """Stop sending new items; in-flight ones finish; the journal records where it stopped."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    # ------------------------------------------------------------------- run
    async def run(self, plan: Plan, run_id: str) -> RunResult:
        """Run a new plan: the whole plan is made durable in the journal first, then sent."""
        if self.journal is not None:
            self.journal.write_plan([asdict(item) for item in plan.items], duplicates=plan.duplicates)
        return await self._run(plan.change, run_id, plan.items, order=plan.items)

    async def resume(self, state: JournalState) -> RunResult:
        """Finish a journaled run: every item without a final outcome (never sent, sent but unconfirmed,
        failed in a way worth retrying) is read back from the API first; what is already in the target
        state is not sent again, an update in progress is followed, the rest is planned afresh and sent.
        Items with a final outcome are left alone. An incomplete plan is refused (nothing is sent)."""
        problem = state.plan_problem
        if problem is not None:
            raise PlanIncompleteError(
                f"run {state.run_id} cannot be resumed: {problem}; nothing more was sent (journal {state.path})"
            )
        change = Change.from_json(state.header["change"])
        self._change = change
        items = [PlannedItem(**{k: v for k, v in record.items() if k != "type"}) for record in state.items]
        counts = ResumeCounts()
        previous: dict[str, dict[str, Any]] = {}
        for key, record in state.done.items():
            if state.unfinished(record):
                previous[key] = record
            else:
                self._outcomes[key] = ItemOutcome(**{k: v for k, v in record.items() if k != "type"})
        counts.left_alone = len(self._outcomes)
        todo = [item for item in items if item.key not in self._outcomes]
        current = await self._read_current([item.key for item in todo])
        counts.rechecked = len(todo)
        if self.journal is not None:
            self.journal.write({"type": "resumed"})
        ready: list[PlannedItem] = []
        following: list[PlannedItem] = []
        for item in todo:
            sim = current.get(item.key)
            touched = item.key in state.started or item.key in state.sent or item.key in previous
            if sim is None:
                self._finish(
                    ItemOutcome(
                        item.key,
                        item.iccid,
                        item.label,
                        FAILED,
                        item.status,
                        item.fleet_sid,
                        "the SIM is no longer in this account",
                    )
                )
                continue
            fresh = PlannedItem(
                item.key, item.iccid, item.label, str(sim.status or ""), sim.fleet_sid, "send", "", item.target_name
            )
            if sim.status == SimStatus.SCHEDULED and item.target_name is None:  # renames are immediate
                counts.following += 1
                following.append(fresh)
            elif self._matches(item, sim):
                if touched:
                    counts.already_done += 1
                    self._finish(ItemOutcome(item.key, item.iccid, item.label, DONE, str(sim.status), sim.fleet_sid))
                else:
                    counts.already_there += 1
                    self._finish(
                        ItemOutcome(
                            item.key, item.iccid, item.label, SKIPPED, str(sim.status), sim.fleet_sid, "already there"
                        )
                    )
            elif item.target_name is not None:
                ready.append(fresh)
            else:
                again = _plan_states([sim], change).items[0]
                ready.append(PlannedItem(**{**asdict(again), "label": item.label, "iccid": item.iccid}))
        self._resume_counts = counts
        result = await self._run(change, state.run_id, ready, order=items, following=following)
        counts.sent = self._sent_count
        result.resumed = counts
        return result

    async def _read_current(self, keys: list[str]) -> dict[str, Sim]:
        """Each SIM's state now (absent: no longer in the account). Many: one listing; few: a GET each."""
        if not keys:
            return {}
        found: dict[str, Sim] = {}
        if len(keys) > LIST_INSTEAD_OF_FETCHES:
            wanted = set(keys)
            async for sim in self.client.list_sims(page_size=1000):
                if sim.sid in wanted:
                    found[sim.sid] = sim
                    wanted.discard(sim.sid)
                    if not wanted:
                        break
            return found
        gate = asyncio.Semaphore(max(1, min(self.limiter.maximum, FETCH_EACH_MAX)))

        async def one(key: str) -> None:
            async with gate:
                try:
                    found[key] = await self.client.fetch_sim(key)
                except NotFoundError:
                    return

        await all_of(one(key) for key in keys)
        return found

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
            self._count(outcome)
        self.client.throttle_listeners.append(self.limiter.throttle)
        queue: asyncio.Queue[PlannedItem] = asyncio.Queue()
        began = time.monotonic()
        accepted_at = began
        try:
            for item in following or ():
                self._pending[item.key] = item
            for item in items:
                if item.action != "send":
                    self._finish(
                        ItemOutcome(
                            item.key,
                            item.iccid,
                            item.label,
                            item.action,
                            item.status,
                            item.fleet_sid,
                            item.reason or None,
                        )
                    )
                else:
                    queue.put_nowait(item)
            self._report()
            follower = asyncio.create_task(self._follow_loop()) if self.follow else None
            workers = [asyncio.create_task(self._worker(queue)) for _ in range(self.limiter.maximum)]
            await asyncio.gather(*workers)
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
                    ),
                    journal=False,
                )
            reason = self._not_sent_reason()
            while not queue.empty():
                item = queue.get_nowait()
                self._finish(
                    ItemOutcome(
                        item.key, item.iccid, item.label, NOT_SENT, item.status, item.fleet_sid, reason, retryable=True
                    ),
                    journal=False,
                )
        finally:
            self.client.throttle_listeners.remove(self.limiter.throttle)
        if self.journal is not None:
            if self.interrupted:
                self.journal.write({"type": "interrupted", "reason": self.interrupted})
            elif self._cancelled:
                self.journal.write({"type": "stopped", "reason": "stopped on purpose"})
            else:
                self.journal.write({"type": "finished"})
            self.journal.sync()
        self._report()
        position = {item.key: index for index, item in enumerate(order)}
        outcomes = sorted(self._outcomes.values(), key=lambda o: position.get(o.key, -1))
        return RunResult(
            run_id,
            change,
            outcomes,
            self._cancelled,
            str(self.journal.path) if self.journal else None,
            self.limiter.lowest,
            accepted_at - began,
            time.monotonic() - began,
            self.interrupted,
        )

    def _not_sent_reason(self) -> str:
        if self.interrupted:
            return f"not sent: {self.interrupted}"
        return "cancelled before it was sent"

    def _stop_for_credentials(self, error: SuperSimError) -> None:
        """401/403: sending more would only be refused again. Stop at once; the run stays resumable."""
        if self.interrupted is None:
            self.interrupted = (
                f"the credentials were refused ({error.status or 'HTTP 401/403'}"
                f"{f', error {error.code}' if error.code else ''}); log in again "
                "(supersim-tui login), then resume the run"
            )
        self._cancelled = True

    def _connect_failed(self, error: SuperSimError | None) -> None:
        """Count connection failures in a row (``None``: a request got through); stop when the API is gone."""
        if not isinstance(error, ConnectFailedError):
            self._connect_failures = 0
            return
        self._connect_failures += 1
        if self._connect_failures >= UNREACHABLE_AFTER and self.interrupted is None:
            self.interrupted = (
                f"the API could not be reached ({error}); check the connection and the base URL, then resume the run"
            )
            self._cancelled = True

    # ----------------------------------------------------------------- items
    async def _worker(self, queue: asyncio.Queue[PlannedItem]) -> None:
        while not self._cancelled:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await self.limiter.acquire()
            if self._cancelled:  # stopped while waiting for a slot: this one was never sent
                queue.put_nowait(item)
                await self.limiter.release()
                return
            self._progress.in_flight += 1
            self._report()
            success = True
            try:
                await self._send(item)
            except AUTH_ERRORS as error:
                self._stop_for_credentials(error)
                self._finish(
                    ItemOutcome(
                        item.key,
                        item.iccid,
                        item.label,
                        NOT_SENT,
                        item.status,
                        item.fleet_sid,
                        f"refused: {self.interrupted}",
                        error.code,
                        True,
                    ),
                    journal=False,
                )
            except SuperSimError as error:
                success = not isinstance(error, RateLimitedError)
                self._finish(
                    ItemOutcome(
                        item.key,
                        item.iccid,
                        item.label,
                        FAILED,
                        item.status,
                        item.fleet_sid,
                        _message(error),
                        error.code,
                        _retryable(error),
                    )
                )
                self._connect_failed(error)
            else:
                self._connect_failed(None)
            finally:
                self._progress.in_flight -= 1
                await self.limiter.release(success)
                self._progress.concurrency = self.limiter.limit
                self._report()

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

    def _matches(self, item: PlannedItem, sim: Sim) -> bool:
        change = self._change
        assert change is not None
        status_ok = change.status is None or sim.status == change.status
        fleet_ok = change.fleet_sid is None or sim.fleet_sid == change.fleet_sid
        name_ok = item.target_name is None or sim.unique_name == item.target_name
        return status_ok and fleet_ok and name_ok

    def _settled(self, item: PlannedItem, sim: Sim) -> None:
        if self._matches(item, sim):
            self._finish(ItemOutcome(item.key, item.iccid, item.label, DONE, str(sim.status), sim.fleet_sid))
        else:
            self._finish(
                ItemOutcome(
                    item.key,
                    item.iccid,
                    item.label,
                    FAILED,
                    str(sim.status),
                    sim.fleet_sid,
                    f"the update did not take effect: the SIM is {sim.status}",
                    retryable=True,
                )
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
                self._stop_for_credentials(error)
                return
            except SuperSimError as error:
                self._connect_failed(error)
                return  # try again next round
            settled = [key for key in candidates if key not in still]
        self._progress.waiting = len(self._pending) - len(settled)
        if not settled or not read_finals:
            self._report()
            return
        finals: dict[str, Sim] = {}
        try:
            if len(settled) > FETCH_EACH_MAX:
                await self._confirm_by_listing(settled, finals)
            gate = asyncio.Semaphore(FETCH_EACH_MAX)
            await all_of(self._fetch_into(key, finals, gate) for key in settled if key not in finals)
        except AUTH_ERRORS as error:
            self._stop_for_credentials(error)
        except SuperSimError as error:
            self._connect_failed(error)  # whatever was read counts; the rest next round
        for key, sim in finals.items():
            if sim.status == SimStatus.SCHEDULED:
                continue  # scheduled again (or still): keep following
            item = self._pending.pop(key, None)
            if item is not None:
                self._settled(item, sim)
        self._progress.waiting = len(self._pending)
        self._report()

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
        self._count(outcome)
        if journal and self.journal is not None:
            self.journal.write({"type": "done", **outcome.to_json()})
        self._report()

    def _count(self, outcome: ItemOutcome) -> None:
        if outcome.outcome == DONE:
            self._progress.done += 1
        elif outcome.outcome == SKIPPED:
            self._progress.skipped += 1
        elif outcome.outcome == INVALID:
            self._progress.invalid += 1
        elif outcome.outcome == FAILED:
            self._progress.failed += 1
        elif outcome.outcome == NOT_SENT:
            self._progress.not_sent += 1
        elif outcome.outcome == UNCONFIRMED:
            self._progress.unconfirmed += 1

    def _report(self) -> None:
        if self.on_progress is not None:
            self._progress.now = time.monotonic()
            self.on_progress(self._progress)


def _message(error: SuperSimError) -> str:
    return str(error) + (f" — {error.hint}" if error.hint else "")


OUTCOME_COLUMNS = ("iccid", "sid", "name", "outcome", "status", "fleet", "fleet_sid", "error", "code")


def write_outcomes_csv(path: Path, outcomes: Iterable[ItemOutcome], fleet_names: dict[str, str]) -> int:
    """Each SIM's outcome of a run as CSV (a new file: an existing one is never overwritten); the row count."""
    count = 0
    with path.open("x", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTCOME_COLUMNS)
        for o in outcomes:
            writer.writerow(
                [
                    o.iccid,
                    o.key,
                    o.unique_name or "",
                    o.outcome,
                    o.status or "",
                    fleet_names.get(o.fleet_sid or "", ""),
                    o.fleet_sid or "",
                    o.error or "",
                    o.code if o.code is not None else "",
                ]
            )
            count += 1
    return count
