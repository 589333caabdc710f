"""Every failure in the TUI reaches the user: worker errors on panes and screens become notifications
naming what failed and what to do, spinners stop and offer a retry, stale data is marked stale.

The API is "stopped" by a transport that refuses connections while ``down`` is set (as a stopped
server would), and started again by clearing it.
"""

from __future__ import annotations

import ast
import importlib
import re
from functools import partial
from pathlib import Path

import httpx
import pytest
from textual.widgets import DataTable, Input, Select

from supersim_tui.settings import Settings, load_settings
from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.catalog import CatalogScreen
from supersim_tui.tui.choice import Choice
from supersim_tui.tui.forms import FleetForm, NameForm
from supersim_tui.tui.nap_review import ConfirmNapChanges
from supersim_tui.tui.sim_detail import SimDetailScreen
from supersim_tui.tui.sims_pane import SimsPane
from supersim_tui.tui.vtable import VirtualTable

from .conftest import demo_simulator, instant_client, until
from .conftest import settle as _settle
from .test_tui_sims import plain

TUI = Path(__file__).parent.parent / "src" / "supersim_tui" / "tui"

# Failing workers are what these tests are about: waiting for them must not raise.
settle = partial(_settle, failures_expected=True)


class Switchable(httpx.AsyncBaseTransport):
    """The simulator, or a refused connection while ``down`` is set."""

    def __init__(self, sim: Simulator):
        self.inner = asgi_transport(sim)
        self.down = False
        self.refuse = "\0"  # refuse only the requests whose URL contains this

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down or self.refuse in str(request.url):
            raise httpx.ConnectError("All connection attempts failed", request=request)
        return await self.inner.handle_async_request(request)


def build(sim: Simulator, settings: Settings | None = None) -> tuple[SuperSimApp, Switchable]:
    transport = Switchable(sim)
    client = instant_client(sim, transport=transport, attempts=2)
    return SuperSimApp(client, account_label="demo account (simulator)", settings=settings), transport


def notes(app: SuperSimApp) -> list[str]:
    """Every notification so far, as "title: message"."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


def errors(app: SuperSimApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications if n.severity == "error"]


def names(app: SuperSimApp, what: str) -> bool:
    """An error notice names ``what`` as failed (first of its sentence, or after another: "… and creating the NAP
    failed")."""
    return any(what.lower() in e.lower() and "failed" in e for e in errors(app))


def shown(widget: object) -> str:
    return plain(widget.render())  # type: ignore[attr-defined]


async def test_sim_rename_to_a_name_in_use_is_reported() -> None:
    """SIM detail → e → a name another SIM has: the API refuses, and the user is told why and what to do
    (before, the dialog closed without a word); the SIM keeps its name."""
    sim = demo_simulator(sims=60, settle_seconds=0)
    first, second = list(sim.state.sims.values())[:2]
    old = first.unique_name
    app, _ = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.table.move_cursor(row=pane.table.get_row_index(first.sid))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimDetailScreen)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#name", Input).value = second.unique_name or ""
        await pilot.press("enter")
        await settle(pilot)
        assert sim.state.sims[first.sid].unique_name == old
        assert any("Renaming the SIM" in e and "already" in e and "choose a different one" in e for e in errors(app)), (
            notes(app)
        )
        await pilot.press("e")  # a rename that works does not withdraw the notice of the one that failed
        await pilot.pause()
        app.screen.query_one("#name", Input).value = "a-name-nobody-has"
        await pilot.press("enter")
        await settle(pilot)
        assert sim.state.sims[first.sid].unique_name == "a-name-nobody-has"
        assert any("Renaming the SIM" in e and "already" in e for e in errors(app)), notes(app)
        assert app.is_running


async def test_offline_apply_then_done_does_not_crash() -> None:
    """NAP networks, API stopped, apply a change: the row says what failed in the tool's words (no bare
    exception class), Done closes the review without a traceback, the change stays staged, and the
    failed re-read is reported with what to do."""
    sim = demo_simulator()
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        table = app.query_one("#naps-table", DataTable)
        table.move_cursor(row=table.get_row_index(nap.sid))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        screen = app.screen
        await pilot.press("space", "a")
        await settle(pilot)
        assert isinstance(dialog := app.screen, ConfirmNapChanges), dialog
        api.down = True
        await pilot.click("#apply")
        await settle(pilot)
        rows = shown(app.screen.query_one("#confirm-impact"))
        assert "✗" in rows and "Could not connect" in rows and "ConnectError" not in rows, rows
        await pilot.pause(0.3)  # a button ignores a second press within 0.2 s of the first
        await pilot.press("enter")  # Done
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert app.screen is screen and len(screen.staged) == 1
        assert any("Reading the NAP's networks" in e and "r to try again" in e for e in errors(app)), notes(app)


