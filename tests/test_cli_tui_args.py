"""The TUI's command line (no command) is read without building every command's parser; anything else is left to
the full parser, so what it accepts, and what it says about a bad command line, is unchanged."""

from __future__ import annotations

import pytest

from supersim_tui.cli import _tui_args, main
from supersim_tui.commands.parsers import build_parser

TUI_LINES = [
    [],
    ["--demo"],
    ["--demo", "--sims", "50", "--seed", "3", "--latency-ms", "20"],
    ["--profile", "work"],
    ["--profile", "work", "--read-only"],
    ["--base-url", "http://127.0.0.1:9"],
    ["--read-only", "--profile=status"],
]
OTHER_LINES = [
    ["status"],
    ["--demo", "status"],
    ["-h"],
    ["--help"],
    ["--version"],
    ["--sims", "lots"],
    ["--s", "1"],
    ["--prof", "work"],  # abbreviations are not read (Parser)
    ["--dem"],
    ["--profile"],
    ["--unknown"],
    ["completion", "bash"],
    ["--", "status"],
]


@pytest.mark.parametrize("argv", TUI_LINES)
def test_tui_command_line_reads_as_the_full_parser_reads_it(argv: list[str]) -> None:
    """Options alone: the same values as the full parser gives (no command)."""
    args = _tui_args(argv)
    assert args is not None
    assert vars(args) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", OTHER_LINES)
def test_anything_else_is_left_to_the_full_parser(argv: list[str]) -> None:
    """A command, help, the version or a bad value: not read as the TUI's command line."""
    assert _tui_args(argv) is None


def test_bad_value_is_reported_by_the_full_parser(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad option value with no command ends as before: exit 2, the full usage line and what is wrong."""
    assert main(["--sims", "lots"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: supersim-tui [-h]") and "COMMAND" in err
    assert "argument --sims: expected a whole number, got 'lots'" in err


@pytest.mark.parametrize(
    ("argv", "unknown"),
    [
        (["sims", "activate", "--iccid", "8988307000000000008", "--demo"], "--iccid"),  # not --iccid-file
        (["status", "--prof", "work"], "--prof"),  # not --profile
        (["sims", "list", "--stat", "active", "--demo"], "--stat"),  # not --status
    ],
)
def test_an_abbreviated_flag_is_refused_not_guessed(
    argv: list[str], unknown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flag is read only as written: an abbreviation (or a flag this command does not have that starts like one
    it has) is refused with exit 2 and named, nothing sent, instead of being read as the longer flag."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments" in err and unknown in err
