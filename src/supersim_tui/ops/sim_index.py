"""The account's SIMs held locally, as columns: what the SIMs pane filters, sorts and jumps through.

The API has no count, no sort and no substring search, so a person who wants the last SIM,
or every SIM whose name holds "eu", would otherwise wait for a listing each time. The index
lists every SIM once, in the background, in independent slices read in parallel, then keeps
itself current from the SIMs the app changes (bulk runs, the detail screen, registrations:
only those SIMs), and is listed again in full on request.

Slices: one per status (complete by construction: every SIM has one status), the active SIMs one per
fleet (an active SIM always has a fleet). A slice's pages follow one another's links, so each slice is
a chain of requests, and a working account is mostly active SIMs: listed as one slice, they were a chain
three times longer than any other (57 of the simulator's 100 pages of 100,000 SIMs), which a real link's
latency multiplies; by fleet, the longest is 18. Or, on a slow link, fleet x status plus the new and
inactive SIMs without a fleet, as ``status`` counts them (``by_fleet``: more slices in flight). A
filtered page costs the simulator its page (its grouping index), so on loopback the five
slices of 100,000 or 1,000,000 SIMs, listed headless, take 1.0-1.1 times one sequential
listing. Pages are decoded as :class:`~supersim_tui.api.SimBrief` (what the index keeps).

A SIM whose status changes during the load can be listed by two slices: ``listed`` counts
SIMs, not listings, so the limit is not reached early by an account of exactly its size.

Storage is columnar, not one object per SIM: ``sids``, ``iccids`` and ``names`` are lists of
str, the status is one byte (a code), the fleet a 4-byte code into a small table, and the
update and creation times 8-byte integers (epoch seconds). A lower-case search string per SIM
(ICCID, name, fleet, status) is built when the load ends, in the order the pane shows the SIMs (a filter reads
them in that order: next to each other in memory, twice as fast), and kept current after. About
240 bytes per SIM with the search strings (measured in tests/test_sim_index.py): 100,000
SIMs take ~24 MB, 1,000,000 ~240 MB.

:class:`SimView` is one pane's window onto the index: its filter and sort (see
:mod:`.table_query`), recomputed only when the index or the query changed.

Why one file over 400 lines: the columns, the view over them, the scope and the parallel load share
one storage layout (codes, epoch seconds, the seen-in-this-load marks); split, each part would reach
into the others' private fields.
"""

from __future__ import annotations

import asyncio
from array import array
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import compress
from operator import attrgetter
from typing import Any, Protocol

from ..api import Fleet, Pager, Sim, SimBrief, SuperSimError
from .parallel import all_of
from .table_query import Query, TableQuery, WordColumn, narrow_mask

STATUS_NAMES = ("", "new", "ready", "active", "inactive", "scheduled")  # code 0: no status given
# A filter term that is exactly one of these means that status (`active` is not "inactive"), or the word in the
# ICCID, name or fleet.
STATUS_WORDS = frozenset(STATUS_NAMES[1:])
NO_TIME = -(2**62)  # an unknown time: sorts first
LOAD_PAGE_SIZE = 1000
HAYSTACK_STEP = 20_000  # search strings built between two frames (~20 ms)
# Above this many SIMs the index stops: ~240 MB at 1,000,000 (peak app memory under 1 GB, measured by
# `make bench sims-scale-1m`), and listing them takes 1,000 pages (on the real API, ~0.3 s a page with 8
# in flight: about 40 s). Past it the pane asks for a server-side filter (status, fleet or ICCID), which
# narrows what is listed (:class:`Scope`); the local filter and sort then work within it.
MAX_INDEXED_SIMS = 1_000_000
FLEETS_WAIT_SECONDS = 5.0  # a load without the fleets waits this long for them before listing the active SIMs unsplit


class ListSimRows(Protocol):
    """What the index lists SIMs with: ``SuperSimClient.list_sim_briefs`` (or ``list_sims``, or anything that
    pages like them)."""

    def __call__(
        self,
        *,
        status: str | None = None,
        fleet: str | None = None,
        iccid: str | None = None,
        page_size: int | None = None,
    ) -> Pager[SimBrief] | Pager[Sim]: ...


