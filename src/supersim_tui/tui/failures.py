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

    def task_for(self, group: str) -> Task:
        return self.TASKS.get(group, UNKNOWN_TASK)

    def worker_failed(self, group: str, error: BaseException) -> None:
        """Tell the user what failed, why and what to do (a notification that stays a while)."""
        task = self.task_for(group)
        then = f"\n{task.then}" if task.then else ""
        cast("DOMNode", self).app.notify(
            error_message(error) + then, title=f"{task.what} failed", severity="error", timeout=12, markup=False
        )
