"""The official twilio-python library, pointed at the same simulator over loopback, sees exactly what each new
change command (fleets create|update, naps create|rename|clone|add-network|remove-network, sims update)
reported: an independent client confirms the CLI's JSON is the API's truth."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator

import pytest
from twilio.rest import Client

from supersim_tui.simulator import Simulator
from supersim_tui.simulator.server import serve

from .conftest import Run


@pytest.fixture
def twilio(simulator: Simulator) -> Iterator[Client]:
    """twilio-python on the test's simulator, served on 127.0.0.1 from a thread (requests never overlap the
    CLI's: each command has finished before twilio-python reads)."""
    ready = threading.Event()
    urls: list[str] = []
    loop = asyncio.new_event_loop()

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    task_box: list[asyncio.Task[None]] = []

    def main() -> None:
        asyncio.set_event_loop(loop)
        task_box.append(loop.create_task(serve(simulator, "127.0.0.1", 0, on_ready)))
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task_box[0])

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    assert ready.wait(10)
    client = Client(simulator.config.account_sid, simulator.config.auth_token)
    client.supersim.base_url = urls[0]
    yield client
    loop.call_soon_threadsafe(task_box[0].cancel)
    thread.join(10)


def test_twilio_python_sees_what_the_cli_did(run: Run, simulator: Simulator, twilio: Client) -> None:
    """Each new command's JSON result matches the resource as twilio-python fetches it afterwards."""
    v1 = twilio.supersim.v1
    code, out, err = run(
        "fleets", "create", "--nap", "us-only", "--name", "tw-lab", "--no-data-enabled", "--sms-commands-url",
        "https://example.com/sms", "--ip-commands-method", "GET", "--yes", "--json",
    )  # fmt: skip
    assert code == 0, err
    made = json.loads(out)["fleet"]
    fetched = v1.fleets(made["sid"]).fetch()
    assert (fetched.unique_name, fetched.data_enabled, fetched.sms_commands_url, fetched.ip_commands_method) == (
        made["unique_name"], False, "https://example.com/sms", "GET"
    )  # fmt: skip

    code, out, err = run("fleets", "update", "tw-lab", "--data-limit", "321", "--name", "tw-lab2", "--yes", "--json")
    assert code == 0, err
    fetched = v1.fleets(made["sid"]).fetch()
    assert (fetched.unique_name, fetched.data_limit) == ("tw-lab2", 321) == (
        json.loads(out)["fleet"]["unique_name"], json.loads(out)["fleet"]["data_limit"]
    )  # fmt: skip

    code, out, err = run("naps", "create", "tw-nap", "262-01", "Vodafone ES", "--yes", "--json")
    assert code == 0, err
    nap_sid = json.loads(out)["network_access_profile"]["sid"]
    listed = {n.sid for n in v1.network_access_profiles(nap_sid).networks.list()}
    assert listed == {n["sid"] for n in json.loads(out)["networks"]}

    code, out, err = run("naps", "clone", "tw-nap", "tw-clone", "--yes", "--json")
    clone_sid = json.loads(out)["network_access_profile"]["sid"]
    assert {n.sid for n in v1.network_access_profiles(clone_sid).networks.list()} == listed

    code, out, err = run("naps", "rename", "tw-clone", "tw-renamed", "--yes", "--json")
    assert code == 0 and v1.network_access_profiles(clone_sid).fetch().unique_name == "tw-renamed"

    code, out, err = run("naps", "add-network", "tw-nap", "208-01", "310-410", "--yes", "--json")
    assert code == 0, err
    added = {r["sid"] for r in json.loads(out)["networks"] if r["outcome"] == "done"}
    now = {n.sid for n in v1.network_access_profiles(nap_sid).networks.list()}
    assert added <= now and len(now) == len(listed) + 2

    code, out, err = run("naps", "remove-network", "tw-nap", "262-01", "--yes", "--json")
    removed = {r["sid"] for r in json.loads(out)["networks"] if r["outcome"] == "done"}
    assert removed and not removed & {n.sid for n in v1.network_access_profiles(nap_sid).networks.list()}

    sim = next(s for s in simulator.state.sims.values() if s.status == "new" and s.fleet_sid is None)
    code, out, err = run("sims", "update", sim.sid, "--unique-name", "tw-sim", "--fleet", "tw-lab2", "--yes", "--json")
    assert code == 0, err
    fetched_sim = v1.sims(sim.sid).fetch()
    result = json.loads(out)["sim"]
    assert (fetched_sim.unique_name, fetched_sim.fleet_sid) == (result["unique_name"], result["fleet_sid"])
    assert fetched_sim.fleet_sid == made["sid"]
