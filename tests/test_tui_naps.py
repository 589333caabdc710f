"""Fleets, NAPs and the network catalog in the TUI: every flow checked on the simulator's state afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select

from supersim_tui.simulator import Simulator
from supersim_tui.tui.catalog import CatalogScreen, catalog_rows, filter_rows
from supersim_tui.tui.consent import TypedConfirm
from supersim_tui.tui.forms import FleetForm, NameForm
from supersim_tui.tui.nap_review import ConfirmNapChanges
from supersim_tui.tui.sims_pane import SimsPane
from supersim_tui.tui.vtable import VirtualTable

from .conftest import Run, build_app, demo_simulator
from .conftest import settle as ready


async def open_nap(pilot: Pilot[Any], name: str) -> CatalogScreen:
    app = pilot.app
    await pilot.press("2")
    table = app.query_one("#naps-table", DataTable)
    table.move_cursor(row=[str(table.get_row_at(i)[0]) for i in range(table.row_count)].index(name))
    await pilot.press("enter")
    await ready(pilot)
    assert isinstance(app.screen, CatalogScreen)
    return app.screen


async def filter_to(pilot: Pilot[Any], screen: CatalogScreen, text: str) -> None:
    screen.query_one("#catalog-filter", Input).value = text
    await pilot.pause()
    screen.query_one("#catalog-table", VirtualTable).focus()
    await pilot.pause()


def test_filter_matches_country_names_codes_and_plmns(simulator: Simulator) -> None:
    """Filtering finds networks by country name, ISO code, MCC, MCC-MNC and operator, all words required."""
    from supersim_tui.api import Network
    from supersim_tui.api.models import Identifier

    networks = [
        Network(
            sid=n.sid,
            friendly_name=n.friendly_name,
            iso_country=n.iso_country,
            identifiers=[Identifier(m, c) for m, c in n.identifiers],
        )
        for n in simulator.state.networks.values()
    ]
    rows = catalog_rows(networks)
    assert {r.network.friendly_name for r in filter_rows(rows, "germany")} == {"Telekom", "Vodafone", "O2"}
    assert {r.network.friendly_name for r in filter_rows(rows, "de")} >= {"Telekom", "Vodafone", "O2"}
    assert [r.network.friendly_name for r in filter_rows(rows, "262-01")] == ["Telekom"]
    assert {r.network.iso_country for r in filter_rows(rows, "vodafone")} >= {"DE", "GB", "ES", "IT"}
    assert [r.country for r in filter_rows(rows, "vodafone spain")] == ["Spain"]
    by_310 = filter_rows(rows, "310")  # MCC 310 (US) or MNC 310 (Claro AR), never a digit run inside 28310
    assert {r.network.iso_country for r in by_310} == {"US", "AR"}
    assert all(any("310" in (mcc, mnc) for mcc, mnc in r.codes) for r in by_310)
    assert len(filter_rows(rows, "")) == len(rows)


async def test_toggle_networks_with_impact_preview() -> None:
    """Stage an add and a remove, see the fleets and SIMs affected, apply: the NAP really changes."""
    sim = demo_simulator()
    app = build_app(sim)
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    before = list(nap.network_sids)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_nap(pilot, "us-only")
        await filter_to(pilot, screen, "262-03")
        await pilot.press("space")
        await filter_to(pilot, screen, "t-mobile united states")
        await pilot.press("space")
        assert "staged: +1 −1" in str(screen.query_one("#catalog-summary").render())
        await pilot.press("a")
        await ready(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmNapChanges)
        impact = str(dialog.query_one("#confirm-impact").render())
        fleet = sim.state.find_fleet("us-meters")
        assert fleet is not None
        active = sum(1 for s in sim.state.sims.values() if s.fleet_sid == fleet.sid and s.status == "active")
        assert f"us-meters: {active} active" in impact and "up to a week" in impact
        await pilot.click("#apply")
        await ready(pilot)
        await pilot.pause(0.3)  # a button ignores a second press within 0.2 s of the first
        await pilot.press("enter")  # "Done" has the focus
        await ready(pilot)
    o2 = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("262", "03"))
    tmobile = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("310", "260"))
    assert o2 in nap.network_sids and tmobile not in nap.network_sids
    assert set(nap.network_sids) == (set(before) | {o2}) - {tmobile}


async def test_removing_every_network_warns_loudly_and_cancel_changes_nothing() -> None:
    """Staging the removal of all of a NAP's networks shows a loud warning; Cancel leaves the NAP as it was."""
    sim = demo_simulator()
    app = build_app(sim)
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    before = list(nap.network_sids)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await open_nap(pilot, "us-only")
        await filter_to(pilot, screen, "united states")
        for _ in range(screen.query_one("#catalog-table", VirtualTable).row_count):
            await pilot.press("space", "down")
        await pilot.press("a")
        await ready(pilot)
        impact = str(app.screen.query_one("#confirm-impact").render())
        assert "NO network at all" in impact
        assert "Apply anyway" in str(app.screen.query_one("#apply").label)  # type: ignore[attr-defined]
        await pilot.press("escape")
        await ready(pilot)
        assert isinstance(app.screen, CatalogScreen)
    assert nap.network_sids == before


