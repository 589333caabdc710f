"""Turning what the user named (ICCIDs, SIDs, a fleet and status) into SIMs with their current state."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from ..api import NotFoundError, Pager, Sim, SuperSimClient
from ..api.errors import ResponseFormatError
from ..iccid import is_ascii_digits, normalize
from .names import sim_ref_problem, sim_sid_or_iccid_problem
from .parallel import all_of

# Per-ICCID lookups or a listing of the account, decided by counts. k lookups cost k requests, c at a time:
# ceil(k / c) round trips. Listing an account of A SIMs costs A / 1000 requests (1,000 a page); listed as one
# slice per status, all slices at once, it takes about (largest slice) / 1000 round trips, and stops as soon as
# every ICCID is found. Up to LIST_INSTEAD_OF_LOOKUPS ICCIDs are looked up: a handful of round trips, whatever
# the account. More are found by listing, unless the account turns out large for the file: the API does not
# say how many SIMs an account has, so the listing counts its pages and, once it has read as many pages as
# ICCIDs are still missing, looks the rest up one by one in parallel (the ski-rental rule: never more than
# twice the requests of the cheaper way, whatever A is). A file of 10,000 ICCIDs in an account of 20,000 costs
# about 20 pages; 300 ICCIDs in an account of 5 million cost at most about 600 requests, not 5,000 pages.
LIST_INSTEAD_OF_LOOKUPS = 200
LIST_PAGE = 1000
SIM_STATUSES = ("active", "ready", "new", "inactive", "scheduled")  # the listing's slices, largest first


class ListSims(Protocol):
    """A SIM listing with server-side filters: ``SuperSimClient.list_sims`` or anything that pages like it."""

    def __call__(
        self,
        *,
        status: str | None = None,
        fleet: str | None = None,
        iccid: str | None = None,
        page_size: int | None = None,
    ) -> Pager[Sim]: ...


@dataclass
class Selection:
    sims: list[Sim]
    missing: list[str]  # named but not in this account


def parse_iccid_lines(text: str, *, names: bool = False) -> tuple[list[str], list[str]]:
    """ICCIDs or SIM SIDs (and, with ``names``, unique names), one per line (blank lines and # comments ignored).

    Returns (values, problems); each problem names its line.
    """
    check = sim_ref_problem if names else sim_sid_or_iccid_problem
    values: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        problem = check(line)
        if problem:
            problems.append(f"line {number}: {problem}")
            continue
        value = normalize(line) if is_ascii_digits(normalize(line)) else line
        if value not in seen:
            seen.add(value)
            values.append(value)
    return values, problems


async def select_named(client: SuperSimClient, refs: list[str], concurrency: int = 8) -> Selection:
    """SIMs for ICCIDs / SIDs / unique names, in the order given."""
    iccids = [r for r in refs if is_ascii_digits(r)]
    others = [r for r in refs if not is_ascii_digits(r)]
    found: dict[str, Sim] = {}
    gate = asyncio.Semaphore(concurrency)

    async def one_iccid(iccid: str) -> None:
        async with gate:
            sim = await client.find_sim_by_iccid(iccid)
        if sim is not None:
            found[iccid] = sim

    if len(iccids) > LIST_INSTEAD_OF_LOOKUPS:
        wanted = set(iccids)
        await _find_by_listing(client, wanted, found)
        await all_of(one_iccid(i) for i in list(wanted))  # what the listing left (its pages outnumbered them)
    else:
        await all_of(one_iccid(i) for i in iccids)
    found.update(await fetch_each(client, others, gate=gate))
    return Selection([found[r] for r in refs if r in found], [r for r in refs if r not in found])


async def kind_named(client: SuperSimClient, name: str) -> str | None:
    """What ``name``, which no SIM has, names in this account instead: ``fleet`` or ``NAP`` (a fleet's or a NAP's
    unique name given where SIMs go), or None. Asked only once a SIM lookup found nothing, and bounded: the
    fleet by that name, then (only if there is none) the NAP, never a listing."""
    for kind, fetch in (("fleet", client.fetch_fleet), ("NAP", client.fetch_nap)):
        try:
            await fetch(name)
        except NotFoundError:
            continue
        return kind
    return None


async def fetch_each(client: SuperSimClient, refs: Iterable[str], *, gate: asyncio.Semaphore) -> dict[str, Sim]:
    """Each SIM by SID or unique name, one request each, as many at a time as ``gate`` allows. A ref the API
    does not know is left out; a SIM that is not the one asked for is an error (:func:`check_resolved`)."""
    found: dict[str, Sim] = {}

    async def one(ref: str) -> None:
        async with gate:
            with contextlib.suppress(NotFoundError):
                found[ref] = check_resolved(ref, await client.fetch_sim(ref))

    await all_of(one(ref) for ref in dict.fromkeys(refs))
    return found


async def _find_by_listing(client: SuperSimClient, wanted: set[str], found: dict[str, Sim]) -> None:
    """The SIMs with the ``wanted`` ICCIDs (found ones are taken out of it), listed 1,000 a page in one slice
    per status, the slices side by side (not one sequential pass over the account); every slice stops once all
    ICCIDs are found, or once the pages read outnumber the ICCIDs still missing (see LIST_INSTEAD_OF_LOOKUPS)."""
    pages = 0

    async def slice_(status: str) -> None:
        nonlocal pages
        pager = client.list_sims(status=status, page_size=LIST_PAGE)
        while wanted and pager.has_more and pages < len(wanted):
            pages += 1
            for sim in await pager.walk_page():
                if sim.iccid in wanted:
                    found[sim.iccid] = sim
                    wanted.discard(sim.iccid)

    await all_of(slice_(status) for status in SIM_STATUSES)


def check_resolved(ref: str, sim: Sim) -> Sim:
    """The SIM the server returned for ``ref`` (an ICCID, SID or unique name), if it is the one asked for;
    otherwise an error naming both (a proxy or server that ignored what was asked must not pick the SIM)."""
    if ref in (sim.sid, sim.unique_name, sim.iccid):
        return sim
    raise ResponseFormatError(
        f"asked for SIM {ref!r}, the server returned {sim.sid} (ICCID {sim.iccid}, "
        f"unique name {sim.unique_name or 'none'}); nothing was changed"
    )


async def select_filtered(client: SuperSimClient, *, fleet: str | None, status: str | None) -> Selection:
    """Every SIM in a fleet and/or with a status (server-side filters, 1,000 per page). Each SIM returned is
    checked against the filters: a server that ignored one must not widen the selection.

    An empty or blank fleet or status is refused (ValueError): sent as a filter it would be ignored, and
    the selection would be every SIM of the account."""
    for name, value in (("fleet", fleet), ("status", status)):
        if value is not None and not value.strip():
            raise ValueError(f"an empty {name} would select every SIM in the account; name the {name}")
    fleet_sid = None
    if fleet is not None:
        with contextlib.suppress(NotFoundError):
            fleet_sid = (await client.fetch_fleet(fleet)).sid
    sims = await select_matching(client.list_sims, fleet=fleet, status=status, fleet_sid=fleet_sid)
    return Selection(sims, [])


async def select_matching(
    list_sims: ListSims,
    *,
    status: str | None = None,
    fleet: str | None = None,
    iccid: str | None = None,
    fleet_sid: str | None = None,
    on_page: Callable[[int], object] | None = None,
) -> list[Sim]:
    """Every SIM matching the server-side filters (``fleet``: a SID or unique name), read 1,000 a page; once
    per page ``on_page`` gets how many were found so far. Each SIM is checked against the filters (the
    fleet when its SID, ``fleet_sid``, is known): a server that ignored one must not widen the selection
    (ResponseFormatError, naming the SIM)."""
    pager = list_sims(status=status, fleet=fleet, iccid=iccid, page_size=1000)
    found: dict[str, Sim] = {}
    while pager.has_more:
        for sim in await pager.next_page():
            if (
                (status is not None and sim.status != status)
                or (fleet_sid is not None and sim.fleet_sid != fleet_sid)
                or (iccid is not None and sim.iccid != iccid)
            ):
                asked = f"{f' in fleet {fleet}' if fleet else ''}{f' with status {status}' if status else ''}"
                asked += f" with ICCID {iccid}" if iccid else ""
                raise ResponseFormatError(
                    f"asked for the SIMs{asked}, the server returned {sim.sid} (status {sim.status}, "
                    f"fleet {sim.fleet_sid or 'none'}); nothing was changed"
                )
            found[sim.sid] = sim
        if on_page is not None:
            on_page(len(found))
    return list(found.values())
