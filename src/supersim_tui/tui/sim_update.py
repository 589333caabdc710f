"""Update one SIM's writable fields from its detail screen (``u``): status, fleet (or none), the callback the
API calls when that change finishes (https URL, GET or POST), and the account it belongs to (to or from a
subaccount, only while ``new``). Checked by ops.sim_changes before anything is sent."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ..api import Fleet, Sim, SuperSimClient, SuperSimError
from ..ops.consent import NONE, OPEN, REFUSED, Consent, consent_for
from ..ops.fleet_changes import HTTP_METHODS, url_problem
from ..ops.sim_changes import update_fields, update_problem
from .consent import ask_consent
from .failures import ReportsFailures, Task, error_message
from .format import plain, printable

UNCHANGED = "unchanged"
NO_FLEET = "none"
_ACCOUNT = re.compile(r"AC[0-9a-fA-F]{32}")


class SimUpdateForm(ReportsFailures, ModalScreen[Sim | None]):
    """Status, fleet, callback and account of one SIM; Save checks, asks as ops.consent says, then sends."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="sim-update.cancel"),
        Binding("ctrl+s", "save", "Save", id="sim-update.save"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {"sim-update": Task("Updating the SIM", "Press Save to try again.")}

    def __init__(self, client: SuperSimClient, sim: Sim, fleets: list[Fleet]):
        super().__init__()
        self.client = client
        self.sim = sim
        self.fleets = fleets
        self.saving = False

    def compose(self) -> ComposeResult:
        sim = self.sim
        fleet_options: list[tuple[str | Text, str]] = [
            (plain(f"unchanged ({self._fleet_label(sim.fleet_sid)})"), UNCHANGED),
            ("no fleet", NO_FLEET),
        ]
        fleet_options += [(plain(f.label), f.sid) for f in self.fleets if f.sid != sim.fleet_sid]
        with Vertical(id="sim-update", classes="form"):
            yield Static(plain(f"Update SIM {sim.label} (now {sim.status})"), classes="form-title")
            with Horizontal(classes="field"):
                yield Label("Status")
                yield Select(
                    [(f"unchanged ({sim.status})", UNCHANGED), *((s, s) for s in ("ready", "active", "inactive"))],
                    id="sim-status",
                    compact=True,
                    value=UNCHANGED,
                    allow_blank=False,
                )
            with Horizontal(classes="field"):
                yield Label("Fleet")
                yield Select(fleet_options, id="sim-fleet", compact=True, value=UNCHANGED, allow_blank=False)
            with Horizontal(classes="field commands-field"):
                yield Label("Callback")
                yield Input(id="sim-callback-url", compact=True, placeholder="https://… called when it finishes")
                yield Select(
                    [(m, m) for m in HTTP_METHODS],
                    id="sim-callback-method",
                    compact=True,
                    value="POST",
                    allow_blank=False,
                )
            with Horizontal(classes="field"):
                yield Label("Account")
                yield Input(
                    value=sim.account_sid or "",
                    id="sim-account",
                    compact=True,
                    disabled=str(sim.status) != "new",
                    placeholder="AC… (this account or a subaccount)",
                )
            note = (
                "The account can change while the SIM is new."
                if str(sim.status) == "new"
                else f"The account can change only while a SIM is new (this one is {sim.status})."
            )
            yield Static(Text(note, style="dim"))
            yield Static(id="form-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def _fleet_label(self, sid: str | None) -> str:
        if sid is None:
            return "no fleet"
        return next((f.label for f in self.fleets if f.sid == sid), sid)

    def on_mount(self) -> None:
        self.query_one("#sim-status", Select).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.saving:
            self.dismiss(None)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        if self.saving:
            return
        error = self.query_one("#form-error", Static)
        error.update("")
        status_value = str(self.query_one("#sim-status", Select).value)
        fleet_value = str(self.query_one("#sim-fleet", Select).value)
        url = self.query_one("#sim-callback-url", Input).value.strip()
        method = str(self.query_one("#sim-callback-method", Select).value)
        account = self.query_one("#sim-account", Input).value.strip()
        status = None if status_value == UNCHANGED else status_value
        fleet_given = fleet_value != UNCHANGED
        fleet_sid = None if fleet_value in (UNCHANGED, NO_FLEET) else fleet_value
        if url:
            problem = url_problem(url, "the callback URL")
            if problem:
                error.update(Text(problem[:1].upper() + problem[1:]))
                return
            if not (status or fleet_given):
                error.update("Callback: it is called when a status or fleet change finishes; choose one.")
                return
        if account and account != self.sim.account_sid and not _ACCOUNT.fullmatch(account):
            error.update("Account: expected an Account SID (AC and 32 hexadecimal digits).")
            return
        problem = update_problem(
            self.sim, status=status, fleet_sid=fleet_sid, fleet_given=fleet_given, account_sid=account or None
        )
        if problem:
            error.update(Text(f"Not sent: {problem}."))
            return
        send = update_fields(
            self.sim,
            status=status,
            fleet_sid=fleet_sid,
            fleet_given=fleet_given,
            callback_url=url or None,
            callback_method=method if url else None,
            account_sid=account or None,
        )
        if not send:
            error.update("Nothing to change.")
            return
        mode = str(getattr(self.app, "mode", OPEN))
        cuts = send.get("status") == "inactive" or "account_sid" in send
        label = self.sim.unique_name or self.sim.iccid or self.sim.sid
        consent = (
            Consent(NONE)
            if mode == OPEN and not cuts
            else consent_for(sims=1, cuts_service=cuts, mode=mode, phrase=label, what=f"update SIM {label}")
        )
        if consent.level == REFUSED:
            error.update("This profile is read-only: nothing is sent.")
            return
        summary = ", ".join(f"{k.replace('_', ' ')} → {v or '(none)'}" for k, v in send.items())
        if consent.level == NONE:
            self._start(send)
            return
        ask_consent(
            self.app,
            consent,
            "Update SIM",
            Text(printable(f"Update SIM {label}: {summary}?")),
            "Update",
            lambda yes: self._start(send) if yes else None,
        )

    def _start(self, send: dict[str, object]) -> None:
        self.saving = True
        for button in self.query(Button):
            button.disabled = True
        self._save(send)

    @work(exclusive=True, group="sim-update", exit_on_error=False)
    async def _save(self, send: dict[str, object]) -> None:
        try:
            sim = await self.client.update_sim(self.sim.sid, **send)  # type: ignore[arg-type]
        except SuperSimError as error:
            self.query_one("#form-error", Static).update(Text(error_message(error)))
            self.saving = False
            for button in self.query(Button):
                button.disabled = False
            return
        what = "scheduled: it finishes shortly" if str(sim.status) == "scheduled" else "updated"
        self.notify(f"SIM {printable(sim.label)} {what}.", title="SIM", markup=False)
        self.dismiss(sim)
