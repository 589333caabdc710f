"""Profiles, secret storage and lookup order, the headless failure modes, and that a secret never leaks."""

from __future__ import annotations

import io
import json
import stat
import time
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from supersim_tui import cli
from supersim_tui.api import BasicAuth, RetryPolicy, SuperSimClient
from supersim_tui.api.auth import Secret
from supersim_tui.commands import session as session_module
from supersim_tui.credentials import Credentials, CredentialsError, resolve
from supersim_tui.profiles import (
    Profile,
    ProfileFile,
    SecretStoreError,
    load_profiles,
    load_secret,
    profiles_path,
    save_profiles,
    store_secret,
)
from supersim_tui.settings import load_settings, settings_path
from supersim_tui.simulator import Simulator, asgi_transport

from .conftest import MemoryKeyring

SECRET = "s3cr3t-Auth-Token-0451"
CANARY = "leak-canary-" + "7" * 20  # a global, so tracebacks with locals show it only if the product leaks it


def make_profile(name: str = "work", store: str = "keyring", identity: str = "AC" + "1" * 32) -> Profile:
    return Profile(name, "auth_token", identity, "https://supersim.twilio.com", secret_store=store)


def saved(*profiles: Profile, default: str | None = None) -> None:
    save_profiles(ProfileFile(default, {p.name: p for p in profiles}))


# ------------------------------------------------------------------ lookup order
def test_environment_comes_before_profiles(isolated: MemoryKeyring) -> None:
    """Environment credentials win over the default profile; an explicit --profile wins over both."""
    profile = make_profile()
    saved(profile, default="work")
    store_secret(profile, Secret("from-keyring"))
    env = {"TWILIO_ACCOUNT_SID": "AC" + "2" * 32, "TWILIO_AUTH_TOKEN": "from-env"}
    assert resolve(env=env).secret.reveal() == "from-env"
    chosen = resolve(profile="work", env=env)
    assert (chosen.secret.reveal(), chosen.identity) == ("from-keyring", profile.identity)
    assert chosen.source == "profile work"


def test_profile_selection(isolated: MemoryKeyring) -> None:
    """SUPERSIM_PROFILE, then the settings' default_profile, then the file's default pick the profile."""
    a, b = make_profile("a", identity="AC" + "a" * 32), make_profile("b", identity="AC" + "b" * 32)
    saved(a, b, default="a")
    store_secret(a, Secret("secret-a"))
    store_secret(b, Secret("secret-b"))
    assert resolve(env={}).identity == a.identity
    assert resolve(env={}, default_profile="b").identity == b.identity
    assert resolve(env={"SUPERSIM_PROFILE": "b"}).identity == b.identity
    assert resolve(env={"SUPERSIM_BASE_URL": "http://127.0.0.1:9"}).base_url == "http://127.0.0.1:9"


def test_clear_messages_when_nothing_is_usable(isolated: MemoryKeyring) -> None:
    """No profile, an unknown profile, a profile without a secret: each message says what to run."""
    with pytest.raises(CredentialsError, match="supersim-tui login"):
        resolve(env={})
    saved(make_profile())
    with pytest.raises(CredentialsError, match="no profile 'other'.*login --profile other"):
        resolve(profile="other", env={})
    with pytest.raises(CredentialsError, match="no stored secret"):
        resolve(env={})


# ----------------------------------------------------------- headless keyrings
def test_no_keyring_backend(isolated: MemoryKeyring) -> None:
    """With the fail backend (no Secret Service), storing says so instead of silently doing nothing."""
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SecretStoreError, match="no usable keyring"):
        store_secret(make_profile(), Secret(SECRET))


class DroppingKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        return None  # accepted, never kept

    def delete_password(self, service: str, username: str) -> None:
        return None


class HangingKeyring(DroppingKeyring):
    """A locked keyring waiting for an unlock prompt nobody sees."""

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(3)

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(3)
        return None


