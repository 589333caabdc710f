"""A SIM's unique name must stay addressable: the tool reads a value starting with a digit as an ICCID (so a
mistyped ICCID is reported as one), so a SIM named "722775" or "1234-7" could never be found by its name
again (``sims show 722775``: "ICCID has 6 digits"). Such names are refused where they are set, naming the field
and what to do; fleet and NAP names are not read as ICCIDs and keep any shape."""

from __future__ import annotations

import pytest

from supersim_tui.commands.argtypes import _sim
from supersim_tui.ops.names import PatternError, format_unique_name, sim_name_problem
from supersim_tui.ops.register import check_registration

from .conftest import Run


@pytest.mark.parametrize(
    ("name", "pattern", "n"),
    [("722775", "{last6}", 1), ("722775-7", "{last6}-{n}", 7), (" 12 x", "{n:^4}x", 12), ("٣1door", "٣{n}door", 1)],
)
def test_a_name_the_tool_would_read_as_an_iccid_is_refused(name: str, pattern: str, n: int) -> None:
    """Given to a SIM directly, made by a rename or registration pattern, or in a registration file's row."""
    problem = sim_name_problem(name)
    assert problem is not None and "ICCID" in problem
    with pytest.raises(PatternError, match="ICCID"):
        format_unique_name(pattern, iccid="8988307000000722775", n=n)
    _, problems = check_registration(0, "8988307000000722775", "ABCDEFGHJK", unique_name=name)
    assert any("unique_name" in p and "ICCID" in p for p in problems)


@pytest.mark.parametrize("name", ["door-1", "sim-1234", "x722775"])
def test_a_name_led_by_anything_else_is_kept_and_addressable(name: str) -> None:
    assert sim_name_problem(name) is None
    assert _sim(name) == name  # read back as a name, not an ICCID


def test_the_cli_refuses_such_a_name_and_sends_nothing(run: Run) -> None:
    code, out, err = run("sims", "update", "door-1", "--unique-name", "722775", "--yes")
    assert code == 2 and out == ""
    assert "unique name" in err and "ICCID" in err


async def test_the_sim_rename_form_refuses_such_a_name_and_sends_nothing() -> None:
    """SIM detail, e, "1042" Enter: the form says why in its error line and stays; nothing is sent."""
    from textual.widgets import Static

    from supersim_tui.tui.forms import NameForm
    from supersim_tui.tui.sim_detail import SimDetailScreen

    from .conftest import build_app, demo_simulator, settle

    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimDetailScreen)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, NameForm)
        app.screen.query_one("#name").value = "1042"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NameForm)
        error = str(app.screen.query_one("#form-error", Static).render())
        assert error.startswith("Unique name: starts with a digit") and "ICCID" in error
    assert not [r for r in sim.request_log if r.method == "POST"]
