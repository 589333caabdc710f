"""Asking before a change (a fleet, a NAP, one SIM, or many SIMs): one rule for every command (ops.consent)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable
from typing import TypeVar

from ..api import NotFoundError
from ..ops.consent import NONE, REFUSED, Consent
from .output import confirm, confirm_typed, note
from .session import UsageError

T = TypeVar("T")


NO_TERMINAL = "refusing to change without --yes: there is no terminal to confirm on; nothing was sent"


def confirm_change(args: argparse.Namespace, question: str, consent: Consent, no_terminal: str = NO_TERMINAL) -> None:
    """Ask on the terminal as much as ``consent`` needs; ``--yes`` answers for scripts. Without a terminal and
    without ``--yes``, a change that needs asking is refused (exit 2) and nothing is sent. The
    ``confirm = "never"`` setting skips only the y/N question, never the typed one."""
    if consent.level == REFUSED:
        raise UsageError(f"refused: {consent.reason}")
    if args.yes or consent.level == NONE:
        return
    if not consent.typed and getattr(args, "confirm_setting", "always") == "never":
        return
    if not sys.stdin.isatty():
        raise UsageError(no_terminal)
    if consent.typed:
        note(f"⚠ {consent.sentence}")
        if not confirm_typed(consent):
            raise UsageError(f"cancelled: you did not type {consent.phrase}; nothing was changed")
    elif not confirm(question):
        raise UsageError("cancelled: nothing was changed")


async def named(lookup: Awaitable[T], what: str) -> T:
    """``lookup`` of something the user named (a fleet, a NAP); a 404 is bad input (exit 2), nothing sent."""
    try:
        return await lookup
    except NotFoundError:
        raise UsageError(f"no {what} in this account; nothing was sent") from None
