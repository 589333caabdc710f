"""One sign-in flow (supersim_tui.signin) behind `supersim-tui login` and the TUI's sign-in screen.

Each test drives a real front end (the CLI in-process, or the Connector the TUI uses) against the in-process
simulator and the in-memory keyring, and checks what ends up in profiles.toml, the keyring and on screen.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest

from supersim_tui import cli
from supersim_tui.api.auth import Secret
from supersim_tui.commands import session as session_module
from supersim_tui.connect import Connector
from supersim_tui.profiles import Profile, ProfileFile, load_profiles, save_profiles, store_secret
from supersim_tui.simulator import Simulator
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.login import LoginScreen

from .conftest import MemoryKeyring, client_maker

LOCAL_URL = "http://127.0.0.1:8123"


class FrontEnds:
    """Sign in through the CLI (`login --secret-stdin`) or the TUI's Connector, both on the simulator."""

    def __init__(self, simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self.simulator = simulator
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        monkeypatch.setattr(session_module, "make_client", client_maker(simulator))

    def cli(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(list(argv))
        out, err = self.capsys.readouterr()
        return code, out, err

    async def sign_in(self, way: str, profile: str) -> None:
        sid, token = self.simulator.config.account_sid, self.simulator.config.auth_token
        if way == "cli":
            argv = ["login", "--profile", profile, "--kind", "auth-token", "--identity", sid, "--secret-stdin"]
            code, _, err = await _in_thread(self.cli, *argv, stdin=token + "\n")
            assert code == 0, err
            return
        connector = Connector(make_client=client_maker(self.simulator))
        connection = await connector.sign_in(
            profile=profile, kind="auth_token", identity=sid, secret=token, base_url=LOCAL_URL
        )
        await connection.client.aclose()


async def _in_thread(call: Callable[..., tuple[int, str, str]], *args: str, stdin: str) -> tuple[int, str, str]:
    """cli.main runs its own event loop: call it from a worker thread inside an async test."""
    import asyncio

    return await asyncio.to_thread(call, *args, stdin=stdin)


@pytest.fixture
def front_ends(
    simulator: Simulator,
    isolated: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> FrontEnds:
    return FrontEnds(simulator, monkeypatch, capsys)


@pytest.mark.parametrize("way", ["cli", "tui"])
async def test_signing_in_again_keeps_the_profiles_settings(front_ends: FrontEnds, way: str) -> None:
    """Renewing a profile's secret (CLI or TUI) keeps its default fleet and its safety mode: signing in
    again must not turn a read-only profile into an open one, nor forget the fleet new SIMs go to."""
    sid = front_ends.simulator.config.account_sid
    work = Profile("work", "auth_token", sid, LOCAL_URL, default_fleet="eu-trackers", mode="read-only")
    save_profiles(ProfileFile("work", {"work": work}))
    await front_ends.sign_in(way, "work")
    saved = load_profiles().profiles["work"]
    assert (saved.default_fleet, saved.mode) == ("eu-trackers", "read-only")


@pytest.mark.parametrize("way", ["cli", "tui"])
async def test_both_front_ends_choose_the_default_profile_by_one_rule(front_ends: FrontEnds, way: str) -> None:
    """A new profile becomes the default when the file names no default or a default that does not exist
    (left over from a hand edit), whichever front end signed in; an existing default is kept."""
    sid = front_ends.simulator.config.account_sid
    lab = Profile("lab", "auth_token", sid, LOCAL_URL)
    save_profiles(ProfileFile("gone", {"lab": lab}))
    await front_ends.sign_in(way, "work")
    assert load_profiles().default == "work"
    await front_ends.sign_in(way, "lab")
    assert load_profiles().default == "work"


async def test_tui_sign_in_after_logout_offers_the_existing_profile(front_ends: FrontEnds) -> None:
    """After `logout`, the TUI's sign-in form starts from the profile that was signed out (its name, kind,
    identity and base URL), not from a new `default` profile on the production API."""
    sid = front_ends.simulator.config.account_sid
    lab = Profile("lab", "auth_token", sid, LOCAL_URL, default_fleet="eu-trackers")
    save_profiles(ProfileFile("lab", {"lab": lab}))
    store_secret(lab, Secret(front_ends.simulator.config.auth_token))
    code, _, err = await _in_thread(front_ends.cli, "logout", stdin="")
    assert code == 0, err
    connector = Connector(make_client=client_maker(front_ends.simulator))
    app = SuperSimApp(None, connector=connector, sign_in_reason="profile 'lab' has no stored secret.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        values = {name: screen.query_one(f"#{name}").value for name in ("profile", "identity", "base-url")}  # type: ignore[attr-defined]
        assert values == {"profile": "lab", "identity": sid, "base-url": LOCAL_URL}
        assert screen.focused is screen.query_one("#secret")
        screen.query_one("#secret").value = front_ends.simulator.config.auth_token  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, LoginScreen)
    profiles = load_profiles()
    assert list(profiles.profiles) == ["lab"] and profiles.profiles["lab"].default_fleet == "eu-trackers"


async def test_cli_login_after_logout_renews_the_default_profile(front_ends: FrontEnds) -> None:
    """`login` without --profile renews the profile in use (here the file's default), as the TUI does,
    instead of adding a profile called `default`."""
    sid = front_ends.simulator.config.account_sid
    lab = Profile("lab", "auth_token", sid, LOCAL_URL)
    save_profiles(ProfileFile("lab", {"lab": lab}))
    code, _, err = await _in_thread(
        front_ends.cli, "login", "--secret-stdin", stdin=front_ends.simulator.config.auth_token + "\n"
    )
    assert code == 0, err
    assert list(load_profiles().profiles) == ["lab"] and "Saved profile 'lab'" in err


@pytest.mark.parametrize("store", ["file", "keyring"])
def test_profiles_shows_no_secret_after_logout(front_ends: FrontEnds, store: str) -> None:
    """After `logout`, `profiles` no longer claims the secret is in a file or the keyring."""
    sid = front_ends.simulator.config.account_sid
    token = front_ends.simulator.config.auth_token
    argv = ["login", "--profile", "work", "--kind", "auth-token", "--identity", sid, "--secret-stdin"]
    code, _, err = front_ends.cli(*argv, "--store", store, stdin=token + "\n")
    assert code == 0, err
    assert json.loads(front_ends.cli("profiles", "--json")[1])["profiles"][0]["secret_store"] == store
    code, _, err = front_ends.cli("logout", "--profile", "work")
    assert code == 0, err
    code, out, _ = front_ends.cli("profiles", "--json")
    assert json.loads(out)["profiles"][0]["secret_store"] == "none"
    code, out, err = front_ends.cli("profiles")
    assert store not in out and "none" in out
    code, _, err = front_ends.cli("fleets", "list", "--profile", "work")
    assert code == 2 and "no stored secret" in err and "login --profile work" in err


async def test_adding_a_profile_from_the_tui_starts_from_an_unused_name(front_ends: FrontEnds) -> None:
    """ "Sign in with new credentials" (an account is open) never starts from an existing profile's name,
    so typing a new SID and secret adds a profile instead of overwriting the one in use."""
    sid = front_ends.simulator.config.account_sid
    profiles = {name: Profile(name, "auth_token", sid, LOCAL_URL) for name in ("default", "profile-2")}
    save_profiles(ProfileFile("default", profiles))
    store_secret(profiles["default"], Secret(front_ends.simulator.config.auth_token))
    connector = Connector(make_client=client_maker(front_ends.simulator), active_profile="default")
    connection = await connector.open_profile("default")
    app = SuperSimApp(connection.client, account_label=connection.label, connector=connector)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        app.action_sign_in()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        values = {name: screen.query_one(f"#{name}").value for name in ("profile", "identity", "base-url")}  # type: ignore[attr-defined]
        assert values == {"profile": "profile-3", "identity": "", "base-url": "https://supersim.twilio.com"}


async def test_session_only_sign_in_works_with_a_broken_profiles_file(front_ends: FrontEnds) -> None:
    """ "Use without saving" needs no profiles file: an unreadable one does not stop it (and is not touched);
    saving still refuses with a message naming the file."""
    from supersim_tui.profiles import profiles_path
    from supersim_tui.signin import Details, SignInError, sign_in

    path = profiles_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("profiles = 5\n")
    sim = front_ends.simulator
    details = Details("work", "auth_token", sim.config.account_sid, LOCAL_URL, store="none")
    signed_in = await sign_in(details, sim.config.auth_token, client_maker(sim))
    await signed_in.client.aclose()
    assert not signed_in.saved and path.read_text() == "profiles = 5\n"
    with pytest.raises(SignInError, match="profiles.toml"):
        await sign_in(
            Details("work", "auth_token", sim.config.account_sid, LOCAL_URL), sim.config.auth_token, client_maker(sim)
        )


def test_login_warns_when_environment_credentials_will_still_win(
    front_ends: FrontEnds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN set in the shell, a profile saved by `login` is not what the
    next command uses (the environment wins unless --profile is given): login says so, naming the variables;
    without them, it does not."""
    sid, token = front_ends.simulator.config.account_sid, front_ends.simulator.config.auth_token
    argv = ["login", "--profile", "lab", "--kind", "auth-token", "--identity", sid, "--secret-stdin"]
    code, _, err = front_ends.cli(*argv, stdin=token + "\n")
    assert code == 0, err
    assert "environment" not in err
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-this-one")
    code, _, err = front_ends.cli(*argv, stdin=token + "\n")
    assert code == 0, err
    assert "TWILIO_ACCOUNT_SID" in err and "TWILIO_AUTH_TOKEN" in err and "--profile lab" in err
    assert "not-this-one" not in err


async def test_the_sign_in_form_starts_from_supersim_base_url(
    front_ends: FrontEnds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials saved, ``SUPERSIM_BASE_URL`` set (as commands read it): the TUI's sign-in form starts with
    that base URL, as the main app uses it once signed in. It started with the production API's, and signing in
    against a local API then said it could not connect to https://supersim.twilio.com."""
    monkeypatch.setenv("SUPERSIM_BASE_URL", LOCAL_URL)
    connector = Connector(make_client=client_maker(front_ends.simulator))
    app = SuperSimApp(None, connector=connector, sign_in_reason="No saved credentials found.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert screen.query_one("#base-url").value == LOCAL_URL  # type: ignore[attr-defined]
