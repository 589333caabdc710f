"""The SIMs pane's window of pages, as plain logic (no Textual): which pages are held, where they start in the
whole list, what is re-read, and that a listing replaced while a page is on its way does not leak into the new
one."""

from __future__ import annotations

import asyncio

from supersim_tui.tui.sim_window import Moved, PageWindow


class FakeListing:
    """A paged listing of ``rows`` rows: counts every request, like a Pager (next page, or a page again)."""

    def __init__(self, rows: int, page_size: int) -> None:
        self.rows = list(range(rows))
        self.page_size = page_size
        self.fetched = 0
        self.requests: list[tuple[str, int]] = []
        self.gate: asyncio.Event | None = None  # when set, reads wait for it

    @property
    def has_more(self) -> bool:
        return self.fetched * self.page_size < len(self.rows) or (self.fetched == 0)

    @property
    def pages_fetched(self) -> int:
        return self.fetched

    def _page(self, index: int) -> list[int]:
        return self.rows[index * self.page_size : (index + 1) * self.page_size]

    async def next_page(self) -> list[int]:
        if self.gate is not None:
            await self.gate.wait()
        self.requests.append(("next", self.fetched))
        page = self._page(self.fetched)
        self.fetched += 1
        return page

    async def page_again(self, index: int) -> list[int]:
        if self.gate is not None:
            await self.gate.wait()
        self.requests.append(("again", index))
        return self._page(index)


def window_over(listing: FakeListing, window_pages: int = 2) -> PageWindow[int]:
    return PageWindow(lambda: listing, window_pages)


async def test_reading_down_keeps_at_most_twice_the_window_and_positions_stay_true() -> None:
    """Reading 10 pages of 10 with a window of 2: the window never holds more than 4 pages; when it drops the
    older half it says REBUILT, otherwise APPENDED; rows and first_row always match the listing."""
    listing = FakeListing(100, 10)
    window = window_over(listing)
    moves = []
    for _ in range(10):
        moved, page = await window.read_next()
        moves.append(moved)
        assert len(window.pages) <= 4
        assert window.rows == listing.rows[window.first_row : window.first_row + len(window.rows)]
        assert page == window.pages[-1]
    assert moves[:4] == [Moved.APPENDED] * 4 and Moved.REBUILT in moves
    assert window.complete and window.at_end and window.total == 100 and window.loaded == 100
    assert window.position(len(window.rows) - 1) == 100
    assert (await window.read_next())[0] is Moved.NOTHING
    assert [kind for kind, _ in listing.requests] == ["next"] * 10  # each page read once


async def test_total_is_unknown_until_every_page_is_read() -> None:
    """``total`` is None while pages remain, the count once the listing is exhausted (an empty one: 0)."""
    listing = FakeListing(25, 10)
    window = window_over(listing, window_pages=5)
    await window.read_next()
    assert window.total is None and window.loaded == 10 and not window.at_end
    await window.read_next()
    await window.read_next()
    assert window.total == 25
    empty = window_over(FakeListing(0, 10))
    assert (await empty.read_next())[0] is Moved.APPENDED and empty.total == 0 and empty.rows == []


async def test_reading_back_up_reads_dropped_pages_again_and_home_goes_to_the_first() -> None:
    """After scrolling far down, read_previous re-reads the page before the window from its link (the last page
    drops) and read_start returns to the first page; neither asks for a new page."""
    listing = FakeListing(100, 10)
    window = window_over(listing)
    for _ in range(6):
        await window.read_next()
    first = window.first_page
    assert first > 0
    moved, page = await window.read_previous()
    assert moved is Moved.REBUILT and page == listing.rows[(first - 1) * 10 : first * 10]
    assert window.first_page == first - 1 and len(window.pages) <= 2 + 1
    assert window.rows == listing.rows[window.first_row : window.first_row + len(window.rows)]
    moved, _ = await window.read_start()
    assert moved is Moved.REBUILT and window.first_page == 0 and window.rows == listing.rows[:10]
    assert window.at_start and (await window.read_previous())[0] is Moved.NOTHING
    assert [kind for kind, _ in listing.requests].count("next") == 6  # nothing new was read to go back
    # reading down again re-reads pages already fetched instead of asking for new ones
    await window.read_next()
    assert listing.requests[-1] == ("again", 1)


async def test_invalidate_starts_over_and_a_page_in_flight_is_dropped() -> None:
    """A page that lands after invalidate (new filters) is not added to the new window: read_next says NOTHING
    and the new listing starts from its first page."""
    old = FakeListing(50, 10)
    new = FakeListing(30, 10)
    window = window_over(old)
    await window.read_next()
    old.gate = asyncio.Event()
    reading = asyncio.create_task(window.read_next())
    await asyncio.sleep(0)
    window.invalidate(lambda: new)
    old.gate.set()
    assert (await reading)[0] is Moved.NOTHING
    assert window.pages == [] and window.loaded == 0 and window.first_row == 0
    moved, page = await window.read_next()
    assert moved is Moved.APPENDED and page == new.rows[:10] and window.listing is new


async def test_replace_updates_a_row_in_the_window() -> None:
    """A changed row (same key) replaces the old one wherever it is in the window; an unknown one changes nothing."""
    window = window_over(FakeListing(30, 10), window_pages=5)
    await window.read_next()
    await window.read_next()
    assert window.replace(15, key=lambda r: r)
    assert window.replace(-15, key=abs) and window.rows[15] == -15
    assert not window.replace(99, key=lambda r: r)
