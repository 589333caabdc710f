"""SimView (ops/sim_index.py) as a filter is typed: typing on narrows the last result and says when nothing changed."""

from __future__ import annotations

from msgspec.structs import replace

from supersim_tui.api import Sim, SimStatus
from supersim_tui.ops.sim_index import SimIndex, SimView
from supersim_tui.ops.table_query import TableQuery

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
