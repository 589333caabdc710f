"""One notice per failure cause: an outage makes every background read fail with the same cause (the API could
not be reached); the user sees one notice saying so, naming each thing that failed and what to do, not a stack
of identical ones. A different cause gets its own notice; the same cause after its notice was dismissed shows
again; a read that succeeds again is taken out of the notice (and the notice goes with the last one)."""

from __future__ import annotations

import httpx

from supersim_tui.simulator import Simulator
from supersim_tui.tui.app import SuperSimApp

from .conftest import demo_simulator, instant_client
from .test_tui_failures import Switchable, errors, notes, settle


class Failing(Switchable):
    """The simulator; refused connections while ``down`` (or for URLs containing ``refuse``); a Twilio 401 for
    URLs containing ``unauthorized``."""

    def __init__(self, sim: Simulator):
        super().__init__(sim)
        self.unauthorized = "\0"

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.down and self.unauthorized in str(request.url):
            body = {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003"}
            return httpx.Response(401, json={**body, "status": 401}, request=request)
        return await super().handle_async_request(request)


def build() -> tuple[SuperSimApp, Failing]:
    sim = demo_simulator()
    transport = Failing(sim)
    client = instant_client(sim, transport=transport, attempts=2)
    return SuperSimApp(client, account_label="demo account (simulator)"), transport


async def test_an_outage_shows_one_notice_naming_everything_that_failed() -> None:
    """Started with the API stopped, then r, then the Health and Usage tabs (each reads): one error notice,
    "Could not connect" once, naming the account, the SIMs, health and usage, and saying what to do."""
    app, api = build()
    api.down = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        for tab in "345":
            await pilot.press(tab)
            await settle(pilot)
        shown = errors(app)
        assert len(shown) == 1, notes(app)
        (notice,) = shown
        assert notice.count("Could not connect") == 1, notice
        title = notice.split(": ", 1)[0]
        for what in ("oading the account", "eading the SIMs", "hecking the account's health", "oading usage"):
            assert what in title, (what, notice)
        assert title.endswith(" failed"), notice
        assert "Press r to try again." in notice and "Check the network connection" in notice


async def test_a_new_cause_shows_its_own_notice_and_a_dismissed_cause_shows_again() -> None:
    """With the outage's notice on screen (the SIMs' reads still cannot connect), a 401 for the account's reads
    (another cause) gets a notice of its own; once the notices are dismissed, the outage failing again shows its
    notice again."""
    app, api = build()
    api.down = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(errors(app)) == 1, notes(app)
        api.down, api.refuse, api.unauthorized = False, "/Sims", "/Fleets"
        await pilot.press("r")
        await settle(pilot)
        shown = errors(app)
        assert len(shown) == 2 and sum("Could not connect" in e for e in shown) == 1, notes(app)
        assert sum("credentials were refused" in e for e in shown) == 1, notes(app)
        app.clear_notifications()
        await pilot.pause()
        api.down = True
        await pilot.press("r")
        await settle(pilot)
        shown = errors(app)
        assert len(shown) == 1 and "Could not connect" in shown[0], notes(app)


async def test_a_read_that_succeeds_again_leaves_the_notice_and_the_last_takes_it_away() -> None:
    """The outage's notice names the account and the SIMs; the API comes back for the account's reads only
    (SIMs still refused): r takes the account out of the notice, the SIMs stay; all back: the notice goes."""
    app, api = build()
    api.down = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        (notice,) = errors(app)
        assert "oading the account" in notice and "eading the SIMs" in notice, notice
        api.down, api.refuse = False, "/Sims"
        await pilot.press("r")
        await settle(pilot)
        (notice,) = errors(app)
        assert "Reading the SIMs failed" in notice and "oading the account" not in notice, notice
        api.refuse = "\0"
        await pilot.press("r")
        await settle(pilot)
        assert errors(app) == [], notes(app)


async def test_failures_of_one_cause_in_one_moment_show_one_notice() -> None:
    """Two reads failing with the same cause one right after the other, before the app has shown the first's
    notice (the SIMs' slices and the account's read, failing together when the API is down): one notice naming
    both. The first notice, not yet on screen, was taken for dismissed, and both were shown."""
    from supersim_tui.tui.failures import Task, failure_notices

    app, _api = build()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        notices = failure_notices(app)  # type: ignore[arg-type]  # (an App of its own result type)
        cause = "Could not connect to http://127.0.0.1"
        notices.add(app, "first", Task("Reading the SIMs", "Press r to try again.", read=True), cause)
        notices.add(app, "second", Task("Loading the account", "Press r to try again.", read=True), cause)
        await pilot.pause()
        shown = [n.title for n in app._notifications if n.title and "failed" in n.title]
        assert shown == ["Reading the SIMs and loading the account failed"], shown


async def test_a_notice_for_two_failures_names_them_once_in_one_sentence() -> None:
    """Started with the API stopped, the account and the SIMs fail with one cause: the notice says so in one
    sentence ("Loading the account and reading the SIMs failed"), then the cause and what to do, once each.
    It said "Loading the account failed (and 1 more)" and then "Also Reading SIMs failed" (QA qa13): the same
    news twice, and a capital mid-sentence."""
    import re

    app, api = build()
    api.down = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        (notice,) = [n for n in app._notifications if n.severity == "error"]
    title = notice.title
    assert title in (
        "Loading the account and reading the SIMs failed",
        "Reading the SIMs and loading the account failed",
    ), title
    text = f"{notice.title}\n{notice.message}"
    assert "more)" not in text and "Also" not in text, text
    assert notice.message.count("Could not connect") == 1 and notice.message.count("Press r to try again.") == 1
    assert not re.search(r"(?<=[a-z] )(Reading|Loading)", text), text


async def test_a_notice_for_failures_with_different_advice_says_which_advice_is_for_which() -> None:
    """The account's load and a SIM looked up by name fail with one cause: the notice says what to do about each,
    naming it ("Loading the account …: press r to try again. Looking up the SIM: press Enter in the filter …"),
    not two bare "Press … to try again." one after the other."""
    from textual.widgets import Input

    app, api = build()
    api.down = True
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        box = app.main.query_one("#filter-iccid", Input)
        box.focus()
        box.value = "us-meters-00001"
        await pilot.press("enter")
        await settle(pilot)
        (notice,) = [n for n in app._notifications if n.severity == "error"]
    message = notice.message
    assert "Looking up the SIM: press Enter in the filter to try again." in message, message
    assert ": press r to try again." in message and "\nPress" not in message and ". Press" not in message, message


async def test_the_sims_count_bar_after_a_failed_first_read_says_only_that_it_failed() -> None:
    """Started with the API stopped, at 80x24: the SIMs count bar says the read failed and how to retry, without
    "0/0" or "0 of 0 SIMs" beside it (which read as an empty account; QA qa13)."""
    from .test_tui_failures import shown

    app, api = build()
    api.down = True
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        bar = shown(app.main.query_one("#sims-count"))
    assert "0/0" not in bar and "0 of 0" not in bar and ("failed" in bar or "Could not" in bar), bar
