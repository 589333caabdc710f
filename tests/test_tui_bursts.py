"""Keys at machine speed: a scanner, a paste or a stalled SSH link delivers a whole burst of keys before the
app has handled any of them. Every key must still reach the widget it would have reached if typed slowly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input

from supersim_tui.ops.register_queue import REGISTERED
from supersim_tui.simulator.seed import registrable_examples
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.register import RegisterScreen
from supersim_tui.tui.vtable import VirtualTable

from .conftest import build_app, demo_simulator

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


async def burst(pilot: Pilot[Any], app: App[Any], *parts: str | Iterable[events.Key]) -> None:
    """Post every key to the app before it handles any (as a terminal delivers a scanner's bytes), then let
    it run until the burst has been handled."""
    keys: list[events.Key] = []
    for part in parts:
        keys.extend(key_events(part) if isinstance(part, str) else part)
    for key in keys:
        key.set_sender(app)
        app.post_message(key)
    await settle_keys(pilot, app)


async def settle_keys(pilot: Pilot[Any], app: App[Any]) -> None:
    """Wait (bounded) until the app has taken every key it was sent and their effects have run."""
    pending = getattr(app, "keys_pending", lambda: False)
    for _ in range(2000):
        await pilot.pause()
        if not pending():
            break
    await pilot.pause()


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


async def test_catalog_slash_filter_enter_as_one_burst_sets_the_filter_and_opens_nothing() -> None:
    """With the catalog's table focused and a network staged, ``/spain⏎`` in one burst types "spain" into the
    filter (the ``a`` of "spain" must not open "Change NAP"), Enter returns to the filtered table; nothing
    is sent to the API."""
    from supersim_tui.tui.catalog import CatalogScreen

    from .conftest import settle as ready
    from .test_tui_naps import open_nap

    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        nap_name = next(n.unique_name or "" for n in sim.state.naps.values() if n.network_sids)
        screen = await open_nap(pilot, nap_name)
        table = screen.query_one("#catalog-table", VirtualTable)
        assert app.focused is table
        await pilot.press("space")
        assert len(screen.staged) == 1
        posts_before = [r for r in sim.request_log if r.method in ("POST", "DELETE")]
        await burst(pilot, app, "/spain\r")
        assert app.screen is screen and isinstance(app.screen, CatalogScreen)
        assert screen.query_one("#catalog-filter", Input).value == "spain"
        assert app.focused is table
        assert table.row_count and all(
            "Spain" in str(table.get_row_at(i)) or "ES" in str(table.get_row_at(i)) for i in range(table.row_count)
        )
        assert len(screen.staged) == 1
    assert [r for r in sim.request_log if r.method in ("POST", "DELETE")] == posts_before


async def test_sign_in_sid_tab_secret_enter_as_one_burst_never_shows_the_secret() -> None:
    """SID⇥secret⏎ delivered at once: the SID goes into the Account SID field, the secret only into the
    masked secret field (never into a visible one, never on screen), and the one Enter in the secret field
    submits them (the profile and base URL have defaults), sending them once."""
    from supersim_tui.tui.app import SuperSimApp
    from supersim_tui.tui.login import LoginScreen

    from .test_tui_login import connector_for

    sim = demo_simulator()
    app = SuperSimApp(None, connector=connector_for(sim), sign_in_reason="No saved credentials found.")
    secret = "wrong-token-0123456789"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        screen.query_one("#identity", Input).focus()
        await pilot.pause()
        await burst(pilot, app, f"{sim.config.account_sid}{TAB}{secret}{ENTER}")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#identity", Input).value == sim.config.account_sid
        assert "refused" in str(screen.query_one("#login-status").render())
        for field in screen.query(Input):
            if not field.password:
                assert secret not in field.value and "wrong" not in field.value
        assert secret not in app.export_screenshot()
        assert screen.query_one("#profile", Input).value == "default"
    tried = [r for r in sim.request_log if r.path.startswith("/v1/")]
    assert len(tried) == 1, "the credentials were sent for checking, once"


async def test_new_nap_named_filtered_picked_and_created_in_one_burst() -> None:
    """On the NAPs tab, ``n dach⏎ /262-01⏎ ␣ a`` in one burst: the name goes into the name form, the PLMN
    into the catalog's filter, space stages that network and ``a`` creates the NAP with exactly it."""
    from .conftest import settle as ready

    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await burst(pilot, app, "ndach\r/262-01\r a")
        await ready(pilot)
        nap = sim.state.find_nap("dach")
        assert nap is not None
        assert len(nap.network_sids) == 1
        assert ("262", "01") in sim.state.networks[nap.network_sids[0]].identifiers


async def test_new_fleet_typed_in_one_burst_lands_in_the_form() -> None:
    """On the Fleets tab, ``npumps`` in one burst opens the form and types the name into it (the ``s`` of
    "pumps" must not run the Fleets pane's "Its SIMs"); Enter in the form creates the fleet."""
    from textual.widgets import DataTable, Select

    from supersim_tui.tui.forms import FleetForm

    from .conftest import settle as ready

    sim = demo_simulator()
    app = build_app(sim)
    count = len(sim.state.fleets)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await burst(pilot, app, "npumps")
        form = app.screen
        assert isinstance(form, FleetForm)
        assert form.query_one("#fleet-name", Input).value == "pumps"
        form.query_one("#fleet-nap", Select).value = sim.state.find_nap("apac").sid  # type: ignore[union-attr]
        form.query_one("#fleet-name", Input).focus()
        await pilot.pause()
        await burst(pilot, app, "-2\r")
        await ready(pilot)
        assert len(sim.state.fleets) == count + 1
        assert "pumps-2" in [str(c) for c in app.query_one("#fleets-table", DataTable).get_column("fleet")]
    assert sim.state.find_fleet("pumps-2") is not None


async def test_quit_rebound_to_q_does_not_quit_while_typing_iraq() -> None:
    """With ``app.quit`` rebound to ``q``, typing "iraq" into the catalog filter (even as one burst) types it;
    ``q`` outside a text field still quits."""
    from supersim_tui.settings import Settings
    from supersim_tui.tui.catalog import CatalogScreen

    from .conftest import settle as ready

    sim = demo_simulator()
    app = build_app(sim)
    app.settings = Settings(keymap={"app.quit": "q"})
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        await burst(pilot, app, "/iraq")
        assert app.is_running and app.screen is screen
        assert screen.query_one("#catalog-filter", Input).value == "iraq"
        await pilot.press("/", "i", "r", "a", "q")  # the filter has the focus: "/" is typed too
        assert app.is_running and screen.query_one("#catalog-filter", Input).value == "iraq/iraq"
        await pilot.press("enter", "q")
        await pilot.pause()
        assert not app.is_running


async def test_private_textual_attributes_still_exist() -> None:
    """tui/keyflow.py reads Textual's private message-pump state to know when a key's effects have settled;
    this fails loudly if a Textual release renames it (then keyflow.pump_busy must be adapted)."""
    from textual.app import App as TextualApp
    from textual.widgets import Input as TextualInput

    from supersim_tui.tui.keyflow import pump_busy

    class Probe(TextualApp[None]):
        def compose(self) -> object:  # type: ignore[override]
            yield TextualInput()

    app = Probe()
    async with app.run_test() as pilot:
        await pilot.pause()
        field = app.query_one(TextualInput)
        for pump in (app, field):
            queue: Any = pump._message_queue
            assert hasattr(queue, "values") and hasattr(queue.ready_event, "_waiters")
            assert isinstance(pump._next_callbacks, list)
            assert pump._is_mounted and pump._running and not pump._closing and not pump._closed
        assert callable(getattr(TextualApp, "_press_keys", None))  # what Pilot.press calls (keyflow waits after it)
        # main_screen._tab_bound_to: the bindings a key would run, the keymap applied, the focused widget's first
        chain = app.screen._binding_chain
        assert all(hasattr(bindings, "key_to_bindings") for _node, bindings in chain)
        assert not pump_busy(field)
        field.post_message(events.Key("a", "a"))
        assert pump_busy(field)
        await pilot.pause()
        assert not pump_busy(field) and field.value == "a"


async def test_burst_waits_for_a_screen_that_mounts_slowly(monkeypatch: Any) -> None:
    """On a loaded machine a screen may take longer than the key gate's bound to mount (here the catalog's
    mount is held up in wall-clock time, as when the process gets no CPU): the keys typed after the Enter that
    opens it still wait for it (they are not handed to a half-mounted screen, nor merged into a paste for a
    field that is about to lose the focus): the NAP is created with the one network typed into the filter."""
    import time

    from supersim_tui.tui import keyflow
    from supersim_tui.tui.catalog import CatalogScreen

    from .conftest import settle as ready

    slow_mount = CatalogScreen.on_mount

    def on_mount(self: CatalogScreen) -> None:
        time.sleep(keyflow.SETTLE_TIMEOUT + 0.3)  # wall clock passes, this process does no work
        slow_mount(self)

    monkeypatch.setattr(CatalogScreen, "on_mount", on_mount)
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await burst(pilot, app, "ndach\r/262-01\r a")
        await ready(pilot)
        nap = sim.state.find_nap("dach")
        assert nap is not None, "keys of the burst were lost or went to the wrong widget"
        assert [sim.state.networks[s].identifiers for s in nap.network_sids] == [(("262", "01"),)]


async def test_go_to_row_typed_in_one_burst() -> None:
    """`:` then a row number and Enter, delivered as one burst, puts the cursor on that row of the SIMs table
    (1-based, as the count bar counts); `50%` goes halfway; a number past the end is refused in the prompt's
    error line, naming the field and the range, and the cursor stays."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3")
        await app.workers.wait_for_complete()
        table = app.screen.query_one("#sims-table", VirtualTable)
        assert table.row_count == 300
        await burst(pilot, app, ":250\r")
        assert table.cursor_row == 249 and app.screen.focused is table
        await burst(pilot, app, ":50%\r")
        assert table.cursor_row == 149
        await burst(pilot, app, ":301\r")
        error = str(app.screen.query_one("#form-error").render())
        assert "Row: expected a whole number from 1 to 300" in error
        await burst(pilot, app, [events.Key("escape", "\x1b")])
        assert table.cursor_row == 149 and app.screen.focused is table


async def test_key_typed_before_the_main_screen_is_up_goes_to_it() -> None:
    """A key typed right after launch (here handed to the app before it has composed its main screen, as the
    terminal driver does with keys typed while Python starts) is neither lost nor held until the account has
    loaded: ``3`` shows the SIMs tab while the account's replies are still on their way (the simulator answers
    each request after 2 s), and the SIMs table takes the focus as soon as it has rows (a table that is loading
    cannot be focused), so the keys that follow go to it."""
    from textual.widgets import TabbedContent

    from .conftest import until

    app = build_app(demo_simulator(latency_ms=2000))
    key = events.Key("3", "3")
    key.set_sender(app)
    app.post_message(key)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.main.is_mounted and app.query_one(TabbedContent).active == "sims", 10)
        assert app.main.fleets is None, "the key waited for the account's replies"
        await until(pilot, lambda: isinstance(app.focused, VirtualTable), 10)
        assert app.query_one(TabbedContent).active == "sims"


async def test_tab_key_typed_at_launch_shows_that_tab_in_the_first_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """``3`` typed while the main screen is being built shows the SIMs tab in its first frame: the Fleets pane is
    never laid out (painted, then replaced) on the way, and the keys typed after it keep their order (``/`` then
    goes to the SIMs filter)."""
    from textual.widgets import TabbedContent

    from supersim_tui.tui.panes import FleetsPane

    from .conftest import until

    laid_out: list[object] = []  # the sizes the Fleets pane was given (Textual calls each class's handler)
    monkeypatch.setattr(FleetsPane, "on_resize", lambda _pane, event: laid_out.append(event.size), raising=False)
    app = build_app(demo_simulator())
    for key in (events.Key("3", "3"), events.Key("slash", "/")):
        key.set_sender(app)
        app.post_message(key)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.query_one(TabbedContent).active == "sims" and not app.keys_pending(), 10)
        await until(pilot, lambda: app.screen.focused is not None and app.screen.focused.id == "sims-search", 10)
        assert laid_out == [], "the Fleets pane was laid out before the SIMs tab showed"
        app.main.action_show_tab("fleets")
        await until(pilot, lambda: bool(laid_out), 5)  # (the recorder sees a pane once it is shown)


async def test_tab_key_typed_at_launch_follows_the_keymap() -> None:
    """With a keymap moving the SIMs tab to ``s`` (settings), ``s`` typed at launch shows the SIMs tab, and ``3``
    (no longer a tab's key) shows none: the key typed ahead is read with the bindings the user set."""
    from textual.widgets import TabbedContent

    from .conftest import until

    async def tab_after_typing(typed: str) -> str:
        app = build_app(demo_simulator())
        app.settings.keymap = {"tab.sims": "s"}
        key = events.Key(typed, typed)
        key.set_sender(app)
        app.post_message(key)
        async with app.run_test(size=(120, 36)) as pilot:
            await until(pilot, lambda: app.main.is_mounted and not app.keys_pending(), 10)
            await pilot.pause()
            return str(app.query_one(TabbedContent).active)

    assert await tab_after_typing("s") == "sims"
    assert await tab_after_typing("3") == "fleets"


async def test_tab_chosen_while_a_table_takes_the_focus_stays() -> None:
    """At start the Fleets table takes the focus as soon as it has rows; a ``3`` handled just after (the news of
    that focus still on its way to the tabs, which would show the Fleets pane again) leaves the SIMs tab shown,
    and the SIMs table then takes the focus."""
    from textual.widgets import TabbedContent

    from .conftest import settle, until

    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.set_focus(None)
        app.main.query_one("#fleets-table").focus()
        app.main.action_show_tab("sims")  # before the focus news has been handled
        await settle(pilot)
        await pilot.pause(0.1)
        assert app.query_one(TabbedContent).active == "sims"
        await until(pilot, lambda: isinstance(app.focused, VirtualTable), 5)


async def test_a_key_waits_for_the_one_before_it_however_short_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate's bound (SETTLE_TIMEOUT of CPU time) is for background work that never settles, not for the
    key before: on a loaded machine the bound passed while ``/`` was still on its way to the SIMs table, the
    ``e`` after it went to the table (bulk rename) and the filter got "u". With no bound at all (0 s: the worst a
    loaded machine can do), ``/eu⏎`` in one burst still types "eu" into the filter and Enter returns to the
    table: each key waits until the one before has been handled and the focus change it asked for applied."""
    from supersim_tui.tui import keyflow

    monkeypatch.setattr(keyflow, "SETTLE_TIMEOUT", 0.0)
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        table = await sims_table_focused(pilot, app)
        await burst(pilot, app, "/eu\r")
        assert app.main.query_one("#sims-search", Input).value == "eu"
        assert app.focused is table
        assert len(app.screen_stack) == 1, "a key of the burst opened a screen"


async def test_table_keys_act_at_once_while_a_pane_above_the_table_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key for the SIMs table (End, Home, PgDn…) acts as the app takes it, not after bubbling through every pane
    above the table: while the SIMs load each of those hops waited behind a page being decoded, and End took
    ~0.2 s to move the cursor. Here the pane above the table is stuck on a message of its own: End still moves
    the cursor to the last row, Home back to the first."""
    from supersim_tui.tui import keyflow
    from supersim_tui.tui.sims_pane import SimsPane

    monkeypatch.setattr(keyflow, "WALL_LIMIT", 0.2)  # the gate's wall-clock bound: the stuck pane counts as busy
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        table = await sims_table_focused(pilot, app)
        assert table.cursor_row == 0
        release = asyncio.Event()
        app.main.query_one(SimsPane).call_later(release.wait)  # the pane's queue is stuck until released
        moved: list[int] = []
        try:
            for key in ("end", "home"):
                event = events.Key(key, None)
                event.set_sender(app)
                app.post_message(event)
                for _ in range(300):  # bounded: 3 s (no pilot.pause: it waits for an idle app, and the pane is not)
                    await asyncio.sleep(0.01)
                    if table.cursor_row == (0 if moved else table.row_count - 1):
                        break
                moved.append(table.cursor_row)
        finally:
            release.set()
        assert moved == [table.row_count - 1, 0]


async def sims_table_focused(pilot: Pilot[Any], app: SuperSimApp) -> VirtualTable:
    """The demo account loaded, the SIMs tab shown: its table (with the focus)."""
    from .conftest import settle as ready

    await ready(pilot)
    await pilot.press("3")
    await ready(pilot)
    table = app.main.query_one("#sims-table", VirtualTable)
    assert app.focused is table
    return table


async def test_a_key_after_one_whose_action_still_reads_waits_for_its_dialog() -> None:
    """``a s`` in one burst on the SIMs table, the simulator slow: ``a`` (mark all) reads the server before it asks,
    and ``s`` must not act meanwhile on the one highlighted SIM. The mark-all confirmation shows first, alone (no
    set-status dialog for one SIM beneath it); ``s`` went to that dialog, which has no use for it; confirming marks
    every SIM, and ``s`` then sets the status of the marked SIMs."""
    from supersim_tui.tui.dialogs import ChoiceScreen, Confirm

    from .conftest import until

    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await sims_table_focused(pilot, app)
        sim.config.latency_ms = 150  # each page of SIMs read by mark-all takes this long
        await burst(pilot, app, "as")
        assert [type(screen) for screen in app.screen_stack[1:]] == [Confirm], app.screen_stack
        confirm = app.screen
        assert isinstance(confirm, Confirm) and confirm.title_text == "Mark all matching"
        await until(pilot, lambda: "300 SIMs in the account" in str(confirm.body))
        await pilot.press("y")
        assert len(app.screen_stack) == 1
        await pilot.press("s")
        choice = app.screen
        assert isinstance(choice, ChoiceScreen) and choice.title_text == "Set the status of 300 marked SIMs"


async def test_mark_all_asks_at_once_so_keys_typed_during_a_long_count_answer_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``a`` then Enter in one burst, on an account whose count takes longer than the key gate waits for a key's work
    (the gate's bound made tiny here; 150 ms a page): Enter used to be handed on to the table after the bound and
    open the highlighted SIM's details, the question then opening over them. The question now opens at once, saying
    what it has counted so far; Enter typed meanwhile confirms it once the count is known: every SIM marked, no
    details opened. Esc while counting stops the count and marks nothing."""
    from supersim_tui.tui import keyflow
    from supersim_tui.tui.sims_pane import SimsPane

    from .conftest import until

    monkeypatch.setattr(keyflow, "WALL_LIMIT", 0.05)
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await sims_table_focused(pilot, app)
        pane = app.main.query_one(SimsPane)
        sim.config.latency_ms = 150
        await burst(pilot, app, "a", [events.Key("enter", "\r")])
        await until(pilot, lambda: len(pane.marks) == 300)
        assert len(app.screen_stack) == 1, app.screen_stack  # no SIM's details were opened
        await pilot.press("u")
        await burst(pilot, app, "a", [events.Key("escape", None)])
        await until(pilot, lambda: all(worker.is_finished for worker in pane.workers))
        assert not pane.marks and len(app.screen_stack) == 1, app.screen_stack
        assert not [n.message for n in app._notifications if n.severity == "error"]  # declined: nothing failed


async def test_keys_after_add_to_nap_and_after_the_nap_chosen_wait_for_each_dialog() -> None:
    """In the catalog opened with ``c``, the simulator slow: ``p n`` in one burst: ``p`` (add to NAP) reads the
    NAPs before it offers them, and ``n`` must not open "NAPs with it" on the catalog meanwhile: the NAP choice
    shows first, alone, and took the ``n``. Then Enter (choose the NAP) and ``n`` in one burst: the review opens
    over the catalog, alone, and reads the NAP's networks itself; applying adds the network to that NAP."""
    from supersim_tui.tui.catalog import CatalogScreen
    from supersim_tui.tui.dialogs import ChoiceScreen
    from supersim_tui.tui.nap_review import ConfirmNapChanges

    from .conftest import settle as ready
    from .conftest import until

    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await ready(pilot)
        catalog = app.screen
        assert isinstance(catalog, CatalogScreen)
        sim.config.latency_ms = 150  # each read of the NAPs (and of each NAP's networks) takes this long
        await burst(pilot, app, "pn")
        assert [type(screen) for screen in app.screen_stack[1:]] == [CatalogScreen, ChoiceScreen], app.screen_stack
        choice = app.screen
        assert isinstance(choice, ChoiceScreen) and choice.title_text.startswith("Add ")
        await burst(pilot, app, "\rn")
        assert [type(screen) for screen in app.screen_stack[1:]] == [CatalogScreen, ConfirmNapChanges]
        review = app.screen
        assert isinstance(review, ConfirmNapChanges)
        network = review.changes[0].network
        assert network.sid not in sim.state.naps[review.nap.sid].network_sids
        await until(pilot, lambda: not review.query_one("#apply").disabled)
        await pilot.click("#apply")
        await until(pilot, lambda: network.sid in sim.state.naps[review.nap.sid].network_sids)


async def test_keys_after_the_status_chosen_wait_for_the_plan_and_go_to_its_dialog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every SIM marked, the simulator slow: ``s ↓ ↓ ⏎ y y ⏎`` in one burst. The Enter that chooses "inactive"
    starts the plan (it reads the SIMs' current state) from the choice dialog's answer, not from an action; the
    keys after it must wait for the plan's question instead of acting on the SIMs table meanwhile (the last Enter
    opened the highlighted SIM's details, and the typed confirmation then opened on top of that screen). The typed
    confirmation opens over the SIMs screen, the keys go to it (Enter on its focused Cancel closes it), no SIM's
    details were read or shown, nothing is sent and every SIM stays marked."""
    from supersim_tui.tui.consent import TypedConfirm
    from supersim_tui.tui.sims_pane import SimsPane

    opened_over: list[list[str]] = []  # the screens under the typed confirmation when it opened
    shown = TypedConfirm.on_mount

    def on_mount(self: TypedConfirm) -> None:
        opened_over.append([type(screen).__name__ for screen in self.app.screen_stack])
        shown(self)

    monkeypatch.setattr(TypedConfirm, "on_mount", on_mount)
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await sims_table_focused(pilot, app)
        await pilot.press("a")
        await pilot.press("y")
        pane = app.main.query_one(SimsPane)
        assert len(pane.marks) == 300
        sim.config.latency_ms = 150  # each page of the plan's read takes this long
        seen = len(sim.request_log)
        await burst(pilot, app, "s", [events.Key("down", None), events.Key("down", None)], "\ryy\r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert opened_over == [["MainScreen", "TypedConfirm"]], opened_over
        assert [type(screen).__name__ for screen in app.screen_stack] == ["MainScreen"]
        assert len(pane.marks) == 300
    after = sim.request_log[seen:]
    assert [r for r in after if r.method != "GET"] == [], "a change was sent"
    assert [r.path for r in after if r.path.startswith("/v1/Sims/")] == [], "a SIM's details were read"


async def test_typing_is_not_held_by_a_load_of_the_sims(monkeypatch: pytest.MonkeyPatch) -> None:
    """Background work never holds keys back, even when a key started it: while the SIMs are listed (at start,
    and again after ``r`` reloads the account), ``/eu`` typed in one burst is in the SIMs filter while the load is
    still going. The gate's wall-clock bound is lifted here, so a key held by the load would wait for its end."""
    from supersim_tui.tui import keyflow
    from supersim_tui.tui.sims_pane import SimsPane

    from .conftest import until

    monkeypatch.setattr(keyflow, "WALL_LIMIT", 60.0)
    sim = demo_simulator(sims=20000, latency_ms=500)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.main.is_mounted, 20)
        await burst(pilot, app, "3")
        pane = app.main.query_one(SimsPane)
        search = pane.query_one("#sims-search", Input)
        await until(pilot, lambda: isinstance(app.focused, VirtualTable) and app.focused.id == "sims-table", 20)
        assert not pane.complete, "the SIMs were listed before the test could type"
        await burst(pilot, app, "/eu")
        await until(pilot, lambda: search.value == "eu" or pane.complete, 30)
        assert search.value == "eu" and not pane.complete, "the keys waited for the SIMs to load"
        await burst(pilot, app, "\r")
        await until(pilot, lambda: pane.complete, 30)

        def reloading() -> bool:
            return any(w.group in ("account", "sims-page") and not w.is_finished for w in app.workers)

        await burst(pilot, app, "r/as")
        await until(pilot, lambda: search.value == "as" or not reloading(), 30)
        assert search.value == "as" and reloading(), "the keys after r waited for the reload"


async def test_no_typed_after_the_fleet_chosen_answers_the_move_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three SIMs marked, the simulator slow: ``m ⏎ n`` in one burst (move them to the first fleet, then "no" to
    the question that follows). The move is planned from the fleet choice's answer (it reads the SIMs, and the
    networks of the NAPs involved); ``n`` must wait for its question instead of acting on the SIMs table, where it
    opened the register screen (the question then opened on top of that). The question opens over the SIMs
    screen, ``n`` declines it, nothing is sent and the three SIMs stay marked."""
    from supersim_tui.tui.dialogs import Confirm
    from supersim_tui.tui.sims_pane import SimsPane

    from .conftest import until

    opened_over: list[list[str]] = []  # the screens under the question when it opened
    shown = Confirm.on_mount

    def on_mount(self: Confirm) -> None:
        opened_over.append([type(screen).__name__ for screen in self.app.screen_stack])
        shown(self)

    monkeypatch.setattr(Confirm, "on_mount", on_mount)
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await sims_table_focused(pilot, app)
        await pilot.press("space", "space", "space")
        pane = app.main.query_one(SimsPane)
        assert len(pane.marks) == 3
        sim.config.latency_ms = 150  # each read of the plan takes this long
        seen = len(sim.request_log)
        await burst(pilot, app, "m\rn")
        await until(pilot, lambda: bool(opened_over), 10)
        assert opened_over == [["MainScreen", "Confirm"]], opened_over
        await until(pilot, lambda: not isinstance(app.screen, Confirm), 10)
        assert [type(screen).__name__ for screen in app.screen_stack] == ["MainScreen"]
        assert len(pane.marks) == 3
    assert [r for r in sim.request_log[seen:] if r.method != "GET"] == [], "a change was sent"


async def test_esc_leaves_a_sim_detail_still_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a slow link, Enter on a SIM and Esc in one burst (the user opened the wrong SIM), and ``r`` then Esc on
    its details: the screen's own reading of the SIM is a load, like the SIMs' or the catalog's, and must not hold
    the Esc until it ends (it did, up to the gate's bound of 3 s: the details painted, then went away). Back on the
    SIMs table with the details never shown, and never read again. The wall-clock bound is lifted, so a held key
    waits for the load's end."""
    from supersim_tui.tui import keyflow
    from supersim_tui.tui.main_screen import MainScreen
    from supersim_tui.tui.sim_detail import SimDetailScreen

    from .conftest import until

    opened: list[SimDetailScreen] = []
    shown = SimDetailScreen.on_mount

    def on_mount(self: SimDetailScreen) -> None:
        opened.append(self)
        shown(self)

    monkeypatch.setattr(SimDetailScreen, "on_mount", on_mount)
    monkeypatch.setattr(keyflow, "WALL_LIMIT", 60.0)
    sim = demo_simulator()
    app = build_app(sim)
    escape = events.Key("escape", "\x1b")
    async with app.run_test(size=(120, 36)) as pilot:
        await sims_table_focused(pilot, app)
        sim.config.latency_ms = 1000  # each read of the SIM's details takes this long
        await burst(pilot, app, [events.Key("enter", "\r"), escape])
        assert isinstance(app.screen, MainScreen), app.screen_stack
        assert len(opened) == 1 and opened[0].info is None, "Esc waited for the details to be read"
        sim.config.latency_ms = 0
        await burst(pilot, app, "\r")
        detail = app.screen
        assert isinstance(detail, SimDetailScreen)
        await until(pilot, lambda: detail.info is not None)
        first = detail.info
        sim.config.latency_ms = 1000
        await burst(pilot, app, [events.Key("r", "r"), escape])
        assert isinstance(app.screen, MainScreen), app.screen_stack
        assert detail.info is first, "Esc waited for the details to be read again"


async def test_a_fleet_edited_again_at_once_shows_what_was_just_saved() -> None:
    """On a slow link, ``e``, a new name, Enter (save) and ``e`` in one burst on the Fleets tab: the second form
    shows the name just saved (it showed the old one: the fleets were re-read in the background after the save,
    and the second ``e`` took the fleet as it was before it). Moving the NAP back at once was then dropped without
    a word: the form compared the choice with the NAP the fleet no longer had, and sent nothing."""
    from supersim_tui.tui.forms import FleetForm
    from supersim_tui.tui.panes import FleetsPane

    from .conftest import settle as ready

    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        pane = app.main.query_one(FleetsPane)
        sid = pane.current_key
        assert sid is not None
        old = sim.state.fleets[sid].unique_name
        sim.config.latency_ms = 300  # the save, and the fleets read again after it, take this long
        await burst(pilot, app, "e", [events.Key("end", None)], "x\re")
        form = app.screen
        assert isinstance(form, FleetForm), app.screen_stack
        assert sim.state.fleets[sid].unique_name == f"{old}x"
        assert form.query_one("#fleet-name", Input).value == f"{old}x"


async def test_a_nap_renamed_again_at_once_shows_the_name_just_given() -> None:
    """On a slow link, on the NAPs tab: ``e``, a new name, Enter (rename) and ``e`` in one burst: the second form
    shows the name just given (it showed the old one: the NAPs were re-read in the background after the rename,
    and the second ``e`` took the NAP as it was). Renaming it back at once then said "The name is unchanged:
    nothing was sent" while the NAP kept the new name; it is sent."""
    from supersim_tui.tui.forms import NameForm
    from supersim_tui.tui.naps_pane import NapsPane

    from .conftest import settle as ready
    from .conftest import until

    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await ready(pilot)
        pane = app.main.query_one(NapsPane)
        sid = pane.current_key
        assert sid is not None
        old = sim.state.naps[sid].unique_name
        sim.config.latency_ms = 300  # the rename, and the NAPs read again after it, take this long
        await burst(pilot, app, "e", [events.Key("end", None)], "x\re")
        form = app.screen
        assert isinstance(form, NameForm), app.screen_stack
        assert sim.state.naps[sid].unique_name == f"{old}x"
        assert form.query_one("#name", Input).value == f"{old}x"
        await burst(pilot, app, [events.Key("end", None), events.Key("backspace", None)], "\r")
        await until(pilot, lambda: sim.state.naps[sid].unique_name == old, 10)


@pytest.mark.parametrize(
    ("keys", "name"), [("y\r", "uk-ie-copy"), ("ndach\r/262-01\r a", "dach")], ids=["clone", "from-the-catalog"]
)
async def test_a_key_right_after_a_nap_is_created_acts_on_the_new_nap(keys: str, name: str) -> None:
    """On a slow link, on the NAPs tab: a NAP cloned (``y``, Enter: the name suggested) or created from the catalog
    (``n dach⏎ /262-01⏎ ␣ a``), then ``e`` (rename) in the same burst: the rename is the new NAP's. It was the one
    the cursor was on before: the new NAP was listed, and the cursor moved to it, only once the NAPs had been read
    again in the background, and ``e`` came first. It is listed at once, with the networks it was created with."""
    from supersim_tui.tui.forms import NameForm
    from supersim_tui.tui.naps_pane import NapsPane

    from .conftest import settle as ready

    sim = demo_simulator()
    app = build_app(sim)
    source = sim.state.find_nap("uk-ie")
    assert source is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await ready(pilot)
        pane = app.main.query_one(NapsPane)
        pane.select(source.sid)
        sim.config.latency_ms = 300  # the creation, and the NAPs read again after it, take this long
        await burst(pilot, app, keys + "e")
        form = app.screen
        assert isinstance(form, NameForm), app.screen_stack
        nap = sim.state.find_nap(name)
        assert nap is not None
        assert form.query_one("#name", Input).value == name
        assert pane.current_key == nap.sid
        listed = {s.nap.sid: s for s in app.main.nap_summaries or []}
        assert {n.sid for n in listed[nap.sid].networks} == set(nap.network_sids)


async def test_catalog_opened_while_it_is_read_takes_slash_then_the_filter() -> None:
    """``c/spain`` typed before the account's catalog has been read (a slow link): the catalog opens with its table
    loading, which cannot take the focus, and the focus fell to the filter, so ``/`` was typed into it ("/spain"
    matched nothing) and, once the catalog was read, the catalog's keys kept typing into the filter. Now ``/``
    focuses the filter as it does on a read catalog: the filter is "spain" and shows Spain's networks; Enter goes
    to the table, and a catalog key typed then (``t``) goes to the table, not into the filter."""
    from supersim_tui.tui.catalog import CatalogScreen

    from .conftest import until

    sim = demo_simulator(latency_ms=600)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: app.main.is_mounted, 20)
        await burst(pilot, app, "c/spain")
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        table = screen.query_one("#catalog-table", VirtualTable)
        await until(pilot, lambda: bool(screen.rows) and not table.loading, 20)
        await pilot.pause()
        assert screen.query_one("#catalog-filter", Input).value == "spain"
        assert table.row_count and all("Spain" in str(table.get_row_at(i)) for i in range(table.row_count))
        await burst(pilot, app, "\rt")
        assert app.focused is table
        assert screen.query_one("#catalog-filter", Input).value == "spain"


