"""The main screen: the Fleets, NAPs and SIMs panes over one account.

The account's state (fleets, NAPs with their networks, the network catalog, SIM counts per fleet) lives
here as reactives; each pane is bound to the parts it shows (``data_bind``) and redraws when they change.
Panes ask for what needs the account (a form, another screen, a bulk change) with messages that bubble up
to this screen; this screen never reaches into a pane's internals.

Start-up imports only what the first frame needs: the screens and flows opened later (catalog, forms, SIM
details, registering, bulk changes, NAP comparison) and the Health and Usage panes (mounted the first time
their tab is shown) are imported when first used (``tests/test_startup.py`` holds this).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, TabbedContent, TabPane
from textual.widgets.tabbed_content import ContentTabs

from ..api import Fleet, Network, NetworkAccessProfile, Pager, Sim, SimBrief
from ..ops.consent import OPEN
from ..ops.summary import NapSummary, count_fleet, read_fleets_and_naps, read_nap_summaries
from .failures import ReportsFailures, Task
from .footer import KeysFooter
from .format import printable
from .header import AppHeader
from .keyflow import OrderedKeysApp, background
from .pane import NO_FLEET, Pane
from .panes import FleetsPane, NapsPane
from .shell import Shell
from .sims_filters import SimFilters
from .sims_pane import SimsPane

RESUMABLE_KINDS = ("set-status", "move", "rename")  # bulk runs the TUI resumes (registrations have their own queue)

if TYPE_CHECKING:
    from .bulk_flow import BulkFlow
    from .health import HealthPane

TABS = ("fleets", "naps", "sims", "health", "usage")
INSIGHT_TABS = ("health", "usage")  # their panes are mounted the first time the tab is shown
COUNT_CONCURRENCY = 6  # fleets counted at once
NAP_CONCURRENCY = 8  # NAPs' networks read at once


def counts_by_fleet(fleets: list[Fleet], counts: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """The SIMs index's counts for the Fleets pane: each fleet's (none counted: {}) and the SIMs without one."""
    return {sid: counts.get(sid, {}) for sid in [*(f.sid for f in fleets), NO_FLEET]}


class AccountTabs(TabbedContent):
    """Textual's TabbedContent, except that the news of a widget focused in a pane (which shows that pane) is
    ignored once stale: when the focus is no longer in that pane, or is the focus a chosen tab left behind. So a
    key typed at start that chose the SIMs tab while the Fleets table was taking the focus is not undone when
    that news arrives."""

    _left_behind: Widget | None = None  # what had the focus when a tab was last chosen

    def choose(self, tab: str) -> None:
        self._left_behind = self.screen.focused
        self.active = tab

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors_with_self or focused is self._left_behind:
            # stale news: the focus has left that pane since, or is the one a chosen tab left behind
            event.prevent_default()  # (Textual calls the handler of each class: TabbedContent's would switch)
            event.stop()


class MainScreen(ReportsFailures, Screen[None]):
    """Fleets, NAPs and SIMs of the account the shell is connected to."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_tab('fleets')", "Fleets", id="tab.fleets"),
        Binding("2", "show_tab('naps')", "NAPs", id="tab.naps"),
        Binding("3", "show_tab('sims')", "SIMs", id="tab.sims"),
        Binding("4", "show_tab('health')", "Health", id="tab.health"),
        Binding("5", "show_tab('usage')", "Usage", id="tab.usage"),
        Binding("c", "catalog", "Catalog", id="app.catalog"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "account": Task("Loading the account", "Press r to try again.", read=True),
        "fleet-counts": Task("Counting each fleet's SIMs", "Press r to try again.", read=True),
        "nap-rename": Task("Renaming the NAP", "Press e on the NAPs tab to try again."),
        "bulk-plan": Task(
            "Reading the SIMs' current state to plan the change", "Nothing was sent; try again.", read=True
        ),
        "sim-lookup": Task("Looking up the SIM", "Press Enter in the filter to try again.", read=True),
    }

    # The account, as last read (None: not read yet). Set naps before fleets: the fleets pane names NAPs.
    fleets: reactive[list[Fleet] | None] = reactive(None, always_update=True)
    naps: reactive[list[NetworkAccessProfile] | None] = reactive(None, always_update=True)
    nap_summaries: reactive[list[NapSummary] | None] = reactive(None, always_update=True)
    fleet_counts: reactive[dict[str, dict[str, int]]] = reactive(dict, always_update=True)
    catalog: reactive[list[Network]] = reactive(list)
    mode: reactive[str] = reactive(OPEN)  # the safety mode, bound to the panes (they hide changes in read-only)

    def __init__(self, shell: Shell) -> None:
        super().__init__()
        self.shell = shell
        self._loading: list[Pane] = []  # the panes the account load has not filled yet
        self._resume_offered = False
        # The fleets and NAPs being read by load_account (the SIMs load lists the active SIMs by these fleets)
        self._account_read: asyncio.Task[tuple[list[Fleet], list[NetworkAccessProfile]]] | None = None
        self._shown_before = False
        self.first_frame_painted = False  # (the app says so: first_frame_painted_now)
        self._focus_due = False  # a table has loaded: the focus goes to the shown one after the next refresh
        # The focus is on the tab bar because the app put it there (at start, or while the shown table loads), not
        # because the user moved it there: the table takes it back once it has rows
        self._parked = True
        self._registered: list[str] = []  # SIMs the queue registered before this screen was mounted (ICCIDs)

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with AccountTabs(initial="fleets"):
            with TabPane("Fleets", id="fleets"):
                yield FleetsPane().data_bind(
                    MainScreen.fleets, MainScreen.naps, MainScreen.fleet_counts, MainScreen.mode
                )
            with TabPane("NAPs", id="naps"):
                yield NapsPane().data_bind(MainScreen.mode, naps=MainScreen.nap_summaries)
            with TabPane("SIMs", id="sims"):
                yield SimsPane(self._list_sims, list_rows=self._list_sim_rows, read_fleets=self._read_fleets).data_bind(
                    MainScreen.fleets, MainScreen.mode
                )
            # issue 19: Health and Usage (tui/health.py, tui/usage.py), mounted when their tab is first shown
            yield TabPane("Health", id="health")
            yield TabPane("Usage", id="usage")
        yield KeysFooter()

    @cached_property
    def bulk(self) -> BulkFlow:
        """Bulk changes (planning, the run screen, resuming), imported the first time one starts."""
        from .bulk_flow import BulkFlow

        return BulkFlow(self)

    async def _mount_insight(self, tab: str) -> bool:
        """Mount the Health or Usage pane the first time its tab is shown; False if it is not there (yet)."""
        if tab not in INSIGHT_TABS or self.query(f"#{tab}-pane"):
            return True
        if not self.is_attached:
            return False
        if tab == "health":
            from .health import HealthPane

            pane: Widget = HealthPane(id="health-pane")
        else:
            from .usage import UsagePane

            pane = UsagePane(id="usage-pane")
        await self.query_one(f"TabPane#{tab}", TabPane).mount(pane)
        pane.add_class("-ready")  # built: its table can be asked for (see _focus_active_table)
        return True

    # The SIMs pane's data sources, bound late: the connected account's client changes with the profile.
    def _list_sims(self, **query: Any) -> Pager[Sim]:
        """The SIMs themselves (``status``, ``fleet``, ``iccid``, ``page_size`` as the client takes them)."""
        return self.shell.client.list_sims(**query)

    def _list_sim_rows(self, **query: Any) -> Pager[SimBrief]:
        """What the SIMs index is listed with: the same listing, decoded into only what the index keeps."""
        return self.shell.client.list_sim_briefs(**query)

    async def _read_fleets(self) -> list[Fleet]:
        """The fleets for the SIMs load to list the active SIMs by, before this screen has them: those of the read
        :meth:`load_account` started (not a second request); none if it failed (its failure is reported there)."""
        account = self._account_read
        if account is None:
            return self.fleets or []
        await asyncio.wait([account])  # (its failure, or its cancelling, is load_account's)
        return account.result()[0] if not account.cancelled() and account.exception() is None else []

    def read_ahead(self) -> None:
        """Ask now for the first page of the reads :meth:`load_account` starts with (NAPs, fleets, the SIMs' first
        rows): called before this screen is built, so the API serves them meanwhile and the load, once it starts,
        takes the replies (or their failures) as its own. The SIMs' first rows, if here by then, are drawn in
        the first frame (:meth:`SimsPane.show_arrived`)."""
        client = self.shell.client
        client.read_ahead([client.list_naps(), client.list_fleets(), *SimsPane.first_pages(self._list_sim_rows)])

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Shown the first time: every node was styled as it was mounted, so Textual's restyle of the whole screen
        (a fifth of the work to the first frame) is skipped; later (back from a dialog) it restyles as always."""
        if not self._shown_before:
            self._shown_before = True
            event.refresh_styles = False

    def on_mount(self) -> None:
        self._show_tab_typed_ahead()
        if self.shell.signed_in:
            self.query_one(SimsPane).show_arrived()  # the first SIMs, if read ahead and here: in the first frame
        self.call_after_refresh(self._focus_active_table)  # so the pane's keys work from the start
        for tab in ("fleets", "naps", "sims"):  # a loading table cannot take the focus: it does once it has rows
            self.watch(self._table_of(tab), "loading", self._table_loaded, init=False)
        if self.shell.signed_in and self.first_frame_painted:  # (another screen's first frame came first)
            self.load_account()
        if self._registered:
            self.query_one(SimsPane).add_registered(self._registered)
            self._registered = []

    def first_frame_painted_now(self) -> None:
        """The app's first frame is on the terminal: the account's load starts now (the replies read ahead are
        taken by it), so receiving and storing its pages does not hold back that frame."""
        self.first_frame_painted = True
        if self.is_mounted and self.shell.signed_in:
            self.load_account()

    def _show_tab_typed_ahead(self) -> None:
        """A tab's key typed while this screen was being built (``3`` typed at launch) shows that tab in the first
        frame: taken out of the keys waiting, as the key handed on a moment later would have done, but without the
        Fleets tab painted first, then replaced. Any other first key waits for this screen as always."""
        if not isinstance(self.app, OrderedKeysApp) or not self.shell.signed_in:
            return  # (signed out, the account's keys do nothing)

        def shows_a_tab(key: events.Key) -> bool:
            return self._tab_bound_to(key.key) is not None

        if (key := self.app.take_held_key(shows_a_tab)) is not None and (tab := self._tab_bound_to(key.key)):
            self.action_show_tab(tab)

    def _tab_bound_to(self, key: str) -> str | None:
        """The tab the key shows here (the user's keymap applied), if that is what it does."""
        for _node, bindings in self._binding_chain:  # the focused widget's first, then this screen's, the app's
            if found := bindings.key_to_bindings.get(key):
                _namespace, action, arguments = parse_action(found[0].action)
                if action == "show_tab" and arguments and arguments[0] in TABS:
                    return str(arguments[0])
                return None  # the key does something else
        return None

    def _table_loaded(self, loading: bool) -> None:
        if loading:  # a loading table drops the focus: where it falls is the app's doing
            self._parked = True
        else:
            self._focus_due = True
            self.call_after_refresh(self._focus_active_table)

    @property
    def focus_pending(self) -> bool:
        """Whether the focus is on its way to the shown pane's table: the table is still loading (it cannot take
        the focus before it has rows) or has just loaded and is about to take it, and nothing else has the focus.
        The key gate (keyflow) holds keys meanwhile: ``2e`` typed at launch renames the first NAP once the NAPs
        are listed, as it does once the app is up."""
        if not self.is_mounted or (self.focused is not None and not self._parked_on_tabs):
            return False
        tab = self.query_one(TabbedContent).active
        if tab in INSIGHT_TABS or not tab:
            return False
        return self._focus_due or bool(self._table_of(tab).loading)

    def _focus_active_table(self) -> None:
        """Put the focus on the visible table unless the user is somewhere else (loading tables drop it)."""
        self._focus_due = False
        if not self.is_active:
            return  # another screen is on top
        tab = self.query_one(TabbedContent).active
        if tab in INSIGHT_TABS and not self.query(f"#{tab}-pane.-ready"):
            return  # focused once mounted (in the screen is not enough: its table may not be built yet)
        if self.focused is None or self._parked_on_tabs:
            self.set_focus(self._table_of(tab))

    @property
    def _parked_on_tabs(self) -> bool:
        """The focus is on the tab bar, put there by the app (:attr:`_parked`), not by the user's Tab or click."""
        return isinstance(self.focused, ContentTabs) and self._parked

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A widget other than the tab bar took the focus: a later move to the tab bar is the user's."""
        if not isinstance(event.widget, ContentTabs):
            self._parked = False

    def _table_of(self, tab: str) -> Widget:
        """The table of a tab's pane (the SIMs pane's is a virtual table, the others DataTables)."""
        pane = self.query_one(f"#{tab}-pane")
        return pane.query_one(f"#{pane.TABLE_ID}") if isinstance(pane, Pane) else pane.query_one(DataTable)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The account's keys apply once signed in (hidden from the footer before)."""
        return self.shell.signed_in

    # ----------------------------------------------------------------- actions
    def action_show_tab(self, tab: str) -> None:
        if tab in TABS:
            self.query_one(AccountTabs).choose(tab)
            self._show_loaded(tab)  # drawn in the frame that shows the tab
            if tab not in INSIGHT_TABS or self.query(f"#{tab}-pane.-ready"):  # else focused once mounted (below)
                table = self._table_of(tab)
                if table.focusable:
                    table.focus()
                else:  # still loading: the focus leaves the pane now, and goes to the table once it has rows
                    self._parked = True
                    self.query_one(ContentTabs).focus()

    def _show_loaded(self, tab: str) -> None:
        """The tab's pane draws what came while it was hidden (:meth:`Pane.show_loaded`)."""
        for pane in self.query(f"#{tab}-pane").results(Pane):
            pane.show_loaded()

    @on(TabbedContent.TabActivated)
    async def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """Focus the tab's table; Health and Usage: mount the pane (the first time) and start reading."""
        tab = str(event.pane.id)
        self._show_loaded(tab)  # (chosen with the mouse: not drawn yet)
        if not await self._mount_insight(tab):
            return
        self._table_of(tab).focus()
        if self.shell.signed_in and tab in INSIGHT_TABS:
            from .health import open_insight

            open_insight(self, tab, self.shell.client, self.fleets)

    async def action_refresh(self) -> None:
        self.load_account()
        tab = self.query_one(TabbedContent).active
        if self.shell.signed_in and tab in INSIGHT_TABS and await self._mount_insight(tab):
            from .health import open_insight

            open_insight(self, tab, self.shell.client, self.fleets, force=True)

    def on_health_pane_act(self, event: HealthPane.Act) -> None:
        """A Health finding's action key (the handler is found by name: the Health pane is imported late)."""
        from .health import act_on_finding

        act_on_finding(self, self.action_show_tab, event.finding)

    def action_catalog(self) -> None:
        from .catalog import CatalogScreen

        self.app.push_screen(CatalogScreen(self.shell.client, self.catalog))

    def _reload_if(self, changed: object = True) -> None:
        if changed is not False:
            self.load_account()

    @on(FleetsPane.NewFleet)
    def _new_fleet(self) -> None:
        from .forms import FleetForm

        form = FleetForm(self.shell.client, self.naps or [], taken=self._fleet_names())

        def saved(changed: bool | None) -> None:
            self._fleet_saved(form.saved)
            if changed and form.saved_sid:
                self.query_one(FleetsPane).select(form.saved_sid)  # the cursor goes to it once it is listed
            self._reload_if(changed)

        self.app.push_screen(form, saved)

    @on(FleetsPane.EditFleet)
    def _edit_fleet(self, event: FleetsPane.EditFleet) -> None:
        from .forms import FleetForm

        form = FleetForm(self.shell.client, self.naps or [], event.fleet, self._fleet_names())

        def saved(changed: bool | None) -> None:
            self._fleet_saved(form.saved)
            self._reload_if(changed)

        self.app.push_screen(form, saved)

    def _fleet_saved(self, fleet: Fleet | None) -> None:
        """A fleet as the API returned it after a save, shown at once: the fleets are read again in the background,
        and a key typed meanwhile (``e`` again) must act on the fleet as saved, not as it was."""
        if fleet is not None and self.fleets is not None:
            others = [f for f in self.fleets if f.sid != fleet.sid]
            known = len(others) < len(self.fleets)
            self.fleets = [fleet if f.sid == fleet.sid else f for f in self.fleets] if known else [*others, fleet]

    def _fleet_names(self) -> list[str]:
        return [f.unique_name for f in self.fleets or [] if f.unique_name]

    @on(FleetsPane.ShowNap)
    def _show_nap(self, event: FleetsPane.ShowNap) -> None:
        self.action_show_tab("naps")
        self.query_one(NapsPane).select(event.nap_sid)

    @on(FleetsPane.ShowSims)
    def _show_fleet_sims(self, event: FleetsPane.ShowSims) -> None:
        self.action_show_tab("sims")
        self.query_one(SimsPane).set_fleet(event.fleet_sid)

    @on(NapsPane.OpenNap)
    def _open_nap(self, event: NapsPane.OpenNap) -> None:
        from .catalog import CatalogScreen

        info = event.nap
        screen = CatalogScreen(self.shell.client, self.catalog, nap=info.nap, enabled=[n.sid for n in info.networks])
        self.app.push_screen(screen, self._reload_if)

    @on(NapsPane.NewNap)
    def _new_nap(self) -> None:
        from .catalog import CatalogScreen
        from .forms import NameForm

        taken = {n.unique_name for n in self.naps or [] if n.unique_name}

        def pick_networks(name: str | None) -> None:
            if name:
                catalog = CatalogScreen(self.shell.client, self.catalog, new_nap_name=name)
                self.app.push_screen(catalog, lambda changed: created(catalog, changed))

        def created(catalog: CatalogScreen, changed: object) -> None:
            if catalog.created is not None:
                self._nap_created(catalog.created)
            self._reload_if(changed)

        self.app.push_screen(NameForm("New network access profile", taken=taken), pick_networks)

    @on(NapsPane.RenameNap)
    def _ask_nap_name(self, event: NapsPane.RenameNap) -> None:
        from .consent import guard_change
        from .forms import NameForm

        nap = event.nap.nap
        taken = {n.unique_name for n in self.naps or [] if n.unique_name and n.sid != nap.sid}

        def rename(name: str | None) -> None:
            if name:
                what = f"rename NAP {nap.label} to {name}"
                guard_change(self.app, "Rename NAP", what, name, lambda: self._rename_nap(nap.sid, name))

        self.app.push_screen(NameForm(f"Rename NAP {nap.label}", nap.unique_name or "", taken, renaming=True), rename)

    @work(exclusive=True, group="nap-rename", exit_on_error=False)
    async def _rename_nap(self, sid: str, name: str) -> None:
        renamed = await self.shell.client.update_nap(sid, unique_name=name)
        self.notify(f"NAP renamed to {printable(name)}.", title="NAPs", markup=False)
        self._nap_saved(renamed)
        self.load_account()

    def _nap_saved(self, nap: NetworkAccessProfile) -> None:
        """A NAP as the API returned it after a change, shown at once (as :meth:`_fleet_saved` does for a fleet):
        the NAPs are read again in the background, and a key typed meanwhile (``e`` again) must act on the NAP as
        it is now."""
        if self.naps is not None:
            self.naps = [nap if n.sid == nap.sid else n for n in self.naps]
        if self.nap_summaries is not None:
            self.nap_summaries = [replace(s, nap=nap) if s.nap.sid == nap.sid else s for s in self.nap_summaries]

    def _nap_created(self, created: NapSummary) -> None:
        """A NAP just created (cloned, or from the catalog), listed at once with the cursor on it, as
        :meth:`_nap_saved` shows a changed one: the NAPs are read again in the background, and a key typed
        meanwhile (``e``) must act on the new NAP, not on the one the cursor was on."""
        nap = created.nap
        if self.naps is not None and all(n.sid != nap.sid for n in self.naps):
            self.naps = [*self.naps, nap]
        if self.nap_summaries is not None and all(s.nap.sid != nap.sid for s in self.nap_summaries):
            self.nap_summaries = [*self.nap_summaries, created]
        self.query_one(NapsPane).select(nap.sid)  # (if the NAPs are still being read: once they list it)

    @on(NapsPane.CloneNap)
    def _clone_nap(self, event: NapsPane.CloneNap) -> None:
        from .nap_compare import clone_nap_flow

        taken = {n.unique_name for n in self.naps or [] if n.unique_name}

        def cloned(created: NapSummary) -> None:
            self._nap_created(created)
            self.load_account()

        clone_nap_flow(self.app, self.shell.client, event.nap.nap, taken, cloned)

    @on(NapsPane.CompareNap)
    def _compare_nap(self, event: NapsPane.CompareNap) -> None:
        from .nap_compare import NapCompareScreen

        self.app.push_screen(NapCompareScreen(self.shell.client, event.nap.nap, self.naps or []))

    @on(SimsPane.OpenSim)
    def _open_sim(self, event: SimsPane.OpenSim) -> None:
        from .sim_detail import SimDetailScreen

        self.app.push_screen(SimDetailScreen(self.shell.client, event.sim, self.fleets or []))

    @on(SimsPane.ChangeChosen)
    def _change_chosen(self, event: SimsPane.ChangeChosen) -> None:
        self.bulk.start(event.sims, event.change, event.selected)

    @on(SimsPane.Indexed)
    def _sims_indexed(self, event: SimsPane.Indexed) -> None:
        """Every SIM is listed: the Fleets table's counts come from the index (no second listing to count)."""
        self.workers.cancel_group(self, "fleet-counts")
        self.fleet_counts = counts_by_fleet(self.fleets or [], event.counts)

    @on(SimsPane.IndexFailed)
    def _sims_index_failed(self) -> None:
        """The SIMs could not all be listed: the Fleets counts that waited on them show ? (r retries)."""
        if not self.query_one(SimsPane).filtered:
            self.query_one(FleetsPane).counts_failed()

    @on(SimFilters.FindSim)
    @work(exclusive=True, group="sim-lookup", exit_on_error=False)
    async def _find_sim(self, event: SimFilters.FindSim) -> None:
        from ..ops.sim_changes import SimLookupError, iccid_for

        filters = self.query_one(SimFilters)
        try:
            filters.set_iccid(await iccid_for(self.shell.client, event.ref))
        except SimLookupError as error:
            filters.set_iccid(None, str(error))

    @on(SimsPane.RegisterSims)
    def _register_sims(self) -> None:
        from .register import RegisterScreen

        shell = self.shell
        shell.process_registrations()
        screen = RegisterScreen(
            shell.registrations,
            self.fleets or [],
            shell.registrations_wake,
            export_dir=shell.export_dir,
            client=shell.client,
        )
        self.app.push_screen(screen)

    def sim_registered(self, iccid: str) -> None:
        """A SIM the registration queue registered (the register screen open or not: left from last time, or
        sent after it was closed) joins the SIMs tab."""
        self._registered.append(iccid)
        if self.is_mounted:  # else on mount: a SIM left from last time can register before this screen is up
            self.query_one(SimsPane).add_registered(self._registered)
            self._registered = []

    def sims_changed(self, sims: list[Sim]) -> None:
        """SIMs changed elsewhere (the SIM detail screen): show their state now."""
        self.query_one(SimsPane).refresh_sims(sims)

    # ------------------------------------------------------------------ loading
    @work(exclusive=True, group=background("account"), exit_on_error=False)
    async def load_account(self, reload_sims: bool = True) -> None:
        """Fleets and NAPs, with every SIM listed into the SIMs pane's index alongside (unless ``reload_sims``
        is False: a bulk run updated its SIMs in the index already), then each NAP's networks, then SIM counts."""
        client = self.shell.client
        sims = self.query_one(SimsPane)
        fleets_pane, naps_pane = self.query_one(FleetsPane), self.query_one(NapsPane)
        self._loading = [fleets_pane, naps_pane, sims] if reload_sims else [fleets_pane, naps_pane]
        # Asked for in this order (the simulator, like a busy server, answers roughly in turn): fleets and
        # NAPs (small; the SIMs table names the fleets), the SIMs (a small first page, then the slices: the
        # pane reports its own failure), the catalog last (only the catalog screen shows it).
        account = self._account_read = asyncio.create_task(read_fleets_and_naps(client))
        if reload_sims and not sims.filtered:
            sims.reload()
        catalog_task: asyncio.Task[list[Network]] | None = None
        try:
            fleets, naps = await account
            if not self.catalog:
                catalog_task = asyncio.create_task(client.list_networks(page_size=1000).collect())
            self.naps = naps
            self.fleets = fleets  # the fleets pane and the SIMs pane's fleet names
            if not reload_sims and (counts := sims.fleet_counts()) is not None:  # the index has them already
                self.fleet_counts = counts_by_fleet(fleets, counts)
            self._loading.remove(fleets_pane)
            if reload_sims and sims.filtered:
                sims.reload()  # with the filters the user set (the pane reports its own failure)
            if sims in self._loading:
                self._loading.remove(sims)
            self.nap_summaries = await read_nap_summaries(client, naps, fleets, gate=asyncio.Semaphore(NAP_CONCURRENCY))
            self._loading.remove(naps_pane)
            if catalog_task is not None:
                self.catalog = await catalog_task
        finally:  # a failure stops the reads still running alongside, and none is left unawaited
            tasks = [t for t in (account, catalog_task) if t is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        self._focus_active_table()
        if sims.filtered or (not reload_sims and not sims.complete):  # else the index counts them (SimsPane.Indexed)
            self.load_fleet_counts(fleets)
        if self.shell.journal_runs and not self._resume_offered:
            self._resume_offered = True
            self.offer_resume()

    def offer_resume(self) -> None:
        """Offer to resume the last bulk run if it did not finish. The bulk flow's modules (~30 ms to import,
        while the SIMs still load) are imported only when there is one."""
        from ..ops.journal import find_run

        found = find_run(None, base_url=self.shell.client.base_url, kinds=RESUMABLE_KINDS, include_stopped=False)
        if found is not None:
            self.bulk.offer_resume(found)

    @work(exclusive=True, group=background("fleet-counts"), exit_on_error=False)
    async def load_fleet_counts(self, fleets: list[Fleet]) -> None:
        """SIM counts by status per fleet, filled in as each fleet is counted (large fleets take a while)."""
        gate = asyncio.Semaphore(COUNT_CONCURRENCY)
        statuses = [status for status, _label in FleetsPane.COUNT_COLUMNS]
        self.fleet_counts = {}

        async def count(fleet: Fleet) -> None:
            counts = await count_fleet(self.shell.client, fleet.sid, statuses, gate=gate)
            self.fleet_counts = {**self.fleet_counts, fleet.sid: counts}

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
