"""Twilio list paging: follow ``meta.next_page_url`` lazily, one page at a time."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")

FetchPage = Callable[[str, dict[str, str] | None], Awaitable[tuple[list[T], str | None]]]


class Pager(Generic[T], AsyncIterator[T]):
    """An async iterator over a list resource that fetches the next page only when needed.

    ``async for sim in client.list_sims(...)`` walks everything; the TUI uses
    :meth:`next_page` to load one page per scroll step. Following stops when the
    server gives no ``next_page_url``; a link seen before, or more than ``max_pages``
    pages, stops it (a guard against a server that loops).
    """

    def __init__(self, fetch: FetchPage[T], path: str, params: dict[str, str] | None,
                 max_pages: int = 100_000):
        self._fetch = fetch
        self._next: str | None = path
        self._params = params
        self._buffer: deque[T] = deque()
        self._pages = 0
        self._max_pages = max_pages
        self._seen: set[str] = set()
        self._links: list[str] = []  # the link each page was read from, to read it again

    @property
    def has_more(self) -> bool:
        return self._next is not None

    @property
    def pages_fetched(self) -> int:
        return self._pages

    async def next_page(self) -> list[T]:
        """The next page's items ([] when there are no more)."""
        if self._next is None or self._pages >= self._max_pages:
            self._next = None
            return []
        if self._next in self._seen:
            from .errors import ResponseFormatError

            self._next = None
            raise ResponseFormatError("The API sent the same page link twice; stopped to avoid looping")
        items, following = await self._fetch(self._next, self._params if self._pages == 0 else None)
        self._seen.add(self._next)  # only once read: a read cancelled half-way can be made again
        self._links.append(self._next)
        self._pages += 1
        self._next = following
        return items

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
            self._buffer.extend(await self.next_page())
        return self._buffer.popleft()

    async def collect(self, limit: int | None = None) -> list[T]:
        """Everything (or the first ``limit`` items) as a list."""
        result: list[T] = []
        async for item in self:
            result.append(item)
            if limit is not None and len(result) >= limit:
                break
        return result
