"""What happened to each item of a run, and the live progress of one: the vocabulary every layer shares.

The outcome words (:class:`Outcome`) are written to journals, JSON and CSV as their plain values (``done``,
``not-sent``…), so journals written before the enum existed still read and resume.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..api import SuperSimError


class Outcome(StrEnum):
    """An item's outcome, final for the run (a resume takes up not-sent, unconfirmed and retryable failures)."""

    DONE = "done"  # the SIM is in the requested state
    SKIPPED = "skipped"  # already there: nothing sent
    INVALID = "invalid"  # cannot take the change (planned, never sent)
    FAILED = "failed"  # the API refused or kept failing
    NOT_SENT = "not-sent"  # never sent: the run stopped first
    UNCONFIRMED = "unconfirmed"  # accepted by the API, still scheduled when following stopped

    @classmethod
    def parse(cls, value: str) -> Outcome:
        """An outcome as a journal wrote it (``not-run``: journals written before ``not-sent`` was its name)."""
        return cls.NOT_SENT if value == "not-run" else cls(value)

    @property
    def meaning(self) -> str:
        return OUTCOME_MEANING[self]


class Action(StrEnum):
    """What a plan does with an item: send the change, or finish it at once as skipped or invalid."""

    SEND = "send"
    SKIPPED = Outcome.SKIPPED.value
    INVALID = Outcome.INVALID.value


# The names older code imports: each is the enum member, equal to its string.
DONE, SKIPPED, INVALID = Outcome.DONE, Outcome.SKIPPED, Outcome.INVALID
FAILED, NOT_SENT, UNCONFIRMED = Outcome.FAILED, Outcome.NOT_SENT, Outcome.UNCONFIRMED
OUTCOMES = tuple(Outcome)
# The one vocabulary: these words (and these explanations) in the plan, the live progress, the results,
# the CLI, JSON and CSV alike.
OUTCOME_MEANING = {
    Outcome.DONE: "in the requested state",
    Outcome.SKIPPED: "already there, nothing sent",
    Outcome.INVALID: "cannot take the change, not sent",
    Outcome.FAILED: "the API refused or kept failing",
    Outcome.NOT_SENT: "never sent: the run stopped first",
    Outcome.UNCONFIRMED: "sent and accepted; still scheduled when following stopped",
}


@dataclass(frozen=True)
class ItemOutcome:
    key: str
    iccid: str
    label: str
    outcome: Outcome
    status: str | None = None
    fleet_sid: str | None = None
    error: str | None = None
    code: int | None = None
    retryable: bool = False
    sid: str | None = None  # the SIM's SID, where known (a registration's key is the ICCID)

    def __post_init__(self) -> None:
        if not isinstance(self.outcome, Outcome):  # read from a journal
            object.__setattr__(self, "outcome", Outcome.parse(self.outcome))

    def to_json(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict (a deep copy): this runs once per SIM, in the run's hot path.
        return {
            "key": self.key,
            "iccid": self.iccid,
            "label": self.label,
            "outcome": self.outcome.value,
            "status": self.status,
            "fleet_sid": self.fleet_sid,
            "error": self.error,
            "code": self.code,
            "retryable": self.retryable,
            "sid": self.sid,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ItemOutcome:
        """The outcome a journal's ``done`` record holds."""
        return cls(**{k: v for k, v in record.items() if k != "type"})

    @property
    def unique_name(self) -> str | None:
        """The SIM's unique name, if it has one (``label`` falls back to the ICCID or SID)."""
        return self.label if self.label not in (self.iccid, self.key) else None


PLANNED = "planned"  # a dry run's word for an item a run would send (not an outcome: nothing was sent)
# A registration that is done: the word the register screen's list shows (``ops.register_queue``) and the CLI
# prints, in text, JSON and CSV alike. Journals keep ``done`` (resume reads them as the other runs').
REGISTERED = "registered"
REGISTER_KIND = "register"  # a run's kind (its journal header) for registrations


def outcome_word(outcome: Outcome, kind: str | None = None) -> str:
    """The word shown for ``outcome`` in a run of ``kind``: a done registration is ``registered``."""
    return REGISTERED if outcome is Outcome.DONE and kind == REGISTER_KIND else outcome.value


def outcome_record(item: ItemOutcome, kind: str | None = None) -> dict[str, Any]:
    """An outcome as the CLI prints it (JSON, JSON lines, CSV): its record with the word for its run's kind."""
    return {**item.to_json(), "outcome": outcome_word(item.outcome, kind)}


def dry_run_record(item: ItemOutcome, kind: str | None = None) -> dict[str, Any]:
    """One item of a dry run (``sims register`` and the change commands alike), in the shape of an outcome record:
    ``planned`` where a run would send it (its outcome so far: not sent), else the outcome it ends with unsent
    (``skipped``, ``invalid``; ``registered`` for a SIM already in the account) and why, in ``error``."""
    return {**outcome_record(item, kind), **({"outcome": PLANNED} if item.outcome is Outcome.NOT_SENT else {})}


@dataclass
class Progress:
    """A snapshot for progress displays (CLI bar, TUI screen)."""

    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0
    invalid: int = 0  # planned as unable to take the change: never sent
    not_sent: int = 0  # the run stopped before sending them
    unconfirmed: int = 0  # sent, still scheduled when following stopped
    in_flight: int = 0
    waiting: int = 0  # accepted, scheduled, being followed
    started: float = field(default_factory=time.monotonic)
    now: float = field(default_factory=time.monotonic)
    concurrency: int = 0

    def count(self, outcome: Outcome) -> None:
        """One more item with this outcome."""
        name = "not_sent" if outcome is Outcome.NOT_SENT else outcome.value
        setattr(self, name, getattr(self, name) + 1)

    @property
    def finished(self) -> int:
        """Items with a final outcome the API stands behind: a stop's not-sent and unconfirmed are not progress."""
        return self.done + self.failed + self.skipped + self.invalid

    @property
    def remaining(self) -> int:
        return self.total - self.finished

    @property
    def rate(self) -> float:
        """Items finished per second (skips excluded: they cost nothing)."""
        elapsed = max(self.now - self.started, 1e-6)
        return (self.done + self.failed) / elapsed

    @property
    def eta(self) -> float | None:
        return self.remaining / self.rate if self.rate > 0 else None


@dataclass
class ResumeCounts:
    """What a resume did with the items it took up."""

    rechecked: int = 0  # unfinished items read back from the API
    already_done: int = 0  # found in the target state: sent before, confirmed now, not sent again
    already_there: int = 0  # never sent and already in the target state: skipped
    sent: int = 0  # sent now
    following: int = 0  # an update in progress (scheduled): followed to the end, not sent
    left_alone: int = 0  # final before the resume (done, skipped, invalid, failed for good)
    gone: int = 0  # no longer in the account: failed, nothing sent

    def describe(self) -> str:
        gone = f", {self.gone:,} no longer in the account (failed)" if self.gone else ""
        return (
            f"re-checked {self.rechecked:,} unfinished item(s): {self.already_done:,} already done, "
            f"{self.already_there:,} already there (skipped), {self.following:,} in progress (followed), "
            f"{self.sent:,} sent{gone}; {self.left_alone:,} final item(s) left alone"
        )


class PlanIncompleteError(SuperSimError):
    """A journal whose plan is not whole: resume refuses it, and sends nothing."""

    default_hint = (
        "Run the same change again: it reads every SIM afresh, and SIMs already in the target "
        "state are skipped, so nothing is changed twice. Then remove that journal, or `sims resume` "
        "without a run id keeps finding it."
    )
