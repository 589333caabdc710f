"""A consent dialog whose body is taller than the terminal (QA round, session 8): at 80x24, moving the
eu-trackers SIMs to a fleet on another NAP lists the networks and 30 countries lost, and the dialog ran off the
bottom of the screen: the box to type the number in and both buttons were not on screen (nor the footer), so
the question could only be answered blind. The body now scrolls and the question stays in view."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Button, Input, OptionList

from supersim_tui.tui.app import SuperSimApp
from supersim_tui.tui.consent import TypedConfirm
from supersim_tui.tui.dialogs import ChoiceScreen, Confirm

from .conftest import build_app, demo_simulator, settle, until

COUNTRIES = ("germany", "austria", "belgium", "france", "italy", "spain")


def on_screen(app: SuperSimApp, widget: Widget) -> bool:
    """The widget is painted whole inside the terminal (a clipped widget has an empty region)."""
    region = widget.region
    width, height = app.size
    return region.height > 0 and region.y >= 0 and region.bottom <= height and region.right <= width


async def test_a_long_move_plan_keeps_the_typed_box_and_buttons_on_screen_at_80x24() -> None:
    """At 80x24 the move's confirmation (networks and countries lost) shows the typed box and both buttons;
    typing the number in the box and Enter starts the run, as at any size."""
    sim = demo_simulator(settle_seconds=0)
    target = sim.state.find_fleet("na-logistics")
    assert target is not None
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "/", *"eu-trackers", "enter", "a")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y", "m")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index(target.sid)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, TypedConfirm), seconds=30)
        dialog = app.screen
        assert isinstance(dialog, TypedConfirm)
        await pilot.pause()
        box = dialog.query_one("#typed-answer", Input)
        for widget in (box, dialog.query_one("#yes", Button), dialog.query_one("#no", Button)):
            assert on_screen(app, widget), (widget, widget.region, app.size)
        await pilot.press("tab")  # as the prompt says: Tab moves to the box
        assert app.focused is box
        phrase = dialog.consent.phrase
        await pilot.press(*phrase, "enter")
        await until(pilot, lambda: not isinstance(app.screen, TypedConfirm))


async def test_the_nap_review_keeps_its_typed_box_and_buttons_on_screen_at_80x24() -> None:
    """At 80x24, removing the networks of six countries from eu-only (a long list of changes; Germany cut off,
    so the NAP's name is typed) put Apply and Cancel, and with a longer list the box too, below the screen's edge.
    Now they are on screen, Tab still goes from Cancel to the box, and typing the name applies the change."""
    from .test_tui_naps import filter_to, open_nap

    sim = demo_simulator()
    app = build_app(sim)
    nap = sim.state.find_nap("eu-only")
    assert nap is not None
    countries = {"DE", "AT", "BE", "FR", "IT", "ES"}
    removed = {sid for sid in nap.network_sids if sim.state.networks[sid].iso_country in countries}
    assert len(removed) >= 12
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_nap(pilot, "eu-only")
        for country in COUNTRIES:  # every network of each: a long list of changes, Germany cut off (typed)
            await filter_to(pilot, screen, country)
            await pilot.press("t")
        await pilot.press("a")
        await settle(pilot)
        await pilot.pause()
        box = app.screen.query_one("#typed-answer", Input)
        assert box.display
        for widget in (box, app.screen.query_one("#apply", Button), app.screen.query_one("#cancel", Button)):
            assert on_screen(app, widget), (widget, widget.region, app.size)
        assert app.focused is not None and app.focused.id == "cancel"
        await pilot.press("tab")
        assert app.focused is box
        await pilot.press(*"eu-only", "enter")
        await settle(pilot)
    assert not removed & set(nap.network_sids)
