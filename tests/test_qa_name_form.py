"""The NAP name form (new, rename, clone) checks a name as the fleet form and the commands do (QA round hqa3):
over 64 characters or with a control character it is refused with the field named, and nothing is sent."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from supersim_tui.tui.forms import NameForm

from .conftest import build_app, demo_simulator, settle


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        ("e", "x" * 250, "at most 64"),
        ("e", "a\x1b[31mb", "control character"),
        ("y", "cl\x07one", "control character"),
        ("n", "tab\there", "control character"),
    ],
)
async def test_a_bad_nap_name_is_refused_in_the_form_and_nothing_is_sent(key: str, typed: str, expected: str) -> None:
    """Rename (e), clone (y) or new (n) on the NAPs tab with a name the commands refuse: the form stays open with
    "Unique name: …" saying why; the account's NAPs are unchanged."""
    sim = demo_simulator()
    app = build_app(sim)
    before = sorted((n.sid, n.unique_name) for n in sim.state.naps.values())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", key)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NameForm)
        form.query_one("#name", Input).value = typed
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form, "the form closed"
        error = str(form.query_one("#form-error", Static).render())
        assert error.startswith("Unique name:") and expected in error, error
    assert sorted((n.sid, n.unique_name) for n in sim.state.naps.values()) == before
