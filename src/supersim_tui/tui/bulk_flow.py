"""Bulk changes started from the main screen: plan on the SIMs' current state, ask as much as the change's
harm needs, run it on :class:`~.bulk.BulkRunScreen`, then keep marks only on the SIMs that did not get
there; and the offer to resume a run that did not finish.

Its workers run on the main screen (group ``bulk-plan``), whose failure path reports them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from typing import Any, Protocol

import msgspec
from rich.text import Text
from textual.app import App
from textual.notifications import Notification, Notify, SeverityLevel

from ..api import Fleet, NetworkAccessProfile, Sim
from ..ops.bulk import DONE, FAILED, SKIPPED, Change, Plan, RunResult, follows_on_resume, plan_change
from ..ops.current import read_current
from ..ops.journal import Journal, JournalState
from ..ops.nap_impact import MoveImpact, move_impact
from .bulk import BulkRunScreen
from .dialogs import Confirm
from .format import printable
from .plan_view import confirm_plan, move_impact_text
from .shell import Shell
from .sims_pane import SimsPane, slim


def resume_offer_counts(state: JournalState) -> str:
    """What an interrupted run did and did not do, for the offer to resume it: the SIMs left split into accepted
    by the API but not confirmed, in flight when it stopped (sent or about to be: no answer recorded), failed in
    a way worth retrying, and never sent; then the outcomes the others have (``: 14 never sent. Outcomes so far:
    2 done.``)."""
    left = [str(item["key"]) for item in state.remaining]
    unfinished = set(left)
    accepted = in_flight = failed = 0
    for key in left:
        record = state.done.get(key)
        if key in state.sent:
            accepted += 1
        elif record is not None and record.get("outcome") == FAILED:
            failed += 1
        elif key in state.started:
            in_flight += 1
    never = len(left) - accepted - in_flight - failed
    counted = (
        (accepted, "accepted by the API but not confirmed"),
        (in_flight, "in flight when it stopped (they may or may not have reached the API)"),
        (failed, "failed in a way worth retrying"),
        (never, "never sent"),
    )
    parts = [f"{count:,} {what}" for count, what in counted if count]
    final = Counter(
        str(record.get("outcome"))
        for key, record in state.done.items()
        if key not in unfinished and not state.unfinished(record)
    )
    so_far = ", ".join(f"{count:,} {outcome}" for outcome, count in final.most_common())
    return (": " + ", ".join(parts) if parts else "") + "." + (f" Outcomes so far: {so_far}." if so_far else "")


class FlowHost(Protocol):
    """What a bulk flow needs of the screen it runs on (:class:`~.main_screen.MainScreen`): a protocol, so that
    this module does not import the screen that imports it."""

    shell: Shell

    @property
    def app(self) -> App[object]: ...

    @property
    def fleets(self) -> list[Fleet] | None: ...

    @property
    def naps(self) -> list[NetworkAccessProfile] | None: ...

    def load_account(self, reload_sims: bool = True) -> object: ...

    def query_one(self, selector: type[SimsPane]) -> SimsPane: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def run_worker(
        self,
        work: Coroutine[Any, Any, None],
        *,
        group: str = "default",
        exit_on_error: bool = True,
        exclusive: bool = False,
    ) -> object: ...


class BulkFlow:
    """The steps of a bulk change between the SIMs pane (which says what to change) and the run screen."""

    def __init__(self, screen: FlowHost) -> None:
        self.screen = screen
        self.shell = screen.shell

    @property
    def sims(self) -> SimsPane:
        return self.screen.query_one(SimsPane)

    def _fleet_names(self) -> dict[str, str]:
        return {f.sid: f.label for f in self.screen.fleets or []}

    def start(self, sims: list[Sim], change: Change, selected: str) -> None:
        if not self.shell.refuse_read_only():
            self.screen.run_worker(
                self._plan(sims, change, selected), group="bulk-plan", exclusive=True, exit_on_error=False
            )

    async def _plan(self, sims: list[Sim], change: Change, selected: str) -> None:
        """Plan on the SIMs' current state (marks can be stale: re-read in pages, not one request per SIM for
        thousands), refresh the marks with it, then ask as much as the change's harm needs."""
        client = self.shell.client
        app = self.screen.app
        reading = Notification(
            f"Reading the current state of {len(sims):,} SIM{'s' if len(sims) != 1 else ''}…", "Planning", timeout=3
        )
        app._on_notify(Notify(reading))  # shown now (not queued), so it is surely there to be taken away
        try:
            current = await read_current(client, [s.sid for s in sims])
        finally:  # stale once read (or failed): gone before the plan's question (or the failure) shows
            if reading in app._notifications:
                app._unnotify(reading)
        pane = self.sims
        fresh = {sim.sid: sim for sim in current}
        if pane.marks and any(sid in fresh for sid in pane.marks):
            pane.set_marks({sid: slim(fresh[sid]) if sid in fresh else sim for sid, sim in pane.marks.items()})
        plan = plan_change(current, change)
        extra, coverage_lost = None, False
        if change.fleet_sid:  # a move to a fleet on another NAP: the coverage gained and lost, before asking
            impacts = await self._move_impact(plan, change.fleet_sid)
            if impacts:
                extra, coverage_lost = move_impact_text(impacts), any(i.countries_lost for i in impacts)
        confirm_plan(
            self.screen.app,
            plan,
            selected,
            self.shell.mode,
            lambda: self._run(self._screen_for(plan=plan)),
            extra=extra,
            coverage_lost=coverage_lost,
        )

    async def _move_impact(self, plan: Plan, fleet_sid: str) -> list[MoveImpact]:
        client = self.shell.client
        nap_of = {f.sid: f.network_access_profile_sid or "" for f in self.screen.fleets or []}
        target = nap_of.get(fleet_sid, "")
        sims_by_nap = Counter(nap_of.get(i.fleet_sid or "", "") for i in plan.to_send)
        if not target or set(sims_by_nap) <= {target}:
            return []
        wanted = [sid for sid in {target, *sims_by_nap} if sid]
        networks = await asyncio.gather(*(client.list_nap_networks(sid).collect() for sid in wanted))
        nap_names = {n.sid: n.label for n in self.screen.naps or []}
        return move_impact(dict(sims_by_nap), dict(zip(wanted, networks, strict=True)), nap_names, target)

    def _screen_for(
        self,
        *,
        plan: Plan | None = None,
        resume: tuple[Journal, JournalState] | None = None,
        current: dict[str, Sim] | None = None,
    ) -> BulkRunScreen:
        shell = self.shell
        return BulkRunScreen(
            shell.client,
            plan=plan,
            resume=resume,
            current=current,
            journal=self._journal,
            fleet_names=self._fleet_names(),
            export_dir=shell.export_dir,
            concurrency=shell.settings.concurrency,
            mode=shell.mode,
        )

    def _run(self, screen: BulkRunScreen) -> None:
        self.screen.app.push_screen(screen, self._finished)

    def _journal(self, run_id: str, header: dict[str, object]) -> Journal | None:
        """A journal for a real account's run (the demo account is gone when the app closes)."""
        shell = self.shell
        if not shell.journal_runs:
            return None
        return Journal.create(run_id, {**header, "base_url": shell.client.base_url, "identity": shell.account_label})

    def _finished(self, result: RunResult | None) -> None:
        """Marks stay only on the SIMs that did not get there (with their state now), then the views reload."""
        pane = self.sims
        if result is not None and result.outcomes:
            left = {o.key: o for o in result.outcomes if o.outcome not in (DONE, SKIPPED)}
            pane.set_marks(
                {
                    sid: msgspec.structs.replace(sim, status=left[sid].status, fleet_sid=left[sid].fleet_sid)
                    for sid, sim in pane.marks.items()
                    if sid in left
                }
            )
            if pane.marks:
                n = len(pane.marks)
                self.screen.notify(
                    f"{n:,} SIM{' to retry stays' if n == 1 else 's to retry stay'} marked.",
                    title="Marks",
                )
            # the SIMs the run reached, updated in the index as they ended (no SIM listing again)
            pane.update_outcomes({o.key: (o.status, o.fleet_sid) for o in result.outcomes if o.status is not None})
        self.screen.load_account(reload_sims=result is None or not result.outcomes)

    # ------------------------------------------------------------------ resume
    def offer_resume(self, found: tuple[Journal, JournalState]) -> None:
        """Offer to resume ``found``, a run that did not finish (see ``MainScreen.offer_resume``)."""
        journal, state = found
        change = Change.from_json(state.header.get("change", {}))
        body = Text.assemble(
            printable(f"Run {state.run_id} ({change.describe()}), started "),
            str(state.header.get("created", ""))[:16].replace("T", " "),
            " UTC, did not finish",
            # After a colon, not in parentheses: the reason has its own ("could not be reached (Could not …)").
            printable(f": {state.interrupted}." if state.interrupted else "."),
            "\n",
            (f"{len(state.remaining):,} of {len(state.items):,} SIMs left", "bold"),
            resume_offer_counts(state),
            "\nSIMs already sent are confirmed first, never sent twice.",
        )

        def resume(yes: bool | None) -> None:
            if yes and not self.shell.refuse_read_only():
                self.screen.run_worker(
                    self._plan_resume(journal, state, change), group="bulk-plan", exclusive=True, exit_on_error=False
                )

        self.screen.app.push_screen(Confirm("Resume an interrupted run?", body, "Resume", "Not now"), resume)

    async def _plan_resume(self, journal: Journal, state: JournalState, change: Change) -> None:
        """A resume is planned and confirmed like a new run: the SIMs left are read now and the plan shown. SIMs
        with an update in progress (the run's own, accepted before it stopped) are followed to their end, as the
        resume does (``follows_on_resume``), never planned as "cannot take the change"; with nothing left to
        send the resume asks nothing (it only reads) and runs, so the run is finished, not offered again."""
        current = await read_current(self.shell.client, [str(item["key"]) for item in state.remaining])
        names = {str(item["key"]): item.get("target_name") for item in state.remaining}
        followed = [sim for sim in current if follows_on_resume(sim, names.get(sim.sid))]
        plan = plan_change([sim for sim in current if sim not in followed], change)
        by_sid = {sim.sid: sim for sim in current}  # the run goes on from what was just read, not a second read

        def resume() -> None:
            self._run(self._screen_for(resume=(journal, state), current=by_sid))

        if not plan.to_send:
            resume()
            return
        extra = None
        if followed:
            n = len(followed)
            extra = Text(
                f"{n:,} in progress (scheduled: accepted before the run stopped) {'are' if n != 1 else 'is'} "
                "followed until the update completes; nothing is sent to " + ("them." if n != 1 else "it."),
                style="bold",
            )
        confirm_plan(
            self.screen.app,
            plan,
            "left by the run",
            self.shell.mode,
            resume,
            title="Resume: confirm the change",
            extra=extra,
        )
