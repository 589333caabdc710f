"""Keys typed before the app takes the terminal, handed to it as they were typed.

Keys typed at launch (``3/eu⏎`` sent while Python starts) reach a terminal still in its ordinary "cooked"
mode, whose line discipline turns each Enter (CR) into a newline (ICRNL) as it arrives. Once Textual has put the
terminal in raw mode it reads that newline as Ctrl+J, which nothing binds: the Enter was lost (the filter kept
the focus). So before the app starts, the whole lines waiting in a cooked terminal (the only input a cooked
terminal lets be read) are taken out of it, each newline read back as the Enter it was, parsed as the driver
would, and posted to the app in order. What was typed after the last Enter stays in the terminal and is read
by the driver, after these keys. A terminal already in raw mode, one that does not translate Enter, a pipe or
a file: nothing is taken.
"""

from __future__ import annotations

import os
import struct
from typing import Any

from textual import events
from textual.app import App

from .keyparse import EscapeThenKeyParser

MOST = 64 * 1024  # bytes taken at most (a paste at launch); the rest is left to the driver


def typed_ahead(fd: int) -> str:
    """The whole lines waiting in a cooked terminal, with each newline back to the Enter (CR) typed."""
    try:
        import fcntl
        import termios
    except ImportError:  # not a POSIX terminal
        return ""
    try:
        if not os.isatty(fd):
            return ""
        attrs = termios.tcgetattr(fd)
        if not (attrs[3] & termios.ICANON and attrs[0] & termios.ICRNL):
            return ""  # raw, or Enter not translated: the driver reads the keys as typed
        # In canonical mode only complete lines are counted (and readable): a read never waits for more.
        (waiting,) = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))
    except (OSError, termios.error, ValueError):
        return ""
    waiting = min(waiting, MOST)
    chunks: list[bytes] = []
    blocking = os.get_blocking(fd)
    try:
        os.set_blocking(fd, False)
        while waiting > 0:
            chunk = os.read(fd, waiting)  # one line per read in canonical mode
            if not chunk:
                break  # Ctrl+D typed at the start of a line
            chunks.append(chunk)
            waiting -= len(chunk)
    except OSError:  # BlockingIOError included: nothing more to take
        pass
    finally:
        os.set_blocking(fd, blocking)
    return b"".join(chunks).decode("utf-8", "replace").replace("\n", "\r")


def post_typed_ahead(app: App[Any], fd: int) -> int:
    """Post the keys of :func:`typed_ahead` to ``app`` (before it runs), as its driver would; how many."""
    text = typed_ahead(fd)
    if not text:
        return 0
    parser = EscapeThenKeyParser()
    made = [*parser.feed(text)]
    made += parser.feed("")  # the end: an Esc typed last is Esc, not the start of a sequence
    keys = [event for event in made if isinstance(event, (events.Key, events.Paste))]
    for event in keys:
        event.set_sender(app)
        app.post_message(event)
    return len(keys)
