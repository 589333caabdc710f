"""The SIMs pane's filter bar: status, fleet and exact ICCID (all sent to the server; a SIM's SID or unique name is
looked up first, for its ICCID), the local filter (``/``, over the SIMs index) and the count bar."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input

from ..api import Fleet, SimStatus
from ..iccid import iccid_problem, meant_as_iccid, normalize
from .choice import Choice
from .format import plain
from .pane import CountBar, Part, TableSearch

SIM_STATUSES = tuple(status.value for status in SimStatus)  # the API's, in its order

Filters = tuple[str | None, str | None, str | None]  # status, fleet SID, ICCID


class SimSearch(TableSearch):
    """``/``: the SIMs pane's local filter (as every pane's: :class:`~.pane.TableSearch`)."""


class SimFilters(Horizontal):
    """Filters in one line above the table, the count bar at its right. Posts :class:`SimFilters.Changed` when
    the user changes a filter (new fleet options or :meth:`clear` do not count as a change)."""

    class Changed(Message):
        """The filters the user set changed: read the SIMs again (``typed``: an ICCID entered with Enter)."""

        def __init__(self, typed: bool = False) -> None:
            super().__init__()
            self.typed = typed

    class FindSim(Message):
        """A SID or unique name typed in the ICCID filter: the screen looks up its ICCID (then ``set_iccid``)."""

        def __init__(self, ref: str) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self) -> None:
        super().__init__(id="sims-filters")

    def compose(self) -> ComposeResult:
        statuses = [(s, s) for s in SIM_STATUSES]
        yield Choice(statuses, prompt="any status", title="Show the SIMs of status", id="filter-status")
        yield Choice([], prompt="any fleet", title="Show the SIMs of fleet", id="filter-fleet")
        yield Input(id="filter-iccid", placeholder="ICCID/name (Enter)", compact=True)
        yield SimSearch(id="sims-search", placeholder="/ filter: text !not ~fuzzy", compact=True)
        yield CountBar(id="sims-count")

    @property
    def values(self) -> Filters:
        """(status, fleet SID, ICCID) as set."""
        status = self.query_one("#filter-status", Choice).value
        fleet = self.query_one("#filter-fleet", Choice).value
        iccid = normalize(self.query_one("#filter-iccid", Input).value) or None
        return (status, fleet, iccid)

    def describe(self, fleet_names: dict[str, str]) -> str | None:
        """The filters in words (``status active, fleet lab``), None when none is set."""
        status, fleet, iccid = self.values
        parts = [f"status {status}"] if status else []
        parts += [f"fleet {fleet_names.get(fleet, fleet)}"] if fleet else []
        parts += [f"ICCID {iccid}"] if iccid else []
        return ", ".join(parts) or None

    def set_fleets(self, fleets: list[Fleet]) -> None:
        """The fleets to choose from; the one chosen stays chosen if it is still there."""
        with self.prevent(Choice.Changed):  # new options are not a new filter
            self.query_one("#filter-fleet", Choice).set_options([(plain(f.label), f.sid) for f in fleets])

    def set_fleet(self, fleet_sid: str) -> None:
        self.query_one("#filter-fleet", Choice).value = fleet_sid  # posts Changed

    def clear(self) -> None:
        """No filter, the local one included (posts nothing: the caller reloads once)."""
        search = self.query_one(SimSearch)
        with self.prevent(Choice.Changed, Input.Changed):
            self.query_one("#filter-status", Choice).clear()
            self.query_one("#filter-fleet", Choice).clear()
            search.value = ""
        search.remove_class("shown")
        self.query_one("#filter-iccid", Input).value = ""

    @property
    def searching(self) -> bool:
        """The local filter's field is on screen (being typed in, or holding a filter)."""
        return self.query_one(SimSearch).has_class("shown")

    def search(self) -> None:
        """``/``: show the local filter and type in it."""
        search = self.query_one(SimSearch)
        search.add_class("shown")
        search.focus()
        self.call_after_refresh(self.query_one(CountBar).refit)  # the field takes room from the count bar

    def set_iccid(self, iccid: str | None, problem: str | None = None) -> None:
        """The ICCID a SID or name typed in the filter stands for (or why there is none): filter by it."""
        if problem is not None or not iccid:
            self.show_count(Text(problem or "no such SIM", style="bold red"))
            return
        self.query_one("#filter-iccid", Input).value = iccid
        self.post_message(self.Changed(typed=True))

    def show_count(self, parts: Text | Part | list[Part]) -> None:
        """The count bar (kept to the room the filters leave it); a Text is said whole (a problem)."""
        self.query_one(CountBar).show(Part(parts, 9) if isinstance(parts, Text) else parts)

    @on(Choice.Changed)
    def _choice_changed(self, event: Choice.Changed) -> None:
        event.stop()
        self.post_message(self.Changed())

    @on(Input.Submitted, "#filter-iccid")
    def _iccid_entered(self, event: Input.Submitted) -> None:
        """An ICCID is checked before it is sent: a wrong one is named in the count bar, and nothing is read."""
        event.stop()
        value = normalize(event.value)
        if value and not meant_as_iccid(value):  # a SID or unique name: the API fetches a SIM by either
            self.show_count(Text(f"Looking up {event.value.strip()}…", style="dim"))
            self.post_message(self.FindSim(event.value.strip()))
            return
        problem = iccid_problem(value) if value else None
        if problem:
            self.show_count(Text(problem, style="bold red"))
            return
        self.post_message(self.Changed(typed=True))
