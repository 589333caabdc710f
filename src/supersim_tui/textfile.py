"""Reading the user's files (ICCID lists, CSVs, settings, profiles, secrets) without surprises.

Every reader goes through :func:`read_text`: the file's type is checked before it is opened (a FIFO or a
device would block or never end), its size is capped, it is opened non-blocking, and it must be UTF-8. Each
problem is a :class:`FileProblem` whose message names the file (and the line, for bad UTF-8) and says what
to do, so callers only decide whether it is fatal (exit 2) or a warning.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


class FileProblem(Exception):
    """A file that cannot be read as expected; the message names it and says why."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_bytes(path: Path | str, *, limit: int, missing_ok: bool = False) -> bytes | None:
    """The content of a regular file of at most ``limit`` bytes; None if it does not exist and ``missing_ok``."""
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if missing_ok:
            return None
        raise FileProblem(f"{path}: no such file") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise FileProblem(f"{path}: cannot read it ({_reason(error)})") from None
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem(f"{path} is {_kind(info.st_mode)}, not a file")
    if info.st_size > limit:
        raise FileProblem(f"{path} is {info.st_size:,} bytes; at most {limit:,} are accepted")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise FileProblem(f"{path}: cannot read it ({_reason(error)})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between the check and the open
            raise FileProblem(f"{path} is not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(MIB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise FileProblem(f"{path}: cannot read it ({_reason(error)})") from None
    finally:
        os.close(fd)
    if size > limit:
        raise FileProblem(f"{path} is more than {limit:,} bytes; at most {limit:,} are accepted")
    return b"".join(chunks)


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text (a spreadsheet's byte-order mark dropped); a :class:`FileProblem` names the line otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileProblem(
            f"{path}, line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8"
        ) from None


def read_text(path: Path | str, *, limit: int, missing_ok: bool = False) -> str | None:
    """:func:`read_bytes` then :func:`decode`."""
    data = read_bytes(path, limit=limit, missing_ok=missing_ok)
    return None if data is None else decode(data, path)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return type(error).__name__


def read_toml(path: Path, *, limit: int) -> dict[str, Any] | None:
    """A TOML config file's table, or None if it does not exist; :class:`FileProblem` (naming the file and why)
    if it cannot be read or is not TOML. (tomllib is imported only when there is a file: not at every start.)"""
    text = read_text(path, limit=limit, missing_ok=True)
    if text is None:
        return None
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise FileProblem(f"{path}: not valid TOML ({problem})") from None
    except (RecursionError, ValueError, MemoryError):
        raise FileProblem(f"{path}: not valid TOML (nested too deeply or too large)") from None
