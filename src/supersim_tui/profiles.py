"""Profiles (non-secret, TOML under the config dir) and where their secrets live.

A profile holds the auth kind, the identity (Account SID, API key SID or KORE
client id), base URL, KORE token URL and default fleet. Its secret (Auth Token,
API key secret, KORE client secret) goes to the OS keyring under the service
``supersim-tui:<profile>``. Only when no keyring works and the user explicitly
chooses it, the secret goes to a file readable only by them (0600, written
atomically), and the app says so.

Keyring calls can hang over SSH (a locked keyring waiting for a prompt nobody
sees), so each runs in a thread with a timeout; a backend that silently drops
writes is caught by reading the secret back.
"""

from __future__ import annotations

import os
import threading
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import tomli_w

from .api.auth import Secret
from .api.client import DEFAULT_BASE_URL, check_base_url
from .config import config_dir, ensure_dir

AUTH_KINDS = {
    "auth_token": ("Account SID", "Auth Token"),
    "api_key": ("API key SID", "API key secret"),
    "kore": ("KORE client id", "KORE client secret"),
}
KEYRING_TIMEOUT = 5.0
T = TypeVar("T")


class ProfileError(Exception):
    """A profile problem the user can fix; the message says how."""


class SecretStoreError(ProfileError):
    """The secret could not be stored or read where it was meant to be."""


@dataclass
class Profile:
    name: str
    auth: str  # one of AUTH_KINDS
    identity: str
    base_url: str = DEFAULT_BASE_URL
    token_url: str | None = None
    default_fleet: str | None = None
    secret_store: str = "keyring"  # "keyring" | "file"
    mode: str = "open"  # safety: "read-only" | "protected" | "open" (ops.consent)

    def __post_init__(self) -> None:
        if self.auth not in AUTH_KINDS:
            raise ProfileError(f"profile {self.name!r}: auth must be one of {', '.join(AUTH_KINDS)}")
        if self.mode not in ("read-only", "protected", "open"):
            raise ProfileError(f"profile {self.name!r}: mode must be \"read-only\", \"protected\" or \"open\", "
                               f"not {self.mode!r}")
        if self.secret_store not in ("keyring", "file"):
            raise ProfileError(f"profile {self.name!r}: secret_store must be keyring or file")
        try:
            self.base_url = check_base_url(self.base_url)
        except ValueError as error:
            raise ProfileError(f"profile {self.name!r}: {error}") from None

    @property
    def service(self) -> str:
        return f"supersim-tui:{self.name}"


@dataclass
class ProfileFile:
    default: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)


def profiles_path() -> Path:
    return config_dir() / "profiles.toml"


def secrets_dir() -> Path:
    return config_dir() / "secrets"


def load_profiles(path: Path | None = None) -> ProfileFile:
    path = path or profiles_path()
    if not path.exists():
        return ProfileFile()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML ({error})") from None
    result = ProfileFile(default=data.get("default"))
    for name, values in (data.get("profiles") or {}).items():
        if not isinstance(values, dict):
            raise ProfileError(f"{path}: [profiles.{name}] must be a table")
        known = {k: v for k, v in values.items() if k in Profile.__dataclass_fields__ and k != "name"}
        try:
            result.profiles[name] = Profile(name=name, **known)
        except TypeError as error:
            raise ProfileError(f"{path}: [profiles.{name}] is incomplete ({error})") from None
    return result


def save_profiles(profile_file: ProfileFile, path: Path | None = None) -> Path:
    path = path or profiles_path()
    ensure_dir(path.parent)
    data: dict[str, Any] = {}
    if profile_file.default:
        data["default"] = profile_file.default
    data["profiles"] = {
        name: {k: v for k, v in asdict(p).items() if k != "name" and v is not None}
        for name, p in profile_file.profiles.items()
    }
    _atomic_write(path, tomli_w.dumps(data).encode(), mode=0o644)
    return path


def _atomic_write(path: Path, content: bytes, mode: int) -> None:
    """Write to a new file created with ``mode`` (never wider), then rename over ``path``."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, content)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


# ------------------------------------------------------------------ keyring
def _with_timeout(call: Callable[[], T], timeout: float, what: str) -> T:
    """Run a keyring call in a daemon thread; give up (not hang) after ``timeout`` seconds."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=target, name="keyring", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise SecretStoreError(
            f"the system keyring did not answer within {timeout:g} s while trying to {what} "
            "(a locked keyring over SSH waits for an unlock prompt you cannot see). Unlock it, or use "
            "environment variables, or `supersim-tui login --store file`")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def keyring_problem() -> str | None:
    """Why no keyring can be used here, or None if one seems available."""
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return (f"no usable keyring backend ({type(backend).__module__}); typical on a headless "
                "machine without a Secret Service or KWallet")
    return None


def store_secret(profile: Profile, secret: Secret, *, timeout: float = KEYRING_TIMEOUT) -> str:
    """Store in the profile's store; return a sentence saying where. Verifies by reading back."""
    if profile.secret_store == "file":
        path = _secret_file(profile)
        ensure_dir(path.parent)
        _atomic_write(path, secret.reveal().encode(), mode=0o600)
        return f"in {path} (readable only by you; not encrypted)"
    import keyring
    import keyring.errors

    problem = keyring_problem()
    if problem:
        raise SecretStoreError(problem)
    try:
        _with_timeout(lambda: keyring.set_password(profile.service, profile.identity, secret.reveal()),
                      timeout, "store the secret")
        read_back = _with_timeout(lambda: keyring.get_password(profile.service, profile.identity), timeout,
                                  "read the secret back")
    except keyring.errors.KeyringError as error:
        raise SecretStoreError(f"the keyring refused the secret: {type(error).__name__}") from None
    if read_back != secret.reveal():
        raise SecretStoreError("the keyring accepted the secret but did not keep it (a backend that drops "
                               "writes); nothing was saved")
    backend = type(keyring.get_keyring())
    return f"in the system keyring ({backend.__module__}.{backend.__name__}), service {profile.service!r}"


def load_secret(profile: Profile, *, timeout: float = KEYRING_TIMEOUT) -> Secret | None:
    if profile.secret_store == "file":
        path = _secret_file(profile)
        if not path.exists():
            return None
        if path.stat().st_mode & 0o077:
            raise SecretStoreError(f"{path} is readable by others; run: chmod 600 {path}")
        return Secret(path.read_text(encoding="utf-8").strip())
    import keyring
    import keyring.errors

    problem = keyring_problem()
    if problem:
        raise SecretStoreError(problem)
    try:
        value = _with_timeout(lambda: keyring.get_password(profile.service, profile.identity), timeout,
                              "read the secret")
    except keyring.errors.KeyringError as error:
        raise SecretStoreError(f"the keyring could not be read: {type(error).__name__}") from None
    return Secret(value) if value else None


def delete_secret(profile: Profile, *, timeout: float = KEYRING_TIMEOUT) -> bool:
    """Remove the stored secret; True if there was one."""
    if profile.secret_store == "file":
        path = _secret_file(profile)
        if path.exists():
            path.unlink()
            return True
        return False
    import keyring
    import keyring.errors

    try:
        _with_timeout(lambda: keyring.delete_password(profile.service, profile.identity), timeout,
                      "remove the secret")
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def _secret_file(profile: Profile) -> Path:
    return secrets_dir() / f"{profile.name}.secret"


def profile_mode(name: str | None, path: Path | None = None) -> str:
    """A profile's safety mode ("open" when there is no such profile, e.g. credentials from the environment)."""
    if not name:
        return "open"
    profile = load_profiles(path).profiles.get(name)
    return profile.mode if profile is not None else "open"
