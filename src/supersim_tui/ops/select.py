"""Turning what the user named (ICCIDs, SIDs, a fleet and status) into SIMs with their current state."""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass

from ..api import NotFoundError, Sim, SuperSimClient
from ..iccid import iccid_problem, is_ascii_digits, normalize

_SIM_SID = re.compile(r"HS[0-9a-fA-F]{32}")
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
        if line.startswith("HS"):
            value = line
            if not _SIM_SID.fullmatch(value):
                problems.append(f"line {number}: not a SIM SID (HS and 32 hexadecimal digits) nor an ICCID")
                continue
        else:
            problem = iccid_problem(line)
            if problem:
                problems.append(f"line {number}: {problem}")
                continue
            value = normalize(line)
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
        await asyncio.gather(*(one_iccid(i) for i in iccids))
    await asyncio.gather(*(one_ref(r) for r in others))
    return Selection([found[r] for r in refs if r in found], [r for r in refs if r not in found])


async def select_filtered(client: SuperSimClient, *, fleet: str | None, status: str | None) -> Selection:
    """Every SIM in a fleet and/or with a status (server-side filters, 1,000 per page).

    An empty or blank fleet or status is refused (ValueError): sent as a filter it would be ignored, and
    the selection would be every SIM of the account."""
    for name, value in (("fleet", fleet), ("status", status)):
        if value is not None and not value.strip():
            raise ValueError(f"an empty {name} would select every SIM in the account; name the {name}")
    return Selection(await client.list_sims(fleet=fleet, status=status, page_size=1000).collect(), [])
