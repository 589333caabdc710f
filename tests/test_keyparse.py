"""Esc followed at once by another key (a stalled SSH link, tmux send-keys, a fast typist) must read as Esc then
that key: Textual's terminal parser reads ESC+1 as "¡", ESC+j as Alt+J and ESC+/ as a bare "/" (the Esc lost).
The app binds no Alt keys, so it reads them as the two keys they were typed as."""

from __future__ import annotations

import pytest
from textual import constants, events
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


@pytest.mark.parametrize(
    "data, expected",
    [
        ("\x1bO", [("escape", "\x1b"), ("O", "O")]),  # Shift+O sorts (Fleets: Off; catalog: operator)
        ("\x1bP", [("escape", "\x1b"), ("P", "P")]),  # Shift+P sorts (Fleets, NAPs: by NAP)
        ("\x1bPx", [("escape", "\x1b"), ("P", "P"), ("x", "x")]),
        ("\x1b[", [("escape", "\x1b"), ("left_square_bracket", "[")]),
        ("\x1b_x", [("escape", "\x1b"), ("underscore", "_"), ("x", "x")]),
    ],
)
def test_escape_then_a_key_that_could_start_a_sequence(
    data: str, expected: list[tuple[str, str | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc then O, P, [ or _ in one read (the start of an escape sequence that never comes): once the parser gives
    up waiting for the rest, still Esc then that key (before: Alt+Shift+O, which types "O" into a filter, the Esc
    lost: `/lab` Esc Shift+O filtered on "labO" instead of sorting)."""
    monkeypatch.setattr(constants, "ESCAPE_DELAY", 0.0)
    parser = EscapeThenKeyParser()
    events_ = list(parser.feed(data))
    events_ += list(parser.tick())
    assert [(e.key, e.character) for e in events_ if isinstance(e, events.Key)] == expected
