"""Turning what the user named (ICCIDs, SIDs, a fleet and status) into SIMs with their current state."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from ..api import NotFoundError, Sim, SuperSimClient
from ..iccid import iccid_problem, normalize
from .parallel import all_of

LIST_INSTEAD_OF_LOOKUPS = 200  # above this many ICCIDs, one listing pass beats one lookup each


@dataclass
class Selection:
    sims: list[Sim]
    missing: list[str]  # named but not in this account


def parse_iccid_lines(text: str) -> tuple[list[str], list[str]]:
    """ICCIDs or SIM SIDs, one per line (blank lines and # comments ignored).

    Returns (values, problems); each problem names its line.
    """
    values: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        value = normalize(line) if not line.startswith("HS") else line
        if not value.startswith("HS"):
            problem = iccid_problem(value)
            if problem:
                problems.append(f"line {number}: {problem}")
                continue
        if value not in seen:
            seen.add(value)
            values.append(value)
    return values, problems


async def select_named(client: SuperSimClient, refs: list[str], concurrency: int = 8) -> Selection:
    """SIMs for ICCIDs / SIDs / unique names, in the order given."""
    iccids = [r for r in refs if r.isdigit()]
    others = [r for r in refs if not r.isdigit()]
    found: dict[str, Sim] = {}
    gate = asyncio.Semaphore(concurrency)

    async def one_iccid(iccid: str) -> None:
        async with gate:
            sim = await client.find_sim_by_iccid(iccid)
        if sim is not None:
            found[iccid] = sim

    async def one_ref(ref: str) -> None:
        async with gate:
            with contextlib.suppress(NotFoundError):
                found[ref] = await client.fetch_sim(ref)

    if len(iccids) > LIST_INSTEAD_OF_LOOKUPS:
        wanted = set(iccids)
        async for sim in client.list_sims(page_size=1000):
            if sim.iccid in wanted:
                found[sim.iccid] = sim
                wanted.discard(sim.iccid)
                if not wanted:
                    break
    else:
        await all_of(one_iccid(i) for i in iccids)
    await all_of(one_ref(r) for r in others)
    return Selection([found[r] for r in refs if r in found], [r for r in refs if r not in found])


async def select_filtered(client: SuperSimClient, *, fleet: str | None, status: str | None) -> Selection:
    """Every SIM in a fleet and/or with a status (server-side filters, 1,000 per page)."""
    return Selection(await client.list_sims(fleet=fleet, status=status, page_size=1000).collect(), [])
