"""A NAP change warns that devices would lose service only in countries the change itself leaves without a
network (QA round hqa3). eu-only has never had a Swiss network while eu-trackers' SIMs used Swiss networks: that
gap is Health's finding, not something adding a US network (or removing a German one) causes."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from supersim_tui.simulator import Simulator

from .conftest import Run


@pytest.fixture
def simulator(make_simulator: Callable[..., Simulator]) -> Simulator:
    """The demo account's shape (its eu-trackers SIMs used Swiss networks), its present now."""
    return make_simulator(sims=300, seed=1)


def test_adding_a_network_never_warns_of_lost_service(run: Run) -> None:
    """``naps add-network eu-only 310-410``: no country is cut off, no "would lose service" warning (it asked
    for the typed NAP name, as for a change that cuts service)."""
    code, out, err = run("naps", "add-network", "eu-only", "310-410", "--dry-run", "--json")
    assert code == 0, err
    assert json.loads(out)["impact"]["countries_cut_off"] == []
    assert "would lose service" not in err


def test_removing_a_network_warns_only_of_countries_it_leaves_uncovered(run: Run) -> None:
    """Removing one of Germany's networks cuts no country off (CH was never covered); removing every German one
    names DE, and only DE."""
    code, out, err = run("naps", "remove-network", "eu-only", "262-01", "--dry-run", "--json")
    assert code == 0, err
    assert json.loads(out)["impact"]["countries_cut_off"] == []
    code, out, err = run("naps", "remove-network", "eu-only", "262-01", "262-02", "262-03", "--dry-run", "--json")
    assert code == 0, err
    assert json.loads(out)["impact"]["countries_cut_off"] == ["DE"]
