"""Benchmarks are not run by `make test`, but each module must import and its pieces work on tiny input."""

from __future__ import annotations

import asyncio
import importlib

import pytest
from benchmarks import client_listing, run, vtable_compare
from benchmarks.pty_app import terminal

MODULES = [
    "benchmarks.bulk_activation",
    "benchmarks.client_listing",
    "benchmarks.concurrency_discovery",
    "benchmarks.sims_scale",
    "benchmarks.status_summary",
    "benchmarks.tui_startup",
    "benchmarks.vtable_compare",
    "benchmarks.apps",
]


@pytest.mark.parametrize("name", MODULES)
def test_benchmark_modules_import(name: str) -> None:
    """Every benchmark module imports (a broken import would only show in `make bench`)."""
    importlib.import_module(name)


def test_run_knows_every_benchmark() -> None:
    """`make bench NAME` choices include the new ones, and an unknown name is refused with exit 2."""
    assert {"sims-scale", "sims-scale-1m", "tui", "vtable", "status-summary", "client-listing"} <= set(run.BENCHMARKS)
    assert run.main(["no-such-benchmark"]) == 2


def test_client_listing_on_a_small_account(capsys: pytest.CaptureFixture[str]) -> None:
    """client-listing runs end to end on 300 SIMs and prints its ratio."""
    client_listing.main(sims=300, runs=1)
    assert "client-listing ratio" in capsys.readouterr().out


def test_vtable_measure_on_few_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The widget benchmark's measurement runs (our table, 500 rows)."""
    monkeypatch.setattr(vtable_compare, "ROWS", 500)
    figures = asyncio.run(vtable_compare._measure("ours"))
    assert figures["first_paint"] > 0 and figures["peak_mb"] > 0


def test_pty_driver_sees_a_minimal_app_paint() -> None:
    """The pty driver starts an app on a pseudo-terminal and sees its first frame."""
    with terminal(["-m", "benchmarks.apps", "minimal"]) as term:
        assert term.wait_for("minimal-app-ready", timeout=30) > term.started
        assert term.peak_mb() > 0
