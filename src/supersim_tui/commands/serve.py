"""``supersim-tui simulator``: serve the Super SIM API simulator over HTTP (loopback by default)."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    from ..simulator import Simulator, SimulatorConfig
    from ..simulator.server import is_loopback_host, run
    from .session import UsageError

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
    problem = bind_problem(args.host, args.port)
    if problem:
        print(f"supersim-tui simulator: {problem}", file=sys.stderr)
        return 1
    run(Simulator(config), args.host, args.port)
    return 0


def bind_problem(host: str, port: int) -> str | None:
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
