"""Safe changes (issue 15): consent in proportion to the harm, a stop stays a stop, plans on current state,
one vocabulary with counts that add up, and the read-only / protected / open safety modes.

Every TUI test drives the app with keys and asserts on what the simulator received and holds."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Input

from supersim_tui import cli
from supersim_tui.api import BasicAuth, RetryPolicy, Sim, SuperSimClient
from supersim_tui.commands import session as session_module
from supersim_tui.ops.bulk import OUTCOMES, Progress
from supersim_tui.ops.consent import CONFIRM, HANDFUL, NONE, REFUSED, TYPED, consent_for
from supersim_tui.ops.nap_impact import NetworkChange, apply_nap_changes
from supersim_tui.ops.outcomes import Outcome
from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.bulk import BulkRunScreen
from supersim_tui.tui.catalog import CatalogScreen
from supersim_tui.tui.consent import TypedConfirm
from supersim_tui.tui.dialogs import Confirm
from supersim_tui.tui.nap_review import ConfirmNapChanges
from supersim_tui.tui.sims_pane import SimsPane
from supersim_tui.tui.vtable import VirtualTable

from .conftest import demo_simulator, instant_client, settle, until
from .test_tui_bursts import burst
from .test_tui_naps import filter_to, open_nap
from .test_tui_sims import choose, confirm_text, finished_run, plain

Run = Callable[..., tuple[int, str, str]]


def make_app(sim: Simulator, *, mode: str = "open", read_only: bool = False, concurrency: int = 16) -> SuperSimApp:
    async def no_wait(seconds: float) -> None:
        return None

    client = SuperSimClient(
        BasicAuth(sim.config.account_sid, sim.config.auth_token),
        base_url="http://127.0.0.1",
        transport=asgi_transport(sim),
        retry=RetryPolicy(attempts=3, sleep=no_wait),
    )
    app = SuperSimApp(client, account_label="AC…0001", mode=mode, profile_name="work", read_only=read_only)
    app.settings.concurrency = concurrency
    return app


def posts(sim: Simulator) -> list[str]:
    return [r.path for r in sim.request_log if r.method == "POST"]


async def deactivate_every_active_sim(pilot: Pilot[None], app: SuperSimApp) -> tuple[SimsPane, dict[str, Sim]]:
    """Every active SIM marked on the SIMs tab, then set status → inactive: the question it asks is on screen."""
    await settle(pilot)
    await pilot.press("3")
    pane = app.query_one(SimsPane)
    active = {s.sid: s for s in await app.client.list_sims(status="active").collect()}
    pane.set_marks(active)
    await pilot.press("s")
    await choose(pilot, "inactive")
    return pane, active


async def test_keys_typed_with_the_answer_to_a_consent_dialog_are_dropped_and_said() -> None:
    """Enter, Space, Enter in one burst on the typed question of a mass deactivation (Cancel focused): Enter
    cancels; the Space and Enter typed with it were typed before the user could see the screen beneath, so they
    are dropped (before, the Space unmarked a SIM and the Enter opened one), and the user is told so."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, active = await deactivate_every_active_sim(pilot, app)
        assert isinstance(app.screen, TypedConfirm)
        await burst(pilot, app, "\r \r")
        assert not isinstance(app.screen, (TypedConfirm, BulkRunScreen)), type(app.screen)
        assert app.screen is pane.screen, "Enter opened a SIM"
        assert len(pane.marks) == len(active), "Space changed the marks"
        assert posts(sim) == []
        assert any("2 keys were typed with the answer and ignored" in n.message for n in app._notifications)


# ------------------------------------------------------------------ the rule
def test_consent_grows_with_the_harm() -> None:
    """Deactivating more than a handful of SIMs is typed (the number of SIMs); a handful, or a change that
    cannot cut service, is a yes/no; nothing to send asks nothing; protected types every change; read-only
    refuses every change."""
    many = consent_for(sims=HANDFUL + 1, cuts_service=True)
    assert many.level == TYPED and many.phrase == str(HANDFUL + 1) and many.cuts_service
    assert many.matches(f" {HANDFUL + 1:,} ") and not many.matches("y") and not many.matches("")
    assert consent_for(sims=HANDFUL, cuts_service=True).level == CONFIRM
    assert consent_for(sims=14_954, cuts_service=False).level == CONFIRM
    assert consent_for(sims=0, cuts_service=False).level == NONE
    assert consent_for(sims=1, cuts_service=False, mode="protected").level == TYPED
    assert consent_for(sims=1, cuts_service=False, mode="read-only").level == REFUSED
    assert consent_for(sims=30, cuts_service=True, phrase="global-nap").phrase == "global-nap"


