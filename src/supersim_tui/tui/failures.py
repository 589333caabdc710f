"""One path for failures in the TUI: a worker that fails is reported, never lost.

Textual posts a worker's ``Worker.StateChanged`` to the node that started it (the App, a
screen, a pane) and the message does not bubble, so an App-level handler never hears of a
screen's failures. :class:`ReportsFailures` is mixed into every class that starts workers
(a test checks this): a worker that ends in error is routed by its *group* to
:meth:`ReportsFailures.worker_failed`. By default that notifies what failed (the group's
:class:`Task`), the tool's message for the error with its hint, and what to do next. A
class with more to do (stop a spinner, show the error inline, mark its data stale)
overrides ``worker_failed`` and calls ``super()`` for the notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast
from weakref import WeakKeyDictionary

from textual.notifications import Notification, Notify
from textual.worker import Worker, WorkerState

from ..api import SuperSimError
from ..api.errors import explain
from .format import printable

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode


@dataclass(frozen=True)
class Task:
    """What a worker group does, in words: the title of its failure, and what the user can do about it."""

    what: str  # "Loading the SIM"
    then: str = ""  # what the user can do, as a sentence: "Press r to try again."
    # A read that, once it succeeds again, makes its failure notice untrue (withdrawn then). Not for changes:
    # a later change succeeding says nothing of the one that failed.
    read: bool = False


UNKNOWN_TASK = Task("Background work")


def error_message(error: BaseException) -> str:
    """The tool's message for a failure: the API error and what to do about it; never a traceback."""
    if isinstance(error, SuperSimError):
        return printable(explain(error, lines=True))
    detail = printable(str(error))
    return (
        f"Unexpected error ({type(error).__name__}{': ' + detail if detail else ''}). "
        "This is a bug in supersim-tui; please report it with what you were doing."
    )


def said_together(whats: list[str]) -> str:
    """Tasks named in one sentence: "Loading the account, reading the SIMs and loading usage" (each is written
    to start a sentence: the ones after the first lose their capital, unless it begins a name such as "NAP")."""

    def inside(what: str) -> str:
        return what if what[1:2].isupper() else what[:1].lower() + what[1:]

    rest = [inside(what) for what in whats[1:]]
    return whats[0] + (f"{''.join(f', {what}' for what in rest[:-1])} and {rest[-1]}" if rest else "")


def what_to_do(tasks: list[Task]) -> list[str]:
    """What to do about failed tasks: each different advice once ("Press r to try again."); when they differ,
    each says which task it is for ("Loading the account: press r to try again.")."""
    advice = list(dict.fromkeys(task.then for task in tasks if task.then))
    if len(advice) < 2:
        return advice
    return [
        f"{said_together(list(dict.fromkeys(t.what for t in tasks if t.then == then)))}: {then[:1].lower()}{then[1:]}"
        for then in advice
    ]


def failure_text(task: Task, error: BaseException) -> str:
    """Text for an inline error: what failed, why, what to do."""
    return f"{task.what} failed: {error_message(error)}" + (f"\n{task.then}" if task.then else "")


