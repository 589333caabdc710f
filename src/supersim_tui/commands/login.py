"""``login``, ``logout`` and ``profiles``: credentials set up once, kept in the keyring.

``login`` only asks the questions (flags, then the terminal); checking, storing and saving are
:mod:`supersim_tui.signin`'s flow, the same one the TUI's sign-in screen uses."""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace

from .. import signin
from ..credentials import profile_in_use
from ..profiles import AUTH_KINDS, ProfileError, load_profiles, profiles_path
from ..settings import load_settings
from . import session as session_module
from .output import answer, ctrl_c_interrupts, note, print_json, table, write_records
from .session import UsageError

CANCELLED = "cancelled (Ctrl+C): nothing was saved"
KIND_CHOICES = {"auth-token": "auth_token", "api-key": "api_key", "kore": "kore"}
FLAGS = {"profile": "--profile", "identity": "--identity", "token_url": "--token-url", "base_url": "--base-url"}


def _ask(prompt: str, default: str | None = None) -> str:
    reply = answer(f"{prompt}{f' [{default}]' if default else ''}: ")
    if reply is None:
        raise UsageError(CANCELLED)
    return reply.strip() or (default or "")


def _usage(error: signin.SignInError) -> UsageError:
    """A detail the flow refused, as a usage error naming the flag that gave it."""
    flag = FLAGS.get(error.field or "")
    return UsageError(f"{flag}: {error}" if flag else str(error))


def _details(args: argparse.Namespace, interactive: bool) -> signin.Details:
    """The flags, then the profile in use (see signin.starting_details), then questions on the terminal."""
    try:
        start = signin.starting_details(args.profile, default_profile=load_settings().default_profile)
        existing = load_profiles().profiles.get(start.profile)
    except ProfileError as error:
        raise UsageError(str(error)) from None
    kind = KIND_CHOICES.get(args.kind or "") or (existing.auth if existing else None)
    if kind is None:
        if not interactive:
            raise UsageError("--kind is required without a terminal (auth-token, api-key or kore)")
        choice = _ask("Credentials: 1) Twilio Auth Token  2) Twilio API key  3) KORE client credentials", "1")
        kind = {"1": "auth_token", "2": "api_key", "3": "kore"}.get(choice)
        if kind is None:
            raise UsageError("choose 1, 2 or 3")
    id_label = AUTH_KINDS[kind][0]
    identity = args.identity or (start.identity if existing and existing.auth == kind else None)
    if not identity:
        if not interactive:
            raise UsageError("--identity is required without a terminal")
        identity = _ask(id_label)
    token_url = args.token_url or start.token_url
    if kind == "kore" and not token_url:
        if not interactive:
            raise UsageError("--token-url is required for KORE credentials")
        token_url = _ask("KORE token URL")
    details = signin.Details(
        start.profile, kind, identity, args.base_url or start.base_url, token_url, args.store or start.store
    )
    problem = signin.details_problem(details, None)  # everything but the secret, before asking for it
    if problem is not None:
        raise _usage(problem)
    return details


def _secret(details: signin.Details, args: argparse.Namespace, interactive: bool) -> str:
    secret_label = AUTH_KINDS[details.kind][1]
    if args.secret_stdin:
        try:
            secret = sys.stdin.readline(signin.SECRET_MAX + 2).rstrip("\r\n")
        except UnicodeDecodeError:
            raise UsageError(f"the {secret_label} on standard input is not UTF-8 text") from None
    elif interactive:
        with ctrl_c_interrupts():
            try:
                secret = getpass.getpass(f"{secret_label} (input hidden): ")
            except KeyboardInterrupt:
                sys.stderr.write("\n")
                raise UsageError(CANCELLED) from None
    else:
        raise UsageError("no terminal to type the secret on: pipe it with --secret-stdin")
    problem = signin.details_problem(details, secret)
    if problem is not None:
        raise _usage(problem)
    return secret


async def login(args: argparse.Namespace) -> int:
    """Prompts for what the flags and the profile in use leave open, then signs in with :mod:`..signin`."""
    interactive = sys.stdin.isatty()
    details = _details(args, interactive)
    secret = _secret(details, args, interactive)
    make_client = session_module.make_client  # looked up now: tests point it at the simulator
    try:
        signed_in = await signin.sign_in(details, secret, make_client)
    except signin.KeyringUnavailable as problem:
        note(f"Credentials work for {details.identity.strip()}.")
        note(f"Could not store the secret in the keyring: {problem}")
        note(
            "Options: set the environment variables instead (nothing stored), or keep the secret in a file "
            "readable only by you (not encrypted): supersim-tui login --store file"
        )
        if not interactive or _ask("Store it in such a file now? (y/N)").lower() not in ("y", "yes"):
            note("Nothing was saved.")
            return 1
        try:
            signed_in = await signin.sign_in(replace(details, store="file"), secret, make_client)
        except signin.SignInError as error:
            note(str(error))
            return 1
        note("WARNING: the secret is in a plain file (mode 0600). Anyone with your user account can read it.")
    except signin.SignInError as error:
        if error.field is not None:
            raise _usage(error) from None
        note(str(error))
        return 1
    await signed_in.client.aclose()
    note(f"Credentials work for {signed_in.profile.identity}.")
    secret_label = AUTH_KINDS[details.kind][1]
    saved_in = f"Saved profile {signed_in.profile.name!r} in {profiles_path()}"
    note(f"{saved_in}; the {secret_label} is stored {signed_in.where}.")
    _warn_if_environment_wins(signed_in.profile.name)
    return 0


def _warn_if_environment_wins(profile: str) -> None:
    """Credentials in the environment win over saved profiles: the one just saved is not what the next command
    uses unless it is named. Said with the variables' names (never their values)."""
    from ..credentials import CredentialsError, from_environment

    try:
        found = from_environment()
    except CredentialsError:  # a half-set pair: the next command reports it
        return
    if found is not None:
        names = " and ".join(found.env_vars)
        note(
            f"Note: {names} are set in this environment and win over saved profiles: the next command uses them, "
            f"not this profile, unless you give --profile {profile} (or unset them)."
        )


async def logout(args: argparse.Namespace) -> int:
    name = args.profile or signin.starting_details(default_profile=load_settings().default_profile).profile
    try:
        removed = signin.sign_out(name)
    except ProfileError as error:
        raise UsageError(str(error)) from None
    note(f"Removed the secret of profile {name!r}." if removed else f"Profile {name!r} had no stored secret.")
    return 0


async def profiles(args: argparse.Namespace) -> int:
    profile_file = load_profiles()
    active = profile_in_use(profile_file, profile=args.profile, env={}, default_profile=load_settings().default_profile)
    rows = [
        {
            "name": p.name,
            "active": p.name == active,
            "auth": p.auth,
            "identity": p.identity,
            "base_url": p.base_url,
            "secret_store": p.secret_store,
            "default_fleet": p.default_fleet,
        }
        for p in profile_file.profiles.values()
    ]
    if args.json:
        print_json({"file": str(profiles_path()), "active": active, "profiles": rows})
        return 0
    if write_records(args, "profiles", rows, ["name", "active", "auth", "identity", "base_url", "secret_store"]):
        return 0
    if not rows:
        note("No profiles yet: run `supersim-tui login`.")
        return 0
    table(
        ["", "profile", "auth", "identity", "base url", "secret in"],
        [
            ["*" if r["active"] else "", r["name"], r["auth"], r["identity"], r["base_url"], r["secret_store"]]
            for r in rows
        ],
    )
    return 0
