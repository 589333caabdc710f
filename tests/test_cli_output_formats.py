"""Listing commands: --json, --jsonl, --csv and --fields on every list (fleets, NAPs, NAP networks, networks,
SIMs, runs); a wrong field lists the valid ones (exit 2, nothing read); numbers right-aligned in the human
tables. And `completion bash|zsh|fish`."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import httpx
import pytest

from supersim_tui import cli
from supersim_tui.commands import session as session_module
from supersim_tui.simulator import Simulator, asgi_transport

from .conftest import Run, instant_client

LISTS = [
    ("fleets", "list"),
    ("naps", "list"),
    ("naps", "networks", "eu-only"),
    ("networks", "list"),
    ("sims", "list", "--limit", "7"),
]


@pytest.mark.parametrize("argv", LISTS)
def test_json_jsonl_csv_agree(run: Run, argv: tuple[str, ...]) -> None:
    """The same records, whichever format: a JSON array, one JSON object a line, CSV rows with a header."""
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    array = json.loads(out)
    code, out, _ = run(*argv, "--jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and lines == array and array
    code, out, _ = run(*argv, "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == len(array) and [r["sid"] for r in rows] == [a["sid"] for a in array]


@pytest.mark.parametrize("argv", LISTS)
def test_fields_pick_and_order(run: Run, argv: tuple[str, ...]) -> None:
    """--fields sid,... keeps only those fields, in that order, in JSON, CSV and the table."""
    code, out, _ = run(*argv, "--jsonl", "--fields", "sid,url")
    assert code == 0 and all(list(json.loads(line)) == ["sid", "url"] for line in out.splitlines())
    code, out, _ = run(*argv, "--csv", "--fields", "url,sid")
    assert out.splitlines()[0] == "url,sid"
    code, out, _ = run(*argv, "--fields", "sid")
    assert code == 0 and out.splitlines()[0].strip() == "SID" and out.splitlines()[1].startswith("H")


def test_wrong_field_lists_valid_ones(run: Run, simulator: Simulator) -> None:
    """A field a list does not have: exit 2, the message names it and lists the valid fields; nothing is read."""
    code, out, err = run("fleets", "list", "--fields", "sid,colour")
    assert code == 2 and out == ""
    assert "'colour'" in err and "valid fields:" in err and "sms_commands_url" in err
    assert simulator.request_log == []


def test_formats_are_exclusive(run: Run) -> None:
    """--json with --csv is a usage error."""
    code, _, err = run("naps", "list", "--json", "--csv")
    assert code == 2 and "not allowed with" in err


def test_runs_list_formats(run: Run) -> None:
    """sims runs takes the same formats (no runs yet: an empty array, no lines)."""
    code, out, _ = run("sims", "runs", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = run("sims", "runs", "--jsonl", "--fields", "run_id")
    assert code == 0 and out == ""


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o"), ("zsh", "#compdef"), ("fish", "complete -c")])
def test_completion_scripts(run: Run, shell: str, marker: str) -> None:
    """`completion SHELL` prints a script generated from the parser: it names the new subcommands and flags."""
    code, out, err = run("completion", shell)
    assert code == 0, err
    assert marker in out and "add-network" in out and "--sms-commands-url" in out and "set-status" in out


def test_completion_unknown_shell(run: Run) -> None:
    """An unsupported shell is exit 2, naming the choices."""
    code, _, err = run("completion", "powershell")
    assert code == 2 and "bash" in err and "fish" in err


def test_bulk_outcomes_as_jsonl_and_csv(run: Run, simulator: Simulator) -> None:
    """A bulk change's outcomes (and a dry run's plan) come as JSON lines or CSV, one SIM a line, with the
    counts on stderr; --fields picks the columns; a wrong field is exit 2 before anything is sent."""
    targets = [s for s in simulator.state.sims.values() if s.status == "inactive" and s.fleet_sid]
    fleet = targets[0].fleet_sid
    expected = {s.iccid for s in targets if s.fleet_sid == fleet}
    base = ("sims", "set-status", "active", "--fleet", fleet, "--from-status", "inactive")
    code, out, _ = run(*base, "--dry-run", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and {r["iccid"] for r in rows} == expected and {r["outcome"] for r in rows} == {"planned"}
    assert not [r for r in simulator.request_log if r.method == "POST"]
    code, _, err = run(*base, "--yes", "--jsonl", "--fields", "iccid,colour")
    assert code == 2 and "valid fields:" in err and not [r for r in simulator.request_log if r.method == "POST"]
    code, out, err = run(*base, "--yes", "--jsonl", "--fields", "iccid,outcome")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and {(x["iccid"], x["outcome"]) for x in lines} == {(i, "done") for i in expected}
    assert all(list(x) == ["iccid", "outcome"] for x in lines) and f"done {len(expected)}" in err


@pytest.mark.parametrize(
    ("argv", "what"),
    [
        (("usage", "--fleet", "nope"), "no fleet 'nope'"),
        (("status", "--fleet", "nope"), "no fleet 'nope'"),
        (("fleets", "list", "--nap", "nope"), "no NAP 'nope'"),
    ],
)
def test_unknown_filter_is_bad_input_not_an_empty_report(run: Run, argv: tuple[str, ...], what: str) -> None:
    """A typo in --fleet (usage, status) or --nap (fleets list) is exit 2 naming it, as `sims list --fleet` does, not a
    report of zeros or an empty table that reads as "no data" with exit 0."""
    code, out, err = run(*argv)
    assert code == 2 and out == "", (code, out, err)
    assert what in err and "in this account" in err


class _StopsAfterOnePage(httpx.AsyncBaseTransport):
    """The simulator until one page of SIMs was served; then every connection is refused (the API stopped)."""

    def __init__(self, sim: Simulator) -> None:
        self.inner = asgi_transport(sim)
        self.sim_pages = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.sim_pages >= 1:
            raise httpx.ConnectError("All connection attempts failed", request=request)
        if request.url.path == "/v1/Sims":
            self.sim_pages += 1
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("form", [[], ["--json"], ["--csv"]])
def test_sims_list_cut_short_by_the_api_says_the_output_is_incomplete(
    form: list[str],
    make_simulator: Callable[..., Simulator],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The API stops after the first page of SIMs: exit 1, and stderr says how many SIMs were printed and that the
    listing is incomplete, besides what failed (before, only "Could not connect": a partial listing, its JSON
    unclosed, read as the whole one)."""
    simulator = make_simulator(sims=1500)  # two pages of 1,000
    transport = _StopsAfterOnePage(simulator)

    def session(args: object) -> session_module.Session:
        client = instant_client(simulator, transport=transport, attempts=1)
        return session_module.Session(client, simulator.config.account_sid, False)

    monkeypatch.setattr(session_module, "open_session", session)
    code = cli.main(["sims", "list", *form])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Could not connect" in err
    assert "stopped after 1,000 SIMs" in err and "incomplete" in err, err


