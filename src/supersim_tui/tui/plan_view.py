"""How a planned bulk change is shown and confirmed: counts, the reasons SIMs are skipped, the coverage a move
gains and loses, and as much consent as the change's harm needs (the rule is :mod:`supersim_tui.ops.consent`).
New runs, retries and resumes are all confirmed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App

from ..ops.bulk import INVALID, OUTCOME_MEANING, SKIPPED, Plan
from ..ops.consent import change_cuts_service, consent_for
from ..ops.nap_impact import MoveImpact
from ..ops.plan import sims_count
from .consent import ask_consent
from .dialogs import Confirm
from .format import plain, printable


def plan_text(plan: Plan, selected: str = "marked") -> RenderableType:
    """What a plan will do, in counts, with every reason a SIM is skipped or cannot take the change."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    grid.add_row(Text(f"{len(plan.to_send):,}", style="bold"), Text("will be changed", style="bold"))
    for action, items, style in ((SKIPPED, plan.skipped, "dim"), (INVALID, plan.invalid, "yellow")):
        if not items:
            continue
        heading = f"{action} ({OUTCOME_MEANING[action]}):"
        grid.add_row(Text(f"{len(items):,}", style=style), Text(heading, style=style))
        for reason, count in plan.reasons(items):
            grid.add_row("", Text(f"{count:,} × {reason}", style=style))
    title = plain(f"{plan.change.describe().capitalize()}: {sims_count(len(plan.items))} {selected}", style="bold")
    parts: list[RenderableType] = [title, Text(""), grid, Text("")]
    if plan.change.status or plan.change.fleet_sid:
        parts.append(
            Text(
                "Changes can be asynchronous: each SIM is followed until it leaves scheduled, "
                "so the outcome shown is its real final state.",
                style="dim",
            )
        )
    return Group(*parts)


def confirm_plan(
    app: App[Any],
    plan: Plan,
    selected: str,
    mode: str,
    run: Callable[[], None],
    *,
    title: str = "Confirm the change",
    extra: RenderableType | None = None,
    coverage_lost: bool = False,
) -> None:
    """Show a plan and ask as much consent as its harm needs (ops.consent); ``run`` only on a yes.

    New runs, retries after a stop and resumes all come through here: none runs without this question."""
    if not plan.to_send:
        app.push_screen(Confirm("Nothing to change", plan_text(plan, selected), None, "Close"))
        return
    n = len(plan.to_send)
    consent = consent_for(
        sims=n,
        cuts_service=change_cuts_service(plan.change.status, coverage_lost=coverage_lost),
        mode=mode,
        what=plan.change.describe(),
    )
    body = plan_text(plan, selected) if extra is None else Group(plan_text(plan, selected), extra)
    ask_consent(
        app, consent, title, body, f"Change {n:,} SIM{'s' if n != 1 else ''}", lambda yes: run() if yes else None
    )


def move_impact_text(impacts: list[MoveImpact]) -> Text:
    """Networks and countries gained and lost by moving SIMs to a fleet on another NAP."""
    text = Text()

    def names(networks: list[Any]) -> str:
        shown = [f"{n.friendly_name} {n.iso_country}" for n in networks[:5]]
        return printable(", ".join(shown) + (f" and {len(networks) - 5} more" if len(networks) > 5 else ""))

    for impact in impacts:
        text.append(
            printable(f"{sims_count(impact.sims)} move from NAP {impact.from_nap} to {impact.to_nap}:\n"), style="bold"
        )
        text.append(
            f"  gain {len(impact.gained)} network(s)" + (f": {names(impact.gained)}" if impact.gained else "") + "\n",
            style="green",
        )
        text.append(
            f"  lose {len(impact.lost)} network(s)" + (f": {names(impact.lost)}" if impact.lost else "") + "\n",
            style="red" if impact.lost else "",
        )
        if impact.countries_gained:
            text.append(f"  countries gained: {', '.join(impact.countries_gained)}\n", style="green")
        if impact.countries_lost:
            text.append(
                f"  ⚠ countries lost (no network left there): {', '.join(impact.countries_lost)}\n", style="bold red"
            )
    return text
