"""``supersim-tui health [--json] [--fail-on SEVERITY]``: what in the account needs attention.

Exit code 0 whatever is found (a report, like ``status``), unless ``--fail-on`` names a severity:
then 1 when a finding at or above it exists (for scripts and monitoring).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..api import SuperSimClient
from ..ops.health import SEVERITIES, Thresholds, account_health
from .argtypes import _between

SHOWN_SIMS = 5
MAX_SCHEDULED_HOURS = 87_600  # ten years: longer than any SIM has existed
MAX_CONCURRENCY = 64  # the health read's own bound (slices read side by side), not the bulk runs' setting


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    health = commands.add_parser("health", parents=[common], help="what in the account needs attention")
    health.add_argument("--json", action="store_true", help="machine-readable output (every SIM of each finding)")
    health.add_argument("--fail-on", choices=SEVERITIES, help="exit 1 when a finding of this severity or higher exists")
    health.add_argument(
        "--scheduled-hours",
        type=_between(1, MAX_SCHEDULED_HOURS, "hours"),
        default=24,
        metavar="H",
        help=f"scheduled longer than this is stuck (24; 1 to {MAX_SCHEDULED_HOURS:,})",
    )
    health.add_argument(
        "--concurrency",
        type=_between(1, MAX_CONCURRENCY, "requests in flight"),
        default=8,
        help=f"parallel requests (default 8; 1 to {MAX_CONCURRENCY})",
    )


async def run(client: SuperSimClient, args: argparse.Namespace) -> int:
    from .output import print_json  # here, not at the top: the parser (built for every start) needs none of it

    report = await account_health(
        client,
        thresholds=Thresholds(scheduled_hours=args.scheduled_hours),
        concurrency=args.concurrency,
    )
    if args.json:
        print_json(report.to_json())
    else:
        print(f"Health of {report.sims_checked:,} SIMs at {report.checked_at:%Y-%m-%d %H:%M} UTC")
        if not report.findings:
            print("Nothing needs attention.")
        for finding in report.findings:
            print(f"\n{finding.severity.upper():<6}  {finding.title}")
            print(f"        {finding.explanation}")
            if finding.detail:
                print(f"        {finding.detail}")
            if finding.sims:
                shown = ", ".join(s.iccid or s.sid for s in finding.sims[:SHOWN_SIMS])
                more = len(finding.sims) - SHOWN_SIMS
                print(f"        SIMs: {shown}" + (f" (+{more:,} more; --json lists all)" if more > 0 else ""))
            elif finding.fleet is not None:
                print(f"        Fleet: {finding.fleet.label} ({finding.fleet.sid})")
            elif finding.nap is not None:
                print(f"        NAP: {finding.nap.unique_name or finding.nap.sid} ({finding.nap.sid})")
    if args.fail_on:
        worst = SEVERITIES.index(args.fail_on)
        if any(SEVERITIES.index(f.severity) <= worst for f in report.findings):
            return 1
    return 0
