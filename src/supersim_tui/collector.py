"""Python's cyclic garbage collector held off while the tool starts (issue 16: start-up).

Starting the tool makes a great many objects that live as long as the process (modules, classes, the main
screen's widgets and styles) and little garbage, and the collector's passes over them (~140 before the first
SIM rows are painted) took ~30 ms of CPU, and more of the time to the first frame. So the collector is held off
from the command's first line (:mod:`.launch`) until the TUI's first frame is painted, or a headless command's
modules are imported; then what start-up made is moved out of its reach (``gc.freeze``: those objects stay,
collected by reference counting as ever, but its later passes walk only what is new) and it runs again.

Only a hold taken here is released here: a program that imports the tool (the tests) keeps its collector as is.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Hold the collector off (if it is running: one left off by the caller stays the caller's)."""
    global _held
    if not _held and gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """What start-up made out of the collector's reach, then the collector on again; nothing unless held here."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
