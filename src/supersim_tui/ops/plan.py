"""Plan a bulk change: what to do to each SIM and why, decided before anything is sent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..api import Sim, SimStatus
from .names import PatternError, format_unique_name, validate_pattern
from .outcomes import OUTCOME_MEANING, Action, ItemOutcome, Outcome


@dataclass(frozen=True)
class Change:
    """What to do to each SIM: a target status, a target fleet, a status in a fleet, or unique names
    from a pattern (``{iccid}``, ``{last4}``, ``{last6}``, ``{n}`` (1, 2, … in selection order), ``{sid}``)."""

    status: str | None = None
    fleet_sid: str | None = None
    fleet_label: str | None = None
    unique_name_pattern: str | None = None

    def __post_init__(self) -> None:
        if self.status is None and self.fleet_sid is None and self.unique_name_pattern is None:
            raise ValueError("a change needs a status, a fleet or a unique-name pattern")
        if self.unique_name_pattern is not None:
            validate_pattern(self.unique_name_pattern)  # PatternError (a ValueError) says what is wrong

    @property
    def kind(self) -> str:
        return "rename" if self.unique_name_pattern else "set-status" if self.status else "move"

    def name_for(self, sim: Sim, n: int) -> str:
        assert self.unique_name_pattern is not None
        return format_unique_name(self.unique_name_pattern, iccid=sim.iccid or "", n=n, sid=sim.sid)

    def describe(self) -> str:
        if self.unique_name_pattern:
            return f"rename to {self.unique_name_pattern!r}"
        parts = []
        if self.status:
            parts.append(f"set status to {self.status}")
        if self.fleet_sid:
            parts.append(f"{'in' if self.status else 'move to'} fleet {self.fleet_label or self.fleet_sid}")
        return " ".join(parts)

    def matches(self, sim: Sim, target_name: str | None = None) -> bool:
        """Whether ``sim`` is already as this change (and the item's ``target_name``) wants it."""
        status_ok = self.status is None or sim.status == self.status
        fleet_ok = self.fleet_sid is None or sim.fleet_sid == self.fleet_sid
        name_ok = target_name is None or sim.unique_name == target_name
        return status_ok and fleet_ok and name_ok

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "fleet_sid": self.fleet_sid,
            "fleet_label": self.fleet_label,
            "unique_name_pattern": self.unique_name_pattern,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(
            status=data.get("status"),
            fleet_sid=data.get("fleet_sid"),
            fleet_label=data.get("fleet_label"),
            unique_name_pattern=data.get("unique_name_pattern"),
        )


@dataclass(frozen=True)
class PlannedItem:
    key: str  # the SIM's SID
    iccid: str
    label: str
    status: str
    fleet_sid: str | None
    action: Action
    reason: str = ""
    target_name: str | None = None  # renames only

    def __post_init__(self) -> None:
        if not isinstance(self.action, Action):  # read from a journal
            object.__setattr__(self, "action", Action(self.action))

    def to_json(self) -> dict[str, Any]:
        """The item as a journal's ``item`` record holds it (and ``--dry-run --json`` prints it)."""
        return {
            "key": self.key,
            "iccid": self.iccid,
            "label": self.label,
            "status": self.status,
            "fleet_sid": self.fleet_sid,
            "action": self.action.value,
            "reason": self.reason,
            "target_name": self.target_name,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> PlannedItem:
        return cls(**{k: v for k, v in record.items() if k != "type"})

    def outcome(
        self, outcome: Outcome, error: str | None = None, code: int | None = None, retryable: bool = False
    ) -> ItemOutcome:
        """This item ended as ``outcome`` with the SIM as planned (the status and fleet it had then)."""
        return ItemOutcome(
            self.key, self.iccid, self.label, outcome, self.status, self.fleet_sid, error, code, retryable, self.key
        )

    def planned_outcome(self) -> ItemOutcome:
        """The outcome of an item the plan does not send (already there, not allowed…), with the plan's reason."""
        return self.outcome(Outcome(self.action.value), self.reason or None)

    def unsent_outcome(self) -> ItemOutcome:
        """Where the item stands before anything is sent (a dry run): not sent yet if the plan sends it, else
        its planned outcome; with the plan's reason either way."""
        if self.action is Action.SEND:
            return self.outcome(Outcome.NOT_SENT, self.reason or None)
        return self.planned_outcome()

    def settled(self, outcome: Outcome, sim: Sim, error: str | None = None, retryable: bool = False) -> ItemOutcome:
        """This item ended as ``outcome`` with the SIM as read back (its name, status and fleet now: a rename's
        outcome names the SIM by its new name)."""
        return ItemOutcome(
            self.key,
            self.iccid,
            sim.label,
            outcome,
            str(sim.status),
            sim.fleet_sid,
            error,
            retryable=retryable,
            sid=sim.sid,
        )


def sims_count(n: int) -> str:
    """``1 SIM``, ``2,000 SIMs``."""
    return f"{n:,} SIM" + ("" if n == 1 else "s")


@dataclass
class Plan:
    change: Change
    items: list[PlannedItem]
    duplicates: int = 0  # SIMs named more than once in the selection, collapsed to one item each

    @property
    def to_send(self) -> list[PlannedItem]:
        return [i for i in self.items if i.action is Action.SEND]

    @property
    def skipped(self) -> list[PlannedItem]:
        return [i for i in self.items if i.action is Action.SKIPPED]

    @property
    def invalid(self) -> list[PlannedItem]:
        return [i for i in self.items if i.action is Action.INVALID]

    @staticmethod
    def reasons(items: list[PlannedItem]) -> list[tuple[str, int]]:
        """Each distinct reason among ``items`` with how many it applies to, most frequent first."""
        return Counter(item.reason for item in items).most_common()

    def summary(self) -> str:
        lines = [
            f"{self.change.describe().capitalize()}: {sims_count(len(self.items))} selected",
            f"  {len(self.to_send):,} will be changed",
            f"  {len(self.skipped):,} {Outcome.SKIPPED} ({OUTCOME_MEANING[Outcome.SKIPPED]})",
        ]
        if self.duplicates:
            lines.insert(
                1,
                f"  {self.duplicates:,} named more than once (the same SIM by ICCID, SID or unique "
                "name): each changed once",
            )
        if self.invalid:
            lines.append(f"  {len(self.invalid):,} {Outcome.INVALID} ({OUTCOME_MEANING[Outcome.INVALID]}):")
            lines += [f"    {count:,} × {reason}" for reason, count in self.reasons(self.invalid)]
        return "\n".join(lines)


def plan_change(sims: Iterable[Sim], change: Change) -> Plan:
    """Decide, before anything is sent, what happens to each SIM and why. A SIM listed twice (by ICCID and
    SID, say) is one item: the plan counts the duplicates."""
    unique: dict[str, Sim] = {}
    listed = 0
    for sim in sims:
        listed += 1
        unique.setdefault(sim.sid, sim)
    plan = (
        _plan_rename(list(unique.values()), change)
        if change.unique_name_pattern
        else Plan(change, [plan_state(sim, change) for sim in unique.values()])
    )
    plan.duplicates = listed - len(unique)
    return plan


def plan_state(sim: Sim, change: Change) -> PlannedItem:
    """The item for one SIM under a status or fleet change (not a rename)."""
    status = str(sim.status or "")
    action, reason = Action.SEND, ""
    if status == SimStatus.SCHEDULED:
        action, reason = Action.INVALID, "an update is in progress (scheduled); try again when it completes"
    elif change.status:
        target_fleet = change.fleet_sid or sim.fleet_sid
        if change.status == status and (change.fleet_sid is None or change.fleet_sid == sim.fleet_sid):
            action, reason = Action.SKIPPED, f"already {status}"
        elif change.status == SimStatus.NEW:
            action, reason = Action.INVALID, "nothing can return to new"
        elif change.status == SimStatus.READY and status != SimStatus.NEW:
            action, reason = Action.INVALID, f"ready is only possible from new (SIM is {status})"
        elif change.status in (SimStatus.READY, SimStatus.ACTIVE) and target_fleet is None:
            action, reason = Action.INVALID, "no fleet: choose a fleet to activate into"
    elif change.fleet_sid == sim.fleet_sid:
        action, reason = Action.SKIPPED, "already in that fleet"
    return PlannedItem(sim.sid, sim.iccid or "", sim.label, status, sim.fleet_sid, action, reason)


def _plan_rename(sims: list[Sim], change: Change) -> Plan:
    targets: list[str] = []
    problems: dict[int, str] = {}  # index → why that SIM's name cannot be made (e.g. over the length limit)
    for n, sim in enumerate(sims, start=1):
        try:
            targets.append(change.name_for(sim, n))
        except PatternError as error:
            targets.append("")
            problems[n - 1] = str(error)
    seen = Counter(targets)
    items = []
    for index, (sim, name) in enumerate(zip(sims, targets, strict=True)):
        action, reason = Action.SEND, ""
        if index in problems:
            action, reason = Action.INVALID, problems[index]
        elif sim.unique_name == name:
            action, reason = Action.SKIPPED, "already has that name"
        elif seen[name] > 1:
            action, reason = Action.INVALID, f"{seen[name]} SIMs would be named {name!r}"
        items.append(
            PlannedItem(sim.sid, sim.iccid or "", sim.label, str(sim.status or ""), sim.fleet_sid, action, reason, name)
        )
    return Plan(change, items)
