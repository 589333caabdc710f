"""User settings (``settings.toml`` in the config dir), validated key by key.

A bad value is reported with the file, the key and what is expected, and that
key falls back to its default, so the app still starts.

    default_profile = "work"
    concurrency = 16            # bulk work, 1..64
    theme = "textual-dark"      # any Textual theme name
    confirm = "always"          # "always" | "never" (never: mutations need no confirmation)
    [keymap]                    # binding id = keys
    "tab.sims" = "s"
    "app.refresh" = "f5"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import config_dir

CONFIRM_CHOICES = ("always", "never")


@dataclass
class Settings:
    default_profile: str | None = None
    concurrency: int = 16
    theme: str | None = None
    confirm: str = "always"
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    settings = Settings()
    if not path.exists():
        return settings
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        settings.problems.append(f"{path}: not valid TOML ({error}); using defaults")
        return settings

    def bad(key: str, expected: str) -> None:
        settings.problems.append(f"{path}: {key} = {data[key]!r} is invalid: expected {expected}; using the default")

    for key in data:
        if key not in ("default_profile", "concurrency", "theme", "confirm", "keymap"):
            settings.problems.append(f"{path}: unknown key {key!r} (ignored)")
    if "default_profile" in data:
        if isinstance(data["default_profile"], str) and data["default_profile"]:
            settings.default_profile = data["default_profile"]
        else:
            bad("default_profile", "a profile name")
    if "concurrency" in data:
        value = data["concurrency"]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 64:
            settings.concurrency = value
        else:
            bad("concurrency", "a whole number from 1 to 64")
    if "theme" in data:
        if isinstance(data["theme"], str) and data["theme"]:
            settings.theme = data["theme"]
        else:
            bad("theme", "a Textual theme name such as textual-dark")
    if "confirm" in data:
        if data["confirm"] in CONFIRM_CHOICES:
            settings.confirm = data["confirm"]
        else:
            bad("confirm", " or ".join(repr(c) for c in CONFIRM_CHOICES))
    if "keymap" in data:
        keymap = data["keymap"]
        if isinstance(keymap, dict):  # each key on its own: a bad one keeps its default, the others apply
            for binding_id, keys in keymap.items():
                if isinstance(keys, str) and keys.strip():
                    settings.keymap[binding_id] = keys
                else:
                    settings.problems.append(f"{path}: keymap {binding_id!r} = {keys!r} is invalid: expected keys "
                                             'such as "f5" or "ctrl+r,f5"; that binding keeps its default key')
        else:
            bad("keymap", 'a table of binding id = "keys", e.g. "tab.sims" = "s"')
    return settings
