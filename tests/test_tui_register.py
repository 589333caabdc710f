"""Registering SIMs on the register screen: fast entry, validation as typed, the persistent queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from supersim_tui.ops.register_queue import FAILED, QUEUED, REGISTERED, Entry, RegistrationQueue
from supersim_tui.simulator.seed import registrable_examples
from supersim_tui.tui.register import RegisterScreen

from .conftest import build_app, demo_simulator, settle_registrations, until


async def type_sim(pilot: Pilot[Any], iccid: str, code: str, *, keys: bool = False) -> None:
    """Enter a SIM as a scanner would: ICCID, Enter, code, Enter (key by key, or each field at once)."""
    if keys:
        await pilot.press(*iccid, "enter", *code, "enter")
        return
    screen = pilot.app.screen
    screen.query_one("#iccid", Input).value = iccid
    await pilot.press("enter")
    screen.query_one("#code", Input).value = code
    await pilot.press("enter")


async def test_register_three_good_one_bad_luhn_one_wrong_code() -> None:
    """Three valid SIMs register (one into a fleet with a name pattern); a wrong check digit is refused as
    typed and never sent; a wrong code fails with the API's reason; focus returns to the ICCID each time."""
    sim = demo_simulator()
    app = build_app(sim)
    (a, code_a), (b, code_b), (c, code_c), (d, _code_d) = registrable_examples(sim.state, 4)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3", "n")
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        await type_sim(pilot, a[:4] + " " + a[4:8] + "-" + a[8:], code_a, keys=True)  # spaces, dashes: a label
        assert app.focused is screen.query_one("#iccid", Input)
        bad = a[:-1] + str((int(a[-1]) + 1) % 10)
        await pilot.press(*bad, "enter")
        problem = str(screen.query_one("#iccid-problem", Static).render())
        assert "check digit is wrong" in problem and app.focused is screen.query_one("#iccid", Input)
        screen.query_one("#iccid", Input).value = ""
        await pilot.press(*a, "enter")  # the same SIM again in this session: refused, focus stays
        assert "Already in this session" in str(screen.query_one("#iccid-problem", Static).render())
        assert app.focused is screen.query_one("#iccid", Input)
        screen.query_one("#iccid", Input).value = ""
        screen.query_one("#fleet").value = sim.state.find_fleet("lab-bench").sid  # type: ignore[attr-defined,union-attr]
        screen.query_one("#pattern", Input).value = "door-{n}"
        await type_sim(pilot, b, code_b)
        await type_sim(pilot, c, code_c)
        await type_sim(pilot, d, "WRONGCODE1")
        await settle_registrations(pilot, app.registrations, 4)
        statuses = {iccid: e.status for iccid, e in app.registrations.entries.items()}
        assert statuses == {a: REGISTERED, b: REGISTERED, c: REGISTERED, d: FAILED}
        assert "registration code" in app.registrations.entries[d].detail
    registered = {i: sim.state.sims[sim.state.sims_by_iccid[i]] for i in (a, b, c)}
    assert bad not in sim.state.sims_by_iccid and d not in sim.state.sims_by_iccid
    lab = sim.state.find_fleet("lab-bench")
    # {n} counts the SIMs named by this pattern (a was registered without one)
    assert (registered[b].unique_name, registered[b].fleet_sid) == ("door-1", lab.sid)  # type: ignore[union-attr]
    assert (registered[c].unique_name, registered[c].fleet_sid) == ("door-2", lab.sid)  # type: ignore[union-attr]
    posts = [dict(r.form)["Iccid"] for r in sim.request_log if r.method == "POST" and r.path == "/v1/Sims"]
    assert sorted(posts) == sorted([a, b, c, d])