async def stage_telekom_and_vodafone_de(pilot: Pilot[Any]) -> CatalogScreen:
    """NAP us-only's catalog, with Telekom DE (262-01) and Vodafone DE (262-02) staged to add, under review."""
    screen = await open_nap(pilot, "us-only")
    for plmn in ("262-01", "262-02"):
        await filter_to(pilot, screen, plmn)
        await pilot.press("space")
    await pilot.press("a")
    await ready(pilot)
    return screen


async def test_api_failure_names_the_network_and_keeps_it_staged() -> None:
    """A change the API keeps refusing is reported by name with the reason, stays staged, and the view
    shows the NAP as the server has it."""
    sim = demo_simulator()
    app = build_app(sim, attempts=2)
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await stage_telekom_and_vodafone_de(pilot)
        sim.force_faults("503", "503", method="POST", path_prefix=f"/v1/NetworkAccessProfiles/{nap.sid}/Networks")
        await pilot.click("#apply")
        await ready(pilot)
        impact = str(app.screen.query_one("#confirm-impact").render())
        assert "✗ Add Telekom DE (262-01)" in impact and "Service unavailable" in impact
        assert "✓ Add Vodafone DE (262-02)" in impact
        await pilot.pause(0.3)  # a button ignores a second press within 0.2 s of the first
        await pilot.press("enter")  # "Done" has the focus
        await ready(pilot)
        assert isinstance(app.screen, CatalogScreen)
        telekom = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("262", "01"))
        vodafone = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("262", "02"))
        assert app.screen.staged == {telekom: True}
        assert app.screen.enabled == set(nap.network_sids)
        assert vodafone in nap.network_sids and telekom not in nap.network_sids


async def test_what_an_apply_added_shows_on_when_the_re_read_after_it_fails() -> None:
    """One add refused, one made, then the NAP's networks cannot be read again: the network the API added shows
    on (it showed off, as before the apply), the refused one stays staged, and the summary says the re-read
    failed."""
    sim = demo_simulator()
    app = build_app(sim, attempts=2)
    nap = sim.state.find_nap("us-only")
    assert nap is not None
    path = f"/v1/NetworkAccessProfiles/{nap.sid}/Networks"
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        screen = await stage_telekom_and_vodafone_de(pilot)
        sim.force_faults("503", "503", method="POST", path_prefix=path)
        await pilot.click("#apply")
        await ready(pilot)
        sim.force_faults("503", "503", "503", "503", method="GET", path_prefix=path)
        await pilot.pause(0.3)  # a button ignores a second press within 0.2 s of the first
        await pilot.press("enter")  # "Done"
        await ready(pilot)
        assert app.screen is screen
        telekom = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("262", "01"))
        vodafone = next(s for s, n in sim.state.networks.items() if n.identifiers[0] == ("262", "02"))
        assert vodafone in nap.network_sids and screen.problem is not None
        assert str(screen._state(vodafone)) == "● on" and screen.staged == {telekom: True}


