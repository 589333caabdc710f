"""Run awaitables side by side, and when one fails, cancel and wait for the rest.

``asyncio.gather`` leaves the siblings of a failed awaitable running (and a task
started with ``create_task`` and never awaited logs "Task exception was never
retrieved" when its failure is collected). These helpers use ``asyncio.TaskGroup``:
on the first failure every sibling is cancelled and awaited, then that failure is
raised as itself (not wrapped in an ``ExceptionGroup``), so callers keep catching
``SuperSimError`` as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar, overload

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")


async def _wait(awaitable: Awaitable[T]) -> T:
    return await awaitable


def first_failure(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first real failure in a (nested) exception group, cancellations last."""
    leaves: list[BaseException] = []

    def walk(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                walk(inner)
        else:
            leaves.append(error)

    walk(group)
    for leaf in leaves:
        if not isinstance(leaf, asyncio.CancelledError):
            return leaf
    return leaves[0] if leaves else group


async def all_of(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """Results in order; on a failure the others are cancelled and awaited, then it is raised."""
    pending = list(awaitables)
    if not pending:
        return []
    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_wait(a)) for a in pending]
    except BaseExceptionGroup as failures:
        raise first_failure(failures) from None
    return [task.result() for task in tasks]


@overload
async def together(a: Awaitable[A], b: Awaitable[B], /) -> tuple[A, B]: ...


@overload
async def together(a: Awaitable[A], b: Awaitable[B], c: Awaitable[C], /) -> tuple[A, B, C]: ...


@overload
async def together(a: Awaitable[A], b: Awaitable[B], c: Awaitable[C], d: Awaitable[D], /) -> tuple[A, B, C, D]: ...


async def together(*awaitables: Awaitable[Any]) -> tuple[Any, ...]:
    """Like :func:`all_of` for a few awaitables of different types, as a tuple."""
    return tuple(await all_of(awaitables))
