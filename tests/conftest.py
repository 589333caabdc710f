"""Shared fixtures. Autouse ones keep the developer's machine out of every test:
temporary config/state dirs, an in-memory keyring, no credentials in the environment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from supersim_tui import cli
from supersim_tui.api import BasicAuth, RetryPolicy, SuperSimClient
from supersim_tui.commands import session as session_module
from supersim_tui.credentials import ENV_VARS
from supersim_tui.simulator import Simulator, SimulatorConfig, asgi_transport

DATA = Path(__file__).parent / "data"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives and dies with one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.store[(service, username)]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in (*ENV_VARS, "KORE_TOKEN_URL"):
        monkeypatch.delenv(name, raising=False)
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


class RecordedSleep:
    """Stands in for asyncio.sleep in retry policies: records each wait, waits no real time."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def make_simulator() -> Callable[..., Simulator]:
    def make(**overrides: Any) -> Simulator:
        settings: dict[str, Any] = {"sims": 60, "settle_seconds": 0.0, "seed": 7}
        settings.update(overrides)
        return Simulator(SimulatorConfig(**settings))

    return make


@pytest.fixture
def simulator(make_simulator: Callable[..., Simulator]) -> Simulator:
    return make_simulator()


@pytest.fixture
def sleeps() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
async def make_client(sleeps: RecordedSleep) -> AsyncIterator[Callable[..., SuperSimClient]]:
    clients: list[SuperSimClient] = []

    def make(sim: Simulator, *, page_size: int = 50, attempts: int = 5, **kwargs: Any) -> SuperSimClient:
        policy = RetryPolicy(attempts=attempts, sleep=sleeps, total_seconds=600)
        client = SuperSimClient(
            BasicAuth(sim.config.account_sid, sim.config.auth_token),
            base_url="http://127.0.0.1",
            transport=asgi_transport(sim),
            retry=policy,
            page_size=page_size,
            **kwargs,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def client(simulator: Simulator, make_client: Callable[..., SuperSimClient]) -> SuperSimClient:
    return make_client(simulator)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no tests is a failure, never a silent pass."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI in-process against the test simulator (instant retries); returns (exit code, stdout, stderr)."""
    simulator.config.settle_seconds = 0.0

    def fake_session(args: object) -> session_module.Session:
        async def no_wait(seconds: float) -> None:
            return None

        client = SuperSimClient(
            BasicAuth(simulator.config.account_sid, simulator.config.auth_token),
            base_url="http://127.0.0.1",
            transport=asgi_transport(simulator),
            page_size=1000,
            retry=RetryPolicy(sleep=no_wait),
        )
        return session_module.Session(client, simulator.config.account_sid, False)

    monkeypatch.setattr(session_module, "open_session", fake_session)

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke
