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
    profile: str | None = None  # the profile the credentials were read from (None: the environment, the demo)
    mode_profile: str | None = None  # the profile whose mode applies (SUPERSIM_PROFILE's, for the environment's)
    from_environment: bool = False  # the credentials came from environment variables
    mode_why: str | None = None  # why mode_profile's mode applies to the environment's credentials (credentials.py)

    @property
    def mode_source(self) -> str:
        """Where the safety mode comes from, in words (for a refusal)."""
        if not self.mode_profile:
            return "the profile" if not self.from_environment else "the environment's credentials"
        if self.from_environment:
            why = self.mode_why or "named by SUPERSIM_PROFILE"
            return f"profile {self.mode_profile} ({why}; credentials from the environment)"
        return f"profile {self.mode_profile}"

    @property
    def mode_reason(self) -> str | None:
        """Why the environment's credentials have the mode they have, for the person (None: they are open, or the
        mode is the profile's own)."""
        if not self.from_environment or self.mode == "open" or not (self.mode_why or self.mode_profile):
            return None
        return self.mode_source if self.mode_profile else self.mode_why

    @property
    def profile_label(self) -> str:
        """The header's profile: its name; for the environment's credentials, "environment" (with the profile
        whose mode applies, if SUPERSIM_PROFILE names one)."""
        if self.profile:
            return self.profile
        return f"{self.mode_profile}, environment credentials" if self.mode_profile else "environment"


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
    client.credentials_env = credentials.env_vars  # a refusal then says to fix or unset them, not to log in
    return Session(
        client,
        credentials.identity,
        False,
        mode,
        credentials.profile,
        credentials.mode_profile,
        bool(credentials.env_vars),
        credentials.mode_why,
    )


def make_client(credentials: Credentials) -> SuperSimClient:
    """The one place a client for real credentials is built (tests point it at the simulator)."""
    return SuperSimClient(credentials.auth(), base_url=credentials.base_url, page_size=1000)
