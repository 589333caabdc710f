"""Reviewing staged NAP changes: the impact on fleets and SIMs, as much consent as it needs, then the changes
applied one by one with their outcomes (what failed stays staged)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import QueryType
from textual.widget import Widget
from textual.widgets import Button, Input, LoadingIndicator, Static

from ..api import Network, NetworkAccessProfile, SuperSimClient
from ..ops.consent import OPEN, REFUSED, Consent, consent_for
from ..ops.nap_impact import ChangeOutcome, NapImpact, NetworkChange, apply_nap_changes, nap_impact
from .consent import typed_prompt
from .dialogs import DialogBody, FittedDialog, relabel
from .failures import ReportsFailures, Task, error_message, failure_text
from .format import plain, printable
from .keyflow import background


class ConfirmNapChanges(ReportsFailures, FittedDialog[list[ChangeOutcome] | None]):
    """Impact preview, then the changes applied one by one with their outcomes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("r", "retry", "Try again", id="confirm.retry"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "impact": Task("Working out the impact", "Press r to try again.", read=True),
        "apply": Task("Applying the changes", "Done closes; the changes not applied stay staged."),
    }

    def __init__(
        self,
        client: SuperSimClient,
        nap: NetworkAccessProfile,
        current: list[Network] | None,
        changes: list[NetworkChange],
    ):
        """``current``: the networks the NAP allows now; None reads them first (as part of the impact), so the
        dialog opens at once, with no read between the key that asked for it and its opening."""
        super().__init__()
        self.client = client
        self.nap = nap
        self.current = current
        self.changes = changes
        self.outcomes: list[ChangeOutcome] | None = None
        self.impact_failed = False
        self.impact_error = ""  # why the impact could not be worked out, for the note when the review closes
        self.applying = False  # while the changes go out: a second Enter, Esc or Cancel does nothing
        self.consent: Consent | None = None  # how much consent the impact needs (ops.consent)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(plain(f"Change NAP {self.nap.label}"), id="confirm-title")
            with DialogBody(id="confirm-body"):  # scrolls when the screen is too short: the question stays in view
                yield Static(plain("\n".join(c.describe() for c in self.changes)), id="confirm-changes")
                yield LoadingIndicator(id="confirm-loading")
                yield Static(id="confirm-impact")
            yield Static(id="typed-prompt")
            yield Input(placeholder="type here", id="typed-answer", compact=True)  # as the bulk dialog's box
            with Horizontal(id="confirm-buttons"):
                yield Button("Apply", id="apply", variant="primary", disabled=True, compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#typed-prompt").display = self.query_one("#typed-answer").display = False
        self._load_impact()
        self.query_one("#cancel", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.impact_failed if action == "retry" else True

    def focus_next(self, selector: str | type[QueryType] = "*") -> Widget | None:
        """Tab from Cancel goes to the typed box, as its prompt says, not round to the list of changes above."""
        box = self.query_one("#typed-answer", Input)
        if box.display and not box.disabled and self.focused is self.query_one("#cancel", Button):
            box.focus()
            return box
        return super().focus_next(selector)

    def action_retry(self) -> None:
        if self.impact_failed:
            self.impact_failed = False
            self.refresh_bindings()
            self.query_one("#confirm-impact", Static).update("")
            self.query_one("#confirm-loading").display = True
            self._load_impact()

    def worker_failed(self, group: str, error: BaseException) -> None:
        """Notify; the preview stops spinning and says what failed, with r to try again."""
        super().worker_failed(group, error)
        if group == "impact":
            self.impact_failed = True
            self.impact_error = error_message(error)
            self.query_one("#confirm-loading").display = False
            self.query_one("#confirm-impact", Static).update(
                Text(failure_text(self.task_for(group), error), style="bold red")
            )
            self.refresh_bindings()
        elif group == "apply":
            self.outcomes = self.outcomes or []
            self.applying = False
            self.query_one("#cancel", Button).disabled = False
            apply = self.query_one("#apply", Button)
            relabel(apply, "Done")
            apply.variant, apply.disabled = "primary", False

    @work(exclusive=True, group=background("impact"), exit_on_error=False)
    async def _load_impact(self) -> None:
        if self.current is None:
            self.current = list(await self.client.list_nap_networks(self.nap.sid).collect())
        impact = await nap_impact(self.client, self.nap, self.current, self.changes)
        self.query_one("#confirm-loading").display = False
        self.query_one("#confirm-impact", Static).update(render_impact(impact))
        apply = self.query_one("#apply", Button)
        cuts = bool(impact.countries_cut_off or not impact.networks_after)
        name = self.nap.unique_name or self.nap.sid
        self.consent = consent = consent_for(
            sims=impact.active + impact.ready,
            cuts_service=cuts,
            mode=str(getattr(self.app, "mode", OPEN)),
            phrase=name,
            what=f"change NAP {name}",
        )
        if cuts:
            relabel(apply, "Apply anyway")
            apply.variant = "error"
        if consent.level == REFUSED:
            self.query_one("#typed-prompt", Static).update(
                Text("This profile is read-only: nothing can be applied.", style="bold yellow")
            )
            self.query_one("#typed-prompt").display = True
            return
        if consent.typed:
            self.query_one("#typed-prompt", Static).update(typed_prompt(consent, "To apply, type the NAP's name"))
            self.query_one("#typed-prompt").display = self.query_one("#typed-answer").display = True
            apply.disabled = True
            return  # the focus stays on Cancel
        apply.disabled = False
        if not cuts:
            apply.focus()  # a change that cuts service opens (and stays) on Cancel

    @on(Input.Changed, "#typed-answer")
    def _typed(self, event: Input.Changed) -> None:
        if self.consent is not None and not self.applying and self.outcomes is None:
            self.query_one("#apply", Button).disabled = not self.consent.matches(event.value)

    @on(Input.Submitted, "#typed-answer")
    def _typed_submitted(self) -> None:
        self._apply()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.applying:  # closing now would hide a NAP half-changed: say so, stay
            self.notify(
                "The changes are being applied: this closes when they are done, with what was done.",
                title="NAP change",
                markup=False,
            )
            return
        if self.outcomes is None:  # closed before applying: say so, so a closed dialog never reads as done
            why = f"The impact could not be worked out: {self.impact_error}\n" if self.impact_failed else ""
            self.notify(
                f"{why}Nothing was sent; {len(self.changes)} change(s) still staged: press a to review "
                "and apply them, U to undo them.",
                title="Not applied",
                severity="warning",
                timeout=10,
                markup=False,
            )
        self.dismiss(self.outcomes)

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        if self.applying:
            return  # a second Enter while applying does nothing
        if self.outcomes is not None:
            self.dismiss(self.outcomes)
            return
        consent = self.consent
        if consent is None or consent.level == REFUSED or self.query_one("#apply", Button).disabled:
            return
        if consent.typed and not consent.matches(self.query_one("#typed-answer", Input).value):
            self.notify(
                f"Type {printable(consent.phrase)} to apply, or Esc to cancel.",
                title="Not applied",
                severity="warning",
                markup=False,
            )
            return
        self.applying = True
        for button in self.query(Button):
            button.disabled = True
        self.query_one("#typed-answer", Input).disabled = True
        self._run()

    @work(exclusive=True, group=background("apply"), exit_on_error=False)
    async def _run(self) -> None:
        lines: list[Text] = []
        impact = self.query_one("#confirm-impact", Static)

        def show(outcome: ChangeOutcome) -> None:
            if outcome.ok:
                lines.append(
                    Text(
                        f"✓ {printable(outcome.change.describe())}" + (" (already there)" if outcome.already else ""),
                        style="green",
                    )
                )
            else:
                lines.append(
                    Text(f"✗ {printable(outcome.change.describe())}: {printable(outcome.error)}", style="bold red")
                )
            impact.update(Text("\n").join(lines))

        self.outcomes = await apply_nap_changes(self.client, self.nap.sid, self.changes, show)
        self.applying = False
        self.query_one("#cancel", Button).disabled = False
        failed = [o for o in self.outcomes if not o.ok]
        apply = self.query_one("#apply", Button)
        relabel(apply, "Done")
        apply.variant, apply.disabled = "primary", False
        apply.focus()
        if failed:
            self.notify(
                f"{len(failed)} of {len(self.outcomes)} change(s) failed; they stay staged to retry.",
                title="NAP change",
                severity="error",
                timeout=10,
            )
        else:
            self.notify(
                f"{len(self.outcomes)} change(s) applied to {printable(self.nap.label)}.",
                title="NAP change",
                markup=False,
            )


def render_impact(impact: NapImpact) -> Text:
    text = Text()
    if impact.fleets:
        text.append("Fleets using this NAP:\n", style="bold")
        for f in impact.fleets:
            text.append(f"  {printable(f.fleet.label)}: {f.active:,} active, {f.ready:,} ready SIMs\n")
        text.append(f"In all {impact.active:,} active and {impact.ready:,} ready SIMs are affected.\n")
    else:
        text.append("No fleet uses this NAP: no SIM is affected now.\n")
    text.append(f"Networks: {len(impact.networks_before)} now, {len(impact.networks_after)} after.\n")
    for warning in impact.warnings:
        loud = "NO network" in warning or "lose service" in warning
        text.append(("⚠ " if loud else "ℹ ") + warning + "\n", style="bold red" if loud else "yellow")
    return text
