"""Radio buttons and checkboxes whose state reads without colour (``NO_COLOR=1``, a monochrome terminal).

Textual draws an on and an off toggle with the same character (``●`` for a radio button, ``X`` for a checkbox)
and tells them apart by colour only: without colour every sign-in kind looked chosen and every fleet option
looked ticked. These draw the mark only when on."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, RadioButton


class _MarkedWhenOn:
    MARK = "●"
    BUTTON_INNER: str
    value: bool

    def _show_mark(self) -> None:
        self.BUTTON_INNER = self.MARK if self.value else " "


class MarkedRadioButton(_MarkedWhenOn, RadioButton):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._show_mark()

    def watch_value(self) -> None:
        self._show_mark()
        super().watch_value()


class MarkedCheckbox(_MarkedWhenOn, Checkbox):
    MARK = "X"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._show_mark()

    def watch_value(self) -> None:
        self._show_mark()
        super().watch_value()
