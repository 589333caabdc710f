"""What every pane of the main screen shares: a table, a detail strip below it, and a stale mark above it."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.reactive import reactive
from textual.widgets import DataTable, Static

from ..ops.consent import OPEN, READ_ONLY
from .failures import ReportsFailures, Task, failure_text


def count_of(n: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n:,} {noun if n == 1 else plural}"


class ResourceTable(DataTable[str | Text]):
    """A row-cursor table where Home/End (and g/G) jump to the first/last row, as users expect."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home,g", "scroll_top", "First row", show=False, id="table.first"),
        Binding("end,G", "scroll_bottom", "Last row", show=False, id="table.last"),
    ]


def stale_mark(at: datetime, short: bool = False) -> Text:
    """Data kept on screen after a refresh failed: said in words (NO_COLOR reads it), with the time and the key."""
    clock = at.strftime("%H:%M")
    return Text(
        f"stale since {clock} · r retries" if short else f"stale — refresh failed {clock} · r to retry",
        style="bold red",
    )


class Pane(ReportsFailures, Vertical):
    """A table and the details of its highlighted row; a line above the table marks data that is stale.

    ``mode`` is the safety mode (bound from the main screen): a pane's ``check_action`` hides the actions
    named in ``CHANGES`` in a read-only profile."""

    TABLE_ID = ""
    CHANGES: ClassVar[frozenset[str]] = frozenset()
    mode: reactive[str] = reactive(OPEN, bindings=True)

    def compose(self) -> ComposeResult:
        yield Static(classes="stale")
        yield ResourceTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield Static(id=f"{self.TABLE_ID}-detail", classes="detail")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Changes are hidden (not merely dimmed) in a read-only profile."""
        return not (action in self.CHANGES and self.mode == READ_ONLY)

    def load_failed(self, task: Task, error: BaseException, at: datetime | None = None) -> None:
        """Stop the loading indicator. With nothing shown yet, say why in the detail strip; data already shown
        stays, marked stale."""
        table = self.table
        table.loading = False
        if table.row_count == 0:
            self.detail.update(Text(failure_text(task, error), style="bold red"))
        else:
            self.mark_stale(at or datetime.now())

    def mark_stale(self, at: datetime | None) -> None:
        """Mark what is shown as stale since ``at`` (None: fresh again)."""
        for mark in self.query(".stale").results(Static):
            mark.update(stale_mark(at) if at else "")
            mark.display = at is not None

    @property
    def current_key(self) -> str | None:
        """The key (SID) of the row under the cursor."""
        table = self.table
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one(f"#{self.TABLE_ID}", DataTable)

    @property
    def detail(self) -> Static:
        return self.query_one(f"#{self.TABLE_ID}-detail", Static)
