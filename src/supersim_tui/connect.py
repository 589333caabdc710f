"""What the TUI needs to sign in and switch profiles, without doing I/O itself.

The App receives a :class:`Connector`; tests give it one whose clients talk to
the simulator. Keyring and file work runs in threads (it can block), API checks
on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from .api import AuthenticationError, PermissionDeniedError, SuperSimClient, SuperSimError
from .api.auth import Secret
from .credentials import Credentials, CredentialsError, resolve
from .profiles import (
    AUTH_KINDS,
    Profile,
    ProfileError,
    SecretStoreError,
    load_profiles,
    save_profiles,
    store_secret,
)


class SignInError(Exception):
    """Why signing in did not work, in words for the person at the keyboard."""


class KeyringUnavailable(SignInError):
    """The credentials work but the keyring cannot keep them; the user must choose what to do."""


@dataclass(frozen=True)
class ProfileInfo:
    name: str
    auth: str
    identity: str
    active: bool


@dataclass
class Connection:
    client: SuperSimClient
    label: str
    profile: str | None


def _default_client(credentials: Credentials) -> SuperSimClient:
    # Small lists (fleets, NAPs, networks) come whole in one page; the SIMs pane asks for its own page size.
    return SuperSimClient(credentials.auth(), base_url=credentials.base_url, page_size=1000)


class Connector:
    def __init__(
        self,
        make_client: Callable[[Credentials], SuperSimClient] = _default_client,
        active_profile: str | None = None,
        base_url: str | None = None,
    ):
        self.make_client = make_client
        self.default_base_url = base_url or "https://supersim.twilio.com"
        self.active_profile = active_profile
        self.last_saved_where = ""

    def _client(self, credentials: Credentials) -> SuperSimClient:
        try:
            return self.make_client(credentials)
        except ValueError as error:  # e.g. a KORE token URL that is not https
            raise SignInError(str(error)) from None

    def profiles(self) -> list[ProfileInfo]:
        try:
            profile_file = load_profiles()
        except ProfileError:
            return []
        active = self.active_profile or profile_file.default
        return [ProfileInfo(p.name, p.auth, p.identity, p.name == active) for p in profile_file.profiles.values()]

    async def open_profile(self, name: str) -> Connection:
        try:
            credentials = await asyncio.to_thread(resolve, profile=name, env={})
        except CredentialsError as error:
            raise SignInError(str(error)) from None
        client = self._client(credentials)
        self.active_profile = name
        return Connection(client, f"{credentials.identity} ({name})", name)

    async def sign_in(
        self,
        *,
        profile: str,
        kind: str,
        identity: str,
        secret: str,
        base_url: str,
        token_url: str | None = None,
        store: str = "keyring",
    ) -> Connection:
        """Check the credentials with a cheap call, then save the profile and its secret
        (``store`` "keyring" or "file"; "none" keeps them for this session only)."""
        if kind not in AUTH_KINDS:
            raise SignInError("choose the kind of credentials")
        id_label, secret_label = AUTH_KINDS[kind]
        if not profile.strip():
            raise SignInError("Profile name: enter a name, e.g. default")
        if not identity.strip():
            raise SignInError(f"{id_label}: required")
        if not secret:
            raise SignInError(f"{secret_label}: required")
        if kind == "kore" and not (token_url or "").strip():
            raise SignInError("KORE token URL: required for KORE credentials")
        try:
            saved = Profile(
                profile.strip(),
                kind,
                identity.strip(),
                base_url.strip() or "https://supersim.twilio.com",
                (token_url or "").strip() or None,
                secret_store="file" if store == "file" else "keyring",
            )
        except ProfileError as error:
            raise SignInError(str(error)) from None
        credentials = Credentials(
            kind, saved.identity, Secret(secret), saved.base_url, saved.token_url, f"profile {saved.name}"
        )
        client = self._client(credentials)
        try:
            await client.list_naps().next_page()
        except (AuthenticationError, PermissionDeniedError) as error:
            await client.aclose()
            raise SignInError(f"The API refused these credentials ({error.message}); nothing was saved.") from None
        except SuperSimError as error:
            await client.aclose()
            raise SignInError(f"Could not check the credentials: {error}; nothing was saved.") from None
        if store == "none":
            self.last_saved_where = "nowhere (this session only)"
            return Connection(client, f"{saved.identity} (not saved)", None)
        try:
            where = await asyncio.to_thread(store_secret, saved, credentials.secret)
        except SecretStoreError as error:
            await client.aclose()
            raise KeyringUnavailable(str(error)) from None
        profile_file = load_profiles()
        profile_file.profiles[saved.name] = saved
        if profile_file.default is None:
            profile_file.default = saved.name
        await asyncio.to_thread(save_profiles, profile_file)
        self.active_profile = saved.name
        self.last_saved_where = where
        return Connection(client, f"{saved.identity} ({saved.name})", saved.name)
