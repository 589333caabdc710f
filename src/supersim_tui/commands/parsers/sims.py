"""Parsers of ``sims`` and its actions: list, show, the bulk changes, register, resume, runs, update."""

from __future__ import annotations

import argparse
from typing import Any

from ...settings import MAX_CONCURRENCY
from ..argtypes import (
    SETTABLE_STATUSES,
    SIM_STATUSES,
    _account_sid,
    _bulk_sim,
    _changes,
    _concurrency,
    _count_limit,
    _iccid,
    _iccid_sid_or_status,
    _list_output,
    _method,
    _pattern,
    _ref,
    _run_id,
    _sim,
    _sim_unique_name,
    _text,
    _url,
)


def _sim_update_parser(sims: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    cmd = sims.add_parser(
        "update",
        parents=[common],
        help="change one SIM: name, status, fleet, callback, account (while new)",
    )
    cmd.add_argument("sim", type=_sim, help="ICCID, SID or unique name")
    cmd.add_argument("--unique-name", type=_sim_unique_name)
    cmd.add_argument("--status", choices=SETTABLE_STATUSES)
    fleet = cmd.add_mutually_exclusive_group()
    fleet.add_argument("--fleet", type=_ref("fleet"), help="assign this fleet (SID or unique name)")
    fleet.add_argument("--no-fleet", action="store_true", help="take the SIM out of its fleet (new or inactive only)")
    cmd.add_argument("--callback-url", type=_url, metavar="URL", help="https URL called when the change finishes")
    cmd.add_argument("--callback-method", type=_method, metavar="GET|POST", help="method for the callback")
    cmd.add_argument(
        "--account-sid", type=_account_sid, metavar="AC…", help="move to this account or subaccount (only while new)"
    )
    _changes(cmd)


def add_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    sims = commands.add_parser("sims", help="SIMs: list, show, change, register, resume").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    s_list = sims.add_parser("list", parents=[common], help="list SIMs")
    s_list.add_argument("--status", choices=SIM_STATUSES)
    s_list.add_argument("--fleet", type=_ref("fleet"), help="fleet SID or unique name")
    s_list.add_argument("--iccid", type=_iccid)
    s_list.add_argument("--limit", type=_count_limit, default=None, help="stop after N SIMs (1 or more)")
    _list_output(s_list, "sims")
    s_show = sims.add_parser("show", parents=[common], help="one SIM with fleet, NAP, IPs and recent usage")
    s_show.add_argument("sim", type=_sim, help="ICCID, SID or unique name")
    s_show.add_argument("--json", action="store_true")

    def bulk(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd: argparse.ArgumentParser = sims.add_parser(name, parents=[common], help=help_text)
        if name == "set-status":
            # STATUS ICCID... as documented (ICCID... STATUS is accepted too): one positional list, the status
            # picked out of it in _main, because argparse would give the first word to the ICCIDs.
            cmd.usage = (
                "%(prog)s [options] STATUS [ICCID ...]\n       (ICCID... | --iccid-file FILE | "
                "--fleet F --from-status S)"
            )
            cmd.add_argument(
                "refs",
                nargs="+",
                metavar="STATUS",
                type=_iccid_sid_or_status,
                help="ready, active or inactive, then the ICCIDs, SIM SIDs or SIM unique names (if any)",
            )
        else:
            cmd.add_argument(
                "refs", nargs="*", metavar="ICCID", type=_bulk_sim, help="ICCIDs, SIM SIDs or SIM unique names"
            )
        cmd.add_argument(
            "--iccid-file", type=_text("the file name", 4096), help="a file with one ICCID or SID per line"
        )
        cmd.add_argument("--fleet", type=_ref("fleet"), help="select the SIMs in this fleet")
        cmd.add_argument("--from-status", choices=SIM_STATUSES, help="select the SIMs with this status")
        cmd.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
        cmd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        cmd.add_argument(
            "--concurrency",
            type=_concurrency,
            default=None,
            help=f"the most requests in flight, 1 to {MAX_CONCURRENCY} (default: settings, else 100); the "
            "engine starts lower and finds the account's allowance below it",
        )
        _list_output(cmd, "outcomes")
        return cmd

    set_status = bulk("set-status", "set the status of many SIMs (follows scheduled updates to the end)")
    set_status.add_argument(
        "--into-fleet",
        type=_ref("fleet"),
        help="assign this fleet in the same request (needed to activate SIMs that have none)",
    )
    activate = bulk("activate", "shortcut for set-status active")
    activate.add_argument("--into-fleet", type=_ref("fleet"), help="assign this fleet in the same request")
    activate.set_defaults(status="active")
    move = bulk("move", "move many SIMs to another fleet")
    move.add_argument("--to-fleet", required=True, type=_ref("fleet"), help="target fleet SID or unique name")
    rename = bulk("rename", "give many SIMs unique names from a pattern")
    rename.add_argument(
        "--pattern",
        required=True,
        type=_pattern,
        help="e.g. 'gate-{n}' or 'meter-{last6}'; fields: {n} {iccid} {last4} {last6} {sid}",
    )

    reg = sims.add_parser("register", parents=[common], help="register SIMs by ICCID and registration code")
    reg.add_argument("iccid", nargs="?")
    reg.add_argument("code", nargs="?", metavar="REGISTRATION_CODE")
    reg.add_argument(
        "--csv",
        dest="csv_file",  # an input: not the CSV output format that --csv chooses for the listings
        metavar="FILE",
        type=_text("the file name", 4096),
        help="a CSV of iccid,registration_code[,fleet,unique_name]",
    )
    reg.add_argument("--fleet", type=_ref("fleet"), help="assign this fleet after registering (single SIM)")
    reg.add_argument("--unique-name", type=_sim_unique_name, help="set this unique name after registering (single SIM)")
    reg.add_argument("--yes", action="store_true", help="do not ask (several SIMs, or a protected profile, ask)")
    reg.add_argument(
        "--dry-run",
        action="store_true",
        help="check the rows, the fleets named and which SIMs are already in this account; send nothing",
    )
    reg.add_argument("--concurrency", type=_concurrency, default=None, help="registrations in flight at most")
    reg.add_argument("--json", action="store_true", help="the outcomes (or, with --dry-run, the plan) as JSON")

    res = sims.add_parser("resume", parents=[common], help="finish an interrupted run (default: the newest)")
    res.add_argument("run_id", nargs="?", type=_run_id)
    res.add_argument("--yes", action="store_true", help="do not ask (on a terminal, the plan is shown and asked for)")
    res.add_argument("--concurrency", type=_concurrency, default=None)
    _list_output(res, "outcomes")
    runs = sims.add_parser("runs", parents=[common], help="list journaled bulk runs")
    _list_output(runs, "runs")
    _sim_update_parser(sims, common)
