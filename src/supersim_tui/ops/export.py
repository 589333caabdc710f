"""A run's outcomes as CSV: one row per SIM, the same words as the live progress and the JSON."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from .outcomes import ItemOutcome

OUTCOME_COLUMNS = ("iccid", "sid", "name", "outcome", "status", "fleet", "fleet_sid", "error", "code")


def write_outcomes_csv(path: Path, outcomes: Iterable[ItemOutcome], fleet_names: dict[str, str]) -> int:
    """Each SIM's outcome of a run as CSV (a new file: an existing one is never overwritten); the row count."""
    count = 0
    with path.open("x", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OUTCOME_COLUMNS)
        for o in outcomes:
            writer.writerow(
                [
                    o.iccid,
                    o.sid or o.key,  # (outcomes journaled before they carried their SID: the key)
                    o.unique_name or "",
                    o.outcome.value,
                    o.status or "",
                    fleet_names.get(o.fleet_sid or "", ""),
                    o.fleet_sid or "",
                    o.error or "",
                    o.code if o.code is not None else "",
                ]
            )
            count += 1
    return count
