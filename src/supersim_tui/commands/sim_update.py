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
from ..ops.outcomes import PLANNED
from ..ops.sim_changes import update_fields, update_problem
from .confirm import confirm_change, named
from .output import note, print_json
from .session import Session, UsageError

EXIT_OK, EXIT_FAILED = 0, 1


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
    from .sims import find_sim

    sim = await find_sim(client, args.sim)
    fleet_sid = sim.fleet_sid
    if args.fleet is not None:
        fleet_sid = (await named(client.fetch_fleet(args.fleet), f"fleet {args.fleet!r}")).sid
    elif args.no_fleet:
        fleet_sid = None
    fleet_given = args.fleet is not None or args.no_fleet
    send = update_fields(
        sim,
        unique_name=args.unique_name,
        status=args.status,
        fleet_sid=fleet_sid,
        fleet_given=fleet_given,
        callback_url=args.callback_url,
        callback_method=args.callback_method,
        account_sid=args.account_sid,
    )
    label = sim.unique_name or sim.iccid or sim.sid
    plan: dict[str, Any] = {"sim": sim.sid, "iccid": sim.iccid, "status": str(sim.status), "send": send}
    reason = update_problem(
        sim, status=args.status, fleet_sid=fleet_sid, fleet_given=fleet_given, account_sid=args.account_sid
    )
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
            print_json({"dry_run": True, "outcome": PLANNED, "reason": None, "plan": plan, "sim": None})
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
    # The report is the API's reply (its name, status and fleet now), never the SIM as read before the change.
    who = f"SIM {updated.label} ({updated.sid})"
    fleet = f"fleet {updated.fleet_sid}" if updated.fleet_sid else "no fleet"
    if str(updated.status) == "scheduled":
        note(
            f"{who} is scheduled ({fleet}): the change finishes shortly"
            + (" and the callback URL is called." if args.callback_url else ".")
        )
    else:
        note(f"{who} updated: status {updated.status}, {fleet}.")
    if args.json:
        print_json({"dry_run": False, "outcome": "done", "reason": None, "plan": plan, "sim": to_builtins(updated)})
    else:
        print(updated.sid)
    return EXIT_OK
