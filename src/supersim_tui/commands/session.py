"""The client a command works with: the in-process simulator (--demo) or the user's account."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from ..api import BasicAuth, SuperSimClient
from ..credentials import Credentials, CredentialsError, resolve
from ..settings import load_settings


class UsageError(Exception):
    """Bad usage or input: exit code 2, nothing sent."""


@dataclass
class Session:
    client: SuperSimClient
    identity: str  # never a secret: Account SID, API key SID, client id or "demo"
    demo: bool
    mode: str = "open"  # the safety mode: read-only, protected or open (ops.consent)
    profile: str | None = None


def open_session(args: argparse.Namespace) -> Session:
    if getattr(args, "demo", False):
        from ..simulator import Simulator, SimulatorConfig, asgi_transport

        simulator = Simulator(SimulatorConfig(sims=args.sims, seed=args.seed, latency_ms=args.latency_ms))
        client = SuperSimClient(
            BasicAuth(simulator.config.account_sid, simulator.config.auth_token),
            base_url="http://127.0.0.1",
            transport=asgi_transport(simulator),
            page_size=1000,
        )
        return Session(client, "demo", True, "read-only" if getattr(args, "read_only", False) else "open")
    settings = load_settings()
    try:
        credentials = resolve(
            profile=getattr(args, "profile", None),
            base_url=getattr(args, "base_url", None),
            default_profile=settings.default_profile,
        )
    except (CredentialsError, ValueError) as error:
        raise UsageError(str(error)) from None
    mode = "read-only" if getattr(args, "read_only", False) else credentials.mode
    try:
        client = make_client(credentials)
    except ValueError as error:  # e.g. a KORE token URL that is not https
        raise UsageError(str(error)) from None
    return Session(client, credentials.identity, False, mode, credentials.profile)


def make_client(credentials: Credentials) -> SuperSimClient:
    """The one place a client for real credentials is built (tests point it at the simulator)."""
    return SuperSimClient(credentials.auth(), base_url=credentials.base_url, page_size=1000)
