"""Filters typed a key at a time (tui/filter_input.py): the rows and the count follow the value while the key is
handled (so they are painted in the frame that echoes the key), and the field still scrolls to its cursor."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from supersim_tui.tui.catalog import CatalogScreen
from supersim_tui.tui.filter_input import FilterInput
from supersim_tui.tui.sims_pane import SimsPane
from supersim_tui.tui.vtable import VirtualTable

from .conftest import build_app, demo_simulator, settle


async def test_catalog_rows_and_count_follow_the_filter_before_any_message() -> None:
    """The moment the filter's value changes (no message handled yet), the catalog shows the matching networks and
    says how many: nothing waits for ``Input.Changed``, which arrives after the key's echo has been painted."""
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CatalogScreen)
        total = len(screen.rows)
        screen.query_one("#catalog-filter", Input).value = "germany"  # as a key does; nothing awaited after
        assert {row.network.iso_country for row in screen.shown} == {"DE"}
        assert screen.query_one("#catalog-table", VirtualTable).row_count == len(screen.shown)
        summary = str(screen.query_one("#catalog-summary", Static).render())
        assert f"{len(screen.shown)} of {total} networks shown" in summary


async def test_sims_rows_and_count_follow_the_local_filter_before_any_message() -> None:
    """The same for the SIMs pane's ``/`` filter over the index: rows and count bar current with the value."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3", "slash")
        await settle(pilot)
        pane = app.query_one(SimsPane)
        total = pane.table.row_count
        pane.query_one("#sims-search", Input).value = "us-meters"
        expected = sum(1 for row in range(len(pane.index)) if "us-meters" in pane.index.haystacks()[row])
        assert 0 < pane.table.row_count == expected < total
        assert f"{expected} of {total} SIMs" in str(pane.query_one("#sims-count", Static).render())


class FieldsApp(App[None]):
    def compose(self) -> ComposeResult:
        yield FilterInput(id="filter")
        yield Input(id="plain")
        yield Static("below")


async def test_filter_input_scrolls_to_its_cursor_as_an_input_does() -> None:
    """Text wider than the field: the end (where the cursor is) stays in view, exactly as in Textual's Input;
    shortened, the scroll follows back; cleared, the field shows its start again."""
    app = FieldsApp()
    async with app.run_test(size=(30, 10)) as pilot:
        fields = [app.query_one("#filter", Input), app.query_one("#plain", Input)]
        assert isinstance(fields[0], FilterInput)

        async def in_both(edit: Callable[[Input], None]) -> list[tuple[float, str]]:
            for field in fields:
                edit(field)  # what a key does
            await pilot.pause()
            return [(field.scroll_x, field.render_line(0).text.rstrip()) for field in fields]

        def typing(field: Input) -> None:
            for word in ("a-long-", "filter-text-", "wider-than-the-field"):
                field.insert_text_at_cursor(word)

        typed = await in_both(typing)
        assert typed[0] == typed[1] and typed[0][0] > 0 and "field" in typed[0][1]

        def backspaces(field: Input) -> None:
            for _ in range(12):
                field.action_delete_left()

        shortened = await in_both(backspaces)
        assert shortened[0] == shortened[1] and "wider" in shortened[0][1]
        for field in fields:
            field.value = ""
        await pilot.pause()
        assert [field.scroll_x for field in fields] == [0, 0]


async def test_sims_filter_too_long_for_its_field_ends_with_an_ellipsis_once_entered() -> None:
    """At 80x24, `/us-meters-0000 !inactive` Enter: the field (narrower than the text) shows the filter's start
    ending in "…", so a part is not read as the whole filter; `/` again shows the text to edit, no ellipsis."""
    sim = demo_simulator(sims=300, settle_seconds=0)
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "slash", *"us-meters-0000 !inactive", "enter")
        await settle(pilot)
        field = app.query_one("#sims-search", Input)
        assert not field.has_focus and field.value == "us-meters-0000 !inactive"
        assert field.scrollable_content_region.width < len(field.value)  # the case: the field is narrower
        shown = field.render_line(0).text.rstrip()
        assert shown.endswith("…") and "us-meters-0000 !inactive".startswith(shown[:-1]), shown
        assert field.region.right <= app.query_one("#sims-count").region.x
        await pilot.press("slash")
        await pilot.pause()
        assert field.has_focus and "…" not in field.render_line(0).text