class FailureNotices:
    """The App's failure notices: one per cause (the tool's message for the error) while it is on screen.

    An outage fails every background read with the same cause; one notice says so, names each thing that
    failed and what to do about each, instead of a stack of identical ones. Another failure with the same
    cause is added to that notice (re-posted, so it stays on screen a while longer); another cause gets its
    own notice; once a notice is dismissed (or timed out) its cause starts afresh. A read that succeeds again
    is taken out of its notice, and the notice goes with the last one (:attr:`Task.read`)."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self.failed: dict[str, dict[tuple[int, str], Task]] = {}  # cause -> (owner id, group) -> task
        self.notices: dict[str, Notification] = {}  # cause -> its notice on screen
        # Posted, not yet on screen (Textual shows a notice when the app handles its message): not dismissed
        self.undelivered: set[str] = set()  # their identities

    def add(self, owner: object, group: str, task: Task, cause: str) -> None:
        """``owner``'s ``group`` failed with ``cause``: shown in that cause's notice (and no longer in another)."""
        self._forget_dismissed()
        key = (id(owner), group)
        moved = [c for c, failed in self.failed.items() if failed.pop(key, None) is not None and c != cause]
        self.failed.setdefault(cause, {})[key] = task
        for other in moved:
            self._show(other)
        self._show(cause)

    def succeeded(self, owner: object, group: str) -> None:
        """``owner``'s ``group`` succeeded: a notice saying it failed is no longer true about it."""
        self._forget_dismissed()
        key = (id(owner), group)
        for cause in [c for c, failed in self.failed.items() if key in failed]:
            del self.failed[cause][key]
            self._show(cause)

    def _forget_dismissed(self) -> None:
        shown = self.app._notifications
        for cause in [c for c, n in self.notices.items() if n not in shown and n.identity not in self.undelivered]:
            del self.notices[cause]
            self.failed.pop(cause, None)

    def _show(self, cause: str) -> None:
        """(Re-)post the notice of ``cause`` naming what failed with it now, or take it away if nothing has."""
        old = self.notices.pop(cause, None)
        if old is not None and old in self.app._notifications:
            self.app._unnotify(old)  # Textual's own removal (a toast's timeout), not public: covered by a test
        tasks = list(self.failed.get(cause, {}).values())
        if not tasks:
            self.failed.pop(cause, None)
            return
        whats = list(dict.fromkeys(task.what for task in tasks))
        thens = " ".join(what_to_do(tasks))
        message = cause + (f"\n{thens}" if thens else "")
        notice = Notification(message, f"{said_together(whats)} failed", "error", 12, markup=False)
        self.notices[cause] = notice
        self.undelivered.add(notice.identity)
        self.app.post_message(Notify(notice))
        self.app.call_later(self._delivered, notice)  # (after the notice: the app handles its messages in turn)

    def _delivered(self, notice: Notification) -> None:
        """``notice`` is on screen now, unless another replaced it meanwhile (two failures in one moment, the
        second before the first's notice was shown): then it goes, and the newer one says it all."""
        self.undelivered.discard(notice.identity)
        if all(n is not notice for n in self.notices.values()) and notice in self.app._notifications:
            self.app._unnotify(notice)


_NOTICES: WeakKeyDictionary[App[object], FailureNotices] = WeakKeyDictionary()


def failure_notices(app: App[object]) -> FailureNotices:
    """The app's failure notices (made on first use)."""
    notices = _NOTICES.get(app)
    if notices is None:
        notices = _NOTICES[app] = FailureNotices(app)
    return notices


class ReportsFailures:
    """Mixin for the App, screens and widgets that start workers. ``TASKS`` maps each worker group to its
    :class:`Task`; override :meth:`worker_failed` to do more than notify (call ``super()``)."""

    TASKS: ClassVar[dict[str, Task]] = {}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR and worker.error is not None:
            self.worker_failed(worker.group, worker.error)
        elif event.state == WorkerState.SUCCESS and self.task_for(worker.group).read:
            self._withdraw_notice(worker.group)

    def task_for(self, group: str) -> Task:
        return self.TASKS.get(group, UNKNOWN_TASK)

    def worker_failed(self, group: str, error: BaseException) -> None:
        """Tell the user what failed, why and what to do: in the notice of this cause (:class:`FailureNotices`)."""
        app = cast("DOMNode", self).app
        failure_notices(app).add(self, group, self.task_for(group), error_message(error))

    def _withdraw_notice(self, group: str) -> None:
        """The same read succeeded since it failed: the notice saying it failed is no longer true (left standing,
        it said "Could not connect" over a table that had just loaded), so it goes (or no longer names it)."""
        failure_notices(cast("DOMNode", self).app).succeeded(self, group)
