"""Issue 18 in the TUI: the fleet form's commands settings, the catalog's exact country matching and bulk
toggles, NAPs containing a network, NAP clone and compare; each checked on the simulator's state afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select

from supersim_tui.api import Network
from supersim_tui.api.models import Identifier
from supersim_tui.simulator import Simulator
from supersim_tui.tui.catalog import CatalogRow, CatalogScreen, catalog_rows, filter_rows
from supersim_tui.tui.forms import FleetForm, NameForm
from supersim_tui.tui.nap_compare import NapCompareScreen, NapsWithNetwork
from supersim_tui.tui.nap_review import ConfirmNapChanges

from .conftest import build_app, demo_simulator, open_nap_compare
from .conftest import settle as ready
from .test_tui_naps import filter_to, open_nap


async def open_fleet_form(pilot: Pilot[Any], fleet_sid: str | None = None) -> FleetForm:
    app = pilot.app
    if fleet_sid is None:
        await pilot.press("n")
    else:
        table = app.query_one("#fleets-table", DataTable)
        table.move_cursor(row=table.get_row_index(fleet_sid))
        await pilot.press("e")
    await ready(pilot)
    assert isinstance(app.screen, FleetForm)
    return app.screen


def form_error(form: FleetForm) -> str:
    return str(form.query_one("#form-error").render())


async def test_new_fleet_with_commands_settings() -> None:
    """The new-fleet form sets data and SMS commands (create only), both commands' URLs and methods."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        form = await open_fleet_form(pilot)
        form.query_one("#fleet-name", Input).value = "hooks"
        apac = sim.state.find_nap("apac")
        assert apac is not None
        form.query_one("#fleet-nap", Select).value = apac.sid
        form.query_one("#fleet-data", Checkbox).value = False
        form.query_one("#fleet-sms", Checkbox).value = False
        form.query_one("#fleet-sms-url", Input).value = "https://example.com/sms"
        form.query_one("#fleet-sms-method", Select).value = "GET"
        form.query_one("#fleet-ip-url", Input).value = "https://example.com/ip"
        await pilot.press("ctrl+s")
        await ready(pilot)
    fleet = sim.state.find_fleet("hooks")
    assert fleet is not None
    assert (fleet.data_enabled, fleet.sms_commands_enabled) == (False, False)
    assert (fleet.sms_commands_url, fleet.sms_commands_method) == ("https://example.com/sms", "GET")
    assert (fleet.ip_commands_url, fleet.ip_commands_method) == ("https://example.com/ip", "POST")


async def test_fleet_form_refuses_http_urls_and_a_blank_name() -> None:
    """Editing: an http URL is named in the error line and nothing is sent; emptying the name is refused (the
    fleet would be listed by its SID); a good URL and method are saved, the rest left as it was."""
    sim = demo_simulator()
    app = build_app(sim)
    fleet = sim.state.find_fleet("eu-trackers")
    assert fleet is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        form = await open_fleet_form(pilot, fleet.sid)
        form.query_one("#fleet-ip-url", Input).value = "http://example.com/ip"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "IP commands URL must start with https://" in form_error(form)
        assert fleet.ip_commands_url is None
        form.query_one("#fleet-ip-url", Input).value = "https://example.com/ip"
        form.query_one("#fleet-name", Input).value = "  "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Unique name: " in form_error(form) and "empty" in form_error(form)
        assert "changed but not cleared" in form_error(form)  # the advice fits a form (no CLI flag talk)
        assert "leave the name out" not in form_error(form)
        assert fleet.unique_name == "eu-trackers" and fleet.ip_commands_url is None
        form.query_one("#fleet-name", Input).value = "eu-trackers"
        form.query_one("#fleet-ip-method", Select).value = "GET"
        await pilot.press("ctrl+s")
        await ready(pilot)
        assert not isinstance(app.screen, FleetForm)
    saved = sim.state.find_fleet("eu-trackers")
    assert saved is not None
    assert (saved.ip_commands_url, saved.ip_commands_method, saved.unique_name) == (
        "https://example.com/ip",
        "GET",
        "eu-trackers",
    )


