"""The SIMs pane: the SIMs view (:mod:`.sims_view`: the local index, filter and sort) with what the user does
with SIMs: marks (``marks`` is a reactive, so the keys that depend on it are shown or hidden as it changes), mark
all matching, bulk changes and the SIM's details (asked of the main screen with messages), registering SIMs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message

from ..api import Sim
from .failures import Task
from .format import printable
from .pane import count_of
from .sim_table import SimTable
from .sims_view import SimsView, slim

if TYPE_CHECKING:  # the dialogs and the bulk engine are imported when first used (a quick start)
    from ..ops.bulk import Change

__all__ = ["SimsPane", "slim"]


def counting_text(what: str, found: int) -> Text:
    """The mark-all question's body while the SIMs are counted on the server."""
    return Text(f"Counting the SIMs {what}… {found:,} so far.")


class SimsPane(SimsView):
    """SIMs to browse, mark and change."""

    CHANGES = frozenset({"register_sims", "bulk_status", "bulk_move", "bulk_rename"})

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "sim_detail", "Details", id="sims.detail"),
        Binding("space", "toggle_mark", "Mark", id="sims.mark"),
        Binding("slash", "search", "Filter", id="sims.search"),
        Binding("a", "mark_matching", "Mark all", id="sims.mark_all"),
        Binding("u", "clear_marks", "Unmark", id="sims.unmark"),
        Binding("s", "bulk_status", "Set status", id="sims.set_status"),
        Binding("m", "bulk_move", "Move", id="sims.move"),
        Binding("e", "bulk_rename", "Rename", id="sims.rename"),
        Binding("n", "register_sims", "Register SIMs", id="sims.register"),
        Binding("x", "clear_sim_filter", "Clear filter", id="sims.clear_filter"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        **SimsView.TASKS,
        "mark-all": Task("Counting the SIMs to mark", "Press a to try again.", read=True),
    }

    class OpenSim(Message):
        """Enter: the SIM's details."""

        def __init__(self, sim: Sim) -> None:
            super().__init__()
            self.sim = sim

    class ChangeChosen(Message):
        """A bulk change chosen for ``sims`` (marked, or the highlighted one): to be planned and confirmed."""

        def __init__(self, sims: list[Sim], change: Change, selected: str) -> None:
            super().__init__()
            self.sims, self.change, self.selected = sims, change, selected

    class RegisterSims(Message):
        """n: the register screen."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual: False hides a binding, None shows it dimmed (not available right now)."""
        if not super().check_action(action, parameters):
            return False
        if action == "clear_marks":
            return bool(self.marks)
        if action == "clear_sim_filter":
            return bool(self.filter_label)
        if action in ("sim_detail", "bulk_status", "bulk_move", "bulk_rename"):
            applies = self.has_rows or (action != "sim_detail" and bool(self.marks))
            return True if applies else None  # dimmed: no SIM to act on
        return True

    # ------------------------------------------------------------------- marks
    def watch_marks(self) -> None:
        self._show_count()
        if self.is_mounted:
            self.table.refresh_rows()

    def action_toggle_mark(self) -> None:
        """Mark or unmark the highlighted SIM, then move down (so space, space, space marks a run)."""
        sim = self.current
        if sim is None:
            return
        if self.marks.pop(sim.sid, None) is None:
            self.marks[sim.sid] = slim(sim)
        self.mutate_reactive(SimsPane.marks)
        self.table.refresh_rows()
        self.table.action_cursor_down()

    def set_marks(self, sims: dict[str, Sim]) -> None:
        self.marks = {sid: slim(sim) for sid, sim in sims.items()}

    def action_clear_marks(self) -> None:
        if self.marks:
            count = len(self.marks)
            self.set_marks({})
            self.notify(f"{count_of(count, 'mark')} cleared.", title="SIMs")

    @work(exclusive=True, group="mark-all", exit_on_error=False)
    async def action_mark_matching(self) -> None:
        """Every SIM matching the filters, with the exact count, then mark them. With a local filter (``/``):
        the SIMs it shows, once the index is complete; else read from the server (pages of 1,000)."""
        status, fleet, iccid = self.filters
        label = self.filter_label
        what = f"matching {label}" if label else "in the account (no filter)"
        from .dialogs import Confirm

        question: Confirm | None = None
        found: dict[str, Sim] = {}

        def answered(yes: bool | None) -> None:
            """The SIMs counted marked; declined while counting: the count stops; None: withdrawn by the count
            itself (it failed, or found nothing)."""
            if yes:
                self.set_marks({**self.marks, **found})  # the count bar says how many are marked
            elif yes is False:
                self.workers.cancel_group(self, "mark-all")
                self._show_count()

        if not self.view.query.query.empty:
            if not self.complete:
                self.notify(
                    f"SIMs are still loading ({self.index.listed:,} so far): press a again once loaded.",
                    title="Mark all",
                    markup=False,
                )
                return
            shown = (self._sim(self.index.sids[row]) for row in self.view.rows)
            found = {sim.sid: slim(sim) for sim in shown if sim is not None}
        else:
            from ..ops.select import select_matching

            # Asked at once, counting in its body: the keys typed while the server is read (a large account on a
            # slow link: longer than the key gate waits) come to the question, not to the table beneath it
            question = Confirm("Mark all matching", counting_text(what, 0), "Mark", pending=True)
            await self.app.push_screen(question, answered)  # (mounted before it can be withdrawn)

            def counted(so_far: int) -> None:
                self._show_counting(what, so_far)
                question.progress(counting_text(what, so_far))

            try:
                matching = await select_matching(
                    self.list_sims, status=status, fleet=fleet, iccid=iccid, on_page=counted
                )
            except BaseException:  # (reported as the worker's failure, or declined: the question goes)
                question.withdraw("The SIMs could not be counted.")
                raise
            found = {sim.sid: slim(sim) for sim in matching}
        self._show_count()
        already = sum(1 for sid in found if sid in self.marks)
        if not found:
            if question is not None:
                question.withdraw("No SIMs to mark.")
            self.notify(printable(f"No SIMs {what}: nothing to mark."), title="Mark all", markup=False)
            return
        body = Text.assemble((f"{len(found):,}", "bold"), f" SIMs {what}.")
        if already:
            body.append(f"\n{already:,} of them are marked already.")
        if self.marks and len(self.marks) > already:
            body.append(f"\n{len(self.marks) - already:,} other marked SIMs stay marked (u clears every mark).")

        if question is None:
            self.app.push_screen(Confirm("Mark all matching", body, f"Mark {len(found):,} SIMs"), answered)
        else:
            question.ready(body, f"Mark {len(found):,} SIMs")

    # ----------------------------------------------------------------- actions
    @on(SimTable.Selected, "#sims-table")
    def action_sim_detail(self) -> None:
        if (sim := self.current) is not None:
            self.post_message(self.OpenSim(sim))

    def action_register_sims(self) -> None:
        self.post_message(self.RegisterSims())

    def _targets(self) -> tuple[list[Sim], str]:
        """The marked SIMs, or the highlighted one when none is marked."""
        if self.marks:
            return list(self.marks.values()), "marked"
        return ([self.current] if self.current else []), "highlighted"

    def action_bulk_status(self) -> None:
        from ..ops.bulk import Change
        from .dialogs import ChoiceScreen

        sims, selected = self._targets()
        if not sims:
            return
        options = [("ready", "ready", None), ("active", "active", None), ("inactive", "inactive", None)]
        title = f"Set the status of {len(sims):,} {selected} SIM{'s' if len(sims) != 1 else ''}"

        def chosen(status: str | None) -> None:
            if status:
                self.post_message(self.ChangeChosen(sims, Change(status=status), selected))

        note = "The next step shows what will change, what is skipped and why, before anything is sent."
        self.app.push_screen(ChoiceScreen(title, options, note=note), chosen)

    def action_bulk_move(self) -> None:
        from ..ops.bulk import Change
        from .dialogs import ChoiceScreen

        sims, selected = self._targets()
        if not sims:
            return
        fleets = self.fleets or []
        if not fleets:
            self.notify("This account has no fleets: create one on the Fleets tab (n).", title="Move")
            return
        labels = {f.sid: f.label for f in fleets}
        title = f"Move {len(sims):,} {selected} SIM{'s' if len(sims) != 1 else ''} to fleet"

        def chosen(sid: str | None) -> None:
            if sid:
                self.post_message(self.ChangeChosen(sims, Change(fleet_sid=sid, fleet_label=labels[sid]), selected))

        self.app.push_screen(ChoiceScreen(title, [(f.sid, f.label, None) for f in fleets]), chosen)

    def action_bulk_rename(self) -> None:
        from ..ops.bulk import Change
        from .rename_form import RenameForm

        sims, selected = self._targets()

        def chosen(pattern: str | None) -> None:
            if pattern:
                self.post_message(self.ChangeChosen(sims, Change(unique_name_pattern=pattern), selected))

        if sims:
            self.app.push_screen(RenameForm(sims, selected), chosen)
