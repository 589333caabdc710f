"""The options every command line takes (``--demo``, ``--profile``, ``--base-url``, ``--read-only`` and the demo's),
apart from the commands' parsers (:mod:`.parsers`): the TUI's command line is read with these alone
(``cli._tui_args``), without building every command's parser."""

from __future__ import annotations

import argparse
from typing import Any

from .argtypes import MAX_DEMO_SIMS, _at_most, _base_url, _int, _profile_name


class Parser(argparse.ArgumentParser):
    """argparse without abbreviated options: a flag is read only as written. With abbreviations, ``sims activate
    --iccid 8988...`` would be read as ``--iccid-file 8988...`` (the only flag starting so), and a later flag
    sharing the prefix would change what an old script means. Its subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


def common_options(suppress: bool) -> argparse.ArgumentParser:
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
