"""Where ``{n}`` in a unique-name pattern should start so new names never collide with the account's.

The pattern is read by the one parser (:func:`.names.pattern_segments`), format specs included: ``{n:04}``
makes ``door-0007`` and ``{n:_>4}`` makes ``door-___7``, and both read back as 7.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..api import SuperSimClient
from .names import Field, PatternError, pattern_segments

FIELD_PATTERNS = {
    "n": r"(?P<n>\d+)",
    "iccid": r"\d{18,22}",
    "last4": r"\d{4}",
    "last6": r"\d{6}",
    "sid": r"HS[0-9a-f]{32}",
}


def _field_regex(field: Field, value: str) -> str:
    """``value`` (a regex) as the field's spec pads it: fill characters on the side(s) its alignment puts them."""
    if not field.width:
        return value
    fill = f"(?:{re.escape(field.fill)})*"
    align = field.align or (">" if field.name == "n" else "<")
    if align == "<":
        return value + fill
    if align == "^":
        return fill + value + fill
    return fill + value  # ">" and "=" (no sign: an {n} is never negative)


def pattern_regex(pattern: str) -> re.Pattern[str] | None:
    """A regex matching the names this pattern makes, capturing {n}; None when it has no {n} (or is not a
    valid pattern)."""
    try:
        segments = pattern_segments(pattern)
    except PatternError:
        return None
    parts: list[str] = []
    has_n = False
    for literal, field in segments:
        parts.append(re.escape(literal))
        if field is None:
            continue
        value = FIELD_PATTERNS[field.name]
        if field.name == "n":
            value = r"\d+" if has_n else value  # a second {n} repeats the number: matched, not captured again
            has_n = True
        parts.append(_field_regex(field, value))
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
