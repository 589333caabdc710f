"""A registration CSV's header row names its columns: in another order than iccid,registration_code[,fleet,
unique_name] the columns are read by their names (before, a header starting "registration_code" was read as
data and every row failed with "ICCID must contain only the digits 0-9"); a header missing a required column
or naming an unknown one is refused with the line, the column and what is expected."""

from __future__ import annotations

import json
from pathlib import Path

from supersim_tui.ops.register import check_registration_csv
from supersim_tui.simulator import Simulator
from supersim_tui.simulator.seed import registrable_examples

from .conftest import Run


def test_columns_in_another_order_are_read_by_their_header(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """registration_code,unique_name,iccid: both SIMs registered with their own code and name; exit 0."""
    (a, code_a), (b, code_b) = registrable_examples(simulator.state, 2)
    path = tmp_path / "box.csv"
    path.write_text(f"Registration_Code,unique_name,ICCID\n{code_a},box-a,{a}\n{code_b},box-b,{b}\n")
    code, out, err = run("sims", "register", "--csv", str(path), "--yes", "--json")
    assert code == 0, err
    outcomes = {o["iccid"]: o["outcome"] for o in json.loads(out)["outcomes"]}
    assert outcomes == {a: "registered", b: "registered"}
    names = {simulator.state.sims[simulator.state.sims_by_iccid[i]].unique_name for i in (a, b)}
    assert names == {"box-a", "box-b"}


def test_register_from_a_csv_reports_in_words_not_as_csv(run: Run, simulator: Simulator, tmp_path: Path) -> None:
    """``--csv FILE`` names the input: the outcomes are reported as for any registration ("registered 2"), not printed
    as CSV (the flag also chose the output format of the listings)."""
    (a, code_a), (b, code_b) = registrable_examples(simulator.state, 2)
    path = tmp_path / "box.csv"
    path.write_text(f"{a},{code_a}\n{b},{code_b}\n")
    code, out, err = run("sims", "register", "--csv", str(path), "--yes")
    assert code == 0, err
    assert "registered 2" in out and "iccid,key,outcome" not in out, out


def test_a_header_without_a_required_column_or_with_an_unknown_one_is_refused() -> None:
    """A header with no registration_code column, or with a column nobody knows, is a problem with the file that
    names the line and the column; no row is taken as data."""
    rows, problems = check_registration_csv("iccid,fleet\n8988307000000000001,lab-bench\n")
    assert rows == [] and problems == [
        "line 1: no registration_code column; expected iccid, registration_code, fleet, unique_name"
    ]
    rows, problems = check_registration_csv("registration_code,iccid,colour\nABC,8988307000000000001,red\n")
    assert rows == [] and problems == [
        "line 1: unknown column 'colour'; expected iccid, registration_code, fleet, unique_name"
    ]


def test_a_row_with_another_count_of_fields_than_the_header_names_is_refused() -> None:
    """Header registration_code,iccid and a row of three fields: that row is refused saying what line 1 names."""
    rows, problems = check_registration_csv("registration_code,iccid\nABCDEFGHIJ,8988307000000000001,extra\n")
    assert problems == []
    assert [row.problems for row in rows] == [
        ("line 2: expected 2 fields (registration_code,iccid, as line 1 names them), found 3",)
    ]


def test_with_a_header_in_the_usual_order_trailing_fields_may_be_left_out(simulator: Simulator) -> None:
    """Header iccid,registration_code,fleet and a row without its fleet: a good row, as without a header."""
    ((iccid, code),) = registrable_examples(simulator.state, 1)
    rows, problems = check_registration_csv(f"iccid,registration_code,fleet\n{iccid},{code}\n")
    assert problems == [] and [row.problems for row in rows] == [()]
    assert rows[0].registration is not None and rows[0].registration.iccid == iccid