def test_keyring_that_drops_writes(isolated: MemoryKeyring) -> None:
    """A backend that accepts writes but keeps nothing is caught by reading back."""
    keyring.set_keyring(DroppingKeyring())
    with pytest.raises(SecretStoreError, match="did not keep it"):
        store_secret(make_profile(), Secret(SECRET))


def test_hanging_keyring_times_out(isolated: MemoryKeyring) -> None:
    """A keyring that never answers is given up on after the timeout, with advice."""
    keyring.set_keyring(HangingKeyring())
    started = time.monotonic()
    with pytest.raises(SecretStoreError, match="did not answer within 0.2 s") as caught:
        store_secret(make_profile(), Secret(SECRET), timeout=0.2)
    assert time.monotonic() - started < 2
    assert "--store file" in str(caught.value)
    with pytest.raises(SecretStoreError):
        load_secret(make_profile(), timeout=0.2)


def test_file_store_is_owner_only(isolated: MemoryKeyring) -> None:
    """The explicit file store is created 0600; the profiles file never holds the secret."""
    profile = make_profile(store="file")
    where = store_secret(profile, Secret(SECRET))
    path = Path(where.split()[1])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved(profile)
    assert SECRET not in profiles_path().read_text()
    assert load_secret(profile).reveal() == SECRET  # type: ignore[union-attr]
    path.chmod(0o644)
    with pytest.raises(SecretStoreError, match="chmod 600"):
        load_secret(profile)


# ------------------------------------------------------------------------ login
@pytest.fixture
def against(simulator: Simulator, monkeypatch: pytest.MonkeyPatch) -> Simulator:
    """Point every client the commands build at the in-process simulator."""

    def make(credentials: Credentials) -> SuperSimClient:
        return SuperSimClient(
            credentials.auth(),
            base_url="http://127.0.0.1",
            transport=asgi_transport(simulator),
            retry=RetryPolicy(attempts=1),
        )

    monkeypatch.setattr(session_module, "make_client", make)
    return simulator


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_login_verifies_before_saving(
    against: Simulator, isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong token saves nothing; the right one goes to the keyring, the profile to TOML."""
    sid = against.config.account_sid
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        ["login", "--profile", "work", "--kind", "auth-token", "--identity", sid, "--secret-stdin"],
        "wrong-token\n",
    )
    assert code == 1 and "nothing was saved" in err
    assert isolated.store == {} and not profiles_path().exists()

    token = against.config.auth_token
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        ["login", "--profile", "work", "--kind", "auth-token", "--identity", sid, "--secret-stdin"],
        token + "\n",
    )
    assert code == 0 and "system keyring" in err
    assert isolated.store == {("supersim-tui:work", sid): token}
    assert token not in profiles_path().read_text()
    assert load_profiles().default == "work"
    code, out, _ = run_cli(monkeypatch, capsys, ["fleets", "list"])  # uses the stored profile
    assert code == 0 and "eu-trackers" in out

    code, out, _ = run_cli(monkeypatch, capsys, ["profiles", "--json"])
    listed = json.loads(out)
    assert listed["active"] == "work" and listed["profiles"][0]["identity"] == sid and token not in out

    code, _, err = run_cli(monkeypatch, capsys, ["logout", "--profile", "work"])
    assert code == 0 and isolated.store == {}


def test_login_without_keyring_refuses_silent_plaintext(
    against: Simulator, isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No keyring and no terminal to ask: nothing is saved, and the options are explained."""
    keyring.set_keyring(fail.Keyring())
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        ["login", "--kind", "auth-token", "--identity", against.config.account_sid, "--secret-stdin"],
        against.config.auth_token + "\n",
    )
    assert code == 1 and "--store file" in err and "Nothing was saved" in err
    assert not profiles_path().exists()
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        [
            "login",
            "--kind",
            "auth-token",
            "--identity",
            against.config.account_sid,
            "--secret-stdin",
            "--store",
            "file",
        ],
        against.config.auth_token + "\n",
    )
    assert code == 0 and "readable only by you" in err


