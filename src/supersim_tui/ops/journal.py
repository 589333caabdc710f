"""Run journals: one JSON-lines file per bulk run under the user state dir.

What a kill at any moment (even ``kill -9`` or a power cut) leaves behind:

* The plan (a ``run`` header naming how many items, one ``item`` line per SIM with its
  key, ICCID and intended change, then a ``planned`` line) is written to a temporary
  file, fsynced and renamed into place **before the first request is sent**. So either
  there is no journal (and nothing was sent) or the journal holds the whole plan.
* After that, records are appended, one ``os.write`` of a whole line each, on an
  ``O_APPEND`` descriptor: ``start`` (about to send), ``sent`` (the API accepted it),
  ``done`` (final outcome), and ``finished`` / ``stopped`` (a deliberate stop: Esc,
  Ctrl+C) / ``interrupted`` (credentials refused) for the run. They are fsynced at
  most every :data:`FSYNC_INTERVAL` seconds and when the run ends, so their cost is
  bounded; a record lost to a power cut costs nothing, because resume re-checks every
  item not recorded as final against the API before sending anything.

Reading is strict: a line that is not a known, well-formed record stops the reader
with the journal's path and line number (:class:`JournalError`); no item is ever
skipped silently. The one tolerated exception is a last line without its newline:
every record is written as one complete line, so a line missing its newline can only
be the write that a kill interrupted, and the record it would have been (``start``,
``sent``, ``done``) is one resume re-checks anyway. A plan that is incomplete (no
``planned`` line, or fewer items than the header announced) is never treated as
finished: resume refuses it (see :attr:`JournalState.plan_problem`).

Why one file over 400 lines: the writer (:class:`Journal`) and the strict reader (:func:`read_state`,
:class:`JournalState`, :func:`list_runs`, :func:`find_run`) are the two halves of one crash-safety contract (the
record kinds, their fields, the tolerated torn last line); kept side by side so a change to one is seen against
the other. The account lock, a separate job, is in ``account_lock.py``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import ensure_dir, state_dir
from .account_lock import AccountLock as AccountLock  # re-exported: the TUI and tests import it from here
from .account_lock import RunLockedError as RunLockedError
from .atomic import remove_abandoned, write_atomically
from .outcomes import ItemOutcome, Outcome

FSYNC_INTERVAL = 0.25  # seconds: at most this much of a run's outcome records can be lost to a power cut
KILL_HOOK = "SUPERSIM_TEST_KILL_AFTER_WRITES"  # tests only: SIGKILL this process after its k-th journal write
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")

# Outcomes a resume takes up again (the rest are final: done, skipped, invalid, failed for good).
RETRY_OUTCOMES = ("not-run", Outcome.NOT_SENT, Outcome.UNCONFIRMED)  # "not-run": journals before the rename

_S, _N, _B = (str,), (int,), (bool,)
_OS, _ON = (str, type(None)), (int, type(None))
_OUTCOME_FIELDS = {
    "key": _S,
    "iccid": _S,
    "label": _S,
    "outcome": _S,
    "status": _OS,
    "fleet_sid": _OS,
    "error": _OS,
    "code": _ON,
    "retryable": _B,
    "sid": _OS,
}
# type -> {field: allowed types}; a record with a field not listed, or missing one without a default, is corrupt.
_RECORDS: dict[str, dict[str, tuple[type, ...]]] = {
    "run": {
        "run_id": _S,
        "created": _S,
        "kind": _S,
        "count": _N,
        "change": (dict,),
        "base_url": _OS,
        "identity": _OS,
        "duplicates": _N,
        "retries": (list,),  # the run ids of the runs this one retries (t on a stopped run's results)
    },
    "planned": {"count": _N},
    "start": {"key": _S},
    "sent": {"key": _S, "status": _OS, "sid": _OS},
    "done": _OUTCOME_FIELDS,
    "finished": {},
    "stopped": {"reason": _S},
    "cancelled": {},
    "interrupted": {"reason": _S},
    "resumed": {},
}
_ITEM_FIELDS = {  # bulk changes and registrations
    "key": _S,
    "iccid": _S,
    "label": _S,
    "status": _S,
    "fleet_sid": _OS,
    "action": _S,
    "reason": _S,
    "target_name": _OS,
    "line": _N,
    "registration_code": _S,
    "fleet": _OS,
    "unique_name": _OS,
}
_REQUIRED = {
    "run": ("run_id", "kind"),
    "planned": ("count",),
    "start": ("key",),
    "sent": ("key",),
    "done": ("key", "outcome"),
    "item": ("key", "iccid"),
}


class JournalError(Exception):
    """A journal that cannot be trusted: names its path and line."""

    def __init__(self, path: Path, line: int | None, problem: str):
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"journal {where}: {problem}")
        self.path, self.line, self.problem = path, line, problem


def runs_dir() -> Path:
    return state_dir() / "runs"


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)


def check_run_id(run_id: str) -> str:
    """A run id names a journal in the runs folder and nothing else: letters, digits, - and _."""
    if not RUN_ID.fullmatch(run_id):
        raise ValueError(f"{run_id!r} is not a run id (letters, digits, '-' and '_' only, as `sims runs` lists them)")
    return run_id


def journal_path(run_id: str, directory: Path | None = None) -> Path:
    return (directory or runs_dir()) / f"{check_run_id(run_id)}.jsonl"


class _KillHook:
    """Test hook: with ``SUPERSIM_TEST_KILL_AFTER_WRITES=k`` the process SIGKILLs itself right after its
    k-th journal write (plan lines, the rename that publishes the plan, and every appended record count)."""

    def __init__(self) -> None:
        raw = os.environ.get(KILL_HOOK, "")
        self.limit = int(raw) if raw.isdigit() else 0
        self.count = 0

    def wrote(self) -> None:
        if self.limit:
            self.count += 1
            if self.count >= self.limit:
                os.kill(os.getpid(), signal.SIGKILL)


_kill_hook = _KillHook()


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


class Journal:
    """The record of one run: the plan written atomically, then append-only."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None
        self._header: dict[str, Any] | None = None  # set by create(): written with the plan
        self._last_sync = 0.0
        self._dirty = False

    @classmethod
    def create(cls, run_id: str, header: dict[str, Any], directory: Path | None = None) -> Journal:
        """A journal for a new run. Nothing is on disk until :meth:`write_plan`."""
        folder = ensure_dir(directory or runs_dir())
        remove_abandoned(folder, ".jsonl")  # plans a killed run never published: nothing was sent for them
        journal = cls(journal_path(run_id, folder))
        if journal.path.exists():
            raise FileExistsError(f"a journal for run {run_id} already exists: {journal.path}")
        journal._header = {"type": "run", "run_id": run_id, "created": datetime.now(UTC).isoformat(), **header}
        return journal

    @classmethod
    def open(cls, path: Path) -> Journal:
        return cls(path)

    @property
    def header(self) -> dict[str, Any] | None:
        """The header of a new run's journal (None once written, or for an opened journal: see its state)."""
        return self._header

    def write_plan(self, items: list[dict[str, Any]], **header: Any) -> None:
        """Write the header and every item to a temporary file, fsync it, rename it into place.

        Only after this returns may the first request be sent."""
        if self._header is None:
            raise RuntimeError("the plan of this journal is already written")
        head = {**self._header, **header, "count": len(items)}

        def chunks() -> Iterator[bytes]:
            yield _line(head)
            batch: list[bytes] = []
            for item in items:
                batch.append(_line({"type": "item", **item}))
                if _kill_hook.limit or len(batch) >= 500:  # one line per write under the test hook: a kill anywhere
                    yield b"".join(batch)
                    batch.clear()
            yield b"".join(batch) + _line({"type": "planned", "count": len(items)})

        write_atomically(self.path, chunks(), after_write=_kill_hook.wrote)
        self._header = None
        self._last_sync = time.monotonic()

    def write(self, record: dict[str, Any]) -> None:
        if self._header is not None:
            raise RuntimeError("write the plan (write_plan) before anything else")
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND, 0o600)
        os.write(self._fd, _line(record))
        self._dirty = True
        _kill_hook.wrote()
        if time.monotonic() - self._last_sync >= FSYNC_INTERVAL:
            self.sync()

    def sync(self) -> None:
        """Make every record written so far durable."""
        if self._fd is not None and self._dirty:
            os.fsync(self._fd)
            self._dirty = False
        self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fd is not None:
            self.sync()
            os.close(self._fd)
            self._fd = None

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, record) for each complete line; a bad line raises :class:`JournalError`."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as error:
            raise JournalError(self.path, None, f"cannot read it: {error.strerror}") from None
        lines = data.split(b"\n")
        last = len(lines)  # the part after the final newline: empty, or a torn write
        for number, raw in enumerate(lines, start=1):
            if number == last:
                break  # without its newline: the write a kill interrupted (see the module docstring)
            yield number, _parse(self.path, number, raw)


