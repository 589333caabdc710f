"""The application shell: the connection, the safety mode, settings, quitting, and the screens.

The account itself is shown and changed on :class:`~.main_screen.MainScreen` (the default screen). The shell
receives its API client; it never opens connections itself. Work that must outlive any screen runs here:
the registration queue, and changes started by the SIM detail screen.

Only what the first frame needs is imported here; the sign-in screen, the command palette's providers, dialogs
and the screens that post :class:`~.catalog.CatalogRead` and :class:`~.sim_detail.SimChanged` (handled by name)
are imported when first used (``tests/test_startup.py``).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from .. import collector
from ..ops.consent import MODE_MARKERS, OPEN, READ_ONLY
from ..ops.register_queue import RegistrationQueue
from ..settings import Settings
from .css_cache import ParsedCss
from .failures import ReportsFailures, Task
from .format import printable
from .keyflow import OrderedKeysApp, background
from .main_screen import MainScreen

if TYPE_CHECKING:
    from ..api import SuperSimClient
    from ..connect import Connection, Connector
    from .catalog import CatalogRead
    from .sim_detail import SimChanged


def _profile_commands() -> type[Provider]:
    from .login import ProfileCommands

    return ProfileCommands


def _binding_commands() -> type[Provider]:
    from .palette import BindingCommands

    return BindingCommands


CSS_SAVE_DELAY = 3.0  # seconds after the first frame: the parsed stylesheets are saved (css_cache.py)


class SuperSimApp(ReportsFailures, OrderedKeysApp[None]):
    """Fleets, NAPs and SIMs of one Super SIM account."""

    CSS_PATH = "app.tcss"
    TITLE = "Super SIM"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_profile_commands, _binding_commands}  # imported when the palette opens

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        # before any screen's own Esc (Back, Cancel): with the help open, Esc closes the help, never the screen
        Binding("escape", "close_help", "Close help", show=False, priority=True, id="app.close_help"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "account-switch": Task("Switching profile", "Choose the profile again from the palette."),
        "registrations": Task("Registering queued SIMs", "Press n on the SIMs tab to start the queue again."),
        # started by the SIM detail screen, run on the App so that leaving the screen does not lose them
        "sim-change": Task("Changing the SIM", "r on the SIM's detail (Enter on the SIMs tab) shows its state now."),
        "sim-rename": Task("Renaming the SIM", "e on the SIM's detail (Enter on the SIMs tab) tries again."),
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
        mode_reason: str | None = None,
    ):
        super().__init__()
        self.parsed_css = ParsedCss(self.stylesheet)  # the stylesheets as parsed at the last start (css_cache.py)
        self.parsed_css.load()
        self.mode_reason = mode_reason  # why the environment's credentials have this mode (said once at start)
        self.read_only = read_only  # --read-only: read-only whatever the profiles say
        self.mode = READ_ONLY if read_only else mode  # safety mode: read-only, protected or open (ops.consent)
        self.profile_name = profile_name
        self._client = client
        self.account_label = account_label
        self._close_client = close_client
        self.connector = connector
        self.settings = settings or Settings()
        self.sign_in_reason = sign_in_reason
        self.registrations = registrations or RegistrationQueue()
        self.registrations.prune_finished()  # the register screen's list is this session's: earlier outcomes go
        self.registrations_wake = asyncio.Event()
        self.journal_runs = journal_runs  # a real account's bulk runs are journaled, and offered for resuming
        self.export_dir = export_dir
        self.main = MainScreen(self)
        self.registrations.on_registered = self.main.sim_registered  # each SIM registered joins the SIMs tab

    @property
    def client(self) -> SuperSimClient:
        if self._client is None:
            raise RuntimeError("not signed in")
        return self._client

    @property
    def signed_in(self) -> bool:
        return self._client is not None

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Keys typed before the app takes the terminal (Enter turned into a newline there) are posted first, as
        typed (:mod:`.typeahead`); the driver reads what follows."""
        if sys.__stdin__ is not None and not kwargs.get("headless"):
            from .typeahead import post_typed_ahead

            post_typed_ahead(self, sys.__stdin__.fileno())
        return super().run(*args, **kwargs)

    def get_loading_widget(self) -> Widget:
        """What covers a table while it loads, on every screen: the word, not Textual's animated dots, which repaint
        16 times a second (a stream of updates on a slow SSH link, and nothing a screen reader or a log can say)."""
        return Static("Loading…", classes="loading-cover")

    def on_ready(self) -> None:
        """The first frame is on the terminal (Textual's Ready): start-up is over."""
        collector.release()
        self.main.first_frame_painted_now()
        # (only if this start parsed what was not saved; a moment later: not on the time to the first SIMs' load)
        self.set_timer(CSS_SAVE_DELAY, self.parsed_css.save)

    def on_mount(self) -> None:
        if self._client is not None:
            self.main.read_ahead()  # before the main screen is composed: the account's first pages come meanwhile
        self._apply_settings()
        self._show_identity()
        if self.mode_reason and self.mode != OPEN and not self.read_only:
            self.notify(
                printable(f"{self.mode.capitalize()}: {self.mode_reason}."),
                title="Safety mode",
                severity="warning",
                timeout=12,
                markup=False,
            )
        if self._client is not None:
            if self.registrations.pending and self.mode == READ_ONLY:  # read-only sends nothing, not even these
                self.notify(
                    f"{len(self.registrations.pending):,} queued registration(s) wait: this profile is read-only.",
                    title="Registration queue",
                    severity="warning",
                    markup=False,
                )
            elif self.registrations.pending:  # left over from last time: carry on, and say so (and how it went)
                self.registrations.announce_leftover(
                    lambda text, warn: self.notify(
                        text, title="Registration queue", severity="warning" if warn else "information", markup=False
                    )
                )
                self.process_registrations()
        elif self.connector is not None:
            from .login import LoginScreen

            self.push_screen(LoginScreen(self.connector, can_cancel=False, reason=self.sign_in_reason), self._signed_in)

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
            from .palette import binding_ids, keymap_collisions

            known = binding_ids()
            unknown = [binding_id for binding_id in self.settings.keymap if binding_id not in known]
            if unknown:
                self.settings.problems.append(
                    f"settings: [keymap] names {', '.join(repr(u) for u in unknown)}, which no binding has (ignored); "
                    "the binding ids are listed in the README under Settings"
                )
            keymap = {k: v for k, v in self.settings.keymap.items() if k in known}
            self.settings.problems.extend(keymap_collisions(keymap, (type(self), MainScreen)))
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
            from platformdirs import user_downloads_path

            downloads = user_downloads_path()
            path = str(downloads if downloads.is_dir() else self.export_dir or Path.cwd())
        return super().deliver_screenshot(filename, path, time_format)

    async def on_unmount(self) -> None:
        self.parsed_css.save()  # what was parsed after the first frame too (the footer's keys, screens opened)
        if self._close_client and self._client is not None:
            await self._client.aclose()

    # ------------------------------------------------------------- accounts
    async def _use(self, connection: Connection) -> None:
        from ..profiles import ProfileError, profile_mode

        old, self._client = self._client, connection.client
        self.main.catalog = []  # another account (or platform) may have another catalog
        self.account_label = connection.label
        if connection.profile is not None:
            self.profile_name = connection.profile
            try:
                self.mode = READ_ONLY if self.read_only else profile_mode(connection.profile)
            except ProfileError:
                self.mode = READ_ONLY  # a profile file we cannot read: change nothing
        self._show_identity()
        self.main.refresh_bindings()  # signed in: the account's keys apply
        if old is not None and old is not connection.client:
            await old.aclose()
        self.main.load_account()

    async def _signed_in(self, connection: Connection | None) -> None:
        if connection is not None:
            await self._use(connection)
            assert self.connector is not None
            self.notify(f"Signed in; secret stored {self.connector.last_saved_where}.", title="Signed in", markup=False)

    def action_sign_in(self) -> None:
        if self.connector is not None:
            from .login import LoginScreen

            self.push_screen(LoginScreen(self.connector, can_cancel=self._client is not None), self._signed_in)

    @work(exclusive=True, group="account-switch", exit_on_error=False)
    async def switch_profile(self, name: str) -> None:
        from ..connect import SignInError

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
        self.main.mode = self.mode

    def format_title(self, title: str, sub_title: str) -> Content:
        """Every screen's header leads with the mode, profile and account (a screen's own sub-title follows)."""
        marker = MODE_MARKERS.get(self.mode, self.mode)
        if not sub_title.startswith(marker):
            sub_title = f"{self.sub_title} · {sub_title}" if sub_title else self.sub_title
        if not sub_title:
            return Content(title)
        # As Textual's (title — sub-title, the rest dim), with the blank before the dash in the title's span: a text
        # run that starts with a blank loses it in a screenshot's SVG viewer ("Super SIM—")
        return Content.assemble(f"{title} ", ("— ", "dim"), Content(sub_title).stylize("dim"))

    def refuse_read_only(self) -> bool:
        """In a read-only profile, say why a change is not possible (True: refused)."""
        if self.mode != READ_ONLY:
            return False
        from .consent import notify_read_only

        notify_read_only(self)
        return True

    # ------------------------------------------------------------------ quitting
    async def action_quit(self) -> None:
        """Quit, but never drop work silently: staged catalog changes are discarded only when the user says so
        (Cancel focused), and queued registrations are named with what happens to them. The quit key pressed
        on that question quits; on any other dialog it asks like anywhere else."""
        from rich.text import Text

        from .dialogs import QuitConfirm

        if isinstance(self.screen, QuitConfirm):
            self.exit()
            return
        staged = sum(len(getattr(screen, "staged", {}) or {}) for screen in self.screen_stack)
        pending = len(self.registrations.pending)
        running = any(getattr(screen, "running", False) is True for screen in self.screen_stack)
        queued = f" {pending:,} SIM registration(s) are also still queued." if pending else ""
        if running and not staged:
            body = Text(
                "A bulk change is still running: quitting now stops it part-way. Esc on its screen stops it "
                "cleanly and shows what changed." + queued
            )
            question = QuitConfirm("Quit during a bulk change?", body, "Quit anyway", "Keep running", danger=True)
        elif staged:
            body = Text(f"{staged} staged NAP change(s) have not been applied. Quit and discard them?" + queued)
            question = QuitConfirm("Quit with staged changes?", body, "Quit and discard", "Keep working", danger=True)
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
            question = QuitConfirm("Registrations still queued", body, "Quit", "Stay")
        else:
            self.exit()
            return
        self.push_screen(question, lambda yes: self.exit() if yes else None)

    def action_help(self) -> None:
        """Show (or hide) the keys that apply where the focus is."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_close_help(self) -> None:
        """Esc closes the help panel of the screen on top (offered only while it is open: see check_action)."""
        self.action_hide_help_panel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc is the help's only while the help is open; otherwise it goes on to the screen (Back, Cancel…)."""
        if action == "close_help":
            return bool(self.screen.query("HelpPanel"))
        return super().check_action(action, parameters)

    # ------------------------------------------------------ work that outlives screens
    # (handlers found by name: the screens that post these messages are imported when first opened)
    def on_catalog_read(self, event: CatalogRead) -> None:
        """A catalog screen read the catalog (the account load could not): keep it for the next one."""
        self.main.catalog = event.networks

    def on_sim_changed(self, event: SimChanged) -> None:
        self.main.sims_changed([event.sim])

    @work(exclusive=True, group=background("registrations"), exit_on_error=False)
    async def process_registrations(self) -> None:
        """Registers queued SIMs in the background for as long as the app runs (also after the screen closes)."""
        self.registrations_wake.set()
        await self.registrations.process(self.client, wake=self.registrations_wake)