# ---------------------------------------------------------------------- CLI
@pytest.fixture
def run(simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Run the CLI against the test simulator, with ``stdin`` text typed on a (pretend) terminal."""
    simulator.config.settle_seconds = 0.0
    profile_modes = {"prod": "protected"}  # --profile prod: a protected profile

    def fake_session(args: argparse.Namespace) -> session_module.Session:
        client = instant_client(simulator, page_size=1000)
        mode = "read-only" if getattr(args, "read_only", False) else profile_modes.get(str(args.profile), "open")
        return session_module.Session(client, simulator.config.account_sid, False, mode)

    monkeypatch.setattr(session_module, "open_session", fake_session)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def invoke(*argv: str, typed: str | None = None) -> tuple[int, str, str]:
        if typed is not None:
            monkeypatch.setattr("sys.stdin", Terminal(typed))
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_cli_mass_deactivation_asks_for_the_number_on_a_terminal(run: Run, simulator: Simulator) -> None:
    """On a terminal, deactivating more than a handful of SIMs asks to type their number: `y` cancels and
    sends nothing (exit 2); typing the number changes them all."""
    active = [s.sid for s in simulator.state.sims.values() if s.status == "active"]
    assert len(active) > HANDFUL
    code, _, err = run("sims", "set-status", "inactive", "--from-status", "active", typed="y\n")
    assert code == 2 and f"type {len(active)}" in err and "nothing was changed" in err
    assert posts(simulator) == []
    code, _, err = run("sims", "set-status", "inactive", "--from-status", "active", typed=f"{len(active)}\n")
    assert code == 0, err
    assert {simulator.state.sims[sid].status for sid in active} == {"inactive"}


def test_cli_protected_profile_types_even_one_sim(run: Run, simulator: Simulator) -> None:
    """In a protected profile, activating one SIM on a terminal asks to type 1: `y` sends nothing (exit 2)."""
    sim = next(s for s in simulator.state.sims.values() if s.status == "inactive")
    code, _, err = run("sims", "activate", sim.iccid, "--profile", "prod", typed="y\n")
    assert code == 2 and "protected" in err and "type 1" in err
    assert posts(simulator) == []
    code, _, err = run("sims", "activate", sim.iccid, "--profile", "prod", typed="1\n")
    assert code == 0, err
    assert simulator.state.sims[sim.sid].status == "active"


def test_cli_read_only_refuses_changes_and_sends_nothing(run: Run, simulator: Simulator) -> None:
    """`--read-only` refuses `sims activate` (even with --yes): exit 2, the simulator receives no request at all;
    reading still works."""
    code, _, err = run("sims", "activate", "--from-status", "new", "--fleet", "eu-trackers", "--yes", "--read-only")
    assert code == 2 and "read-only" in err and "nothing was sent" in err
    assert simulator.request_log == []
    code, out, _ = run("--read-only", "sims", "list", "--limit", "3", "--json")
    assert code == 0 and len(json.loads(out)) == 3


# ---------------------------------------------------------------------- TUI
async def stop_after(pilot: Pilot[None], done: int) -> None:
    """Once the run on screen has ``done`` SIMs accepted, stop it as Esc does (at a fixed point, not a race)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, BulkRunScreen) and pilot.app.screen.runner is not None)
    screen = pilot.app.screen
    assert isinstance(screen, BulkRunScreen) and screen.runner is not None
    runner, report = screen.runner, screen.runner.on_progress

    def progress(p: Progress) -> None:
        if report is not None:
            report(p)
        if p.done + p.waiting >= done:  # sent and accepted (asynchronous changes are followed afterwards)
            screen.action_stop()

    runner.on_progress = progress


async def _mark_all(pilot: Pilot[None], app: SuperSimApp) -> None:
    await settle(pilot)
    await pilot.press("3", "a")
    await until(pilot, lambda: isinstance(app.screen, Confirm))
    await pilot.press("y")
    await pilot.pause()


