"""Change commands report the resource the API returned, never the one read before the change: a SIM renamed by
`sims update` is reported under its new name, and a SIM another client renamed between the command's read and
its change is reported as the API returns it. The same for bulk runs (`sims rename`, `set-status`), `fleets
update` and `naps rename`."""

from __future__ import annotations

import json

import httpx
import pytest

from supersim_tui.commands import session as session_module
from supersim_tui.simulator import Simulator, asgi_transport

from .conftest import Run, instant_client


class RenamedElsewhere(httpx.AsyncBaseTransport):
    """The simulator, where another client renames the SIM ``sid`` just before this client's change reaches it."""

    def __init__(self, sim: Simulator, sid: str, name: str) -> None:
        self.inner = asgi_transport(sim)
        self.sim, self.sid, self.name = sim, sid, name

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith(f"/Sims/{self.sid}"):
            self.sim.state.sims[self.sid].unique_name = self.name
        return await self.inner.handle_async_request(request)


def test_sims_update_reports_the_new_name(run: Run, simulator: Simulator) -> None:
    """`sims update SID --unique-name new-name`: stderr says "SIM new-name … updated" (it said the old name);
    --json's sim is the API's reply."""
    sim = next(s for s in simulator.state.sims.values() if s.unique_name)
    old = sim.unique_name or ""
    code, out, err = run("sims", "update", sim.iccid, "--unique-name", "new-name", "--yes")
    assert code == 0, err
    assert sim.unique_name == "new-name"
    updated = [line for line in err.splitlines() if "updated" in line]
    assert updated and "new-name" in updated[-1] and old not in updated[-1], err
    assert out.strip() == sim.sid


def test_sims_update_reports_what_the_api_returned_after_another_clients_rename(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another client renames the SIM between this command's read and its change (of the status): the report
    names the SIM as the API returned it, not as the command read it."""
    from supersim_tui import cli

    sim = next(s for s in simulator.state.sims.values() if s.unique_name and s.status == "active")
    old = sim.unique_name or ""
    transport = RenamedElsewhere(simulator, sim.sid, "renamed-elsewhere")
    monkeypatch.setattr(
        session_module,
        "open_session",
        lambda args: session_module.Session(
            instant_client(simulator, transport=transport, page_size=1000), simulator.config.account_sid, False
        ),
    )
    code = cli.main(["sims", "update", sim.sid, "--status", "inactive", "--yes", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["sim"]["unique_name"] == "renamed-elsewhere"
    updated = [line for line in err.splitlines() if "updated" in line or "scheduled" in line]
    assert updated and "renamed-elsewhere" in updated[-1] and old not in updated[-1], err


def test_bulk_rename_outcomes_name_the_sims_as_renamed(run: Run, simulator: Simulator) -> None:
    """`sims rename ICCID --pattern gate-{n}`: the outcome's label is the name the API returned (it was the old
    name); `set-status` reports the status the API returned."""
    sim = next(s for s in simulator.state.sims.values() if s.unique_name and s.status == "active")
    code, out, err = run("sims", "rename", sim.iccid, "--pattern", "gate-{n}", "--yes", "--json")
    assert code == 0, err
    (outcome,) = json.loads(out)["outcomes"]
    assert (
        outcome["outcome"] == "done"
        and outcome["label"] == sim.unique_name
        and (sim.unique_name or "").startswith("gate-")
    )
    code, out, err = run("sims", "set-status", "inactive", sim.iccid, "--yes", "--json")
    assert code == 0, err
    (outcome,) = json.loads(out)["outcomes"]
    assert outcome["status"] == sim.status == "inactive" and outcome["label"] == sim.unique_name


def test_fleets_update_and_naps_rename_report_the_new_names(run: Run, simulator: Simulator) -> None:
    """`fleets update F --name N` and `naps rename A B` report the new names (from the API's reply)."""
    code, out, err = run("fleets", "update", "eu-trackers", "--name", "eu-trackers-2", "--yes")
    assert code == 0, err
    assert any("eu-trackers-2" in line and "updated" in line for line in err.splitlines()), err
    code, out, err = run("naps", "rename", "uk-ie", "uk-ie-2", "--yes")
    assert code == 0, err
    assert any("renamed to uk-ie-2" in line for line in err.splitlines()), err
