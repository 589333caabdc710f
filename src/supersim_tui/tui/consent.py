"""Asking for consent in proportion to the harm (the rule is :mod:`supersim_tui.ops.consent`).

:class:`TypedConfirm` is the dialog for changes that can cut service to many SIMs (or any change in a
protected profile): it opens with the focus on Cancel, and its confirm button stays disabled until the
user has typed the phrase (the number of SIMs, or the NAP's or fleet's name). ``y`` and a stray Enter
do nothing there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from ..ops.consent import NONE, OPEN, REFUSED, TYPED, Consent, consent_for
from .dialogs import Confirm, DialogBody, FittedDialog
from .format import printable


def typed_prompt(consent: Consent, lead: str) -> Text:
    """Why the phrase is asked for, and the phrase to type (``lead``: "To confirm, type")."""
    return Text.assemble(
        ("⚠ ", "bold yellow"),
        printable(consent.sentence),
        f"\n{lead} ",
        (f" {printable(consent.phrase)} ", "bold reverse"),
        " in the box (Tab moves to it):",
    )


class TypedConfirm(FittedDialog[bool]):
    """Type the phrase to confirm; Cancel is focused first, Esc cancels. A body too tall for the screen
    scrolls, so the phrase, its box and the buttons are always in view."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="typed.cancel")]

    def __init__(self, title: str, body: RenderableType, consent: Consent, yes: str):
        super().__init__(classes="dialog")
        self.title_text, self.body, self.consent, self.yes = title, body, consent, yes
        self.stray = ""  # characters typed while a button had the focus (they go nowhere: said when it closes)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form", id="typed-confirm"):
            yield Static(Text(printable(self.title_text), style="bold"), classes="form-title")
            with DialogBody():
                yield Static(self.body, id="confirm-text")
            yield Static(typed_prompt(self.consent, "To confirm, type"), id="typed-prompt")
            yield Input(placeholder="type here", id="typed-answer", compact=True)
            with Horizontal(classes="form-buttons"):
                yield Button(self.yes, id="yes", variant="error", compact=True, disabled=True)
                yield Button("Cancel", id="no", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#no", Button).focus()

    @on(Input.Changed, "#typed-answer")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#yes", Button).disabled = not self.consent.matches(event.value)

    @on(Input.Submitted, "#typed-answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.consent.matches(event.value):
            self.dismiss(True)
        else:
            self.notify(
                f"Type {printable(self.consent.phrase)} exactly to confirm, or Esc to cancel.",
                title="Not confirmed",
                severity="warning",
                markup=False,
            )

    def on_key(self, event: events.Key) -> None:
        """A character typed while Cancel (or a button) has the focus goes nowhere, by design (an Enter typed with
        it must not confirm): the prompt then says where the box is, and closing says what happened to it (the
        number typed, then Enter on Cancel, closed the dialog without a word: taken for a confirmation)."""
        if event.character and event.is_printable and not isinstance(self.focused, Input):
            self.stray += event.character
            prompt = self.query_one("#typed-prompt", Static)
            said = Text("\nCancel has the focus: what is typed goes nowhere. Tab moves to the box.", style="bold")
            prompt.update(Text.assemble(typed_prompt(self.consent, "To confirm, type"), said))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        yes = event.button.id == "yes" and self.consent.matches(self.query_one("#typed-answer", Input).value)
        if not yes and self.stray.strip():
            self.notify(
                f"{printable(self.stray.strip())!r} was typed while Cancel had the focus, not in the box: nothing was "
                f"changed. To confirm, Tab to the box and type {printable(self.consent.phrase)}.",
                title="Not confirmed",
                severity="warning",
                markup=False,
            )
        self.dismiss(yes)

    def action_cancel(self) -> None:
        self.dismiss(False)


def notify_read_only(app: App[Any]) -> None:
    """Say that a read-only profile sends no change, and how to get one that can (the one wording for this)."""
    app.notify(
        'This profile is read-only: no change is sent. Use a profile with mode "open" or '
        '"protected" (profiles.toml), without --read-only.',
        title="Read-only",
        severity="warning",
        markup=False,
    )


def drop_unseen_keys(app: App[Any], title: str, typed: str, beneath: str) -> None:
    """Drop the keys still waiting to be handled (:meth:`.keyflow.OrderedKeysApp.drop_typeahead`) and say how many:
    typed ``typed`` (with an answer, after Esc), they would act on ``beneath`` before it could be seen (a Space
    unmarking a SIM, an Enter opening the catalog, a scanner's digits switching tabs)."""
    drop = getattr(app, "drop_typeahead", None)
    dropped = drop() if drop is not None else 0
    if dropped:
        keys, they, them = ("1 key was", "it", "it") if dropped == 1 else (f"{dropped} keys were", "they", "them")
        app.notify(
            f"{keys} typed {typed} and ignored: {they} came before {beneath} could be seen. "
            f"Type {them} again if {they} {'was' if dropped == 1 else 'were'} meant.",
            title=title,
            severity="warning",
            markup=False,
        )


def ask_consent(
    app: App[Any], consent: Consent, title: str, body: RenderableType, yes: str, then: Callable[[bool], None]
) -> None:
    """Ask as much as ``consent`` says, then call ``then(True)`` only if the user agreed.

    Read-only refuses with a notification; TYPED opens :class:`TypedConfirm`; CONFIRM the yes/no dialog
    (Cancel focused when the change can cut service); NONE goes ahead.
    """
    if consent.level == REFUSED:
        notify_read_only(app)
        then(False)
        return
    if consent.level == NONE:
        then(True)
        return

    def answered(yes: bool | None) -> None:
        drop_unseen_keys(app, title, "with the answer", "the screen behind the question")
        then(bool(yes))

    if consent.level == TYPED:
        app.push_screen(TypedConfirm(title, body, consent, yes), answered)
        return
    if consent.reason:
        body = Group(body, Text(f"⚠ {consent.sentence}", style="bold yellow"))
    app.push_screen(Confirm(title, body, yes, danger=consent.cuts_service), answered)


def guard_change(app: App[Any], title: str, what: str, phrase: str, then: Callable[[], object]) -> None:
    """For a change that otherwise asks nothing (a rename, saving a form): open profiles go ahead; a protected
    profile asks for ``phrase`` typed; a read-only one refuses and says why."""
    mode = str(getattr(app, "mode", OPEN))
    if mode == OPEN:
        then()
        return
    consent = consent_for(sims=1, cuts_service=False, mode=mode, phrase=phrase, what=what)

    def answered(yes: bool) -> None:
        if yes:
            then()

    ask_consent(app, consent, title, Text(printable(what[:1].upper() + what[1:] + "?")), "Confirm", answered)
