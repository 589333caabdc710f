"""Where ``{n}`` in a unique-name pattern should start so new names never collide with the account's."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from ..api import SuperSimClient

FIELD_PATTERNS = {
    "n": r"(?P<n>\d+)",
    "iccid": r"\d{18,22}",
    "last4": r"\d{4}",
    "last6": r"\d{6}",
    "sid": r"HS[0-9a-f]{32}",
}


def pattern_regex(pattern: str) -> re.Pattern[str] | None:
    """A regex matching the names this pattern makes, capturing {n}; None when it has no {n} (or is not a
    valid pattern)."""
    parts: list[str] = []
    has_n = False
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        return None
    for literal, field, _spec, _conversion in parsed:
        parts.append(re.escape(literal))
        if field is None:
            continue
        if field not in FIELD_PATTERNS:
            return None
        if field == "n":
            if has_n:
                parts.append(r"\d+")
                continue
            has_n = True
        parts.append(FIELD_PATTERNS[field])
    return re.compile("".join(parts)) if has_n else None


def highest_number(pattern: str, names: Iterable[str | None]) -> int:
    """The highest {n} among names this pattern could have made (0 when none)."""
    regex = pattern_regex(pattern)
    if regex is None:
        return 0
    highest = 0
    for name in names:
        match = regex.fullmatch(name or "")
        if match:
            highest = max(highest, int(match.group("n")))
    return highest


async def highest_number_in_account(client: SuperSimClient, pattern: str) -> int:
    """The highest {n} the pattern has used among the account's SIMs (reads every SIM, 1,000 a page)."""
    if pattern_regex(pattern) is None:
        return 0
    names = [sim.unique_name for sim in await client.list_sims(page_size=1000).collect()]
    return highest_number(pattern, names)