async def test_edit_fleet_nap_shows_changes_first() -> None:
    """Changing a fleet's NAP previews networks gained and lost; only the second Save changes the fleet, and as
    the change cuts a country off for many SIMs, only once the fleet's name is typed."""
    sim = demo_simulator()
    app = build_app(sim)
    fleet = sim.state.find_fleet("us-meters")
    eu = sim.state.find_nap("eu-only")
    assert fleet is not None and eu is not None
    old_nap = fleet.network_access_profile_sid
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        table = app.query_one("#fleets-table", DataTable)
        table.move_cursor(row=table.get_row_index(fleet.sid))
        await pilot.press("e")
        await ready(pilot)
        form = app.screen
        assert isinstance(form, FleetForm)
        form.query_one("#fleet-nap", Select).value = eu.sid
        await pilot.press("ctrl+s")
        await ready(pilot)
        preview = str(form.query_one("#form-preview").render())
        assert "Gains 96 networks" in preview and "Loses 5 networks" in preview
        assert "No network would be left in US" in preview
        assert fleet.network_access_profile_sid == old_nap  # not yet
        await pilot.press("ctrl+s")  # it cuts the US off for many SIMs: the fleet's name must be typed
        await ready(pilot)
        assert isinstance(app.screen, TypedConfirm) and fleet.network_access_profile_sid == old_nap
        app.screen.query_one(Input).focus()
        await pilot.press(*"us-meters", "enter")
        await ready(pilot)
    assert fleet.network_access_profile_sid == eu.sid


async def test_create_fleet_validates_then_creates() -> None:
    """A bad data limit is named and nothing is created; a good form creates the fleet."""
    sim = demo_simulator()
    app = build_app(sim)
    count = len(sim.state.fleets)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, FleetForm)
        form.query_one("#fleet-name", Input).value = "pumps"
        form.query_one("#fleet-limit", Input).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Data limit: expected a whole number" in str(form.query_one("#form-error").render())
        assert "NAP" not in str(form.query_one("#form-error").render())
        form.query_one("#fleet-limit", Input).value = "64"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "NAP: choose" in str(form.query_one("#form-error").render())
        form.query_one("#fleet-nap", Select).value = sim.state.find_nap("apac").sid  # type: ignore[union-attr]
        await pilot.press("ctrl+s")
        await ready(pilot)
        assert len(sim.state.fleets) == count + 1
        assert "pumps" in [str(c) for c in app.query_one("#fleets-table", DataTable).get_column("fleet")]
    created = sim.state.find_fleet("pumps")
    assert created is not None and created.data_limit == 64


async def test_new_nap_from_catalog_picks_and_rename() -> None:
    """A new NAP gets its name, then networks picked in the catalog, in one create; it can be renamed."""
    sim = demo_simulator()
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("2", "n")
        assert isinstance(app.screen, NameForm)
        app.screen.query_one("#name", Input).value = "dach"
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        for plmn in ("262-01", "232-01", "228-01"):
            await filter_to(pilot, screen, plmn)
            await pilot.press("space")
        await pilot.press("a")
        await ready(pilot)
        nap = sim.state.find_nap("dach")
        assert nap is not None
        assert {sim.state.networks[s].iso_country for s in nap.network_sids} == {"DE", "AT", "CH"}
        table = app.query_one("#naps-table", DataTable)
        table.move_cursor(row=table.get_row_index(nap.sid))
        await pilot.press("e")
        app.screen.query_one("#name", Input).value = "dach-iot"
        await pilot.press("enter")
        await ready(pilot)
    assert nap.unique_name == "dach-iot"


async def test_fleet_to_its_sims_and_back() -> None:
    """s on a fleet shows only that fleet's SIMs; x clears the filter."""
    sim = demo_simulator()
    app = build_app(sim)
    fleet = sim.state.find_fleet("apac-kiosks")
    assert fleet is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        table = app.query_one("#fleets-table", DataTable)
        table.move_cursor(row=table.get_row_index(fleet.sid))
        await pilot.press("s")
        await ready(pilot)
        sims = app.query_one(SimsPane).table
        expected = [s.iccid for s in sim.state.sims.values() if s.fleet_sid == fleet.sid]
        assert [str(sims.get_row_at(i)[1]) for i in range(sims.row_count)] == expected  # [0] is the mark
        await pilot.press("x")
        await ready(pilot)
        assert sims.row_count == 300 and app.query_one(SimsPane).filter_label is None  # every SIM, indexed


