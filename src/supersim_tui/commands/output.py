"""Plain-text tables, JSON and CSV on stdout; progress and questions on stderr.

Everything printed here passes :func:`printable` (or, for JSON, escapes), so a name or
message from the server cannot steer the terminal.
"""

from __future__ import annotations

import csv
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from ..api.text import printable
from ..ops.bulk import Progress
from ..ops.consent import Consent

# Characters JSON leaves raw (ensure_ascii=False) that a terminal would act on: C1 controls, DEL,
# bidi overrides and line separators. They can only occur inside JSON strings, so \uXXXX keeps the data.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    out: TextIO | None = None,
    *,
    numbers: Collection[str] = (),
) -> None:
    """Aligned columns, no colour: readable in logs and over any terminal. Numbers are right-aligned, so the
    digits of the same place line up: a column whose values are all numbers (int or float; None, shown as "-",
    aside), and the columns named in ``numbers`` (numbers already written out: "1,234", "12.5 MB")."""
    out = out or sys.stdout
    values = [list(row) for row in rows]
    text_rows = [[cell_text(value) for value in row] for row in values]
    from rich.cells import cell_len  # columns on screen: an emoji or a CJK character takes two

    widths = [len(h) for h in headers]
    for row in text_rows:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, row, strict=True)]
    right = [
        header in numbers or _numbers_only([row[column] for row in values]) for column, header in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        pads = (" " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=True))
        aligned = (p + c if r else c + p for c, p, r in zip(cells, pads, right, strict=True))
        return "  ".join(aligned).rstrip() + "\n"

    out.write(line([h.upper() for h in headers]))
    for row in text_rows:
        out.write(line(row))


def _numbers_only(values: Sequence[object]) -> bool:
    """Whether a column holds numbers (int or float, not yes/no), at least one, and otherwise only None."""
    shown = [v for v in values if v is not None]
    return bool(shown) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in shown)


def cell_text(value: object) -> str:
    """A value as a table (or a plan line) shows it: None as "-", booleans as yes/no, the rest printable."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return printable(value)


def print_json(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(json_text(data, indent=2) + "\n")


def json_text(data: Any, indent: int | None = None) -> str:
    """JSON (UTF-8 kept readable) with terminal-control characters escaped as \\uXXXX."""
    text = json.dumps(data, indent=indent, default=str, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


class _PrintableCsv:
    """A csv writer whose text cells pass :func:`printable` (CSV is read on terminals and in spreadsheets)."""

    def __init__(self, out: TextIO):
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([printable(cell) if isinstance(cell, str) else cell for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO | None = None) -> Any:
    return _PrintableCsv(out or sys.stdout)


def note(message: str) -> None:
    """A line for the person, never for a pipe: stderr."""
    print(printable(message, multiline=True), file=sys.stderr)


@contextmanager
def ctrl_c_interrupts() -> Iterator[None]:
    """While the terminal is read, Ctrl+C raises KeyboardInterrupt there, at once. The commands ask inside
    asyncio's loop, whose SIGINT handler only cancels the command once the read returns: Ctrl+C at a question
    did nothing until Enter. The loop's handler is put back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def answer(prompt: str) -> str | None:
    """``prompt`` on the terminal, then the line typed; None: Ctrl+C (the caller cancels). Ctrl+C raises from the
    moment the prompt is shown (set before it is written: one typed as it appears is not the loop's)."""
    with ctrl_c_interrupts():
        try:
            sys.stderr.write(prompt)
            sys.stderr.flush()
            return sys.stdin.readline()
        except KeyboardInterrupt:
            sys.stderr.write("\n")
            return None


def confirm(question: str) -> bool:
    """Ask on the terminal. Callers must check there is one first."""
    reply = answer(f"{question} [y/N] ")
    return reply is not None and reply.strip().lower() in ("y", "yes")


def confirm_typed(consent: Consent) -> bool:
    """Ask the person to type the consent's phrase (the number of SIMs, a NAP or fleet name). Callers check for
    a terminal first."""
    reply = answer(f"To confirm, type {consent.phrase}: ")
    return reply is not None and consent.matches(reply)


def seconds(value: float | None) -> str:
    if value is None:
        return "--"
    value = int(value)
    if value < 60:
        return f"{value}s"
    if value < 3600:
        return f"{value // 60}m{value % 60:02d}s"
    return f"{value // 3600}h{value % 3600 // 60:02d}m"