async def test_review_while_the_api_is_down_stops_spinning_and_retries() -> None:
    """The impact preview with the API down: the spinner stops, the error is shown with a retry, and once
    the API is back the retry shows the impact and Apply works."""
    sim = demo_simulator()
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        table = app.query_one("#naps-table", DataTable)
        table.move_cursor(row=table.get_row_index(nap.sid))
        await pilot.press("enter")
        await settle(pilot)
        api.down = True
        await pilot.press("space", "a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmNapChanges)
        review = app.screen
        assert not review.query_one("#confirm-loading").display
        text = shown(review.query_one("#confirm-impact"))
        assert "Could not connect" in text and "r to try again" in text, text
        assert any("Working out the impact" in e for e in errors(app)), notes(app)
        api.down = False
        await pilot.press("r")
        await settle(pilot)
        assert "SIMs are affected" in shown(review.query_one("#confirm-impact")) or "no SIM is affected" in shown(
            review.query_one("#confirm-impact")
        )
        await pilot.click("#apply")
        await settle(pilot)
        assert review.current is not None and len(nap.network_sids) != len(review.current)


async def test_catalog_opened_while_the_api_is_down_says_so_and_recovers() -> None:
    """c with the API down: an error with a retry key, not "0 of 0 networks shown"; r on the catalog
    reads it once the API is back, and the app keeps it."""
    sim = demo_simulator()
    app, api = build(sim)
    api.down = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        screen = app.screen
        summary = shown(screen.query_one("#catalog-summary"))
        assert "0 of 0" not in summary and "Could not connect" in summary and "r to try again" in summary, summary
        assert not screen.query_one("#catalog-table", VirtualTable).loading
        api.down = False
        await pilot.press("r")
        await settle(pilot)
        assert screen.query_one("#catalog-table", VirtualTable).row_count == len(sim.state.networks)
        assert len(app.main.catalog) == len(sim.state.networks)


async def test_a_failed_refresh_marks_the_data_stale_and_only_the_failed_panes() -> None:
    """Data stays on screen after a failed refresh, marked stale with the time and r to retry (in words, so
    NO_COLOR reads it); a good refresh clears the mark."""
    sim = demo_simulator()
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        fleets = app.query_one("#fleets-table", DataTable)
        rows = fleets.row_count
        assert rows > 0
        api.down = True
        await pilot.press("r")
        await settle(pilot)
        assert fleets.row_count == rows  # what was shown stays
        mark = shown(app.query_one("#fleets-pane").query_one(".stale"))
        assert re.search(r"stale — refresh failed \d\d:\d\d · r to retry", mark), mark
        await pilot.press("3")
        assert "stale" in shown(app.query_one("#sims-count"))
        assert names(app, "Loading the account"), notes(app)
        api.down = False
        await pilot.press("r")
        await settle(pilot)
        assert not app.query_one("#fleets-pane").query_one(".stale").display
        assert "stale" not in shown(app.query_one("#sims-count"))


async def test_failure_notices_are_withdrawn_once_the_same_work_succeeds() -> None:
    """Started with the API stopped: the account's and the SIMs' reads are reported as failed. Once the API is
    back, r reloads them, and the notices saying they failed go (they were left over the loaded table, saying
    "Could not connect" next to 60 SIMs); a notice of other work stays."""
    sim = demo_simulator()
    app, api = build(sim)
    api.down = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert names(app, "Loading the account"), notes(app)
        app.notify("Something else happened", title="Other news")
        await pilot.press("3")
        api.down = False
        await pilot.press("r")
        await settle(pilot)
        assert app.query_one("#sims-table", VirtualTable).row_count == len(sim.state.sims)
        assert errors(app) == []
        assert any("Other news" in n for n in notes(app))


async def test_screen_worker_failures_are_reported() -> None:
    """Workers started by screens (SIM detail reload, fleet preview, NAP create) and panes (a SIMs page) fail
    visibly with what failed and what to do; the SIMs pane stops loading."""
    sim = demo_simulator()
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # SIMs pane: a filter read while down
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        api.down = True
        pane.query_one("#filter-status", Choice).value = "active"
        await settle(pilot)
        assert not pane.table.loading
        assert "Could not load SIMs" in shown(pane.query_one("#sims-count"))
        assert names(app, "Reading the SIMs"), notes(app)
        api.down = False
        await pilot.press("x")
        await settle(pilot)

        # SIM detail: r with the API down
        pane.table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimDetailScreen)
        api.down = True
        await pilot.press("r")
        await settle(pilot)
        assert any("Loading the SIM" in e and "r to try again" in e for e in errors(app)), notes(app)
        api.down = False
        await pilot.press("escape")
        await settle(pilot)

        # Fleet form: the NAP preview while down
        await pilot.press("1", "e")
        await pilot.pause()
        assert isinstance(app.screen, FleetForm)
        form = app.screen
        select = form.query_one("#fleet-nap", Select)
        select.value = next(n.sid for n in form.naps if n.sid != select.value)
        api.down = True
        form.action_save()
        await settle(pilot)
        assert "Could not connect" in shown(form.query_one("#form-error"))
        api.down = False
        await pilot.press("escape", "escape")  # the NAP was changed: the second Esc discards it
        await settle(pilot)

        # New NAP: created while down
        await pilot.press("2", "n")
        await pilot.pause()
        assert isinstance(app.screen, NameForm)
        await pilot.press(*"eu-new", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        await pilot.press("space")
        api.down = True
        await pilot.press("a")
        await settle(pilot)
        assert names(app, "Creating the NAP"), notes(app)
        assert isinstance(app.screen, CatalogScreen)  # still there: press a again once the API is back


async def test_nap_rename_failure_is_reported_without_failing_the_panes() -> None:
    """A failed NAP rename is one notification; the panes keep their data and are not marked failed."""
    sim = demo_simulator()
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", "e")
        await pilot.pause()
        api.down = True
        await pilot.press(*"x", "enter")
        await settle(pilot)
        assert names(app, "Renaming the NAP"), notes(app)
        for pane in ("#fleets-pane", "#naps-pane"):
            assert "Could not load" not in shown(app.query_one(pane).query_one(".detail"))
            assert not app.query_one(pane).query_one(".stale").display


def group_name(value: ast.expr) -> str | None:
    """A worker group as written in ``@work(group=...)``: a string, or one declared ``background("...")``."""
    if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "background" and value.args:
        value = value.args[0]
    return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None


def test_every_worker_is_routed_to_the_failure_path() -> None:
    """Structure: every class in tui/ that starts a worker reports its failures (Textual does not pass a
    screen's worker errors to the App), and each worker group says in words what it does."""
    from supersim_tui.tui.failures import ReportsFailures

    found = 0
    for path in sorted(TUI.glob("*.py")):
        module = importlib.import_module(f"supersim_tui.tui.{path.stem}")
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ClassDef):
                continue
            for item in node.body:
                if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for decorator in item.decorator_list:
                    if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "work":
                        group = next((group_name(k.value) for k in decorator.keywords if k.arg == "group"), None)
                        cls = getattr(module, node.name)
                        assert issubclass(cls, ReportsFailures), f"{node.name}.{item.name}"
                        assert group in cls.TASKS, f"{node.name}.{item.name}: group {group!r} has no task"
                        found += 1
    assert found >= 15