@dataclass(frozen=True)
class SimRow:
    """One SIM as the index holds it (what the table shows)."""

    sid: str
    iccid: str | None
    name: str | None
    status: str | None
    fleet_sid: str | None
    updated: datetime | None


def _seconds(when: datetime | None) -> int:
    return int(when.timestamp()) if when is not None else NO_TIME


def _epochs(moments: Iterable[datetime | None]) -> array[int]:
    """Epoch seconds of each moment (:data:`NO_TIME` for none), in one C loop when none is missing."""
    values = list(moments)
    if None in values:
        return array("q", map(_seconds, values))
    return array("q", map(int, map(datetime.timestamp, values)))  # type: ignore[arg-type]  # no None here


_SID, _ICCID, _NAME = attrgetter("sid"), attrgetter("iccid"), attrgetter("unique_name")
_STATUS, _FLEET = attrgetter("status"), attrgetter("fleet_sid")
_CREATED, _UPDATED = attrgetter("date_created"), attrgetter("date_updated")


def _time(seconds: int) -> datetime | None:
    return None if seconds == NO_TIME else datetime.fromtimestamp(seconds, UTC)


class SimIndex:
    """Every SIM of the account in columns; rows are numbered in the order they arrived."""

    def __init__(self, fleet_names: dict[str, str] | None = None) -> None:
        self.sids: list[str] = []
        self.iccids: list[str] = []
        self.names: list[str | None] = []
        self.statuses = bytearray()
        self.fleets = array("I")
        self.updated = array("q")
        self.created = array("q")
        self._rows: dict[str, int] = {}
        self._status_names: list[str] = list(STATUS_NAMES)
        self._status_code = {name: code for code, name in enumerate(STATUS_NAMES)}
        self._status_by_value: dict[object, int] = {}  # the Sim's status (an enum member) → code
        self._fleet_sids: list[str] = [""]  # code 0: no fleet
        self._fleet_code: dict[str | None, int] = {"": 0, None: 0}
        self.fleet_names: dict[str, str] = dict(fleet_names or {})
        self._hay: list[str] | None = None
        # A build of _hay under way: the index's version, the order it follows, the strings, how many are built
        self._building: tuple[int, Sequence[int] | None, list[str], int] | None = None
        self._seen: bytearray | None = None  # during a full reload: the rows listed again
        self._changed: set[str] = set()  # SIDs the app changed or registered since the last complete load
        self.version = 0  # bumped on every change: views recompute when it moved
        self.loading = False
        self.loads = 0  # listings begun: the one under way is the last (see end_load)
        self.complete = False
        self.expected: int | None = None  # what the last complete load found: "of ~100,000"
        self.listed = 0  # SIMs read by the load under way (each once, whichever slices listed it)
        self.truncated = False  # the last load stopped at its limit: the account is too large to index

    def __len__(self) -> int:
        return len(self.sids)

    # --------------------------------------------------------------- writing
    def _code(self, status: str | None) -> int:
        if status is None:
            return 0
        code = self._status_code.get(status)
        if code is None:  # a status this version does not know: kept, shown as sent
            code = self._status_code[status] = len(self._status_names)
            self._status_names.append(status)
        return code

    def _fleet(self, fleet_sid: str | None) -> int:
        code = self._fleet_code.get(fleet_sid)
        if code is None:
            code = self._fleet_code[fleet_sid] = len(self._fleet_sids)
            self._fleet_sids.append(fleet_sid or "")
        return code

    def _haystack(self, row: int) -> str:
        fleet = self._fleet_sids[self.fleets[row]]
        fleet_label = self.fleet_names.get(fleet, fleet) if fleet else "no fleet"
        return (
            f"{self.iccids[row]} {self.names[row] or ''} {fleet_label} {self._status_names[self.statuses[row]]}".lower()
        )

    def put(self, sims: Iterable[Sim | SimBrief], *, changed: bool = False) -> int:
        """Add new SIMs and overwrite known ones (by SID); how many were given. ``changed``: SIMs the app
        changed or registered, read after the listing may have read their page: the load does not drop them."""
        sims = sims if isinstance(sims, list) else list(sims)
        if changed:
            self._changed.update(map(_SID, sims))
        if sims and self._rows.keys().isdisjoint(map(_SID, sims)):
            self._append(sims)  # a page of SIMs not yet held (the whole first load): column by column
        else:
            self._put_each(sims)
        if sims:
            self.version += 1
        return len(sims)

    def _append(self, sims: list[Sim | SimBrief]) -> None:
        """New SIMs added a column at a time (no Python work per SIM where a C loop does it)."""
        first = len(self.sids)
        statuses = list(map(_STATUS, sims))
        for status in set(statuses).difference(self._status_by_value):
            self._status_by_value[status] = self._code(str(status) if status is not None else None)
        fleets = list(map(_FLEET, sims))
        for fleet in set(fleets).difference(self._fleet_code):
            self._fleet(fleet)
        iccids = list(map(_ICCID, sims))
        if None in iccids:
            iccids = [iccid or "" for iccid in iccids]
        self.sids.extend(map(_SID, sims))
        self.iccids.extend(iccids)
        self.names.extend(map(_NAME, sims))
        self.statuses.extend(map(self._status_by_value.__getitem__, statuses))
        self.fleets.extend(map(self._fleet_code.__getitem__, fleets))
        self.updated.extend(_epochs(map(_UPDATED, sims)))
        self.created.extend(_epochs(map(_CREATED, sims)))
        self._rows.update(zip(self.sids[first:], range(first, len(self.sids)), strict=True))
        if self._hay is not None:
            self._hay.extend(self._haystack(row) for row in range(first, len(self.sids)))
        if self._seen is not None:  # every row listed during the load is seen (the first rows: zeros if not)
            self._seen.extend(bytes(first - len(self._seen)))
            self._seen.extend(b"\x01" * len(sims))
            self.listed += len(sims)

    def _put_each(self, sims: list[Sim | SimBrief]) -> None:
        rows, hay, seen = self._rows, self._hay, self._seen
        status_code, fleet_code = self._status_by_value, self._fleet_code
        sids, iccids, names = self.sids, self.iccids, self.names
        statuses, fleets, updated, created = self.statuses, self.fleets, self.updated, self.created
        for sim in sims:
            status = status_code.get(sim.status)
            if status is None:
                status = status_code[sim.status] = self._code(str(sim.status) if sim.status is not None else None)
            fleet = fleet_code.get(sim.fleet_sid)
            if fleet is None:
                fleet = self._fleet(sim.fleet_sid)
            when = sim.date_updated
            row = rows.get(sim.sid)
            if row is None:
                row = rows[sim.sid] = len(sids)
                sids.append(sim.sid)
                iccids.append(sim.iccid or "")
                names.append(sim.unique_name)
                statuses.append(status)
                fleets.append(fleet)
                updated.append(int(when.timestamp()) if when is not None else NO_TIME)
                created.append(_seconds(sim.date_created))
                if hay is not None:
                    hay.append(self._haystack(row))
            else:
                iccids[row] = sim.iccid or ""
                names[row] = sim.unique_name
                statuses[row] = status
                fleets[row] = fleet
                updated[row] = int(when.timestamp()) if when is not None else NO_TIME
                if sim.date_created is not None:
                    created[row] = _seconds(sim.date_created)
                if hay is not None:
                    hay[row] = self._haystack(row)
            if seen is not None:
                if row >= len(seen):
                    seen.extend(bytes(row + 1 - len(seen)))
                if not seen[row]:  # a SIM listed again (by another slice: its status changed) counts once
                    seen[row] = 1
                    self.listed += 1

    def set_fleet_names(self, names: dict[str, str]) -> None:
        """Fleet names changed (a rename, a new fleet): search strings are rebuilt on the next filter."""
        if names != self.fleet_names:
            self.fleet_names = dict(names)
            self._hay = None
            self.version += 1

    def begin_load(self) -> int:
        """A full listing starts: rows stay shown; those not listed again are dropped at :meth:`end_load`. Its
        number, for :meth:`end_load`."""
        self.loading, self.listed = True, 0
        self._seen = bytearray(len(self.sids))
        self.loads += 1
        return self.loads

    def end_load(self, complete: bool, load: int | None = None) -> None:
        """The listing ended; if it read everything, SIMs no longer in the account are dropped. ``load``: its number
        (from :meth:`begin_load`): a listing that ends after a later one began (``r`` pressed during a load: the
        one replaced is cancelled, and ends while the new one lists) changes nothing: the later one owns the
        state (it took "loading" away, and the rows it had seen, from the listing under way)."""
        if load is not None and load != self.loads:
            return
        seen, self._seen, self.loading = self._seen, None, False
        if complete and seen is not None and not all(seen):
            changed, sids = self._changed, self.sids
            keep = [row for row in range(len(sids)) if (row < len(seen) and seen[row]) or sids[row] in changed]
            self._compact(keep)
        if complete:
            self._changed = set()
        self.complete = self.complete or complete
        if complete:
            self.expected = len(self.sids)
        self.version += 1

    def _compact(self, keep: list[int]) -> None:
        self.sids = [self.sids[r] for r in keep]
        self.iccids = [self.iccids[r] for r in keep]
        self.names = [self.names[r] for r in keep]
        self.statuses = bytearray(self.statuses[r] for r in keep)
        self.fleets = array("I", (self.fleets[r] for r in keep))
        self.updated = array("q", (self.updated[r] for r in keep))
        self.created = array("q", (self.created[r] for r in keep))
        self._rows = {sid: row for row, sid in enumerate(self.sids)}
        self._hay = None

    # --------------------------------------------------------------- reading
    def row_of(self, sid: str) -> int | None:
        return self._rows.get(sid)

    def row(self, row: int) -> SimRow:
        fleet = self._fleet_sids[self.fleets[row]]
        status = self._status_names[self.statuses[row]]
        return SimRow(
            self.sids[row],
            self.iccids[row] or None,
            self.names[row],
            status or None,
            fleet or None,
            _time(self.updated[row]),
        )

    def fleet_sid(self, row: int) -> str | None:
        return self._fleet_sids[self.fleets[row]] or None

    def status(self, row: int) -> str | None:
        return self._status_names[self.statuses[row]] or None

    def haystacks(self, order: Sequence[int] | None = None) -> list[str]:
        """One lower-case search string per row (built once, then kept current). ``order``: the rows in the order a
        view reads them, to build them in (a string is then next in memory to the next one read: a filter over
        100,000 reads them about twice as fast as in the order the rows arrived)."""
        for _step in self.build_haystacks(order):
            pass
        assert self._hay is not None
        return self._hay

    def build_haystacks(self, order: Sequence[int] | None = None, step: int = HAYSTACK_STEP) -> Iterator[None]:
        """Build the search strings (see :meth:`haystacks`) ``step`` rows at a time, yielding between steps: an
        app builds them between frames (a second at 1,000,000 SIMs). A build left half-way is taken up by the
        next call in the same order, and dropped if the index changed meanwhile."""
        if self._hay is not None:
            return
        rows = range(len(self.sids)) if order is None else order
        building = self._building
        if building is None or building[0] != self.version or building[1] is not order:
            building = self._building = (self.version, order, [""] * len(self.sids), 0)
        version, _order, hay, done = building
        while done < len(rows):
            for row in rows[done : done + step]:
                hay[row] = self._haystack(row)
            done = min(done + step, len(rows))
            self._building = (version, order, hay, done)
            if done < len(rows):
                yield
        self._hay, self._building = hay, None

    def status_words(self) -> WordColumn:
        """The status as the filter reads it: the last word of each haystack, matched exactly when typed alone."""
        return WordColumn(self.statuses, [name.lower() for name in self._status_names], STATUS_WORDS)

    def counts(self) -> dict[str | None, dict[str, int]]:
        """SIMs by fleet SID (None: no fleet) and status: what the Fleets table shows."""
        table: dict[tuple[int, int], int] = {}
        for pair in zip(self.fleets, self.statuses, strict=True):
            table[pair] = table.get(pair, 0) + 1
        result: dict[str | None, dict[str, int]] = {}
        for (fleet, status), number in table.items():
            by_status = result.setdefault(self._fleet_sids[fleet] or None, {})
            name = self._status_names[status] or "unknown"
            by_status[name] = by_status.get(name, 0) + number
        return result

    def sort_keys(self) -> dict[str, Callable[[int], Any]]:
        """Column key → a function of the row number, for sorting."""
        names = self.names
        fleet_labels = [self.fleet_names.get(sid, sid) if sid else "\uffff" for sid in self._fleet_sids]
        fleets = self.fleets
        return {
            "iccid": self.iccids.__getitem__,
            "sid": self.sids.__getitem__,
            "name": lambda row: names[row] or "\uffff",  # SIMs without a name last
            "status": self.statuses.__getitem__,
            "fleet": lambda row: fleet_labels[fleets[row]],
            "updated": self.updated.__getitem__,
            "created": self.created.__getitem__,
        }