async def test_stop_then_retry_asks_again_and_replans_on_current_state() -> None:
    """Deactivating every active SIM asks to type their number (Cancel focused; y and Enter do nothing); Esc
    stops the run; t does not send: it reads the SIMs again (one changed meanwhile is now skipped) and asks
    the typed question again; cancelling it sends nothing more."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    active = {s.sid for s in sim.state.sims.values() if s.status == "active"}
    assert len(active) > HANDFUL + 20
    app = make_app(sim, concurrency=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        sim.config.latency_ms = 60  # loaded: from here the API is slow, so the run can be stopped
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.set_marks({s.sid: s for s in await app.client.list_sims(status="active").collect()})
        await pilot.press("s")
        await choose(pilot, "inactive")
        dialog = app.screen
        assert isinstance(dialog, TypedConfirm), type(dialog)
        assert isinstance(app.focused, Button) and app.focused.id == "no"
        assert f"type  {len(active)} " in plain(dialog.query_one("#typed-prompt").render())
        await pilot.press("y", "enter")  # neither confirms: Enter on Cancel cancels
        await pilot.pause()
        assert not isinstance(app.screen, BulkRunScreen) and posts(sim) == []

        await pilot.press("s")
        await choose(pilot, "inactive")
        dialog = app.screen
        assert isinstance(dialog, TypedConfirm)
        dialog.query_one(Input).focus()
        await pilot.pause()
        await pilot.press(*str(len(active)))
        assert dialog.query_one(Input).value == str(len(active)), (dialog.query_one(Input).value, app.screen)
        await pilot.press("enter")
        await stop_after(pilot, 3)
        screen = await finished_run(pilot)
        assert screen.result is not None and screen.result.cancelled
        sent = len(posts(sim))
        unchanged = [sid for sid in active if sim.state.sims[sid].status == "active"]
        assert unchanged
        sim.state.update_sim(unchanged[0], {"Status": "inactive"})  # changed elsewhere meanwhile

        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, (TypedConfirm, Confirm)))
        retry = app.screen
        assert isinstance(retry, TypedConfirm), "a retry of a mass deactivation asks to type, like a new run"
        text = plain(retry.body)
        assert f"{len(unchanged) - 1} will be changed" in text and "1 × already inactive" in text
        await pilot.press("enter")  # Cancel is focused
        await pilot.pause()
        assert app.screen is screen and len(posts(sim)) == sent  # nothing more was sent
        assert sum(1 for sid in active if sim.state.sims[sid].status == "active") == len(unchanged) - 1


async def test_stale_marks_are_replanned_on_current_state() -> None:
    """Mark 5 new SIMs, make 2 of them active elsewhere, ask for ready: the plan is made on the state now (3 to
    change, 2 that cannot go back to ready), not on the marks' old state."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    new = [s for s in sim.state.sims.values() if s.status == "new"][:5]
    assert len(new) == 5
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        fresh = {s.sid: s for s in await app.client.list_sims(status="new").collect()}
        pane.set_marks({s.sid: fresh[s.sid] for s in new})
        for record in new[:2]:
            sim.state.update_sim(
                record.sid,
                {"Status": "active", **({} if record.fleet_sid else {"Fleet": next(iter(sim.state.fleets))})},
            )
        await pilot.press("s")
        await choose(pilot, "ready")
        text = confirm_text(app)
        assert "3 will be changed" in text and "2 × ready is only possible from new" in text, text


async def test_counts_agree_across_progress_results_and_csv(tmp_path: Path) -> None:
    """After a stop, the progress line, the results heading and the CSV export give the same count for every
    outcome, in the same words; never-sent SIMs are "not-sent", not failed, and the bar is not full."""
    sim = demo_simulator(sims=200, settle_seconds=0)
    app = make_app(sim, concurrency=1)
    app.export_dir = tmp_path
    async with app.run_test(size=(120, 36)) as pilot:
        await _mark_all(pilot, app)
        sim.config.latency_ms = 60  # loaded: from here the API is slow, so the run can be stopped
        await pilot.press("s")
        await choose(pilot, "active")
        await pilot.press("y")
        await stop_after(pilot, 5)
        screen = await finished_run(pilot)
        assert screen.result is not None
        counts = Counter(o.outcome for o in screen.result.outcomes)
        assert counts[Outcome.NOT_SENT] and not counts[Outcome.FAILED], counts
        heading = plain(screen.query_one("#bulk-title").render())
        stats = plain(screen.query_one("#bulk-stats").render())
        for outcome, count in counts.items():
            assert f"{count:,} {outcome}" in heading, (outcome, heading)
            assert f"{outcome} {count:,}" in stats, (outcome, stats)
        bar = screen.query_one("#bulk-bar")
        assert bar.progress < bar.total  # type: ignore[attr-defined]
        await pilot.press("e")
        await until(pilot, lambda: screen.exported is not None)
        assert screen.exported is not None
        rows = list(csv.DictReader(screen.exported.open(encoding="utf-8")))
        assert Counter(r["outcome"] for r in rows) == counts
        assert set(counts) <= set(OUTCOMES)


