"""One SIM's update (the Sim document's writable fields), checked on the SIM as it is now before anything is
sent: shared by ``sims update`` and the TUI's SIM update form. No Textual, no Rich."""

from __future__ import annotations

from typing import Any

from ..api import NotFoundError, Sim, SuperSimClient
from ..iccid import iccid_problem, meant_as_iccid, normalize
from .names import ref_problem

ACTIVATED = ("ready", "active")


def update_problem(
    sim: Sim,
    *,
    status: str | None = None,
    fleet_sid: str | None = None,
    fleet_given: bool = False,
    account_sid: str | None = None,
) -> str | None:
    """Why ``sim`` cannot take the update now, or None. ``fleet_given`` with ``fleet_sid`` None takes the SIM
    out of its fleet."""
    now = str(sim.status)
    target_fleet = fleet_sid if fleet_given else sim.fleet_sid
    if account_sid and account_sid != sim.account_sid:
        if now != "new":
            return f"the account can only change while the SIM is new (it is {now})"
        if status and status != now:
            return "the account cannot change in the same request as the status"
    if status and status != now:
        if now == "scheduled":
            return "the SIM has an update in progress (scheduled); wait until it completes"
        if status == "ready" and now != "new":
            return f"ready is only possible from new (the SIM is {now})"
        if status in ACTIVATED and target_fleet is None:
            return "activating needs a fleet: give one in the same update"
    if fleet_given and target_fleet != sim.fleet_sid:
        if now == "scheduled":
            return "the fleet cannot change while the SIM is scheduled; wait until it completes"
        if target_fleet is None and now in ACTIVATED:
            return f"a SIM cannot leave its fleet while {now}"
    return None


def update_fields(
    sim: Sim,
    *,
    unique_name: str | None = None,
    status: str | None = None,
    fleet_sid: str | None = None,
    fleet_given: bool = False,
    callback_url: str | None = None,
    callback_method: str | None = None,
    account_sid: str | None = None,
) -> dict[str, Any]:
    """The fields to send (``client.update_sim`` keywords): only what differs; the callback only with a status
    or fleet change (the API calls it when such a change finishes, and keeps nothing on the SIM)."""
    send: dict[str, Any] = {}
    if unique_name and unique_name != sim.unique_name:
        send["unique_name"] = unique_name
    if status and status != str(sim.status):
        send["status"] = status
    if fleet_given and fleet_sid != sim.fleet_sid:
        send["fleet"] = fleet_sid or ""
    if account_sid and account_sid != sim.account_sid:
        send["account_sid"] = account_sid
    if "status" in send or "fleet" in send:
        if callback_url:
            send["callback_url"] = callback_url
        if callback_method:
            send["callback_method"] = callback_method
    return send


class SimLookupError(ValueError):
    """The text given for a SIM is not an ICCID and names no SIM of this account (the message says which)."""


async def iccid_for(client: SuperSimClient, text: str) -> str:
    """The ICCID to filter by for ``text``: an ICCID as typed (checked, spaces and dashes dropped), or the ICCID
    of the SIM whose SID or unique name it is (the API fetches a SIM by either). Raises SimLookupError."""
    value = text.strip()
    if meant_as_iccid(value):
        problem = iccid_problem(normalize(value))
        if problem:
            raise SimLookupError(problem)
        return normalize(value)
    problem = ref_problem(value, "SIM")
    if problem:
        raise SimLookupError(f"the SIM {problem}")
    try:
        sim = await client.fetch_sim(value)
    except NotFoundError:
        raise SimLookupError(f"no SIM with SID or unique name {value!r} in this account") from None
    if not sim.iccid:
        raise SimLookupError(f"SIM {sim.sid} has no ICCID to filter by")
    return sim.iccid
