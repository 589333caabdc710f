"""Argument types and shared option helpers for the command line's parser.

Each type checks one value and raises ``argparse.ArgumentTypeError`` with what is expected, so a bad value
ends as a usage error (exit 2) naming the argument, before anything is sent.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..api.models import SimStatus
from ..settings import MAX_CONCURRENCY  # what an account can plausibly allow; the engine finds the real one

SIM_STATUSES = tuple(status.value for status in SimStatus)  # the API's, in its order
MAX_DEMO_SIMS = 1_000_000  # the simulator builds its account in memory: about 3 s per 100,000


def _reject(problem: str | None, prefix: str = "") -> None:
    """A usage error (exit 2) saying ``problem``, if there is one."""
    if problem:
        raise argparse.ArgumentTypeError(prefix + problem)


def _int(text: str) -> int:
    """A whole number in ASCII digits (``int`` alone also takes other scripts' digits and 4,300-digit values)."""
    stripped = text.strip()
    if not (0 < len(stripped) <= 20 and stripped.isascii() and stripped.lstrip("+-").isdigit()):
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text[:40]!r}")
    return int(stripped)


def _positive_int(text: str) -> int:
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _count_limit(text: str) -> int:
    """``--limit N``: stop after N, so N is 1 or more (no --limit means no limit)."""
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more (leave --limit out for no limit), got {value}")
    return value


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 (any free port) to 65535, got {value}")
    return value


def _ref(kind: str) -> Callable[[str], str]:
    """A SID or unique name of a SIM, fleet or NAP: not empty, not absurdly long, no control characters."""

    def check(text: str) -> str:
        from ..ops.names import ref_problem

        _reject(ref_problem(text, kind), f"the {kind} ")
        return text

    check.__name__ = f"{kind} SID or unique name"
    return check


def _iccid(text: str) -> str:
    from ..iccid import iccid_problem, normalize

    _reject(iccid_problem(text))
    return normalize(text)


def _sim(text: str) -> str:
    """An ICCID (anything starting with a digit of any script is checked as one), a SIM SID or a unique name."""
    from ..iccid import iccid_problem, meant_as_iccid

    if meant_as_iccid(text):
        _reject(iccid_problem(text))
        return text
    return _ref("SIM")(text)


def _bulk_sim(text: str) -> str:
    """An ICCID, a SIM SID (HS…) or a SIM's unique name, as the bulk commands take them (a fleet's or NAP's name
    is told from a SIM's by the account, once the command runs: ``sims_change``)."""
    from ..iccid import is_ascii_digits, normalize
    from ..ops.names import sim_ref_problem

    _reject(sim_ref_problem(text))
    return normalize(text) if is_ascii_digits(normalize(text)) else text


SETTABLE_STATUSES = ("ready", "active", "inactive")


def _iccid_sid_or_status(text: str) -> str:
    """``sims set-status`` positionals: the target status, or an ICCID, SID or SIM name. Each is checked once the
    status is picked out (``cli._status_from_refs``): a word given without a status is a status misspelt, and an
    ICCID's error names the ICCID argument, not STATUS."""
    return text


def misspelt_status(text: str) -> str:
    """Why a word given as ``set-status``'s STATUS is not one."""
    return f"{text!r} is not a status: expected ready, active or inactive (lower case), then ICCIDs or SIM SIDs"


def _text(what: str, limit: int = 256) -> Callable[[str], str]:
    """A value that must not be empty (an empty selector never means "everything" or "the default")."""

    def check(text: str) -> str:
        from ..ops.names import control_character

        if not text.strip():
            raise argparse.ArgumentTypeError(f"{what} is empty")
        if len(text) > limit:
            raise argparse.ArgumentTypeError(f"{what} is {len(text):,} characters long; at most {limit:,}")
        bad = control_character(text)
        if bad is not None:
            raise argparse.ArgumentTypeError(f"{what} contains the control character {bad!r}")
        return text

    check.__name__ = what
    return check


def _profile_name(text: str) -> str:
    from ..profiles import profile_name_problem

    _reject(profile_name_problem(text))
    return text


