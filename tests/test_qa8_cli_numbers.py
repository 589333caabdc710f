"""Headless commands given numbers and dates out of range (QA round, session 8): each is a usage error (exit 2)
naming the flag, never an "internal error" (a Python OverflowError) and never a value silently replaced by
another."""

from __future__ import annotations

import pytest

from supersim_tui.simulator import Simulator
from supersim_tui.simulator.seed import registrable_examples

from .conftest import Run


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("--scheduled-hours", "99999999999999999"), "--scheduled-hours"),  # was: internal error (OverflowError)
        (("--scheduled-hours", "-1"), "--scheduled-hours"),  # was: run as 1 hour, said "over 1 hours"
        (("--scheduled-hours", "0"), "--scheduled-hours"),
        (("--concurrency", "0"), "--concurrency"),  # was: run at 1
        (("--concurrency", "1000"), "--concurrency"),  # was: run at 64
    ],
)
def test_health_numbers_out_of_range_are_usage_errors(run: Run, args: tuple[str, ...], flag: str) -> None:
    """``health --scheduled-hours H`` and ``--concurrency N`` outside their range exit 2 naming the flag and
    the range, with nothing on stdout; before, a huge H crashed and the others were silently clamped."""
    code, out, err = run("health", *args)
    assert code == 2, err
    assert out == ""
    last = err.strip().splitlines()[-1]
    assert flag in last and "expected" in last, last
    assert "internal error" not in err and "Traceback" not in err


def test_health_scheduled_hours_in_range_is_used_as_given(run: Run) -> None:
    """A valid ``--scheduled-hours`` is used as given, and one hour reads "1 hour", not "1 hours"."""
    code, out, err = run("health", "--scheduled-hours", "1")
    assert code == 0, err
    assert "over 1 hours" not in out


@pytest.mark.parametrize(
    "args",
    [
        ("--from", "0001-01-01", "--to", "0001-01-02"),  # was: internal error (OverflowError)
        ("--to", "0001-01-02"),  # the default span back from --to went before year 1
        ("--to", "0001-01-01T00:00+05:00"),  # converting to UTC went before year 1
        ("--from", "9999-12-31T23:00+00:00", "--granularity", "hour"),
    ],
)
def test_usage_dates_out_of_range_are_usage_errors(run: Run, args: tuple[str, ...]) -> None:
    """``usage`` with a date the period arithmetic cannot hold exits 2 naming the flag and the dates it takes,
    never "internal error (OverflowError)"."""
    code, out, err = run("usage", *args)
    assert code == 2, err
    assert out == ""
    assert "internal error" not in err and "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert "--from" in last or "--to" in last, last


def test_set_status_names_a_mistyped_iccid_as_an_iccid_not_as_the_status(run: Run) -> None:
    """``sims set-status active 8988…776`` (a wrong check digit): the error names the ICCID argument and the
    ICCID, not "argument STATUS", which sent the user looking at the status word they got right."""
    code, out, err = run("sims", "set-status", "active", "89883070000687722776", "--yes")
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]
    assert "argument STATUS:" not in last, last
    assert "89883070000687722776" in last and "check digit" in last, last


def test_resume_without_a_run_id_names_a_finished_run_with_failures_worth_retrying(
    run: Run, simulator: Simulator
) -> None:
    """A registration the API kept refusing with 503 ends "finished with failures" and says "Finish or
    retry with: supersim-tui sims resume RUN". ``sims resume`` without the id then said only "Nothing to resume:
    every run made against this API is finished", while ``sims runs`` listed that run with 1 item remaining.
    It now names the run and the command that retries it (exit 0, nothing sent)."""
    ((iccid, code_),) = registrable_examples(simulator.state, 1)
    simulator.force_faults(*["503"] * 1000, method="POST", path_prefix="/v1/Sims")
    code, out, err = run("sims", "register", iccid, code_)
    assert code == 1, err
    run_id = err.split("sims resume ")[-1].split()[0]
    simulator.scripted_faults.clear()
    posts = sum(1 for r in simulator.request_log if r.method == "POST")
    code, out, err = run("sims", "resume")
    assert code == 0, err
    assert f"supersim-tui sims resume {run_id}" in err, err
    assert sum(1 for r in simulator.request_log if r.method == "POST") == posts  # it names the run, sends nothing


def test_a_plan_for_one_sim_says_one_sim(run: Run, simulator: Simulator) -> None:
    """``sims set-status inactive ICCID --dry-run`` for one SIM: "1 SIM selected", not "1 SIMs selected"."""
    iccid = next(s.iccid for s in simulator.state.sims.values() if s.iccid)
    code, _, err = run("sims", "set-status", "inactive", iccid, "--dry-run")
    assert code == 0, err
    assert "1 SIM selected" in err and "1 SIMs" not in err, err
