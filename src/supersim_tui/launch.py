"""The ``supersim-tui`` command and ``python -m supersim_tui``: the collector held off (:mod:`.collector`)
before anything else is imported, then the command line."""

from __future__ import annotations


def main() -> int:
    from . import collector

    collector.hold()
    from .cli import main as run

    return run()
