"""The command line's argparse parser, built by command group.

Each module here adds its group's subparsers (``session``, ``account``, ``sims``; ``health`` and ``usage`` add
their own in their command modules); this one builds the top parser with the global flags, which also work after
the command (``status --demo``), and ``completion``. shtab builds the completion scripts from this parser.
"""

from __future__ import annotations

import argparse

from ... import __version__
from .. import health, usage
from ..argtypes import _ref
from ..options import Parser
from ..options import common_options as _common
from . import account, session, sims


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
