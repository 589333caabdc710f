"""Run journals: one JSON-lines file per bulk run under the user state dir.

Written before and after every request, one ``os.write`` per line on an
``O_APPEND`` descriptor, so a run killed at any moment (even ``kill -9``) leaves
a journal whose complete lines say exactly what was confirmed. A torn last
line is ignored on reading.

Per item the records are ``start`` (about to send), ``sent`` (the API accepted
it) and ``done`` (final outcome). On resume: ``done`` items are left alone,
``sent`` ones are only confirmed, and ``start`` ones are checked before
anything is sent again.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import ensure_dir, state_dir


def runs_dir() -> Path:
    return state_dir() / "runs"


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)


class Journal:
    """Append-only record of one run."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    @classmethod
    def create(cls, run_id: str, header: dict[str, Any], directory: Path | None = None) -> Journal:
        folder = ensure_dir(directory or runs_dir())
        journal = cls(folder / f"{run_id}.jsonl")
        journal.write({"type": "run", "run_id": run_id, "created": datetime.now(UTC).isoformat(), **header})
        return journal

    @classmethod
    def open(cls, path: Path) -> Journal:
        return cls(path)

    def write(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        line = json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
        os.write(self._fd, line.encode("utf-8"))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def records(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    break  # torn last line from a killed run
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue


@dataclass
class JournalState:
    """What a journal says about a run, folded from its records."""

    header: dict[str, Any]
    items: list[dict[str, Any]] = field(default_factory=list)
    started: set[str] = field(default_factory=set)
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    done: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: bool = False
    cancelled: bool = False

    @property
    def run_id(self) -> str:
        return str(self.header.get("run_id", ""))

    @property
    def remaining(self) -> list[dict[str, Any]]:
        return [item for item in self.items if item["key"] not in self.done]


def read_state(journal: Journal) -> JournalState | None:
    state: JournalState | None = None
    for record in journal.records():
        kind = record.get("type")
        if kind == "run":
            state = JournalState(header=record)
        elif state is None:
            continue
        elif kind == "item":
            state.items.append(record)
        elif kind == "start":
            state.started.add(record["key"])
        elif kind == "sent":
            state.sent[record["key"]] = record
        elif kind == "done":
            state.done[record["key"]] = record
        elif kind == "finished":
            state.finished = True
        elif kind == "cancelled":
            state.cancelled = True
        elif kind == "resumed":
            state.finished = state.cancelled = False
    return state


def list_runs(directory: Path | None = None) -> list[JournalState]:
    """Every run with a journal, newest first."""
    folder = directory or runs_dir()
    if not folder.is_dir():
        return []
    states = []
    for path in sorted(folder.glob("*.jsonl"), reverse=True):
        state = read_state(Journal(path))
        if state is not None:
            states.append(state)
    return states


def find_run(run_id: str | None, directory: Path | None = None, *, base_url: str | None = None,
             kinds: tuple[str, ...] | None = None) -> tuple[Journal, JournalState] | None:
    """The named run, or the newest unfinished one (made against ``base_url``, of one of ``kinds``, if given)."""
    folder = directory or runs_dir()
    if run_id:
        path = folder / f"{run_id}.jsonl"
        state = read_state(Journal(path)) if path.exists() else None
        return (Journal(path), state) if state else None
    for state in list_runs(folder):
        if base_url is not None and state.header.get("base_url") != base_url:
            continue
        if kinds is not None and state.header.get("kind") not in kinds:
            continue
        if not state.finished and state.remaining:
            return Journal(folder / f"{state.run_id}.jsonl"), state
    return None
