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

import contextlib
import os
import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import tomli_w

from .api.auth import Secret
from .api.urls import DEFAULT_BASE_URL, check_url
from .config import config_dir, ensure_dir, shown_value
from .ops.consent import MODES
from .textfile import FileProblem, read_bytes, read_toml

AUTH_KINDS = {
    "auth_token": ("Account SID", "Auth Token"),
    "api_key": ("API key SID", "API key secret"),
    "kore": ("KORE client id", "KORE client secret"),
}
KEYRING_TIMEOUT = 5.0
CONFIG_FILE_MAX = 1024 * 1024  # profiles.toml and settings.toml are a few hundred bytes
SECRET_FILE_MAX = 64 * 1024
SECRET_STORES = ("keyring", "file", "none")
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
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
    secret_store: str = "keyring"  # one of SECRET_STORES; "none" after logout: no secret is stored
    mode: str = "open"  # safety: "read-only" | "protected" | "open" (ops.consent)

    def __post_init__(self) -> None:
        problem = profile_name_problem(self.name)
        if problem:
            raise ProfileError(problem)
        if self.auth not in AUTH_KINDS:
            raise ProfileError(f"profile {self.name!r}: auth must be one of {', '.join(AUTH_KINDS)}")
        if self.mode not in MODES:
            raise ProfileError(
                f'profile {self.name!r}: mode must be "read-only", "protected" or "open", not {self.mode!r}'
            )
        if self.secret_store not in SECRET_STORES:
            raise ProfileError(f"profile {self.name!r}: secret_store must be keyring, file or none")
        try:
            self.base_url = check_url(self.base_url)
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


def profile_name_problem(name: object) -> str | None:
    """What is wrong with a profile name, or None. Names become keyring services and file names, so only
    letters, digits, ``.``, ``_`` and ``-`` (not first), at most 64."""
    if not isinstance(name, str) or not name:
        return "a profile name must not be empty"
    if not _PROFILE_NAME.fullmatch(name):
        shown = name[:40].encode("unicode_escape").decode("ascii")
        return (
            f"profile name {shown!r} is not allowed: use up to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return None


def _read_toml(path: Path, error: type[Exception]) -> dict[str, Any] | None:
    """A TOML config file's table, or None if it does not exist; ``error`` (naming the file) otherwise."""
    try:
        return read_toml(path, limit=CONFIG_FILE_MAX)
    except FileProblem as problem:
        raise error(str(problem)) from None


def load_profiles(path: Path | None = None) -> ProfileFile:
    """The profiles file, checked key by key; a :class:`ProfileError` names the file, the table and the key."""
    path = path or profiles_path()
    data = _read_toml(path, ProfileError)
    if data is None:
        return ProfileFile()
    for key in data:
        if key not in ("default", "profiles"):
            raise ProfileError(f'{path}: unknown key {key!r}; expected default = "NAME" and [profiles.NAME] tables')
    default = data.get("default")
    if default is not None and not (isinstance(default, str) and default):
        raise ProfileError(f"{path}: default = {shown_value(default)} must be a profile name in quotes")
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise ProfileError(f"{path}: profiles = {shown_value(tables)} must be a table of [profiles.NAME] sections")
    result = ProfileFile(default=default)
    for name, values in tables.items():
        problem = profile_name_problem(name)
        if problem:
            raise ProfileError(f"{path}: {problem}")
        where = f"{path}: [profiles.{name}]"
        if not isinstance(values, dict):
            raise ProfileError(f"{where} must be a table")
        for key in ("auth", "identity"):
            if key not in values:
                raise ProfileError(f"{where} has no {key}; run `supersim-tui login --profile {name}` to set it up")
        fields = [k for k in Profile.__dataclass_fields__ if k != "name"]
        for key in values:
            if key not in fields:  # strict: a misspelt mode would leave the profile open
                raise ProfileError(f"{where}: unknown key {key!r}; expected one of {', '.join(fields)}")
        known = {k: v for k, v in values.items() if k in fields}
        for key, value in known.items():
            if not isinstance(value, str) or not value.strip() or len(value) > 2048:
                raise ProfileError(f"{where} {key} = {shown_value(value)} must be non-empty text")
            if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value):
                raise ProfileError(f"{where} {key} = {shown_value(value)} contains a control character")
        if known["auth"] == "kore" and not known.get("token_url"):
            raise ProfileError(
                f'{where} is a KORE profile without token_url; add token_url = "https://…" or '
                f"run `supersim-tui login --profile {name} --kind kore --token-url URL`"
            )
        try:
            result.profiles[name] = Profile(name=name, **known)
        except ProfileError as error:
            raise ProfileError(f"{path}: {error}") from None
    return result


