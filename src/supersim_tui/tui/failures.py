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

from textual.notifications import Notification, Notify
from textual.worker import Worker, WorkerState

from ..api import SuperSimError
from ..api.errors import explain
from .format import printable

if TYPE_CHECKING:
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


def failure_text(task: Task, error: BaseException) -> str:
    """Text for an inline error: what failed, why, what to do."""
    return f"{task.what} failed: {error_message(error)}" + (f"\n{task.then}" if task.then else "")


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
        """Tell the user what failed, why and what to do (a notification that stays a while)."""
        task = self.task_for(group)
        then = f"\n{task.then}" if task.then else ""
        app = cast("DOMNode", self).app
        self._withdraw_notice(group)
        notice = Notification(error_message(error) + then, f"{task.what} failed", "error", 12, markup=False)
        self.__dict__.setdefault("_failure_notices", {})[group] = notice
        app.post_message(Notify(notice))

    def _withdraw_notice(self, group: str) -> None:
        """The same read succeeded since it failed: the notice saying it failed is no longer true (left standing,
        it said "Could not connect" over a table that had just loaded), so it goes."""
        notice = self.__dict__.get("_failure_notices", {}).pop(group, None)
        app = cast("DOMNode", self).app
        if notice is not None and notice in app._notifications:
            app._unnotify(notice)  # Textual's own removal (a toast's timeout), not public: covered by a test
