"""Shared fixtures and helpers. Autouse ones keep the developer's machine out of every test:
temporary config/state dirs, an in-memory keyring, no credentials in the environment.

Helpers used by several test files live here (import them from ``.conftest``): the demo simulator and
an app on it (``demo_simulator``, ``build_app``), a client maker for the Connector (``client_maker``), and
the waits for a running app (``settle``, ``until``, ``settle_registrations``)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from textual.pilot import Pilot
from textual.widgets import Input, TextArea
from textual.worker import WorkerFailed

from supersim_tui import cli
from supersim_tui.api import BasicAuth, RetryPolicy, SuperSimClient
from supersim_tui.commands import session as session_module
from supersim_tui.credentials import ENV_VARS, Credentials
from supersim_tui.simulator import Simulator, SimulatorConfig, asgi_transport

if TYPE_CHECKING:
    from supersim_tui.ops.register_queue import RegistrationQueue
    from supersim_tui.tui.app import SuperSimApp
    from supersim_tui.tui.nap_compare import NapCompareScreen

DATA = Path(__file__).parent / "data"
FIXED_EPOCH = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives and dies with one test."""

    priority = 1

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
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
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


@pytest.fixture
def still_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text fields' cursors do not blink: a focused field shows its cursor, steadily, so a picture of the
    screen does not depend on how long it took to get there (a CI run under load once caught the blink)."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool], still_cursors: None) -> Callable[..., bool]:
    """pytest-textual-snapshot's snap_compare, with still cursors."""
    return snap_compare


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


def pytest_configure(config: pytest.Config) -> None:
    """The cyclic garbage collector runs after 50,000 allocations instead of 700: a test session holds every test
    module, simulator and finished app, so each full pass walks a large heap, and TUI tests allocate a great many
    short-lived objects (strips, segments) that trigger passes. Measured: ~18% less time over the TUI tests.
    Cycles are still collected, less often; nothing in the tests relies on when."""
    gc.set_threshold(50_000, 20, 100)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no tests is a failure, never a silent pass."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


async def no_wait(seconds: float) -> None:
    """A retry policy's sleep in tests: retry at once."""


def instant_client(
    sim: Simulator,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    attempts: int = RetryPolicy.attempts,
    page_size: int = 50,
    base_url: str = "http://127.0.0.1",
) -> SuperSimClient:
    """A client signed in to ``sim`` (in-process, or through ``transport`` wrapping it) that retries at once."""
    return SuperSimClient(
        BasicAuth(sim.config.account_sid, sim.config.auth_token),
        base_url=base_url,
        transport=transport or asgi_transport(sim),
        page_size=page_size,
        retry=RetryPolicy(attempts=attempts, sleep=no_wait),
    )


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI in-process against the test simulator (instant retries); returns (exit code, stdout, stderr)."""
    simulator.config.settle_seconds = 0.0

    def fake_session(args: object) -> session_module.Session:
        return session_module.Session(instant_client(simulator, page_size=1000), simulator.config.account_sid, False)

    monkeypatch.setattr(session_module, "open_session", fake_session)

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


# ---------------------------------------------------------------- the TUI on the demo simulator
def demo_simulator(**overrides: Any) -> Simulator:
    """The simulator the TUI tests and snapshots use: 300 SIMs, seed 1, a fixed clock."""
    settings: dict[str, Any] = {"sims": 300, "seed": 1, "epoch": FIXED_EPOCH}
    settings.update(overrides)
    return Simulator(SimulatorConfig(**settings))


def build_app(sim: Simulator, attempts: int = 3) -> SuperSimApp:
    """The App on ``sim`` (in-process), retrying without waiting."""
    from supersim_tui.tui.app import SuperSimApp

    return SuperSimApp(instant_client(sim, attempts=attempts), account_label="demo account (simulator)")


def client_maker(sim: Simulator) -> Callable[[Credentials], SuperSimClient]:
    """A ``make_client`` for the Connector (or the CLI's session) whose clients talk to ``sim``, one try each."""

    def make(credentials: Credentials) -> SuperSimClient:
        return SuperSimClient(
            credentials.auth(),
            base_url="http://127.0.0.1",
            transport=asgi_transport(sim),
            retry=RetryPolicy(attempts=1),
        )

    return make


async def settle(pilot: Pilot[Any], *, failures_expected: bool = False) -> None:
    """Let every worker finish, then let the screen update, its footer showing the keys that apply (bounded:
    under load a footer rebuild can lag a few turns behind a focus move). A worker that failed fails the test,
    unless ``failures_expected`` (then what the user sees of the failure is what the test checks)."""
    from supersim_tui.tui.footer import KeysFooter

    for _ in range(20 if failures_expected else 1):
        try:
            await pilot.app.workers.wait_for_complete()
            break
        except WorkerFailed:
            if not failures_expected:
                raise
    await pilot.pause()
    for _ in range(100):
        footers = pilot.app.screen.query(KeysFooter)
        if all(footer.shows_current_keys() for footer in footers):
            break
        await pilot.pause(0.02)
    await pilot.pause()


async def open_nap_compare(pilot: Pilot[Any], a_name: str, b_name: str) -> NapCompareScreen:
    """The NAP compare view of the NAPs named ``a_name`` (A) and ``b_name`` (B), opened and settled."""
    from supersim_tui.tui.app import SuperSimApp
    from supersim_tui.tui.nap_compare import NapCompareScreen

    app = pilot.app
    assert isinstance(app, SuperSimApp)
    await settle(pilot)
    naps = await app.client.list_naps().collect()
    a = next(n for n in naps if n.unique_name == a_name)
    b = next(n for n in naps if n.unique_name == b_name)
    screen = NapCompareScreen(app.client, a, naps, b)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


async def until(pilot: Pilot[Any], condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Let the app run until ``condition`` holds (bounded: fails after ``seconds``)."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached in time")


async def settle_registrations(pilot: Pilot[Any], queue: RegistrationQueue, count: int) -> None:
    """Wait (bounded) until ``count`` entries have a final outcome; the queue worker runs forever."""
    for _ in range(200):
        if sum(1 for e in queue.entries.values() if e.final) >= count:
            break
        await pilot.pause(0.02)
    await pilot.pause()
