"""The version is written once (supersim_tui.__version__) and the installed package reports the same."""

from __future__ import annotations

import importlib.metadata

import pytest

import supersim_tui
from supersim_tui import cli


def test_installed_version_is_the_packages_version(capsys: pytest.CaptureFixture[str]) -> None:
    """pyproject takes the version from __init__.py (hatch dynamic version), so the installed metadata and
    `supersim-tui --version` agree with it."""
    assert importlib.metadata.version("supersim-tui") == supersim_tui.__version__
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"supersim-tui {supersim_tui.__version__}"
