"""The register screen closed and opened again in the same app session (QA round, session 8): the cards it
refused stay listed, counted and exported, as the registered ones do; a card left half-scanned (ICCID read, no
code yet) when the screen is closed is listed as not sent, never dropped without a word."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from supersim_tui.ops.register_queue import REGISTERED
from supersim_tui.simulator.seed import registrable_examples
from supersim_tui.tui.register import RegisterScreen

from .conftest import build_app, demo_simulator, settle_registrations
from .test_tui_bursts import burst
from .test_tui_register_box import open_register, posted, row_text


async def test_refused_cards_are_still_listed_after_the_screen_is_opened_again() -> None:
    """A box scanned in one burst with a misread ICCID, the screen closed (Esc) and opened again (n): the
    misread card is still in the list as refused and counted below it, like the registered cards are. Before,
    it vanished on reopening (only the screen held it), so the count of the box came out one short."""
    sim = demo_simulator()
    app = build_app(sim)
    (a, code_a), (b, code_b) = registrable_examples(sim.state, 2)
    bad = b[:-1] + str((int(b[-1]) + 1) % 10)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_register(pilot)
        await burst(pilot, app, f"{a}\r{code_a}\r{bad}\r{code_b}\r")
        await settle_registrations(pilot, app.registrations, 1)
        assert "✕ refused" in row_text(screen, bad)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)
        screen = app.screen
        table = screen.query_one("#register-list", DataTable)
        assert {key.value for key in table.rows} == {a, bad}
        assert "✕ refused" in row_text(screen, bad) and "check digit" in row_text(screen, bad)
        table.move_cursor(row=0)  # the registered card's row: the counts below the list
        await pilot.pause()
        summary = str(screen.query_one("#register-summary", Static).render())
        assert "registered 1" in summary and "refused 1" in summary, summary
    assert posted(sim) == [(a, code_a)]


async def test_a_card_left_before_its_code_is_listed_as_not_sent() -> None:
    """The ICCID scanned and accepted, the code half typed, then Esc: nothing is sent, and the card is listed
    (when the screen is opened again) as refused, "not sent: scan it again", so it is not lost from the count."""
    sim = demo_simulator()
    app = build_app(sim)
    ((a, code_a),) = registrable_examples(sim.state, 1)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_register(pilot)
        await burst(pilot, app, f"{a}\r{code_a[:4]}")
        await pilot.press("escape")
        await pilot.pause()
        assert "not sent" in " ".join(str(n.message) for n in app._notifications)
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        listed = row_text(screen, a)
        assert "✕ refused" in listed and "scan it again" in listed, listed
        await burst(pilot, app, f"{a}\r{code_a}\r")  # scanned again: it registers, and is no longer refused
        await settle_registrations(pilot, app.registrations, 1)
        assert app.registrations.entries[a].status == REGISTERED
        assert "refused" not in str(screen.query_one("#register-summary", Static).render())
    assert posted(sim) == [(a, code_a)]
