"""``supersim-tui usage [--fleet F] [--by B] [--granularity G] [--from T] [--to T] [--json|--csv]``."""

from __future__ import annotations

import argparse
from typing import Any

from ..api import NotFoundError, SuperSimClient
from ..ops.sim_info import data_size
from ..ops.usage import BY, UsagePeriodError, check_period, default_period, parse_moment, usage_report
from .session import UsageError


def add_parser(commands: Any, common: argparse.ArgumentParser, fleet_ref: Any) -> None:
    usage = commands.add_parser("usage", parents=[common], help="data and billed amount over a period")
    usage.add_argument("--fleet", type=fleet_ref, help="only this fleet's usage (SID or unique name)")
    usage.add_argument("--by", choices=list(BY), default="total", help="group by (default: total)")
    usage.add_argument("--granularity", choices=["day", "hour"], default="day", help="period of each row (day)")
    usage.add_argument("--from", dest="start", metavar="WHEN", help="2026-11-01 or 2026-11-01T05:00Z (UTC)")
    usage.add_argument("--to", dest="end", metavar="WHEN", help="exclusive end (default: the current day/hour)")
    output = usage.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="machine-readable output")
    output.add_argument("--csv", action="store_true", help="one row per record, as CSV")


async def run(client: SuperSimClient, args: argparse.Namespace) -> int:
    from .output import csv_writer, print_json, table  # here: the parser (built for every start) needs none of it

    try:
        start, end = default_period(args.granularity)
        if args.end:
            span = end - start
            end = parse_moment(args.end, "--to")
            start = end - span
        if args.start:
            start = parse_moment(args.start, "--from")
        check_period(args.by, args.granularity, start, end)
    except UsagePeriodError as problem:
        raise UsageError(str(problem)) from None
    if args.fleet is not None:  # a typo is "no fleet X", not a report of zeros
        try:
            await client.fetch_fleet(args.fleet)
        except NotFoundError:
            raise UsageError(f"no fleet {args.fleet!r} in this account") from None
    report = await usage_report(
        client, by=args.by, granularity=args.granularity, start=start, end=end, fleet=args.fleet
    )
    if args.json:
        print_json(report.to_json())
        return 0
    if args.csv:
        writer = csv_writer()
        writer.writerow(
            [
                "start_time",
                "end_time",
                args.by,
                "label",
                "data_upload",
                "data_download",
                "data_total",
                "billed",
                "billed_unit",
            ]
        )
        for row in report.rows:
            writer.writerow(
                [
                    f"{row.start:%Y-%m-%dT%H:%M:%SZ}",
                    f"{row.end:%Y-%m-%dT%H:%M:%SZ}",
                    row.key or "",
                    row.label,
                    row.data_upload,
                    row.data_download,
                    row.data_total,
                    "" if row.billed is None else row.billed,
                    row.unit or "",
                ]
            )
        return 0
    stamp = "%Y-%m-%d %H:00" if args.granularity == "hour" else "%Y-%m-%d"
    columns = ["period"] + ([] if args.by == "total" else [args.by]) + ["data", "billed"]
    table(
        columns,
        [
            [f"{row.start:{stamp}}"]
            + ([] if args.by == "total" else [row.label])
            + [data_size(row.data_total), f"{row.billed or 0:.2f} {row.unit or ''}".strip()]
            for row in report.rows
        ],
        numbers=["data", "billed"],
    )
    unit = next((r.unit for r in report.rows if r.unit), "")
    data = sum(r.data_total for r in report.rows)
    billed = sum(r.billed or 0 for r in report.rows)
    print(f"\nTotal {data_size(data)}, {billed:.2f} {unit} ({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC)")
    return 0
