"""One SIM in full: every field, its fleet and NAP, IPs, billing periods, the last week's usage.

Actions (status, move, rename) each go ask → confirm → call → notify. A change the
SIM cannot take (anything back to ``new``; ``ready`` from anything but ``new``) is
listed with the reason and never sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from ..api import Fleet, Sim, SuperSimClient, SuperSimError
from ..api.errors import explain
from ..ops.bulk import DONE, Action, BulkRunner, Change, plan_change
from ..ops.consent import OPEN, READ_ONLY, change_cuts_service, consent_for
from ..ops.journal import new_run_id
from ..ops.names import sim_name_problem
from ..ops.sim_info import SimDetails, data_size, sim_details
from .consent import ask_consent, guard_change
from .dialogs import ChoiceScreen
from .failures import ReportsFailures, Task, failure_text
from .footer import KeysFooter
from .format import details_grid, megabytes, plain, printable, stamp, status_text
from .forms import NameForm
from .header import AppHeader
from .keyflow import background
from .pane import show_stale

STATUS_CHOICES = ("new", "ready", "active", "inactive")


class SimChanged(Message):
    """A SIM was changed from its detail screen: panes showing it should update."""

    def __init__(self, sim: Sim):
        super().__init__()
        self.sim = sim


def _section(title: str, rows: list[tuple[str, RenderableType]]) -> RenderableType:
    return Group(Text(title, style="bold underline"), details_grid(rows, label_width=14), Text(""))


def render_details(info: SimDetails) -> RenderableType:
    sim, fleet, nap = info.sim, info.fleet, info.nap
    sim_rows: list[tuple[str, RenderableType]] = [
        ("Unique name", plain(sim.unique_name) if sim.unique_name else Text("—", style="dim")),
        ("SID", plain(sim.sid)),
        ("ICCID", plain(sim.iccid or "—")),
        ("Status", status_text(sim.status)),
        ("Account", plain(sim.account_sid or "—")),
        ("Created", stamp(sim.date_created)),
        ("Updated", stamp(sim.date_updated)),
    ]
    if fleet is None:
        fleet_rows: list[tuple[str, RenderableType]] = [
            ("Fleet", Text("none: s activates it into a fleet you choose, m moves it to one", style="yellow"))
        ]
    else:
        fleet_rows = [
            ("Fleet", plain(f"{fleet.label}  ({fleet.sid})")),
            (
                "Data",
                f"{'enabled' if fleet.data_enabled else 'disabled'}, limit {megabytes(fleet.data_limit)} "
                "per SIM per month",
            ),
            ("SMS commands", "enabled" if fleet.sms_commands_enabled else "disabled"),
            (
                "NAP",
                plain(f"{nap.label}  ({nap.sid})") if nap else Text("none: the SIM can attach nowhere", style="red"),
            ),
        ]
    ips = ", ".join(f"{ip.ip_address} ({ip.ip_address_version})" for ip in info.ip_addresses if ip.ip_address)
    periods = [
        Text(f"{p.period_type or '?':<7} {stamp(p.start_time)[:10]} → {stamp(p.end_time)[:10]}")
        for p in info.billing_periods
    ]
    net_rows: list[tuple[str, RenderableType]] = [
        ("IP addresses", plain(ips) if ips else Text("none", style="dim")),
        ("Billing", Group(*periods) if periods else Text("no billing period yet (never active)", style="dim")),
    ]
    return Group(
        _section("SIM", sim_rows),
        _section("Fleet and network access", fleet_rows),
        _section("Network", net_rows),
        render_usage(info),
    )


def render_usage(info: SimDetails) -> RenderableType:
    title = Text(f"Data, last 7 days: {data_size(info.usage_total)}", style="bold underline")
    if not info.usage:
        return Group(title, Text("no usage recorded", style="dim"))
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    for name, justify in (
        ("Day", "left"),
        ("Up", "right"),
        ("Down", "right"),
        ("Total", "right"),
        ("Billed", "right"),
        ("", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    peak = max((r.data_total or 0) for r in info.usage) or 1
    for r in info.usage:
        day = r.period.start_time.strftime("%a %d %b") if r.period and r.period.start_time else "—"
        bar = "█" * round(20 * (r.data_total or 0) / peak)
        table.add_row(
            day,
            data_size(r.data_upload),
            data_size(r.data_download),
            data_size(r.data_total),
            f"{r.billed or 0:.2f} {r.billed_unit or ''}",
            Text(bar, style="cyan"),
        )
    return Group(title, table)


class SimDetailScreen(ReportsFailures, Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back"),
        Binding("s", "status", "Status", id="detail.status"),
        Binding("m", "move", "Move", id="detail.move"),
        Binding("e", "rename", "Rename", id="detail.rename"),
        Binding("u", "update", "Update…", id="detail.update"),
        Binding("r", "reload", "Refresh", id="detail.refresh"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "sim-detail": Task("Loading the SIM", "Press r to try again.", read=True),
        # sim-change and sim-rename run on the App (so Esc does not lose them): their Tasks are in app.TASKS
    }

    def __init__(self, client: SuperSimClient, sim: Sim, fleets: list[Fleet], now: datetime | None = None):
        super().__init__()
        self.now = now  # fixed only for pictures; otherwise the usage week ends today
        self.client = client
        self.sim = sim
        self.fleets = fleets
        self.info: SimDetails | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(classes="stale", id="sim-detail-stale")  # the details shown are not current: a reload failed
        yield Static(classes="stale", id="sim-detail-last")  # the last change made here, and how it ended
        with VerticalScroll(id="sim-detail"):
            yield Static(id="sim-detail-body")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = f"SIM {printable(self.sim.label)}"  # the app's format_title puts mode, profile, account first
        self.query_one("#sim-detail-body", Static).update(Text(f"Loading {printable(self.sim.label)}…", style="dim"))
        self.query_one("#sim-detail").focus()
        self.action_reload()

    @work(exclusive=True, group=background("sim-detail"), exit_on_error=False)
    async def action_reload(self) -> None:
        """Read the SIM (on opening, and on r): it shows as the API has it now. If that differs from what the
        SIMs table showed (another client changed it), the table is told too."""
        sim = await self.client.fetch_sim(self.sim.sid)
        if (sim.status, sim.unique_name, sim.fleet_sid) != (self.sim.status, self.sim.unique_name, self.sim.fleet_sid):
            self.app.post_message(SimChanged(sim))
        self.sim = sim
        self.info = await sim_details(self.client, sim, now=self.now)
        self.sub_title = f"SIM {printable(sim.label)}"
        self.query_one("#sim-detail-body", Static).update(render_details(self.info))
        self._mark_stale(None)

    def worker_failed(self, group: str, error: BaseException) -> None:
        """Notify; a SIM that could not be loaded at all says why in place of its details; details shown already
        stay, marked stale (once the notice had gone, nothing said they were not current)."""
        super().worker_failed(group, error)
        if group == "sim-detail" and self.info is None:
            self.query_one("#sim-detail-body", Static).update(
                Text(failure_text(self.task_for(group), error), style="bold red")
            )
        elif group == "sim-detail":
            self._mark_stale(datetime.now())

    def _mark_stale(self, at: datetime | None) -> None:
        show_stale(self.query_one("#sim-detail-stale", Static), at)

    def _last_change(self, text: Text) -> None:
        """What the last change made here came to, kept on screen (a notice goes after a few seconds)."""
        if self.is_attached:
            last = self.query_one("#sim-detail-last", Static)
            last.update(text)
            last.display = True

    # -------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In a read-only profile the change keys are hidden."""
        return not (action in ("status", "move", "rename", "update") and getattr(self.app, "mode", OPEN) == READ_ONLY)

    def action_status(self) -> None:
        needs_fleet = self.sim.fleet_sid is None and bool(self.fleets)
        options = []
        for status in STATUS_CHOICES:
            # A SIM without a fleet can still be activated: into a fleet chosen next (one request, as the API allows).
            into = self.fleets[0].sid if needs_fleet and status in ("ready", "active") else None
            item = plan_change([self.sim], Change(status=status, fleet_sid=into)).items[0]
            label = f"{status} (then choose its fleet)" if into else status
            options.append((status, label, None if item.action is Action.SEND else item.reason))
        self.app.push_screen(
            ChoiceScreen(
                f"Status of {self.sim.label} (now {self.sim.status})",
                options,
                note="Greyed-out statuses cannot be reached from here; the reason is "
                "beside each. Enter chooses · Esc cancels",
            ),
            self._status_chosen,
        )

    def _status_chosen(self, status: str | None) -> None:
        if not status:
            return
        if self.sim.fleet_sid is None and status in ("ready", "active") and self.fleets:
            labels = {f.sid: f.label for f in self.fleets}
            self.app.push_screen(
                ChoiceScreen(
                    f"Fleet to {'activate' if status == 'active' else 'ready'} {self.sim.label} into",
                    [(f.sid, f.label, None) for f in self.fleets],
                ),
                lambda sid: (
                    self._confirm(Change(status=status, fleet_sid=sid, fleet_label=labels[sid])) if sid else None
                ),
            )
            return
        self._confirm(Change(status=status))

    def action_update(self) -> None:
        """Status, fleet (or none), callback URL and method, account: every writable field in one form."""
        from .sim_update import SimUpdateForm

        def updated(sim: Sim | None) -> None:
            if sim is not None:
                self.app.run_worker(self._changed(), group=background("sim-change"), exit_on_error=False)

        self.app.push_screen(SimUpdateForm(self.client, self.sim, self.fleets), updated)

    def action_move(self) -> None:
        options = [(f.sid, f.label, "its fleet now" if f.sid == self.sim.fleet_sid else None) for f in self.fleets]
        if not options:
            self.notify("This account has no fleets: create one on the Fleets tab (n).", title="Move")
            return
        labels = {f.sid: f.label for f in self.fleets}
        self.app.push_screen(
            ChoiceScreen(f"Move {self.sim.label} to fleet", options),
            lambda sid: self._confirm(Change(fleet_sid=sid, fleet_label=labels[sid])) if sid else None,
        )

    def action_rename(self) -> None:
        def rename(name: str | None) -> None:
            if name:
                guard_change(
                    self.app, "Rename SIM", f"rename SIM {self.sim.label} to {name}", name, lambda: self._rename(name)
                )

        def problem(name: str) -> str | None:
            found = sim_name_problem(name)
            return f"the unique name {found}" if found else None

        self.app.push_screen(
            NameForm(f"Rename SIM {self.sim.label}", self.sim.unique_name or "", set(), problem, renaming=True),
            rename,
        )

    def _confirm(self, change: Change) -> None:
        item = plan_change([self.sim], change).items[0]
        if item.action is not Action.SEND:  # explained, not attempted
            self.notify(
                printable(f"{self.sim.label}: {item.reason}. Nothing was sent."),
                title="Not changed",
                markup=False,
                severity="warning" if item.action is not Action.SKIPPED else "information",
            )
            return
        question = plain(f"{change.describe().capitalize()} for SIM {self.sim.label}?")

        def apply(yes: bool) -> None:
            if yes:
                self._apply(change)

        consent = consent_for(
            sims=1,
            cuts_service=change_cuts_service(change.status),
            mode=str(getattr(self.app, "mode", OPEN)),
            what=f"{change.describe()} on 1 SIM",
        )
        ask_consent(self.app, consent, "Change SIM", question, "Change", apply)

    def _apply(self, change: Change) -> None:
        """The change runs as an App worker: leaving this screen (Esc) does not cancel it or lose its outcome."""
        self.app.run_worker(self._apply_job(change), group=background("sim-change"), exit_on_error=False)

    async def _apply_job(self, change: Change) -> None:
        self.app.notify(
            printable(f"{change.describe().capitalize()}…"), title=printable(self.sim.label), timeout=3, markup=False
        )
        runner = BulkRunner(self.client, concurrency=1, poll_interval=1.0, follow_timeout=120)
        result = await runner.run(plan_change([self.sim], change), new_run_id())
        outcome = result.outcomes[0]
        if outcome.outcome == DONE:
            said = printable(f"Done: {change.describe()} ({outcome.status}).")
            self.app.notify(said, title=printable(self.sim.label), markup=False)
            self._last_change(Text(f"Last change: {said}", style="green"))
        else:
            said = printable(f"{outcome.outcome}: {outcome.error or 'no reason given'}")
            self.app.notify(said, markup=False, title=printable(self.sim.label), severity="error")
            self._last_change(Text(f"Last change, {change.describe()}: {said}", style="bold red"))
        try:
            await self._changed()
        except SuperSimError as error:
            if outcome.outcome != DONE and outcome.error == explain(error):
                return  # the cause the outcome just said (one notice per cause); the detail shows the SIM as read
            raise

    def _rename(self, name: str) -> None:
        """The rename runs as an App worker: leaving this screen (Esc) does not cancel it or lose its outcome."""
        self.app.run_worker(self._rename_job(name), group=background("sim-rename"), exit_on_error=False)

    async def _rename_job(self, name: str) -> None:
        sim = await self.client.update_sim(self.sim.sid, unique_name=name)
        self.app.notify(
            f"Renamed to {printable(sim.unique_name)}.", title=f"SIM {printable(self.sim.label)}", markup=False
        )
        await self._changed()

    async def _changed(self) -> None:
        """Tell the SIMs table; reload this screen if it is still open."""
        self.sim = await self.client.fetch_sim(self.sim.sid)
        self.app.post_message(SimChanged(self.sim))
        if self.is_attached:
            self.action_reload()