async def test_help_panel_lists_the_focused_panes_keys() -> None:
    """? shows the keys of the focused pane (here the fleets pane's New fleet / Edit)."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        panel = app.screen.query("HelpPanel")
        assert panel
        text = app.export_screenshot().replace("&#160;", " ")
        assert "New fleet" in text and "Its SIMs" in text


def test_snapshots_catalog_confirm_form_help(snap_compare: Callable[..., bool]) -> None:
    """Catalog filtered by a country, the NAP change confirmation, the fleet edit form, help: as pictures."""
    pictures = []

    async def catalog(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        screen = await open_nap(pilot, "eu-only")
        await filter_to(pilot, screen, "portugal")
        await pilot.press("space")

    async def confirm(pilot: Pilot[Any]) -> None:
        await catalog(pilot)
        await pilot.press("a")
        await ready(pilot)

    async def form(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("down", "e")
        await ready(pilot)

    async def help_panel(pilot: Pilot[Any]) -> None:
        await ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    for before, size in ((catalog, (120, 36)), (confirm, (120, 36)), (form, (80, 24)), (help_panel, (120, 36))):
        pictures.append(snap_compare(build_app(demo_simulator()), terminal_size=size, run_before=before))
    assert all(pictures)


def test_typing_a_plmn_never_empties_the_list_midway(simulator: Simulator) -> None:
    """Each prefix typed on the way to 262-01 (and 26201) still shows Telekom DE."""
    from supersim_tui.api import Network
    from supersim_tui.api.models import Identifier

    rows = catalog_rows(
        [
            Network(
                sid=n.sid,
                friendly_name=n.friendly_name,
                iso_country=n.iso_country,
                identifiers=[Identifier(m, c) for m, c in n.identifiers],
            )
            for n in simulator.state.networks.values()
        ]
    )
    for text in ("262-01", "26201"):
        for end in range(3, len(text) + 1):
            assert "Telekom" in {r.network.friendly_name for r in filter_rows(rows, text[:end])}, text[:end]


async def test_a_nap_with_many_countries_keeps_its_fleets_in_sight_and_says_how_many_more() -> None:
    """The NAP "global" (140 countries) at 80x24 and 120x36: the detail strip shows its fleets and the hint line;
    the countries that do not fit end with how many more there are (before, the list ran past the strip's
    bottom: cut mid-list without an ellipsis, and the Fleets line was never seen)."""
    from textual.geometry import Region

    from supersim_tui.tui.panes import NapsPane

    sim = demo_simulator()
    for size in ((80, 24), (120, 36)):
        app = build_app(sim)
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            await pilot.press("2")
            await ready(pilot)
            pane = app.query_one(NapsPane)
            table = pane.table
            table.move_cursor(row=[str(table.get_row_at(i)[0]) for i in range(table.row_count)].index("global"))
            await pilot.pause()
            await pilot.pause()  # laid out again at the new height
            detail = pane.detail
            painted = "\n".join(strip.text for strip in detail.render_lines(Region(0, 0, *detail.outer_size)))
            assert "Fleets" in painted and "field-sensors" in painted, painted
            assert "more" in painted and "Enter: see and change its networks" in painted, painted


async def test_a_nap_no_fleet_uses_says_so_in_words_not_like_a_fleet_name() -> None:
    """The NAPs table's fleets cell for a NAP no fleet uses reads "— no fleet" (dim, like other empty cells); it
    read "unused", like a fleet of that name. `naps list` says it the same way."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("2")
        await ready(pilot)
        table = app.query_one("#naps-table", DataTable)
        naps = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
        cell = naps["uk-ie"][3]
        assert str(cell) == "— no fleet" and "dim" in str(cell.style), (str(cell), cell.style)
        assert all("unused" not in str(row[3]) for row in naps.values())


def test_naps_list_says_no_fleet_in_words(run: Run) -> None:
    """`naps list` (and `status`) print "- (no fleet)" for a NAP no fleet uses, never "unused"."""
    for argv in (("naps", "list"), ("status",)):
        code, out, err = run(*argv)
        assert code == 0, err
        line = next(row for row in out.splitlines() if row.startswith("uk-ie"))
        assert line.rstrip().endswith("- (no fleet)") and "unused" not in out, line
