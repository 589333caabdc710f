"""Creating and updating a fleet: the writable fields, their rules, the plan of what changes, and its consent.

Shared by the ``fleets create|update`` commands and the TUI's fleet form, so both check a value the same way
and say the same thing about it. The rules come from the Fleet resource in the spec: ``DataEnabled`` and
``SmsCommandsEnabled`` are set on create only; ``DataLimit`` is 1 to 2,000,000 MB; the commands' methods are
``GET`` or ``POST``; the commands' URLs are URLs (this tool asks for https: a webhook carries device data).
An empty commands URL on an update clears it (sent as an empty field, which the API takes as no URL; the spec
describes no other way): the fleet form's emptied field and ``fleets update --sms-commands-url ""`` alike.
A fleet's unique name, once set, is never cleared to blank by this tool: the fleet would then be listed by
its SID only (send a new name instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..api import Fleet, NetworkAccessProfile, SuperSimClient
from .consent import NONE, OPEN, Consent, consent_for
from .names import control_character, unique_name_problem
from .nap_impact import FleetNapChange, fleet_nap_change

HTTP_METHODS = ("GET", "POST")
MAX_DATA_LIMIT = 2_000_000
MAX_URL = 2048

# The API's field for each plan key (also the order fields are listed in).
FIELDS = {
    "unique_name": "UniqueName",
    "network_access_profile": "NetworkAccessProfile",
    "data_enabled": "DataEnabled",
    "data_limit": "DataLimit",
    "sms_commands_enabled": "SmsCommandsEnabled",
    "sms_commands_url": "SmsCommandsUrl",
    "sms_commands_method": "SmsCommandsMethod",
    "ip_commands_url": "IpCommandsUrl",
    "ip_commands_method": "IpCommandsMethod",
}
CREATE_ONLY = ("data_enabled", "sms_commands_enabled")


def url_problem(value: str, what: str = "the URL") -> str | None:
    """Why ``value`` is not an https URL the API can call (None when it is)."""
    if not value.strip():
        return f"{what} is empty"
    if len(value) > MAX_URL:
        return f"{what} is {len(value):,} characters long; at most {MAX_URL:,}"
    bad = control_character(value)
    if bad is not None or " " in value:
        return f"{what} contains {'a space' if bad is None else repr(bad)}; URLs have none"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return f"{what} is not a valid URL, e.g. https://example.com/hook"
    if parts.scheme.lower() != "https":
        return f"{what} must start with https:// (got {value[:40]!r})"
    if not parts.hostname:
        return f"{what} has no host name, e.g. https://example.com/hook"
    return None


def method_problem(value: str, what: str = "the method") -> str | None:
    if value.upper() not in HTTP_METHODS:
        return f"{what} must be GET or POST (got {value[:20]!r})"
    return None


def data_limit_problem(value: int) -> str | None:
    if not 1 <= value <= MAX_DATA_LIMIT:
        return f"the data limit must be 1 to {MAX_DATA_LIMIT:,} MB (got {value:,})"
    return None


def name_problem(value: str) -> str | None:
    """A fleet's new unique name: never blank (clearing would leave the fleet listed by its SID)."""
    if not value.strip():
        return (
            "the unique name is empty; a fleet's name can be changed but not cleared (it would be listed by its SID "
            "only)"
        )
    if value.startswith("HF") and len(value) == 34:
        return "the unique name must not look like a fleet SID (HF…)"
    problem = unique_name_problem(value)
    return f"the unique name {problem}" if problem else None


def settings_problems(values: dict[str, Any]) -> list[str]:
    """Every problem with the given field values (keys of :data:`FIELDS`), each naming its field."""
    problems = []
    for key, value in values.items():
        if value is None:
            continue
        label = key.replace("_", " ")
        problem: str | None = None
        if key == "unique_name":
            problem = name_problem(value)
        elif key.endswith("_url"):
            problem = url_problem(value, f"the {label}") if value else None  # "": clear it
        elif key.endswith("_method"):
            problem = method_problem(value, f"the {label}")
        elif key == "data_limit":
            problem = data_limit_problem(value)
        if problem:
            problems.append(problem)
    return problems


@dataclass(frozen=True)
class FieldChange:
    field: str  # a key of FIELDS
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "from": self.before, "to": self.after}


