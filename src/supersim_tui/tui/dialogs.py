"""Dialogs shared by every screen: a yes/no question, a choice among options, the row to go to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from .format import plain


class Confirm(ModalScreen[bool]):
    """A question with a body and two answers; y/Enter on the first button confirms, n/Esc declines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "Cancel", id="confirm.no"),
        Binding("y", "answer(True)", "Yes", show=False, id="confirm.yes"),
    ]

    def __init__(self, title: str, body: RenderableType, yes: str | None, no: str = "Cancel", danger: bool = False):
        super().__init__(classes="dialog")
        self.title_text, self.body, self.yes, self.no, self.danger = title, body, yes, no, danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.title_text, classes="form-title")
            yield Static(self.body, id="confirm-text")
            with Horizontal(classes="form-buttons"):
                if self.yes:
                    yield Button(self.yes, id="yes", variant="warning" if self.danger else "primary", compact=True)
                yield Button(self.no, id="no", compact=True)

    def on_mount(self) -> None:
        """A destructive question (``danger``) opens with Cancel focused: a stray Enter changes nothing."""
        self.query_one("#yes" if self.yes and not self.danger else "#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes and self.yes is not None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")


class QuitConfirm(Confirm):
    """The question the quit key asks when work would be lost; the quit key pressed again on it quits."""


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one option; one that cannot apply is shown, disabled, with the reason."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "Cancel", id="choice.cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, str, str | None]], note: str = ""):
        super().__init__(classes="dialog")
        self.title_text, self.options, self.note = title, options, note

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