async def test_the_tab_bar_focused_by_the_user_keeps_the_focus_when_a_load_ends() -> None:
    """`3 Tab Tab → →` typed at launch ended on the Health tab (QA qa13): the first Tab put the focus on the tab bar,
    the account's load then ended and gave the focus back to the SIMs table (the tab bar is where the app parks
    the focus while a table loads), so the second Tab went to the tab bar again and → switched tabs. A focus the
    user moved there stays there: Tab then goes on to the filters."""
    from textual.widgets.tabbed_content import ContentTabs

    from .conftest import settle as ready

    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        table = await sims_table_focused(pilot, app)
        await pilot.press("tab")
        assert isinstance(app.focused, ContentTabs)
        app.main.load_account()  # (what r does; at launch, the first load ending)
        await ready(pilot)
        assert isinstance(app.focused, ContentTabs), app.focused
        await burst(pilot, app, keys_named("tab", "right", "right"))
        await ready(pilot)
        assert app.main.query_one("TabbedContent").active == "sims"  # type: ignore[attr-defined]
        status = app.main.query_one("#filter-status")
        assert app.focused is status and status.value == "ready", (app.focused, status.value)  # type: ignore[attr-defined]
        assert table.has_focus is False


def keys_named(*names: str) -> list[events.Key]:
    return [events.Key(name, None) for name in names]
