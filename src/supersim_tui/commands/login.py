"""``login``, ``logout`` and ``profiles``: credentials set up once, kept in the keyring."""

from __future__ import annotations

import argparse
import getpass
import re
import sys

from ..api import AuthenticationError, PermissionDeniedError, SuperSimError
from ..api.auth import Secret
from ..credentials import Credentials
from ..profiles import (
    AUTH_KINDS,
    Profile,
    ProfileError,
    SecretStoreError,
    delete_secret,
    load_profiles,
    profiles_path,
    save_profiles,
    store_secret,
)
from . import session as session_module
from .output import note, print_json, table
from .session import UsageError

KIND_CHOICES = {"auth-token": "auth_token", "api-key": "api_key", "kore": "kore"}
IDENTITY_SHAPES = {
    "auth_token": (r"AC[0-9a-fA-F]{32}", "AC followed by 32 hexadecimal digits"),
    "api_key": (r"SK[0-9a-fA-F]{32}", "SK followed by 32 hexadecimal digits"),
}
SECRET_MAX = 4096


def _ask(prompt: str, default: str | None = None) -> str:
    sys.stderr.write(f"{prompt}{f' [{default}]' if default else ''}: ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip()
    return answer or (default or "")


async def login(args: argparse.Namespace) -> int:
    interactive = sys.stdin.isatty()
    name = args.profile or "default"
    try:
        existing = load_profiles().profiles.get(name)
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
    id_label, secret_label = AUTH_KINDS[kind]
    identity = args.identity or (existing.identity if existing and existing.auth == kind else None)
    if not identity:
        if not interactive:
            raise UsageError("--identity is required without a terminal")
        identity = _ask(id_label)
    if not identity:
        raise UsageError(f"{id_label} is empty")
    shape = IDENTITY_SHAPES.get(kind)
    if shape and not re.fullmatch(shape[0], identity):
        raise UsageError(f"--identity: {id_label} must be {shape[1]}")
    base_url = args.base_url or (existing.base_url if existing else None) or "https://supersim.twilio.com"
    token_url = args.token_url or (existing.token_url if existing else None)
    if kind == "kore" and not token_url:
        if not interactive:
            raise UsageError("--token-url is required for KORE credentials")
        token_url = _ask("KORE token URL")
    if args.secret_stdin:
        try:
            secret_text = sys.stdin.readline(SECRET_MAX + 2).rstrip("\r\n")
        except UnicodeDecodeError:
            raise UsageError(f"the {secret_label} on standard input is not UTF-8 text") from None
    elif interactive:
        secret_text = getpass.getpass(f"{secret_label} (input hidden): ")
    else:
        raise UsageError("no terminal to type the secret on: pipe it with --secret-stdin")
    if not secret_text:
        raise UsageError(f"{secret_label} is empty")
    if len(secret_text) > SECRET_MAX or any(ord(c) < 0x20 or ord(c) == 0x7F for c in secret_text):
        raise UsageError(
            f"the {secret_label} is not a secret as issued (over {SECRET_MAX} characters or "
            "control characters); copy it again"
        )
    secret = Secret(secret_text)
    try:
        profile = Profile(
            name,
            kind,
            identity,
            base_url,
            token_url,
            existing.default_fleet if existing else None,
            args.store or (existing.secret_store if existing else "keyring"),
        )
    except ProfileError as error:
        raise UsageError(str(error)) from None

    credentials = Credentials(kind, identity, secret, profile.base_url, token_url, f"profile {name}")
    client = session_module.make_client(credentials)
    try:
        async with client:
            await client.list_naps().next_page()  # a cheap call that needs valid credentials
    except (AuthenticationError, PermissionDeniedError) as error:
        note(f"The API refused these credentials ({error.message}); nothing was saved.")
        return 1
    except SuperSimError as error:
        note(f"Could not check the credentials: {error}; nothing was saved.")
        return 1
    note(f"Credentials work for {identity}.")

    try:
        where = store_secret(profile, secret)
    except SecretStoreError as problem:
        note(f"Could not store the secret in the keyring: {problem}")
        note(
            "Options: set the environment variables instead (nothing stored), or keep the secret in a file "
            "readable only by you (not encrypted): supersim-tui login --store file"
        )
        if not interactive or _ask("Store it in such a file now? (y/N)").lower() not in ("y", "yes"):
            note("Nothing was saved.")
            return 1
        profile.secret_store = "file"
        where = store_secret(profile, secret)
        note("WARNING: the secret is in a plain file (mode 0600). Anyone with your user account can read it.")
    profile_file = load_profiles()
    profile_file.profiles[name] = profile
    if profile_file.default is None or len(profile_file.profiles) == 1:
        profile_file.default = name
    path = save_profiles(profile_file)
    note(f"Saved profile {name!r} in {path}; the {secret_label} is stored {where}.")
    return 0


async def logout(args: argparse.Namespace) -> int:
    name = args.profile or load_profiles().default
    profile = load_profiles().profiles.get(name or "")
    if profile is None:
        raise UsageError(f"no profile {name!r}")
    try:
        removed = delete_secret(profile)
    except SecretStoreError as error:
        raise UsageError(str(error)) from None
    note(f"Removed the secret of profile {name!r}." if removed else f"Profile {name!r} had no stored secret.")
    return 0


async def profiles(args: argparse.Namespace) -> int:
    profile_file = load_profiles()
    active = args.profile or profile_file.default
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
