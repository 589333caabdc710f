"""The window of SIM pages the SIMs table shows: plain logic, no Textual, unit-tested on its own.

A listing of 100,000 SIMs is never held at once. The window keeps a few consecutive pages of a
paged listing: moving down reads the next page (again from its link if it was read before), and
once the window holds twice ``window_pages`` pages the older half is dropped (one rebuild of the
table per several pages); moving back up reads dropped pages again. Memory stays flat however
far one scrolls.

The interface is small on purpose (a local SIM index may later stand behind it): the rows of the
window and where they start in the whole list (:attr:`PageWindow.rows`, :attr:`PageWindow.first_row`),
the total once known (:attr:`PageWindow.total`), reads that move the window
(:meth:`PageWindow.read_next`, :meth:`PageWindow.read_previous`, :meth:`PageWindow.read_start`), and
:meth:`PageWindow.invalidate` to start over (new filters, a reload).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


class PageSource(Protocol[T]):
    """What the window needs of a paged listing (:class:`~supersim_tui.api.paging.Pager` is one)."""

    @property
    def has_more(self) -> bool: ...

    @property
    def pages_fetched(self) -> int: ...

    async def next_page(self) -> list[T]: ...

    async def page_again(self, index: int) -> list[T]: ...


class Moved(enum.Enum):
    """What a read did to the window, so its view knows how much to redraw."""

    NOTHING = "nothing"  # nothing to read (or the listing changed while the page was on its way)
    APPENDED = "appended"  # one page added at the end: add its rows
    REBUILT = "rebuilt"  # pages added at the start or dropped: draw the window again


class PageWindow(Generic[T]):
    """A window of consecutive pages over the listing that ``open_listing`` starts."""

    def __init__(self, open_listing: Callable[[], PageSource[T]], window_pages: int) -> None:
        self.open_listing = open_listing
        self.window_pages = window_pages
        self.listing: PageSource[T] | None = None
        self.pages: list[list[T]] = []  # the window
        self.first_page = 0  # index of the window's first page in the listing
        self._offsets: list[int] = [0]  # position of each page read so far, and of the end
        self.generation = 0  # goes up on each invalidate: a read that lands after one is dropped

    def invalidate(self, open_listing: Callable[[], PageSource[T]] | None = None) -> None:
        """Forget every page and start the listing again (from ``open_listing`` if given: new filters)."""
        if open_listing is not None:
            self.open_listing = open_listing
        self.generation += 1
        self.listing = self.open_listing()
        self.pages, self.first_page, self._offsets = [], 0, [0]

    # ----------------------------------------------------------------- what is known
    @property
    def rows(self) -> list[T]:
        """The window's rows, in listing order."""
        return [row for page in self.pages for row in page]

    @property
    def first_row(self) -> int:
        """0-based position in the whole listing of the window's first row."""
        return self._offsets[self.first_page]

    @property
    def loaded(self) -> int:
        """How many rows of the listing have been read so far (the window holds at most a few pages of them)."""
        return self._offsets[-1]

    @property
    def complete(self) -> bool:
        """Every page of the listing has been read once."""
        return self.listing is not None and not self.listing.has_more

    @property
    def total(self) -> int | None:
        """How many rows the listing has, once known (every page read); None before."""
        return self.loaded if self.complete else None

    @property
    def at_end(self) -> bool:
        """The window reaches the last page, and there is nothing more to read."""
        return self.complete and self.first_page + len(self.pages) == len(self._offsets) - 1

    @property
    def at_start(self) -> bool:
        return self.first_page == 0

    def position(self, row: int) -> int:
        """The 1-based position in the whole listing of the window's row ``row``."""
        return self.first_row + row + 1

    # ------------------------------------------------------------------------ reads
    async def read_next(self) -> tuple[Moved, list[T]]:
        """Read the page after the window (again if read before, else the next from the server)."""
        listing, generation = self._listing(), self.generation
        index = self.first_page + len(self.pages)
        if index < listing.pages_fetched:
            page = await listing.page_again(index)
            fresh = False
        elif listing.has_more:
            page = await listing.next_page()
            fresh = True
        else:
            return Moved.NOTHING, []
        if generation != self.generation:
            return Moved.NOTHING, []
        if fresh:
            self._offsets.append(self._offsets[-1] + len(page))
        self.pages.append(page)
        if len(self.pages) > 2 * self.window_pages:  # drop half the window at once: one rebuild in N pages
            self.first_page += len(self.pages) - self.window_pages
            self.pages = self.pages[-self.window_pages :]
            return Moved.REBUILT, page
        return Moved.APPENDED, page

    async def read_previous(self) -> tuple[Moved, list[T]]:
        """Read the page before the window again from its link (the window's last page is dropped)."""
        if self.first_page == 0:
            return Moved.NOTHING, []
        listing, generation = self._listing(), self.generation
        index = self.first_page - 1
        page = await listing.page_again(index)
        if generation != self.generation:
            return Moved.NOTHING, []
        self.pages.insert(0, page)
        self.first_page = index
        if len(self.pages) > self.window_pages:
            self.pages.pop()
        return Moved.REBUILT, page

    async def read_start(self) -> tuple[Moved, list[T]]:
        """Go back to the first page (read again from its link)."""
        listing, generation = self._listing(), self.generation
        if listing.pages_fetched == 0:
            return await self.read_next()
        page = await listing.page_again(0)
        if generation != self.generation:
            return Moved.NOTHING, []
        self.pages, self.first_page = [page], 0
        return Moved.REBUILT, page

    def replace(self, row: T, key: Callable[[T], object]) -> bool:
        """Put ``row`` in place of the window's rows with the same key (a SIM that changed)."""
        found = False
        for page in self.pages:
            for i, old in enumerate(page):
                if key(old) == key(row):
                    page[i], found = row, True
        return found

    def _listing(self) -> PageSource[T]:
        if self.listing is None:
            self.invalidate()
        assert self.listing is not None
        return self.listing
