"""The headless progress line ends on the run's last state, not on whatever was drawn last before a stop."""

from __future__ import annotations

import io

from supersim_tui.commands.output import ProgressBar
from supersim_tui.ops.outcomes import Progress


def test_the_last_progress_line_shows_the_final_counts_after_a_stop() -> None:
    """Ctrl+C half-way: the engine's last updates (what was read back as done, the rest not-sent) come within a
    tenth of a second of the previous one, which the bar skipped, so the line left on screen said "done 1" while
    the run had 76 done. Closing the bar redraws the last state it was given."""
    out = io.StringIO()
    bar = ProgressBar(enabled=True, stream=out)
    progress = Progress(total=379, done=1, waiting=36)
    bar(progress)
    progress.done, progress.not_sent, progress.unconfirmed, progress.waiting = 76, 267, 36, 0
    bar(progress)  # within 0.1 s of the line before: not drawn then
    bar.close()
    last = out.getvalue().rstrip("\n").split("\r")[-1]
    assert "done 76" in last and "not-sent 267" in last, last
