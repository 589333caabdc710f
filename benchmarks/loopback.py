"""Start the simulator as a separate process on 127.0.0.1 (its own CPU, real sockets)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from supersim_tui.api import SimBrief
from supersim_tui.api.replies import page_type

ACCOUNT = "AC" + "be" * 16
TOKEN = "bench-token"


@contextmanager
def loopback_simulator(*options: str, account: str = ACCOUNT, token: str = TOKEN) -> Iterator[str]:
    """``supersim-tui simulator`` on 127.0.0.1 (a free port) with these options; yields its base URL. The
    benchmarks and the tests that need a real socket or a second process use it."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "supersim_tui",
            "simulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--account-sid",
            account,
            "--auth-token",
            token,
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError("the simulator did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Listing:
    seconds: float
    count: int
    first_iccid: str
    last_iccid: str


async def sequential_listing(url: str, item: type[Any] = SimBrief, page_size: int = 1000) -> Listing:
    """One plain sequential listing of every SIM: raw httpx, each page decoded by msgspec into ``item``
    (the client's own page type: the same decoding as the app, whose SIMs index decodes ``SimBrief``).
    The baseline the app is measured against."""
    decoder = msgspec.json.Decoder(page_type("sims", item))
    first = last = ""
    count = 0
    async with httpx.AsyncClient(base_url=url, auth=(ACCOUNT, TOKEN), timeout=60) as http:
        start = time.perf_counter()
        next_url: str | None = f"/v1/Sims?PageSize={page_size}"
        while next_url:
            page = decoder.decode((await http.get(next_url)).content)
            count += len(page.sims)
            if page.sims and item is not msgspec.Raw:
                first = first or page.sims[0].iccid or ""
                last = page.sims[-1].iccid or ""
            next_url = page.meta.next_page_url
        seconds = time.perf_counter() - start
    return Listing(seconds, count, first, last)
