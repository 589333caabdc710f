"""Textual's parsed stylesheets are kept between starts (tui/css_cache.py): the second start styles the screen
exactly as the first without parsing, and a cache file that is broken, from elsewhere or writable by others is not
used (the app parses, as without it)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet

from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.css_cache import cache_path

from .conftest import build_app, demo_simulator, settle


class CountedParses:
    """Counts the stylesheets Textual parses from their text (its parse cache missed)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sources: list[str] = []
        parse_rules = Stylesheet._parse_rules

        def counted(stylesheet: Stylesheet, css: str, read_from: object, *args: object, **kwargs: object) -> object:
            key = (css, read_from, *args, *kwargs.values())
            if stylesheet._parse_cache.get(key) is None:
                self.sources.append(str(read_from))
            return parse_rules(stylesheet, css, read_from, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Stylesheet, "_parse_rules", counted)


async def start(pilot_app: SuperSimApp) -> str:
    """Start the app, wait for its first frame and the account, quit; what the screen showed (SVG)."""
    async with pilot_app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        shown = pilot_app.export_screenshot()
    assert cache_path().exists()  # saved at exit, if not 3 s after the first frame
    return shown


async def test_the_second_start_styles_the_screen_as_the_first_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    parses = CountedParses(monkeypatch)
    first = await start(build_app(demo_simulator(settle_seconds=0)))
    assert any("app.tcss" in source for source in parses.sources)  # the first start parsed ours...
    assert oct(cache_path().stat().st_mode & 0o777) == oct(0o600)  # ...and saved it, for this user only
    parses.sources.clear()

    second = await start(build_app(demo_simulator(settle_seconds=0)))
    assert parses.sources == []
    assert second == first


@pytest.mark.parametrize("spoil", ["garbage", "a-value-changed", "another-textual", "writable-by-others"])
async def test_a_cache_file_that_cannot_be_trusted_is_not_used(monkeypatch: pytest.MonkeyPatch, spoil: str) -> None:
    """A value changed in the file (a disk's bit flip: still a pickle, its keys intact) is not used either: the
    rule it gave ("middlx" where "middle" was) stopped the app with a StyleValueError's traceback."""
    first = await start(build_app(demo_simulator(settle_seconds=0)))
    path = cache_path()
    if spoil == "garbage":
        path.write_bytes(b"\x80\x05not a pickle")
    elif spoil == "a-value-changed":
        content = path.read_bytes()
        assert b"\x8c\x06middle" in content  # a rule's value, the pickle's short string "middle"
        path.write_bytes(content.replace(b"\x8c\x06middle", b"\x8c\x06middlx", 1))
    elif spoil == "another-textual":
        stamp, entries = pickle.loads(path.read_bytes())
        textual_files = ("/elsewhere/textual/css/model.py", *stamp[2][1:])
        path.write_bytes(pickle.dumps(((*stamp[:2], textual_files, *stamp[3:]), entries)))
    else:
        os.chmod(path, 0o666)
    parses = CountedParses(monkeypatch)

    again = await start(build_app(demo_simulator(settle_seconds=0)))
    assert any("app.tcss" in source for source in parses.sources)  # parsed, as without the file
    assert again == first
    if spoil != "writable-by-others":  # (that one is left as it is: not ours to judge, only not to read)
        assert pickle.loads(path.read_bytes())[0][2][0] != "/elsewhere/textual/css/model.py"  # replaced


def test_the_cache_lives_in_the_users_cache_folder(tmp_path: Path) -> None:
    assert cache_path().is_relative_to(Path(os.environ["XDG_CACHE_HOME"]))