class SimView:
    """What one pane shows of an index: its filter and sort, and the rows that result.

    With no sort column the SIMs are in the account's order (by creation, as the API lists
    them; SIMs created the same second by ICCID), whatever order the parallel slices arrived in.
    Typing on (more letters after the same text) tests only the rows that matched before.
    """

    DEFAULT_SORT = "created"

    def __init__(self, index: SimIndex, query: TableQuery | None = None) -> None:
        self.index = index
        self.query = query or TableQuery()
        self.rows: list[int] = []
        self._key: tuple[object, ...] | None = None
        self._order: tuple[tuple[object, ...], list[int]] | None = None
        self._last: tuple[tuple[object, ...], Query, list[int]] | None = None  # (order, query, rows): typing on
        self._texts: list[str] = []  # the haystacks of ``rows`` in their order, while a filter is typed
        self._ordered: tuple[tuple[object, ...], list[str]] | None = None  # (order, its rows' haystacks in it)

    def refresh(self) -> bool:
        """Recompute the rows if the index or the query changed; True if the rows shown or the index changed
        (False: the same rows with the same cells, nothing to paint again)."""
        index, query = self.index, self.query
        key = (index.version, query.text, query.sort_column, query.descending)
        if key == self._key:
            return False
        index_moved = self._key is None or self._key[0] != index.version
        self._key = key
        before = self.rows
        column = query.sort_column or self.DEFAULT_SORT
        order_key = (index.version, column, query.descending)
        if self._order is None or self._order[0] != order_key:
            keys = index.sort_keys()
            # Ties (SIMs created the same second) in ICCID order, the simulator's and a stable rule: sorting
            # by ICCID first, then (stable) by the column, costs two plain sorts, not one on tuples.
            ordered = sorted(range(len(index)), key=keys["iccid"])
            if column != "iccid":
                ordered.sort(key=keys[column])
            if query.descending:
                ordered.reverse()
            self._order = (order_key, ordered)
        order = self._order[1]
        parsed = query.query
        source = order
        if parsed.empty:
            self.rows, self._texts = order, []
        else:
            if self._last is not None and self._last[0] == order_key and _narrows(self._last[1], parsed):
                source, texts = self._last[2], self._texts  # typing on: only the rows that matched can match
            else:
                texts = self._haystacks(order_key, order)
            mask = narrow_mask(parsed, source, texts, index.status_words())
            self.rows, self._texts = list(compress(source, mask)), list(compress(texts, mask))
            if len(self.rows) < len(source) // 2:  # the next key reads fewer of them: copied next to each other
                self._texts = _side_by_side(self._texts)
        self._last = (order_key, parsed, self.rows)
        if index_moved:
            return True
        if before is source:  # a part of what was shown: the same rows if as many
            return len(self.rows) != len(source)
        return self.rows != before

    def _haystacks(self, order_key: tuple[object, ...], order: list[int]) -> list[str]:
        """The search strings of ``order``'s rows, in that order (kept for the order)."""
        if self._ordered is None or self._ordered[0] != order_key:
            self._ordered = (order_key, list(map(self.index.haystacks(order).__getitem__, order)))
        return self._ordered[1]

    def prepare_search(self, step: int = HAYSTACK_STEP) -> Iterator[None]:
        """Build the search strings (after a load, in this view's order) a step at a time, not on the first filter
        key: yields between steps (see :meth:`SimIndex.build_haystacks`). A key typed meanwhile finishes the build."""
        if self._order is None:
            return
        order_key, order = self._order
        yield from self.index.build_haystacks(order, step)
        if self._order[0] == order_key:
            self._haystacks(order_key, order)

    def describe(self) -> str:
        return self.query.describe(len(self.rows), len(self.index), "SIMs")


