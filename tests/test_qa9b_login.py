"""Signing in with credentials the API refuses (QA round, session 9): the message says what to check and that
nothing was saved, in the CLI and the TUI alike (one sign-in flow), naming the kind of credentials used."""

from __future__ import annotations

import pytest
from textual.widgets import RadioButton

from supersim_tui.connect import Connector
from supersim_tui.profiles import load_profiles
from supersim_tui.signin import SignInError
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.login import LoginScreen

from .conftest import MemoryKeyring, client_maker, demo_simulator
from .test_signin import LOCAL_URL, FrontEnds, front_ends  # noqa: F401 (the fixture)


def test_cli_login_with_a_wrong_token_says_what_to_check(front_ends: FrontEnds) -> None:  # noqa: F811
    """A wrong Auth Token: exit 1, the message names what to check (the Account SID and Auth Token, where to find
    them) and says nothing was saved; the token is not printed and no profile is written. Before, it said only
    "The API refused these credentials (Authenticate)", which leaves a first-time user guessing."""
    sid = front_ends.simulator.config.account_sid
    argv = ["login", "--profile", "work", "--kind", "auth-token", "--identity", sid, "--secret-stdin"]
    code, out, err = front_ends.cli(*argv, stdin="not-the-token\n")
    assert code == 1
    assert "Account SID and Auth Token" in err and "Twilio Console" in err and "nothing was saved" in err, err
    assert "not-the-token" not in out + err
    assert "work" not in load_profiles().profiles


async def test_tui_sign_in_with_a_wrong_api_key_secret_says_what_to_check(front_ends: FrontEnds) -> None:  # noqa: F811
    """The same words through the TUI's sign-in (the Connector), for an API key: the key SID and its secret."""
    connector = Connector(make_client=client_maker(front_ends.simulator))
    with pytest.raises(SignInError) as refused:
        await connector.sign_in(
            profile="work", kind="api_key", identity="SK" + "0" * 32, secret="wrong", base_url=LOCAL_URL
        )
    assert "API key SID and its secret" in str(refused.value) and "nothing was saved" in str(refused.value)


async def test_sign_in_kinds_read_without_colour(isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    """With NO_COLOR=1 the sign-in screen's kind buttons show which kind is chosen: only the chosen one carries
    the ● mark, and it follows the choice. Before, all three showed ● (Textual tells them apart by colour only),
    so a first-time user on a monochrome terminal could not see which credentials were asked for."""
    monkeypatch.setenv("NO_COLOR", "1")
    sim = demo_simulator()
    app = SuperSimApp(None, connector=Connector(make_client=client_maker(sim)), sign_in_reason="No credentials.")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)

        def marked() -> list[str]:
            shown = [str(button.render()) for button in app.screen.query(RadioButton)]
            assert len(shown) == 3
            return [text for text in shown if "●" in text]

        assert len(marked()) == 1 and "Twilio Auth Token" in marked()[0], marked()
        await pilot.click("#api_key")
        await pilot.pause()
        assert len(marked()) == 1 and "API key" in marked()[0], marked()
