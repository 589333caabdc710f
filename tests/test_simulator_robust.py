"""The simulator answers odd requests as the API would (Twilio error JSON, 4xx), never with a 500 and a
traceback: non-ASCII credentials, tokens and ICCIDs with non-ASCII digits, dates at the ends of the
calendar, over-long names, bad admin parameters, and clients that go away mid-request."""

from __future__ import annotations

import base64
import logging
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import httpx
import pytest

from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.simulator.app import REQUEST_STATUS_CLIENT_GONE
from supersim_tui.simulator.net import is_loopback_host, is_loopback_url

from .test_simulator_rules import _error


@pytest.fixture
async def http(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=asgi_transport(simulator),
        base_url="http://127.0.0.1:8042",
        auth=(simulator.config.account_sid, simulator.config.auth_token),
    ) as client:
        yield client


async def test_non_ascii_basic_password_is_refused_not_crashed(simulator: Simulator) -> None:
    """A password with non-ASCII characters is a wrong password: 401 with 20003."""
    async with httpx.AsyncClient(transport=asgi_transport(simulator), base_url="http://127.0.0.1:8042") as raw:
        for password in ("pässwörd", "²", "\u202e"):
            pair = base64.b64encode(f"{simulator.config.account_sid}:{password}".encode()).decode()
            response = await raw.get("/v1/Fleets", headers={"Authorization": f"Basic {pair}"})
            _error(response, 401, 20003)
        garbage = base64.b64encode(b"\xff\xfe:\xff").decode()
        _error(await raw.get("/v1/Fleets", headers={"Authorization": f"Basic {garbage}"}), 401, 20003)


async def test_oauth_token_with_non_ascii_secret_is_refused(make_simulator: Any) -> None:
    """The token endpoint refuses a non-ASCII client secret with 401 invalid_client."""
    sim = make_simulator(oauth_clients={"client": "secret"})
    async with httpx.AsyncClient(transport=asgi_transport(sim), base_url="http://127.0.0.1:8042") as raw:
        response = await raw.post(
            "/oauth2/token",
            data={"grant_type": "client_credentials", "client_id": "client", "client_secret": "sécret²"},
        )
        assert response.status_code == 401 and response.json() == {"error": "invalid_client"}


@pytest.mark.parametrize(
    "token", ["PA²", "PA①", "PA٣", "PA-1", "PA" + "9" * 5000], ids=["sup2", "circled1", "arabic3", "negative", "huge"]
)
async def test_bad_page_token_is_a_400(http: httpx.AsyncClient, token: str) -> None:
    """A PageToken the API did not issue (non-ASCII digits, negative, huge) is a 400 with 20001."""
    for path in ("/v1/Sims", "/v1/Fleets", "/v1/Networks"):
        _error(await http.get(path, params={"PageToken": token}), 400, 20001)


@pytest.mark.parametrize("count", ["abc", "²", "-5", "10000000", ""])
async def test_registrable_count_is_checked(http: httpx.AsyncClient, count: str) -> None:
    """/_simulator/registrable?count= takes 1 to 100,000; anything else is a 400 with 20001."""
    _error(await http.get("/_simulator/registrable", params={"count": count}), 400, 20001)
    ok = await http.get("/_simulator/registrable", params={"count": "3"})
    assert ok.status_code == 200 and len(ok.json()["registrable"]) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"StartTime": "0001-01-01T00:00:00Z"},
        {"EndTime": "0001-01-02T00:00:00Z"},
        {"StartTime": "9999-12-30T00:00:00Z", "EndTime": "9999-12-31T00:00:00Z"},
        {"EndTime": "9999-12-31T23:00:00Z"},
        {"StartTime": "0001-01-01T00:00:00Z", "EndTime": "9999-12-31T00:00:00Z", "Granularity": "day"},
        {"StartTime": "2026-11-01T00:00:00+14:00", "EndTime": "0001-01-01T00:00:00-12:00"},
        {"StartTime": "²⁰²⁶-11-01T00:00:00Z"},
    ],
)
async def test_usage_dates_at_the_ends_of_the_calendar(http: httpx.AsyncClient, params: dict[str, str]) -> None:
    """UsageRecords with dates near year 1 or 9999 is a 400 with an 836xx code, not an overflow."""
    response = await http.get("/v1/UsageRecords", params=params)
    assert response.status_code == 400, response.text
    assert 83600 <= response.json()["code"] <= 83605


