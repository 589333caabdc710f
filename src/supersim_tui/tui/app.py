"""The Textual application. It receives its API client; it never opens connections itself."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import msgspec
from platformdirs import user_downloads_path
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.content import Content
from textual.widgets import DataTable, Header, TabbedContent, TabPane
from textual.widgets.tabbed_content import ContentTabs

from ..api import Fleet, Network, NetworkAccessProfile, Sim, SuperSimClient
from ..connect import Connection, Connector, SignInError
from ..ops.bulk import DONE, SKIPPED, Change, Plan, RunResult, plan_change
from ..ops.consent import MODE_MARKERS, OPEN, READ_ONLY
from ..ops.current import read_current
from ..ops.journal import Journal, JournalState, find_run
from ..ops.nap_impact import MoveImpact, move_impact
from ..ops.register_queue import RegistrationQueue
from ..ops.summary import count_sims
from ..profiles import ProfileError, profile_mode
from ..settings import Settings
from .bulk import BulkRunScreen, ChoiceScreen, Confirm, confirm_plan, move_impact_text
from .catalog import CatalogRead, CatalogScreen
from .commands import BindingCommands, binding_ids, keymap_collisions
from .consent import guard_change, notify_read_only
from .failures import ReportsFailures, Task
from .footer import KeysFooter
from .format import printable
from .forms import FleetForm, NameForm
from .health import HealthPane, act_on_finding, open_insight
from .keyflow import OrderedKeysApp
from .login import LoginScreen, ProfileCommands
from .panes import FleetsPane, NapInfo, NapsPane, Pane, SimsPane, slim
from .register import RegisterScreen
from .sim_detail import SimChanged, SimDetailScreen
from .usage import UsagePane

TABS = ("fleets", "naps", "sims", "health", "usage")
BULK_KINDS = ("set-status", "move", "rename")  # runs the TUI can resume (registrations have their own queue)
# Actions that change the account: hidden (and refused) in a read-only profile.
CHANGE_ACTIONS = ("new_fleet", "edit_fleet", "new_nap", "rename_nap", "register_sims", "bulk_status", "bulk_move")


class SuperSimApp(ReportsFailures, OrderedKeysApp[None]):
    """Fleets, NAPs and SIMs of one Super SIM account."""

    CSS_PATH = "app.tcss"
    TITLE = "Super SIM"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {ProfileCommands, BindingCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_tab('fleets')", "Fleets", id="tab.fleets"),
        Binding("2", "show_tab('naps')", "NAPs", id="tab.naps"),
        Binding("3", "show_tab('sims')", "SIMs", id="tab.sims"),
        Binding("4", "show_tab('health')", "Health", id="tab.health"),
        Binding("5", "show_tab('usage')", "Usage", id="tab.usage"),
        Binding("c", "catalog", "Catalog", id="app.catalog"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        Binding("x", "clear_sim_filter", "Clear filter", id="sims.clear_filter"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "account": Task("Loading the account", "Press r to try again."),
        "fleet-counts": Task("Counting each fleet's SIMs", "Press r to try again."),
        "account-switch": Task("Switching profile", "Choose the profile again from the palette."),
        "nap-rename": Task("Renaming the NAP", "Press e on the NAPs tab to try again."),
        "mark-all": Task("Counting the SIMs to mark", "Press a to try again."),
        "registrations": Task("Registering queued SIMs", "Press n on the SIMs tab to start the queue again."),
        # started by the SIM detail screen, run on the App so that leaving the screen does not lose them
        "sim-change": Task("Changing the SIM", "Open the SIM again (Enter on the SIMs tab) to see its state now."),
        "sim-rename": Task("Renaming the SIM", "Open the SIM again (Enter on the SIMs tab) and press e to try again."),
        "bulk-plan": Task("Reading the SIMs' current state to plan the change", "Nothing was sent; try again."),
    }

    def __init__(
        self,
        client: SuperSimClient | None,
        *,
        account_label: str = "",
        close_client: bool = True,
        connector: Connector | None = None,
        settings: Settings | None = None,
        sign_in_reason: str | None = None,
        registrations: RegistrationQueue | None = None,
        journal_runs: bool = False,
        export_dir: Path | None = None,
        mode: str = OPEN,
        profile_name: str = "",
        read_only: bool = False,
    ):
        super().__init__()
        self.read_only = read_only  # --read-only: read-only whatever the profiles say
        self.mode = READ_ONLY if read_only else mode  # safety mode: read-only, protected or open (ops.consent)
        self.profile_name = profile_name
        self._client = client
        self.account_label = account_label
        self._close_client = close_client
        self.connector = connector
        self.settings = settings or Settings()
        self.sign_in_reason = sign_in_reason
        self.fleets: list[Fleet] = []
        self.naps: list[NetworkAccessProfile] = []
        self.catalog: list[Network] = []
        self.registrations = registrations or RegistrationQueue()
        self.registrations.prune_finished()  # the register screen's list is this session's: earlier outcomes go
        self._registrations_wake = asyncio.Event()
        self.journal_runs = journal_runs  # a real account's bulk runs are journaled, and offered for resuming
        self.export_dir = export_dir
        self._resume_offered = False
        self._loading: list[Pane] = []  # the panes the account load has not filled yet

    @property
    def client(self) -> SuperSimClient:
        if self._client is None:
            raise RuntimeError("not signed in")
        return self._client

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with TabbedContent(initial="fleets"):
            with TabPane("Fleets", id="fleets"):
                yield FleetsPane()
            with TabPane("NAPs", id="naps"):
                yield NapsPane()
            with TabPane("SIMs", id="sims"):
                yield SimsPane()
            with TabPane("Health", id="health"):
                yield HealthPane(id="health-pane")
            with TabPane("Usage", id="usage"):
                yield UsagePane(id="usage-pane")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._apply_settings()
        self._show_identity()
        self.call_after_refresh(self._focus_active_table)  # so the pane's keys work from the start
        if self._client is not None:
            self.load_account()
            if self.registrations.pending and self.mode == READ_ONLY:  # read-only sends nothing, not even these
                self.notify(
                    f"{len(self.registrations.pending):,} queued registration(s) wait: this profile is read-only.",
                    title="Registration queue",
                    severity="warning",
                    markup=False,
                )
            elif self.registrations.pending:  # left over from last time: carry on
                self.process_registrations()
        elif self.connector is not None:
            self.push_screen(LoginScreen(self.connector, can_cancel=False, reason=self.sign_in_reason), self._signed_in)

    def _focus_active_table(self) -> None:
        """Put the focus on the visible table unless the user is somewhere else (loading tables drop it)."""
        if len(self.screen_stack) > 1:
            return
        if self.focused is None or isinstance(self.focused, ContentTabs):
            self.query_one(f"#{self.query_one(TabbedContent).active}-pane").query_one(DataTable).focus()

    def _apply_settings(self) -> None:
        if self.settings.theme:
            if self.settings.theme in self.available_themes:
                self.theme = self.settings.theme
            else:
                self.settings.problems.append(
                    f"settings: theme {self.settings.theme!r} is unknown; expected one of "
                    f"{', '.join(sorted(self.available_themes))}"
                )
        if self.settings.keymap:
            known = binding_ids()
            unknown = [binding_id for binding_id in self.settings.keymap if binding_id not in known]
            if unknown:
                self.settings.problems.append(
                    f"settings: [keymap] names {', '.join(repr(u) for u in unknown)}, which no binding has (ignored); "
                    "the binding ids are listed in the README under Settings"
                )
            keymap = {k: v for k, v in self.settings.keymap.items() if k in known}
            self.settings.problems.extend(keymap_collisions(keymap, type(self)))
            self.set_keymap(keymap)
        for problem in self.settings.problems:
            self.notify(printable(problem), title="Settings", severity="warning", timeout=12, markup=False)
        for problem in self.registrations.problems:
            self.notify(printable(problem), title="Registration queue", severity="warning", timeout=12, markup=False)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Screenshots go to the Downloads folder if there is one, else where CSV exports go (Textual would
        fail when ~/Downloads does not exist); the notification says where."""
        if path is None:
            downloads = user_downloads_path()
            path = str(downloads if downloads.is_dir() else self.export_dir or Path.cwd())
        return super().deliver_screenshot(filename, path, time_format)

    async def on_unmount(self) -> None:
        if self._close_client and self._client is not None:
            await self._client.aclose()

    # ------------------------------------------------------------- accounts
    async def _use(self, connection: Connection) -> None:
        old, self._client = self._client, connection.client
        self.catalog = []  # another account (or platform) may have another catalog
        self.account_label = connection.label
        if connection.profile is not None:
            self.profile_name = connection.profile
            try:
                self.mode = READ_ONLY if self.read_only else profile_mode(connection.profile)
            except ProfileError:
                self.mode = READ_ONLY  # a profile file we cannot read: change nothing
        self._show_identity()
        self.refresh_bindings()
        if old is not None and old is not connection.client:
            await old.aclose()
        self.load_account()

    async def _signed_in(self, connection: Connection | None) -> None:
        if connection is not None:
            await self._use(connection)
            assert self.connector is not None
            self.notify(f"Signed in; secret stored {self.connector.last_saved_where}.", title="Signed in", markup=False)

    def action_sign_in(self) -> None:
        if self.connector is not None:
            self.push_screen(LoginScreen(self.connector, can_cancel=self._client is not None), self._signed_in)

    @work(exclusive=True, group="account-switch", exit_on_error=False)
    async def switch_profile(self, name: str) -> None:
        assert self.connector is not None
        try:
            connection = await self.connector.open_profile(name)
        except SignInError as error:
            self.notify(printable(str(error)), title=f"Profile {name}", severity="error", timeout=10, markup=False)
            return
        await self._use(connection)
        self.notify(f"Now using profile {name}.", title="Profile", markup=False)

    def _show_identity(self) -> None:
        """The header always says profile, account and safety mode: a text marker (readable with NO_COLOR) and
        a colour (the header's class)."""
        parts = [MODE_MARKERS.get(self.mode, self.mode)]  # first: a narrow header cuts the end, never the mode
        parts += [f"profile {self.profile_name}"] if self.profile_name else []
        parts += [self.account_label] if self.account_label else []
        self.sub_title = " · ".join(parts)
        for mode in MODE_MARKERS:
            self.set_class(mode == self.mode, f"-mode-{mode}")

    def format_title(self, title: str, sub_title: str) -> Content:
        """Every screen's header leads with the mode, profile and account (a screen's own sub-title follows)."""
        marker = MODE_MARKERS.get(self.mode, self.mode)
        if not sub_title.startswith(marker):
            sub_title = f"{self.sub_title} · {sub_title}" if sub_title else self.sub_title
        return super().format_title(title, sub_title)

    def refuse_read_only(self) -> bool:
        """In a read-only profile, say why a change is not possible (True: refused)."""
        if self.mode != READ_ONLY:
            return False
        notify_read_only(self)
        return True

    # ----------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Account actions only apply on the main screen once signed in (hidden from the footer otherwise);
        changes are hidden in a read-only profile."""
        if action in CHANGE_ACTIONS and self.mode == READ_ONLY:
            return False
        account_actions = (
            "show_tab",
            "refresh",
            "catalog",
            "new_fleet",
            "edit_fleet",
            "goto_nap",
            "fleet_sims",
            "new_nap",
            "rename_nap",
            "open_nap",
            "clear_sim_filter",
            "register_sims",
            "sim_detail",
            "mark_matching",
            "bulk_status",
            "bulk_move",
        )
        # Textual: False hides a binding, None shows it dimmed (not available right now).
        covered = any(not isinstance(screen, CommandPalette) for screen in self.screen_stack[1:])
        if action in account_actions and (self._client is None or covered):
            return False  # signed out, or another screen (catalog, form, sign-in) is on top (not the palette)
        if action == "clear_sim_filter":
            return bool(self.query_one(SimsPane).filter_label)
        if action in ("sim_detail", "bulk_status", "bulk_move"):
            pane = self.query_one(SimsPane)
            applies = pane.current is not None or (action != "sim_detail" and bool(pane.marks))
            return True if applies else None  # dimmed: no SIM to act on
        return True

    async def action_quit(self) -> None:
        """Quit, but never drop work silently: staged catalog changes are discarded only when the user says so
        (Cancel focused), and queued registrations are named with what happens to them."""
        if isinstance(self.screen, Confirm):
            self.exit()
            return
        staged = sum(len(getattr(screen, "staged", {}) or {}) for screen in self.screen_stack)
        pending = len(self.registrations.pending)
        if staged:
            body = Text(f"{staged} staged NAP change(s) have not been applied. Quit and discard them?")
            if pending:
                body.append(f" {pending:,} SIM registration(s) are also still queued.")
            self.push_screen(
                Confirm("Quit with staged changes?", body, "Quit and discard", "Keep working", danger=True),
                lambda yes: self.exit() if yes else None,
            )
        elif pending:
            where = (
                "kept on disk and sent the next time the app starts"
                if self.registrations.path
                else "lost: this demo account is not kept"
            )
            body = Text.assemble(
                (f"{pending:,} SIM registration{'s are' if pending != 1 else ' is'} still queued", "bold"),
                f" (not registered yet). If you quit now they are {where}.",
            )
            self.push_screen(
                Confirm("Registrations still queued", body, "Quit", "Stay"), lambda yes: self.exit() if yes else None
            )
        else:
            self.exit()

    def action_show_tab(self, tab: str) -> None:
        if tab in TABS:
            self.query_one(TabbedContent).active = tab
            self.query_one(f"#{tab}-pane").query_one("DataTable").focus()

    def action_refresh(self) -> None:
        if self._client is not None:
            self.load_account()
            open_insight(self, self.query_one(TabbedContent).active, self.client, self.fleets, force=True)

    @on(TabbedContent.TabActivated)
    def _open_insight(self, event: TabbedContent.TabActivated) -> None:
        if self._client is not None:
            open_insight(self, event.pane.id, self.client, self.fleets)

    @on(HealthPane.Act)
    def _act_on_finding(self, event: HealthPane.Act) -> None:
        act_on_finding(self, self.action_show_tab, event.finding)

    def action_help(self) -> None:
        """Show (or hide) the keys that apply where the focus is."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    # -------------------------------------------------------- fleets & NAPs
    def action_catalog(self) -> None:
        self.push_screen(CatalogScreen(self.client, self.catalog))

    @on(CatalogRead)
    def _catalog_read(self, event: CatalogRead) -> None:
        """A catalog screen read the catalog (the account load could not): keep it for the next one."""
        self.catalog = event.networks

    def action_new_fleet(self) -> None:
        self.push_screen(FleetForm(self.client, self.naps), self._reload_if)

    def action_edit_fleet(self) -> None:
        fleet = self.query_one(FleetsPane).current
        if fleet is not None:
            self.push_screen(FleetForm(self.client, self.naps, fleet), self._reload_if)

    def action_goto_nap(self) -> None:
        fleet = self.query_one(FleetsPane).current
        if fleet is not None and fleet.network_access_profile_sid:
            self.action_show_tab("naps")
            self.query_one(NapsPane).select(fleet.network_access_profile_sid)

    def action_fleet_sims(self) -> None:
        fleet = self.query_one(FleetsPane).current
        if fleet is not None:
            self.action_show_tab("sims")
            self.query_one(SimsPane).set_fleet(fleet.sid)

    def action_clear_sim_filter(self) -> None:
        self.query_one(SimsPane).clear_filters()

    @on(SimsPane.FiltersChanged)
    def _filter_sims(self, event: SimsPane.FiltersChanged) -> None:
        """Filters go to the server (Status, Fleet, Iccid): only matching SIMs are ever loaded."""
        names = self._fleet_names()
        parts = [f"status {event.status}"] if event.status else []
        parts += [f"fleet {names.get(event.fleet, event.fleet)}"] if event.fleet else []
        parts += [f"ICCID {event.iccid}"] if event.iccid else []
        pane = self.query_one(SimsPane)
        pager = self.client.list_sims(
            status=event.status, fleet=event.fleet, iccid=event.iccid, page_size=pane.page_size
        )
        pane.start(pager, names, filter_label=", ".join(parts) or None)
        self.refresh_bindings()

    @on(DataTable.RowSelected, "#naps-table")
    def action_open_nap(self) -> None:
        info = self.query_one(NapsPane).current
        if info is not None:
            screen = CatalogScreen(self.client, self.catalog, nap=info.nap, enabled=[n.sid for n in info.networks])
            self.push_screen(screen, self._reload_if)

    def action_new_nap(self) -> None:
        taken = {n.unique_name for n in self.naps if n.unique_name}

        def pick_networks(name: str | None) -> None:
            if name:
                self.push_screen(CatalogScreen(self.client, self.catalog, new_nap_name=name), self._reload_if)

        self.push_screen(NameForm("New network access profile", taken=taken), pick_networks)

    def action_rename_nap(self) -> None:
        info = self.query_one(NapsPane).current
        if info is None:
            return
        taken = {n.unique_name for n in self.naps if n.unique_name and n.sid != info.nap.sid}
        sid = info.nap.sid

        def rename(name: str | None) -> None:
            if name:
                guard_change(
                    self,
                    "Rename NAP",
                    f"rename NAP {info.nap.label} to {name}",
                    name,
                    lambda: self._rename_nap(sid, name),
                )

        self.push_screen(NameForm(f"Rename NAP {info.nap.label}", info.nap.unique_name or "", taken), rename)

    @work(exclusive=True, group="nap-rename", exit_on_error=False)
    async def _rename_nap(self, sid: str, name: str) -> None:
        await self.client.update_nap(sid, unique_name=name)
        self.notify(f"NAP renamed to {printable(name)}.", title="NAPs", markup=False)
        self.load_account()

    # ------------------------------------------------------------------- SIMs
    def action_sim_detail(self) -> None:
        sim = self.query_one(SimsPane).current
        if sim is not None:
            self.push_screen(SimDetailScreen(self.client, sim, self.fleets))

    @on(SimChanged)
    def _sim_changed(self, event: SimChanged) -> None:
        self.query_one(SimsPane).refresh_sims([event.sim])

    @on(DataTable.RowSelected, "#sims-table")
    def _sim_selected(self) -> None:
        self.action_sim_detail()

    @work(exclusive=True, group="mark-all", exit_on_error=False)
    async def action_mark_matching(self) -> None:
        """Read every SIM matching the filters (pages of 1,000), state the exact count, then mark them."""
        pane = self.query_one(SimsPane)
        status, fleet, iccid = pane.filters
        what = f"matching {pane.filter_label}" if pane.filter_label else "in the account (no filter)"
        pager = self.client.list_sims(status=status, fleet=fleet, iccid=iccid, page_size=1000)
        found: dict[str, Sim] = {}
        while pager.has_more:
            for sim in await pager.next_page():
                found[sim.sid] = slim(sim)
            pane.show_counting(what, len(found))
        pane._show_count()
        already = sum(1 for sid in found if sid in pane.marks)
        if not found:
            self.notify(printable(f"No SIMs {what}: nothing to mark."), title="Mark all", markup=False)
            return
        body = Text.assemble((f"{len(found):,}", "bold"), f" SIMs {what}.")
        if already:
            body.append(f"\n{already:,} of them are marked already.")
        if pane.marks and len(pane.marks) > already:
            body.append(f"\n{len(pane.marks) - already:,} other marked SIMs stay marked (u clears every mark).")

        def mark(yes: bool | None) -> None:
            if yes:
                pane.set_marks({**pane.marks, **found})  # the count bar says how many are marked

        self.push_screen(Confirm("Mark all matching", body, f"Mark {len(found):,} SIMs"), mark)

    def _targets(self) -> tuple[list[Sim], str]:
        """The marked SIMs, or the highlighted one when none is marked."""
        pane = self.query_one(SimsPane)
        if pane.marks:
            return list(pane.marks.values()), "marked"
        return ([pane.current] if pane.current else []), "highlighted"

    def action_bulk_status(self) -> None:
        sims, selected = self._targets()
        if not sims:
            return
        options = [("ready", "ready", None), ("active", "active", None), ("inactive", "inactive", None)]
        title = f"Set the status of {len(sims):,} {selected} SIM{'s' if len(sims) != 1 else ''}"
        self.push_screen(
            ChoiceScreen(
                title,
                options,
                note="The next step shows what will change, what is skipped and why, before anything is sent.",
            ),
            lambda status: self._confirm_bulk(sims, Change(status=status), selected) if status else None,
        )

    def action_bulk_move(self) -> None:
        sims, selected = self._targets()
        if not sims:
            return
        if not self.fleets:
            self.notify("This account has no fleets: create one on the Fleets tab (n).", title="Move")
            return
        labels = {f.sid: f.label for f in self.fleets}
        title = f"Move {len(sims):,} {selected} SIM{'s' if len(sims) != 1 else ''} to fleet"
        self.push_screen(
            ChoiceScreen(title, [(f.sid, f.label, None) for f in self.fleets]),
            lambda sid: (
                self._confirm_bulk(sims, Change(fleet_sid=sid, fleet_label=labels[sid]), selected) if sid else None
            ),
        )

    def _confirm_bulk(self, sims: list[Sim], change: Change, selected: str) -> None:
        if not self.refuse_read_only():
            self._plan_bulk(sims, change, selected)

    @work(exclusive=True, group="bulk-plan", exit_on_error=False)
    async def _plan_bulk(self, sims: list[Sim], change: Change, selected: str) -> None:
        """Plan on the SIMs' current state (marks can be stale: re-read in pages, not one request per SIM for
        thousands), refresh the marks with it, then ask as much as the change's harm needs."""
        self.notify(
            f"Reading the current state of {len(sims):,} SIM{'s' if len(sims) != 1 else ''}…",
            title="Planning",
            timeout=3,
            markup=False,
        )
        current = await read_current(self.client, [s.sid for s in sims])
        pane = self.query_one(SimsPane)
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
            self, plan, selected, self.mode, lambda: self._start_plan(plan), extra=extra, coverage_lost=coverage_lost
        )

    async def _move_impact(self, plan: Plan, fleet_sid: str) -> list[MoveImpact]:
        nap_of = {f.sid: f.network_access_profile_sid or "" for f in self.fleets}
        target = nap_of.get(fleet_sid, "")
        sims_by_nap = Counter(nap_of.get(i.fleet_sid or "", "") for i in plan.to_send)
        if not target or set(sims_by_nap) <= {target}:
            return []
        wanted = [sid for sid in {target, *sims_by_nap} if sid]
        networks = await asyncio.gather(*(self.client.list_nap_networks(sid).collect() for sid in wanted))
        return move_impact(
            dict(sims_by_nap), dict(zip(wanted, networks, strict=True)), {n.sid: n.label for n in self.naps}, target
        )

    def _start_plan(self, plan: Plan) -> None:
        self._run_bulk(
            BulkRunScreen(
                self.client,
                plan=plan,
                journal=self._journal,
                fleet_names=self._fleet_names(),
                export_dir=self.export_dir,
                concurrency=self.settings.concurrency,
                mode=self.mode,
            )
        )

    def _run_bulk(self, screen: BulkRunScreen) -> None:
        self.push_screen(screen, self._bulk_finished)

    def _fleet_names(self) -> dict[str, str]:
        return {f.sid: f.label for f in self.fleets}

    def _journal(self, run_id: str, header: dict[str, object]) -> Journal | None:
        """A journal for a real account's run (the demo account is gone when the app closes)."""
        if not self.journal_runs:
            return None
        return Journal.create(run_id, {**header, "base_url": self.client.base_url, "identity": self.account_label})

    def _bulk_finished(self, result: RunResult | None) -> None:
        """Marks stay only on the SIMs that did not get there (with their state now), then the views reload."""
        pane = self.query_one(SimsPane)
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
                self.notify(
                    f"{n:,} SIM{' that did not change stays' if n == 1 else 's that did not change stay'} marked.",
                    title="Marks",
                )
        self.load_account()

    def _offer_resume(self) -> None:
        found = find_run(None, base_url=self.client.base_url, kinds=BULK_KINDS, include_stopped=False)
        if found is None:
            return
        journal, state = found
        change = Change.from_json(state.header.get("change", {}))
        body = Text.assemble(
            printable(f"Run {state.run_id} ({change.describe()}), started "),
            str(state.header.get("created", ""))[:16].replace("T", " "),
            " UTC, did not finish:\n",
            (f"{len(state.remaining):,} of {len(state.items):,} SIMs left.", "bold"),
            "\nSIMs already sent are confirmed first, never sent twice.",
        )

        def resume(yes: bool | None) -> None:
            if yes and not self.refuse_read_only():
                self._plan_resume(journal, state, change)

        self.push_screen(Confirm("Resume an interrupted run?", body, "Resume", "Not now"), resume)

    @work(exclusive=True, group="bulk-plan", exit_on_error=False)
    async def _plan_resume(self, journal: Journal, state: JournalState, change: Change) -> None:
        """A resume is planned and confirmed like a new run: the SIMs left are read now and the plan shown."""
        current = await read_current(self.client, [str(item["key"]) for item in state.remaining])
        plan = plan_change(current, change)

        def run() -> None:
            self._run_bulk(
                BulkRunScreen(
                    self.client,
                    resume=(journal, state),
                    fleet_names=self._fleet_names(),
                    export_dir=self.export_dir,
                    concurrency=self.settings.concurrency,
                    mode=self.mode,
                )
            )

        confirm_plan(self, plan, "left by the run", self.mode, run, title="Resume: confirm the change")

    def action_register_sims(self) -> None:
        self.process_registrations()
        self.push_screen(
            RegisterScreen(
                self.registrations,
                self.fleets,
                self._registrations_wake,
                export_dir=self.export_dir,
                client=self.client,
            )
        )

    @work(exclusive=True, group="registrations", exit_on_error=False)
    async def process_registrations(self) -> None:
        """Registers queued SIMs in the background for as long as the app runs (also after the screen closes)."""
        self._registrations_wake.set()
        await self.registrations.process(self.client, wake=self._registrations_wake)

    def _reload_if(self, changed: object = True) -> None:
        if changed is not False:
            self.load_account()

    @on(TabbedContent.TabActivated)
    def _focus_table(self, event: TabbedContent.TabActivated) -> None:
        pane_id = f"#{event.pane.id}-pane"
        self.query_one(pane_id).query_one("DataTable").focus()

    # ------------------------------------------------------------------ loading
    @work(exclusive=True, group="account", exit_on_error=False)
    async def load_account(self) -> None:
        """Fleets, NAPs and the SIMs' first page together, then each NAP's networks, then SIM counts."""
        sims = self.query_one(SimsPane)
        fleets_pane, naps_pane = self.query_one(FleetsPane), self.query_one(NapsPane)
        self._loading = [fleets_pane, naps_pane, sims]
        sims_pager = self.client.list_sims(page_size=sims.page_size) if sims.filter_label is None else None
        first_sims = asyncio.create_task(sims_pager.next_page()) if sims_pager else None  # alongside the fleets
        fleets_task = asyncio.create_task(self.client.list_fleets().collect())
        catalog_task = (
            asyncio.create_task(self.client.list_networks(page_size=1000).collect()) if not self.catalog else None
        )
        try:
            naps = await self.client.list_naps().collect()
            fleets = await fleets_task
            self.fleets, self.naps = fleets, naps
            nap_names = {n.sid: n.label for n in naps}
            fleets_pane.show(fleets, nap_names)
            self._loading.remove(fleets_pane)
            sims.set_fleets(fleets)
            if sims_pager is not None and first_sims is not None:
                sims.start(sims_pager, self._fleet_names(), first_page=await first_sims)
            else:
                sims.apply_filters()  # reload with the filters the user set (the pane reports its own failure)
            self._loading.remove(sims)
            networks = await asyncio.gather(*(self.client.list_nap_networks(n.sid).collect() for n in naps))
            naps_pane.show([NapInfo(n, nets) for n, nets in zip(naps, networks, strict=True)], fleets)
            self._loading.remove(naps_pane)
            if catalog_task is not None:
                self.catalog = await catalog_task
        finally:  # a failure stops the reads still running alongside, and none is left unawaited
            tasks = [t for t in (first_sims, fleets_task, catalog_task) if t is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        self._focus_active_table()
        self.load_fleet_counts(fleets)
        if self.journal_runs and not self._resume_offered:
            self._resume_offered = True
            self._offer_resume()

    @work(exclusive=True, group="fleet-counts", exit_on_error=False)
    async def load_fleet_counts(self, fleets: list[Fleet]) -> None:
        """SIM counts by status per fleet, filled in as each fleet is counted (large fleets take a while)."""
        gate = asyncio.Semaphore(6)
        pane = self.query_one(FleetsPane)

        async def count(fleet: Fleet) -> None:
            counts = {
                status: await count_sims(self.client, fleet=fleet.sid, status=status, gate=gate)
                for status, _label in FleetsPane.COUNT_COLUMNS
            }
            pane.show_counts(fleet.sid, counts)

        async with asyncio.TaskGroup() as group:  # one failure stops the other counts
            for fleet in fleets:
                group.create_task(count(fleet))

    def worker_failed(self, group: str, error: BaseException) -> None:
        """Notify; then stop what the failed work left waiting: only the panes it had not filled are marked."""
        if isinstance(error, BaseExceptionGroup) and error.exceptions:
            error = error.exceptions[0]  # the counts' task group: the first failure says it
        super().worker_failed(group, error)
        if group == "account":
            for pane in self._loading:
                pane.load_failed(self.task_for(group), error, datetime.now())
            self._loading = []
        elif group == "fleet-counts":
            self.query_one(FleetsPane).counts_failed()
        elif group == "mark-all":
            self.query_one(SimsPane)._show_count()