async def test_queue_survives_closing_and_waits_out_an_outage(tmp_path: Path) -> None:
    """Entries are written before they are sent: a queue reopened after the app closed carries on; while the
    API fails they wait and are retried, then register."""
    sim = demo_simulator()
    (a, code_a), (b, code_b) = registrable_examples(sim.state, 2)
    path = tmp_path / "queue.jsonl"
    first = RegistrationQueue.open(path)
    first.add(Entry(a, code_a))
    first.add(Entry(b, code_b))
    reopened = RegistrationQueue.open(path)
    assert [e.status for e in reopened.entries.values()] == [QUEUED, QUEUED]
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    sim.force_faults("503", "503", "503", "503", method="POST", path_prefix="/v1/Sims")
    app = build_app(sim, attempts=1)
    app.registrations = reopened
    async with app.run_test(size=(100, 30)) as pilot:
        # Pending entries start the (endless) queue worker at mount: no wait_for_complete here.
        for _ in range(300):
            if any(e.status == "waiting" for e in reopened.entries.values()):
                break
            await pilot.pause(0.01)
        assert any(e.status == "waiting" for e in reopened.entries.values())
        for _ in range(20):  # each round: every entry registered or waiting, then retried now, not after the back-off
            await until(pilot, lambda: all(e.final or e.status == "waiting" for e in reopened.entries.values()))
            if all(e.final for e in reopened.entries.values()):
                break
            for e in reopened.entries.values():
                if e.status == "waiting":
                    e.status = QUEUED
            app.registrations_wake.set()
    assert {e.status for e in reopened.entries.values()} == {REGISTERED}
    assert a in sim.state.sims_by_iccid and b in sim.state.sims_by_iccid
    final = RegistrationQueue.open(path)
    assert not final.pending


def test_register_screen_snapshot(snap_compare: object) -> None:
    """The register screen at 80x24 with a validation message."""

    async def before(pilot: Pilot[Any]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.press("3", "n")
        await pilot.press(*"89883071111687722788")
        await pilot.pause()

    assert snap_compare(build_app(demo_simulator()), terminal_size=(80, 24), run_before=before)  # type: ignore[operator]


async def test_csv_import_previews_and_marks_bad_rows_before_anything_is_sent(tmp_path: Path) -> None:
    """ctrl+o: the preview marks bad rows (check digit, length, unknown fleet, duplicate) with reasons and
    nothing is sent; queueing sends only the good rows, which register into the named fleet."""
    from textual.widgets import Button, DataTable

    from supersim_tui.tui.csv_import import CsvImportScreen

    sim = demo_simulator()
    (a, code_a), (b, code_b), (c, code_c) = registrable_examples(sim.state, 3)
    bad_luhn = a[:-1] + str((int(a[-1]) + 1) % 10)
    csv_file = tmp_path / "box.csv"
    csv_file.write_text(
        "iccid,registration_code,fleet,unique_name\n"
        f"{a},{code_a},us-meters,box-1\n{b},{code_b},,\n{c},{code_c},no-such-fleet,\n"
        f"{bad_luhn},{code_a},,\n8988307,{code_a},,\n{a},{code_a},,\n",
        encoding="utf-8",
    )
    app = build_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3", "n", "ctrl+o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CsvImportScreen)
        screen.query_one("#csv-path", Input).value = str(csv_file)
        await pilot.press("enter")
        await pilot.pause()
        table = screen.query_one("#csv-preview", DataTable)
        cells = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        checks = {line: screen.reasons.get(line, cell) for line, cell in cells.items()}  # in full (cells are cut)
        assert checks["2"] == checks["3"] == "✓ ok"
        assert "no fleet 'no-such-fleet'" in checks["4"]
        assert "check digit" in checks["5"] and "16 digits" not in checks["5"]
        assert "7 digits" in checks["6"]
        assert "duplicate of line 2" in checks["7"]
        assert str(screen.query_one("#csv-queue", Button).label) == "Queue 2 good rows, skip 4 bad"
        assert not [r for r in sim.request_log if r.method == "POST"]  # a preview sends nothing

        await pilot.click("#csv-queue")
        await pilot.pause()
        queue = app.registrations
        await settle_registrations(pilot, queue, 2)
        assert {e.iccid: e.status for e in queue.entries.values()} == {a: REGISTERED, b: REGISTERED}
    registered = {s.iccid: s for s in sim.state.sims.values() if s.iccid in (a, b, c)}
    assert set(registered) == {a, b}
    assert registered[a].unique_name == "box-1"
    assert sim.state.fleets[registered[a].fleet_sid or ""].unique_name == "us-meters"


