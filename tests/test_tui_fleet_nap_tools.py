"""Issue 18 in the TUI: the fleet form's commands settings, the catalog's exact country matching and bulk
toggles, NAPs containing a network, NAP clone and compare; each checked on the simulator's state afterwards."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input, Select

from supersim_tui.tui.forms import FleetForm

from .test_tui import build_app, demo_simulator
from .test_tui_naps import ready


async def open_fleet_form(pilot: object, fleet_sid: str | None = None) -> FleetForm:
    app = pilot.app  # type: ignore[attr-defined]
    if fleet_sid is None:
        await pilot.press("n")  # type: ignore[attr-defined]
    else:
        table = app.query_one("#fleets-table", DataTable)
        table.move_cursor(row=table.get_row_index(fleet_sid))
        await pilot.press("e")  # type: ignore[attr-defined]
    await ready(pilot)
    assert isinstance(app.screen, FleetForm)
    return app.screen  # type: ignore[no-any-return]


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
        form.query_one("#fleet-nap", Select).value = sim.state.find_nap("apac").sid  # type: ignore[union-attr]
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
        assert fleet.unique_name == "eu-trackers" and fleet.ip_commands_url is None
        form.query_one("#fleet-name", Input).value = "eu-trackers"
        form.query_one("#fleet-ip-method", Select).value = "GET"
        await pilot.press("ctrl+s")
        await ready(pilot)
        assert not isinstance(app.screen, FleetForm)
    assert (fleet.ip_commands_url, fleet.ip_commands_method, fleet.unique_name) == (
        "https://example.com/ip",
        "GET",
        "eu-trackers",
    )
