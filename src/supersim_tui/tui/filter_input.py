"""A filter field typed a key at a time: the key's echo, the rows it selects and their count in one frame.

Two things made a keystroke in a filter cost two or three times the echo of a bare Textual ``Input``
(measured on a pty, ``make bench tui``):

- ``Input.Changed`` is a message: the screen filters when it gets it, after the frame that echoes the key has
  been painted, so the rows and the count came a frame later (Textual paints at most 60 frames a second: up to
  ~17 ms more). :func:`follow` calls back while the key is being handled instead, as the value changes: the
  rows and the count are then painted in the frame that echoes the key.
- ``Input`` sets its virtual size (the text's width) on every change, and Textual lays the whole screen out
  again when a widget's virtual size changes (every widget's region recomputed: the footer's 20 keys, the
  table, the header). An input's place and size never depend on its text; only its horizontal scroll range
  does. :class:`FilterInput` repaints itself and keeps its scroll within range instead.

Not focused, a filter wider than its field shows its start cut with an ellipsis (``us-meters-0…``): a part of
the text must not be read as the whole filter. That is painting only: no layout, and nothing while typing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode
from textual.geometry import Size
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widgets import Input


class FilterInput(Input):
    """An ``Input`` whose typing repaints this line only (no layout of the screen). For a field whose size does
    not follow its text (not ``width: auto``): every pane's ``/`` field and the catalog's filter."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        # What Textual's layout would have done for a scrolling widget: keep the scroll within the new range.
        self.scroll_x = self.validate_scroll_x(self.scroll_x)

    def render_line(self, y: int) -> Strip:
        room = self.scrollable_content_region.width
        if y != 0 or self.has_focus or not self.value or self._value.cell_len <= room:
            return super().render_line(y)
        text = self._value  # a new Text each time: cut here, not the field's
        text.truncate(max(room, 1), overflow="ellipsis")
        strip = Strip(self.app.console.render(text, self.app.console_options.update_width(room + 1)))
        return strip.extend_cell_length(room + 1).apply_style(self.rich_style)


def follow(owner: DOMNode, field: Input, callback: Callable[[str], None]) -> None:
    """Call ``callback(value)`` as ``field``'s value changes (while the key is handled, not after the frame),
    for as long as ``owner`` lives."""
    owner.watch(field, "value", callback, init=False)
