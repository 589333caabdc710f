"""Every screen's top line: ◆ (a click opens the command palette), then the app's title and what the app's
``format_title`` adds (safety mode, profile, account, the screen's own sub-title), centred, cut with an ellipsis.

One widget where Textual's Header is four (icon, title, clock space): a fifteenth of the main screen's widgets at
start-up. It also leaves the title 74 of 80 columns, where Header's icon and clock space leave 62.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.content import Content
from textual.widget import Widget

ICON = "◆"
EDGE = 3  # columns kept free at each side: the icon at the left, the same at the right so the title is centred


class AppHeader(Widget):
    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._retitle, init=False)
            self.watch(node, "sub_title", self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()

    @property
    def title_line(self) -> Content:
        """The title as the app formats it for this screen (the screen's title and sub-title, else the app's)."""
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    def fitted_line(self, room: int) -> Content:
        """:attr:`title_line` in ``room`` cells. What is cut is the app's part (mode, profile, account) after the
        mode, before the screen's own sub-title (which SIM, "register SIMs"): a long profile name and an account
        SID took all of 80 columns, and the end, the screen's own title, was what went. Without a title of its
        own, or when the app's part would keep less than the mode, the end is cut."""
        line = self.title_line
        screen, app = self.screen, self.app
        own, shared = screen.sub_title, app.sub_title
        if line.cell_length <= room or not own or not shared or screen.title is not None:
            return line.truncate(room, ellipsis=True)
        keep = cell_len(shared) - (line.cell_length - room) - 1  # the app's part, in cells, before its "…"
        if keep < cell_len(shared.split(" · ", 1)[0]):
            return line.truncate(room, ellipsis=True)
        cut = Text(shared)
        cut.truncate(keep + 1, overflow="ellipsis")
        return app.format_title(app.title, f"{cut.plain} · {own}").truncate(room, ellipsis=True)

    def render(self) -> Content:
        width = self.content_size.width
        title = self.fitted_line(max(1, width - 2 * EDGE))
        left = max(EDGE, (width - title.cell_length) // 2)
        # Three spans of their own (the blanks styled apart): a screenshot's SVG viewer drops the blanks a text run
        # starts with, which drew the icon and the title a cell to the left
        return Content.assemble((" ", "not bold"), (ICON, "bold"), (" " * (left - 2), "not bold"), title)

    async def on_click(self, event: events.Click) -> None:
        if event.x < EDGE and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")
