"""`supersim-tui simulator` on loopback works unchanged with other clients:
the official twilio-python library (paging with list/stream, create, update) and
plain HTTP from the standard library (what curl does)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

ACCOUNT = "AC" + "ab" * 16
TOKEN = "loopback-token"


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "supersim_tui",
            "simulator",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--account-sid",
            ACCOUNT,
            "--auth-token",
            TOKEN,
            "--sims",
            "230",
            "--seed",
            "5",
            "--settle-seconds",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()  # the contract: the URL, once listening
        assert line.startswith("http://127.0.0.1:"), (line, process.stderr.read() if process.stderr else "")
        yield line
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(url: str, token: str = TOKEN) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url)
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{ACCOUNT}:{token}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_plain_http_paging_and_errors(served: str) -> None:
    """Absolute next_page_url on the served host; a wrong token gets Twilio's 401 JSON."""
    status, body = _get(f"{served}/v1/Sims?PageSize=100")
    assert status == 200 and len(body["sims"]) == 100
    assert body["meta"]["next_page_url"].startswith(f"{served}/v1/Sims?")
    status, second = _get(body["meta"]["next_page_url"])
    assert status == 200 and second["meta"]["page"] == 1
    assert not {s["sid"] for s in body["sims"]} & {s["sid"] for s in second["sims"]}
    status, error = _get(f"{served}/v1/Sims", token="nope")
    assert status == 401 and error["code"] == 20003


def test_twilio_python_against_the_simulator(served: str) -> None:
    """twilio-python pages through all 230 SIMs, filters, creates a fleet and NAP network, updates a SIM."""
    from twilio.rest import Client

    client = Client(ACCOUNT, TOKEN)
    client.supersim.base_url = served
    supersim = client.supersim.v1

    listed = supersim.sims.list(page_size=50)
    assert len(listed) == 230 and len({s.sid for s in listed}) == 230
    streamed = list(supersim.sims.stream(page_size=40, limit=130))
    assert [s.sid for s in streamed] == [s.sid for s in listed[:130]]
    active = supersim.sims.list(status="active", page_size=1000)
    assert active and all(s.status == "active" for s in active)

    nap = supersim.network_access_profiles("eu-only").fetch()
    fleet = supersim.fleets.create(network_access_profile=nap.sid, unique_name="twilio-made", data_limit=42)
    assert fleet.data_limit == 42 and fleet.network_access_profile_sid == nap.sid
    assert "twilio-made" in {f.unique_name for f in supersim.fleets.list()}

    us = supersim.networks.list(iso_country="US")
    assert "AT&T" in {n.friendly_name for n in us}
    added = supersim.network_access_profiles(nap.sid).networks.create(network=us[0].sid)
    assert added.sid == us[0].sid and added.network_access_profile_sid == nap.sid

    new = supersim.sims.list(status="new", page_size=1)[0]
    updated = supersim.sims(new.sid).update(fleet="twilio-made", status="active")
    assert updated.status == "scheduled"
    assert supersim.sims(new.sid).fetch().status == "active"  # --settle-seconds 0

    from twilio.base.exceptions import TwilioRestException

    with pytest.raises(TwilioRestException) as caught:
        supersim.sims(new.sid).update(status="ready")
    assert caught.value.code == 83010 and caught.value.status == 400
