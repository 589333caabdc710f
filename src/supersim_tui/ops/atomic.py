"""Write a whole file or nothing: the one write-then-rename helper (run journals' plans, the registration
queue when it is pruned).

The content goes to a temporary file beside the target (``.NAME.PID.tmp``), is fsynced, renamed over the
target, and the folder is fsynced, so after a kill or a power cut the target holds either the old content or
the new, never a part. A temporary file left by a killed process names its pid: :func:`remove_abandoned`
deletes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

_TEMPORARY = re.compile(r"\.(?P<name>.+?)(?:\.(?P<pid>\d+))?\.tmp")
UNNAMED_TEMPORARY_AGE = 600.0  # seconds: a temporary file without a pid (older versions) older than this is left over


def temporary_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(
    path: Path,
    chunks: Iterable[bytes],
    *,
    mode: int = 0o600,
    after_write: Callable[[], None] | None = None,
    durable: bool = True,
) -> None:
    """Replace ``path`` with ``chunks`` as one durable step (see the module docstring). ``after_write`` is called
    after each chunk is written and after the rename (the journal's kill-at-every-write test hook). ``durable``
    False: not fsynced (a cache, made again if a power cut loses it: whole or absent all the same)."""
    temporary = temporary_path(path)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        try:
            for chunk in chunks:
                os.write(fd, chunk)
                if after_write is not None:
                    after_write()
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    if durable:
        fsync_dir(path.parent)
    if after_write is not None:
        after_write()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # another user's live process
    except (OSError, OverflowError):
        return False
    return True


def remove_abandoned(folder: Path, suffix: str = "") -> list[Path]:
    """Delete temporary files in ``folder`` (for targets ending in ``suffix``) whose writer is gone: its pid is
    not alive, or (no pid in the name) it is older than :data:`UNNAMED_TEMPORARY_AGE`. The files removed."""
    removed = []
    try:
        candidates = list(folder.glob(f".*{suffix}*.tmp"))
    except OSError:
        return []
    for candidate in candidates:
        match = _TEMPORARY.fullmatch(candidate.name)
        if match is None or not match["name"].endswith(suffix):
            continue
        try:
            if match["pid"] is not None:
                if _alive(int(match["pid"])):
                    continue
            elif time.time() - candidate.stat().st_mtime < UNNAMED_TEMPORARY_AGE:
                continue
            candidate.unlink()
        except OSError:
            continue
        removed.append(candidate)
    return removed
