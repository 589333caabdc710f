"""User settings (``settings.toml`` in the config dir), validated key by key.

A bad value is reported with the file, the key and what is expected, and that
key falls back to its default, so the app still starts.

    default_profile = "work"
    concurrency = 100           # bulk work: the most requests in flight, 1..256 (the engine finds the
                                # account's allowance below it)
    theme = "textual-dark"      # any Textual theme name
    confirm = "always"          # "always" | "never" (never: mutations need no confirmation)
    [keymap]                    # binding id = keys
    "tab.sims" = "s"
    "app.refresh" = "f5"
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import config_dir, shown_value

CONFIRM_CHOICES = ("always", "never")
MAX_CONCURRENCY = 256  # what an account can plausibly allow
SETTINGS_FILE_MAX = 1024 * 1024  # a settings file is a few hundred bytes


@dataclass
class Settings:
    default_profile: str | None = None
    concurrency: int = 100
    theme: str | None = None
    confirm: str = "always"
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def load_settings(path: Path | None = None) -> Settings:
    """The settings, never an exception: a file that cannot be read (a directory, a FIFO, binary, too big,
    unreadable, not TOML, nested too deeply) is reported with its path and the defaults apply; a bad value
    is reported with the file and key, and that key falls back to its default."""
    from .textfile import FileProblem, read_toml

    path = path or settings_path()
    settings = Settings()
    try:
        table = read_toml(path, limit=SETTINGS_FILE_MAX)
    except FileProblem as problem:
        settings.problems.append(f"{problem}; using the default settings")
        return settings
    if table is None:
        return settings
    data: dict[str, Any] = table

    def bad(key: str, expected: str, value: object = None) -> None:
        shown = shown_value(data[key] if value is None else value)
        settings.problems.append(f"{path}: {key} = {shown} is invalid: expected {expected}; using the default")

    for key in data:
        if key not in ("default_profile", "concurrency", "theme", "confirm", "keymap"):
            settings.problems.append(f"{path}: unknown key {repr(key[:40])} (ignored)")
    scalars: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
        ("default_profile", lambda v: isinstance(v, str) and bool(v), "a profile name"),
        (
            "concurrency",
            lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_CONCURRENCY,
            f"a whole number from 1 to {MAX_CONCURRENCY}",
        ),
        ("theme", lambda v: isinstance(v, str) and bool(v), "a Textual theme name such as textual-dark"),
        ("confirm", lambda v: v in CONFIRM_CHOICES, " or ".join(repr(c) for c in CONFIRM_CHOICES)),
    )
    for key, valid, expected in scalars:
        if key in data:
            if valid(data[key]):
                setattr(settings, key, data[key])
            else:
                bad(key, expected)
    if "keymap" in data:
        keymap = data["keymap"]
        if not isinstance(keymap, dict):
            bad("keymap", 'a table of binding id = "keys", e.g. "tab.sims" = "s"')
        else:
            for binding, keys in keymap.items():  # each binding on its own: one bad value spoils no other
                if isinstance(keys, str) and len(keys) <= 200 and _keys_ok(keys):
                    settings.keymap[binding] = keys
                else:
                    settings.problems.append(
                        f"{path}: keymap.{_shown(binding)} = {shown_value(keys)} is invalid: expected "
                        'keys such as "f5" or "ctrl+r"; using the default'
                    )
    return settings


def _keys_ok(keys: str) -> bool:
    """A comma-separated list of key names (``f5``, ``ctrl+r``, ``?``): none empty, no spaces or control
    characters inside one."""
    parts = [part.strip() for part in keys.split(",")]
    return all(part and re.fullmatch(r"[^\x00-\x20\x7f-\x9f]+", part) for part in parts)


def _shown(key: str) -> str:
    """A TOML key for a message: bare if plain, else quoted (control characters escaped); cut at 40."""
    text = key[:40]
    return (text if re.fullmatch(r"[A-Za-z0-9_.-]+", text) else repr(text)) + ("…" if len(key) > 40 else "")
