"""Parsers of the commands that need no account: ``simulator``, ``login``, ``logout``, ``profiles``."""

from __future__ import annotations

import argparse
from typing import Any

from ..argtypes import (
    MAX_DEMO_SIMS,
    _at_most,
    _concurrency_allowance,
    _int,
    _list_output,
    _port,
    _rate,
    _seconds,
    _text,
)


def add_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    sim = commands.add_parser(
        "simulator",
        help="serve the Super SIM API simulator over HTTP on loopback",
        description="Serve the simulator; prints its URL once listening.",
    )
    sim.add_argument("--host", default="127.0.0.1", type=_text("the host"), help="address to bind (default 127.0.0.1)")
    sim.add_argument("--port", type=_port, default=0, help="port (default: a free one)")
    sim.add_argument("--account-sid", default="AC" + "0" * 31 + "1", help="the account's SID")
    sim.add_argument("--auth-token", default="demo-auth-token", help="the account's Auth Token")
    sim.add_argument("--seed", type=_int, default=1, help="seed for the generated account")
    sim.add_argument("--sims", type=_at_most(MAX_DEMO_SIMS), default=300, help="SIMs in the account (default 300)")
    sim.add_argument("--latency-ms", type=_at_most(60_000), default=0, help="added latency per request")
    sim.add_argument(
        "--fault-rate",
        type=_rate,
        default=0.0,
        help="share of requests that fail (429 with Retry-After, 500, 503, dropped connection)",
    )
    sim.add_argument("--retry-after", type=_at_most(3600), default=1, help="Retry-After seconds on injected 429s")
    sim.add_argument(
        "--max-concurrency",
        type=_concurrency_allowance,
        default=None,
        metavar="C",
        help="the account's allowance of requests in flight: above it, 429 / 20429 (default: none)",
    )
    sim.add_argument(
        "--settle-seconds",
        type=_seconds,
        default=2.0,
        help="how long asynchronous SIM updates stay scheduled (default 2)",
    )
    sim.add_argument(
        "--api-key", action="append", default=[], metavar="SK…:SECRET", help="also accept this API key (repeatable)"
    )
    sim.add_argument(
        "--oauth-client",
        action="append",
        default=[],
        metavar="ID:SECRET",
        help="issue bearer tokens at /oauth2/token to this client (repeatable)",
    )

    # --- credentials
    login = commands.add_parser("login", parents=[common], help="save credentials for a profile (verified first)")
    login.add_argument("--kind", choices=("auth-token", "api-key", "kore"), help="kind of credentials")
    login.add_argument(
        "--identity", type=_text("the identity"), help="Account SID, API key SID (SK…) or KORE client id"
    )
    login.add_argument("--token-url", type=_text("the token URL", 2048), help="KORE OAuth token URL")
    login.add_argument(
        "--store", choices=("keyring", "file"), help="where the secret goes (default keyring; file: 0600, unencrypted)"
    )
    login.add_argument("--secret-stdin", action="store_true", help="read the secret from standard input")
    commands.add_parser("logout", parents=[common], help="remove a profile's stored secret")
    profiles_cmd = commands.add_parser("profiles", parents=[common], help="list profiles (never secrets)")
    _list_output(profiles_cmd, "profiles")  # --json keeps its shape: {"file", "active", "profiles": [...]}