def _rows(simulator: Simulator) -> list[CatalogRow]:
    return catalog_rows(
        Network(
            sid=n.sid,
            friendly_name=n.friendly_name,
            iso_country=n.iso_country,
            identifiers=[Identifier(m, c) for m, c in n.identifiers],
        )
        for n in simulator.state.networks.values()
    )


def test_filter_matches_iso_codes_and_aliases_exactly(simulator: Simulator) -> None:
    """`de` is Germany only (not Bangladesh, Denmark, Sweden or 2degrees); `uk` finds GB; `usa` the US and not
    Greenland's Tusass; an operator named exactly like a code (EE) still shows; other words match as before."""
    rows = _rows(simulator)

    def countries(query: str) -> set[str | None]:
        return {r.network.iso_country for r in filter_rows(rows, query)}

    assert countries("de") == {"DE"}
    assert countries("DE") == {"DE"}
    assert countries("deu") == {"DE"}
    assert countries("uk") == {"GB"} and countries("gb") == {"GB"}
    assert countries("usa") == {"US"} and countries("us") == {"US"}
    assert "Tusass" not in {r.network.friendly_name for r in filter_rows(rows, "usa")}
    assert countries("vodafone uk") == {"GB"}
    assert {r.network.friendly_name for r in filter_rows(rows, "ee")} >= {"EE"}
    assert countries("germany") == {"DE"} and "Telekom" in {r.network.friendly_name for r in filter_rows(rows, "tele")}


async def test_toggle_all_shown_and_country_counted_in_the_review() -> None:
    """`t` stages every network the filter shows; `T` every network of the highlighted one's country; the
    review lists them all and applying adds them all to the NAP."""
    sim = demo_simulator()
    app = build_app(sim)
    nap = sim.state.find_nap("uk-ie")
    assert nap is not None
    german = {s for s, n in sim.state.networks.items() if n.iso_country == "DE"}
    french = {s for s, n in sim.state.networks.items() if n.iso_country == "FR"}
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_nap(pilot, "uk-ie")
        await filter_to(pilot, screen, "de")
        await pilot.press("t")
        assert {sid for sid, add in screen.staged.items() if add} == german
        await filter_to(pilot, screen, "france orange")
        await pilot.press("T")  # the whole of France, not only the Orange row shown
        assert {sid for sid, add in screen.staged.items() if add} == german | french
        await pilot.press("T")  # again: France back to how it is (nothing staged for it)
        assert set(screen.staged) == german
        await pilot.press("T")
        await pilot.press("a")
        await ready(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmNapChanges)
        assert len(dialog.changes) == len(german | french)
        assert f"Networks: {len(nap.network_sids)} now, {len(nap.network_sids) + len(german | french)} after" in str(
            dialog.query_one("#confirm-impact").render()
        )
        await pilot.click("#apply")
        await ready(pilot)
    assert german | french <= set(nap.network_sids)


async def test_toggle_shown_turns_all_off_when_all_are_on() -> None:
    """With every shown network already on, `t` stages them all off (the review warns if none would be left)."""
    sim = demo_simulator()
    app = build_app(sim)
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_nap(pilot, "us-only")
        await filter_to(pilot, screen, "usa")
        shown = {row.network.sid for row in screen.shown}
        on = shown & set(nap.network_sids)
        await pilot.press("t")
        if shown == on:
            assert screen.staged == dict.fromkeys(shown, False)
        else:
            assert screen.staged == dict.fromkeys(shown - on, True)


async def test_naps_containing_a_network_from_the_catalog() -> None:
    """`n` on a catalog row lists every NAP allowing that network and the fleets using each."""
    sim = demo_simulator()
    app = build_app(sim)
    telekom = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("262", "01"))
    holders = sorted(n.unique_name or n.sid for n in sim.state.naps.values() if telekom in n.network_sids)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        await filter_to(pilot, screen, "262-01")
        await pilot.press("n")
        await ready(pilot)
        assert isinstance(app.screen, NapsWithNetwork)
        body = str(app.screen.query_one("#naps-with-body").render())
        assert holders and all(name in body for name in holders)
        assert "eu-trackers" in body  # a fleet on eu-only
        others = [n.unique_name for n in sim.state.naps.values() if telekom not in n.network_sids]
        assert all(f"● {name}" not in body for name in others if name)


