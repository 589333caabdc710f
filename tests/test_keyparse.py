"""Esc followed at once by another key (a stalled SSH link, tmux send-keys, a fast typist) must read as Esc then
that key: Textual's terminal parser reads ESC+1 as "¡", ESC+j as Alt+J and ESC+/ as a bare "/" (the Esc lost).
The app binds no Alt keys, so it reads them as the two keys they were typed as."""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver

from supersim_tui.tui.keyparse import EscapeThenKeyParser, use_escape_then_key_parser

from .conftest import build_app, demo_simulator


def keys(parser: XTermParser, data: str) -> list[tuple[str, str | None]]:
    return [(e.key, e.character) for e in parser.feed(data) if isinstance(e, events.Key)]


@pytest.mark.parametrize(
    "data, expected",
    [
        ("\x1b1", [("escape", "\x1b"), ("1", "1")]),
        ("\x1b3", [("escape", "\x1b"), ("3", "3")]),
        ("\x1bj", [("escape", "\x1b"), ("j", "j")]),
        ("\x1bJ", [("escape", "\x1b"), ("J", "J")]),
        ("\x1b/", [("escape", "\x1b"), ("slash", "/")]),
        ("\x1b\r", [("escape", "\x1b"), ("enter", "\r")]),
        ("\x1b ", [("escape", "\x1b"), ("space", " ")]),
        ("\x1b[A", [("up", None)]),  # real escape sequences are untouched
        ("\x1bOP", [("f1", None)]),
        ("\x1b\x1b[A", [("escape", "\x1b"), ("up", None)]),
        ("\x1b[Fq", [("end", None), ("q", "q")]),
        ("ab", [("a", "a"), ("b", "b")]),
    ],
)
def test_escape_then_key_in_one_read(data: str, expected: list[tuple[str, str | None]]) -> None:
    """Bytes that arrive in one read: Esc + a key are two keys; escape sequences keep their meaning."""
    assert keys(EscapeThenKeyParser(), data) == expected


def test_textual_reads_them_otherwise() -> None:
    """Why the parser exists (fails if a Textual upgrade fixes it: then drop ours)."""
    assert keys(XTermParser(), "\x1b1") == [("inverted_exclamation_mark", "¡")]
    assert keys(XTermParser(), "\x1b3") == [("pound_sign", "£")]


def test_the_app_installs_it_for_the_terminal_driver() -> None:
    """Creating the app installs the parser for the terminal driver it runs on (idempotent)."""
    vars(linux_driver)["XTermParser"] = XTermParser
    build_app(demo_simulator())
    assert vars(linux_driver)["XTermParser"] is EscapeThenKeyParser
    use_escape_then_key_parser()
    assert vars(linux_driver)["XTermParser"] is EscapeThenKeyParser
