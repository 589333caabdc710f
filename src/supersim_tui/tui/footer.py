"""A footer that shows the keys that apply where the focus is.

While a text field has the focus, a key that types a character (``?``, ``1``, ``c``, ``/`` …) types it into
the field instead of running its binding, so such keys are not shown then (``f1 Help`` is, ``? Help`` is
not). The footer is rebuilt only when what it shows changes (rebuilding it on every focus move is slow at
scanner speed), and its keys are built in the footer's style (Textual's start compact, then follow the footer:
two restyles of each key on each rebuild, a quarter of the start-up's work after the first frame).

Keys that do not fit the width (80 columns) are left out whole, from the end, and a "…" says so (it opens the
help, which lists them all): Textual's footer cut the last key at the palette key ("2 N▏^p palette").
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.dom import NoScreen
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from .keyflow import typed_character, typing_into

Shown = tuple[Binding, bool, str]  # a binding, whether it is enabled, its tooltip
MORE = "…"  # shown last when keys were left out


def key_width(key: FooterKey) -> int:
    """The columns a footer key takes, as :meth:`FooterKey.render` lays it out, with its own padding and margins
    (known before it is laid out, and while it is hidden)."""
    key_padding = key.get_component_styles("footer-key--key").padding
    width = key_padding.left + cell_len(key.key_display) + key_padding.right
    if key.description:
        description_padding = key.get_component_styles("footer-key--description").padding
        width += description_padding.left + cell_len(key.description) + description_padding.right
    margin, padding = key.styles.margin, key.styles.padding
    return width + margin.left + margin.right + padding.left + padding.right


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
        if bindings:  # shown by _fit when keys are left out; Enter or a click opens the help that lists them
            more = FooterKey("f1", MORE, "", "app.help", classes="-more", tooltip="More keys: f1 Help")
            more.set_reactive(FooterKey.compact, self.compact)
            more.set_class(self.compact, "-compact", update=False)
            more.display = False
            yield more.data_bind(compact=Footer.compact)
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

    def shows_current_keys(self) -> bool:
        """Whether the keys shown are the ones that apply now (a rebuild can lag behind a focus move under load)."""
        return self._shown is not None and self._signature(self._applicable()) == self._shown

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
        self._fit()  # before the new keys are first painted (none is ever shown cut) ...
        self.call_after_refresh(self._fit)  # ... and again once laid out (the palette key's width is then known)

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Keys are fitted again whenever the width changes, however it changed: when the help panel docks beside
        the footer, Textual's partial reflow updates the footer's size without sending it a Resize event (the
        keys fitted to 120 columns were then drawn cut at 81: "2 NA▏^p")."""
        if size.width != self._size.width:  # (self.size already reads the new layout)
            self.call_later(self._fit)
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _fit(self) -> None:
        """Show the keys that fit whole before the palette key, in order; the rest are hidden and "…" shown."""
        if not self.is_attached or not self.size.width:
            return
        keys = [child for child in self.children if isinstance(child, FooterKey)]
        palette = next((k for k in keys if k.has_class("-command-palette")), None)
        more = next((k for k in keys if k.has_class("-more")), None)
        plain = [k for k in keys if k is not palette and k is not more]
        room = self.size.width
        if palette is not None:  # docked right, with a border on its left
            room -= palette.outer_size.width or key_width(palette) + 1
        widths = [key_width(k) for k in plain]
        cut = sum(widths) > room
        if cut and more is not None:
            room -= key_width(more)
        used = 0
        for key, width in zip(plain, widths, strict=True):
            fits = not cut or used + width <= room
            key.display = fits
            used += width if fits else room  # once one is left out, so are the keys after it
        if more is not None:
            more.display = cut