async def test_compare_two_naps() -> None:
    """The compare view lists networks only in A, only in B, in both, with each side's fleets and SIM counts."""
    sim = demo_simulator()
    app = build_app(sim)
    eu, uk = sim.state.find_nap("eu-only"), sim.state.find_nap("uk-ie")
    assert eu is not None and uk is not None
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_nap_compare(pilot, "eu-only", "uk-ie")
        assert app.screen is screen

        def keys(key: str) -> set[str]:
            table = screen.query_one(f"#compare-{key}", DataTable)
            return {str(row.value) for row in table.rows}

        assert keys("only-a") == set(eu.network_sids) - set(uk.network_sids)
        assert keys("only-b") == set(uk.network_sids) - set(eu.network_sids)
        assert keys("both") == set(eu.network_sids) & set(uk.network_sids)
        fleet = sim.state.find_fleet("eu-trackers")
        assert fleet is not None
        active = sum(1 for s in sim.state.sims.values() if s.fleet_sid == fleet.sid and s.status == "active")
        side_a = str(screen.query_one("#compare-a").render())
        assert "eu-trackers" in side_a and f"{active:,} active" in side_a
        assert "no fleet" in str(screen.query_one("#compare-b").render())


def test_snapshot_nap_compare(snap_compare: Callable[..., bool]) -> None:
    """The compare view of eu-only and uk-ie at 100x30, as a picture."""

    async def compare(pilot: Pilot[Any]) -> None:
        await open_nap_compare(pilot, "eu-only", "uk-ie")

    assert snap_compare(build_app(demo_simulator()), terminal_size=(100, 30), run_before=compare)


def test_snapshot_new_fleet_form_with_commands(snap_compare: Callable[..., bool]) -> None:
    """The new-fleet form at 80x24 with its commands settings (URLs, methods, data and SMS on create)."""

    async def form(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("n")
        await ready(pilot)
        screen = pilot.app.screen
        screen.query_one("#fleet-sms-url", Input).value = "https://example.com/sms"
        screen.query_one("#fleet-ip-method", Select).value = "GET"
        screen.query_one("#save").focus()  # no text cursor in the picture (its blink would make it vary)
        await ready(pilot)
        await pilot.pause(0.2)

    assert snap_compare(build_app(demo_simulator()), terminal_size=(80, 24), run_before=form)


async def test_global_catalog_adds_a_network_to_a_chosen_nap() -> None:
    """In the catalog opened without a NAP, p offers the NAPs (those already allowing it greyed), then the
    usual review; applying adds the network to that NAP."""
    from textual.widgets import OptionList

    from supersim_tui.tui.dialogs import ChoiceScreen

    sim = demo_simulator()
    app = build_app(sim)
    nap = sim.state.find_nap("uk-ie")
    assert nap is not None
    telekom = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("262", "01"))
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        await filter_to(pilot, screen, "262-01")
        await pilot.press("p")
        await ready(pilot)
        choices = app.screen
        assert isinstance(choices, ChoiceScreen)
        options = choices.query_one(OptionList)
        eu = sim.state.find_nap("eu-only")
        assert eu is not None and options.get_option(eu.sid).disabled  # already allows Telekom DE
        options.highlighted = options.get_option_index(nap.sid)
        await pilot.press("enter")
        await ready(pilot)
        assert isinstance(app.screen, ConfirmNapChanges)
        await pilot.click("#apply")
        await ready(pilot)
    assert telekom in nap.network_sids


async def test_clone_and_compare_from_the_naps_tab() -> None:
    """On the NAPs tab, y clones the highlighted NAP under a new name (same networks); d opens the compare
    view for it."""
    sim = demo_simulator()
    app = build_app(sim)
    source = sim.state.find_nap("uk-ie")
    assert source is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        table = app.screen.query_one("#naps-table", DataTable)
        table.move_cursor(row=table.get_row_index(source.sid))
        await pilot.press("y")
        await ready(pilot)
        assert isinstance(app.screen, NameForm)
        assert app.screen.query_one("#name", Input).value == "uk-ie-copy"
        await pilot.press("enter")
        await ready(pilot)
        copy = sim.state.find_nap("uk-ie-copy")
        assert copy is not None and copy.network_sids == source.network_sids and copy.sid != source.sid
        table = app.screen.query_one("#naps-table", DataTable)
        table.move_cursor(row=table.get_row_index(source.sid))
        await pilot.press("d")
        await ready(pilot)
        assert isinstance(app.screen, NapCompareScreen) and app.screen.nap.sid == source.sid