def _parse(path: Path, number: int, raw: bytes) -> dict[str, Any]:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise JournalError(path, number, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise JournalError(path, number, f"not a JSON record ({error.msg})") from None
    if not isinstance(record, dict):
        raise JournalError(path, number, f"expected a JSON object, found {type(record).__name__}")
    kind = record.get("type")
    fields = _ITEM_FIELDS if kind == "item" else _RECORDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise JournalError(path, number, f"unknown record type {kind!r}")
    for name, value in record.items():
        if name == "type":
            continue
        if name not in fields:
            raise JournalError(path, number, f"unknown field {name!r} in a {kind} record")
        if not isinstance(value, fields[name]) or (isinstance(value, bool) and bool not in fields[name]):
            raise JournalError(
                path, number, f"field {name!r} of a {kind} record has the wrong type ({type(value).__name__})"
            )
    missing = [name for name in _REQUIRED.get(str(kind), ()) if name not in record]
    if missing:
        raise JournalError(path, number, f"a {kind} record without {missing[0]!r}")
    return record


@dataclass
class JournalState:
    """What a journal says about a run, folded from its records."""

    header: dict[str, Any]
    path: Path | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    planned: int | None = None  # the count of the ``planned`` record: None if the plan never completed
    started: set[str] = field(default_factory=set)
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)
    done: dict[str, dict[str, Any]] = field(default_factory=dict)
    finished: bool = False
    stopped: bool = False  # stopped on purpose (Esc, Ctrl+C)
    interrupted: str | None = None  # why the run stopped itself (e.g. credentials refused)
    error: JournalError | None = None  # set by list_runs for a journal it could not read
    running_pid: int | None = None  # set by list_runs while a live process holds the account lock for this run

    @property
    def run_id(self) -> str:
        return str(self.header.get("run_id", ""))

    @property
    def cancelled(self) -> bool:
        return self.stopped

    @property
    def expected(self) -> int | None:
        count = self.header.get("count")
        return count if isinstance(count, int) else None

    @property
    def plan_problem(self) -> str | None:
        """Why the plan cannot be trusted to be whole, or None."""
        expected = self.expected
        if self.planned is None:
            missing = (
                f"{expected - len(self.items):,} of {expected:,}" if expected is not None else "an unknown number of"
            )
            return (
                f"the plan is incomplete: {len(self.items):,} items recorded, {missing} items unaccounted for "
                "(the run was stopped while its plan was being written, or the journal was cut short)"
            )
        if self.planned != len(self.items) or (expected is not None and expected != len(self.items)):
            return (
                f"the plan is incomplete: {len(self.items):,} items recorded of "
                f"{expected if expected is not None else self.planned:,} planned"
            )
        return None

    @staticmethod
    def unfinished(record: dict[str, Any] | None) -> bool:
        """Whether an item with this ``done`` record (None: no outcome) is still to be finished."""
        if record is None:
            return True
        return record.get("outcome") in RETRY_OUTCOMES or (
            record.get("outcome") == Outcome.FAILED and bool(record.get("retryable"))
        )

    @property
    def remaining(self) -> list[dict[str, Any]]:
        """Items a resume takes up: no final outcome yet, or one worth trying again."""
        return [item for item in self.items if self.unfinished(self.done.get(item["key"]))]

    @property
    def complete(self) -> bool:
        return self.plan_problem is None and not self.remaining

    def describe(self) -> str:
        if self.error is not None:
            return "unreadable"
        if self.plan_problem is not None:
            return "plan incomplete"
        if not self.remaining:
            return "finished"
        if self.running_pid is not None:
            return f"running (pid {self.running_pid})"
        if self.stopped:
            return "stopped"
        if self.interrupted:
            return f"interrupted: {self.interrupted}"
        return "finished with failures" if self.finished else "interrupted"