async def test_read_only_hides_and_refuses_changes() -> None:
    """A read-only profile: the change keys are not in the footer and do nothing; the header says READ-ONLY;
    nothing is sent."""
    sim = demo_simulator(sims=100, settle_seconds=0)
    app = make_app(sim, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "READ-ONLY" in app.sub_title and "profile work" in app.sub_title
        await pilot.press("3", "space", "s", "m")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        keys = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert not keys & {"bulk_status", "bulk_move", "new_fleet", "register_sims"}
        await pilot.press("1", "n")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
    assert posts(sim) == []


async def test_protected_asks_to_type_even_for_one_sim() -> None:
    """A protected profile asks for the typed confirmation on every change, even activating one SIM."""
    sim = demo_simulator(sims=100, settle_seconds=0)
    ready = next(s for s in sim.state.sims.values() if s.status == "inactive")
    app = make_app(sim, mode="protected")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "PROTECTED" in app.sub_title
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.set_marks({ready.sid: await app.client.fetch_sim(ready.sid)})
        await pilot.press("s")
        await choose(pilot, "active")
        dialog = app.screen
        assert isinstance(dialog, TypedConfirm) and dialog.consent.phrase == "1"
        await pilot.press("y", "enter")
        await pilot.pause()
        assert posts(sim) == []


# ---------------------------------------------------------------- NAP changes
async def test_removing_every_network_opens_on_cancel_and_needs_the_nap_name() -> None:
    """Removing all of a NAP's networks (its fleets' SIMs would lose service): the review opens with Cancel
    focused, Enter there cancels, Apply stays disabled until the NAP's name is typed; then it applies."""
    sim = demo_simulator()
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    before = list(nap.network_sids)
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_nap(pilot, "us-only")
        await filter_to(pilot, screen, "united states")
        for _ in range(screen.query_one("#catalog-table", VirtualTable).row_count):
            await pilot.press("space", "down")
        await pilot.press("a")
        await settle(pilot)
        dialog: Screen[Any] = app.screen
        assert isinstance(dialog, ConfirmNapChanges)
        assert isinstance(app.focused, Button) and app.focused.id == "cancel"
        assert dialog.query_one("#apply", Button).disabled
        assert "us-only" in plain(dialog.query_one("#typed-prompt").render())
        await pilot.press("enter")  # on Cancel
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen) and nap.network_sids == before

        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmNapChanges)
        dialog.query_one("#typed-answer", Input).focus()
        await pilot.press(*"us-onl")
        assert dialog.query_one("#apply", Button).disabled
        await pilot.press("enter")  # not the name yet: nothing is applied
        await settle(pilot)
        assert nap.network_sids == before
        await pilot.press("y", "enter")
        await settle(pilot)
    assert nap.network_sids == []


async def test_double_enter_on_apply_sends_each_network_once() -> None:
    """With a slow API, Enter on Apply then Enter again (and Esc) while it applies: each network is sent once,
    the dialog stays until it is done and then lists every change; applying an already allowed network again
    counts as done ("already there"), not as an error."""
    sim = demo_simulator()
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_nap(pilot, "us-only")
        for plmn in ("262-01", "262-02", "262-03"):
            await filter_to(pilot, screen, plmn)
            await pilot.press("space")
        await pilot.press("a")
        await until(
            pilot,
            lambda: isinstance(app.screen, ConfirmNapChanges) and not app.screen.query_one("#apply", Button).disabled,
        )
        assert isinstance(app.screen, ConfirmNapChanges)
        dialog = app.screen
        sim.config.latency_ms = 150  # a slow API while it applies
        await pilot.press("enter")  # Apply has the focus (nothing is cut off)
        await pilot.press("enter", "escape", "enter")
        assert app.screen is dialog
        await until(pilot, lambda: dialog.outcomes is not None)
        adds = [r for r in sim.request_log if r.method == "POST" and r.path.endswith("/Networks")]
        assert len(adds) == 3
        assert "✓ Add Telekom DE (262-01)" in plain(dialog.query_one("#confirm-impact").render())
        telekom = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("262", "01"))
        network = next(n for n in await app.client.list_networks(page_size=1000).collect() if n.sid == telekom)
        (again,) = await apply_nap_changes(app.client, nap.sid, [NetworkChange(network, True)])
        assert again.ok and again.already


