"""Command line: the TUI (default), ``--demo`` and ``simulator``.

Exit codes (a contract, see DESIGN.md): 0 success, 1 some items failed,
2 bad usage or input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supersim-tui",
        description="Manage Twilio Super SIM fleets, network access profiles and SIMs from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="run against the built-in simulator (no account, no network)")
    parser.add_argument("--profile", help="credentials profile to use (default: SUPERSIM_PROFILE or the default)")
    parser.add_argument("--base-url", help="API base URL: https, or http only on loopback (the simulator)")
    demo = parser.add_argument_group("demo options")
    demo.add_argument("--sims", type=_positive_int, default=300, help="SIMs in the demo account (default 300)")
    demo.add_argument("--seed", type=int, default=1, help="seed for the demo account (default 1)")
    demo.add_argument("--latency-ms", type=_positive_int, default=0,
                      help="added latency per request, to feel a slow link (default 0)")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    sim = commands.add_parser("simulator", help="serve the Super SIM API simulator over HTTP on loopback",
                              description="Serve the simulator; prints its URL once listening.")
    sim.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sim.add_argument("--port", type=_positive_int, default=0, help="port (default: a free one)")
    sim.add_argument("--account-sid", default="AC" + "0" * 31 + "1", help="the account's SID")
    sim.add_argument("--auth-token", default="demo-auth-token", help="the account's Auth Token")
    sim.add_argument("--seed", type=int, default=1, help="seed for the generated account")
    sim.add_argument("--sims", type=_positive_int, default=300, help="SIMs in the account (default 300)")
    sim.add_argument("--latency-ms", type=_positive_int, default=0, help="added latency per request")
    sim.add_argument("--fault-rate", type=_rate, default=0.0,
                     help="share of requests that fail (429 with Retry-After, 500, 503, dropped connection)")
    sim.add_argument("--retry-after", type=_positive_int, default=1, help="Retry-After seconds on injected 429s")
    sim.add_argument("--settle-seconds", type=float, default=2.0,
                     help="how long asynchronous SIM updates stay scheduled (default 2)")
    sim.add_argument("--api-key", action="append", default=[], metavar="SK…:SECRET",
                     help="also accept this API key (repeatable)")
    sim.add_argument("--oauth-client", action="append", default=[], metavar="ID:SECRET",
                     help="issue bearer tokens at /oauth2/token to this client (repeatable)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "simulator":
        return _run_simulator(args)
    return _run_tui(args)


def _run_simulator(args: argparse.Namespace) -> int:
    from .simulator import Simulator, SimulatorConfig
    from .simulator.server import is_loopback_host, run

    def pairs(values: list[str], flag: str) -> dict[str, str]:
        result = {}
        for value in values:
            key, sep, secret = value.partition(":")
            if not sep or not key or not secret:
                raise SystemExit(f"supersim-tui simulator: {flag} expects ID:SECRET")
            result[key] = secret
        return result

    if not is_loopback_host(args.host):
        print(f"warning: serving on {args.host}, which is not a loopback address", file=sys.stderr)
    config = SimulatorConfig(
        account_sid=args.account_sid, auth_token=args.auth_token, seed=args.seed, sims=args.sims,
        latency_ms=args.latency_ms, fault_rate=args.fault_rate, retry_after=args.retry_after,
        settle_seconds=args.settle_seconds, api_keys=pairs(args.api_key, "--api-key"),
        oauth_clients=pairs(args.oauth_client, "--oauth-client"),
    )
    run(Simulator(config), args.host, args.port)
    return EXIT_OK


def _run_tui(args: argparse.Namespace) -> int:
    from .api import BasicAuth, SuperSimClient
    from .credentials import CredentialsError, from_environment
    from .tui.app import SuperSimApp

    if args.demo:
        from .simulator import Simulator, SimulatorConfig, asgi_transport

        simulator = Simulator(SimulatorConfig(sims=args.sims, seed=args.seed, latency_ms=args.latency_ms))
        client = SuperSimClient(
            BasicAuth(simulator.config.account_sid, simulator.config.auth_token),
            base_url="http://127.0.0.1", transport=asgi_transport(simulator),
        )
        SuperSimApp(client, account_label="demo account (simulator)").run()
        return EXIT_OK
    try:
        credentials = from_environment(base_url=args.base_url)
    except (CredentialsError, ValueError) as error:
        print(f"supersim-tui: {error}", file=sys.stderr)
        return EXIT_USAGE
    if credentials is None:
        print(
            "supersim-tui: no credentials found. Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN "
            "(or TWILIO_API_KEY and TWILIO_API_SECRET), or try the demo: supersim-tui --demo",
            file=sys.stderr,
        )
        return EXIT_USAGE
    client = SuperSimClient(credentials.auth(), base_url=credentials.base_url)
    SuperSimApp(client, account_label=credentials.identity).run()
    return EXIT_OK