def read_state(journal: Journal) -> JournalState | None:
    """The run a journal describes (None: no journal); raises :class:`JournalError` if it cannot be trusted."""
    state: JournalState | None = None
    keys: set[str] = set()
    for number, record in journal.records():
        kind = record["type"]
        if kind == "run":
            if state is not None:
                raise JournalError(journal.path, number, "a second run header")
            state = JournalState(header=record, path=journal.path)
            continue
        if state is None:
            raise JournalError(journal.path, number, "a record before the run header")
        if kind == "item":
            if state.planned is not None:
                raise JournalError(journal.path, number, "an item after the plan was complete")
            if record["key"] in keys:
                raise JournalError(journal.path, number, f"item {record['key']} is listed twice")
            keys.add(record["key"])
            state.items.append(record)
        elif kind == "planned":
            state.planned = record["count"]
        elif kind in ("start", "sent", "done") and record["key"] not in keys:
            raise JournalError(journal.path, number, f"a {kind} record for {record['key']}, which is not in the plan")
        elif kind == "start":
            state.started.add(record["key"])
        elif kind == "sent":
            state.sent[record["key"]] = record
        elif kind == "done":
            state.done[record["key"]] = record
        elif kind == "finished":
            state.finished = True
        elif kind in ("stopped", "cancelled"):
            state.stopped = True
        elif kind == "interrupted":
            # (Before session 13 the reason ended with what to do next, which is the front end's to say.)
            state.interrupted = str(record.get("reason", "")).removesuffix(", then resume the run")
        elif kind == "resumed":
            state.finished = state.stopped = False
            state.interrupted = None
    return state