async def test_move_to_a_fleet_on_another_nap_shows_coverage_gained_and_lost() -> None:
    """Moving SIMs to a fleet whose NAP differs: the confirmation lists the networks and countries gained and
    lost, before anything is sent."""
    sim = demo_simulator(sims=100, settle_seconds=0)
    state = sim.state
    global_fleet = next(f for f in state.fleets.values() if f.unique_name == "field-sensors")
    apac = next(f for f in state.fleets.values() if f.unique_name == "apac-kiosks")
    assert global_fleet.network_access_profile_sid != apac.network_access_profile_sid
    moving = [s.sid for s in state.sims.values() if s.fleet_sid == global_fleet.sid and s.status != "scheduled"][:3]
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.set_marks({sid: await app.client.fetch_sim(sid) for sid in moving})
        await pilot.press("m")
        await choose(pilot, apac.sid)
        text = confirm_text(app)
        assert "3 SIMs move from NAP" in text and "lose" in text and "countries lost" in text, text
    assert posts(sim) == []


async def test_staged_changes_are_never_discarded_silently() -> None:
    """With networks staged, Esc asks (Cancel focused: Enter keeps them), ctrl+q asks too; U undoes every staged
    change at once, after which Esc closes without asking. Nothing is sent."""
    sim = demo_simulator()
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = await open_nap(pilot, "us-only")
        for plmn in ("262-01", "262-02"):
            await filter_to(pilot, screen, plmn)
            await pilot.press("space")
        assert len(screen.staged) == 2
        screen.query_one("#catalog-filter", Input).focus()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(confirm := app.screen, Confirm), confirm  # (not narrowing app.screen for the check below)
        assert isinstance(app.focused, Button) and app.focused.id == "no"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and len(screen.staged) == 2
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and "2 staged" in plain(app.screen.body)
        await pilot.press("escape")
        await pilot.pause()
        screen.query_one("#catalog-table", VirtualTable).focus()
        await pilot.press("U")
        await pilot.pause()
        assert screen.staged == {}
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (CatalogScreen, Confirm))
    assert posts(sim) == []


# ------------------------------------------------------------------ pictures
def _typed_dialog_app() -> SuperSimApp:
    return make_app(demo_simulator(settle_seconds=0))


def test_snapshot_typed_confirmation(snap_compare: Callable[..., bool]) -> None:
    """The typed confirmation for deactivating many SIMs: plan, warning, the number to type, Cancel focused."""
    app = _typed_dialog_app()

    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.set_marks({s.sid: s for s in await app.client.list_sims(status="active").collect()})
        await pilot.press("s")
        await choose(pilot, "inactive")
        assert isinstance(app.screen, TypedConfirm)

    assert snap_compare(app, terminal_size=(120, 36), run_before=before)


@pytest.mark.parametrize("mode", ["read-only", "protected", "open"])
def test_snapshot_header_in_each_mode(snap_compare: Callable[..., bool], mode: str) -> None:
    """The header names the profile, the account and the mode, in words and in colour."""
    app = make_app(demo_simulator(settle_seconds=0), mode=mode)

    async def before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 12), run_before=before)


async def test_the_header_at_80_columns_names_the_mode_the_account_and_the_screen() -> None:
    """At 80 columns a SIM's details say in the top line which mode, which account and which SIM (Textual's
    Header left its title 62 columns and cut the SIM's name)."""
    from supersim_tui.tui.sim_detail import SimDetailScreen

    from .test_qa9 import screen_text

    sim = demo_simulator(settle_seconds=0)
    app = SuperSimApp(instant_client(sim), account_label="demo account (simulator)")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = await app.client.fetch_sim(next(iter(sim.state.sims)))
        await app.push_screen(SimDetailScreen(app.client, first, app.main.fleets or []))
        await settle(pilot)
        text = screen_text(app)
        assert f"○ open · demo account (simulator) · SIM {first.label}" in text


