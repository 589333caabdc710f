"""The command line's argparse parser, built by command group.

Each module here adds its group's subparsers (``session``, ``account``, ``sims``; ``health`` and ``usage`` add
their own in their command modules); this one builds the top parser with the global flags, which also work after
the command (``status --demo``), and ``completion``. shtab builds the completion scripts from this parser.
"""

from __future__ import annotations

import argparse

from ... import __version__
from .. import health, usage
from ..argtypes import MAX_DEMO_SIMS, _at_most, _base_url, _int, _profile_name, _ref
from . import account, session, sims


def _common(suppress: bool) -> argparse.ArgumentParser:
    """Options that work before or after the command (``--demo status`` and ``status --demo``)."""
    default = argparse.SUPPRESS if suppress else None
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="use the built-in simulator (no account, no network)",
    )
    parent.add_argument(
        "--profile",
        default=default,
        type=_profile_name,
        help="credentials profile (default: SUPERSIM_PROFILE or the default)",
    )
    parent.add_argument(
        "--base-url",
        default=default,
        type=_base_url,
        help="API base URL: https, or http only on loopback (the simulator)",
    )
    parent.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help='refuse every change for this run (as a profile with mode = "read-only")',
    )
    demo = parent.add_argument_group("demo options")
    demo.add_argument(
        "--sims",
        type=_at_most(MAX_DEMO_SIMS),
        default=argparse.SUPPRESS if suppress else 300,
        help="SIMs in the demo account (default 300)",
    )
    demo.add_argument(
        "--seed", type=_int, default=argparse.SUPPRESS if suppress else 1, help="seed for the demo account (default 1)"
    )
    demo.add_argument(
        "--latency-ms",
        type=_at_most(60_000),
        default=argparse.SUPPRESS if suppress else 0,
        help="added latency per request, to feel a slow link (default 0)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supersim-tui",
        parents=[_common(False)],
        description="Manage Twilio Super SIM fleets, network access profiles and SIMs from the terminal. "
        "Without a command, opens the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = _common(True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    session.add_parsers(commands, common)
    account.add_parsers(commands, common)
    sims.add_parsers(commands, common)
    health.add_parser(commands, common)
    usage.add_parser(commands, common, _ref("fleet"))

    completion = commands.add_parser(
        "completion",
        help="print the shell completion script (bash, zsh or fish)",
        description="Print a completion script for your shell, e.g. in ~/.bashrc: "
        'eval "$(supersim-tui completion bash)"',
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell")
    return parser
