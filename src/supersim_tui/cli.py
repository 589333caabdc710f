"""Command line: the TUI (default), ``simulator``, and headless commands.

Exit codes (a contract, see DESIGN.md): 0 success, 1 some items failed,
2 bad usage or input.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from . import __version__

if TYPE_CHECKING:
    from .api import SuperSimError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
SIM_STATUSES = ("new", "ready", "active", "inactive", "scheduled")
# Commands that change the account: refused (exit 2, nothing sent) in read-only mode.
CHANGING_COMMANDS = {
    *(("sims", action) for action in ("set-status", "activate", "move", "rename", "register", "resume", "update")),
    ("fleets", "create"),
    ("fleets", "update"),
    *(("naps", action) for action in ("create", "rename", "clone", "add-network", "remove-network")),
}
READ_ONLY_REFUSAL = (
    "supersim-tui: refused: {why}, so nothing was sent. Run without --read-only, with a profile "
    'whose mode is "open" or "protected" (profiles.toml).'
)
MAX_DEMO_SIMS = 1_000_000  # the simulator builds its account in memory: about 3 s per 100,000


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
        from .ops.names import ref_problem

        problem = ref_problem(text, kind)
        if problem:
            raise argparse.ArgumentTypeError(f"the {kind} {problem}")
        return text

    check.__name__ = f"{kind} SID or unique name"
    return check


def _iccid(text: str) -> str:
    from .iccid import iccid_problem, normalize

    problem = iccid_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return normalize(text)


def _sim(text: str) -> str:
    """An ICCID (anything starting with a digit of any script is checked as one), a SIM SID or a unique name."""
    from .iccid import iccid_problem, meant_as_iccid

    if meant_as_iccid(text):
        problem = iccid_problem(text)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return text
    return _ref("SIM")(text)


def _iccid_or_sid(text: str) -> str:
    """An ICCID or a SIM SID (HS…), as the bulk commands take them."""
    from .iccid import normalize
    from .ops.names import sim_sid_or_iccid_problem

    problem = sim_sid_or_iccid_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text if text.startswith("HS") else normalize(text)


SETTABLE_STATUSES = ("ready", "active", "inactive")


def _iccid_sid_or_status(text: str) -> str:
    """``sims set-status`` positionals: the target status, or an ICCID or SIM SID."""
    return text if text in SETTABLE_STATUSES else _iccid_or_sid(text)


def _status_from_refs(args: argparse.Namespace) -> None:
    """Pick the one status word out of ``set-status``'s positionals (first or last, as the user wrote it)."""
    statuses = [ref for ref in args.refs if ref in SETTABLE_STATUSES]
    if len(statuses) != 1:
        sub = (
            "give the status once: ready, active or inactive"
            if not statuses
            else f"give one status, not {len(statuses)} ({', '.join(statuses)})"
        )
        print(
            f"usage: supersim-tui sims set-status [options] STATUS [ICCID ...]\n"
            f"supersim-tui sims set-status: error: argument STATUS: {sub}",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_USAGE)
    args.status = statuses[0]
    args.refs = [ref for ref in args.refs if ref not in SETTABLE_STATUSES]


def _text(what: str, limit: int = 256) -> Callable[[str], str]:
    """A value that must not be empty (an empty selector never means "everything" or "the default")."""

    def check(text: str) -> str:
        from .ops.names import control_character

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
    from .profiles import profile_name_problem

    problem = profile_name_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
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
    from .ops.names import unique_name_problem

    problem = unique_name_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(f"the unique name {problem}")
    return text


def _pattern(text: str) -> str:
    from .ops.names import PatternError, validate_pattern

    try:
        validate_pattern(text)
    except PatternError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _run_id(text: str) -> str:
    """The journal's one run-id rule (``ops.journal.check_run_id``), applied while parsing."""
    from .ops.journal import RUN_ID

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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text[:40]!r}") from None
    if not 0.0 <= value <= 3600.0:  # also rejects nan and inf
        raise argparse.ArgumentTypeError(f"expected 0 to 3600 seconds, got {text[:40]}")
    return value


MAX_CONCURRENCY = 256  # what an account can plausibly allow; the engine finds the real allowance below it


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