async def test_csv_import_names_what_is_wrong_with_the_file(tmp_path: Path) -> None:
    """ctrl+o on a FIFO, a directory, a non-UTF-8 file or a file with a cell over the csv module's limit: the
    screen says what is wrong (the line, for bad UTF-8 and bad CSV) without blocking or crashing."""
    import os

    from supersim_tui.tui.csv_import import CsvImportScreen

    fifo, folder, latin, huge = (tmp_path / n for n in ("pipe.csv", "dir.csv", "latin.csv", "huge.csv"))
    os.mkfifo(fifo)
    folder.mkdir()
    latin.write_bytes(b"iccid,registration_code\n\xe9,x\n")
    huge.write_text("iccid,registration_code\n1," + "x" * 140_000 + "\n")
    expected = {fifo: "FIFO", folder: "directory", latin: "line 2: not UTF-8", huge: "line 2: cannot be read as CSV"}
    app = build_app(demo_simulator())
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3", "n", "ctrl+o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CsvImportScreen)
        for path, text in expected.items():
            screen.query_one("#csv-path", Input).value = str(path)
            await pilot.press("enter")
            await pilot.pause(0.1)
            shown = str(screen.query_one("#csv-problem", Static).render())
            assert text in shown and str(path) in shown or text.startswith("line 2: cannot") and text in shown, shown


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_csv_import_preview_reads_at_80_and_120_columns(tmp_path: Path, size: tuple[int, int]) -> None:
    """The CSV import at 80x24 and 120x36: the File field's placeholder is shown whole (it was cut at "(Enter" at
    80 columns); after the preview every column of the table is in view (at 80 columns Fleet and Name were past
    the dialog's edge), the summary, the table and the highlighted row's reason each stand on their own lines
    with a blank line between them (they ran together), and with 16 rows the buttons stay on the screen (the
    table scrolls)."""
    from textual.widgets import DataTable

    from supersim_tui.tui.csv_import import CsvImportScreen

    sim = demo_simulator()
    (a, code_a), (b, code_b), *more = registrable_examples(sim.state, 16)
    csv_file = tmp_path / "box.csv"
    csv_file.write_text(
        f"iccid,registration_code,fleet,unique_name\n{a},{code_a},us-meters,box-1\n{b},{code_b},no-such-fleet,\n"
        + "".join(f"{iccid},{code},,\n" for iccid, code in more),
        encoding="utf-8",
    )
    app = build_app(sim)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("3", "n", "ctrl+o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CsvImportScreen)
        path = screen.query_one("#csv-path", Input)
        assert len(path.placeholder) <= path.content_region.width, path.placeholder
        path.value = str(csv_file)
        await pilot.press("enter")
        await pilot.pause()
        table = screen.query_one("#csv-preview", DataTable)
        await pilot.press("tab", "down")  # the table, its second row (the bad one)
        await pilot.pause()
        assert app.focused is table and table.cursor_row == 1
        assert table.virtual_size.width <= table.scrollable_content_region.width, "a column past the edge"
        summary, reason = screen.query_one("#csv-problem", Static), screen.query_one("#csv-row", Static)
        assert "15 rows ready, 1 bad" in str(summary.render())
        assert "no fleet 'no-such-fleet'" in str(reason.render())
        assert summary.region.bottom < table.region.y, (summary.region, table.region)
        assert table.region.bottom < reason.region.y, (table.region, reason.region)
        queue = screen.query_one("#csv-queue")
        assert queue.region.bottom <= size[1], "the buttons were pushed off the screen"
