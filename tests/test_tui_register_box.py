"""A whole box of SIMs scanned in one burst, with the mistakes a box has: a misread ICCID, a code with a typo.
Every card scanned ends up in the list with its outcome, and no card is ever sent with another card's code."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from supersim_tui.ops.register_queue import REGISTERED
from supersim_tui.simulator.seed import registrable_examples
from supersim_tui.tui.register import RegisterScreen

from .conftest import build_app, demo_simulator, settle_registrations
from .test_tui_bursts import burst


async def open_register(pilot: Pilot[Any]) -> RegisterScreen:
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.press("3", "n")
    assert isinstance(app.screen, RegisterScreen)
    return app.screen


def posted(sim: Any) -> list[tuple[str, str]]:
    return [
        (dict(r.form)["Iccid"], dict(r.form)["RegistrationCode"])
        for r in sim.request_log
        if r.method == "POST" and r.path == "/v1/Sims"
    ]


def row_text(screen: RegisterScreen, iccid: str) -> str:
    table = screen.query_one("#register-list", DataTable)
    return " ".join(str(cell) for cell in table.get_row(iccid))


async def test_a_code_with_a_typo_never_pairs_the_next_cards_code_with_this_card() -> None:
    """Card A's code has a typo (11 characters): it is refused. The scanner goes on with card B (ICCID, code) in
    the same burst. B's ICCID lands in the code field; it must be taken as B's ICCID, not refused as a code
    (which would send A with B's code, fail A and lose B). So: B registers with its own code, A is never sent,
    and A is listed as refused with the reason and what to do."""
    sim = demo_simulator()
    app = build_app(sim)
    (a, code_a), (b, code_b) = registrable_examples(sim.state, 2)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_register(pilot)
        await burst(pilot, app, f"{a}\r{code_a}X\r{b}\r{code_b}\r")
        await settle_registrations(pilot, app.registrations, 1)
        assert app.registrations.entries[b].status == REGISTERED
        assert a not in app.registrations.entries
        listed = row_text(screen, a)
        assert "✕ refused" in listed and "scan it again" in listed
        assert "refused 1" in str(screen.query_one("#register-summary", Static).render())
        assert app.focused is screen.query_one("#iccid", Input)
        screen.query_one("#register-list", DataTable).move_cursor(row=0)  # A's row: its reason in full below
        await pilot.pause()
        below = str(screen.query_one("#register-summary", Static).render())
        line = below.splitlines()[-1]  # under the counts
        assert line.startswith(a) and "11 characters" in line and "scan it again" in line
    assert posted(sim) == [(b, code_b)]


async def test_a_misread_iccid_in_a_burst_is_listed_as_refused_not_dropped_silently(tmp_path: Path) -> None:
    """A misread ICCID (wrong check digit) scanned with its code in a burst, between two good cards: the good
    cards register, the misread one is never sent and stays in the list (and the session's CSV export) as
    refused with the reason, so the technician can count the box; scanning it again correctly registers it."""
    sim = demo_simulator()
    app = build_app(sim)
    (a, code_a), (b, code_b), (c, code_c) = registrable_examples(sim.state, 3)
    bad = b[:-1] + str((int(b[-1]) + 1) % 10)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_register(pilot)
        await burst(pilot, app, f"{a}\r{code_a}\r{bad}\r{code_b}\r{c}\r{code_c}\r")
        await settle_registrations(pilot, app.registrations, 2)
        assert {i: e.status for i, e in app.registrations.entries.items()} == {a: REGISTERED, c: REGISTERED}
        listed = row_text(screen, bad)
        assert "✕ refused" in listed and "check digit" in listed
        summary = str(screen.query_one("#register-summary", Static).render())
        assert "registered 2" in summary and "refused 1" in summary
        screen.export_dir = tmp_path
        await pilot.press("ctrl+s")
        outcomes: dict[str, str] = {}
        for _ in range(200):  # the export runs in a worker (the queue's worker never completes: poll)
            await pilot.pause(0.02)
            for exported in tmp_path.glob("supersim-registered-*.csv"):  # noqa: ASYNC240 (a test)
                outcomes = {row["iccid"]: row["outcome"] for row in csv.DictReader(exported.open(encoding="utf-8"))}
            if len(outcomes) == 3:
                break
        assert outcomes == {a: "registered", c: "registered", bad: "refused"}
        await burst(pilot, app, f"{b}\r{code_b}\r")
        await settle_registrations(pilot, app.registrations, 3)
        assert app.registrations.entries[b].status == REGISTERED
        assert "registered" in row_text(screen, b)
    assert sorted(posted(sim)) == sorted([(a, code_a), (c, code_c), (b, code_b)])


async def open_csv_import(pilot: Pilot[Any]) -> Any:
    from supersim_tui.tui.csv_import import CsvImportScreen

    await open_register(pilot)
    await pilot.press("ctrl+o")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CsvImportScreen)
    return pilot.app.screen


async def preview(pilot: Pilot[Any], screen: Any, path: Path) -> None:
    screen.query_one("#csv-path", Input).value = str(path)
    await pilot.press("enter")
    await pilot.pause(0.1)


async def test_csv_preview_of_a_file_that_cannot_be_read_shows_no_rows_of_the_file_before(tmp_path: Path) -> None:
    """A good CSV previewed, then a path that cannot be read (missing, not UTF-8): the rows of the first file
    no longer show (they were left under the second file's name, ✓ ok, as if they were its rows), and nothing
    can be queued."""
    sim = demo_simulator()
    ((a, code_a),) = registrable_examples(sim.state, 1)
    good, latin = tmp_path / "good.csv", tmp_path / "latin.csv"
    good.write_text(f"iccid,registration_code\n{a},{code_a}\n", encoding="utf-8")
    latin.write_bytes(b"iccid,registration_code\n\xe9,x\n")
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_csv_import(pilot)
        await preview(pilot, screen, good)
        table = screen.query_one("#csv-preview", DataTable)
        assert table.row_count == 1 and table.display
        for unreadable in (latin, tmp_path / "missing.csv"):
            await preview(pilot, screen, unreadable)
            assert table.row_count == 0 or not table.display
            assert str(unreadable) in str(screen.query_one("#csv-problem", Static).render())
            assert screen.query_one("#csv-queue").disabled


async def test_csv_preview_reasons_are_cut_with_an_ellipsis_and_said_in_full_for_the_highlighted_row(
    tmp_path: Path,
) -> None:
    """A row with a long reason (a missing column): its Check cell is cut with an ellipsis so the Code, Fleet and
    Name columns stay in view (at 120 columns), and the highlighted row's reason is shown in full under the table."""
    sim = demo_simulator()
    (a, code_a), (b, _) = registrable_examples(sim.state, 2)
    box = tmp_path / "box.csv"
    box.write_text(f"iccid,registration_code,fleet\n{a},{code_a},us-meters\n{b}\n", encoding="utf-8")
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_csv_import(pilot)
        await preview(pilot, screen, box)
        table = screen.query_one("#csv-preview", DataTable)
        check = str(table.get_row("3")[2])
        assert check.endswith("…") and len(check) <= 32
        widths = [column.get_render_width(table) for column in table.ordered_columns]
        assert sum(widths) <= table.scrollable_content_region.width, widths  # Code, Fleet and Name in view
        table.move_cursor(row=1)
        await pilot.pause()
        said = str(screen.query_one("#csv-row", Static).render())
        assert said.startswith("Line 3:") and "expected 2 to 4 fields" in said


async def test_registrations_left_from_last_time_are_said_at_start_and_their_outcomes_when_done(
    tmp_path: Path,
) -> None:
    """Two registrations were still queued when the app was killed (one with a wrong code). At the next start the
    app says it is sending them (they were sent silently before), and once both have an outcome it says how
    many registered and failed, and where to read why, without the register screen being opened."""
    from supersim_tui.ops.register_queue import Entry, RegistrationQueue

    sim = demo_simulator()
    (a, code_a), (b, _) = registrable_examples(sim.state, 2)
    path = tmp_path / "queue.jsonl"
    left = RegistrationQueue.open(path)
    left.add(Entry(a, code_a))
    left.add(Entry(b, "WRONGCODE1"))
    app = build_app(sim)
    app.registrations = RegistrationQueue.open(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_registrations(pilot, app.registrations, 2)
        await pilot.pause(0.05)
        said = [str(n.message) for n in app._notifications]
        assert any("2 SIM registrations" in m and "last time" in m for m in said), said
        assert any("1 registered" in m and "1 failed" in m and "n on the SIMs tab" in m for m in said), said


async def test_at_80_columns_the_register_list_cuts_the_reason_column_with_an_ellipsis() -> None:
    """At 80x24 with a name pattern, a registered SIM's SID and a refused card's reason do not fit: each SIM /
    reason cell fits the room the other columns leave or ends in "…" (it ran off the screen's edge, cut without
    a mark); the highlighted row's reason is still said in full below."""
    sim = demo_simulator()
    (a, code_a), (b, code_b) = registrable_examples(sim.state, 2)
    app = build_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_register(pilot)
        screen.query_one("#pattern", Input).value = "meter-{last6}"
        await burst(pilot, app, f"{a}\r{code_a}\r{b}\r{code_b}X\r")
        await settle_registrations(pilot, app.registrations, 1)
        await pilot.pause()
        table = screen.query_one("#register-list", DataTable)
        others = sum(column.get_render_width(table) for column in table.ordered_columns[:-1])
        room = table.scrollable_content_region.width - others - 2 * table.cell_padding
        for row in range(table.row_count):
            detail = str(table.get_row_at(row)[-1])
            assert len(detail) <= room or detail.endswith("…"), (room, detail)
            assert len(detail) <= room, (room, detail)
        assert "scan it again" in str(screen.query_one("#register-summary", Static).render())
