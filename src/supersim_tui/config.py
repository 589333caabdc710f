"""Where the app keeps its files (resolved lazily: importing creates nothing on disk); config values in messages."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "supersim-tui"


def config_dir() -> Path:
    """Profiles and settings (TOML). Honours XDG_CONFIG_HOME on Linux."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Journals of bulk runs and the registration queue."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """What can be made again if lost (Textual's parsed stylesheets). Honours XDG_CACHE_HOME on Linux."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (owner-only) the first time something is written there."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def shown_value(value: object) -> str:
    """A config file's value for a message: its repr, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