def _side_by_side(texts: list[str]) -> list[str]:
    """Copies of ``texts`` made one after another, so next to each other in memory: a filter typed on reads them
    about three times as fast as the originals, a few of which sit between many others (the originals if one
    holds the separator)."""
    copies = "\0".join(texts).split("\0")
    return copies if len(copies) == len(texts) else texts


def _narrows(before: Query, now: Query) -> bool:
    """Every row matching ``now`` matched ``before`` (more letters typed after the same text; not after a status
    word, which matched fewer rows than its letters do)."""
    return (
        not before.empty
        and before.needle not in STATUS_WORDS
        and not before.invert
        and not now.invert
        and before.fuzzy == now.fuzzy
        and now.needle.startswith(before.needle)
    )


@dataclass(frozen=True)
class Scope:
    """Which SIMs the index holds: the whole account, or what the server-side filters select.

    For an account too large to index (:data:`MAX_INDEXED_SIMS`), a status, a fleet or an exact
    ICCID narrows what is listed; the local filter then works within that.
    """

    status: str | None = None
    fleet: str | None = None
    iccid: str | None = None

    @property
    def whole(self) -> bool:
        return self.status is None and self.fleet is None and self.iccid is None


Slice = tuple[str | None, str | None, bool]  # fleet SID, status, fleetless only


