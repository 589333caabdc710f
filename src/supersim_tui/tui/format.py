"""How values look on screen: statuses that read without colour, dates, sizes."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

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
