"""Forms: create or edit a fleet (every writable field, with a preview before its NAP changes), name a NAP."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from ..api import Fleet, NetworkAccessProfile, SuperSimClient, SuperSimError
from ..ops.consent import OPEN, REFUSED, Consent, consent_for
from ..ops.fleet_changes import HTTP_METHODS, name_problem, url_problem
from ..ops.nap_impact import CACHE_WARNING, FleetNapChange, fleet_nap_change
from .consent import ask_consent, guard_change
from .dialogs import DialogBody, FittedDialog, relabel
from .failures import ReportsFailures, Task, error_message, failure_text
from .format import plain, printable
from .keyflow import background
from .pane import count_of
from .toggles import MarkedCheckbox

MAX_DATA_LIMIT = 2_000_000  # the spec's DataLimit bound (as ops.fleet_changes)


class FleetForm(ReportsFailures, FittedDialog[bool]):
    """Create a fleet, or edit one. Changing the NAP first shows what changes; a second Save confirms."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "save", "Save", id="form.save"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {
        "fleet-preview": Task("Working out what the NAP change does", "Press Save to try again."),
        "fleet-save": Task("Saving the fleet", "Press Save to try again."),
    }

    def __init__(
        self,
        client: SuperSimClient,
        naps: list[NetworkAccessProfile],
        fleet: Fleet | None = None,
        taken: Collection[str] = (),
    ):
        super().__init__()
        self.client = client
        self.naps = naps
        self.fleet = fleet
        self.taken = set(taken) - {fleet.unique_name} if fleet and fleet.unique_name else set(taken)
        self.untouched: tuple[object, ...] = ()  # the fields' values as opened: Esc asks again if they moved
        self.discard_armed = False  # Esc was pressed once with edits: a second Esc discards them
        self.previewed_nap: str | None = None
        self.consent: Consent | None = None  # how much consent the previewed NAP change needs (ops.consent)
        self.saving = False  # while saving: a second Enter or Save does nothing
        self.preview_text = Text()
        self.commands: dict[str, str | None] = {}  # the commands' settings to send, checked by Save
        self.saved_sid: str | None = None  # the fleet created (the Fleets pane puts its cursor there)
        # The fleet as the API returned it after the save: shown at once, before the fleets are read again (a key
        # typed meanwhile, ``e`` again, acts on the fleet as saved, not as it was).
        self.saved: Fleet | None = None

    def compose(self) -> ComposeResult:
        fleet = self.fleet
        with Vertical(id="form", classes="form"):
            yield Static(plain(f"Edit fleet {fleet.label}" if fleet else "New fleet"), classes="form-title")
            with Horizontal(classes="field"):
                yield Label("Unique name")
                yield Input(
                    value=(fleet.unique_name or "") if fleet else "",
                    id="fleet-name",
                    compact=True,
                    placeholder="e.g. eu-trackers",
                )
            with Horizontal(classes="field select-field"):
                yield Label("NAP")
                yield Select(
                    [(plain(n.label), n.sid) for n in self.naps],
                    id="fleet-nap",
                    compact=True,
                    value=fleet.network_access_profile_sid
                    if fleet and fleet.network_access_profile_sid
                    else Select.NULL,
                    prompt="choose a network access profile",
                )
            with Horizontal(classes="field"):
                yield Label("Data limit MB")
                yield Input(
                    value=str(fleet.data_limit if fleet and fleet.data_limit else 1000),
                    id="fleet-limit",
                    compact=True,  # any text: checked on Save (type="integer" dropped keys silently: 1e3 gave 13)
                )
            if fleet is None:  # DataEnabled and SmsCommandsEnabled are set on create only (the spec)
                with Horizontal(classes="field checks-field"):
                    yield Label("Enabled")
                    yield MarkedCheckbox("Data", value=True, id="fleet-data", compact=True)
                    yield MarkedCheckbox("SMS commands", value=True, id="fleet-sms", compact=True)
            for kind, title in (("sms", "SMS commands"), ("ip", "IP commands")):
                url = getattr(fleet, f"{kind}_commands_url", None) if fleet else None
                method = getattr(fleet, f"{kind}_commands_method", None) if fleet else None
                with Horizontal(classes="field commands-field"):
                    yield Label(title)
                    yield Input(
                        value=url or "", id=f"fleet-{kind}-url", compact=True, placeholder="https://… URL (optional)"
                    )
                    yield Select(
                        [(m, m) for m in HTTP_METHODS],
                        id=f"fleet-{kind}-method",
                        compact=True,
                        value=str(method) if method else "POST",
                        allow_blank=False,
                    )
            with DialogBody():  # a long preview scrolls: Save and Cancel stay on screen (80x24)
                yield Static(id="form-preview")
            yield Static(id="form-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#fleet-name", Input).focus()
        self.untouched = self._values()

    def _values(self) -> tuple[object, ...]:
        return tuple(w.value for w in self.query("Input, Select, Checkbox").results() if hasattr(w, "value"))

    def worker_failed(self, group: str, error: BaseException) -> None:
        """The form has an error line: the failure is shown there, not as a notification."""
        self.query_one("#form-preview", Static).update("")
        self.query_one("#form-error", Static).update(Text(failure_text(self.task_for(group), error)))
        self._set_saving(False)

    @on(Select.Changed, "#fleet-nap")
    def _nap_changed(self) -> None:
        self.previewed_nap = None
        self.query_one("#form-preview", Static).update("")
        relabel(self.query_one("#save", Button), "Save")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.saving:
            return
        if self.discard_armed or self._values() == self.untouched:
            self.dismiss(False)
            return
        self.discard_armed = True
        self.query_one("#form-error", Static).update("Unsaved changes: Esc again discards them; Ctrl+S saves.")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _edited(self) -> None:
        self.discard_armed = False  # a new edit: Esc asks again

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        if self.saving:
            return
        error = self.query_one("#form-error", Static)
        error.update("")
        self.discard_armed = False  # the error line no longer says "Esc again discards": Esc asks again
        # The name first (the form's first field), then the limit, then the NAP (what is chosen last).
        name = self.query_one("#fleet-name", Input).value.strip()
        if name or (self.fleet and self.fleet.unique_name):  # a fleet's name is never cleared to blank
            problem = name_problem(name)
            if problem:
                error.update(Text("Unique name: " + problem.removeprefix("the unique name ")))
                return
            if name in self.taken:
                error.update(Text(f"Unique name: {name!r} is already used by another fleet; choose another"))
                return
        limit_text = self.query_one("#fleet-limit", Input).value.strip()
        if not (limit_text.isascii() and limit_text.isdigit()) or not 1 <= int(limit_text) <= MAX_DATA_LIMIT:
            error.update(f"Data limit: expected a whole number of megabytes from 1 to {MAX_DATA_LIMIT:,}")
            return
        nap = self.query_one("#fleet-nap", Select).value
        if not isinstance(nap, str):
            error.update("NAP: choose the network access profile the fleet's SIMs may use")
            return
        commands = self._commands()
        if isinstance(commands, str):
            error.update(Text(commands))
            return
        self.commands = commands
        fleet = self.fleet
        unchanged = (name, nap, int(limit_text)) == (
            (fleet.unique_name or "", fleet.network_access_profile_sid, fleet.data_limit) if fleet else ()
        )
        if unchanged and not commands:  # an update with no field: the API dates the fleet "changed", nothing more
            self.notify("No field changed: nothing was sent.", title="Fleets", markup=False)
            self.dismiss(False)
            return
        if fleet and nap != fleet.network_access_profile_sid and self.previewed_nap != nap:
            self._preview(nap)
            return
        consent = self.consent if fleet and nap != fleet.network_access_profile_sid else None
        if consent is not None and consent.level == REFUSED:
            error.update("This profile is read-only: nothing is saved.")
            return
        if consent is not None and consent.typed:
            body = self.preview_text

            def typed(yes: bool) -> None:
                if yes:
                    self._start_save(name, nap, int(limit_text))

            ask_consent(
                self.app,
                consent,
                f"Change the NAP of fleet {fleet.label if fleet else ''}",
                body,
                "Change the NAP",
                typed,
            )
            return
        if consent is None:  # no NAP change: a protected profile still types to confirm
            label = name or (fleet.label if fleet else "the new fleet")
            guard_change(
                self.app,
                "Save fleet",
                f"{'save fleet' if fleet else 'create fleet'} {label}",
                name or "save",
                lambda: self._start_save(name, nap, int(limit_text)),
            )
            return
        self._start_save(name, nap, int(limit_text))

    def _commands(self) -> dict[str, str | None] | str:
        """The SMS and IP commands' URLs and methods to send (only what changed when editing), or the problem
        with one of them (URLs must be https; an emptied URL is cleared)."""
        values: dict[str, str | None] = {}
        for kind, title in (("sms", "SMS commands"), ("ip", "IP commands")):
            url = self.query_one(f"#fleet-{kind}-url", Input).value.strip()
            method = str(self.query_one(f"#fleet-{kind}-method", Select).value)
            if url:
                problem = url_problem(url, f"{title} URL")
                if problem:
                    return problem[:1].upper() + problem[1:]
            before_url = getattr(self.fleet, f"{kind}_commands_url", None) if self.fleet else None
            before_method = getattr(self.fleet, f"{kind}_commands_method", None) if self.fleet else None
            if self.fleet is None:
                values[f"{kind}_commands_url"] = url or None
                values[f"{kind}_commands_method"] = method
                continue
            if url != (before_url or ""):
                values[f"{kind}_commands_url"] = url  # "" clears it
            if method != (str(before_method) if before_method else "POST"):
                values[f"{kind}_commands_method"] = method
        return values

    def _set_saving(self, saving: bool) -> None:
        """While saving, Save and Cancel are disabled and a second Enter does nothing."""
        self.saving = saving
        for button in self.query(Button):
            button.disabled = saving

    def _start_save(self, name: str, nap: str, limit: int) -> None:
        self._set_saving(True)
        self._save(name, nap, limit)

    @work(exclusive=True, group=background("fleet-preview"), exit_on_error=False)
    async def _preview(self, nap_sid: str) -> None:
        assert self.fleet is not None
        preview = self.query_one("#form-preview", Static)
        preview.update("Working out what changes…")
        new_nap = next(n for n in self.naps if n.sid == nap_sid)
        change = await fleet_nap_change(self.client, self.fleet, new_nap)
        self.preview_text = render_fleet_nap_change(change)
        preview.update(self.preview_text)
        self.previewed_nap = nap_sid
        cuts = bool(change.countries_cut_off or not change.networks_after)
        self.consent = consent_for(
            sims=change.impact.active + change.impact.ready,
            cuts_service=cuts,
            mode=str(getattr(self.app, "mode", OPEN)),
            phrase=self.fleet.unique_name or None,
            what=f"move fleet {self.fleet.label} to NAP {new_nap.label}",
        )
        save = self.query_one("#save", Button)
        relabel(save, "Confirm NAP change")
        if cuts:
            save.variant = "error"
            self.query_one("#cancel", Button).focus()  # a change that cuts service opens on Cancel
        else:
            save.focus()

    @work(exclusive=True, group="fleet-save", exit_on_error=False)
    async def _save(self, name: str, nap: str, limit: int) -> None:
        try:
            if self.fleet is None:
                created = await self.client.create_fleet(
                    nap,
                    unique_name=name or None,
                    data_limit=limit,
                    data_enabled=self.query_one("#fleet-data", Checkbox).value,
                    sms_commands_enabled=self.query_one("#fleet-sms", Checkbox).value,
                    **self.commands,
                )
                self.saved_sid, self.saved = created.sid, created
                self.notify(f"Fleet {printable(created.label)} created.", title="Fleets", markup=False)
            else:
                changed_name = name if name != (self.fleet.unique_name or "") else None
                self.saved = await self.client.update_fleet(
                    self.fleet.sid,
                    unique_name=changed_name,
                    network_access_profile=nap if nap != self.fleet.network_access_profile_sid else None,
                    data_limit=limit if limit != self.fleet.data_limit else None,
                    **self.commands,
                )
                self.notify(f"Fleet {printable(name) or self.fleet.sid} saved.", title="Fleets", markup=False)
        except SuperSimError as error:
            self.query_one("#form-error", Static).update(Text(error_message(error)))
            self._set_saving(False)
            return
        self.dismiss(True)


