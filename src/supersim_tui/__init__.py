"""supersim-tui: a terminal app for Twilio Super SIM."""

import sys

__version__ = "0.1.0"

# httpx imports its own command-line client at import time (click, pygments, rich's syntax, progress and tree
# renderers: ~40-90 ms of the app's start-up), which this tool never runs: marked as absent, httpx falls back
# to the stub it has for a missing ``httpx[cli]`` (the ``httpx`` command, a process of its own, is unaffected).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: "not importable"
