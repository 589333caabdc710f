"""Command line: the TUI (default), ``simulator``, and headless commands.

Exit codes (a contract, see DESIGN.md): 0 success, 1 some items failed,
2 bad usage or input.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence

from . import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
SIM_STATUSES = ("new", "ready", "active", "inactive", "scheduled")
# Commands that change the account: refused (exit 2, nothing sent) in read-only mode.
CHANGING_COMMANDS = {("sims", action) for action in ("set-status", "activate", "move", "rename", "register",
                                                     "resume")}
READ_ONLY_REFUSAL = ("supersim-tui: refused: {why}, so nothing was sent. Run without --read-only, with a profile "
                     "whose mode is \"open\" or \"protected\" (profiles.toml).")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def _concurrency(text: str) -> int:
    value = _positive_int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected 1 to 64, got {value}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value}")
    return value


def _common(suppress: bool) -> argparse.ArgumentParser:
    """Options that work before or after the command (``--demo status`` and ``status --demo``)."""
    default = argparse.SUPPRESS if suppress else None
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--demo", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="use the built-in simulator (no account, no network)")
    parent.add_argument("--profile", default=default,
                        help="credentials profile (default: SUPERSIM_PROFILE or the default)")
    parent.add_argument("--base-url", default=default,
                        help="API base URL: https, or http only on loopback (the simulator)")
    parent.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="refuse every change for this run (as a profile with mode = \"read-only\")")
    demo = parent.add_argument_group("demo options")
    demo.add_argument("--sims", type=_positive_int, default=argparse.SUPPRESS if suppress else 300,
                      help="SIMs in the demo account (default 300)")
    demo.add_argument("--seed", type=int, default=argparse.SUPPRESS if suppress else 1,
                      help="seed for the demo account (default 1)")
    demo.add_argument("--latency-ms", type=_positive_int, default=argparse.SUPPRESS if suppress else 0,
                      help="added latency per request, to feel a slow link (default 0)")
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supersim-tui", parents=[_common(False)],
        description="Manage Twilio Super SIM fleets, network access profiles and SIMs from the terminal. "
                    "Without a command, opens the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = _common(True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    # --- simulator
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

    # --- credentials
    login = commands.add_parser("login", parents=[common], help="save credentials for a profile (verified first)")
    login.add_argument("--kind", choices=("auth-token", "api-key", "kore"), help="kind of credentials")
    login.add_argument("--identity", help="Account SID, API key SID (SK…) or KORE client id")
    login.add_argument("--token-url", help="KORE OAuth token URL")
    login.add_argument("--store", choices=("keyring", "file"),
                       help="where the secret goes (default keyring; file: 0600, unencrypted)")
    login.add_argument("--secret-stdin", action="store_true", help="read the secret from standard input")
    commands.add_parser("logout", parents=[common], help="remove a profile's stored secret")
    profiles_cmd = commands.add_parser("profiles", parents=[common], help="list profiles (never secrets)")
    profiles_cmd.add_argument("--json", action="store_true")

    # --- status
    status = commands.add_parser("status", parents=[common], help="account overview: fleets, SIM counts, NAPs")
    status.add_argument("--fleet", help="only this fleet (SID or unique name)")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument("--concurrency", type=_concurrency, default=8, help="parallel requests (default 8)")

    # --- fleets / naps / networks
    fleets = commands.add_parser("fleets", help="fleets").add_subparsers(dest="action", metavar="ACTION",
                                                                          required=True)
    fleets_list = fleets.add_parser("list", parents=[common], help="list fleets")
    fleets_list.add_argument("--nap", help="only fleets using this NAP")
    fleets_list.add_argument("--json", action="store_true")
    naps = commands.add_parser("naps", help="network access profiles").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    naps.add_parser("list", parents=[common], help="list NAPs").add_argument("--json", action="store_true")
    nap_nets = naps.add_parser("networks", parents=[common], help="the networks a NAP allows")
    nap_nets.add_argument("nap", help="NAP SID or unique name")
    nap_nets.add_argument("--json", action="store_true")
    networks = commands.add_parser("networks", help="the network catalog").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    net_list = networks.add_parser("list", parents=[common], help="list networks")
    net_list.add_argument("--country", help="ISO country code, e.g. DE")
    net_list.add_argument("--mcc")
    net_list.add_argument("--mnc")
    net_list.add_argument("--json", action="store_true")

    # --- sims
    sims = commands.add_parser("sims", help="SIMs: list, show, change, register, resume").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    s_list = sims.add_parser("list", parents=[common], help="list SIMs")
    s_list.add_argument("--status", choices=SIM_STATUSES)
    s_list.add_argument("--fleet", help="fleet SID or unique name")
    s_list.add_argument("--iccid")
    s_list.add_argument("--limit", type=_positive_int, default=0, help="stop after N SIMs")
    out = s_list.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv", action="store_true")
    s_show = sims.add_parser("show", parents=[common], help="one SIM with fleet, NAP, IPs and recent usage")
    s_show.add_argument("sim", help="ICCID, SID or unique name")
    s_show.add_argument("--json", action="store_true")

    def bulk(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sims.add_parser(name, parents=[common], help=help_text)
        cmd.add_argument("refs", nargs="*", metavar="ICCID", help="ICCIDs or SIM SIDs")
        cmd.add_argument("--iccid-file", help="a file with one ICCID or SID per line")
        cmd.add_argument("--fleet", help="select the SIMs in this fleet")
        cmd.add_argument("--from-status", choices=SIM_STATUSES, help="select the SIMs with this status")
        cmd.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
        cmd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        cmd.add_argument("--concurrency", type=_concurrency, default=None,
                         help="parallel requests (default: settings, else 16; halved when the API pushes back)")
        cmd.add_argument("--json", action="store_true")
        return cmd

    set_status = bulk("set-status", "set the status of many SIMs (follows scheduled updates to the end)")
    set_status.add_argument("status", choices=("ready", "active", "inactive"), metavar="STATUS",
                            help="ready, active or inactive")
    set_status.add_argument("--into-fleet", help="assign this fleet in the same request (needed to activate "
                                                 "SIMs that have none)")
    activate = bulk("activate", "shortcut for set-status active")
    activate.add_argument("--into-fleet", help="assign this fleet in the same request")
    activate.set_defaults(status="active")
    move = bulk("move", "move many SIMs to another fleet")
    move.add_argument("--to-fleet", required=True, help="target fleet SID or unique name")
    rename = bulk("rename", "give many SIMs unique names from a pattern")
    rename.add_argument("--pattern", required=True,
                        help="e.g. 'gate-{n}' or 'meter-{last6}'; fields: {n} {iccid} {last4} {last6} {sid}")

    reg = sims.add_parser("register", parents=[common], help="register SIMs by ICCID and registration code")
    reg.add_argument("iccid", nargs="?")
    reg.add_argument("code", nargs="?", metavar="REGISTRATION_CODE")
    reg.add_argument("--csv", help="a CSV of iccid,registration_code[,fleet,unique_name]")
    reg.add_argument("--fleet", help="assign this fleet after registering (single SIM)")
    reg.add_argument("--unique-name", help="set this unique name after registering (single SIM)")
    reg.add_argument("--yes", action="store_true")
    reg.add_argument("--concurrency", type=_concurrency, default=None)
    reg.add_argument("--json", action="store_true")

    res = sims.add_parser("resume", parents=[common], help="finish an interrupted run (default: the newest)")
    res.add_argument("run_id", nargs="?")
    res.add_argument("--yes", action="store_true", help="do not ask (on a terminal, the plan is shown and asked for)")
    res.add_argument("--concurrency", type=_concurrency, default=None)
    res.add_argument("--json", action="store_true")
    runs = sims.add_parser("runs", parents=[common], help="list journaled bulk runs")
    runs.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, value in (("demo", False), ("profile", None), ("base_url", None), ("sims", 300), ("seed", 1),
                        ("latency_ms", 0), ("read_only", False)):
        if not hasattr(args, name):
            setattr(args, name, value)
    if args.command == "simulator":
        return _run_simulator(args)
    if args.command is None:
        return _run_tui(args)
    return _run_command(args)


def _run_command(args: argparse.Namespace) -> int:
    from .api import SuperSimError
    from .commands import account, sims
    from .commands.session import Session, UsageError, open_session

    if args.command in ("login", "logout", "profiles"):
        return _run_local(args)
    if (args.command, getattr(args, "action", None)) == ("sims", "runs"):  # local files only: no credentials
        return asyncio.run(sims.runs(None, args))
    handlers: dict[tuple[str, str | None], Callable[[Session, argparse.Namespace], Awaitable[int]]] = {
        ("status", None): lambda s, a: account.status(s.client, a),
        ("fleets", "list"): lambda s, a: account.fleets_list(s.client, a),
        ("naps", "list"): lambda s, a: account.naps_list(s.client, a),
        ("naps", "networks"): lambda s, a: account.nap_networks(s.client, a),
        ("networks", "list"): lambda s, a: account.networks_list(s.client, a),
        ("sims", "list"): lambda s, a: sims.list_sims(s.client, a),
        ("sims", "show"): lambda s, a: sims.show_sim(s.client, a),
        ("sims", "set-status"): sims.change_sims,
        ("sims", "activate"): sims.change_sims,
        ("sims", "move"): sims.change_sims,
        ("sims", "rename"): sims.change_sims,
        ("sims", "register"): sims.register,
        ("sims", "resume"): sims.resume,
        ("sims", "runs"): sims.runs,
    }
    handler = handlers[(args.command, getattr(args, "action", None))]
    changes = (args.command, getattr(args, "action", None)) in CHANGING_COMMANDS
    if changes and args.read_only:
        print(READ_ONLY_REFUSAL.format(why="--read-only"), file=sys.stderr)
        return EXIT_USAGE

    from .settings import load_settings

    settings = load_settings()
    for problem in settings.problems:
        print(f"supersim-tui: {problem}", file=sys.stderr)
    if getattr(args, "concurrency", 0) is None:
        args.concurrency = min(settings.concurrency, 4) if args.action == "register" else settings.concurrency
    args.confirm_setting = settings.confirm

    async def run() -> int:
        session = open_session(args)
        async with session.client:
            if changes and session.mode == "read-only":
                raise UsageError(READ_ONLY_REFUSAL.format(why=f"profile {session.profile or ''} is read-only")
                                 .removeprefix("supersim-tui: "))
            args.safety_mode = session.mode
            return await handler(session, args)

    try:
        return asyncio.run(run())
    except UsageError as error:
        print(f"supersim-tui: {error}", file=sys.stderr)
        return EXIT_USAGE
    except SuperSimError as error:
        print(f"supersim-tui: {error}" + (f"\n{error.hint}" if error.hint else ""), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("supersim-tui: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as other shell tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _run_local(args: argparse.Namespace) -> int:
    """Commands that manage credentials rather than use them."""
    from .commands import login
    from .commands.session import UsageError
    from .profiles import ProfileError

    handler = {"login": login.login, "logout": login.logout, "profiles": login.profiles}[args.command]
    try:
        return asyncio.run(handler(args))
    except (UsageError, ProfileError) as error:
        print(f"supersim-tui: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nsupersim-tui: cancelled; nothing was saved", file=sys.stderr)
        return EXIT_USAGE


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
    from .commands.session import UsageError, make_client, open_session
    from .connect import Connector
    from .ops.register_queue import RegistrationQueue, queue_path
    from .settings import load_settings
    from .tui.app import SuperSimApp

    settings = load_settings()
    if args.demo:
        session = open_session(args)
        SuperSimApp(session.client, account_label="demo account (simulator)", settings=settings,
                    mode=session.mode, profile_name="demo").run()
        return EXIT_OK
    registrations = RegistrationQueue.open(queue_path())
    connector = Connector(make_client=make_client, active_profile=args.profile, base_url=args.base_url)
    try:
        session = open_session(args)
    except UsageError as error:
        # No usable credentials: the TUI asks for them (verified, then kept in the keyring).
        reason = ("No saved credentials found."
                  if str(error).startswith("no credentials found") else f"{error}.")
        SuperSimApp(None, connector=connector, settings=settings, sign_in_reason=reason,
                    registrations=registrations, journal_runs=True,
                    mode="read-only" if args.read_only else "open", read_only=args.read_only).run()
        return EXIT_OK
    SuperSimApp(session.client, account_label=session.identity, connector=connector, settings=settings,
                registrations=registrations, journal_runs=True, mode=session.mode,
                profile_name=session.profile or "environment", read_only=args.read_only).run()
    return EXIT_OK
