"""Sign-in screen and the profile switcher (command palette).

All I/O goes through the injected :class:`~supersim_tui.connect.Connector`.
The secret field is masked and its value is cleared as soon as it has been used.
"""

from __future__ import annotations

from functools import partial
from typing import ClassVar, Protocol, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, RadioSet, Static

from ..connect import Connection, Connector, KeyringUnavailable, SignInError
from ..profiles import AUTH_KINDS
from .failures import ReportsFailures, Task, failure_text
from .footer import KeysFooter
from .format import printable
from .palette import ListedCommands
from .toggles import MarkedRadioButton

PLACEHOLDERS = {"auth_token": "AC…", "api_key": "SK…", "kore": "client id"}
KIND_NAMES = {"auth_token": "Twilio Auth Token", "api_key": "Twilio API key", "kore": "KORE client credentials"}


class LoginScreen(ReportsFailures, Screen[Connection | None]):
    """Asks for credentials, has them checked by the API, then stores them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="login.cancel"),
        Binding("escape", "quit_app", "Quit", id="login.quit"),
        Binding("ctrl+s", "submit", "Verify and save", id="login.submit"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {"login": Task("Signing in", "Check the details, then press Enter again.")}

    def __init__(self, connector: Connector, *, can_cancel: bool, reason: str | None = None):
        super().__init__()
        self.connector = connector
        self.can_cancel = can_cancel
        self.reason = reason
        # Signing in because there is no usable account: the profile in use (e.g. the one just signed out of).
        # With an account open (so it can be cancelled) this adds a profile: a name not in use yet.
        self.start = connector.starting_details(adding=can_cancel)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="login"):
            yield Static("Sign in to Super SIM", id="login-title")
            yield Static(
                (self.reason + " " if self.reason else "") + "Credentials are checked with the API, "
                "then kept in your system keyring.",
                id="login-intro",
            )
            with RadioSet(id="kind", compact=True):
                for kind, name in KIND_NAMES.items():
                    yield MarkedRadioButton(name, id=kind, value=kind == self.start.kind)
            with Horizontal(classes="field"):
                yield Label("Account SID", id="identity-label")
                yield Input(id="identity", value=self.start.identity, placeholder="AC…", compact=True)
            with Horizontal(classes="field"):
                yield Label("Auth Token", id="secret-label")
                yield Input(id="secret", password=True, compact=True, placeholder="hidden as you type")
            with Horizontal(classes="field"):
                yield Label("Profile name")
                yield Input(id="profile", value=self.start.profile, compact=True)
            with Horizontal(classes="field"):
                yield Label("Base URL")
                yield Input(id="base-url", value=self.start.base_url, compact=True)
            with Horizontal(classes="field kore-only"):
                yield Label("Token URL")
                yield Input(
                    id="token-url", value=self.start.token_url or "", compact=True, placeholder="KORE OAuth token URL"
                )
            yield Static(id="login-status")
            with Horizontal(id="login-buttons"):
                yield Button("Verify and save", id="save", variant="primary", compact=True)
                yield Button("Cancel" if self.can_cancel else "Quit", id="quit", compact=True)
            with Horizontal(id="keyring-choice"):
                yield Button("Keep in a 0600 file", id="use-file", variant="warning", compact=True)
                yield Button("Use without saving", id="no-save", compact=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#keyring-choice").display = False
        self._kind_changed()
        self.query_one("#secret" if self.start.identity else "#identity", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Esc cancels when there is an account to go back to; at first start it quits (False hides a binding).
        if action == "cancel":
            return self.can_cancel
        if action == "quit_app":
            return not self.can_cancel
        return True

    def action_quit_app(self) -> None:
        self.app.exit()

    @property
    def kind(self) -> str:
        pressed = self.query_one("#kind", RadioSet).pressed_button
        return pressed.id if pressed is not None and pressed.id else "auth_token"

    @on(RadioSet.Changed, "#kind")
    def _kind_changed(self) -> None:
        id_label, secret_label = AUTH_KINDS[self.kind]
        self.query_one("#identity-label", Label).update(id_label)
        self.query_one("#secret-label", Label).update(secret_label)
        self.query_one("#identity", Input).placeholder = PLACEHOLDERS[self.kind]
        for widget in self.query(".kore-only"):
            widget.display = self.kind == "kore"

    def worker_failed(self, group: str, error: BaseException) -> None:
        """The screen has a status line: the failure is shown there."""
        self._status(failure_text(self.task_for(group), error), error=True)

    def _status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#login-status", Static)
        status.set_class(error, "error")
        status.update(Text(printable(message)))

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        """Enter submits once every field is filled (the profile and base URL have defaults, so SID⇥secret⏎
        signs in); otherwise it moves to the next empty field."""
        order = ["identity", "secret", "profile", "base-url"] + (["token-url"] if self.kind == "kore" else [])
        empty = [name for name in order if not self.query_one(f"#{name}", Input).value.strip()]
        if not empty or event.input.id not in order:
            self.action_submit()
            return
        after = order[order.index(event.input.id) + 1 :]
        target = next((name for name in after if name in empty), empty[0])
        self.query_one(f"#{target}", Input).focus()

    @on(Button.Pressed, "#save")
    def action_submit(self) -> None:
        self._submit("keyring")

    @on(Button.Pressed, "#use-file")
    def _use_file(self) -> None:
        self._submit("file")

    @on(Button.Pressed, "#no-save")
    def _no_save(self) -> None:
        self._submit("none")

    @on(Button.Pressed, "#quit")
    def action_cancel(self) -> None:
        if self.can_cancel:
            self.dismiss(None)
        else:
            self.app.exit()

    def _submit(self, store: str) -> None:
        if any(w.group == "login" and not w.is_finished for w in self.workers):
            return  # already checking: a second Enter does not send the credentials again
        self._status("Checking the credentials with the API…")
        self.query_one("#save", Button).disabled = True
        self._sign_in(store)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def _sign_in(self, store: str) -> None:
        value = partial(lambda selector: self.query_one(selector, Input).value)
        try:
            connection = await self.connector.sign_in(
                profile=value("#profile"),
                kind=self.kind,
                identity=value("#identity"),
                secret=value("#secret"),
                base_url=value("#base-url"),
                token_url=value("#token-url"),
                store=store,
            )
        except KeyringUnavailable as problem:
            self._status(
                f"The credentials work, but the keyring cannot keep them: {problem}\n"
                "Keep them in a file only you can read (not encrypted), or use them without saving "
                "(you will be asked again next time; or set the environment variables).",
                error=True,
            )
            self.query_one("#keyring-choice").display = True
            self.query_one("#use-file", Button).focus()
            self.call_after_refresh(self.query_one("#keyring-choice").scroll_visible, animate=False)
            return
        except SignInError as problem:
            self._status(str(problem), error=True)
            return
        finally:
            self.query_one("#save", Button).disabled = False
        self.query_one("#secret", Input).value = ""
        if store == "file":
            self.notify(
                "The secret is in a plain file readable only by you.",
                title="Saved to a file",
                severity="warning",
                timeout=8,
            )
        self.dismiss(connection)


class ProfileHost(Protocol):
    """What the profile commands need from the App (typed here, so this module does not import the App)."""

    connector: Connector | None

    def switch_profile(self, name: str) -> object: ...

    def action_sign_in(self) -> None: ...


class ProfileCommands(ListedCommands):
    """Command palette: switch profile, sign in with new credentials."""

    @property
    def _app(self) -> ProfileHost:
        return cast(ProfileHost, self.app)

    def _commands(self) -> list[tuple[str, str, object]]:
        app = self._app
        if app.connector is None:
            return []
        commands: list[tuple[str, str, object]] = []
        for info in app.connector.profiles():
            title = f"Switch profile: {info.name}" + (" (active)" if info.active else "")
            help_text = f"{KIND_NAMES.get(info.auth, info.auth)} · {info.identity}"
            commands.append((title, help_text, partial(app.switch_profile, info.name)))
        commands.append(("Sign in with new credentials…", "add a profile, verified before saving", app.action_sign_in))
        return commands


__all__ = ["LoginScreen", "ProfileCommands"]
