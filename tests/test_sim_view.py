"""SimView (ops/sim_index.py) as a filter is typed: typing on narrows the last result and says when nothing changed."""

from __future__ import annotations

import random

from msgspec.structs import replace

from supersim_tui.api import Sim, SimStatus
from supersim_tui.ops.sim_index import STATUS_WORDS, SimIndex, SimView
from supersim_tui.ops.table_query import Query, TableQuery

from .test_sim_index import fake_sims


def typed(view: SimView, text: str) -> bool:
    view.query.text = text
    return view.refresh()


def test_typing_on_fuzzy_and_inverted_matches_a_fresh_filter() -> None:
    """Key by key, fuzzy (``~``) and inverted (``!``) filters give what filtering from scratch gives; so do
    backspaces and a switch between them."""
    index = SimIndex({f"HF{i:032x}": f"fleet {name}" for i, name in enumerate("abcdef")})
    index.put(fake_sims(600))
    view = SimView(index, TableQuery("", "name"))
    for text in ["~f", "~f3", "~f30", "~f300", "~f30", "!", "!f", "!fl", "!fleet-2", "~", "~n", "~no", "", "e", "ea"]:
        typed(view, text)
        fresh = SimView(index, TableQuery(text, "name"))
        fresh.refresh()
        assert view.rows == fresh.rows, text


def test_refresh_says_whether_there_is_anything_to_paint() -> None:
    """More letters that select the same SIMs: nothing changed (the table is not painted again); other SIMs, or a
    SIM changed in the index with the same SIMs selected: changed."""
    index = SimIndex()
    sims = fake_sims(200)
    index.put(sims)
    view = SimView(index)
    assert view.refresh()
    assert typed(view, "fleet-3")
    shown = list(view.rows)
    assert not typed(view, "fleet-3-")  # every fleet-3 name goes on with "-": the same SIMs
    assert view.rows == shown
    assert typed(view, "fleet-3-00001")  # fewer SIMs
    assert not view.refresh()  # nothing moved at all
    first = next(sim for sim in sims if sim.sid == index.sids[view.rows[0]])
    index.put([Sim(sid=first.sid, iccid=first.iccid, unique_name=first.unique_name, status=SimStatus.INACTIVE)])
    assert typed(view, "fleet-3-00001 ") is True  # the same SIMs, but one of them changed: painted again


def test_a_status_word_typed_key_by_key_matches_the_status_exactly() -> None:
    """ "activ" finds the active and the inactive SIMs, "active" only the active ones (and a SIM named for it),
    "!active" every other; key by key (typing on, backspacing) it gives what a fresh filter gives."""
    sims = fake_sims(400)
    sims[1] = replace(sims[1], unique_name="reactive-1")  # a ready SIM with "active" in its name
    index = SimIndex()
    index.put(sims)
    view = SimView(index, TableQuery(""))
    statuses = {sim.sid: sim.status for sim in sims}
    for text in ["a", "ac", "activ", "active", "active-", "active", "!active", "!inactive", "inactive", "~active"]:
        typed(view, text)
        fresh = SimView(index, TableQuery(text))
        fresh.refresh()
        assert view.rows == fresh.rows, text
        shown = {index.sids[row] for row in view.rows}
        if text == "active":
            assert shown == {sid for sid, s in statuses.items() if s == SimStatus.ACTIVE} | {sims[1].sid}
        if text == "!active":
            assert shown == {sid for sid, s in statuses.items() if s != SimStatus.ACTIVE} - {sims[1].sid}
        if text == "~active":  # fuzzy: the letters in order, "inactive" included
            assert len(shown) == 201


def passes(text: str, haystack: str, status: str) -> bool:
    """What a filter means, said plainly: the term in the row's search string (``!``: not in it); a term that is
    exactly a status word means that status, or the word in the rest of the row."""
    query = Query.parse(text)
    needle = query.needle
    if needle in STATUS_WORDS:
        found = status == needle or needle in haystack[: -len(status) or None]
    else:
        found = needle in haystack
    return found != query.invert


def test_the_filter_selects_the_rows_whose_search_string_holds_the_term() -> None:
    """Typed key by key and afresh, sorted three ways, loaded (search strings in the view's order) or loading:
    every kind of term selects exactly the rows whose search string holds it, in the view's order. Terms in the
    ICCID, the name, the fleet, the status, a status word, ``no fleet``, inverted, with a space, a name with a
    space, a line break or a NUL."""
    rng = random.Random(16)
    sims = fake_sims(3000, fleets=9)
    sims[4:8] = [
        replace(sims[4], unique_name="with\0nul"),  # the character the filter joins copies of search strings with
        replace(sims[5], unique_name="Eu Trackers\nNight"),
        replace(sims[6], unique_name="ACTIVE-spare"),
        replace(sims[7], unique_name="no fleet here"),
    ]
    index = SimIndex({f"HF{i:032x}": f"EU-trackers-{i:02d}" if i % 3 else f"field {i}" for i in range(8)})
    index.put(sims)
    haystacks = [index._haystack(row) for row in range(len(index))]
    statuses = [index.status(row) or "" for row in range(len(index))]
    words = [
        "with",
        "nul",
        "active",
        "inactive",
        "new",
        "act",
        "eu",
        "eu-trackers-0",
        "trackers-01",
        "field",
        "no fleet",
        "8988307",
        "00012",
        "spare",
        "night",
        "zzz",
        "s 2",
        "eu t",
    ]
    words += [haystacks[rng.randrange(len(haystacks))][a : a + rng.randrange(1, 9)] for a in range(0, 40, 4)]
    for loading in (False, True):
        index.loading = loading
        for sort in (None, "name", "fleet"):
            view = SimView(index, TableQuery("", sort))
            view.refresh()
            order = list(view.rows)
            next(view.prepare_search(step=700), None)  # left half-way: the first filter key finishes the build
            for word in words:
                for text in [word[:end] for end in range(1, len(word) + 1)] + [f"!{word}", word]:
                    view.query.text = text
                    view.refresh()
                    expected = [row for row in order if passes(text, haystacks[row], statuses[row])]
                    assert view.rows == expected, (loading, sort, text)


def test_search_strings_are_built_a_step_at_a_time_and_a_half_built_set_is_taken_up() -> None:
    """After a load the search strings are built between frames, a step at a time (a second's work at 1,000,000
    SIMs). A build left half-way is finished by the next call in the same order, and dropped if the index changed
    meanwhile: the strings always say what the index holds."""
    sims = fake_sims(2000)
    index = SimIndex()
    index.put(sims)
    order = list(reversed(range(len(index))))
    expected = [index._haystack(row) for row in range(len(index))]
    assert len(list(index.build_haystacks(order, step=300))) == 6  # 7 steps, a pause between each
    assert index.haystacks() == expected
    index = SimIndex()
    index.put(sims)
    steps = index.build_haystacks(order, step=300)
    next(steps)
    next(steps)
    assert index.haystacks(order) == expected  # taken up where it was
    index = SimIndex()
    index.put(sims)
    steps = index.build_haystacks(order, step=300)
    next(steps)
    index.put([replace(sims[1999], unique_name="renamed-meanwhile")])  # row 1999: built in the first step
    assert "renamed-meanwhile" in index.haystacks(order)[1999]
