"""Serve the simulator over HTTP with uvicorn, on loopback unless told otherwise."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

import uvicorn

from .app import Simulator
from .errors import SimulatedDrop
from .net import is_loopback_host


class _HideSimulatedDrops(logging.Filter):
    """A fault-injected dropped connection is intended, not an application error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], SimulatedDrop))


async def serve(simulator: Simulator, host: str, port: int, on_ready: Callable[[str], None] | None = None) -> None:
    """Run until cancelled; ``on_ready`` receives the base URL once the socket listens."""
    logging.getLogger("uvicorn.error").addFilter(_HideSimulatedDrops())
    config = uvicorn.Config(simulator, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()  # re-raise the start-up failure (e.g. port in use)
                raise SystemExit(1)
            await asyncio.sleep(0.02)
        bound_port = port
        for srv in server.servers:
            for sock in srv.sockets:
                bound_port = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{bound_port}"
        if on_ready is not None:
            on_ready(url)
        else:
            print(url, flush=True)
        await task
    finally:
        server.should_exit = True
        if not task.done():
            await task


def run(simulator: Simulator, host: str, port: int) -> None:
    try:
        asyncio.run(serve(simulator, host, port))
    except KeyboardInterrupt:
        sys.exit(0)


__all__ = ["is_loopback_host", "run", "serve"]
