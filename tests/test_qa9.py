"""QA round 9: fleet and NAP editing, the SIM detail with the API gone, as an operator meets them."""

from __future__ import annotations

import html
import re

from textual.widgets import Button, DataTable, Input

from supersim_tui.api import NetworkAccessProfile
from supersim_tui.ops.nap_impact import NapImpact
from supersim_tui.tui.catalog import CatalogScreen
from supersim_tui.tui.forms import FleetForm
from supersim_tui.tui.sim_detail import SimDetailScreen
from supersim_tui.tui.sims_pane import SimsPane

from .conftest import Run, build_app, demo_simulator, settle
from .test_health import health_of, make_simulator
from .test_tui_failures import build, errors, notes
from .test_tui_failures import settle as settle_failing


def screen_text(app: object) -> str:
    """What the terminal shows, as plain text (one line per row of the screenshot's text runs)."""
    svg = app.export_screenshot()  # type: ignore[attr-defined]
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_the_fleet_forms_confirm_button_shows_its_whole_label() -> None:
    """Edit a fleet, choose another NAP, Save: the preview shows and Save becomes "Confirm NAP change". The button
    grows to its new label (it kept the width of "Save" and showed "Confirm NAP", cut without an ellipsis)."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FleetForm)
        uk = sim.state.find_nap("uk-ie")
        assert uk is not None
        form.query_one("#fleet-nap").value = uk.sid  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        save = form.query_one("#save", Button)
        assert str(save.label) == "Confirm NAP change"
        await pilot.pause()
        assert save.content_region.width >= len("Confirm NAP change"), save.content_region
        assert "Confirm NAP change" in screen_text(app)


async def test_saving_a_fleet_form_with_nothing_changed_sends_nothing_and_says_so() -> None:
    """e on a fleet, then Save at once: no field changed, so no update is sent (it was an empty POST, the fleet's
    date moved and the app said "saved"); the app says nothing changed and nothing was sent."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        before = len(sim.request_log)
        await pilot.press("e", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, FleetForm)
        posts = [r.path for r in sim.request_log[before:] if r.method == "POST"]
        assert posts == []
        said = [f"{n.title}: {n.message}" for n in app._notifications]
        assert any("nothing was sent" in s.lower() for s in said), said
        assert not any("saved" in s for s in said), said


async def test_a_sim_status_change_with_the_api_gone_is_one_notice_saying_what_to_do() -> None:
    """SIM detail open, the API stops answering, s → active → Change: one error notice says the change failed,
    why (could not connect) and what to do; the detail still shows the status the API last gave. The re-read
    after the change failed for the same cause and added a second notice saying the same."""
    sim = demo_simulator(sims=60, settle_seconds=0)
    target = next(s for s in sim.state.sims.values() if s.status == "inactive" and s.fleet_sid)
    app, api = build(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_failing(pilot)
        await pilot.press("3")
        await settle_failing(pilot)
        pane = app.query_one(SimsPane)
        pane.table.move_cursor(row=pane.table.get_row_index(target.sid))
        await pilot.press("enter")
        await settle_failing(pilot)
        detail = app.screen
        assert isinstance(detail, SimDetailScreen)
        app.clear_notifications()
        api.down = True
        await pilot.press("s")
        await settle_failing(pilot)
        await pilot.press("down", "down", "enter")  # new, ready, active
        await settle_failing(pilot)
        await pilot.press("enter")  # Change
        await settle_failing(pilot)
        await app.workers.wait_for_complete()
        await settle_failing(pilot)
        failed = errors(app)
        assert len(failed) == 1, notes(app)
        assert "Could not connect" in failed[0] and "try again" in failed[0], failed
        assert sim.state.sims[target.sid].status == "inactive"
        assert app.screen is detail and "inactive" in screen_text(app)


def test_a_nap_left_with_no_network_and_no_fleet_is_not_said_to_cut_fleets() -> None:
    """Removing the last network of a NAP no fleet uses: the warning says the NAP would allow no network, not
    that "every SIM in these fleets would lose service" (there are none: it read as a contradiction of "No
    fleet uses this NAP")."""
    nap = NetworkAccessProfile(sid="HA" + "0" * 32, unique_name="uk-ie")
    impact = NapImpact(nap=nap, changes=[], fleets=[], networks_before=[], networks_after=[])
    (warning,) = impact.warnings
    assert "NO network" in warning and "these fleets" not in warning, warning


async def test_the_catalogs_toggle_all_says_what_it_staged() -> None:
    """NAP uk-ie in the catalog, filter its MCC 234 (7 networks, all on), t: all 7 staged off; t again: all back
    as they are, nothing staged, and the notice says so (it said "7 network(s) shown staged on" though nothing
    was staged). The hint after a closed review names U (undo all), not u (the highlighted one)."""
    sim = demo_simulator()
    nap = sim.state.find_nap("uk-ie")
    assert nap is not None
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        table = app.query_one("#naps-table", DataTable)
        table.move_cursor(row=table.get_row_index(nap.sid))
        await pilot.press("enter")
        await settle(pilot)
        catalog = app.screen
        assert isinstance(catalog, CatalogScreen)
        catalog.query_one("#catalog-filter", Input).focus()
        await pilot.press(*"234", "enter", "t")
        await settle(pilot)
        assert len(catalog.staged) == 7
        assert "7 networks shown: 7 staged off" in notes(app)[-1], notes(app)
        await pilot.press("t")
        await settle(pilot)
        assert catalog.staged == {}
        assert "7 networks shown: all on already, nothing staged" in notes(app)[-1], notes(app)
        await pilot.press("t", "a")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert "U to undo them" in notes(app)[-1], notes(app)


async def test_the_fleet_forms_nap_preview_keeps_save_and_cancel_on_screen_at_80x24() -> None:
    """At 80x24, field-sensors moved to NAP uk-ie: the preview (networks lost, the countries cut off, the cache
    note) pushed Save and Cancel below the screen's edge, so the change could only be confirmed blind. The preview
    now scrolls (a line says so) and both buttons stay on screen; Cancel, focused for a cut, still cancels."""
    from .test_qa8_dialog_fits import on_screen

    sim = demo_simulator()
    app = build_app(sim)
    fleet = sim.state.find_fleet("field-sensors")
    uk = sim.state.find_nap("uk-ie")
    assert fleet is not None and uk is not None
    nap_before = fleet.network_access_profile_sid
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, FleetForm)
        form.query_one("#fleet-nap").value = uk.sid  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause()
        for widget in (form.query_one("#save", Button), form.query_one("#cancel", Button)):
            assert on_screen(app, widget), (widget, widget.region, app.size)
        assert "more to read" in screen_text(app)
        assert app.focused is form.query_one("#cancel", Button)
        await pilot.press("enter")
        await settle(pilot)
    assert fleet.network_access_profile_sid == nap_before


