"""Signing in and out: the one flow behind ``supersim-tui login``/``logout`` and the TUI's sign-in screen.

Signing in is: check the details (naming the one at fault) → have the API accept the credentials with a
cheap call → store the secret → save the profile. Nothing is stored before the API has accepted the
credentials. The front ends only ask the questions: ``commands/login.py`` prompts on the terminal and
``tui/login.py`` is a form (through :class:`~supersim_tui.connect.Connector`). No Textual, no printing.

Rules kept here, once:

* Signing in again to an existing profile renews its credentials and keeps its default fleet and its
  safety mode (a read-only profile stays read-only).
* A signed-in profile becomes the file's default when the file names no default, or one that does not exist.
* A sign-in starts from the profile in use (:func:`starting_details`), so signing in after ``logout``
  renews that profile instead of creating ``default`` on the production API; adding another profile
  starts from a name not in use (:func:`new_profile_details`).
* ``logout`` removes the secret and records ``secret_store = "none"``, so ``profiles`` shows it.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from .api import AuthenticationError, PermissionDeniedError, SuperSimClient, SuperSimError
from .api.auth import Secret
from .api.urls import DEFAULT_BASE_URL, check_url
from .credentials import Credentials, profile_in_use
from .profiles import (
    AUTH_KINDS,
    Profile,
    ProfileError,
    SecretStoreError,
    delete_secret,
    load_profiles,
    profile_name_problem,
    save_profiles,
    store_secret,
)

IDENTITY_SHAPES = {
    "auth_token": (r"AC[0-9a-fA-F]{32}", "AC followed by 32 hexadecimal digits"),
    "api_key": (r"SK[0-9a-fA-F]{32}", "SK followed by 32 hexadecimal digits"),
}
SECRET_MAX = 4096
STORES = ("keyring", "file", "none")  # "none": use the credentials for this session only
NOT_SAVED = "nowhere (this session only)"

MakeClient = Callable[[Credentials], SuperSimClient]


class SignInError(Exception):
    """Why signing in did not work, in words for the person signing in. ``field`` names the detail at
    fault ("kind", "profile", "identity", "secret", "base_url", "token_url"), or is None."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class KeyringUnavailable(SignInError):
    """The credentials work but the keyring cannot keep them: the person chooses a file or this session only."""


@dataclass(frozen=True)
class Details:
    """What a sign-in needs besides the secret. ``store``: "keyring", "file" or "none"."""

    profile: str = "default"
    kind: str = "auth_token"
    identity: str = ""
    base_url: str = DEFAULT_BASE_URL
    token_url: str | None = None
    store: str = "keyring"


@dataclass
class SignedIn:
    client: SuperSimClient  # open, its credentials accepted by the API; the caller closes it
    profile: Profile  # as saved (or as it would have been, when store was "none")
    where: str  # a sentence part saying where the secret is, e.g. "in the system keyring (…)"

    @property
    def saved(self) -> bool:
        return self.where != NOT_SAVED


def starting_details(
    profile: str | None = None,
    *,
    base_url: str | None = None,
    env: Mapping[str, str] | None = None,
    default_profile: str | None = None,
) -> Details:
    """What a sign-in starts from: the profile in use (named, ``SUPERSIM_PROFILE``, the settings' default,
    the file's default, the only one; see :func:`~supersim_tui.credentials.profile_in_use`) with its kind,
    identity, URLs and store; else a profile called ``default`` on the production API. ``base_url``
    (``--base-url``), else ``SUPERSIM_BASE_URL``, wins over the profile's, as it does for commands. An unreadable
    profiles file starts from scratch: saving will name its problem."""
    base_url = _asked_base_url(base_url, env)
    try:
        profile_file = load_profiles()
    except ProfileError:
        return Details(profile or "default", base_url=base_url or DEFAULT_BASE_URL)
    name = profile_in_use(profile_file, profile=profile, env=env, default_profile=default_profile) or "default"
    existing = profile_file.profiles.get(name)
    if existing is None:
        return Details(name, base_url=base_url or DEFAULT_BASE_URL)
    return Details(
        name,
        existing.auth,
        existing.identity,
        base_url or existing.base_url,
        existing.token_url,
        existing.secret_store if existing.secret_store != "none" else "keyring",
    )


