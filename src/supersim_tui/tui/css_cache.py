"""Textual's parsed stylesheets, kept from one start to the next.

At each start Textual parses every stylesheet from its text (ours and its widgets' defaults): ~30 ms of CPU, about
a sixth of the work between the imports and the first frame. The rule sets it made are saved, once the first
frame is painted, in the user's cache folder, and given back to Textual's own parse cache at the next start.

Textual finds an entry only under its own key: the CSS text itself, where it was read from and its scope. So a
stylesheet that changed is parsed again, never styled from an old parse. A file written by another Textual or
Python, or for other theme variables, is not used; nor one that is not the user's own or that others could
write (what it holds is unpickled), nor one whose rules are not the bytes saved (their SHA-256 is saved with them:
a bit flipped on disk can leave a valid pickle whose rule has a value Textual refuses, a traceback at start-up);
one that cannot be read is ignored and replaced. Without the file the app starts as it always did.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from textual.css import model as css_model
from textual.css.stylesheet import Stylesheet

from ..config import cache_dir, ensure_dir
from ..ops.atomic import write_atomically

FORMAT = 2  # (stamp, (SHA-256 of the rules' pickle, the rules' pickle))
FILE_NAME = "textual-css.pickle"


def cache_path() -> Path:
    return cache_dir() / FILE_NAME


def _stamp(stylesheet: Stylesheet) -> tuple[Any, ...]:
    """What the entries depend on besides their keys: this format, Python, Textual's CSS model as installed (its
    path and file times: another version or install; not ``textual.__version__``, whose look-up imports
    importlib.metadata, ~5 ms) and the theme's variables."""
    model = os.stat(css_model.__file__)
    textual_files = (css_model.__file__, model.st_mtime_ns, model.st_size)
    variables = repr(sorted(stylesheet._variables.items())).encode()
    return (FORMAT, sys.version_info[:2], textual_files, hashlib.sha256(variables).hexdigest())


def _safe_to_read(path: Path) -> bool:
    """The user's own file, which nobody else can write (its content is unpickled)."""
    info = path.stat()
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class ParsedCss:
    """Loads the saved parses into a stylesheet's cache (:meth:`load`, before anything is styled) and saves what
    the start-up parsed (:meth:`save`, after the first frame) if that differs from what was loaded."""

    def __init__(self, stylesheet: Stylesheet, path: Path | None = None) -> None:
        self.stylesheet = stylesheet
        self.path = path or cache_path()
        self.stamp = _stamp(stylesheet)
        self.loaded: frozenset[tuple[Any, ...]] = frozenset()

    def load(self) -> int:
        """Put the saved parses in the stylesheet's cache; how many (0: none, for whatever reason)."""
        try:
            if not _safe_to_read(self.path):
                return 0
            stamp, (digest, saved) = pickle.loads(self.path.read_bytes())
            if stamp != self.stamp or digest != hashlib.sha256(saved).hexdigest():
                return 0
            entries = pickle.loads(saved)
            if not isinstance(entries, dict):
                return 0
        except Exception:  # no file, or one from elsewhere or cut short: parsed as without it
            return 0
        cache = self.stylesheet._parse_cache
        for key, rules in entries.items():
            cache.set(key, rules)
        self.loaded = frozenset(entries)
        return len(entries)

    def save(self) -> bool:
        """Save the stylesheet's parses if start-up parsed any that were not loaded (True: saved)."""
        if _stamp(self.stylesheet) != self.stamp:
            return False  # the theme changed since the start (a theme in settings): another start's variables
        cache = self.stylesheet._parse_cache
        entries = {key: cache.get(key) for key in cache.keys()}  # noqa: SIM118 (an LRUCache: keys() is all it has)
        if not entries or set(entries) <= self.loaded:
            return False
        with contextlib.suppress(OSError, pickle.PicklingError):
            ensure_dir(self.path.parent)
            saved = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
            content = pickle.dumps((self.stamp, (hashlib.sha256(saved).hexdigest(), saved)))
            write_atomically(self.path, [content], durable=False)
            self.loaded = frozenset(entries)
            return True
        return False