async def test_a_new_nap_named_like_another_says_to_choose_another_name() -> None:
    """n on the NAPs tab, "global" (a NAP of that name exists), Enter: the form says the name is used and to choose
    another (it said only "is already used"); nothing is created."""
    sim = demo_simulator()
    app = build_app(sim)
    count = len(sim.state.naps)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "n", *"global", "enter")
        await settle(pilot)
        assert "'global' is already used; choose another" in screen_text(app)
    assert len(sim.state.naps) == count


async def test_renaming_to_the_same_name_sends_nothing_and_says_so() -> None:
    """e then Enter at once on a NAP, and on a SIM's detail: the name is unchanged, so no update is sent (it sent
    one and said "NAP renamed to global." / "Renamed to …"); the app says nothing changed."""
    sim = demo_simulator(sims=60)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        before = len(sim.request_log)
        await pilot.press("2", "e", "enter")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SimDetailScreen)
        await pilot.press("e", "enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        posts = [r.path for r in sim.request_log[before:] if r.method == "POST"]
        assert posts == []
        said = [f"{n.title}: {n.message}" for n in app._notifications]
        assert sum("nothing was sent" in s for s in said) == 2, said
        assert not any("enamed" in s for s in said), said


async def test_the_ready_past_data_finding_says_what_the_250_kb_are() -> None:
    """Health's "ready SIMs already used over 200 KB of the 250 KB" read as cut short (of the 250 KB what?): the
    title says the 250 KB turn a ready SIM active."""
    report = await health_of(make_simulator())
    (finding,) = [f for f in report.findings if f.check == "ready-past-data"]
    assert finding.title.endswith("of the 250 KB that turn a ready SIM active"), finding.title


def test_an_empty_listing_says_nothing_matched(run: Run) -> None:
    """`networks list --country zz` and `sims list` matching nothing printed a header alone and exited 0, which reads
    like output cut short: a line on stderr now says nothing matched (stdout keeps the header; exit code 0)."""
    code, out, err = run("networks", "list", "--country", "ZZ")
    assert code == 0 and out.split() == ["NETWORK", "COUNTRY", "MCC-MNC", "SID"]
    assert "No networks match." in err
    code, out, err = run("sims", "list", "--status", "scheduled", "--fleet", "spare-pool")
    assert code == 0 and len(out.splitlines()) == 1
    assert "No SIMs match." in err
    code, out, err = run("sims", "list", "--status", "scheduled", "--fleet", "spare-pool", "--json")
    assert code == 0 and out.strip() == "[]" and err == ""  # machine formats: the empty list says it