def save_profiles(profile_file: ProfileFile, path: Path | None = None) -> Path:
    path = path or profiles_path()
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
    """Write to a new file created with ``mode`` (never wider), then rename over ``path``.

    A file system problem (read-only, full, a file where the folder should be) is a :class:`ProfileError`
    naming the path."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        ensure_dir(path.parent)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            os.write(fd, content)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ProfileError(f"{path}: cannot write it ({(error.strerror or type(error).__name__).lower()})") from None


# ------------------------------------------------------------------ keyring
def _with_timeout(call: Callable[[], T], timeout: float, what: str) -> T:
    """Run a keyring call in a daemon thread; give up (not hang) after ``timeout`` seconds.

    Any exception from the backend (``KeyringError``, but also ``RuntimeError``, ``OSError``, D-Bus errors…)
    becomes a :class:`SecretStoreError` naming only the exception's type: a backend's message may echo
    what it was given, and that can be the secret."""
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
            "environment variables, or `supersim-tui login --store file`"
        )
    if "error" in box:
        error = box["error"]
        if isinstance(error, SecretStoreError):
            raise error
        if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: not the backend's to swallow
            raise error
        raise SecretStoreError(
            f"the system keyring failed while trying to {what} ({type(error).__name__}); "
            "use environment variables, or `supersim-tui login --store file`"
        ) from None
    return box["value"]  # type: ignore[no-any-return]


def _backend_problem() -> str | None:
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return (
            f"no usable keyring backend ({type(backend).__module__}); typical on a headless "
            "machine without a Secret Service or KWallet"
        )
    return None


def keyring_problem(*, timeout: float = KEYRING_TIMEOUT) -> str | None:
    """Why no keyring can be used here, or None if one seems available. Choosing the backend runs under the
    same timeout guard as the calls: a backend's constructor can block too."""
    return _with_timeout(_backend_problem, timeout, "find the keyring")


def store_secret(profile: Profile, secret: Secret, *, timeout: float = KEYRING_TIMEOUT) -> str:
    """Store in the profile's store ("keyring" or "file"); return a sentence saying where. Verifies by reading
    back."""
    if profile.secret_store not in ("keyring", "file"):
        raise SecretStoreError(f"profile {profile.name!r}: choose where the secret goes (keyring or file)")
    if profile.secret_store == "file":
        path = _secret_file(profile)
        try:
            _atomic_write(path, secret.reveal().encode(), mode=0o600)
        except ProfileError as error:
            raise SecretStoreError(str(error)) from None
        return f"in {path} (readable only by you; not encrypted)"
    import keyring

    problem = keyring_problem(timeout=timeout)
    if problem:
        raise SecretStoreError(problem)
    _with_timeout(
        lambda: keyring.set_password(profile.service, profile.identity, secret.reveal()), timeout, "store the secret"
    )
    read_back = _with_timeout(
        lambda: keyring.get_password(profile.service, profile.identity), timeout, "read the secret back"
    )
    if read_back != secret.reveal():
        raise SecretStoreError(
            "the keyring accepted the secret but did not keep it (a backend that drops writes); nothing was saved"
        )
    backend = type(_with_timeout(keyring.get_keyring, timeout, "name the keyring"))
    return f"in the system keyring ({backend.__module__}.{backend.__name__}), service {profile.service!r}"


def load_secret(profile: Profile, *, timeout: float = KEYRING_TIMEOUT) -> Secret | None:
    if profile.secret_store == "none":
        return None
    if profile.secret_store == "file":
        path = _secret_file(profile)
        try:
            data = read_bytes(path, limit=SECRET_FILE_MAX, missing_ok=True)
        except FileProblem as unreadable:
            raise SecretStoreError(str(unreadable)) from None
        if data is None:
            return None
        if path.stat().st_mode & 0o077:
            raise SecretStoreError(f"{path} is readable by others; run: chmod 600 {path}")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SecretStoreError(
                f"{path} is not UTF-8 text; run `supersim-tui login --profile {profile.name} "
                "--store file` to write it again"
            ) from None
        return Secret(text.strip()) if text.strip() else None
    import keyring

    problem = keyring_problem(timeout=timeout)
    if problem:
        raise SecretStoreError(problem)
    value = _with_timeout(lambda: keyring.get_password(profile.service, profile.identity), timeout, "read the secret")
    if value is not None and not isinstance(value, str):
        raise SecretStoreError(
            f"the system keyring returned a {type(value).__name__}, not text, for {profile.service!r}"
        )
    return Secret(value) if value else None


def delete_secret(profile: Profile, *, timeout: float = KEYRING_TIMEOUT) -> bool:
    """Remove the stored secret; True if there was one."""
    if profile.secret_store == "none":
        return False
    if profile.secret_store == "file":
        path = _secret_file(profile)
        if path.exists():
            path.unlink()
            return True
        return False
    import keyring
    import keyring.errors

    def delete() -> bool:
        try:
            keyring.delete_password(profile.service, profile.identity)
        except keyring.errors.PasswordDeleteError:
            return False
        return True

    return _with_timeout(delete, timeout, "remove the secret")


def _secret_file(profile: Profile) -> Path:
    return secrets_dir() / f"{profile.name}.secret"


def profile_mode(name: str | None, path: Path | None = None) -> str:
    """A profile's safety mode ("open" when there is no such profile, e.g. credentials from the environment)."""
    if not name:
        return "open"
    profile = load_profiles(path).profiles.get(name)
    return profile.mode if profile is not None else "open"
