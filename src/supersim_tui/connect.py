"""What the TUI needs to sign in and switch profiles, without doing I/O itself.

Signing in is :mod:`supersim_tui.signin`'s flow (shared with the CLI's ``login``); this adds the client
maker the App was given and remembers the active profile.

The App receives a :class:`Connector`; tests give it one whose clients talk to
the simulator. Keyring and file work runs in threads (it can block), API checks
on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from .api import SuperSimClient
from .credentials import Credentials, CredentialsError, profile_in_use, resolve
from .profiles import ProfileError, load_profiles
from .signin import Details, KeyringUnavailable, SignInError, new_profile_details, sign_in, starting_details


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
        default_profile: str | None = None,
    ):
        self.make_client = make_client
        self.base_url = base_url  # --base-url: wins over a profile's
        self.default_profile = default_profile  # the settings' default_profile
        self.active_profile = active_profile
        self.last_saved_where = ""

    def profiles(self) -> list[ProfileInfo]:
        try:
            profile_file = load_profiles()
        except ProfileError:
            return []
        active = profile_in_use(profile_file, profile=self.active_profile, default_profile=self.default_profile)
        return [ProfileInfo(p.name, p.auth, p.identity, p.name == active) for p in profile_file.profiles.values()]

    async def open_profile(self, name: str) -> Connection:
        try:
            credentials = await asyncio.to_thread(resolve, profile=name, env={})
        except CredentialsError as error:
            raise SignInError(str(error)) from None
        try:
            client = self.make_client(credentials)
        except ValueError as error:  # e.g. a KORE token URL that is not https
            raise SignInError(str(error)) from None
        self.active_profile = name
        return Connection(client, f"{credentials.identity} ({name})", name)

    def starting_details(self, *, adding: bool = False) -> Details:
        """What the sign-in form starts with: the profile in use (or a new ``default`` one); when ``adding``
        another profile, a name not in use yet."""
        if adding:
            return new_profile_details(self.base_url)
        return starting_details(self.active_profile, base_url=self.base_url, default_profile=self.default_profile)

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
        """Sign in with :func:`supersim_tui.signin.sign_in` (checked by the API, then stored: ``store`` is
        "keyring", "file", or "none" for this session only)."""
        details = Details(profile, kind, identity, base_url, token_url, store)
        signed_in = await sign_in(details, secret, self.make_client)
        self.last_saved_where = signed_in.where
        if not signed_in.saved:
            return Connection(signed_in.client, f"{signed_in.profile.identity} (not saved)", None)
        self.active_profile = signed_in.profile.name
        return Connection(
            signed_in.client, f"{signed_in.profile.identity} ({signed_in.profile.name})", signed_in.profile.name
        )


__all__ = ["Connection", "Connector", "KeyringUnavailable", "ProfileInfo", "SignInError"]
