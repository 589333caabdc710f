"""Dialogs shared by every screen: a yes/no question, a choice among options, the row to go to."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from typing import Any, ClassVar, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from .format import plain


class DialogBody(VerticalScroll, can_focus=False):
    """A dialog's body: as tall as its text, but never so tall that the question under it (a box to type in,
    the buttons) leaves the screen: a longer body scrolls (PgUp/PgDn, the mouse wheel). Not focusable, so Tab
    still goes from the buttons to the box."""

    DEFAULT_CSS = """
    DialogBody {
        height: auto;
        scrollbar-size-vertical: 1;
    }
    """

    def on_resize(self) -> None:
        self._refit()

    def watch_virtual_size(self) -> None:
        """Its text changed length (a preview loaded, outcomes added): fit the dialog to the screen again."""
        self._refit()

    def _refit(self) -> None:
        screen = self.screen
        if isinstance(screen, ModalScreen):
            screen.call_after_refresh(fit_body, screen)


ResultType = TypeVar("ResultType")
MORE_BELOW = "↕ more to read above: PgDn / PgUp scroll it"


def relabel(button: Button, label: str) -> None:
    """Give ``button`` a new label and the width for it. Textual repaints a button whose label changes but does not
    lay it out again: it kept the width of its first label ("Save" → "Confirm NAP", cut without an ellipsis)."""
    button.label = label
    button.refresh(layout=True)


def fit_body(screen: ModalScreen[Any]) -> None:
    """Give the screen's :class:`DialogBody` at most the rows the rest of its dialog leaves on the screen; when
    its text needs more, a line under it says so and how to scroll (the scrollbar alone is easy to miss)."""
    bodies = screen.query(DialogBody)
    if not bodies:
        return
    body = bodies.first()
    form = body.parent
    if not isinstance(form, Widget) or not screen.size.height:
        return
    more = screen.query("#dialog-more")
    hint = more.first(Static) if more else None
    if hint is None:
        hint = Static(Text(MORE_BELOW, style="dim italic"), id="dialog-more")
        hint.display = False
        form.mount(hint, after=body)
    others = sum(
        child.outer_size.height + child.styles.margin.top + child.styles.margin.bottom
        for child in form.children
        if child is not body and child is not hint and child.display
    )
    frame = form.outer_size.height - form.content_size.height  # its border and padding
    room = max(3, screen.size.height - frame - others - form.styles.margin.height)
    needed = sum(child.outer_size.height for child in body.children)
    overflows = needed > room
    hint.display = overflows
    body.styles.max_height = max(3, room - 1) if overflows else room


class FittedDialog(ModalScreen[ResultType]):
    """A question whose body scrolls when the screen is too short for it (see :class:`DialogBody`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False, id="dialog.page_up"),
        Binding("pagedown", "scroll_body(1)", "Scroll down", show=False, id="dialog.page_down"),
    ]

    def on_mount(self) -> None:
        self.call_after_refresh(fit_body, self)

    def on_resize(self) -> None:
        self.call_after_refresh(fit_body, self)

    def action_scroll_body(self, pages: int) -> None:
        for body in self.query(DialogBody):
            body.scroll_page_down() if pages > 0 else body.scroll_page_up()