def test_keymap_falls_back_per_key_and_names_each_bad_key(tmp_path: Path) -> None:
    """One empty value no longer throws away the whole [keymap]: the good keys are kept, the bad one is named."""
    path = tmp_path / "settings.toml"
    path.write_text('[keymap]\n"tab.sims" = ""\n"app.refresh" = "f5"\n"app.catalog" = 3\n', encoding="utf-8")
    settings = load_settings(path)
    assert settings.keymap == {"app.refresh": "f5"}
    problems = "\n".join(settings.problems)
    assert "tab.sims" in problems and "app.catalog" in problems and "app.refresh" not in problems, problems


async def test_unknown_binding_ids_are_reported_by_name() -> None:
    """A keymap id that no binding has is named in a notification; the known ones still apply."""
    sim = demo_simulator()
    app, _ = build(sim, Settings(keymap={"app.refreshh": "f5", "tab.sims": "f3"}))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert any("app.refreshh" in n and "tab.sims" not in n for n in notes(app)), notes(app)
        await pilot.press("f3")
        assert app.query_one("TabbedContent").active == "sims"  # type: ignore[attr-defined]


async def test_screenshot_is_saved_even_without_a_downloads_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The palette's Screenshot works when ~/Downloads does not exist, and says where the file went."""
    monkeypatch.chdir(tmp_path)
    sim = demo_simulator()
    app, _ = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.action_screenshot()
        for _ in range(100):
            if any("Screenshot" in n for n in notes(app)):
                break
            await pilot.pause(0.05)
        saved = [n for n in notes(app) if n.startswith("Screenshot")]
        assert saved and "Failed" not in saved[0], saved
        assert list(tmp_path.glob("*.svg"))  # noqa: ASYNC240 (a test's temporary directory)