def new_profile_details(base_url: str | None = None) -> Details:
    """What adding another profile starts from: a name not in use yet ("default", else "profile-2", …), so
    signing in with new credentials never overwrites an existing profile unless its name is typed."""
    try:
        taken = set(load_profiles().profiles)
    except ProfileError:
        taken = set()
    name = next(n for n in ("default", *(f"profile-{i}" for i in range(2, len(taken) + 3))) if n not in taken)
    return Details(name, base_url=_asked_base_url(base_url) or DEFAULT_BASE_URL)


def _asked_base_url(flag: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The base URL the user asked for, as commands take it: ``--base-url``, else ``SUPERSIM_BASE_URL`` (checked
    when the form is saved, not here: a wrong one is shown to be corrected)."""
    return flag or (os.environ if env is None else env).get("SUPERSIM_BASE_URL") or None


def details_problem(details: Details, secret: str | None) -> SignInError | None:
    """The first detail that cannot work, as an error naming it (and what is expected), or None.
    ``secret`` None: check everything but the secret (the CLI asks for it last)."""
    if details.kind not in AUTH_KINDS:
        return SignInError("choose the kind of credentials: Auth Token, API key or KORE", "kind")
    if details.store not in STORES:
        return SignInError("choose where the secret goes: keyring, file or none", "store")
    id_label, secret_label = AUTH_KINDS[details.kind]
    name = details.profile.strip()
    if not name:
        return SignInError("Profile name is empty; enter a name, e.g. default", "profile")
    problem = profile_name_problem(name)
    if problem:
        return SignInError(problem, "profile")
    identity = details.identity.strip()
    if not identity:
        return SignInError(f"{id_label} is empty", "identity")
    shape = IDENTITY_SHAPES.get(details.kind)
    if shape and not re.fullmatch(shape[0], identity):
        return SignInError(f"{id_label} must be {shape[1]}", "identity")
    try:
        check_url(details.base_url.strip() or DEFAULT_BASE_URL, "base URL")
    except ValueError as error:
        return SignInError(str(error), "base_url")
    token_url = (details.token_url or "").strip()
    if details.kind == "kore":
        if not token_url:
            return SignInError("KORE token URL is required for KORE credentials", "token_url")
        try:
            check_url(token_url, "KORE token URL")
        except ValueError as error:
            return SignInError(str(error), "token_url")
    if secret is None:
        return None
    if not secret:
        return SignInError(f"{secret_label} is empty", "secret")
    if len(secret) > SECRET_MAX or any(ord(c) < 0x20 or ord(c) == 0x7F for c in secret):
        return SignInError(
            f"the {secret_label} is not a secret as issued (over {SECRET_MAX} characters or control characters); "
            "copy it again",
            "secret",
        )
    return None


def profile_to_save(details: Details) -> Profile:
    """The profile a sign-in saves. An existing profile of that name keeps its default fleet and safety mode.
    (Signing in for this session only does not need a readable profiles file.)"""
    try:
        existing = load_profiles().profiles.get(details.profile.strip())
    except ProfileError as error:
        if details.store != "none":
            raise SignInError(str(error)) from None
        existing = None
    try:
        return Profile(
            details.profile.strip(),
            details.kind,
            details.identity.strip(),
            details.base_url.strip() or DEFAULT_BASE_URL,
            (details.token_url or "").strip() or None,
            existing.default_fleet if existing else None,
            details.store if details.store != "none" else "keyring",
            existing.mode if existing else "open",
        )
    except ProfileError as error:
        raise SignInError(str(error)) from None


_WHAT_TO_CHECK = {  # by credentials kind: what a refused sign-in should be checked against
    "auth_token": "the Account SID and Auth Token (Twilio Console, Account Info)",
    "api_key": "the API key SID and its secret (Twilio Console, API keys: the secret is shown once, when made)",
    "kore": "the KORE client id, client secret and token URL",
}


async def check_credentials(credentials: Credentials, make_client: MakeClient) -> SuperSimClient:
    """A client whose credentials the API accepted (one cheap call); :class:`SignInError` otherwise."""
    try:
        client = make_client(credentials)
    except ValueError as error:  # e.g. a KORE token URL that is not https
        raise SignInError(str(error), "token_url" if credentials.kind == "kore" else "base_url") from None
    try:
        await client.list_naps().next_page()
    except (AuthenticationError, PermissionDeniedError) as error:
        await client.aclose()
        check = _WHAT_TO_CHECK.get(credentials.kind, "the identity and the secret")
        raise SignInError(
            f"The API refused these credentials ({error.message}); nothing was saved. Check {check} and sign in again."
        ) from None
    except SuperSimError as error:
        await client.aclose()
        raise SignInError(f"Could not check the credentials: {error}; nothing was saved.") from None
    except BaseException:
        await client.aclose()
        raise
    return client


def save_signed_in(profile: Profile, secret: Secret) -> str:
    """Store the secret, then save the profile (the default when the file has none that exists). Returns
    where the secret went. Blocking (keyring, files): run it in a thread from the event loop."""
    try:
        where = store_secret(profile, secret)
    except SecretStoreError as error:
        if profile.secret_store == "keyring":
            raise KeyringUnavailable(str(error)) from None
        raise SignInError(f"{error}; nothing was saved.") from None
    try:
        profile_file = load_profiles()
        profile_file.profiles[profile.name] = profile
        if profile_file.default not in profile_file.profiles:
            profile_file.default = profile.name
        save_profiles(profile_file)
    except ProfileError as error:
        raise SignInError(str(error)) from None
    return where


async def sign_in(details: Details, secret: str, make_client: MakeClient) -> SignedIn:
    """The whole flow: check the details, have the API accept them, then (unless ``details.store`` is
    "none") store the secret and save the profile. Raises :class:`SignInError` (nothing saved), or
    :class:`KeyringUnavailable` when only the keyring failed."""
    problem = details_problem(details, secret)
    if problem is not None:
        raise problem
    profile = profile_to_save(details)
    credentials = Credentials(
        profile.auth, profile.identity, Secret(secret), profile.base_url, profile.token_url, f"profile {profile.name}"
    )
    client = await check_credentials(credentials, make_client)
    if details.store == "none":
        return SignedIn(client, profile, NOT_SAVED)
    try:
        where = await asyncio.to_thread(save_signed_in, profile, credentials.secret)
    except BaseException:
        await client.aclose()
        raise
    return SignedIn(client, profile, where)


def sign_out(name: str) -> bool:
    """Remove a profile's stored secret and record that it has none (``secret_store = "none"``), keeping its
    other settings. True if a secret was removed. Raises ``ProfileError`` (e.g. no such profile)."""
    profile_file = load_profiles()
    profile = profile_file.profiles.get(name)
    if profile is None:
        known = ", ".join(sorted(profile_file.profiles)) or "none yet"
        raise ProfileError(f"no profile {name!r} (profiles: {known})")
    removed = delete_secret(profile)
    profile_file.profiles[name] = replace(profile, secret_store="none")
    save_profiles(profile_file)
    return removed


__all__ = [
    "NOT_SAVED",
    "Details",
    "KeyringUnavailable",
    "SignInError",
    "SignedIn",
    "check_credentials",
    "details_problem",
    "new_profile_details",
    "profile_to_save",
    "save_signed_in",
    "sign_in",
    "sign_out",
    "starting_details",
]