class ProgressBar:
    """One redrawn line on stderr (only when stderr is a terminal), at most 10 times a second."""

    def __init__(self, enabled: bool | None = None, stream: TextIO | None = None, width: int = 28):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.width = width
        self._last = 0.0
        self._shown = False
        self._skipped: Progress | None = None  # the last state not drawn (too soon after the line before)

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and progress.remaining:
            self._skipped = progress
            return
        self._last = now
        self._draw(progress)

    def _draw(self, progress: Progress) -> None:
        self._skipped = None
        filled = int(self.width * progress.finished / max(progress.total, 1))
        bar = "#" * filled + "." * (self.width - filled)
        parts = [f"[{bar}] {progress.finished:,}/{progress.total:,}", f"done {progress.done:,}"]
        if progress.failed:
            parts.append(f"failed {progress.failed:,}")
        if progress.skipped:
            parts.append(f"skipped {progress.skipped:,}")
        if progress.invalid:
            parts.append(f"invalid {progress.invalid:,}")
        if progress.not_sent:
            parts.append(f"not-sent {progress.not_sent:,}")
        if progress.waiting:
            parts.append(f"scheduled {progress.waiting:,}")
        parts.append(f"{progress.rate:,.1f}/s")
        if progress.concurrency and progress.remaining:
            parts.append(f"concurrency {progress.concurrency}")  # the level found for the account, live
        parts.append(f"ETA {seconds(progress.eta)}")
        self.stream.write("\r" + " · ".join(parts) + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """End the line, on the last state given: after a stop the last updates come too fast to be drawn, and the
        line left on screen said "done 1" of a run that had 76 done."""
        if self._skipped is not None:
            self._draw(self._skipped)
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()


# ------------------------------------------------------------------ lists: --json, --jsonl, --csv, --fields
def _struct_fields(model: Any) -> list[str]:
    return list(model.__struct_fields__)


def list_fields(kind: str) -> list[str]:
    """The fields a listing of ``kind`` offers to ``--fields`` (the API's, plus a few the command adds)."""
    from ..api import Fleet, Network, NetworkAccessProfile, Sim

    if kind == "fleets":
        return [*_struct_fields(Fleet), "nap"]
    if kind == "naps":
        return [*_struct_fields(NetworkAccessProfile), "networks", "countries", "fleets"]
    if kind == "networks":
        return [*_struct_fields(Network), "plmns", "network_access_profile_sid"]
    if kind == "sims":
        return [*_struct_fields(Sim), "fleet"]
    if kind == "outcomes":
        from dataclasses import fields

        from ..ops.bulk import ItemOutcome

        return [f.name for f in fields(ItemOutcome)]
    if kind == "profiles":
        return ["name", "active", "auth", "identity", "base_url", "secret_store", "default_fleet"]
    if kind == "runs":
        return ["run_id", "kind", "created", "items", "remaining", "finished", "cancelled", "state", "problem"]
    raise ValueError(kind)


def check_fields(kind: str, text: str | None) -> list[str] | None:
    """``--fields a,b`` as a list, or None; a name the listing does not have raises ValueError naming the valid
    ones (the command line turns it into exit 2 before anything is sent)."""
    if text is None:
        return None
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    valid = list_fields(kind)
    wrong = [name for name in wanted if name not in valid]
    if wrong or not wanted:
        named = ", ".join(repr(w) for w in wrong) if wrong else "no field"
        raise ValueError(f"--fields: {named} is not a field of {kind}; valid fields: {', '.join(valid)}")
    return wanted


def _flat(value: object) -> object:
    """A CSV cell: lists joined by spaces, mappings as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " ".join(str(_flat(v)) for v in value)
    if isinstance(value, dict):
        return json_text(value)
    return value


class RecordWriter:
    """Writes a listing's records as a JSON array, JSON lines, CSV, or a table of the chosen fields; records
    stream out as they come (a JSON array is opened first and closed at the end), except the table, which needs
    every row to size its columns."""

    def __init__(self, args: Any, kind: str, out: TextIO | None = None):
        self.out = out or sys.stdout
        self.fields: list[str] | None = getattr(args, "fields_list", None)
        chosen = ("json", args.json), ("jsonl", getattr(args, "jsonl", False)), ("csv", getattr(args, "csv", False))
        self.format = next((name for name, wanted in chosen if wanted), None)
        self.format = self.format or ("table" if self.fields else None)
        self.kind = kind
        self.count = 0
        self._rows: list[list[object]] = []
        self._csv = csv_writer(self.out) if self.format == "csv" else None
        if self.format == "json":
            self.out.write("[")

    @property
    def active(self) -> bool:
        """False when the command prints its own human table (no format, no --fields)."""
        return self.format is not None

    def header(self, default: Sequence[str]) -> None:
        """For CSV without --fields: the columns are ``default``."""
        if self._csv is not None:
            self.fields = self.fields or list(default)
            self._csv.writerow(self.fields)

    def write(self, record: dict[str, Any]) -> None:
        if self.fields is not None and self.format != "csv":
            record = {name: record.get(name) for name in self.fields}
        if self.format == "json":
            self.out.write(("," if self.count else "") + "\n  " + json_text(record))
        elif self.format == "jsonl":
            self.out.write(json_text(record) + "\n")
        elif self._csv is not None:
            assert self.fields is not None
            self._csv.writerow([_flat(record.get(name)) for name in self.fields])
        elif self.format == "table":
            self._rows.append(
                [_flat(record.get(name)) if record.get(name) is not None else None for name in self.fields or []]
            )
        self.count += 1

    def close(self) -> None:
        if self.format == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        elif self.format == "table":
            table(self.fields or [], self._rows, self.out)


def write_records(args: Any, kind: str, records: Iterable[dict[str, Any]], csv_default: Sequence[str]) -> bool:
    """Write ``records`` in the format asked for; False when none was asked (the caller prints its table)."""
    writer = RecordWriter(args, kind)
    if not writer.active:
        return False
    writer.header(csv_default)
    for record in records:
        writer.write(record)
    writer.close()
    return True
