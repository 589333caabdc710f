"""Baseline apps the pty benchmarks compare against (run as ``python -m benchmarks.apps KIND``).

- ``minimal``: one Static; its first paint is the floor for any Textual app on this machine.
- ``echo``: a bare Input over a 380-row DataTable (the catalog's size); typing echoes in the
  Input and nothing else happens: the floor for "a key pressed, the screen answered".
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("minimal-app-ready")


class Echo(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="echo")
        yield DataTable(id="rows")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Country", "Operator", "MCC-MNC")
        for i in range(380):
            table.add_row(f"country {i}", f"operator {i}", f"{200 + i % 700}-{i % 100:02d}")
        self.query_one(Input).focus()


if __name__ == "__main__":
    (Minimal() if sys.argv[1:] == ["minimal"] else Echo()).run()