# ---------------------------------------------------------------------- settings
def test_settings_validation_names_file_key_and_expectation(isolated: MemoryKeyring) -> None:
    """Bad values are reported precisely and fall back to defaults; good ones apply."""
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'concurrency = 500\nconfirm = "sometimes"\ntheme = "nord"\ncolour = 1\n[keymap]\n"tab.sims" = "s"\n'
    )
    settings = load_settings()
    assert settings.concurrency == 100 and settings.confirm == "always"
    assert settings.theme == "nord" and settings.keymap == {"tab.sims": "s"}
    text = "\n".join(settings.problems)
    assert f"{path}: concurrency = 500 is invalid: expected a whole number from 1 to 256" in text
    assert "confirm = 'sometimes'" in text and "unknown key 'colour'" in text
    path.write_text("concurrency = [")
    assert "not valid TOML" in load_settings().problems[0]


# ------------------------------------------------------------------------- leaks
def test_secret_never_leaks(
    against: Simulator,
    isolated: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Login, a refused call, the profiles list and a crash traceback never show the secret."""
    import traceback

    against.config.auth_token = CANARY
    outputs: list[str] = []
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        ["login", "--profile", "p", "--kind", "auth-token", "--identity", against.config.account_sid, "--secret-stdin"],
        CANARY + "\n",
    )
    assert code == 0
    outputs += [out, err]
    for argv in (["profiles"], ["profiles", "--json"], ["status", "--json"]):
        outputs += list(run_cli(monkeypatch, capsys, argv)[1:])
    against.config.auth_token = "rotated"  # now the stored secret is refused
    code, out, err = run_cli(monkeypatch, capsys, ["fleets", "list"])
    assert code == 1 and "Authenticate" in err
    outputs += [out, err]

    credentials = resolve(env={})
    try:

        def crash(creds: Credentials) -> None:
            auth = creds.auth()
            raise RuntimeError(f"boom with {creds!r} and {auth!r}")

        crash(credentials)
    except RuntimeError:
        outputs.append(traceback.format_exc())
        from rich.console import Console
        from rich.traceback import Traceback

        console = Console(record=True, width=200, file=io.StringIO())
        console.print(Traceback(show_locals=True))
        outputs.append(console.export_text())
    files = [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file() and "secrets" not in p.parts]
    assert not [o for o in outputs + files if CANARY in o]
    assert any("********" in o for o in outputs)


def test_credentials_repr_is_masked() -> None:
    """repr of credentials and auth objects shows no secret."""
    creds = Credentials("auth_token", "AC1", Secret(SECRET))
    assert SECRET not in repr(creds) and SECRET not in repr(creds.auth())
    assert SECRET not in repr(BasicAuth("AC1", SECRET))


def test_profiles_lists_as_csv_jsonl_and_chosen_fields(
    isolated: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``profiles`` lists like every other listing: --csv with a header, --jsonl an object a line, --fields picks
    columns, and a wrong field is exit 2 naming the valid ones; no secret in any of them."""
    import csv
    import io

    profiles = {
        name: Profile(name, "auth_token", "AC" + c * 32, "https://supersim.twilio.com")
        for name, c in (("work", "1"), ("lab", "2"))
    }
    save_profiles(ProfileFile("work", profiles))
    code, out, _ = run_cli(monkeypatch, capsys, ["profiles", "--csv"])
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["name"] for r in rows] == ["work", "lab"] and rows[0]["active"] == "True"
    code, out, _ = run_cli(monkeypatch, capsys, ["profiles", "--jsonl", "--fields", "name,identity"])
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"name": "work", "identity": "AC" + "1" * 32},
        {"name": "lab", "identity": "AC" + "2" * 32},
    ]
    code, _, err = run_cli(monkeypatch, capsys, ["profiles", "--csv", "--fields", "name,secret"])
    assert code == 2 and "'secret' is not a field of profiles" in err and "identity" in err
