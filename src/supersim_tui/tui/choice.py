"""One value among a few, in one line of a filter bar (``any status ▼``): ←/→ step through the values, and Enter,
space, ↓ or a click list them all to pick one (:class:`~.dialogs.ChoiceScreen`).

Textual's Select shows the same line, but is built of six widgets (its list among them, hidden until opened);
two of them were an eighth of the work before the SIMs tab's first frame. Here the list is built when opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from .format import plain

ANY = "*any*"  # the prompt's option in the list (no status or SID looks like it)


class Choice(Widget, can_focus=True):
    """A value of ``options`` (pairs of label and value) or none (``None``: the prompt, "any …", is shown).
    Posts :class:`Choice.Changed` when the value changes, by the user or by code (as Select does)."""

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 20;
        padding: 0 1 0 0;
        background: $surface;
        color: $foreground;
        pointer: pointer;
        &.-blank {
            color: $foreground 50%;
        }
        &:focus {
            background-tint: $foreground 5%;
        }
        &:focus:nocolor {
            text-style: reverse;  /* NO_COLOR: the tint is a shade of grey; which filter ←/→ changes must show */
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "pick", "Choose"),
        Binding("left", "step(-1)", "Previous", show=False),
        Binding("right", "step(1)", "Next", show=False),
        Binding("space,down", "pick", "Choose", show=False),
    ]

    value: reactive[str | None] = reactive(None, init=False)

    class Changed(Message):
        """The value changed (``None``: no value, the prompt)."""

        def __init__(self, choice: Choice, value: str | None) -> None:
            super().__init__()
            self.choice, self.value = choice, value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(
        self, options: Iterable[tuple[str | Text, str]], *, prompt: str, title: str, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="-blank")
        self.prompt = prompt
        self.title = title  # the list's heading ("Show the SIMs of status")
        self.options = list(options)

    def set_options(self, options: Iterable[tuple[str | Text, str]]) -> None:
        """New options; a value no longer among them becomes none."""
        self.options = list(options)
        if self.value is not None and self.value not in self.values:
            self.value = None
        self.refresh()

    def clear(self) -> None:
        self.value = None

    @property
    def values(self) -> list[str | None]:
        """None (the prompt), then each option's value."""
        return [None, *(value for _label, value in self.options)]

    def validate_value(self, value: str | None) -> str | None:
        if value is not None and value not in self.values:
            raise ValueError(f"{value!r} is not one of the options of {self.id}")
        return value

    def watch_value(self, value: str | None) -> None:
        self.set_class(value is None, "-blank")
        self.post_message(self.Changed(self, value))

    def render(self) -> Text:
        label = next((label for label, value in self.options if value == self.value), self.prompt)
        shown = plain(label) if isinstance(label, str) else label.copy()
        shown.truncate(max(1, self.content_size.width - 2), overflow="ellipsis", pad=True)
        return Text.assemble(shown, (" ▼", "dim"))

    def action_step(self, by: int) -> None:
        values = self.values
        self.value = values[(values.index(self.value) + by) % len(values)]

    def action_pick(self) -> None:
        from .dialogs import ChoiceScreen

        options = [
            (ANY, self.prompt, None),
            *((value, label.plain if isinstance(label, Text) else label, None) for label, value in self.options),
        ]

        def chosen(value: str | None) -> None:
            if value is not None and self.is_attached:
                self.value = None if value == ANY else value

        note = "Enter chooses · Esc leaves it as it is · ←/→ on the filter step through them"
        self.app.push_screen(ChoiceScreen(self.title, options, note, current=self.value or ANY), chosen)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_pick()
