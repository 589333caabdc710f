"""One bulk run at a time per account: an ``flock``ed lock file in the runs folder (``journal.runs_dir``)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from ..config import ensure_dir


class RunLockedError(Exception):
    """Another live process is running a change on the same account."""


class AccountLock:
    """One run at a time per account (``base_url`` + identity): a lock file in the runs folder.

    The lock is an ``flock`` on the file, so the kernel releases it when its process dies however it dies:
    a stale lock (dead pid) is taken over without a question. The file holds the holder's pid and run id
    for the message a second run shows."""

    def __init__(self, base_url: str, identity: str, directory: Path | None = None):
        digest = hashlib.sha256(f"{base_url}\n{identity}".encode()).hexdigest()[:16]
        if directory is None:
            from .journal import runs_dir  # here, not at the top: journal re-exports this module

            directory = runs_dir()
        self.path = directory / f"account-{digest}.lock"
        self._fd: int | None = None

    def acquire(self, run_id: str) -> None:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): no lock
            return
        ensure_dir(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 4096).decode("utf-8", "replace").strip()
            os.close(fd)
            try:
                info = json.loads(holder)
                who = f"run {info.get('run_id')} (pid {info.get('pid')})"
            except (json.JSONDecodeError, AttributeError):
                who = "another run"
            raise RunLockedError(
                f"{who} is changing SIMs on this account right now; nothing was sent. "
                "Wait for it to finish (or stop it), then try again."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "run_id": run_id}).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> AccountLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
