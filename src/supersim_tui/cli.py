"""Command line: the TUI (default), ``simulator``, and headless commands.

Exit codes (a contract, see DESIGN.md): 0 success, 1 some items failed,
2 bad usage or input.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn

from . import collector
from .commands.argtypes import SETTABLE_STATUSES, _bulk_sim, misspelt_status

if TYPE_CHECKING:
    from .api import SuperSimError

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
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


def _status_from_refs(args: argparse.Namespace) -> None:
    """Pick the one status word out of ``set-status``'s positionals (first or last, as the user wrote it)."""
    statuses = [ref for ref in args.refs if ref in SETTABLE_STATUSES]
    if len(statuses) != 1:
        word = next((ref for ref in args.refs if ref.isalpha()), None)  # no ICCID nor SID: a status misspelt
        sub = (
            (misspelt_status(word) if word else "give the status once: ready, active or inactive")
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
    refs = []
    for ref in args.refs:
        if ref in SETTABLE_STATUSES:
            continue
        try:
            refs.append(_bulk_sim(ref))
        except argparse.ArgumentTypeError as problem:
            print(
                f"usage: supersim-tui sims set-status [options] STATUS [ICCID ...]\n"
                f"supersim-tui sims set-status: error: argument ICCID: {ref[:40]}: {problem}",
                file=sys.stderr,
            )
            raise SystemExit(EXIT_USAGE) from None
    args.refs = refs


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
    except BrokenPipeError:
        # The reader went away (`| head`), whichever command was writing: stop quietly, as other shell tools do
        # (what is still buffered goes nowhere, so Python's own flush at exit does not fail again).
        import os

        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
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


class _NotTheTui(Exception):
    """The command line is more than the TUI's options (a command, help, a bad value): the full parser reads it."""


def _tui_args(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The TUI's command line (no command, only the options every command line takes), read without building every
    command's parser and importing what their options need (a tenth of the TUI's start). None for anything else
    (a command, ``-h``, ``--version``, a bad value): the full parser then reads it and answers as it always has."""
    from .commands.options import Parser, common_options

    parser = Parser(prog="supersim-tui", parents=[common_options(False)], add_help=False)

    def refuse(message: str) -> NoReturn:
        raise _NotTheTui(message)

    parser.error = refuse  # type: ignore[method-assign]
    try:
        args, rest = parser.parse_known_args(sys.argv[1:] if argv is None else list(argv))
    except _NotTheTui:
        return None
    if rest:
        return None
    args.command = None
    return args


def _main(argv: Sequence[str] | None = None) -> int:
    args = _tui_args(argv)
    parser: argparse.ArgumentParser | None = None
    if args is None:
        from .commands.parsers import build_parser

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
    if args.command is not None:  # a headless command (or the simulator): the collector runs as it starts
        collector.release()
    if args.command == "completion":
        assert parser is not None  # a command: read by the full parser
        return _print_completion(parser, args.shell)
    if args.command == "simulator":
        from .commands import serve

        return serve.run(args)
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
            own_reason = session.from_environment and not session.mode_profile and session.mode_why
            if changes and session.mode == "read-only" and own_reason:
                # read-only for a reason of its own (the profiles file cannot be read): it says what to do
                raise UsageError(
                    f"refused: the environment's credentials are read-only, so nothing was sent: {session.mode_why}"
                )
            if changes and session.mode == "read-only":
                why = f"{session.mode_source or 'the profile'} is read-only"
                refusal = READ_ONLY_REFUSAL.format(why=why).removeprefix("supersim-tui: ")
                if session.from_environment and session.mode_profile:
                    refusal += (
                        f" For write access with the environment's credentials, set profile {session.mode_profile}'s"
                        ' mode to "open" or "protected" there.'
                    )
                raise UsageError(refusal)
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


def _run_tui(args: argparse.Namespace) -> int:
    collector.hold()  # (held already when started as a command): released once the first frame is painted
    try:
        return _start_tui(args)
    finally:
        collector.release()  # (if the app never painted)


def _start_tui(args: argparse.Namespace) -> int:
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
        profile_name=session.profile_label,
        read_only=args.read_only,
        mode_reason=session.mode_reason,
    ).run()
    return EXIT_OK