def record_final(journal: Journal, outcomes: Iterable[ItemOutcome]) -> None:
    """Append final outcomes found after a run ended (by a retry of its SIMs, or a read of them) to its journal,
    one ``done`` record each, as the run itself appends them: ``sims runs`` and the offer to resume then count
    those SIMs as finished. An outcome that is not final (not sent, unconfirmed, a failure worth retrying) is not
    written; a SIM found already there is done, for the run that asked. The journal is closed again."""
    finals = [o for o in outcomes if not JournalState.unfinished(o.to_json())]
    if not finals or not journal.path.exists():
        return
    try:
        for outcome in finals:
            record = outcome.to_json()
            if outcome.outcome is Outcome.SKIPPED:
                record["outcome"] = Outcome.DONE.value
            journal.write({"type": "done", **record})
    finally:
        journal.close()


def retried_journals(journal: Journal, run_ids: Iterable[object]) -> list[Journal]:
    """The journals, beside ``journal``, of the runs whose run ids its header lists as retried (``retries``):
    those that exist (an id that is not one, in a journal edited by hand, is passed over)."""
    found = []
    for run_id in run_ids:
        try:
            path = journal_path(str(run_id), journal.path.parent)
        except ValueError:
            continue
        if path.exists() and path != journal.path:
            found.append(Journal.open(path))
    return found


def list_runs(directory: Path | None = None) -> list[JournalState]:
    """Every run with a journal, newest first; one that cannot be read is listed with its ``error``."""
    folder = directory or runs_dir()
    if not folder.is_dir():
        return []
    states = []
    for path in sorted(folder.glob("*.jsonl"), reverse=True):
        try:
            state = read_state(Journal(path))
        except JournalError as error:
            state = JournalState(header={"run_id": path.stem}, path=path, error=error)
        if state is not None:
            states.append(state)
    running = _running_runs(folder)
    for state in states:
        state.running_pid = running.get(state.run_id)
    return states


def _running_runs(folder: Path) -> dict[str, int]:
    """run id -> pid for each account lock whose holder is alive (read only: never takes the lock, so a run
    starting at the same moment is not refused because of it)."""
    running = {}
    for path in folder.glob("account-*.lock"):
        try:
            info = json.loads(path.read_text(encoding="utf-8")[:4096])
            run_id, pid = str(info["run_id"]), int(info["pid"])
            if pid <= 0:
                continue
        except (OSError, ValueError, TypeError, KeyError):
            continue  # released (emptied), or not ours to read
        if _alive(pid):
            running[run_id] = pid
    return running


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs. A process killed while its parent has not yet collected it (a zombie:
    its lock released, its files closed) still answers ``kill(pid, 0)``; ``sims runs`` said "running (pid …)" for a
    run killed with kill -9, and ``sims resume`` would not take it up. Where /proc tells (Linux), a zombie is dead."""
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # alive, another user's
    except (OSError, OverflowError):
        return False  # dead: its lock is stale
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (macOS): kill's answer stands
    return state != "Z"


def find_run(
    run_id: str | None,
    directory: Path | None = None,
    *,
    base_url: str | None = None,
    kinds: tuple[str, ...] | None = None,
    include_stopped: bool = True,
    runs: list[JournalState] | None = None,
) -> tuple[Journal, JournalState] | None:
    """The named run, or the newest unfinished one (made against ``base_url``, of one of ``kinds``, if given;
    runs stopped on purpose only with ``include_stopped``). A named run's journal that cannot be trusted
    raises :class:`JournalError`; an unreadable one is passed over when looking for the newest. ``runs``: the
    :func:`list_runs` answer when the caller already has it (each journal is then read once)."""
    folder = directory or runs_dir()
    if run_id:
        path = journal_path(run_id, folder)
        state = read_state(Journal(path)) if path.exists() else None
        return (Journal(path), state) if state else None
    for state in list_runs(folder) if runs is None else runs:
        if state.error is not None or state.path is None:
            continue
        if base_url is not None and state.header.get("base_url") != base_url:
            continue
        if kinds is not None and state.header.get("kind") not in kinds:
            continue
        if state.stopped and not include_stopped:
            continue
        if state.running_pid is not None:  # another live process is running it right now
            continue
        if state.plan_problem is not None or (not state.finished and state.remaining):
            return Journal(state.path), state
    return None


# ----------------------------------------------------------------------- account lock
