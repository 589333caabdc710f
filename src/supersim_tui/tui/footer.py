"""A footer that shows the keys that apply where the focus is.

While a text field has the focus, a key that types a character (``?``, ``1``, ``c``, ``/`` …) types it into
the field instead of running its binding, so such keys are not shown then (``f1 Help`` is, ``? Help`` is
not). The footer is rebuilt only when what it shows changes (rebuilding it on every focus move is slow at
scanner speed), and its keys are built in the footer's style (Textual's start compact, then follow the footer:
two restyles of each key on each rebuild, a quarter of the start-up's work after the first frame).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.dom import NoScreen
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from .keyflow import typed_character, typing_into

Shown = tuple[Binding, bool, str]  # a binding, whether it is enabled, its tooltip


def applicable(bindings: Iterable[Shown], focused: Widget | None) -> list[Shown]:
    """The bindings that a key press would run with this focus (one per action, the first that applies)."""
    typing = typing_into(focused)
    shown: dict[str, Shown] = {}
    for binding, enabled, tooltip in bindings:
        if typing and typed_character(binding.key) is not None:
            continue
        shown.setdefault(binding.action, (binding, enabled, tooltip))
    return list(shown.values())


class KeysFooter(Footer):
    """Footer showing only the keys that apply in the focused widget."""

    _shown: tuple[tuple[str, str, bool], ...] | None = None

    def _applicable(self) -> list[Shown]:
        active = self.screen.active_bindings
        return applicable(
            ((b, enabled, tooltip) for (_, b, enabled, tooltip) in active.values() if b.show), self.app.focused
        )

    @staticmethod
    def _signature(bindings: list[Shown]) -> tuple[tuple[str, str, bool], ...]:
        """What the footer shows of these bindings (rebuilt only when this changes)."""
        return tuple((b.key, b.description, enabled) for b, enabled, _tooltip in bindings)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        bindings = self._applicable()
        self._shown = self._signature(bindings)
        self.styles.grid_size_columns = len(bindings)
        for binding, enabled, tooltip in bindings:
            key = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            )
            key.set_reactive(FooterKey.compact, self.compact)  # as the footer is, from the start (no restyle)
            key.set_class(self.compact, "-compact", update=False)
            yield key.data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._bindings_ready
            and self.is_attached
            and screen is self.screen
            and self._signature(self._applicable()) == self._shown
        ):
            return  # nothing it shows changed
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        """Under a dialog or the palette the footer keeps the keys it showed (none of them applies until its
        screen is back on top, when it is rebuilt): what it shows does not depend on when a rebuild lands."""
        try:
            covered = self._shown is not None and not self.screen.is_active
        except NoScreen:
            return  # being removed with its screen
        if covered:
            return
        if self._shown is not None and self._signature(self._applicable()) == self._shown:
            return  # an earlier rebuild shows these keys already (rebuilds queue up while the start-up is busy)
        await super().recompose()