def _url(text: str) -> str:
    from .ops.fleet_changes import url_problem

    problem = url_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


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
    from .ops.fleet_changes import name_problem

    problem = name_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
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


def _fleet_parser(fleets: argparse._SubParsersAction, action: str, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    create = action == "create"
    cmd = fleets.add_parser(
        action,
        parents=[common],
        help="create a fleet" if create else "change a fleet's settings (a NAP change shows what it does first)",
    )
    if create:
        cmd.add_argument("--nap", required=True, type=_ref("NAP"), help="the NAP its SIMs may use (SID or name)")
    else:
        cmd.add_argument("fleet", type=_ref("fleet"), help="fleet SID or unique name")
        cmd.add_argument("--nap", type=_ref("NAP"), help="move the fleet to this NAP (SID or unique name)")
    cmd.add_argument("--name", type=_fleet_name, help="unique name (never cleared to blank)")
    cmd.add_argument("--data-limit", type=_data_limit, metavar="MB", help="data per SIM per billing period, 1-2000000")
    if create:
        cmd.add_argument(
            "--data-enabled",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="SIMs may use data (default yes; set on create only)",
        )
        cmd.add_argument(
            "--sms-commands",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="SIMs may send and receive SMS Commands (default yes; set on create only)",
        )
    cmd.add_argument("--sms-commands-url", type=_url, metavar="URL", help="https URL for SMS Commands from devices")
    cmd.add_argument("--sms-commands-method", type=_method, metavar="GET|POST", help="method for that URL")
    cmd.add_argument("--ip-commands-url", type=_url, metavar="URL", help="https URL for IP Commands from devices")
    cmd.add_argument("--ip-commands-method", type=_method, metavar="GET|POST", help="method for that URL")
    _changes(cmd)


def _nap_parsers(naps: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    create = naps.add_parser("create", parents=[common], help="create a NAP, with networks if given")
    create.add_argument("name", type=_unique_name, help="its unique name")
    create.add_argument(
        "networks", nargs="*", type=_network_ref, metavar="NETWORK", help="SID, MCC-MNC or 'Operator CC'"
    )
    _changes(create)
    rename = naps.add_parser("rename", parents=[common], help="give a NAP a new unique name")
    rename.add_argument("nap", type=_ref("NAP"), help="NAP SID or unique name")
    rename.add_argument("name", type=_unique_name, help="the new unique name")
    _changes(rename)
    clone = naps.add_parser("clone", parents=[common], help="create a NAP with the same networks as another")
    clone.add_argument("nap", type=_ref("NAP"), help="the NAP to copy (SID or unique name)")
    clone.add_argument("name", type=_unique_name, help="the new NAP's unique name")
    _changes(clone)
    for action, verb in (("add-network", "allow"), ("remove-network", "stop allowing")):
        cmd = naps.add_parser(action, parents=[common], help=f"{verb} networks on a NAP (each reported)")
        cmd.add_argument("nap", type=_ref("NAP"), help="NAP SID or unique name")
        cmd.add_argument(
            "networks", nargs="+", type=_network_ref, metavar="NETWORK", help="SID, MCC-MNC (262-01) or 'Operator CC'"
        )
        _changes(cmd)


def _sim_update_parser(sims: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    cmd = sims.add_parser(
        "update",
        parents=[common],
        help="change one SIM: name, status, fleet, callback, account (while new)",
    )
    cmd.add_argument("sim", type=_sim, help="ICCID, SID or unique name")
    cmd.add_argument("--unique-name", type=_unique_name)
    cmd.add_argument("--status", choices=SETTABLE_STATUSES)
    fleet = cmd.add_mutually_exclusive_group()
    fleet.add_argument("--fleet", type=_ref("fleet"), help="assign this fleet (SID or unique name)")
    fleet.add_argument("--no-fleet", action="store_true", help="take the SIM out of its fleet (new or inactive only)")
    cmd.add_argument("--callback-url", type=_url, metavar="URL", help="https URL called when the change finishes")
    cmd.add_argument("--callback-method", type=_method, metavar="GET|POST", help="method for the callback")
    cmd.add_argument(
        "--account-sid", type=_account_sid, metavar="AC…", help="move to this account or subaccount (only while new)"
    )
    _changes(cmd)


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

    # --- simulator
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
    profiles_cmd.add_argument("--json", action="store_true")

    # --- status
    status = commands.add_parser("status", parents=[common], help="account overview: fleets, SIM counts, NAPs")
    status.add_argument("--fleet", type=_ref("fleet"), help="only this fleet (SID or unique name)")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument("--concurrency", type=_concurrency, default=8, help="parallel requests (default 8)")

    # --- fleets / naps / networks
    fleets = commands.add_parser("fleets", help="fleets").add_subparsers(dest="action", metavar="ACTION", required=True)
    fleets_list = fleets.add_parser("list", parents=[common], help="list fleets")
    fleets_list.add_argument("--nap", type=_ref("NAP"), help="only fleets using this NAP")
    _list_output(fleets_list, "fleets")
    for action in ("create", "update"):
        _fleet_parser(fleets, action, common)
    naps = commands.add_parser("naps", help="network access profiles").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    _list_output(naps.add_parser("list", parents=[common], help="list NAPs"), "naps")
    nap_nets = naps.add_parser("networks", parents=[common], help="the networks a NAP allows")
    nap_nets.add_argument("nap", type=_ref("NAP"), help="NAP SID or unique name")
    _list_output(nap_nets, "networks")
    _nap_parsers(naps, common)
    networks = commands.add_parser("networks", help="the network catalog").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    net_list = networks.add_parser("list", parents=[common], help="list networks")
    net_list.add_argument(
        "--country",
        type=_matching("a two-letter ISO country code", "[A-Za-z]{2}", "DE"),
        help="ISO country code, e.g. DE",
    )
    net_list.add_argument("--mcc", type=_matching("a 3-digit MCC", "[0-9]{3}", "262"))
    net_list.add_argument("--mnc", type=_matching("a 2- or 3-digit MNC", "[0-9]{2,3}", "01"))
    _list_output(net_list, "networks")

    # --- sims
    sims = commands.add_parser("sims", help="SIMs: list, show, change, register, resume").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    s_list = sims.add_parser("list", parents=[common], help="list SIMs")
    s_list.add_argument("--status", choices=SIM_STATUSES)
    s_list.add_argument("--fleet", type=_ref("fleet"), help="fleet SID or unique name")
    s_list.add_argument("--iccid", type=_iccid)
    s_list.add_argument("--limit", type=_count_limit, default=None, help="stop after N SIMs (1 or more)")
    _list_output(s_list, "sims")
    s_show = sims.add_parser("show", parents=[common], help="one SIM with fleet, NAP, IPs and recent usage")
    s_show.add_argument("sim", type=_sim, help="ICCID, SID or unique name")
    s_show.add_argument("--json", action="store_true")

    def bulk(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sims.add_parser(name, parents=[common], help=help_text)
        if name == "set-status":
            # STATUS ICCID... as documented (ICCID... STATUS is accepted too): one positional list, the status
            # picked out of it in _main, because argparse would give the first word to the ICCIDs.
            cmd.usage = (
                "%(prog)s [options] STATUS [ICCID ...]\n       (ICCID... | --iccid-file FILE | "
                "--fleet F --from-status S)"
            )
            cmd.add_argument(
                "refs",
                nargs="+",
                metavar="STATUS",
                type=_iccid_sid_or_status,
                help="ready, active or inactive, then the ICCIDs or SIM SIDs (if any)",
            )
        else:
            cmd.add_argument("refs", nargs="*", metavar="ICCID", type=_iccid_or_sid, help="ICCIDs or SIM SIDs")
        cmd.add_argument(
            "--iccid-file", type=_text("the file name", 4096), help="a file with one ICCID or SID per line"
        )
        cmd.add_argument("--fleet", type=_ref("fleet"), help="select the SIMs in this fleet")
        cmd.add_argument("--from-status", choices=SIM_STATUSES, help="select the SIMs with this status")
        cmd.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
        cmd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        cmd.add_argument(
            "--concurrency",
            type=_concurrency,
            default=None,
            help=f"the most requests in flight, 1 to {MAX_CONCURRENCY} (default: settings, else 100); the "
            "engine starts lower and finds the account's allowance below it",
        )
        _list_output(cmd, "outcomes")
        return cmd

    set_status = bulk("set-status", "set the status of many SIMs (follows scheduled updates to the end)")
    set_status.add_argument(
        "--into-fleet",
        type=_ref("fleet"),
        help="assign this fleet in the same request (needed to activate SIMs that have none)",
    )
    activate = bulk("activate", "shortcut for set-status active")
    activate.add_argument("--into-fleet", type=_ref("fleet"), help="assign this fleet in the same request")
    activate.set_defaults(status="active")
    move = bulk("move", "move many SIMs to another fleet")
    move.add_argument("--to-fleet", required=True, type=_ref("fleet"), help="target fleet SID or unique name")
    rename = bulk("rename", "give many SIMs unique names from a pattern")
    rename.add_argument(
        "--pattern",
        required=True,
        type=_pattern,
        help="e.g. 'gate-{n}' or 'meter-{last6}'; fields: {n} {iccid} {last4} {last6} {sid}",
    )

    reg = sims.add_parser("register", parents=[common], help="register SIMs by ICCID and registration code")
    reg.add_argument("iccid", nargs="?")
    reg.add_argument("code", nargs="?", metavar="REGISTRATION_CODE")
    reg.add_argument(
        "--csv", type=_text("the file name", 4096), help="a CSV of iccid,registration_code[,fleet,unique_name]"
    )
    reg.add_argument("--fleet", type=_ref("fleet"), help="assign this fleet after registering (single SIM)")
    reg.add_argument("--unique-name", type=_unique_name, help="set this unique name after registering (single SIM)")
    reg.add_argument("--yes", action="store_true")
    reg.add_argument("--concurrency", type=_concurrency, default=None)
    reg.add_argument("--json", action="store_true")  # --csv is its input file here

    res = sims.add_parser("resume", parents=[common], help="finish an interrupted run (default: the newest)")
    res.add_argument("run_id", nargs="?", type=_run_id)
    res.add_argument("--yes", action="store_true", help="do not ask (on a terminal, the plan is shown and asked for)")
    res.add_argument("--concurrency", type=_concurrency, default=None)
    _list_output(res, "outcomes")
    runs = sims.add_parser("runs", parents=[common], help="list journaled bulk runs")
    _list_output(runs, "runs")
    _sim_update_parser(sims, common)
    from .commands import health, usage  # issue 19: health and usage

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; every failure ends in one of the tool's own messages and an exit code.

    The last-resort handler below turns the project's own error types into their message (exit 2 for bad
    usage, input, files or configuration; 1 for a failed API call). Anything else is a bug: it is not hidden,
    but the user sees one line naming the error type and where the full traceback was written (a file in the
    state directory, mode 0600: a traceback may show values a user would not paste into a bug report), never
    the traceback itself. ``SUPERSIM_TUI_DEBUG=1`` re-raises instead, for developers.
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("\nsupersim-tui: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # the last resort: see the docstring
        return _last_resort(error)


def _api_error_text(error: SuperSimError) -> str:
    """An API error for stderr: its message (server text made printable), then its hint on the next line."""
    from .api.errors import explain
    from .api.text import printable

    return f"supersim-tui: {printable(explain(error, lines=True), multiline=True)}"


def _last_resort(error: Exception) -> int:
    import os

    from .api import SuperSimError
    from .commands.session import UsageError
    from .credentials import CredentialsError
    from .ops.names import PatternError
    from .ops.register import InputError
    from .profiles import ProfileError
    from .textfile import FileProblem

    if isinstance(error, ExceptionGroup):  # a task group's failure: report its first own error, if any
        leaves = list(_leaves(error))
        known = [e for e in leaves if not _is_bug(e)]
        return _last_resort(known[0] if known else leaves[0])
    if isinstance(error, UsageError | CredentialsError | ProfileError | FileProblem | InputError | PatternError):
        print(f"supersim-tui: {error}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(error, SuperSimError):
        print(_api_error_text(error), file=sys.stderr)
        return EXIT_FAILED
    if os.environ.get("SUPERSIM_TUI_DEBUG") == "1":
        raise error
    where = _write_error_log(error)
    print(
        f"supersim-tui: internal error ({type(error).__name__}): this is a bug, please report it"
        + (f"; details in {where}" if where else ""),
        file=sys.stderr,
    )
    return EXIT_FAILED


def _leaves(group: ExceptionGroup[Exception]) -> Iterator[Exception]:
    for error in group.exceptions:
        if isinstance(error, ExceptionGroup):
            yield from _leaves(error)
        else:
            yield error


def _is_bug(error: Exception) -> bool:
    """True unless ``error`` is one of the tool's own error types (each has a message for the user)."""
    from .api import SuperSimError
    from .commands.session import UsageError
    from .credentials import CredentialsError
    from .ops.names import PatternError
    from .ops.register import InputError
    from .profiles import ProfileError
    from .textfile import FileProblem

    return not isinstance(
        error, UsageError | CredentialsError | ProfileError | FileProblem | InputError | PatternError | SuperSimError
    )


def _write_error_log(error: BaseException) -> str | None:
    """The traceback, in ``last-error.log`` in the state directory (0600); its path, or None if unwritable."""
    import os
    import traceback

    from .config import ensure_dir, state_dir

    try:
        path = ensure_dir(state_dir()) / "last-error.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as log:
            log.write("".join(traceback.format_exception(error)))
        return str(path)
    except OSError:
        return None


def _main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # argparse has printed the usage error (or --help / --version)
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    if (getattr(args, "command", None), getattr(args, "action", None)) == ("sims", "set-status"):
        try:
            _status_from_refs(args)
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else EXIT_USAGE
    for name, value in (
        ("demo", False),
        ("profile", None),
        ("base_url", None),
        ("sims", 300),
        ("seed", 1),
        ("latency_ms", 0),
        ("read_only", False),
    ):
        if not hasattr(args, name):
            setattr(args, name, value)
    if getattr(args, "list_kind", None):
        from .commands.output import check_fields

        try:
            args.fields_list = check_fields(args.list_kind, args.fields)
        except ValueError as error:
            print(f"supersim-tui: {error}", file=sys.stderr)
            return EXIT_USAGE
    if args.command == "completion":
        return _print_completion(parser, args.shell)
    if args.command == "simulator":
        return _run_simulator(args)
    if args.command is None:
        return _run_tui(args)
    return _run_command(args)


def _print_completion(parser: argparse.ArgumentParser, shell: str) -> int:
    """The completion script for ``shell``, generated from the parser (shtab), on stdout."""
    import shtab

    sys.stdout.write(shtab.complete(parser, shell=shell))
    return EXIT_OK


def _run_command(args: argparse.Namespace) -> int:
    from .api import SuperSimError
    from .commands import account, fleets, health, naps, sim_update, sims, usage
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
        ("health", None): lambda s, a: health.run(s.client, a),
        ("usage", None): lambda s, a: usage.run(s.client, a),
        ("sims", "update"): sim_update.update,
        ("fleets", "create"): fleets.create,
        ("fleets", "update"): fleets.update,
        ("naps", "create"): naps.create,
        ("naps", "rename"): naps.rename,
        ("naps", "clone"): naps.clone,
        ("naps", "add-network"): naps.add_network,
        ("naps", "remove-network"): naps.remove_network,
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
    if getattr(args, "concurrency", 0) > 100 and args.command == "sims":
        print(
            f"supersim-tui: note: at most {args.concurrency} requests in flight is more than most Twilio accounts "
            "allow; the run finds the account's allowance and slows down on 429 (error 20429)",
            file=sys.stderr,
        )
    args.confirm_setting = settings.confirm

    from .api.text import printable

    looks_only = not changes
    deadline: list[float] = []

    async def run() -> int:
        session = open_session(args)
        async with session.client:
            if changes and session.mode == "read-only":
                raise UsageError(
                    READ_ONLY_REFUSAL.format(why=f"profile {session.profile or ''} is read-only").removeprefix(
                        "supersim-tui: "
                    )
                )
            args.safety_mode = session.mode
            if not looks_only:  # bulk runs are journaled, show progress and can be stopped: no overall deadline
                return await handler(session, args)
            deadline.append(session.client.command_timeout)
            async with asyncio.timeout(session.client.command_timeout):
                return await handler(session, args)

    try:
        return asyncio.run(run())
    except UsageError as error:
        print(f"supersim-tui: {printable(error, multiline=True)}", file=sys.stderr)
        return EXIT_USAGE
    except SuperSimError as error:
        print(_api_error_text(error), file=sys.stderr)
        return EXIT_FAILED
    except TimeoutError:
        seconds = f" ({deadline[0]:g} s)" if deadline else ""
        print(
            f"supersim-tui: the command did not finish in time{seconds}; the API is too slow or not answering. "
            "Try again later, or ask for less (e.g. --fleet, --limit).",
            file=sys.stderr,
        )
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
    from .commands.session import UsageError
    from .simulator import Simulator, SimulatorConfig
    from .simulator.server import is_loopback_host, run

    def pairs(values: list[str], flag: str) -> dict[str, str]:
        result = {}
        for value in values:
            key, sep, secret = value.partition(":")
            if not sep or not key or not secret:
                raise UsageError(f"simulator: {flag} expects ID:SECRET")
            result[key] = secret
        return result

    if not is_loopback_host(args.host):
        print(f"warning: serving on {args.host}, which is not a loopback address", file=sys.stderr)
    config = SimulatorConfig(
        account_sid=args.account_sid,
        auth_token=args.auth_token,
        seed=args.seed,
        sims=args.sims,
        latency_ms=args.latency_ms,
        fault_rate=args.fault_rate,
        retry_after=args.retry_after,
        max_concurrency=args.max_concurrency,
        settle_seconds=args.settle_seconds,
        api_keys=pairs(args.api_key, "--api-key"),
        oauth_clients=pairs(args.oauth_client, "--oauth-client"),
    )
    problem = _bind_problem(args.host, args.port)
    if problem:
        print(f"supersim-tui simulator: {problem}", file=sys.stderr)
        return EXIT_FAILED
    run(Simulator(config), args.host, args.port)
    return EXIT_OK


def _bind_problem(host: str, port: int) -> str | None:
    """Why the simulator could not listen on host:port (in use, no such address…), or None.

    Checked before uvicorn starts, so the user gets one sentence instead of uvicorn's start-up traceback."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as error:
        return f"cannot listen on {host!r}: {getattr(error, 'strerror', None) or type(error).__name__}"
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        hint = "; choose another --port, or --port 0 for any free one" if port else ""
        return f"cannot listen on {host}:{port}: {reason}{hint}"
    return None


def _run_tui(args: argparse.Namespace) -> int:
    from .commands.session import UsageError, make_client, open_session
    from .connect import Connector
    from .ops.register_queue import RegistrationQueue, queue_path
    from .settings import load_settings
    from .tui.app import SuperSimApp

    settings = load_settings()
    if args.demo:
        session = open_session(args)
        SuperSimApp(
            session.client,
            account_label="demo account (simulator)",
            settings=settings,
            mode=session.mode,
            profile_name="demo",
        ).run()
        return EXIT_OK
    registrations = RegistrationQueue.open(queue_path())
    connector = Connector(
        make_client=make_client,
        active_profile=args.profile,
        base_url=args.base_url,
        default_profile=settings.default_profile,
    )
    try:
        session = open_session(args)
    except UsageError as error:
        # No usable credentials: the TUI asks for them (verified, then kept in the keyring).
        reason = "No saved credentials found." if str(error).startswith("no credentials found") else f"{error}."
        SuperSimApp(
            None,
            connector=connector,
            settings=settings,
            sign_in_reason=reason,
            registrations=registrations,
            journal_runs=True,
            mode="read-only" if args.read_only else "open",
            read_only=args.read_only,
        ).run()
        return EXIT_OK
    SuperSimApp(
        session.client,
        account_label=session.identity,
        connector=connector,
        settings=settings,
        registrations=registrations,
        journal_runs=True,
        mode=session.mode,
        profile_name=session.profile or "environment",
        read_only=args.read_only,
    ).run()
    return EXIT_OK
