"""Keys at machine speed: a scanner, a paste or a stalled SSH link delivers a whole burst of keys before the
app has handled any of them. Every key must still reach the widget it would have reached if typed slowly."""

from __future__ import annotations

from collections.abc import Iterable

from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.widgets import Input

from supersim_tui.ops.register_queue import REGISTERED
from supersim_tui.simulator.seed import registrable_examples
from supersim_tui.tui.register import RegisterScreen

from .test_tui import build_app, demo_simulator

ENTER, TAB = "\r", "\t"


def key_events(text: str) -> list[events.Key]:
    """One Key event per character, as the terminal driver makes them (\\r is Enter, \\t is Tab)."""
    made = []
    for char in text:
        if char == ENTER:
            made.append(events.Key("enter", "\r"))
        elif char == TAB:
            made.append(events.Key("tab", "\t"))
        else:
            made.append(events.Key(char if char.isalnum() else _character_to_key(char), char))
    return made


async def burst(pilot: object, app: App[object], *parts: str | Iterable[events.Key]) -> None:
    """Post every key to the app before it handles any (as a terminal delivers a scanner's bytes), then let
    it run until the burst has been handled."""
    keys: list[events.Key] = []
    for part in parts:
        keys.extend(key_events(part) if isinstance(part, str) else part)
    for key in keys:
        key.set_sender(app)
        app.post_message(key)
    await settle_keys(pilot, app)


async def settle_keys(pilot: object, app: App[object]) -> None:
    """Wait (bounded) until the app has taken every key it was sent and their effects have run."""
    pending = getattr(app, "keys_pending", lambda: False)
    for _ in range(2000):
        await pilot.pause()  # type: ignore[attr-defined]
        if not pending():
            break
    await pilot.pause()  # type: ignore[attr-defined]


async def test_register_100_pairs_in_one_burst_with_fleet_and_pattern() -> None:
    """100 ICCID/code pairs delivered as one burst (fleet and name pattern set): 100 SIMs registered, each
    with its own code, named in order, in the fleet, none duplicated; the form is empty and ready."""
    sim = demo_simulator()
    app = build_app(sim)
    pairs = registrable_examples(sim.state, 100)
    assert len(pairs) == 100
    lab = sim.state.find_fleet("lab-bench")
    assert lab is not None
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3", "n")
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        screen.query_one("#fleet").value = lab.sid  # type: ignore[attr-defined]
        screen.query_one("#pattern", Input).value = "gate-{n}"
        screen.query_one("#iccid", Input).focus()
        await pilot.pause()
        await burst(pilot, app, "".join(f"{iccid}{ENTER}{code}{ENTER}" for iccid, code in pairs))
        queue = app.registrations
        assert [e.iccid for e in queue.entries.values()] == [iccid for iccid, _ in pairs]
        for _ in range(500):
            if all(e.final for e in queue.entries.values()):
                break
            await pilot.pause(0.02)
        assert {e.status for e in queue.entries.values()} == {REGISTERED}
        assert screen.query_one("#iccid", Input).value == screen.query_one("#code", Input).value == ""
        assert app.focused is screen.query_one("#iccid", Input)
    posts = [dict(r.form) for r in sim.request_log if r.method == "POST" and r.path == "/v1/Sims"]
    assert [(p["Iccid"], p["RegistrationCode"]) for p in posts] == pairs
    for n, (iccid, _code) in enumerate(pairs, start=1):
        registered = sim.state.sims[sim.state.sims_by_iccid[iccid]]
        assert (registered.unique_name, registered.fleet_sid) == (f"gate-{n}", lab.sid)