class Confirm(FittedDialog[bool]):
    """A question with a body and two answers; y/Enter on the first button confirms, n/Esc declines.

    ``pending``: the question opens before what it asks about is known (a count read from the server), so that
    the keys typed meanwhile come to it, not to the screen beneath. Its body says what is being read
    (:meth:`progress`) and its first button waits; y or Enter then confirms as soon as it is known (a harmless
    question only: a destructive one is never pending), n or Esc declines at once. :meth:`ready` asks it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "Cancel", id="confirm.no"),
        Binding("y", "answer(True)", "Yes", show=False, id="confirm.yes"),
        Binding("enter", "answer_when_ready", "Yes", show=False, id="confirm.when_ready"),
    ]

    def __init__(
        self,
        title: str,
        body: RenderableType,
        yes: str | None,
        no: str = "Cancel",
        danger: bool = False,
        *,
        pending: bool = False,
    ):
        super().__init__(classes="dialog")
        self.title_text, self.body, self.yes, self.no, self.danger = title, body, yes, no, danger
        self.pending = pending and not danger
        self._yes_when_ready = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.title_text, classes="form-title")
            with DialogBody():
                yield Static(self.body, id="confirm-text")
            with Horizontal(classes="form-buttons"):
                if self.yes:
                    yield Button(
                        self.yes,
                        id="yes",
                        variant="warning" if self.danger else "primary",
                        compact=True,
                        disabled=self.pending,
                    )
                no = Button(self.no, id="no", compact=True)
                no.can_focus = not self.pending  # nothing focused: Enter comes to the question (yes once ready)
                yield no

    def on_mount(self) -> None:
        """A destructive question (``danger``) opens with Cancel focused: a stray Enter changes nothing."""
        super().on_mount()
        if not self.pending:
            self.query_one("#yes" if self.yes and not self.danger else "#no", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter is the focused button's own, except while pending: then it confirms once the question is ready
        return self.pending if action == "answer_when_ready" else True

    def action_answer(self, yes: bool) -> None:
        if yes and self.pending:
            self.action_answer_when_ready()
            return
        self.dismiss(yes and self.yes is not None)

    def action_answer_when_ready(self) -> None:
        """y or Enter while the question is pending: confirmed as soon as it is ready, and said so."""
        if self.pending and not self._yes_when_ready:
            self._yes_when_ready = True
            self.progress(self.body)

    def progress(self, body: RenderableType) -> None:
        """While pending: what is being read so far."""
        self.body = body
        if self._yes_when_ready:
            said = body if isinstance(body, Text) else Text(str(body))
            body = Text.assemble(said, ("\nConfirmed: done as soon as it is known; Esc cancels.", "dim"))
        if self.is_mounted:
            self.query_one("#confirm-text", Static).update(body)

    def withdraw(self, why: str) -> None:
        """Close the question unanswered, its callback given None: what it asked about cannot be known (``why``,
        said in its body instead if another screen is over it, for Esc to close it)."""
        self.pending = False
        if not self.is_attached:
            return  # answered already (declined while pending), or gone with the app
        if self.app.screen is self:
            self.dismiss(None)
            return
        with suppress(NoMatches):  # (being removed)
            self.query_one("#confirm-text", Static).update(Text(f"{why} Esc closes this.", style="bold red"))
            self.query_one("#no", Button).can_focus = True

    def ready(self, body: RenderableType, yes: str) -> None:
        """What the question asks is known: ``body`` says it, the first button (``yes``) confirms. A y or Enter
        typed while it was pending confirms it now."""
        self.pending, self.body, self.yes = False, body, yes
        if not self.is_mounted:
            return
        if self._yes_when_ready and self.app.screen is self:  # (under another screen: it waits for its answer)
            self.dismiss(True)
            return
        self.query_one("#confirm-text", Static).update(body)
        button = self.query_one("#yes", Button)
        relabel(button, yes)
        button.disabled = False
        self.query_one("#no", Button).can_focus = True
        if self.focused is None:
            button.focus()
        self.refresh_bindings()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")


class QuitConfirm(Confirm):
    """The question the quit key asks when work would be lost; the quit key pressed again on it quits."""


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one option; one that cannot apply is shown, disabled, with the reason. The highlight starts on
    ``current`` (the value chosen now), else on the first option that applies."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel", id="choice.cancel")]

    def __init__(
        self, title: str, options: Sequence[tuple[str, str, str | None]], note: str = "", *, current: str = ""
    ):
        super().__init__(classes="dialog")
        self.title_text, self.options, self.note, self.current = title, options, note, current

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(plain(self.title_text), classes="form-title")
            prompts = []
            for value, label, why_not in self.options:
                prompt = plain(label) if why_not is None else Text.assemble(plain(label), (f"  ({why_not})", "dim"))
                prompts.append(Option(prompt, id=value, disabled=why_not is not None))
            yield OptionList(*prompts, id="choices")
            yield Static(Text(self.note or "Enter chooses · Esc cancels", style="dim"))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        first = next((i for i, (value, _l, why) in enumerate(self.options) if value == self.current), None)
        if first is None:
            first = next((i for i, (_v, _l, why) in enumerate(self.options) if why is None), None)
        if first is not None:
            options.highlighted = first

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class GoToRow(ModalScreen[int | None]):
    """Ask for a row to jump to: a number from 1 to the row count (as the count bar counts), or a percentage."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(self, rows: int, what: str = "rows") -> None:
        super().__init__(classes="dialog")
        self.rows, self.what = rows, what

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(f"Go to row (1 to {self.rows:,} {self.what}, or a percentage like 50%)", classes="form-title")
            with Horizontal(classes="field"):
                yield Label("Row")
                yield Input(id="row", compact=True, placeholder="e.g. 5000 or 50%")
            yield Static(id="form-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#row", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _go(self) -> None:
        text = self.query_one("#row", Input).value.strip().replace(",", "").replace("_", "")
        row = row_number(text, self.rows)
        if row is None:
            self.query_one("#form-error", Static).update(
                f"Row: expected a whole number from 1 to {self.rows:,}, or a percentage from 0% to 100%"
            )
            return
        self.dismiss(row)


def row_number(text: str, rows: int) -> int | None:
    """The 0-based row ``text`` names ("250": the 250th; "50%": halfway), or None if it names none."""
    percent = text.endswith("%")
    digits = text.removesuffix("%").strip()
    if not (digits.isascii() and digits.isdigit()) or rows < 1:
        return None
    number = int(digits)
    if percent:
        return None if number > 100 else max(0, min(rows - 1, (rows * number + 99) // 100 - 1))
    return number - 1 if 1 <= number <= rows else None
