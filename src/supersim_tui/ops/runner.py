"""The engine both bulk changes and registrations run on: items through a bounded, adaptive pool of
requests, a stop that leaves the run resumable, and the journal's closing record.

:class:`Runner` owns what the two kinds of run share: the :class:`~.limiter.AdaptiveLimiter` (fed with the
client's 429s while the run lasts), the workers that take items one at a time under it, cancelling (Esc,
Ctrl+C), stopping by itself when the credentials are refused or the API cannot be reached, and the progress
callback. Subclasses say what one item is (:meth:`Runner.work`'s ``handle``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import TypeVar

from ..api import SuperSimClient, SuperSimError
from ..api.errors import AuthenticationError, ConnectFailedError, PermissionDeniedError, credentials_advice
from .journal import Journal, JournalState
from .limiter import AdaptiveLimiter
from .outcomes import ItemOutcome, PlanIncompleteError, Progress

AUTH_ERRORS = (AuthenticationError, PermissionDeniedError)
# Items (or follow-up reads) in a row that could not connect at all, each after its own retries, before a run
# stops sending: the API is down or unreachable, and trying every remaining SIM in turn would only take minutes
# to fail each one. The rest is not-sent and the run is resumable.
UNREACHABLE_AFTER = 3

ProgressCallback = Callable[[Progress], None]
T = TypeVar("T")


class Runner:
    """The shared part of a run (see the module docstring). Create one per run."""

    def __init__(
        self,
        client: SuperSimClient,
        *,
        concurrency: int,
        journal: Journal | None = None,
        on_progress: ProgressCallback | None = None,
    ):
        self.client = client
        self.limiter = AdaptiveLimiter(concurrency)
        self.journal = journal
        self.on_progress = on_progress
        self.interrupted: str | None = None  # set when the run stopped itself (credentials refused, API gone)
        self._cancelled = False
        self._connect_failures = 0  # in a row; see UNREACHABLE_AFTER
        self._progress = Progress(total=0)

    # --------------------------------------------------------------- control
    def cancel(self) -> None:
        """Stop sending new items; in-flight ones finish; the journal records where it stopped."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def stop_for_credentials(self, error: SuperSimError) -> None:
        """401/403: sending more would only be refused again. Stop at once; the run stays resumable. (What to do
        next, resume or retry, is the front end's to say: the CLI resumes a run, the app's results retry.)"""
        if self.interrupted is None:
            self.interrupted = (
                f"the credentials were refused ({error.status or 'HTTP 401/403'}"
                f"{f', error {error.code}' if error.code else ''}); {credentials_advice(error)}"
            )
        self._cancelled = True

    def connect_failed(self, error: SuperSimError | None) -> None:
        """Count connection failures in a row (``None``: a request got through); stop when the API is gone."""
        if not isinstance(error, ConnectFailedError):
            self._connect_failures = 0
            return
        self._connect_failures += 1
        if self._connect_failures >= UNREACHABLE_AFTER and self.interrupted is None:
            self.interrupted = f"the API could not be reached ({error}); check the connection and the base URL"
            self._cancelled = True

    def not_sent_reason(self) -> str:
        """Why the items left in the queue were never sent."""
        return f"not sent: {self.interrupted}" if self.interrupted else "cancelled before it was sent"

    # ---------------------------------------------------------------- resume
    @staticmethod
    def final_outcomes(state: JournalState) -> dict[str, ItemOutcome]:
        """The outcomes a journal holds as final (a resume leaves them alone); refuses an incomplete plan."""
        problem = state.plan_problem
        if problem is not None:
            raise PlanIncompleteError(
                f"run {state.run_id} cannot be resumed: {problem}; nothing more was sent (journal {state.path})"
            )
        return {
            key: ItemOutcome.from_record(record) for key, record in state.done.items() if not state.unfinished(record)
        }

    # ----------------------------------------------------------------- items
    @contextlib.contextmanager
    def throttle_feedback(self) -> Iterator[None]:
        """While inside, every 429 the client meets (item requests and follow-up reads alike) tells the limiter."""
        self.client.throttle_listeners.append(self.limiter.throttle)
        try:
            yield
        finally:
            self.client.throttle_listeners.remove(self.limiter.throttle)

    async def work(self, items: Iterable[T], handle: Callable[[T], Awaitable[bool]]) -> list[T]:
        """Run ``handle`` on each item, as many at once as the limiter allows; ``handle`` returns False when the
        item met a 429 (the limiter does not grow on it). Returns the items never started (cancelled)."""
        queue: asyncio.Queue[T] = asyncio.Queue()
        for item in items:
            queue.put_nowait(item)
        await asyncio.gather(*(self._worker(queue, handle) for _ in range(self.limiter.maximum)))
        left: list[T] = []
        while not queue.empty():
            left.append(queue.get_nowait())
        return left

    async def _worker(self, queue: asyncio.Queue[T], handle: Callable[[T], Awaitable[bool]]) -> None:
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
            self.report()
            success = True
            clock = asyncio.get_running_loop().time  # time.monotonic, but a test's virtual clock in tests
            began = clock()
            try:
                success = await handle(item)
            finally:
                self._progress.in_flight -= 1
                await self.limiter.release(success, clock() - began)
                self._progress.concurrency = self.limiter.limit
                self.report()

    # ------------------------------------------------------------- bookkeeping
    def close_journal(self) -> None:
        """The run's last record (finished, stopped on purpose, or interrupted and why), made durable."""
        if self.journal is None:
            return
        if self.interrupted:
            self.journal.write({"type": "interrupted", "reason": self.interrupted})
        elif self._cancelled:
            self.journal.write({"type": "stopped", "reason": "stopped on purpose"})
        else:
            self.journal.write({"type": "finished"})
        self.journal.sync()

    @property
    def journal_path(self) -> str | None:
        return str(self.journal.path) if self.journal is not None else None

    def report(self) -> None:
        if self.on_progress is not None:
            self._progress.now = time.monotonic()
            self.on_progress(self._progress)
