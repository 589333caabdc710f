"""The client a command works with: the in-process simulator (--demo) or the user's account."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from ..api import BasicAuth, SuperSimClient
from ..credentials import CredentialsError, from_environment


class UsageError(Exception):
    """Bad usage or input: exit code 2, nothing sent."""


@dataclass
class Session:
    client: SuperSimClient
    identity: str  # never a secret: Account SID, API key SID, client id or "demo"
    demo: bool


def open_session(args: argparse.Namespace) -> Session:
    if getattr(args, "demo", False):
        from ..simulator import Simulator, SimulatorConfig, asgi_transport

        simulator = Simulator(SimulatorConfig(sims=args.sims, seed=args.seed, latency_ms=args.latency_ms))
        client = SuperSimClient(BasicAuth(simulator.config.account_sid, simulator.config.auth_token),
                                base_url="http://127.0.0.1", transport=asgi_transport(simulator),
                                page_size=1000)
        return Session(client, "demo", True)
    try:
        credentials = from_environment(base_url=getattr(args, "base_url", None))
    except (CredentialsError, ValueError) as error:
        raise UsageError(str(error)) from None
    if credentials is None:
        raise UsageError(
            "no credentials found. Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and "
            "TWILIO_API_SECRET), or add --demo to try it on the built-in simulator"
        )
    client = SuperSimClient(credentials.auth(), base_url=credentials.base_url, page_size=1000)
    return Session(client, credentials.identity, False)
