"""Start-up with the collector held off (issue 16): from the command's first line until the TUI's first frame is
painted, or a headless command starts; what start-up made is then frozen out of its reach. A program that imports
the tool (these tests) keeps its collector as it set it."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

from supersim_tui import collector, launch
from supersim_tui.tui.main_screen import MainScreen

from .conftest import build_app, demo_simulator, settle


@pytest.fixture
def restored() -> Iterator[None]:
    """The collector as the test runner had it, whatever the test did (a frozen generation is thawed)."""
    was_enabled = gc.isenabled()
    yield
    collector._held = False
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_release_without_a_hold_leaves_the_callers_collector_alone(restored: None) -> None:
    frozen = gc.get_freeze_count()
    gc.disable()
    collector.hold()  # off already: the caller's choice, not a hold of ours
    collector.release()
    assert not gc.isenabled()
    gc.enable()
    collector.release()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


async def test_the_tui_holds_the_collector_until_its_first_frame_is_painted(
    restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, bool] = {}
    mount = MainScreen.on_mount

    def on_mount(screen: MainScreen) -> None:
        seen["at mount"] = gc.isenabled()
        mount(screen)

    monkeypatch.setattr(MainScreen, "on_mount", on_mount)
    collector.hold()
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert seen == {"at mount": False}
        assert app.main.first_frame_painted
        assert gc.isenabled() and gc.get_freeze_count() > 0  # released, start-up's objects frozen


def test_a_headless_command_runs_with_the_collector_on(
    restored: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``supersim-tui completion bash`` (no account needed) started as the command is: held at its first line,
    released as the command starts."""
    states: list[bool] = []
    import supersim_tui.cli as cli

    real = cli._print_completion

    def completion(*args: object) -> int:
        states.append(gc.isenabled())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "_print_completion", completion)
    monkeypatch.setattr(sys, "argv", ["supersim-tui", "completion", "bash"])
    assert launch.main() == 0
    assert states == [True] and "supersim-tui" in capsys.readouterr().out
