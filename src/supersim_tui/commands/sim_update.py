"""``sims update SIM``: one SIM's writable fields (Sim document): unique name, status, fleet (or none), the
callback the API calls when an asynchronous update finishes, and the account (to or from a subaccount, only
while the SIM is ``new``). The rules are checked on the SIM as it is now before anything is sent; a change
the SIM cannot take is reported (exit 1) and nothing is sent."""

from __future__ import annotations

import argparse
from typing import Any

from ..api.models import to_builtins
from ..ops.consent import NONE, OPEN, Consent, consent_for
from ..ops.fleet_changes import url_problem
from .confirm import confirm_change
from .output import note, print_json
from .session import Session, UsageError

EXIT_OK, EXIT_FAILED = 0, 1
ACTIVATED = ("ready", "active")


def _cannot(sim: Any, args: argparse.Namespace, fleet_sid: str | None) -> str | None:
    """Why the SIM as it is now cannot take the change (the Sim document's rules), or None."""
    status = str(sim.status)
    if args.account_sid and args.account_sid != sim.account_sid:
        if status != "new":
            return f"the account can only change while the SIM is new (it is {status})"
        if args.status:
            return "the account cannot change in the same request as the status"
    if args.status:
        if status == "scheduled":
            return "the SIM has an update in progress (scheduled); wait until it completes"
        if args.status == "ready" and status not in ("new", "ready"):
            return f"ready is only possible from new (the SIM is {status})"
        if args.status in ACTIVATED and fleet_sid is None:
            return "activating needs a fleet: add --fleet F"
    fleet_changes = (args.fleet is not None or args.no_fleet) and fleet_sid != sim.fleet_sid
    if fleet_changes and status == "scheduled":
        return "the fleet cannot change while the SIM is scheduled; wait until it completes"
    if args.no_fleet and sim.fleet_sid and status in ACTIVATED:
        return f"a SIM cannot leave its fleet while {status}"
    return None


async def update(session: Session, args: argparse.Namespace) -> int:
    client = session.client
    if args.callback_url is not None:
        problem = url_problem(args.callback_url, "--callback-url")
        if problem:
            raise UsageError(problem + "; nothing was sent")
    fields = ("unique_name", "status", "fleet", "no_fleet", "callback_url", "callback_method", "account_sid")
    if not any(getattr(args, f) for f in fields):
        raise UsageError(
            "nothing to change: give at least one of --unique-name, --status, --fleet, --no-fleet, "
            "--callback-url, --account-sid"
        )
    if (args.callback_url or args.callback_method) and not (args.status or args.fleet or args.no_fleet):
        raise UsageError(
            "the callback is only called when a status or fleet change finishes: add --status or --fleet "
            "(the API keeps no callback on the SIM); nothing was sent"
        )
    from .sims import _find_one

    sim = await _find_one(client, args.sim)
    fleet_sid = sim.fleet_sid
    if args.fleet is not None:
        fleet_sid = (await client.fetch_fleet(args.fleet)).sid
    elif args.no_fleet:
        fleet_sid = None
    send: dict[str, Any] = {}
    if args.unique_name and args.unique_name != sim.unique_name:
        send["unique_name"] = args.unique_name
    if args.status and args.status != str(sim.status):
        send["status"] = args.status
    if (args.fleet is not None or args.no_fleet) and fleet_sid != sim.fleet_sid:
        send["fleet"] = fleet_sid or ""
    if args.account_sid and args.account_sid != sim.account_sid:
        send["account_sid"] = args.account_sid
    if send and ("status" in send or "fleet" in send):
        if args.callback_url:
            send["callback_url"] = args.callback_url
        if args.callback_method:
            send["callback_method"] = args.callback_method
    label = sim.unique_name or sim.iccid or sim.sid
    plan: dict[str, Any] = {"sim": sim.sid, "iccid": sim.iccid, "status": str(sim.status), "send": send}
    reason = _cannot(sim, args, fleet_sid)
    if reason:
        note(f"SIM {label} cannot take the change: {reason}. Nothing was sent.")
        if args.json:
            print_json({"dry_run": bool(args.dry_run), "outcome": "invalid", "reason": reason, "plan": plan})
        return EXIT_FAILED
    if not send:
        note(f"SIM {label}: nothing to change (every value is already so).")
        if args.json:
            print_json(
                {
                    "dry_run": bool(args.dry_run),
                    "outcome": "skipped",
                    "reason": None,
                    "plan": plan,
                    "sim": to_builtins(sim),
                }
            )
        return EXIT_OK
    note(f"Update SIM {label} ({sim.sid}): " + ", ".join(f"{k} → {v or '(none)'}" for k, v in send.items()))
    if args.dry_run:
        note("Dry run: nothing was sent.")
        if args.json:
            print_json({"dry_run": True, "outcome": "planned", "reason": None, "plan": plan, "sim": None})
        return EXIT_OK
    mode = getattr(args, "safety_mode", OPEN)
    cuts = send.get("status") == "inactive" or "account_sid" in send
    consent = (
        Consent(NONE)
        if mode == OPEN and not cuts
        else consent_for(
            sims=1,
            cuts_service=cuts,
            mode=mode,
            phrase=sim.unique_name or sim.iccid or sim.sid,
            what=f"update SIM {label}",
        )
    )
    confirm_change(args, f"Update SIM {label}?", consent)
    updated = await client.update_sim(sim.sid, **send)
    if str(updated.status) == "scheduled":
        note(
            f"SIM {label} is scheduled: the change finishes shortly"
            + (" and the callback URL is called." if args.callback_url else ".")
        )
    else:
        note(f"SIM {label} updated.")
    if args.json:
        print_json({"dry_run": False, "outcome": "done", "reason": None, "plan": plan, "sim": to_builtins(updated)})
    else:
        print(updated.sid)
    return EXIT_OK
