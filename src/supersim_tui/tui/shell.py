"""What the screens need of the app shell (:class:`~.app.SuperSimApp` is it): the connection, the safety mode,
settings and where files go. A protocol, so that screens do not import the app (no import cycle)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from ..api import SuperSimClient
from ..ops.register_queue import RegistrationQueue
from ..settings import Settings


class Shell(Protocol):
    mode: str  # the safety mode: read-only, protected or open (ops.consent)
    account_label: str
    settings: Settings
    export_dir: Path | None
    journal_runs: bool  # a real account's bulk runs are journaled, and offered for resuming
    registrations: RegistrationQueue
    registrations_wake: asyncio.Event

    @property
    def client(self) -> SuperSimClient: ...

    @property
    def signed_in(self) -> bool: ...

    def refuse_read_only(self) -> bool:
        """In a read-only profile, say why a change is not possible (True: refused)."""
        ...

    def process_registrations(self) -> object:
        """Start (or wake) the worker that registers queued SIMs for as long as the app runs."""
        ...