def render_fleet_nap_change(change: FleetNapChange) -> Text:
    text = Text()
    text.append(f"Moving to NAP {printable(change.new_nap.label)}", style="bold")
    text.append(f" affects {change.impact.active:,} active and {change.impact.ready:,} ready SIMs.\n")

    def names(networks: list[object]) -> str:
        shown = [printable(f"{n.friendly_name} {n.iso_country}") for n in networks[:6]]  # type: ignore[attr-defined]
        return ", ".join(shown) + (f" and {len(networks) - 6} more" if len(networks) > 6 else "")

    gained = f"Gains {count_of(len(change.gained), 'network')}: {names(list(change.gained))}" if change.gained else ""
    lost = f"Loses {count_of(len(change.lost), 'network')}: {names(list(change.lost))}" if change.lost else ""
    text.append((gained or "Gains no network") + "\n", style="green" if change.gained else "")
    text.append((lost or "Loses no network") + "\n", style="red" if change.lost else "")
    if change.countries_cut_off:
        text.append(
            "⚠ No network would be left in "
            + ", ".join(change.countries_cut_off)
            + ", where this fleet's SIMs used data recently.\n",
            style="bold red",
        )
    if not change.networks_after:
        text.append("⚠ The new NAP allows no network at all.\n", style="bold red")
    if change.lost:
        text.append("ℹ " + CACHE_WARNING + "\n", style="yellow")
    text.append("Press Confirm NAP change to save.", style="bold")
    return text