@dataclass
class FleetPlan:
    """What a create or update sends, what it changes, and (for a NAP change) who is affected."""

    action: str  # "create" | "update"
    fleet: Fleet | None  # the fleet now (update)
    send: dict[str, Any]  # the fields to send (keys of FIELDS)
    changes: list[FieldChange] = field(default_factory=list)
    nap_change: FleetNapChange | None = None
    nap: NetworkAccessProfile | None = None  # the NAP named (create, or a NAP change)

    @property
    def label(self) -> str:
        if self.fleet is not None:
            return self.fleet.unique_name or self.fleet.sid
        return str(self.send.get("unique_name") or "the new fleet")

    @property
    def cuts_service(self) -> bool:
        change = self.nap_change
        return change is not None and bool(change.countries_cut_off or not change.networks_after)

    def consent(self, mode: str) -> Consent:
        """As the fleet form: a NAP change asks as much as the SIMs it touches need; anything else asks nothing
        in an open profile (a protected one types the fleet's name)."""
        if self.action == "update" and not self.changes:
            return Consent(NONE)
        change = self.nap_change
        if change is not None:
            return consent_for(
                sims=change.impact.active + change.impact.ready,
                cuts_service=self.cuts_service,
                mode=mode,
                phrase=self.label,
                what=f"move fleet {self.label} to NAP {change.new_nap.label}",
            )
        if mode == OPEN:
            return Consent(NONE)
        return consent_for(sims=1, cuts_service=False, mode=mode, phrase=self.label, what=f"{self.action} fleet")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "action": self.action,
            "fleet": self.label,
            "changes": [c.to_json() for c in self.changes],
        }
        change = self.nap_change
        if change is not None:
            data["nap_change"] = {
                "from": change.old_nap.label if change.old_nap else None,
                "to": change.new_nap.label,
                "networks_gained": [n.sid for n in change.gained],
                "networks_lost": [n.sid for n in change.lost],
                "active_sims": change.impact.active,
                "ready_sims": change.impact.ready,
                "countries_cut_off": change.countries_cut_off,
            }
        return data


def _current(fleet: Fleet, key: str) -> Any:
    if key == "network_access_profile":
        return fleet.network_access_profile_sid
    value = getattr(fleet, key)
    return str(value) if key.endswith("_method") and value is not None else value


async def plan_create(client: SuperSimClient, values: dict[str, Any]) -> FleetPlan:
    """Check ``values`` (a NAP is required and must exist); the plan lists every field set."""
    send = {k: v for k, v in values.items() if v is not None}
    for key in ("sms_commands_method", "ip_commands_method"):
        if key in send:
            send[key] = send[key].upper()
    nap = await client.fetch_nap(send["network_access_profile"])
    send["network_access_profile"] = nap.sid
    changes = [FieldChange(k, None, v) for k, v in send.items()]
    return FleetPlan("create", None, send, changes, nap=nap)


async def plan_update(client: SuperSimClient, fleet_ref: str, values: dict[str, Any]) -> FleetPlan:
    """Read the fleet; the plan sends only what differs. A NAP change is previewed (networks, SIMs)."""
    fleet = await client.fetch_fleet(fleet_ref)
    wanted = {k: v for k, v in values.items() if v is not None}
    for key in ("sms_commands_method", "ip_commands_method"):
        if key in wanted:
            wanted[key] = wanted[key].upper()
    nap: NetworkAccessProfile | None = None
    if "network_access_profile" in wanted:
        nap = await client.fetch_nap(wanted["network_access_profile"])
        wanted["network_access_profile"] = nap.sid
    # A commands URL given as "" clears it: a change only if the fleet has one; the plan says it goes to none.
    send = {k: v for k, v in wanted.items() if _current(fleet, k) != (None if v == "" and k.endswith("_url") else v)}
    changes = [FieldChange(k, _current(fleet, k), v if v != "" else None) for k, v in send.items()]
    plan = FleetPlan("update", fleet, send, changes, nap=nap)
    if nap is not None and "network_access_profile" in send:
        plan.nap_change = await fleet_nap_change(client, fleet, nap)
    return plan


async def apply_plan(client: SuperSimClient, plan: FleetPlan) -> Fleet:
    send = dict(plan.send)
    if plan.action == "create":
        nap = send.pop("network_access_profile")
        return await client.create_fleet(nap, **send)
    assert plan.fleet is not None
    if not send:
        return plan.fleet
    return await client.update_fleet(plan.fleet.sid, **send)
