"""Local filtering and sorting of a table held in memory, the way k9s does it (no Textual here).

A query is what the person types after ``/``: a case-insensitive substring, ``!`` in front
inverts it (rows that do *not* contain it), ``~`` in front makes it fuzzy (the letters in
order, anything between them: ``~fsn`` finds "field-sensors"). ``!~x`` is an inverted fuzzy.
Rows are searched through one lower-case "haystack" string each (the searchable columns
joined), so a keystroke over 100,000 rows is one list comprehension of ``in`` tests (a few ms).

A table may name a column of words that end each haystack (:class:`WordColumn`, the SIMs' status): a plain
term that is exactly one of those words means that word, not a longer one that contains it (``active`` is not
"inactive"), or the term anywhere else in the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any


@dataclass(frozen=True)
class Query:
    """A parsed filter: the needle (lower case), inverted or not, fuzzy or not."""

    needle: str = ""
    invert: bool = False
    fuzzy: bool = False

    @classmethod
    def parse(cls, text: str) -> Query:
        text = text.strip()
        invert = text.startswith("!")
        if invert:
            text = text[1:].lstrip()
        fuzzy = text.startswith("~")
        if fuzzy:
            text = text[1:].lstrip()
        return cls(text.lower(), invert, fuzzy)

    @property
    def empty(self) -> bool:
        return not self.needle

    def describe(self) -> str:
        """How the count bar names the filter: ``"eu"``, ``not "eu"``, ``fuzzy "fsn"``."""
        words = ("not " if self.invert else "") + ("fuzzy " if self.fuzzy else "")
        return f'{words}"{self.needle}"'


def matching_mask(query: Query, haystacks: Sequence[str]) -> list[bool]:
    """One bool per row: does it pass the query (inversion applied)."""
    if query.empty:
        return [True] * len(haystacks)
    if query.fuzzy:
        search = re.compile(".*?".join(re.escape(ch) for ch in query.needle)).search
        if query.invert:
            return [search(h) is None for h in haystacks]
        return [search(h) is not None for h in haystacks]
    needle = query.needle
    if query.invert:
        return [needle not in h for h in haystacks]
    return [needle in h for h in haystacks]


@dataclass(frozen=True)
class WordColumn:
    """A column whose value ends every haystack (after a space) and is one of a few words: the SIMs' status.

    ``codes`` holds each row's value as a number, ``names`` the value of each number (lower case: as in the
    haystacks), ``words`` the terms that mean a value exactly when typed alone.
    """

    codes: Sequence[int]
    names: Sequence[str]
    words: frozenset[str]

    def false_friends(self, needle: str) -> dict[int, int]:
        """For a term that is one of the words: the values that contain it but are another word (``inactive``
        for ``active``), each with the length that ends its haystacks; empty for any other term."""
        if needle not in self.words:
            return {}
        return {code: len(name) for code, name in enumerate(self.names) if needle in name and name != needle}


def narrow_mask(query: Query, rows: Sequence[int], texts: Sequence[str], words: WordColumn | None = None) -> list[bool]:
    """Whether each of ``rows`` (row numbers, in display order), whose haystack is the same place in ``texts``,
    passes a non-empty ``query``. The haystacks come in the rows' order (not looked up by row number): read in
    the order they were built, they are read from memory in order, about twice as fast over 100,000 rows. With
    ``words``, a term that is exactly one of its words does not match a row through a longer word of that
    column: only the rows whose value is a false friend take a second look (the term searched again in their
    haystack without the value)."""
    needle = query.needle
    if words is not None and not query.fuzzy and (friends := words.false_friends(needle)):
        codes = words.codes
        if query.invert:
            return [
                needle not in hay or ((cut := friends.get(codes[row])) is not None and needle not in hay[:-cut])
                for row, hay in zip(rows, texts, strict=True)
            ]
        return [
            needle in hay and ((cut := friends.get(codes[row])) is None or needle in hay[:-cut])
            for row, hay in zip(rows, texts, strict=True)
        ]
    if query.fuzzy:
        search = re.compile(".*?".join(re.escape(ch) for ch in needle)).search
        if query.invert:
            return [search(hay) is None for hay in texts]
        return [search(hay) is not None for hay in texts]
    if query.invert:
        return [needle not in hay for hay in texts]
    return [needle in hay for hay in texts]


def filter_rows(order: Iterable[int], mask: Sequence[bool]) -> list[int]:
    """The rows of ``order`` (row numbers, in display order) that pass ``mask``."""
    return [row for row in order if mask[row]]


def matching_rows(query: Query, haystacks: Sequence[str]) -> list[int]:
    """Row numbers (in stored order) whose haystack passes the query."""
    if query.empty:
        return list(range(len(haystacks)))
    return list(compress(range(len(haystacks)), matching_mask(query, haystacks)))


def sort_order(count: int, key: Callable[[int], Any] | None, descending: bool = False) -> list[int]:
    """Row numbers sorted by ``key(row)``; ties keep stored order. ``key=None``: stored order."""
    rows = range(count)
    if key is None:
        return list(reversed(rows)) if descending else list(rows)
    ordered = sorted(rows, key=key)
    if descending:
        ordered.reverse()
    return ordered


@dataclass
class TableQuery:
    """A pane's filter text and sort column, remembered while the pane lives.

    ``rows(haystacks, keys)`` gives the row numbers to show. Sort keys are per column, in
    ``keys`` (column key → function of a row number); a column not in ``keys`` sorts by
    its stored order.
    """

    text: str = ""
    sort_column: str | None = None
    descending: bool = False

    @property
    def query(self) -> Query:
        return Query.parse(self.text)

    def sort_by(self, column: str) -> None:
        """The key pressed for a column: first press sorts ascending, the next flips it."""
        if self.sort_column == column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, False

    def rows(self, haystacks: Sequence[str], keys: dict[str, Callable[[int], Any]]) -> list[int]:
        key = keys.get(self.sort_column) if self.sort_column else None
        order = sort_order(len(haystacks), key, self.descending)
        query = self.query
        if query.empty:
            return order
        return filter_rows(order, matching_mask(query, haystacks))

    def describe(self, shown: int, total: int, noun: str) -> str:
        """``12 of 380 networks · filter "de" · sorted by name ↓``."""
        parts = [f"{shown:,} of {total:,} {noun}" if shown != total else f"{total:,} {noun}"]
        if not self.query.empty:
            parts.append(f"filter {self.query.describe()}")
        if self.sort_column:
            parts.append(f"sorted by {self.sort_column} {'↓' if self.descending else '↑'}")
        return " · ".join(parts)