async def test_control_characters_and_markup_in_names_are_shown_harmlessly() -> None:
    """A fleet name with a terminal escape sequence and Rich markup is shown as plain text: no ESC reaches
    the screen, and the markup is not interpreted (nor does it crash the table)."""
    sim = demo_simulator()
    fleet = next(iter(sim.state.fleets.values()))
    fleet.unique_name = "evil\x1b]0;owned\x07[bold]x[/]\x9b2J"
    app, _ = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.query_one("#fleets-table", DataTable)
        cell = table.get_row(fleet.sid)[0]
        text = plain(cell)
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
        assert "[bold]x[/]" in text
        assert app.is_running


async def test_mark_all_and_bulk_retry_failures_are_reported() -> None:
    """Mark all with the API down says what failed and restores the count bar; a bulk run whose SIM failed,
    retried with t while the API is still down, says the retry could not read the SIMs and shows the
    results again (before, the title stayed at "Reading the current state…")."""
    from supersim_tui.tui.bulk import BulkRunScreen

    from .test_tui_sims import choose, finished_run

    sim = demo_simulator(sims=60, settle_seconds=0)
    target = next(s for s in sim.state.sims.values() if s.status == "ready")
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        api.down = True
        await pilot.press("a")
        await settle(pilot)
        assert names(app, "Counting the SIMs to mark"), notes(app)
        assert "counting" not in shown(pane.query_one("#sims-count"))
        api.down = False

        pane.table.move_cursor(row=pane.table.get_row_index(target.sid))
        await pilot.press("s")
        await choose(pilot, "active")
        api.down = True
        await pilot.press("y")
        screen = await finished_run(pilot)
        assert isinstance(screen, BulkRunScreen) and screen.result is not None
        await pilot.press("t")
        await settle(pilot)
        assert names(app, "Reading the SIMs to retry") and any("t to try again" in e for e in errors(app)), notes(app)
        assert "Reading the current state" not in shown(screen.query_one("#bulk-title"))
        assert sim.state.sims[target.sid].status == "ready"


def test_printable_drops_control_characters_only() -> None:
    """Escape sequences go whole; C0/C1 controls, DEL and bidi overrides are replaced; newline and other text stay."""
    from supersim_tui.tui.format import printable

    shown = printable("a\x1b[31mb\x07c\x7fe\u202ef\tg\nh")
    assert shown == "ab\ufffdc\ufffde\ufffdf g\nh"  # the escape sequence is gone, not half-shown
    assert printable("Ünïcode ☃ 名前") == "Ünïcode ☃ 名前"
    assert printable(None) == ""


async def test_fleet_counts_that_fail_stop_showing_progress() -> None:
    """Listing the SIMs (which counts each fleet's SIMs: the SIMs pane's index) fails, the other reads work:
    the user is told, and the counts still waiting show ? instead of an endless …"""
    sim = demo_simulator()
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        api.refuse = "Status="  # the index's status slices only
        await pilot.press("r")
        await settle(pilot)
        assert names(app, "Reading the SIMs"), notes(app)
        table = app.query_one("#fleets-table", DataTable)
        counts = [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)[5:]]
        assert "…" not in counts and "?" in counts, counts