@pytest.mark.parametrize(
    "iccid", ["8988307000000000001²", "898830700000000000①", "８９８８３０７０００００００００００１６"]
)
async def test_non_ascii_digits_in_iccid(http: httpx.AsyncClient, iccid: str) -> None:
    """An ICCID with non-ASCII digits is not registrable (83002) and matches no SIM in a listing."""
    _error(await http.post("/v1/Sims", data={"Iccid": iccid, "RegistrationCode": "ABC123"}), 400, 83002)
    listed = await http.get("/v1/Sims", params={"Iccid": iccid})
    assert listed.status_code == 200 and listed.json()["sims"] == []


async def test_over_long_unique_names_are_refused(http: httpx.AsyncClient, simulator: Simulator) -> None:
    """UniqueName longer than 64 characters (10 MB here) is a 400 with 20001 on every resource; 64 is fine."""
    huge = "n" * 10_000_000
    sim = (await http.get("/v1/Sims", params={"PageSize": 1})).json()["sims"][0]
    fleet = (await http.get("/v1/Fleets")).json()["fleets"][0]
    nap = (await http.get("/v1/NetworkAccessProfiles")).json()["network_access_profiles"][0]
    for name in (huge, "x" * 65):
        _error(await http.post(f"/v1/Sims/{sim['sid']}", data={"UniqueName": name}), 400, 20001)
        _error(await http.post(f"/v1/Fleets/{fleet['sid']}", data={"UniqueName": name}), 400, 20001)
        _error(await http.post("/v1/Fleets", data={"UniqueName": name, "NetworkAccessProfile": nap["sid"]}), 400, 20001)
        _error(await http.post(f"/v1/NetworkAccessProfiles/{nap['sid']}", data={"UniqueName": name}), 400, 20001)
        _error(await http.post("/v1/NetworkAccessProfiles", data={"UniqueName": name}), 400, 20001)
    assert all(len(s.unique_name or "") <= 64 for s in simulator.state.sims.values())
    renamed = await http.post(f"/v1/Sims/{sim['sid']}", data={"UniqueName": "y" * 64})
    assert renamed.status_code == 200 and renamed.json()["unique_name"] == "y" * 64


async def _call(
    sim: Simulator, method: str, path: str, receive_messages: list[dict[str, Any]], send_fails: bool = False
) -> list[dict[str, Any]]:
    """Drive the ASGI app directly, as a server would for a client that goes away."""
    pair = base64.b64encode(f"{sim.config.account_sid}:{sim.config.auth_token}".encode())
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [
            (b"authorization", b"Basic " + pair),
            (b"host", b"127.0.0.1:8042"),
            (b"content-type", b"application/x-www-form-urlencoded"),
        ],
        "scheme": "http",
        "server": ("127.0.0.1", 8042),
        "client": ("127.0.0.1", 5000),
        "http_version": "1.1",
        "root_path": "",
    }
    pending = list(receive_messages)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if send_fails:
            raise OSError("client went away")  # what a server's send does once the socket is gone
        sent.append(dict(message))

    await sim(scope, receive, send)
    return sent


async def test_client_that_disconnects_is_not_a_500(simulator: Simulator, caplog: pytest.LogCaptureFixture) -> None:
    """A client gone before its body arrived, or while the reply is sent, is logged as gone (not 500),
    and nothing is raised to the server (which would print a traceback)."""
    caplog.set_level(logging.WARNING)
    sim_sid = next(iter(simulator.state.sims))
    await _call(simulator, "POST", f"/v1/Sims/{sim_sid}", [{"type": "http.disconnect"}])
    await _call(simulator, "GET", "/v1/Fleets", [{"type": "http.request", "body": b""}], send_fails=True)
    await _call(simulator, "POST", "/oauth2/token", [{"type": "http.disconnect"}])
    statuses = [r.status for r in simulator.request_log[-3:]]
    assert statuses == [REQUEST_STATUS_CLIENT_GONE] * 3
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:9/cb", True),
        ("http://127.8.9.10/cb", True),
        ("http://localhost/cb", True),
        ("http://[::1]:8080/cb", True),
        ("http://127.evil.com/cb", False),
        ("http://127.0.0.1.nip.io/cb", False),
        ("http://10.0.0.1/cb", False),
        ("http://[::ffff:10.0.0.1]/cb", False),
        ("not a url", False),
        ("http://[::1/cb", False),
    ],
)
def test_one_loopback_rule(url: str, loopback: bool) -> None:
    """Callbacks and the server use one loopback check, by address: 127.evil.com is not loopback."""
    assert is_loopback_url(url) is loopback


def test_loopback_host_rule() -> None:
    """The server's bind check is the same rule as the callbacks'."""
    from supersim_tui.simulator.server import is_loopback_host as server_check

    assert server_check is is_loopback_host
    assert is_loopback_host("127.0.0.1") and is_loopback_host("::1") and not is_loopback_host("127.evil.com")
