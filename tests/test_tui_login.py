"""The TUI's sign-in screen and profile switcher, against the simulator and the in-memory keyring."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keyring
from keyring.backends import fail
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from supersim_tui.api.auth import Secret
from supersim_tui.connect import Connector
from supersim_tui.credentials import Credentials
from supersim_tui.profiles import Profile, ProfileFile, load_profiles, save_profiles, store_secret
from supersim_tui.simulator import Simulator
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.login import LoginScreen

from .conftest import MemoryKeyring, client_maker, demo_simulator


def connector_for(sim: Simulator) -> Connector:
    return Connector(make_client=client_maker(sim))


async def fill_and_submit(pilot: Pilot[Any], identity: str, secret: str, *, type_it: bool = False) -> None:
    """Fill the form (typed key by key: Enter moves to the empty secret field, then Enter there submits, the
    profile and base URL keeping their defaults; or set directly)."""
    screen = pilot.app.screen
    if type_it:
        await pilot.click("#identity")
        await pilot.press(*identity, "enter")
        assert screen.focused is screen.query_one("#secret"), "Enter with the secret still empty moves to it"
        await pilot.press(*secret, "enter")
    else:
        screen.query_one("#identity", Input).value = identity
        screen.query_one("#secret", Input).value = secret
        await pilot.press("ctrl+s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_sign_in_refuses_then_accepts(isolated: MemoryKeyring) -> None:
    """A wrong token is refused on screen and nothing is saved; the right one is stored in the keyring,
    the account loads, and the secret field is cleared."""
    sim = demo_simulator()
    app = SuperSimApp(None, connector=connector_for(sim), sign_in_reason="No saved credentials found.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await fill_and_submit(pilot, sim.config.account_sid, "wrong-token", type_it=True)
        assert "refused" in str(app.screen.query_one("#login-status").render())
        assert isolated.store == {} and load_profiles().profiles == {}

        secret_input = app.screen.query_one("#secret")
        secret_input.value = sim.config.auth_token  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
        assert secret_input.value == ""
        assert isolated.store == {("supersim-tui:default", sim.config.account_sid): sim.config.auth_token}
        assert load_profiles().default == "default"
        assert app.query_one("#fleets-table", DataTable).row_count == len(sim.state.fleets)
        assert sim.config.auth_token not in app.export_screenshot()


async def test_sign_in_without_keyring_offers_a_choice(isolated: MemoryKeyring) -> None:
    """With no keyring, working credentials are not silently written anywhere: the user chooses."""
    keyring.set_keyring(fail.Keyring())
    sim = demo_simulator()
    app = SuperSimApp(None, connector=connector_for(sim))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await fill_and_submit(pilot, sim.config.account_sid, sim.config.auth_token)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#keyring-choice").display
        assert load_profiles().profiles == {}
        await pilot.pause()
        await pilot.click("#no-save")  # visible: the screen scrolled the choice into view
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
        assert load_profiles().profiles == {}  # used for this session only


async def test_profile_switcher(isolated: MemoryKeyring, make_simulator: Callable[..., Simulator]) -> None:
    """The command palette lists profiles; choosing one reconnects and reloads the panes."""
    sim = demo_simulator()
    other_sid = "AC" + "9" * 32
    work = Profile("work", "auth_token", sim.config.account_sid, "https://supersim.twilio.com")
    lab = Profile("lab", "auth_token", other_sid, "https://supersim.twilio.com")
    save_profiles(ProfileFile("work", {"work": work, "lab": lab}))
    store_secret(work, Secret(sim.config.auth_token))
    store_secret(lab, Secret(sim.config.auth_token))
    connector = connector_for(sim)
    app = SuperSimApp(
        connector.make_client(Credentials("auth_token", work.identity, Secret(sim.config.auth_token))),
        account_label="work",
        connector=connector,
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+p")
        await pilot.press(*"switch profile: lab")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert connector.active_profile == "lab"
        assert app.sub_title.endswith(f"profile lab · {other_sid} (lab)")
        assert app.query_one("#fleets-table", DataTable).row_count == len(sim.state.fleets)


async def test_sign_in_picture_does_not_depend_on_the_clock(still_cursors: None) -> None:
    """The refused sign-in screen looks the same at once and over the next second (what snapshots rely on)."""
    sim = demo_simulator()
    app = SuperSimApp(None, connector=connector_for(sim), sign_in_reason="No saved credentials found.")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_and_submit(pilot, sim.config.account_sid, "wrong-token")
        at_once = app.export_screenshot()
        for _ in range(6):  # over 1.2 s: more than one blink period (0.5 s), whatever its phase
            await pilot.pause(0.2)
            assert app.export_screenshot() == at_once


def test_login_snapshot(snap_compare: Callable[..., bool], isolated: MemoryKeyring) -> None:
    """The sign-in screen at 80x24 with a refused attempt."""
    sim = demo_simulator()

    async def before(pilot: Pilot[Any]) -> None:
        await fill_and_submit(pilot, sim.config.account_sid, "wrong-token")

    app = SuperSimApp(None, connector=connector_for(sim), sign_in_reason="No saved credentials found.")
    assert snap_compare(app, terminal_size=(80, 24), run_before=before)


def test_profile_switcher_snapshot(snap_compare: Callable[..., bool], isolated: MemoryKeyring) -> None:
    """The command palette filtered to profile commands."""
    sim = demo_simulator()
    profiles = {
        name: Profile(name, "auth_token", "AC" + c * 32, "https://supersim.twilio.com")
        for name, c in (("work", "1"), ("lab", "2"))
    }
    save_profiles(ProfileFile("work", profiles))
    connector = connector_for(sim)
    connector.active_profile = "work"

    async def before(pilot: Pilot[Any]) -> None:
        from textual.command import CommandList

        await pilot.app.workers.wait_for_complete()
        await pilot.pause()  # the table has the focus, the footer its keys
        await pilot.press("ctrl+p", *"profile")
        for _ in range(50):  # the palette searches asynchronously: wait (bounded) for both hits
            await pilot.pause(0.1)
            lists = pilot.app.screen.query(CommandList)
            if lists and lists.first().option_count == 2:
                break

    client = connector.make_client(Credentials("auth_token", sim.config.account_sid, Secret(sim.config.auth_token)))
    app = SuperSimApp(client, account_label="work", connector=connector)
    assert snap_compare(app, terminal_size=(100, 30), run_before=before)
