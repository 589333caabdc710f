"""Twilio list paging: follow ``meta.next_page_url`` lazily, one page at a time."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_EMPTY_PAGES = 5  # empty pages in a row that still link on: a server whose links never end
FetchPage = Callable[[str, dict[str, str] | None], Awaitable[tuple[list[T], str | None]]]
# The first page, without waiting, if its reply is already here (read ahead and arrived); None if not
ArrivedPage = Callable[[str, dict[str, str] | None], tuple[list[T], str | None] | None]


class Pager(Generic[T], AsyncIterator[T]):
    """An async iterator over a list resource that fetches the next page only when needed.

    ``async for sim in client.list_sims(...)`` walks everything; the TUI uses
    :meth:`next_page` to load one page per scroll step. Following stops when the
    server gives no ``next_page_url``. Guards against a server whose links never end
    raise :class:`ResponseFormatError`: a link seen before, more than ``max_pages``
    pages, or :data:`MAX_EMPTY_PAGES` empty pages in a row that still link on. A walk
    (``async for`` or :meth:`collect`) also ends after ``walk_timeout`` seconds with
    :class:`RequestTimeoutError`; :meth:`next_page` alone, paced by a person, does not.
    """

    def __init__(
        self,
        fetch: FetchPage[T],
        path: str,
        params: dict[str, str] | None,
        max_pages: int = 20_000,
        walk_timeout: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        arrived: ArrivedPage[T] | None = None,
    ):
        self._fetch = fetch
        self._arrived = arrived
        self._next: str | None = path
        self._params = params
        self._buffer: deque[T] = deque()
        self._pages = 0
        self._max_pages = max_pages
        self._seen: set[str] = set()
        self._links: list[str] = []  # the link each page was read from, to read it again
        self._empty_run = 0
        self._walk_timeout = walk_timeout
        self._clock = clock
        self._walk_started: float | None = None

    @property
    def has_more(self) -> bool:
        return self._next is not None

    @property
    def first_request(self) -> tuple[str, dict[str, str] | None]:
        """The path and query of the first page (what :meth:`Transport.read_ahead` sends early)."""
        return (self._links[0] if self._links else self._next or ""), self._params

    @property
    def pages_fetched(self) -> int:
        return self._pages

    def first_page_if_here(self) -> list[T] | None:
        """The first page's items if its reply is here already (read ahead, and arrived): taken without waiting,
        as :meth:`next_page` would have read it; None (nothing read) if not, or not the first page."""
        if self._pages or self._next is None or self._arrived is None:
            return None
        found = self._arrived(self._next, self._params)
        if found is None:
            return None
        items, following = found
        self._seen.add(self._next)
        self._links.append(self._next)
        self._pages = 1
        self._next = following
        return items

    async def next_page(self) -> list[T]:
        """The next page's items ([] when there are no more)."""
        from .errors import ResponseFormatError

        if self._next is None:
            return []
        if self._pages >= self._max_pages:
            self._next = None
            raise ResponseFormatError(
                f"The API kept linking to more pages after {self._max_pages:,} pages; "
                "stopped (its page links never end)"
            )
        if self._next in self._seen:
            self._next = None
            raise ResponseFormatError("The API sent the same page link twice; stopped to avoid looping")
        items, following = await self._fetch(self._next, self._params if self._pages == 0 else None)
        self._seen.add(self._next)  # only once read: a read cancelled half-way can be made again
        self._links.append(self._next)
        self._pages += 1
        self._next = following
        self._empty_run = self._empty_run + 1 if not items and following else 0
        if self._empty_run >= MAX_EMPTY_PAGES:
            self._next = None
            raise ResponseFormatError(
                f"The API sent {self._empty_run} empty pages in a row that still link to "
                "more; stopped (its page links never end)"
            )
        return items

    async def walk_page(self) -> list[T]:
        """:meth:`next_page` as a step of a whole walk: within what is left of ``walk_timeout``."""
        if self._walk_timeout is None:
            return await self.next_page()
        if self._walk_started is None:
            self._walk_started = self._clock()
        left = self._walk_started + self._walk_timeout - self._clock()
        try:
            if left <= 0:
                raise TimeoutError
            async with asyncio.timeout(left):
                return await self.next_page()
        except TimeoutError:
            from .errors import RequestTimeoutError

            self._next = None
            raise RequestTimeoutError(
                f"Listing did not finish in time ({self._walk_timeout:g} s, {self._pages:,} pages read); "
                "the server is too slow or its pages never end"
            ) from None

    async def page_again(self, index: int) -> list[T]:
        """Read page ``index`` (0-based, already read once) again, from the link it came from.

        Lets a view keep only a window of pages in memory and re-read the ones it dropped.
        """
        if not 0 <= index < len(self._links):
            raise IndexError(f"page {index} has not been read yet")
        items, _following = await self._fetch(self._links[index], self._params if index == 0 else None)
        return items

    def __aiter__(self) -> Pager[T]:
        return self

    async def __anext__(self) -> T:
        while not self._buffer:
            if not self.has_more:
                raise StopAsyncIteration
            self._buffer.extend(await self.walk_page())
        return self._buffer.popleft()

    async def collect(self, limit: int | None = None) -> list[T]:
        """Everything (or the first ``limit`` items) as a list."""
        result: list[T] = []
        async for item in self:
            result.append(item)
            if limit is not None and len(result) >= limit:
                break
        return result
