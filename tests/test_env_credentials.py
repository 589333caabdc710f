"""Credentials from the environment: what a 401 advises, and whose safety mode applies.

The environment wins over the keyring (DESIGN: flags → environment → keyring), so when the environment's
credentials are refused, `supersim-tui login` would not help: the advice names the variables in use and says to
fix or unset them, in the CLI and the TUI alike (one wording, ``api.errors``). A profile named by
``SUPERSIM_PROFILE`` keeps its safety mode when the credentials come from the environment: a read-only
profile stays read-only."""

from __future__ import annotations

import io
from typing import Any

import pytest

from supersim_tui import cli
from supersim_tui.api.auth import Secret
from supersim_tui.commands import session as session_module
from supersim_tui.profiles import Profile, ProfileFile, save_profiles, store_secret
from supersim_tui.simulator import Simulator
from supersim_tui.tui.app import SuperSimApp

from .conftest import client_maker, settle, until

WRONG = "wrong-token-000"


@pytest.fixture
def cli_on(simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """The CLI as a user runs it (credentials resolved as usual), its clients talking to the simulator."""
    monkeypatch.setattr(session_module, "make_client", client_maker(simulator))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def save_profile(name: str, sim: Simulator, secret: str, mode: str = "open") -> None:
    profile = Profile(name, "auth_token", sim.config.account_sid, "http://127.0.0.1", mode=mode)
    save_profiles(ProfileFile(name, {name: profile}))
    store_secret(profile, Secret(secret))


def test_a_401_with_environment_credentials_says_to_fix_or_unset_them(
    cli_on: Any, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN with a wrong token: the refusal names both variables and says to fix
    or unset them; it does not send the user to `supersim-tui login` (the environment would still win)."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", WRONG)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    code, _, err = cli_on("fleets", "list")
    assert code == 1, err
    assert "environment" in err and "TWILIO_ACCOUNT_SID" in err and "TWILIO_AUTH_TOKEN" in err, err
    assert "fix or unset" in err and "supersim-tui login`" not in err and "(supersim-tui login)" not in err, err
    assert WRONG not in err


def test_a_401_with_a_profiles_credentials_still_says_to_log_in(cli_on: Any, simulator: Simulator) -> None:
    """A saved profile's secret refused: log in again (unchanged), and no environment variable is named."""
    save_profile("work", simulator, WRONG)
    code, _, err = cli_on("fleets", "list")
    assert code == 1 and "supersim-tui login" in err and "TWILIO_AUTH_TOKEN" not in err, err


async def test_the_tui_gives_the_same_advice_for_environment_credentials(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI started on refused environment credentials: its failure notice names the variables and says to
    fix or unset them (the CLI's wording)."""
    import argparse

    monkeypatch.setattr(session_module, "make_client", client_maker(simulator))
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", WRONG)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    session = session_module.open_session(argparse.Namespace(demo=False, profile=None, base_url=None, read_only=False))
    app = SuperSimApp(session.client, account_label=session.identity, mode=session.mode)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, failures_expected=True)
        await until(pilot, lambda: any(n.severity == "error" for n in app._notifications))
        text = " ".join(n.message for n in app._notifications if n.severity == "error")
        assert "TWILIO_ACCOUNT_SID" in text and "fix or unset" in text and "supersim-tui login" not in text, text


def test_supersim_profile_keeps_its_read_only_mode_with_environment_credentials(
    cli_on: Any, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SUPERSIM_PROFILE=a (mode read-only) and TWILIO_* set: the environment's credentials are used, a's mode
    applies: `naps rename … --dry-run` is refused (exit 2) and a real run sends nothing; the refusal says why.
    Reads still work."""
    save_profile("a", simulator, "unused-secret", mode="read-only")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", simulator.config.auth_token)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    monkeypatch.setenv("SUPERSIM_PROFILE", "a")
    for extra in (("--dry-run",), ("--yes",)):
        code, _, err = cli_on("naps", "rename", "uk-ie", "uk-ie-2", *extra)
        assert code == 2 and "read-only" in err and "profile a" in err and "environment" in err, (extra, err)
    assert [r for r in simulator.request_log if r.method in ("POST", "DELETE")] == []
    assert simulator.state.find_nap("uk-ie") is not None
    code, out, err = cli_on("naps", "list")
    assert code == 0 and "uk-ie" in out, err


def test_supersim_profile_naming_no_profile_is_refused_with_environment_credentials(
    cli_on: Any, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SUPERSIM_PROFILE names a profile that does not exist while TWILIO_* are set: its mode is unknown, so the
    command refuses (exit 2), naming the variable and what to do; nothing is sent."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", simulator.config.auth_token)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    monkeypatch.setenv("SUPERSIM_PROFILE", "nosuch")
    code, _, err = cli_on("naps", "rename", "uk-ie", "uk-ie-2", "--yes")
    assert code == 2 and "SUPERSIM_PROFILE" in err and "nosuch" in err, err
    assert simulator.request_log == [] or all(r.method == "GET" for r in simulator.request_log)


def test_environment_credentials_without_supersim_profile_are_open_as_before(
    cli_on: Any, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TWILIO_* set and no SUPERSIM_PROFILE: the environment's credentials, mode open, when no saved profile is
    for their account (a read-only default profile for another account is not applied to them)."""
    other = Profile("prod", "auth_token", "AC" + "f" * 32, "http://127.0.0.1", mode="read-only")
    save_profiles(ProfileFile("prod", {"prod": other}))
    store_secret(other, Secret("unused-secret"))
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", simulator.config.auth_token)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    code, _, err = cli_on("naps", "rename", "uk-ie", "uk-ie-2", "--yes")
    assert code == 0, err
    assert simulator.state.find_nap("uk-ie-2") is not None


def save_for_the_account(sim: Simulator, read_only: str) -> None:
    """Two saved profiles: ``dev`` (the default, another account, open) and ``read_only`` (the simulator's
    account, mode read-only)."""
    dev = Profile("dev", "auth_token", "AC" + "e" * 32, "http://127.0.0.1")
    prod = Profile(read_only, "auth_token", sim.config.account_sid, "http://127.0.0.1", mode="read-only")
    save_profiles(ProfileFile("dev", {"dev": dev, read_only: prod}))
    for profile in (dev, prod):
        store_secret(profile, Secret("unused-secret"))


def test_environment_credentials_for_a_read_only_profiles_account_are_read_only(
    cli_on: Any, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TWILIO_ACCOUNT_SID is the account of a saved read-only profile (not the default one), TWILIO_AUTH_TOKEN is
    set, no SUPERSIM_PROFILE nor --profile: read-only applies. A change is refused (exit 2), nothing is sent, and
    the refusal names the profile and the account, says how to get write access, and shows no secret. Reads
    still work."""
    save_for_the_account(simulator, "prod")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", simulator.config.auth_token)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    for extra in (("--dry-run",), ("--yes",)):
        code, _, err = cli_on("naps", "rename", "uk-ie", "uk-ie-2", *extra)
        assert code == 2 and "read-only" in err and "profile prod" in err, (extra, err)
        assert simulator.config.account_sid in err and "TWILIO_ACCOUNT_SID" in err, err
        assert 'set profile prod\'s mode to "open" or "protected"' in err, err
        assert simulator.config.auth_token not in err and "unused-secret" not in err, err
    assert [r for r in simulator.request_log if r.method in ("POST", "DELETE")] == []
    assert simulator.state.find_nap("uk-ie") is not None
    code, out, err = cli_on("naps", "list")
    assert code == 0 and "uk-ie" in out, err


async def test_the_tui_on_environment_credentials_of_a_read_only_profiles_account_shows_read_only(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI started as the CLI starts it on the environment's credentials for a read-only profile's account:
    its header says READ-ONLY and names the profile."""
    import argparse

    save_for_the_account(simulator, "prod")
    monkeypatch.setattr(session_module, "make_client", client_maker(simulator))
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", simulator.config.auth_token)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    session = session_module.open_session(argparse.Namespace(demo=False, profile=None, base_url=None, read_only=False))
    app = SuperSimApp(
        session.client, account_label=session.identity, mode=session.mode, profile_name=session.profile_label
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.sub_title.startswith("◉ READ-ONLY") and "profile prod" in app.sub_title, app.sub_title


def test_environment_credentials_with_an_unreadable_profiles_file_can_read_but_not_change(
    cli_on: Any, simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profiles file cannot be read (not TOML): a read-only profile in it could be this account's, so the
    environment's credentials are read-only until it is fixed. Reads work (`status`, `naps list`: refusing them
    locked a headless status check out over a broken file); a change is refused (exit 2), nothing is sent, and the
    refusal names the file's problem and what to do."""
    from supersim_tui.profiles import profiles_path

    path = profiles_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("this is [not toml\n", encoding="utf-8")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", simulator.config.auth_token)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    code, out, err = cli_on("naps", "list")
    assert code == 0 and "uk-ie" in out, err
    code, _, err = cli_on("naps", "rename", "uk-ie", "uk-ie-2", "--yes")
    assert code == 2 and "read-only" in err and "profiles file cannot be read" in err and str(path) in err, err
    assert "fix or move the file" in err, err
    assert simulator.config.auth_token not in err
    assert [r for r in simulator.request_log if r.method in ("POST", "DELETE")] == []


async def test_the_tui_says_why_environment_credentials_are_read_only(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI on the environment's credentials while the profiles file cannot be read: its header says READ-ONLY
    and a notice says why and what to do (the header alone left the person guessing why nothing could be changed).
    For a read-only profile's account the notice names the profile."""
    import argparse

    from supersim_tui.profiles import profiles_path

    from .test_tui_failures import notes

    monkeypatch.setattr(session_module, "make_client", client_maker(simulator))
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", simulator.config.account_sid)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", simulator.config.auth_token)
    monkeypatch.setenv("SUPERSIM_BASE_URL", "http://127.0.0.1")
    path = profiles_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    for content, expected in (("this is [not toml\n", "profiles file cannot be read"), (None, "profile prod")):
        if content is None:
            path.unlink()
            save_for_the_account(simulator, "prod")
        else:
            path.write_text(content, encoding="utf-8")
        args = argparse.Namespace(demo=False, profile=None, base_url=None, read_only=False)
        session = session_module.open_session(args)
        app = SuperSimApp(
            session.client,
            account_label=session.identity,
            mode=session.mode,
            profile_name=session.profile_label,
            mode_reason=session.mode_reason,
        )
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            assert app.sub_title.startswith("◉ READ-ONLY"), app.sub_title
            said = [note for note in notes(app) if note.startswith("Safety mode: Read-only: ")]
            assert len(said) == 1 and expected in said[0], notes(app)
