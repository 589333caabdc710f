"""Keys typed at launch reach a terminal still in its ordinary ("cooked") mode, whose line discipline turns each
Enter (CR) into a newline as it arrives; read in raw mode that newline is Ctrl+J, which nothing binds. These
tests type into a real pseudo-terminal, as tmux or an SSH client does, before the app takes it."""

from __future__ import annotations

import os
import pty
import termios
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, TabbedContent

from supersim_tui.tui.keyparse import EscapeThenKeyParser
from supersim_tui.tui.typeahead import post_typed_ahead
from supersim_tui.tui.vtable import VirtualTable

from .conftest import build_app, demo_simulator, settle, until


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    """A pseudo-terminal (the keyboard's end, the app's end) in its default cooked mode."""
    keyboard, app_end = pty.openpty()
    yield keyboard, app_end
    os.close(keyboard)
    os.close(app_end)


def driver_reads(fd: int) -> list[str]:
    """What Textual's driver reads once it has put the terminal in raw mode: the keys still waiting there."""
    tty.setraw(fd, termios.TCSANOW)  # as Textual does: what was typed stays
    os.set_blocking(fd, False)
    data = b""
    try:
        while chunk := os.read(fd, 4096):
            data += chunk
    except BlockingIOError:
        pass
    parser = EscapeThenKeyParser()
    made = list(parser.feed(data.decode())) if data else []
    return [getattr(e, "key", "") for e in [*made, *parser.feed("")]]


async def test_slash_filter_enter_typed_before_the_app_takes_the_terminal(terminal: tuple[int, int]) -> None:
    """``3/eu⏎`` typed into the terminal before the app starts: the Enter reaches the filter as Enter (not
    Ctrl+J), so the SIMs tab shows "eu" with the focus back on its table; a key typed after the last Enter
    (``c``, no line end yet) is left for the driver, after the others."""
    keyboard, app_end = terminal
    os.write(keyboard, b"3/eu\rc")
    app = build_app(demo_simulator())
    post_typed_ahead(app, app_end)
    assert driver_reads(app_end) == ["c"]
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: not app.keys_pending() and app.main.is_mounted, 10)
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "sims"
        assert app.main.query_one("#sims-search", Input).value == "eu"
        assert isinstance(app.focused, VirtualTable), f"the Enter was lost: focus on {app.focused!r}"


def test_nothing_is_taken_from_a_terminal_in_raw_mode_or_from_a_file(terminal: tuple[int, int], tmp_path: Path) -> None:
    """Only a terminal in cooked mode translates Enter: in raw mode (or from a pipe or file) every key is left for
    the driver, untouched."""
    keyboard, app_end = terminal
    tty.setraw(app_end, termios.TCSANOW)
    os.write(keyboard, b"3\r")
    app = build_app(demo_simulator())
    assert post_typed_ahead(app, app_end) == 0
    assert driver_reads(app_end) == ["3", "enter"]
    path = tmp_path / "keys"
    path.write_bytes(b"3\n")
    with path.open("rb") as handle:
        assert post_typed_ahead(app, handle.fileno()) == 0
