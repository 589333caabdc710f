"""A persistent queue of SIM registrations for the register screen.

Every submission is written (one JSON line, file mode 0600) before anything is
sent, and every outcome after, so nothing typed is lost if the app is closed or
the link drops: on the next start, entries without a final outcome are queued
again. Entries that cannot succeed as typed (wrong code, 83002) are final;
transient failures wait and are retried while the app runs.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..api import SuperSimClient, SuperSimError
from ..api.errors import AuthenticationError, PermissionDeniedError, credentials_advice, explain, is_transient
from ..config import ensure_dir, state_dir
from .atomic import write_atomically
from .outcomes import REGISTERED as REGISTERED  # the one word for a registered SIM (the CLI's too)

QUEUED, REGISTERING, WAITING, FAILED = "queued", "registering", "waiting", "failed"
FINAL = (REGISTERED, FAILED)


async def join_fleet_then_name(client: SuperSimClient, sid: str, entry: Entry, *, already: bool = False) -> str:
    """Move a just registered SIM into its fleet, then name it. A name the API refuses (taken, say) does not
    undo the registration or the fleet: it is returned as a note. Transient failures raise (retried later).

    A SIM that was ``already`` in the account (scanned twice, or sent again after the app was killed between
    registering and naming it) gets only what it lacks: a fleet if it has none, a name if it has none. One it
    has is kept, and the entry says so and shows it: a second scan of a card in service never moves it to
    another fleet (another NAP) or throws its name away."""
    fleet, name = entry.fleet, entry.unique_name
    kept: list[str] = []
    if already:
        from .register import what_it_lacks  # (the CLI's runner, shares the rule; imported when a card is seen again)

        fleet, name, kept, sim = await what_it_lacks(client, sid, fleet, name)
        if sim is not None:  # what it kept is what the entry shows
            entry.fleet = fleet or (sim.fleet_sid if entry.fleet else None)
            entry.unique_name = name or (sim.unique_name if entry.unique_name else None)
    from .register import fleet_then_name  # (the CLI's runner's rule too)

    _sim, name_refused = await fleet_then_name(client, sid, fleet, name)
    if name_refused is not None:
        return f"; {name_refused}"
    return f"; kept {' and '.join(kept)}" if kept else ""


def _record(entry: Entry) -> bytes:
    return (json.dumps(asdict(entry)) + "\n").encode()


def queue_path() -> Path:
    return state_dir() / "register-queue.jsonl"


@dataclass
class Entry:
    iccid: str
    registration_code: str
    fleet: str | None = None
    unique_name: str | None = None
    status: str = QUEUED
    detail: str = ""  # SIM SID when registered, the reason when failed or waiting
    attempts: int = 0

    @property
    def final(self) -> bool:
        return self.status in FINAL


_ENTRY_TYPES: dict[str, tuple[type, ...]] = {
    "iccid": (str,),
    "registration_code": (str,),
    "fleet": (str, type(None)),
    "unique_name": (str, type(None)),
    "status": (str,),
    "detail": (str,),
    "attempts": (int,),
}


def _entry(raw: bytes) -> tuple[Entry | None, str]:
    """One saved line as an entry, or why it cannot be one."""
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except json.JSONDecodeError as error:
        return None, f"not a JSON record ({error.msg})"
    if not isinstance(record, dict):
        return None, f"expected a JSON object, found {type(record).__name__}"
    for name, value in record.items():
        if name not in _ENTRY_TYPES:
            return None, f"unknown field {name!r}"
        if not isinstance(value, _ENTRY_TYPES[name]) or (isinstance(value, bool) and name == "attempts"):
            return None, f"field {name!r} has the wrong type ({type(value).__name__})"
    for name in ("iccid", "registration_code"):
        if name not in record:
            return None, f"no {name!r}"
    if record.get("status", QUEUED) not in (QUEUED, REGISTERING, REGISTERED, WAITING, FAILED):
        return None, f"unknown status {record['status']!r}"
    return Entry(**record), ""


@dataclass
class RegistrationQueue:
    """Entries in submission order; ``path`` None keeps them in memory only (demo, tests)."""

    path: Path | None = None
    entries: dict[str, Entry] = field(default_factory=dict)
    on_change: Callable[[Entry], None] | None = None
    problems: list[str] = field(default_factory=list)  # lines of the saved queue that could not be read
    on_idle: Callable[[], None] | None = None  # called each time nothing is left to send now
    # Called with each SIM the queue registers (ICCID), whatever screen is open: the app's SIMs tab adds it.
    on_registered: Callable[[str], None] | None = None
    # Cards the register form refused this session (ICCID -> why): never sent, never saved, but listed, counted
    # and exported with the session however often the screen is opened (a box is counted across a break).
    refused: dict[str, str] = field(default_factory=dict)

    def announce_leftover(self, say: Callable[[str, bool], None]) -> None:
        """Entries left from last time (sent at start, in the background): ``say`` (text, is_warning) that they
        are being sent now, and again once each has its outcome: how many registered and failed, and where to
        read why. Without this they were sent silently, and a failure was only seen by opening the screen."""
        leftover = {e.iccid for e in self.pending}
        if not leftover:
            return
        n = len(leftover)
        say(
            f"{n:,} SIM registration{'s' if n != 1 else ''} left from last time {'are' if n != 1 else 'is'} being "
            "sent; n on the SIMs tab shows each outcome.",
            False,
        )

        def idle() -> None:
            entries = [e for e in self.entries.values() if e.iccid in leftover]
            if any(not e.final for e in entries):
                return
            self.on_idle = None
            failed = sum(1 for e in entries if e.status == FAILED)
            said = f"Registrations left from last time: {len(entries) - failed:,} registered, {failed:,} failed"
            say(said + ("; n on the SIMs tab says why." if failed else "."), bool(failed))

        self.on_idle = idle

    @classmethod
    def open(cls, path: Path | None) -> RegistrationQueue:
        """The queue as saved. A line that cannot be read is reported in ``problems`` (file and line) and the
        rest is kept: one bad line never stops the app from starting. A last line without its newline is the
        write a kill interrupted: the entry it would have updated keeps its previous state."""
        queue = cls(path)
        if path is None:
            return queue
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return queue
        except OSError as error:
            queue.problems.append(f"{path}: cannot read it ({error.strerror}); queued registrations are not shown")
            return queue
        lines = data.split(b"\n")
        for number, raw in enumerate(lines[:-1], start=1):
            if not raw.strip():
                continue
            entry, problem = _entry(raw)
            if entry is None:
                queue.problems.append(f"{path}, line {number}: {problem}; that line is ignored")
            else:
                queue.entries[entry.iccid] = entry
        for entry in queue.entries.values():
            if not entry.final:
                entry.status = QUEUED  # registering/waiting when the app closed: try again
        return queue

    def prune_finished(self) -> int:
        """Drop entries with a final outcome (an earlier session's), in memory and on disk; the count dropped."""
        finished = [iccid for iccid, entry in self.entries.items() if entry.final]
        for iccid in finished:
            del self.entries[iccid]
        if finished and self.path is not None and self.path.exists():
            write_atomically(self.path, [b"".join(_record(e) for e in self.entries.values())])
        return len(finished)

    @property
    def pending(self) -> list[Entry]:
        return [e for e in self.entries.values() if not e.final]

    def add(self, entry: Entry) -> None:
        self.refused.pop(entry.iccid, None)  # scanned again and sent: no longer a refused card
        self.entries[entry.iccid] = entry
        self._save(entry)

    def _save(self, entry: Entry) -> None:
        if self.path is not None:
            ensure_dir(self.path.parent)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, _record(entry))
                if entry.status in (QUEUED, *FINAL):  # what was typed, and each final outcome: made durable
                    os.fsync(fd)
            finally:
                os.close(fd)
        if self.on_change is not None:
            self.on_change(entry)

    def set(self, entry: Entry, status: str, detail: str = "") -> None:
        entry.status, entry.detail = status, detail
        self._save(entry)

    async def process(
        self,
        client: SuperSimClient,
        *,
        wake: asyncio.Event,
        retry_delay: Callable[[int], float] = lambda n: min(5.0 * 2 ** (n - 1), 60.0),
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        """Register queued entries one by one, forever (cancel the task to stop)."""
        while True:
            ready = [e for e in self.entries.values() if e.status == QUEUED]
            if not ready:
                if self.on_idle is not None:
                    self.on_idle()
                wake.clear()
                waiting = [e for e in self.entries.values() if e.status == WAITING]
                if waiting:
                    try:
                        await asyncio.wait_for(wake.wait(), retry_delay(max(e.attempts for e in waiting)))
                    except TimeoutError:
                        for entry in waiting:
                            entry.status = QUEUED
                else:
                    await wake.wait()
                continue
            await self._register(client, ready[0])

    async def _register(self, client: SuperSimClient, entry: Entry) -> None:
        from .register import claim_sim  # here: the app opens the queue at start, and needs this only to send

        entry.attempts += 1
        self.set(entry, REGISTERING)
        try:
            sid, already = await claim_sim(client, entry.iccid, entry.registration_code)
            note = (" (was already yours)" if already else "") + await join_fleet_then_name(
                client, sid, entry, already=already
            )
            self.set(entry, REGISTERED, sid + note)
            if self.on_registered is not None:
                self.on_registered(entry.iccid)
        except (AuthenticationError, PermissionDeniedError) as error:  # not the entry's fault: keep it
            self.set(entry, WAITING, f"{error} — the credentials were refused: {credentials_advice(error)}; will retry")
        except SuperSimError as error:
            if is_transient(error):
                self.set(entry, WAITING, f"{error} — will retry")
            else:
                self.set(entry, FAILED, explain(error))