async def test_fleet_form_refuses_a_name_another_fleet_has() -> None:
    """Saving a fleet under another fleet's name is refused in the form's error line, nothing sent; its own name is
    fine."""
    sim = demo_simulator()
    app = build_app(sim)
    fleet = sim.state.find_fleet("eu-trackers")
    assert fleet is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        form = await open_fleet_form(pilot, fleet.sid)
        sent = len(sim.request_log)
        form.query_one("#fleet-name", Input).value = "us-meters"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Unique name: 'us-meters' is already used by another fleet" in form_error(form)
        assert isinstance(app.screen, FleetForm) and fleet.unique_name == "eu-trackers"
        assert all(r.method == "GET" for r in sim.request_log[sent:])
        form.query_one("#fleet-name", Input).value = "eu-trackers"
        form.query_one("#fleet-limit", Input).value = "321"
        await pilot.press("ctrl+s")
        await ready(pilot)
        assert not isinstance(app.screen, FleetForm)
    assert fleet.data_limit == 321


async def test_fleet_form_escape_keeps_typed_values_until_pressed_twice() -> None:
    """Esc on a form with edits does not throw them away at once: the error line says so and a second Esc
    discards (nothing created); Esc on an untouched form closes it at once."""
    sim = demo_simulator()
    app = build_app(sim)
    before = len(sim.state.fleets)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        form = await open_fleet_form(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FleetForm)
        form = await open_fleet_form(pilot)
        await pilot.press(*"lab-x", "escape")
        await pilot.pause()
        assert app.screen is form and form.query_one("#fleet-name", Input).value == "lab-x"
        assert "Esc again" in form_error(form)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FleetForm)
    assert len(sim.state.fleets) == before


async def test_new_fleet_form_refuses_a_taken_name_first_and_esc_after_a_refused_save_asks_again() -> None:
    """A new fleet typed under a taken name, no NAP chosen yet: Ctrl+S names the taken name first (the form's
    first field), not the NAP (before, the name was refused only once the NAP was chosen). Esc, Ctrl+S (refused),
    Esc: the error line no longer says "Esc again discards", so that Esc asks again instead of throwing the typed
    values away."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        form = await open_fleet_form(pilot)
        await pilot.press(*"us-meters", "ctrl+s")
        await pilot.pause()
        assert "Unique name: 'us-meters' is already used by another fleet" in form_error(form)
        await pilot.press("escape", "ctrl+s", "escape")
        await pilot.pause()
        assert app.screen is form and form.query_one("#fleet-name", Input).value == "us-meters"
        assert "Esc again" in form_error(form)


async def test_nap_compare_at_80_columns_then_widened() -> None:
    """NAP compare of global with eu-only (every eu-only network is in global) opened at 80x24: the "Only in B (0)"
    column says "none" instead of showing an empty table, the columns with networks still show their tables.
    The terminal then widened to 120x36: the tables gain the MCC-MNC column and every operator name and code is
    shown whole (the columns are not kept at their headers' widths). One app for both: the same opening."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_nap_compare(pilot, "global", "eu-only")
        title = str(screen.query_one("#compare-only-b-title").render())
        assert "Only in B (0)" in title and "none" in title, title
        assert not screen.query_one("#compare-only-b", DataTable).display
        assert screen.query_one("#compare-both", DataTable).display
        assert screen.query_one("#compare-both", DataTable).row_count > 0
        assert "none" not in str(screen.query_one("#compare-both-title").render())

        await pilot.resize_terminal(120, 36)
        await ready(pilot)
        await pilot.pause()
        table = app.screen.query_one("#compare-both", DataTable)
        assert table.row_count > 0
        row = table.get_row_at(0)
        line = "".join(strip.text for strip in [table.render_line(1)])
        assert str(row[0]) in line and str(row[2]) in line, (line, row)