def _slices(scope: Scope, fleets: list[Fleet], by_fleet: bool) -> list[Slice]:
    statuses = [scope.status] if scope.status else list(STATUS_NAMES[1:])
    if scope.iccid:
        return [(scope.fleet, scope.status, False)]  # one SIM at most: one request
    if scope.fleet or not fleets:  # fleet slices need the fleets: without them, by status
        return [(scope.fleet, status, False) for status in statuses]
    if not by_fleet:  # by status, and the active SIMs (most of a working account) by fleet as well
        split = "active"  # (an active SIM always has a fleet: the API refuses it otherwise, 83007 and 83008)
        return [(None, s, False) for s in statuses if s != split] + [
            (f.sid, split, False) for f in fleets if split in statuses
        ]
    slices: list[Slice] = [(f.sid, status, False) for f in fleets for status in statuses]
    # ready/active SIMs always have a fleet: the fleetless ones are among the new and inactive
    return slices + [(None, status, True) for status in ("new", "inactive") if status in statuses]


def _slice_pager(
    list_sims: ListSimRows, scope: Scope, fleet: str | None, status: str | None, page_size: int
) -> Pager[SimBrief] | Pager[Sim]:
    return list_sims(status=status, fleet=fleet, iccid=scope.iccid, page_size=page_size)