def _base_url(text: str) -> str:
    """Not empty (an empty URL never means the production default); the scheme and host are checked where
    the client is made (``check_base_url``)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the base URL is empty; leave --base-url out for the default API")
    if len(text) > 2048:
        raise argparse.ArgumentTypeError(f"the base URL is {len(text):,} characters long; at most 2,048")
    return text


def _unique_name(text: str) -> str:
    from ..ops.names import unique_name_problem

    _reject(unique_name_problem(text), "the unique name ")
    return text


def _sim_unique_name(text: str) -> str:
    """A SIM's unique name: also never one the tool would read back as an ICCID (see ``sim_name_problem``)."""
    from ..ops.names import sim_name_problem

    _reject(sim_name_problem(text), "the unique name ")
    return text


def _pattern(text: str) -> str:
    from ..ops.names import PatternError, validate_pattern

    try:
        validate_pattern(text)
    except PatternError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _run_id(text: str) -> str:
    """The journal's one run-id rule (``ops.journal.check_run_id``), applied while parsing."""
    from ..ops.journal import RUN_ID

    if not RUN_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(
            "expected a run id as `supersim-tui sims runs` lists them (letters, digits, "
            "'-' and '_'), e.g. 20260101-120000-a1b2c3"
        )
    return text


def _matching(what: str, pattern: str, example: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        import re

        if not re.fullmatch(pattern, text):
            raise argparse.ArgumentTypeError(f"expected {what}, e.g. {example}")
        return text

    check.__name__ = what
    return check


def _at_most(limit: int) -> Callable[[str], int]:
    def check(text: str) -> int:
        value = _positive_int(text)
        if value > limit:
            raise argparse.ArgumentTypeError(f"expected 0 to {limit:,}, got {value:,}")
        return value

    check.__name__ = f"number up to {limit}"
    return check


def _between(low: int, high: int, unit: str) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high`` (of ``unit``): outside, a usage error saying the range, never a value
    quietly replaced by the nearest one (or a number too large for the arithmetic after it)."""

    def check(text: str) -> int:
        value = _int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low:,} to {high:,} {unit}, got {text.strip()[:40]}")
        return value

    check.__name__ = f"number of {unit}"
    return check


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text[:40]!r}") from None
    if not 0.0 <= value <= 3600.0:  # also rejects nan and inf
        raise argparse.ArgumentTypeError(f"expected 0 to 3600 seconds, got {text[:40]}")
    return value


def _concurrency(text: str) -> int:
    value = _positive_int(text)
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_CONCURRENCY}, got {value}")
    return value


def _concurrency_allowance(text: str) -> int:
    value = _positive_int(text)
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"expected 1 to 100000 requests in flight, got {value}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value}")
    return value


def _url(text: str) -> str:
    from ..ops.fleet_changes import url_problem

    _reject(url_problem(text))
    return text


def _url_or_clear(text: str) -> str:
    """An https URL, or "" (blank) to clear the field it sets (``fleets update``)."""
    return "" if not text.strip() else _url(text)


def _method(text: str) -> str:
    if text.upper() not in ("GET", "POST"):
        raise argparse.ArgumentTypeError(f"expected GET or POST, got {text[:20]!r}")
    return text.upper()


def _data_limit(text: str) -> int:
    value = _int(text)
    if not 1 <= value <= 2_000_000:
        raise argparse.ArgumentTypeError(f"expected 1 to 2000000 megabytes, got {value:,}")
    return value


def _fleet_name(text: str) -> str:
    from ..ops.fleet_changes import name_problem

    _reject(name_problem(text))
    return text


def _account_sid(text: str) -> str:
    import re

    if not re.fullmatch(r"AC[0-9a-fA-F]{32}", text):
        raise argparse.ArgumentTypeError("expected an Account SID: AC and 32 hexadecimal digits")
    return text


def _network_ref(text: str) -> str:
    """A network: its SID, MCC-MNC, or operator and country (resolved against the catalog when run)."""
    return _text("the network", 200)(text)


def _changes(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    cmd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


def _list_output(cmd: argparse.ArgumentParser, kind: str) -> None:
    """``--json``, ``--jsonl``, ``--csv`` (one of them) and ``--fields a,b,c`` for a command that lists things."""
    out = cmd.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="JSON (a list, or for a change the run with its outcomes)")
    out.add_argument("--jsonl", action="store_true", help="JSON lines: one object a line")
    out.add_argument("--csv", action="store_true", help="CSV with a header row")
    cmd.add_argument(
        "--fields",
        type=_text("the field list", 1000),
        metavar="A,B,C",
        help="only these fields, in this order (a wrong name lists the valid ones)",
    )
    cmd.set_defaults(list_kind=kind)
