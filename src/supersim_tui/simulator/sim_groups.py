"""Where each group of SIMs sits in the account's order: a filtered SIM page costs its page, not the account.

``GET /v1/Sims?Status=…&Fleet=…&PageToken=PA<position>`` lists, in creation order from ``position``, the SIMs
of the account with that status and fleet. Scanning every SIM from the token's position for each page made a
client that lists the account in slices (five by status, or fleet x status, as ``status`` and the SIMs index
do) cost the simulator one full scan per slice. Here the account's positions are kept grouped by status, by
fleet and by both (sorted arrays), so a page is a bisection to the token's position and a walk of its rows.

The simulator's own changes (an update, a SIM settling or turning active, a SIM added) move the SIM between
groups as they happen (:meth:`SimGroups.move`: a bisection and an array insert per group, no pass over the
account), so SIMs settling while a large account is listed cost little. Any other change (the seed, a test
setting a field directly) is caught all the same: :func:`track_changes` turns those fields of the record
class into properties that count every assignment, and groups that did not see a change are rebuilt on the
next filtered listing (one pass over the account, about 0.1 s per 100,000 SIMs), so a listing can never be
served from stale groups. A listing
without a filter does not need them (a scan from the token is O(page) already) and never waits for a rebuild.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any

_changes = 0  # assignments to a tracked field of any record, in this process


def changes() -> int:
    """How many times a tracked field was assigned (the groups are current while this has not moved)."""
    return _changes


def track_changes(cls: type[Any], names: Iterable[str]) -> None:
    """Make each slot ``name`` of ``cls`` count its assignments (reads stay the slot's own C-level get)."""
    for name in names:
        slot = cls.__dict__[name]  # the member descriptor that ``slots=True`` made

        def assign(record: object, value: object, _slot: Any = slot) -> None:
            global _changes
            _slot.__set__(record, value)
            _changes += 1

        setattr(cls, name, property(slot.__get__, assign, slot.__delete__, f"{cls.__name__}.{name} (tracked)"))


ANY = "*"  # a group key's "any status" / "any fleet" (neither a status nor a SID; a SIM without a fleet: None)
GroupKey = tuple[str | None, str | None]  # (status, fleet SID)


class SimGroups:
    """Positions (in the account's order) of the account's SIMs, by status, fleet and both."""

    def __init__(self, groups: dict[GroupKey, array[int]], stamp: tuple[int, int]) -> None:
        self._groups = groups
        self.stamp = stamp  # (changes(), number of SIMs) when built

    @classmethod
    def build(
        cls, order: Sequence[str], records: dict[str, Any], account_sid: str, stamp: tuple[int, int]
    ) -> SimGroups:
        """One pass over ``order`` (SIDs by position): the account's SIMs grouped by (status, fleet), then
        those merged into by status, by fleet, and all."""
        pairs: dict[GroupKey, list[int]] = {}
        fields = map(attrgetter("account_sid", "status", "fleet_sid"), map(records.__getitem__, order))
        for position, (owner, status, fleet) in enumerate(fields):
            if owner != account_sid:
                continue
            found = pairs.get((status, fleet))
            if found is None:
                pairs[(status, fleet)] = [position]
            else:
                found.append(position)
        runs: dict[GroupKey, list[list[int]]] = {}
        for (status, fleet), positions in pairs.items():
            for key in ((status, fleet), (status, ANY), (ANY, fleet), (ANY, ANY)):
                runs.setdefault(key, []).append(positions)
        # Sorting concatenated sorted runs is a merge (timsort finds the runs): no per-SIM Python work.
        groups = {key: array("q", sorted(chain.from_iterable(lists))) for key, lists in runs.items()}
        return cls(groups, stamp)

    def positions_from(self, status: str | None, fleet_sid: str | None, start: int) -> Iterator[int]:
        """The positions of the SIMs with this status and fleet SID (None: any), from ``start`` on, in order."""
        group = self._groups.get((status or ANY, fleet_sid or ANY))
        if group is None:
            return
        at = bisect_left(group, start)
        while at < len(group):
            yield group[at]
            at += 1

    def move(self, position: int, old: Placement | None, new: Placement, account_sid: str) -> None:
        """The SIM at ``position`` went from ``old`` to ``new`` (None: it was just added)."""
        if old == new:
            return
        leaving = set(_keys(old)) if old is not None and old[0] == account_sid else set()
        joining = set(_keys(new)) if new[0] == account_sid else set()
        for key in leaving - joining:  # e.g. not "any status, any fleet" for a change of status
            group = self._groups[key]
            at = bisect_left(group, position)
            if at < len(group) and group[at] == position:
                del group[at]
        for key in joining - leaving:
            group = self._groups.setdefault(key, array("q"))
            group.insert(bisect_left(group, position), position)


Placement = tuple[str, str | None, str | None]  # a SIM's (account SID, status, fleet SID)


def _keys(placement: Placement) -> tuple[GroupKey, ...]:
    _account, status, fleet = placement
    return ((status, fleet), (status, ANY), (ANY, fleet), (ANY, ANY))
