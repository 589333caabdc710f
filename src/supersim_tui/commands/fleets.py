"""``fleets create`` and ``fleets update``: every writable field of a Fleet, planned, confirmed, then sent."""

from __future__ import annotations

import argparse
from typing import Any

from ..api.models import to_builtins
from ..ops.fleet_changes import FIELDS, FleetPlan, apply_plan, plan_create, plan_update, settings_problems
from ..ops.nap_impact import CACHE_WARNING
from .confirm import confirm_change, named
from .output import cell_text, note, print_json
from .session import Session, UsageError

EXIT_OK = 0


def _values(args: argparse.Namespace, create: bool) -> dict[str, Any]:
    values: dict[str, Any] = {
        "unique_name": args.name,
        "network_access_profile": args.nap,
        "data_limit": args.data_limit,
        "sms_commands_url": args.sms_commands_url,
        "sms_commands_method": args.sms_commands_method,
        "ip_commands_url": args.ip_commands_url,
        "ip_commands_method": args.ip_commands_method,
    }
    if create:
        values["data_enabled"] = args.data_enabled
        values["sms_commands_enabled"] = args.sms_commands
    return values


def _show_plan(plan: FleetPlan) -> None:
    """The plan on stderr (stdout stays for --json): each field, and what a NAP change does."""
    title = f"Create fleet {plan.label}" if plan.action == "create" else f"Update fleet {plan.label}"
    note(title + (":" if plan.changes else ": nothing to change (every value is already so)"))
    for change in plan.changes:
        key = change.field
        api = FIELDS[key]
        before, after = change.before, change.after
        if key == "network_access_profile":
            after = plan.nap.label if plan.nap else after
            old = plan.nap_change.old_nap if plan.nap_change else None
            before = old.label if old else before
        if plan.action == "create":
            note(f"  {api}: {cell_text(after)}")
        else:
            note(f"  {api}: {cell_text(before)} → {cell_text(after)}")
    nap = plan.nap_change
    if nap is not None:
        note(
            f"  The fleet's {nap.impact.active:,} active and {nap.impact.ready:,} ready SIMs move to NAP "
            f"{nap.new_nap.label}: {len(nap.gained)} network(s) gained, {len(nap.lost)} lost."
        )
        if nap.countries_cut_off:
            note(f"  ⚠ No network would be left in {', '.join(nap.countries_cut_off)}, where its SIMs used data.")
        if not nap.networks_after:
            note("  ⚠ The new NAP allows no network at all: every SIM in the fleet would lose service.")
        if nap.lost:
            note(f"  {CACHE_WARNING}")


async def _run(session: Session, args: argparse.Namespace, create: bool) -> int:
    values = _values(args, create)
    problems = settings_problems(values)
    if problems:
        raise UsageError("; ".join(problems) + "; nothing was sent")
    if not create and all(v is None for v in values.values()):
        raise UsageError(
            "nothing to change: give at least one of --name, --nap, --data-limit, --sms-commands-url, "
            "--sms-commands-method, --ip-commands-url, --ip-commands-method"
        )
    client = session.client
    if args.nap is not None:
        await named(client.fetch_nap(args.nap), f"NAP {args.nap!r}")
    own = None if create else await named(client.fetch_fleet(args.fleet), f"fleet {args.fleet!r}")
    name = values.get("unique_name")
    if name is not None and any(
        f.unique_name == name and (own is None or f.sid != own.sid) for f in await client.list_fleets().collect()
    ):
        raise UsageError(f"a fleet named {name!r} already exists; choose another name; nothing was sent")
    plan = await plan_create(client, values) if create else await plan_update(client, args.fleet, values)
    _show_plan(plan)
    result = None
    if args.dry_run:
        note("Dry run: nothing was sent.")
    elif plan.changes:
        verb = "Create" if create else "Update"
        confirm_change(args, f"{verb} fleet {plan.label}?", plan.consent(getattr(args, "safety_mode", "open")))
        result = await apply_plan(session.client, plan)
        note(f"Fleet {result.unique_name or result.sid} ({result.sid}) {'created' if create else 'updated'}.")
    if args.json:
        print_json({"dry_run": bool(args.dry_run), "plan": plan.to_json(), "fleet": to_builtins(result)})
    elif result is not None:
        print(result.sid)
    return EXIT_OK


async def create(session: Session, args: argparse.Namespace) -> int:
    return await _run(session, args, True)


async def update(session: Session, args: argparse.Namespace) -> int:
    return await _run(session, args, False)
