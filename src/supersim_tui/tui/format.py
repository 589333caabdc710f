"""How values look on screen: statuses that read without colour, dates, sizes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from ..api.text import printable as text_printable

# Each status has a glyph too, so it stays readable with NO_COLOR.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "new": ("○", "bold cyan"),
    "ready": ("◐", "bold yellow"),
    "active": ("●", "bold green"),
    "inactive": ("✕", "red"),
    "scheduled": ("↻", "bold magenta"),
}


def status_text(status: str | None) -> Text:
    if status is None:
        return Text("—", style="dim")
    glyph, style = STATUS_STYLE.get(status, ("?", "italic"))
    return Text(f"{glyph} {status}", style=style)


def when(moment: datetime | None, now: datetime | None = None) -> str:
    """Compact date: ``14:05`` today, ``23 Nov`` this year, ``2025-11-23`` otherwise."""
    if moment is None:
        return "—"
    now = now or datetime.now(UTC)
    local = moment.astimezone(UTC)
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if local.year == now.year:
        return local.strftime("%d %b")
    return local.strftime("%Y-%m-%d")


def megabytes(value: int | None) -> str:
    if value is None:
        return "—"
    if value >= 1000 and value % 1000 == 0:
        return f"{value // 1000} GB"
    return f"{value} MB"


def yes_no(value: bool | None) -> Text:
    if value is None:
        return Text("—", style="dim")
    return Text("yes", style="green") if value else Text("no", style="dim")


def stamp(moment: datetime | None) -> str:
    """A full date and time: ``2025-11-23 14:05 UTC``."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def details_grid(rows: Sequence[tuple[str, RenderableType]], label_width: int | None = None) -> Table:
    """Label / value rows: bold labels, values folded when long."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True, min_width=label_width)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def printable(text: str | None) -> str:
    """A server-provided string made safe to show (escape sequences removed, other control characters
    replaced; see :func:`supersim_tui.api.text.printable`, the one rule the CLI uses too).

    Returned as plain text: where it goes into markup, wrap it in :func:`plain` instead.
    """
    return text_printable(text, multiline=True) if text else ""


def plain(text: str | None, style: str = "") -> Text:
    """A server-provided string as Rich ``Text``: printable, and never read as markup."""
    return Text(printable(text), style=style)


def fit_name(text: str, width: int | None, style: str = "") -> Text:
    """A name (the server's text, as :func:`plain`) cut to ``width`` with an ellipsis (never silently)."""
    shown = plain(text, style=style)
    if width is not None and shown.cell_len > width:
        shown.truncate(width, overflow="ellipsis")
    return shown
