"""Plain-text tables, JSON and CSV on stdout; progress and questions on stderr.

Everything printed here passes :func:`printable` (or, for JSON, escapes), so a name or
message from the server cannot steer the terminal.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ..api.text import printable
from ..ops.bulk import Progress
from ..ops.consent import Consent

# Characters JSON leaves raw (ensure_ascii=False) that a terminal would act on: C1 controls, DEL,
# bidi overrides and line separators. They can only occur inside JSON strings, so \uXXXX keeps the data.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], out: TextIO | None = None) -> None:
    """Aligned columns, no colour: readable in logs and over any terminal."""
    out = out or sys.stdout
    text_rows = [[_cell(value) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text_rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    out.write("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n")
    for row in text_rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


def _cell(value: object) -> str:
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


def confirm(question: str) -> bool:
    """Ask on the terminal. Callers must check there is one first."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def confirm_typed(consent: Consent) -> bool:
    """Ask the person to type the consent's phrase (the number of SIMs, a NAP or fleet name). Callers check for
    a terminal first."""
    sys.stderr.write(f"To confirm, type {consent.phrase}: ")
    sys.stderr.flush()
    return consent.matches(sys.stdin.readline())


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

    def __call__(self, progress: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and progress.remaining:
            return
        self._last = now
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
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
