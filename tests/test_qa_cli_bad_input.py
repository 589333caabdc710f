"""Headless commands given something the account does not have (QA round hqa3): every one says so in one line
naming it, with exit 2 (bad input), as the other lookups do; never the API's raw 404 with exit 1."""

from __future__ import annotations

from .conftest import Run


def test_naps_networks_of_a_nap_the_account_lacks_is_bad_input(run: Run) -> None:
    """``naps networks nosuch`` exits 2 with "no NAP 'nosuch' in this account", like ``fleets list --nap nosuch``
    and ``naps rename nosuch``; stdout stays empty (nothing for --json to parse)."""
    for args in (("naps", "networks", "nosuch"), ("naps", "networks", "nosuch", "--json")):
        code, out, err = run(*args)
        assert code == 2, err
        assert out == ""
        assert "no NAP 'nosuch' in this account" in err
        assert "20404" not in err and "Traceback" not in err