async def test_review_with_the_api_down_then_enter_says_nothing_was_applied() -> None:
    """NAP catalog, stage a network, API stopped, a, then Enter at once: the review closes (Enter is on Cancel),
    and the user is told in words that nothing was applied, why, and that the change is still staged with the
    keys to apply or undo it; no notification claims success, and the catalog still shows the change staged."""
    sim = demo_simulator()
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    before = list(nap.network_sids)
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        table = app.query_one("#naps-table", DataTable)
        table.move_cursor(row=table.get_row_index(nap.sid))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CatalogScreen)
        screen = app.screen
        api.down = True
        await pilot.press("space", "a")
        await settle(pilot)
        assert isinstance(dialog := app.screen, ConfirmNapChanges), dialog
        app.clear_notifications()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and len(screen.staged) == 1
        said = notes(app)
        assert any(
            "Not applied" in n and "Could not connect" in n and "still staged" in n and "press a" in n for n in said
        ), said
        assert not any("applied to" in n for n in said), said
        assert "staged: +" in shown(screen.query_one("#catalog-summary"))
    assert nap.network_sids == before


@pytest.mark.parametrize("taken", [False, True])
async def test_sim_rename_then_esc_at_once_still_reports_the_outcome(taken: bool) -> None:
    """SIM detail → e → a name → Enter, then Esc at once (the request still in flight): leaving the screen does
    not lose the rename. A free name is applied, said in a notification, and shown in the SIMs table; a name in
    use is refused and the refusal is said with what to do."""
    sim = demo_simulator(sims=60, settle_seconds=0)
    first, second = list(sim.state.sims.values())[:2]
    old = first.unique_name
    new = (second.unique_name or "") if taken else "renamed-in-flight"
    app, _ = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        pane.table.move_cursor(row=pane.table.get_row_index(first.sid))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimDetailScreen)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#name", Input).value = new
        app.clear_notifications()
        sim.config.latency_ms = 150  # the rename is still in flight when Esc is pressed
        await pilot.press("enter", "escape")
        assert not isinstance(app.screen, SimDetailScreen)
        outcome = "Renaming the SIM" if taken else "Renamed to"
        await until(pilot, lambda: any(outcome in n for n in notes(app)))
        await settle(pilot)
        if taken:
            assert sim.state.sims[first.sid].unique_name == old
            assert any("Renaming the SIM" in e and "already" in e for e in errors(app)), notes(app)
        else:
            assert sim.state.sims[first.sid].unique_name == new
            assert any("Renamed to renamed-in-flight" in n for n in notes(app)), notes(app)
            row = pane.table.get_row(first.sid)
            assert any("renamed-in-flight" in str(cell) for cell in row), row
        assert app.is_running


async def test_a_sims_read_that_failed_is_not_reported_as_no_sims_matching() -> None:
    """The API stopped, then a filter (ICCID) or the whole account read: the SIMs pane's detail strip says the
    read failed and what to do, never "No SIMs match" or "No SIMs in this account yet" (the SIM exists); once the
    API is back, r shows it."""
    sim = demo_simulator()
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        pane = app.query_one(SimsPane)
        iccid = next(iter(sim.state.sims.values())).iccid
        api.down = True
        pane.query_one("#filter-iccid", Input).value = iccid
        await pilot.press("shift+tab", "enter")
        await settle(pilot)
        await pilot.pause()
        assert "Could not load SIMs" in shown(pane.query_one("#sims-count"))
        detail = shown(pane.detail)
        assert "No SIMs" not in detail and "Could not connect" in detail and "r to try again" in detail, detail
        api.down = False
        await pilot.press("r")
        await settle(pilot)
        assert pane.table.row_count == 1

    app, api = build(sim)
    api.down = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        pane = app.query_one(SimsPane)
        detail = shown(pane.detail)
        assert "No SIMs" not in detail and "Could not connect" in detail, detail


async def test_fleet_counts_that_failed_show_question_marks_right_aligned_and_keep_them() -> None:
    """The counts that could not be read show ? right-aligned like the numbers (the ? under the end of the
    "Total" header, not under its start), and keep showing ? (not … again) after the table is refilled by a
    resize to 80 columns."""
    sim = demo_simulator()
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        api.refuse = "Status="  # the index's status slices only
        await pilot.press("r")
        await settle(pilot)
        table = app.query_one("#fleets-table", DataTable)
        header = table.render_line(0).text
        total_end = header.index("Total") + len("Total") - 1
        row = table.render_line(1).text
        assert row[total_end] == "?", (header, row)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        counts = [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)[2:]]
        assert "…" not in counts and "?" in counts, counts