NUMBER = re.compile(r"^(-|[\d,]+(\.\d+)?( [A-Z]+)?)$")  # "-", "1,234", "0.00 USD", "12.5 MB"


def number_columns(out: str, numbers: list[str]) -> dict[str, list[str]]:
    """Each of ``numbers`` (column headers), with the cells under it, found as right-aligned: a cell ends where
    its header ends. Checks that every such cell is a number and that the cell to its right starts later."""
    lines = out.splitlines()
    found: dict[str, list[str]] = {}
    for at, line in enumerate(lines):
        words = line.split()
        heads = [h for h in numbers if h in words and line.isupper()]
        if not heads:
            continue
        rows = []
        for row in lines[at + 1 :]:
            if not row.strip():
                break
            rows.append(row)
        assert rows, out
        for head in heads:
            end = re.search(rf"(?<!\S){head}(?!\S)", line)
            assert end is not None
            cells = []
            for row in rows:
                assert len(row) >= end.end() and row[end.end() - 1] != " ", (head, row)
                assert row[end.end() :][:1] in ("", " "), (head, row)
                cells.append(row[: end.end()].rsplit("  ", 1)[-1].strip())
            assert all(NUMBER.match(c) for c in cells), (head, cells)
            found[head] = cells
    return found


@pytest.mark.parametrize(
    ("argv", "numbers"),
    [
        (("status",), ["NEW", "READY", "ACTIVE", "INACTIVE", "TOTAL", "NETWORKS", "COUNTRIES"]),
        (("fleets", "list"), ["LIMIT_MB"]),
        (("naps", "list"), ["NETWORKS", "COUNTRIES"]),
        (("usage", "--by", "fleet"), ["DATA", "BILLED"]),
    ],
)
def test_numbers_are_right_aligned_in_human_tables(run: Run, argv: tuple[str, ...], numbers: list[str]) -> None:
    """In the human tables of status, fleets list, naps list and usage, each number ends where its column's
    header ends (right-aligned, so digits of the same place line up); at least one column has numbers of
    different widths (else the check could not tell)."""
    code, out, err = run(*argv)
    assert code == 0, err
    found = number_columns(out, numbers)
    assert sorted(found) == sorted(numbers), out
    assert any(len({len(c) for c in cells}) > 1 for cells in found.values()), out
