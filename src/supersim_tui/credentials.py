"""Finding credentials: command-line flags, then the environment, then the profile's keyring.

The result is an ``httpx.Auth`` plus the base URL; secrets stay inside
:class:`~supersim_tui.api.auth.Secret` and are never printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx

from .api.auth import BasicAuth, OAuthClientCredentials, Secret
from .api.urls import DEFAULT_BASE_URL, check_url

if TYPE_CHECKING:
    from .profiles import ProfileFile

ENV_VARS = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_API_KEY",
    "TWILIO_API_SECRET",
    "KORE_CLIENT_ID",
    "KORE_CLIENT_SECRET",
    "SUPERSIM_BASE_URL",
    "SUPERSIM_PROFILE",
)
KORE_TOKEN_URL_VAR = "KORE_TOKEN_URL"


class CredentialsError(Exception):
    """No usable credentials; the message says what to set."""


@dataclass(frozen=True)
class Credentials:
    kind: str  # "auth_token" | "api_key" | "kore"
    identity: str  # Account SID, API key SID or KORE client id: not secret
    secret: Secret  # masked in repr
    base_url: str = DEFAULT_BASE_URL
    token_url: str | None = None
    source: str = "environment"  # or "profile NAME"
    profile: str | None = None  # the profile resolve() read them from (None: the environment)
    mode: str = "open"  # that profile's safety mode (ops.consent): read once, with the profile
    # The environment variables the credentials were read from (empty: a profile's), for advice on a refusal.
    env_vars: tuple[str, ...] = ()
    # The profile whose mode applies: the one read from, or for the environment's credentials the one
    # SUPERSIM_PROFILE names, or one saved for their account (its mode still applies: see resolve). None: no
    # profile, mode open.
    mode_profile: str | None = None
    # Why mode_profile's mode applies to the environment's credentials, in words for a refusal (None: read from it).
    mode_why: str | None = None

    def auth(self) -> httpx.Auth:
        if self.kind == "kore":
            if not self.token_url:
                raise CredentialsError(f"KORE credentials need a token URL: set {KORE_TOKEN_URL_VAR}")
            return OAuthClientCredentials(self.token_url, self.identity, self.secret)
        return BasicAuth(self.identity, self.secret)


def from_environment(env: Mapping[str, str] | None = None, *, base_url: str | None = None) -> Credentials | None:
    """Credentials from environment variables, or None when none are set.

    Precedence inside the environment: API key, then Auth Token, then KORE.
    A half-set pair is an error that names the missing variable.
    """
    env = os.environ if env is None else env
    url = _base_url(base_url, env, DEFAULT_BASE_URL, "the default")
    pairs = (
        ("api_key", "TWILIO_API_KEY", "TWILIO_API_SECRET"),
        ("auth_token", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
        ("kore", "KORE_CLIENT_ID", "KORE_CLIENT_SECRET"),
    )
    for kind, id_var, secret_var in pairs:
        identity, secret = env.get(id_var, ""), env.get(secret_var, "")
        if identity and secret:
            token_url = env.get(KORE_TOKEN_URL_VAR) or None
            if kind == "kore" and not token_url:
                raise CredentialsError(
                    f"{id_var} and {secret_var} are set but {KORE_TOKEN_URL_VAR} is not: set it "
                    "to the KORE OAuth token URL (https://…)"
                )
            return Credentials(kind, identity, Secret(secret), url, token_url, env_vars=(id_var, secret_var))
        if identity or secret:
            missing = secret_var if identity else id_var
            raise CredentialsError(f"{id_var if identity else secret_var} is set but {missing} is not")
    return None


def resolve(
    *,
    profile: str | None = None,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
    default_profile: str | None = None,
) -> Credentials:
    """Flags (``profile``, ``base_url``) → environment → the named or default profile's stored secret.

    Credentials from the environment take the safety mode of the profile ``SUPERSIM_PROFILE`` names: naming a
    read-only profile keeps the session read-only whoever's credentials are used. Without it, they take the
    strictest mode of the profiles saved for their account (or API key, or client id): a read-only profile for
    that account keeps it read-only, whether or not it is the default (a profile for another account is not
    applied to credentials that are not its own).

    Raises :class:`CredentialsError` saying exactly what to do when nothing usable is found.
    """
    from .profiles import ProfileError, load_profiles, load_secret

    env = os.environ if env is None else env
    if not profile:
        found = from_environment(env, base_url=base_url)
        if found is not None:
            named = env.get("SUPERSIM_PROFILE")
            if named:
                return replace(found, mode=_named_mode(named), mode_profile=named, mode_why="named by SUPERSIM_PROFILE")
            return _account_mode(found, env)
    try:
        profile_file = load_profiles()
    except ProfileError as error:
        raise CredentialsError(str(error)) from None
    name = profile_in_use(profile_file, profile=profile, env=env, default_profile=default_profile)
    if not name:
        raise CredentialsError(
            "no credentials found. Run `supersim-tui login`, or set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN "
            "(or TWILIO_API_KEY and TWILIO_API_SECRET), or try the demo: supersim-tui --demo"
        )
    chosen = profile_file.profiles.get(name)
    if chosen is None:
        known = ", ".join(sorted(profile_file.profiles)) or "none yet"
        raise CredentialsError(
            f"no profile {name!r} (profiles: {known}); create it with `supersim-tui login --profile {name}`"
        )
    try:
        secret = load_secret(chosen)
    except ProfileError as error:
        raise CredentialsError(f"profile {name!r}: {error}") from None
    if secret is None:
        raise CredentialsError(f"profile {name!r} has no stored secret; run `supersim-tui login --profile {name}`")
    url = _base_url(base_url, env, chosen.base_url, f"profile {name!r} base_url")
    return Credentials(
        chosen.auth,
        chosen.identity,
        secret,
        url,
        chosen.token_url or env.get(KORE_TOKEN_URL_VAR),
        f"profile {name}",
        name,
        chosen.mode,
        mode_profile=name,
    )


def _named_mode(name: str) -> str:
    """The safety mode of the profile SUPERSIM_PROFILE names, for the environment's credentials. A profile that
    cannot be found (or a profiles file that cannot be read) is refused: its mode could be read-only."""
    from .profiles import ProfileError, load_profiles

    try:
        profiles = load_profiles().profiles
    except ProfileError as error:
        raise CredentialsError(f"SUPERSIM_PROFILE names profile {name!r}, whose mode cannot be read: {error}") from None
    chosen = profiles.get(name)
    if chosen is None:
        known = ", ".join(sorted(profiles)) or "none yet"
        raise CredentialsError(
            f"SUPERSIM_PROFILE names profile {name!r}, which does not exist (profiles: {known}), and its mode "
            "would apply to the credentials from the environment: unset SUPERSIM_PROFILE, or create the profile "
            f"(`supersim-tui login --profile {name}`)"
        )
    return chosen.mode


STRICTNESS = ("read-only", "protected", "open")  # ops.consent's modes, strictest first


def _account_mode(found: Credentials, env: Mapping[str, str]) -> Credentials:
    """The environment's credentials with the strictest mode of the profiles saved for their account (the
    default profile first among equals): the same account, whoever's credentials, is as safe as its profiles say.
    While the profiles file cannot be read they are read-only (a read-only profile in it could be this account's):
    reads work, a change is refused with the file's problem and what to do."""
    from .profiles import ProfileError, load_profiles

    account = env.get("TWILIO_ACCOUNT_SID") or ""
    try:
        profile_file = load_profiles()
    except ProfileError as error:
        why = (
            f"the profiles file cannot be read ({error}) and a profile saved there for this account could be "
            "read-only: fix or move the file for write access"
        )
        return replace(found, mode="read-only", mode_why=why)
    mine = [p for p in profile_file.profiles.values() if p.identity in (found.identity, account)]
    mine.sort(key=lambda p: (STRICTNESS.index(p.mode) if p.mode in STRICTNESS else 0, p.name != profile_file.default))
    if not mine or mine[0].mode == "open":
        return found
    chosen = mine[0]
    variable = "TWILIO_ACCOUNT_SID" if chosen.identity == account else found.env_vars[0]
    why = f"saved for {chosen.identity}, the environment's {variable}"
    return replace(found, mode=chosen.mode, mode_profile=chosen.name, mode_why=why)


def profile_in_use(
    profile_file: ProfileFile,
    *,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
    default_profile: str | None = None,
) -> str | None:
    """The name of the profile credentials are read from: the one named (``--profile``), else
    ``SUPERSIM_PROFILE``, else the settings' ``default_profile``, else the file's default, else the only
    profile there is; None when none of these names one. It need not exist in ``profile_file``."""
    env = os.environ if env is None else env
    name = profile or env.get("SUPERSIM_PROFILE") or default_profile or profile_file.default
    if not name and len(profile_file.profiles) == 1:
        name = next(iter(profile_file.profiles))
    return name or None


def _base_url(flag: str | None, env: Mapping[str, str], fallback: str, fallback_source: str) -> str:
    """The base URL from the flag, SUPERSIM_BASE_URL or ``fallback``, checked; a ``ValueError`` names its source."""
    url, source = (
        (flag, "--base-url")
        if flag
        else (env["SUPERSIM_BASE_URL"], "SUPERSIM_BASE_URL")
        if env.get("SUPERSIM_BASE_URL")
        else (fallback, fallback_source)
    )
    try:
        return check_url(url)
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from None
