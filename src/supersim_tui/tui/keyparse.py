"""Esc then a key, arriving together, read as Esc then that key.

A terminal sends Esc as the byte ESC and Alt+key as ESC followed by the key, so a parser tells
them apart only by timing. When Esc and the next key reach the app in one read (a stalled SSH
link, ``tmux send-keys``, a quick typist on a slow link), Textual 8.2.8 reads ESC+1 as "¡"
(macOS Option characters), ESC+j as Alt+J and ESC+/ as a bare "/": the Esc is lost and a
filter gets a stray character. This app binds no Alt keys, so here ESC followed by one
character that does not start an escape sequence is always the two keys typed; so is ESC followed
by one that does (O, P, [ …) when the rest of the sequence never comes (ESC+O read as Alt+Shift+O
typed "O" into a filter instead of Esc, then Shift+O's sort).

Installed in the Linux terminal driver (``textual.drivers.linux_driver`` builds its parser by
that module's name ``XTermParser``); tests/test_keyparse.py fails if a Textual upgrade changes
what this relies on.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver

ESC = "\x1b"
SEQUENCE_STARTS = frozenset("[O]P\\_^" + ESC)  # CSI, SS3, OSC, DCS, ST, APC, PM: a sequence, not a key


class EscapeThenKeyParser(XTermParser):
    """Textual's parser, except that ESC + one character that starts no sequence is Esc, then that key."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if len(sequence) == 2 and sequence[0] == ESC and sequence[1] not in SEQUENCE_STARTS:
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence[1])
            return
        if alt and len(sequence) == 1:
            # ESC then a character that starts a sequence (O, P, [ …) whose rest never came: Textual gives up
            # waiting and reissues the character as Alt+it (ESC O: Alt+Shift+O, typing "O"). Esc, then the key.
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence)
            return
        yield from super()._sequence_to_key_events(sequence, alt)


def use_escape_then_key_parser() -> None:
    """Make the terminal driver read keys with :class:`EscapeThenKeyParser`."""
    vars(linux_driver)["XTermParser"] = EscapeThenKeyParser
