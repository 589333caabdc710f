"""Bulk rename from the SIMs pane: ask for a unique-name pattern (the fields and checks of the headless
``sims rename``: ``{n}`` 1, 2, … in selection order, ``{iccid}``, ``{last4}``, ``{last6}``, ``{sid}``), with a
live preview of the first names and the first problem; the pattern chosen then goes through the same bulk
flow (plan, consent, run, results, resume) as a status change or a move.
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ..api import Sim
from ..ops.names import NAME_FIELDS, PatternError, format_unique_name
from .format import plain

PREVIEW_COUNT = 3
FIELD = "Name pattern"


def rename_preview(pattern: str, sims: list[Sim]) -> tuple[list[str], str | None]:
    """The first names the pattern makes for ``sims`` (in order, {n} from 1) and the first problem, in words
    naming the field (None when every SIM gets a valid name of its own)."""
    if not pattern.strip():
        fields = ", ".join("{" + f + "}" for f in NAME_FIELDS)
        return [], f"{FIELD}: enter a pattern using {fields}, e.g. gate-{{n}} or meter-{{last6}}"
    names: list[str] = []
    for n, sim in enumerate(sims, start=1):
        try:
            names.append(format_unique_name(pattern, iccid=sim.iccid or "", n=n, sid=sim.sid))
        except PatternError as error:
            where = "" if n == 1 else f" (SIM {sim.iccid or sim.sid})"
            return names[:PREVIEW_COUNT], f"{FIELD}{where}: {error}"
    name, count = Counter(names).most_common(1)[0] if names else ("", 0)
    if count > 1:
        return names[:PREVIEW_COUNT], (
            f"{FIELD}: {count:,} SIMs would be named {name!r}; unique names must differ: add {{n}} or {{last6}}"
        )
    return names[:PREVIEW_COUNT], None


class RenameForm(ModalScreen[str | None]):
    """A unique-name pattern for ``sims``; dismissed with the pattern (valid for every SIM) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(self, sims: list[Sim], selected: str) -> None:
        super().__init__()
        self.sims = sims
        self.selected = selected

    def compose(self) -> ComposeResult:
        count = len(self.sims)
        with Vertical(classes="form"):
            yield Static(
                plain(f"Rename {count:,} {self.selected} SIM{'s' if count != 1 else ''}"), classes="form-title"
            )
            with Horizontal(classes="field"):
                yield Label(FIELD)
                yield Input(id="pattern", compact=True, placeholder="e.g. gate-{n} or meter-{last6}")
            yield Static(id="form-preview")
            yield Static(id="form-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button("Rename", id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#pattern", Input).focus()
        self._show(self.query_one("#pattern", Input).value, errors=False)

    def _show(self, pattern: str, *, errors: bool = True) -> str | None:
        """Show the preview (and the problem, when ``errors``); return the problem."""
        names, problem = rename_preview(pattern, self.sims)
        preview = Text("Fields: " + " ".join("{" + f + "}" for f in NAME_FIELDS), style="dim")
        for n, (name, sim) in enumerate(zip(names, self.sims, strict=False), start=1):
            preview.append(f"\n{n}. {sim.iccid or sim.sid} → ", style="dim")
            preview.append(name)
        if len(self.sims) > len(names) and names and problem is None:
            preview.append(f"\n… and {len(self.sims) - len(names):,} more", style="dim")
        self.query_one("#form-preview", Static).update(preview)
        self.query_one("#form-error", Static).update(Text(problem) if problem and errors else "")
        return problem

    @on(Input.Changed, "#pattern")
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value, errors=bool(event.value))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted, "#pattern")
    def _ok(self) -> None:
        pattern = self.query_one("#pattern", Input).value
        if self._show(pattern) is None:
            self.dismiss(pattern)