def _head_pager(list_sims: ListSimRows, scope: Scope, head: int) -> Pager[SimBrief] | Pager[Sim]:
    return list_sims(status=scope.status, fleet=scope.fleet, page_size=head)


def arrived_head(list_sims: ListSimRows, scope: Scope, head: int) -> list[Sim] | list[SimBrief]:
    """The first ``head`` SIMs :func:`load_index` starts with, if their reply is here already (read ahead, see
    ``Pager.first_page_if_here``): taken without waiting; [] if not (the load reads them)."""
    if head <= 0 or scope.iccid:
        return []
    return _head_pager(list_sims, scope, head).first_page_if_here() or []


def first_pages(list_sims: ListSimRows, *, scope: Scope = Scope(), head: int = 0) -> list[Pager[SimBrief] | Pager[Sim]]:
    """The small first page :func:`load_index` (with the same ``scope`` and ``head``) starts with, unread: what a
    caller can ask the client to read ahead (``SuperSimClient.read_ahead``) before the first frame. The slices'
    large first pages are asked for by the load itself: receiving them would hold that frame back."""
    return [_head_pager(list_sims, scope, head)] if head > 0 and not scope.iccid else []


async def load_index(
    list_sims: ListSimRows,
    index: SimIndex,
    fleets: list[Fleet],
    *,
    scope: Scope = Scope(),  # frozen: safe as a default
    concurrency: int = 8,
    page_size: int = LOAD_PAGE_SIZE,
    on_page: Callable[[], None] | None = None,
    on_start: Callable[[], None] | None = None,
    by_fleet: bool = False,
    limit: int = MAX_INDEXED_SIMS,
    head: int = 0,
    read_fleets: Callable[[], Awaitable[list[Fleet]]] | None = None,
) -> None:
    """List the SIMs of ``scope`` into ``index`` in parallel slices (by status; or fleet x status and
    fleetless new/inactive with ``by_fleet``).

    SIMs already in the index stay shown while the listing runs; those it does not find again
    are dropped once it is complete. ``on_start`` is called once the index says it is loading (before the first
    page, which may take a while), ``on_page`` after each page is stored. Past
    ``limit`` SIMs the listing stops and ``index.truncated`` is set (choose a narrower scope).

    ``head``: also read the scope's first ``head`` SIMs in the account's order (one small unsliced page,
    asked for before the slices): the top of the table is then known before the slices' large pages
    are served and decoded. Those SIMs are listed again by their slices (counted once).

    ``read_fleets``: without ``fleets`` (a load at start-up, before the fleets are here), the fleets to list the
    active SIMs by; the other slices start meanwhile. If they do not come within :data:`FLEETS_WAIT_SECONDS`, or
    the read fails (reported where the app reads the fleets), the active SIMs are listed as one slice.
    """
    gate = asyncio.Semaphore(concurrency)
    if fleets:
        index.set_fleet_names({f.sid: f.label for f in fleets})
    index.truncated = False
    load = index.begin_load()
    if on_start is not None:
        on_start()

    async def read(fleet: str | None, status: str | None, fleetless: bool) -> None:
        pager = _slice_pager(list_sims, scope, fleet, status, page_size)
        while pager.has_more:
            if index.listed >= limit:
                index.truncated = True
                return
            async with gate:
                sims = await pager.walk_page()
            index.put([s for s in sims if s.fleet_sid is None] if fleetless else sims)  # counts index.listed
            if on_page is not None:
                on_page()

    async def read_head() -> None:
        async with gate:
            sims = await _head_pager(list_sims, scope, head).walk_page()
        index.put(sims)
        if on_page is not None:
            on_page()

    async def read_active() -> None:
        """The active SIMs, by fleet once the fleets are read."""
        assert read_fleets is not None
        try:
            async with asyncio.timeout(FLEETS_WAIT_SECONDS):
                known = await read_fleets()
        except (TimeoutError, SuperSimError):
            known = []
        by: list[str | None] = [f.sid for f in known] or [None]
        await all_of(read(fleet, "active", False) for fleet in by)

    slices = _slices(scope, fleets, by_fleet)
    late = read_fleets is not None and not fleets and not by_fleet and not scope.fleet and not scope.iccid
    if late:
        slices = [one for one in slices if one[1] != "active"]
    complete = False
    try:
        heads = [read_head()] if head > 0 and not scope.iccid else []
        actives = [read_active()] if late and scope.status in (None, "active") else []
        await all_of([*heads, *actives, *(read(*one) for one in slices)])
        complete = not index.truncated
    finally:
        index.end_load(complete, load)
