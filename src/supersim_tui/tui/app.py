"""The Textual application. It receives its API client; it never opens connections itself."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from ..api import Fleet, NetworkAccessProfile, SuperSimClient, SuperSimError
from ..connect import Connection, Connector, SignInError
from ..settings import Settings
from .login import LoginScreen, ProfileCommands
from .panes import SIM_PAGE_SIZE, FleetsPane, NapInfo, NapsPane, Pane, SimsPane

TABS = ("fleets", "naps", "sims")


class SuperSimApp(App[None]):
    """Fleets, NAPs and SIMs of one Super SIM account."""

    CSS_PATH = "app.tcss"
    TITLE = "Super SIM"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {ProfileCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show_tab('fleets')", "Fleets", id="tab.fleets"),
        Binding("2", "show_tab('naps')", "NAPs", id="tab.naps"),
        Binding("3", "show_tab('sims')", "SIMs", id="tab.sims"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, client: SuperSimClient | None, *, account_label: str = "", close_client: bool = True,
                 connector: Connector | None = None, settings: Settings | None = None,
                 sign_in_reason: str | None = None):
        super().__init__()
        self._client = client
        self.account_label = account_label
        self._close_client = close_client
        self.connector = connector
        self.settings = settings or Settings()
        self.sign_in_reason = sign_in_reason
        self.fleets: list[Fleet] = []
        self.naps: list[NetworkAccessProfile] = []

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
        yield Footer()

    def on_mount(self) -> None:
        self._apply_settings()
        self.sub_title = self.account_label
        if self._client is not None:
            self.load_account()
        elif self.connector is not None:
            self.push_screen(LoginScreen(self.connector, can_cancel=False, reason=self.sign_in_reason),
                             self._signed_in)

    def _apply_settings(self) -> None:
        if self.settings.theme:
            if self.settings.theme in self.available_themes:
                self.theme = self.settings.theme
            else:
                self.settings.problems.append(f"settings: theme {self.settings.theme!r} is unknown; expected one of "
                                              f"{', '.join(sorted(self.available_themes))}")
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        for problem in self.settings.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=12)

    async def on_unmount(self) -> None:
        if self._close_client and self._client is not None:
            await self._client.aclose()

    # ------------------------------------------------------------- accounts
    async def _use(self, connection: Connection) -> None:
        old, self._client = self._client, connection.client
        self.account_label = self.sub_title = connection.label
        if old is not None and old is not connection.client:
            await old.aclose()
        self.load_account()

    async def _signed_in(self, connection: Connection | None) -> None:
        if connection is not None:
            await self._use(connection)
            assert self.connector is not None
            self.notify(f"Signed in; secret stored {self.connector.last_saved_where}.", title="Signed in")

    def action_sign_in(self) -> None:
        if self.connector is not None:
            self.push_screen(LoginScreen(self.connector, can_cancel=self._client is not None), self._signed_in)

    @work(exclusive=True, group="account-switch", exit_on_error=False)
    async def switch_profile(self, name: str) -> None:
        assert self.connector is not None
        try:
            connection = await self.connector.open_profile(name)
        except SignInError as error:
            self.notify(str(error), title=f"Profile {name}", severity="error", timeout=10)
            return
        await self._use(connection)
        self.notify(f"Now using profile {name}.", title="Profile")

    # ----------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Account actions only apply on the main screen once signed in (hidden from the footer otherwise)."""
        if action in ("show_tab", "refresh") and (self._client is None or isinstance(self.screen, LoginScreen)):
            return None
        return True

    def action_show_tab(self, tab: str) -> None:
        if tab in TABS:
            self.query_one(TabbedContent).active = tab
            self.query_one(f"#{tab}-pane").query_one("DataTable").focus()

    def action_refresh(self) -> None:
        if self._client is not None:
            self.load_account()

    @on(TabbedContent.TabActivated)
    def _focus_table(self, event: TabbedContent.TabActivated) -> None:
        pane_id = f"#{event.pane.id}-pane"
        self.query_one(pane_id).query_one("DataTable").focus()

    # ------------------------------------------------------------------ loading
    @work(exclusive=True, group="account", exit_on_error=False)
    async def load_account(self) -> None:
        """Fleets and NAPs first (small), then the SIMs' first page and each NAP's networks."""
        fleets_task = asyncio.create_task(self.client.list_fleets().collect())
        naps = await self.client.list_naps().collect()
        fleets = await fleets_task
        self.fleets, self.naps = fleets, naps
        nap_names = {n.sid: n.label for n in naps}
        fleet_names = {f.sid: f.label for f in fleets}
        self.query_one(FleetsPane).show(fleets, nap_names)
        self.query_one(SimsPane).start(self.client.list_sims(page_size=SIM_PAGE_SIZE), fleet_names)
        networks = await asyncio.gather(*(self.client.list_nap_networks(n.sid).collect() for n in naps))
        self.query_one(NapsPane).show([NapInfo(n, nets) for n, nets in zip(naps, networks, strict=True)], fleets)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures become messages: never a traceback on screen."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, SuperSimError):
            message = str(error) + (f"\n{error.hint}" if error.hint else "")
            self.notify(message, title="Super SIM API", severity="error", timeout=10)
        else:
            message = f"{type(error).__name__}: {error}"
            self.notify(message, title="Unexpected error", severity="error", timeout=10)
        for pane in self.query(Pane):
            pane.load_failed(f"Could not load: {message}\nPress r to try again.")