class NameForm(ModalScreen[str | None]):
    """One unique name (new NAP, rename a NAP)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        taken: set[str] | None = None,
        problem: Callable[[str], str | None] = name_problem,
        *,
        renaming: bool = False,
    ):
        super().__init__()
        self.title_text = title
        self.value = value
        self.renaming = renaming  # ``value`` is the current name: OK on it changes nothing (nothing is sent)
        self.taken = taken or set()
        self.problem = problem  # what is wrong with a name (a SIM's has one more rule: sim_name_problem)

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(plain(self.title_text), classes="form-title")
            with Horizontal(classes="field"):
                yield Label("Unique name")
                yield Input(value=printable(self.value), id="name", compact=True)
            yield Static(id="form-error", classes="error")
            with Horizontal(classes="form-buttons"):
                yield Button("OK", id="ok", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#ok")
    @on(Input.Submitted)
    def _ok(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        error = self.query_one("#form-error", Static)
        problem = self.problem(name) if name else None  # as the fleet form and the commands check it
        if self.renaming and name == self.value:
            self.notify("The name is unchanged: nothing was sent.", title=printable(self.title_text), markup=False)
            self.dismiss(None)
        elif not name:
            error.update("Unique name: enter a name")
        elif problem:
            error.update(Text("Unique name: " + problem.removeprefix("the unique name ")))
        elif name in self.taken:
            error.update(Text(f"Unique name: {name!r} is already used; choose another"))
        else:
            self.dismiss(name)