async def test_at_80_columns_a_long_profile_and_account_give_way_to_the_screens_own_title() -> None:
    """A protected profile with a long name, credentials from the environment and the account's SID fill the
    header: at 80 columns the end was cut, and with it what the screen is (``SIM us-meters-00001``,
    ``register SIMs``: gone on every screen but the main one). The mode stays first and whole, the screen's own
    title whole at the end, and the profile and account are what is cut (with an ellipsis)."""
    from supersim_tui.tui.header import AppHeader
    from supersim_tui.tui.sim_detail import SimDetailScreen

    sim = demo_simulator(settle_seconds=0)
    account = "AC" + "0" * 31 + "1"
    app = SuperSimApp(
        instant_client(sim),
        account_label=account,
        mode="protected",
        profile_name="production-europe-main, environment credentials",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = await app.client.fetch_sim(next(iter(sim.state.sims)))
        await app.push_screen(SimDetailScreen(app.client, first, app.main.fleets or []))
        await settle(pilot)
        line = str(app.screen.query_one(AppHeader).render())
        assert "▲ PROTECTED · profile production-europe" in line, line
        assert line.rstrip().endswith(f"· SIM {first.label}"), line
        assert "…" in line and len(line.rstrip()) <= 80 - 3, line
        app.pop_screen()
        await settle(pilot)
        line = str(app.screen.query_one(AppHeader).render())  # no title of its own: cut at the end, as before
        assert "▲ PROTECTED" in line and line.rstrip().endswith("…"), line


def test_profile_mode_comes_from_profiles_toml_and_read_only_wins(tmp_path: Path) -> None:
    """A profile's `mode` decides the session's safety mode; --read-only overrides it; an unknown mode is named
    with what is expected."""
    import argparse

    from supersim_tui.api.auth import Secret
    from supersim_tui.profiles import (
        Profile,
        ProfileError,
        ProfileFile,
        load_profiles,
        profiles_path,
        save_profiles,
        store_secret,
    )

    profile = Profile(name="prod", auth="auth_token", identity="AC" + "1" * 32, mode="protected")
    save_profiles(ProfileFile(default="prod", profiles={"prod": profile}))
    store_secret(profile, Secret("token"))

    def args(read_only: bool) -> argparse.Namespace:
        return argparse.Namespace(demo=False, profile="prod", base_url=None, read_only=read_only)

    session = session_module.open_session(args(False))
    assert (session.mode, session.profile) == ("protected", "prod")
    assert session_module.open_session(args(True)).mode == "read-only"
    path = profiles_path()
    path.write_text(path.read_text().replace('mode = "protected"', 'mode = "careful"'))
    with pytest.raises(ProfileError, match='mode must be "read-only", "protected" or "open"'):
        load_profiles()


def test_cli_resume_on_a_terminal_replans_and_asks(run: Run, simulator: Simulator) -> None:
    """`sims resume` on a terminal reads the SIMs left now, shows the plan (one changed meanwhile is skipped) and
    asks like a new run: deactivating 11 more SIMs needs "11" typed; `y` sends nothing."""
    from dataclasses import asdict

    from supersim_tui.api import Sim, SimStatus
    from supersim_tui.ops.bulk import Change, plan_change
    from supersim_tui.ops.journal import runs_dir

    records = [simulator.state.sims[sid] for sid, s in simulator.state.sims.items() if s.status == "active"][:12]
    assert len(records) == 12
    plan = plan_change(
        [Sim(sid=s.sid, iccid=s.iccid, status=SimStatus(s.status), fleet_sid=s.fleet_sid) for s in records],
        Change(status="inactive"),
    )
    lines = [
        {
            "type": "run",
            "run_id": "run-cut",
            "created": "2026-12-01T10:00:00+00:00",
            "kind": "set-status",
            "change": plan.change.to_json(),
            "base_url": "http://127.0.0.1",
            "count": 12,
        },
        *({"type": "item", **asdict(item)} for item in plan.items),
        {"type": "planned", "count": 12},
    ]
    path = runs_dir() / "run-cut.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    simulator.state.update_sim(records[0].sid, {"Status": "inactive"})  # done elsewhere meanwhile

    code, _, err = run("sims", "resume", "run-cut", typed="y\n")
    assert code == 2 and "11 will be changed" in err and "type 11" in err, err
    assert posts(simulator) == []  # (the change "elsewhere" went straight to the state, not over the API)
    code, _, err = run("sims", "resume", "run-cut", typed="11\n")
    assert code == 0, err
    assert {simulator.state.sims[s.sid].status for s in records} == {"inactive"}


async def test_failed_results_show_the_state_the_api_has_now() -> None:
    """A SIM whose change failed is shown (and exported) with the status the API has after the run, not the
    status it had when planned."""
    from supersim_tui.api import Sim, SimStatus
    from supersim_tui.ops.bulk import Change, plan_change

    sim = demo_simulator(sims=60, settle_seconds=0)
    record = next(s for s in sim.state.sims.values() if s.status == "active")
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        stale = Sim(sid=record.sid, iccid=record.iccid, status=SimStatus.READY, fleet_sid=record.fleet_sid)
        plan = plan_change([stale], Change(status="inactive"))  # planned on a stale "ready"
        sim.force_faults(*["503"] * 10, method="POST", path_prefix="/v1/Sims/")
        await app.push_screen(BulkRunScreen(app.client, plan=plan))
        screen = await finished_run(pilot)
        assert screen.result is not None
        (outcome,) = screen.result.outcomes
        assert outcome.outcome == "failed" and outcome.status == "active" == sim.state.sims[record.sid].status


async def test_counts_agree_for_skipped_invalid_and_failed(tmp_path: Path) -> None:
    """Activate three SIMs: one already active (skipped), one new without a fleet (invalid), one ready that the
    API keeps refusing (failed). The plan, the results heading, the stats line and the CSV each give exactly
    1 skipped, 1 invalid and 1 failed in those words; no count lands under another outcome's name."""
    sim = demo_simulator(sims=200, settle_seconds=0)
    records = list(sim.state.sims.values())
    active = next(s for s in records if s.status == "active")
    no_fleet = next(s for s in records if s.status == "new" and not s.fleet_sid)
    ready = next(s for s in records if s.status == "ready" and s.fleet_sid)
    app = make_app(sim, concurrency=1)
    app.export_dir = tmp_path
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        listed = {s.sid: s for s in await app.client.list_sims().collect()}
        pane.set_marks({sid: listed[sid] for sid in (active.sid, no_fleet.sid, ready.sid)})
        sim.force_faults(*["503"] * 10, method="POST", path_prefix=f"/v1/Sims/{ready.sid}")
        await pilot.press("s")
        await choose(pilot, "active")
        plan = confirm_text(app)
        assert "1 will be changed" in plan, plan
        assert "1 skipped" in plan.replace("\n", " ") and "1 invalid" in plan.replace("\n", " "), plan
        await pilot.press("y")
        screen = await finished_run(pilot)
        assert screen.result is not None
        counts = Counter(o.outcome for o in screen.result.outcomes)
        assert counts == Counter({"skipped": 1, "invalid": 1, "failed": 1}), counts
        heading = plain(screen.query_one("#bulk-title").render())
        stats = plain(screen.query_one("#bulk-stats").render())
        for outcome in OUTCOMES:
            n = counts.get(outcome, 0)
            if n:
                assert f"{n:,} {outcome}" in heading, (outcome, heading)
            else:
                assert f" {outcome}" not in heading, (outcome, heading)
            if n or outcome in ("done", "failed", "skipped"):
                assert f"{outcome} {n:,}" in stats, (outcome, stats)
        await pilot.press("e")
        await until(pilot, lambda: screen.exported is not None)
        assert screen.exported is not None
        rows = list(csv.DictReader(screen.exported.open(encoding="utf-8")))
        assert Counter(r["outcome"] for r in rows) == counts
    assert sim.state.sims[ready.sid].status == "ready" and sim.state.sims[no_fleet.sid].status == "new"


async def test_the_number_typed_while_cancel_has_the_focus_is_said_not_silently_dropped() -> None:
    """The typed question of a mass deactivation: the number typed at once, then Enter (Cancel has the focus, as
    it must: an Enter typed with the question cannot confirm). Nothing is sent, and the dialog says where the
    box is as soon as a character goes nowhere, and on closing that it did not confirm (it closed without a
    word, and the user took the change as made)."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        pane, active = await deactivate_every_active_sim(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, TypedConfirm)
        await pilot.press(*str(len(active)))
        assert "Tab moves to the box" in plain(dialog.query_one("#typed-prompt").render())
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, (TypedConfirm, BulkRunScreen)) and posts(sim) == []
        said = [n.message for n in app._notifications if n.title == "Not confirmed"]
        assert said and f"type {len(active)}" in said[0], said
