"""The simulator follows the Super SIM documents' rules, checked over raw HTTP
(not through our client, so a client bug cannot hide a simulator bug)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.simulator.seed import registrable_examples


@pytest.fixture
async def http(simulator: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    async with _raw(simulator) as client:
        yield client


def _raw(sim: Simulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=asgi_transport(sim),
        base_url="http://127.0.0.1:8042",
        auth=(sim.config.account_sid, sim.config.auth_token),
    )


async def _first_sim(http: httpx.AsyncClient, status: str) -> dict[str, Any]:
    response = await http.get("/v1/Sims", params={"Status": status, "PageSize": 1})
    sims: list[dict[str, Any]] = response.json()["sims"]
    assert sims, f"seed has no {status} SIM"
    return sims[0]


def _error(response: httpx.Response, status: int, code: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert body["message"]
    return body


# ------------------------------------------------------------------ auth, paths
async def test_wrong_credentials_get_401_with_twilio_error(simulator: Simulator) -> None:
    """Bad Basic credentials give 401 and code 20003; no data leaks."""
    async with httpx.AsyncClient(transport=asgi_transport(simulator), base_url="http://127.0.0.1") as anon:
        response = await anon.get("/v1/Sims", auth=(simulator.config.account_sid, "wrong"))
        _error(response, 401, 20003)
        assert "sims" not in response.json()
        _error(await anon.get("/v1/Fleets"), 401, 20003)


async def test_unknown_path_is_404_json(http: httpx.AsyncClient) -> None:
    """Unknown paths and resources answer with Twilio's 20404 error JSON."""
    _error(await http.get("/v1/Nothing"), 404, 20404)
    _error(await http.get("/v1/Sims/HS" + "0" * 32), 404, 20404)
    _error(await http.get("/v1/Fleets/no-such-fleet"), 404, 20404)


# ------------------------------------------------------------------------ paging
async def test_paging_meta_is_absolute_on_the_request_host(http: httpx.AsyncClient, simulator: Simulator) -> None:
    """meta URLs point at the host the request came to, and following next_page_url walks every SIM once."""
    response = await http.get("/v1/Sims", params={"PageSize": 7, "Status": "active"})
    meta = response.json()["meta"]
    assert meta["key"] == "sims" and meta["page"] == 0 and meta["page_size"] == 7
    assert meta["first_page_url"].startswith("http://127.0.0.1:8042/v1/Sims?")
    assert "Status=active" in meta["next_page_url"] and "PageToken=" in meta["next_page_url"]
    assert meta["previous_page_url"] is None
    seen = [s["sid"] for s in response.json()["sims"]]
    pages = 1
    while meta["next_page_url"]:
        response = await http.get(meta["next_page_url"])
        meta = response.json()["meta"]
        assert meta["page"] == pages and meta["previous_page_url"]
        seen += [s["sid"] for s in response.json()["sims"]]
        pages += 1
    expected = [s.sid for s in simulator.state.sims.values() if s.status == "active"]
    assert seen == expected
    assert pages == -(-len(expected) // 7)


async def test_page_size_bounds(http: httpx.AsyncClient) -> None:
    """PageSize outside 1..1000 is refused with a message naming PageSize."""
    body = _error(await http.get("/v1/Sims", params={"PageSize": 1001}), 400, 20001)
    assert "PageSize" in body["message"]
    _error(await http.get("/v1/Sims", params={"PageSize": 0}), 400, 20001)


# -------------------------------------------------------------------- networks
async def test_network_filters(http: httpx.AsyncClient) -> None:
    """IsoCountry, Mcc and Mnc filter the catalog; real operators are there."""
    de = (await http.get("/v1/Networks", params={"IsoCountry": "DE"})).json()["networks"]
    assert {n["friendly_name"] for n in de} == {"Telekom", "Vodafone", "O2"}
    att = (await http.get("/v1/Networks", params={"Mcc": "310", "Mnc": "410"})).json()["networks"]
    assert [n["friendly_name"] for n in att] == ["AT&T"]
    assert {"mcc": "310", "mnc": "410"} in att[0]["identifiers"]
    everything = (await http.get("/v1/Networks", params={"PageSize": 1000})).json()["networks"]
    assert len(everything) >= 300
    assert len({n["iso_country"] for n in everything}) >= 100
    fetched = (await http.get(f"/v1/Networks/{att[0]['sid']}")).json()
    assert fetched == att[0]


# ------------------------------------------------------------------------- NAPs
async def test_nap_create_with_networks_and_network_subresource(http: httpx.AsyncClient) -> None:
    """Repeated Networks params build the NAP; adding twice is an error; removing an absent one is 404."""
    de = (await http.get("/v1/Networks", params={"IsoCountry": "DE"})).json()["networks"]
    created = await http.post(
        "/v1/NetworkAccessProfiles", data={"UniqueName": "de-only", "Networks": [de[0]["sid"], de[1]["sid"]]}
    )
    assert created.status_code == 201
    nap = created.json()
    assert nap["links"]["networks"].endswith(f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks")
    listed = (await http.get("/v1/NetworkAccessProfiles/de-only/Networks")).json()["networks"]
    assert [n["sid"] for n in listed] == [de[0]["sid"], de[1]["sid"]]
    assert all(n["network_access_profile_sid"] == nap["sid"] for n in listed)

    again = await http.post(f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks", data={"Network": de[0]["sid"]})
    assert "already" in _error(again, 400, 20001)["message"]
    added = await http.post(f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks", data={"Network": de[2]["sid"]})
    assert added.status_code == 201 and added.json()["sid"] == de[2]["sid"]

    removed = await http.delete(f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks/{de[0]['sid']}")
    assert removed.status_code == 204
    _error(await http.delete(f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks/{de[0]['sid']}"), 404, 20404)
    _error(await http.get(f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks/{de[0]['sid']}"), 404, 20404)

    duplicate = await http.post("/v1/NetworkAccessProfiles", data={"UniqueName": "de-only"})
    assert "UniqueName" in _error(duplicate, 400, 20001)["message"]
    renamed = await http.post(f"/v1/NetworkAccessProfiles/{nap['sid']}", data={"UniqueName": "de-two"})
    assert renamed.json()["unique_name"] == "de-two"
    _error(await http.get("/v1/NetworkAccessProfiles/de-only"), 404, 20404)


# ----------------------------------------------------------------------- Fleets
async def test_fleet_needs_an_existing_nap(http: httpx.AsyncClient) -> None:
    """Creating a fleet without a NAP, or with an unknown one, is refused; by unique name works."""
    _error(await http.post("/v1/Fleets", data={"UniqueName": "x"}), 400, 20002)
    body = _error(await http.post("/v1/Fleets", data={"NetworkAccessProfile": "nope"}), 400, 20001)
    assert "NetworkAccessProfile" in body["message"]
    created = await http.post(
        "/v1/Fleets",
        data={"NetworkAccessProfile": "eu-only", "UniqueName": "new-fleet", "DataLimit": "300", "DataEnabled": "false"},
    )
    assert created.status_code == 201
    fleet = created.json()
    assert (fleet["data_limit"], fleet["data_enabled"], fleet["data_metering"]) == (300, False, "payg")
    nap = (await http.get("/v1/NetworkAccessProfiles/eu-only")).json()
    assert fleet["network_access_profile_sid"] == nap["sid"]
    filtered = (await http.get("/v1/Fleets", params={"NetworkAccessProfile": "eu-only"})).json()["fleets"]
    assert "new-fleet" in {f["unique_name"] for f in filtered}
    assert all(f["network_access_profile_sid"] == nap["sid"] for f in filtered)


async def test_fleet_update_is_validated_before_anything_changes(http: httpx.AsyncClient) -> None:
    """A bad DataLimit leaves the fleet untouched, including fields sent alongside it."""
    before = (await http.get("/v1/Fleets/us-meters")).json()
    bad = await http.post("/v1/Fleets/us-meters", data={"UniqueName": "renamed", "DataLimit": "lots"})
    assert "DataLimit" in _error(bad, 400, 20001)["message"]
    assert (await http.get("/v1/Fleets/us-meters")).json() == before
    good = await http.post("/v1/Fleets/us-meters", data={"NetworkAccessProfile": "global", "DataLimit": "750"})
    assert good.status_code == 200
    assert good.json()["data_limit"] == 750


# ------------------------------------------------------------------ registration
async def test_registration_rules(http: httpx.AsyncClient, simulator: Simulator) -> None:
    """A registrable SIM joins as new; twice gives 83003 naming it; wrong code, bad Luhn
    and another account's SIM all give 83002; missing fields give 83001."""
    iccid, code = registrable_examples(simulator.state, 1)[0]
    created = await http.post("/v1/Sims", data={"Iccid": iccid, "RegistrationCode": code})
    assert created.status_code == 201
    sim = created.json()
    assert (sim["status"], sim["fleet_sid"], sim["iccid"]) == ("new", None, iccid)

    again = _error(await http.post("/v1/Sims", data={"Iccid": iccid, "RegistrationCode": code}), 400, 83003)
    assert sim["sid"] in again["message"]

    other_iccid, other_code = registrable_examples(simulator.state, 2)[1]
    wrong = "A" * 10 if other_code != "A" * 10 else "B" * 10
    _error(await http.post("/v1/Sims", data={"Iccid": other_iccid, "RegistrationCode": wrong}), 400, 83002)
    bad_luhn = other_iccid[:-1] + str((int(other_iccid[-1]) + 1) % 10)
    _error(await http.post("/v1/Sims", data={"Iccid": bad_luhn, "RegistrationCode": other_code}), 400, 83002)
    foreign = next(i for i, (c, owner) in simulator.state.unregistered.items() if owner is not None)
    foreign_code = simulator.state.unregistered[foreign][0]
    _error(await http.post("/v1/Sims", data={"Iccid": foreign, "RegistrationCode": foreign_code}), 400, 83002)
    _error(await http.post("/v1/Sims", data={"Iccid": other_iccid}), 400, 83001)

    found = (await http.get("/v1/Sims", params={"Iccid": iccid})).json()["sims"]
    assert [s["sid"] for s in found] == [sim["sid"]]
    assert (await http.get("/v1/Sims", params={"Iccid": other_iccid})).json()["sims"] == []


# ------------------------------------------------------------------ SIM updates
async def test_status_rules(http: httpx.AsyncClient, simulator: Simulator) -> None:
    """ready only from new; never back to new; activation needs a fleet (83007)."""
    active = await _first_sim(http, "active")
    body = _error(await http.post(f"/v1/Sims/{active['sid']}", data={"Status": "ready"}), 400, 83010)
    assert "ready" in body["message"]
    _error(await http.post(f"/v1/Sims/{active['sid']}", data={"Status": "new"}), 400, 83010)
    _error(await http.post(f"/v1/Sims/{active['sid']}", data={"Status": "bogus"}), 400, 20001)

    fleetless = next(s for s in simulator.state.sims.values() if s.status == "new" and s.fleet_sid is None)
    _error(await http.post(f"/v1/Sims/{fleetless.sid}", data={"Status": "active"}), 400, 83007)
    assert simulator.state.sims[fleetless.sid].status == "new"


async def test_activation_is_asynchronous_and_keeps_fleet_until_settled(
    make_simulator: Callable[..., Simulator],
) -> None:
    """new -> active with a Fleet: 202, scheduled, old fleet_sid; later active in the new fleet."""
    sim = make_simulator(settle_seconds=0.2)
    async with _raw(sim) as http:
        target = next(s for s in sim.state.sims.values() if s.status == "new" and s.fleet_sid is None)
        response = await http.post(f"/v1/Sims/{target.sid}", data={"Status": "active", "Fleet": "eu-trackers"})
        assert response.status_code == 202
        assert (response.json()["status"], response.json()["fleet_sid"]) == ("scheduled", None)
        # While scheduled, the fleet cannot change and no other status change is accepted.
        _error(await http.post(f"/v1/Sims/{target.sid}", data={"Fleet": "us-meters"}), 400, 83009)
        _error(await http.post(f"/v1/Sims/{target.sid}", data={"Status": "inactive"}), 400, 83010)
        await asyncio.sleep(0.3)
        settled = (await http.get(f"/v1/Sims/{target.sid}")).json()
        fleet = (await http.get("/v1/Fleets/eu-trackers")).json()
        assert (settled["status"], settled["fleet_sid"]) == ("active", fleet["sid"])


async def test_fleet_changes(http: httpx.AsyncClient, simulator: Simulator) -> None:
    """A new SIM changes fleet at once; an active SIM's change is scheduled; an active SIM
    cannot leave its fleet (83008); an unknown fleet is 83006."""
    new = next(s for s in simulator.state.sims.values() if s.status == "new")
    moved = await http.post(f"/v1/Sims/{new.sid}", data={"Fleet": "lab-bench"})
    assert moved.status_code == 200
    assert moved.json()["fleet_sid"] == simulator.state.find_fleet("lab-bench").sid  # type: ignore[union-attr]

    active = await _first_sim(http, "active")
    _error(await http.post(f"/v1/Sims/{active['sid']}", data={"Fleet": ""}), 400, 83008)
    _error(await http.post(f"/v1/Sims/{active['sid']}", data={"Fleet": "no-such"}), 404, 83006)
    scheduled = await http.post(f"/v1/Sims/{active['sid']}", data={"Fleet": "lab-bench"})
    assert scheduled.status_code == 202
    assert (scheduled.json()["status"], scheduled.json()["fleet_sid"]) == ("scheduled", active["fleet_sid"])
    settled = (await http.get(f"/v1/Sims/{active['sid']}")).json()  # settle_seconds=0: due now
    assert (settled["status"], settled["fleet_sid"]) == ("active", moved.json()["fleet_sid"])


async def test_unique_names_and_fetch_by_name(http: httpx.AsyncClient) -> None:
    """A SIM can be fetched by unique name; a taken name gives 83011."""
    first, second = (await http.get("/v1/Sims", params={"PageSize": 2})).json()["sims"]
    named = await http.post(f"/v1/Sims/{first['sid']}", data={"UniqueName": "gate-7"})
    assert named.json()["unique_name"] == "gate-7"
    assert (await http.get("/v1/Sims/gate-7")).json()["sid"] == first["sid"]
    _error(await http.post(f"/v1/Sims/{second['sid']}", data={"UniqueName": "gate-7"}), 400, 83011)


async def test_account_sid_only_while_new(http: httpx.AsyncClient, simulator: Simulator) -> None:
    """Moving a SIM to a subaccount works only while new; it then leaves this account's list."""
    active = await _first_sim(http, "active")
    sub = simulator.state.subaccount_sids[0]
    body = _error(await http.post(f"/v1/Sims/{active['sid']}", data={"AccountSid": sub}), 400, 20001)
    assert "AccountSid" in body["message"]
    new = await _first_sim(http, "new")
    moved = await http.post(f"/v1/Sims/{new['sid']}", data={"AccountSid": sub})
    assert moved.json()["account_sid"] == sub
    _error(await http.get(f"/v1/Sims/{new['sid']}"), 404, 20404)


async def test_status_callback_reaches_loopback_listener(make_simulator: Callable[..., Simulator]) -> None:
    """After an asynchronous update settles, CallbackUrl (on loopback) receives the documented form fields."""
    received: asyncio.Queue[bytes] = asyncio.Queue()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(
            next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        await received.put(await reader.readexactly(length))
        writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sim = make_simulator(settle_seconds=0.1)
    try:
        async with _raw(sim) as http:
            target = await _first_sim(http, "active")
            response = await http.post(
                f"/v1/Sims/{target['sid']}", data={"Status": "inactive", "CallbackUrl": f"http://127.0.0.1:{port}/hook"}
            )
            assert response.status_code == 202
            body = await asyncio.wait_for(received.get(), timeout=5)
    finally:
        server.close()
    form = dict(httpx.QueryParams(body.decode()))
    assert form["SimSid"] == target["sid"]
    assert form["SimStatus"] == "inactive"
    assert form["AccountSid"] == sim.config.account_sid
    assert "SimUniqueName" in form


# ------------------------------------------------------------------------- seed
def test_seed_is_deterministic_and_covers_every_status(make_simulator: Callable[..., Simulator]) -> None:
    """The same seed gives the same account; every status is present; ICCIDs are valid."""
    from supersim_tui.iccid import is_valid_iccid

    a, b = make_simulator(sims=400, seed=3), make_simulator(sims=400, seed=3)
    assert [s.iccid for s in a.state.sims.values()] == [s.iccid for s in b.state.sims.values()]
    assert list(a.state.sims) == list(b.state.sims)
    assert {s.status for s in a.state.sims.values()} == {"new", "ready", "active", "inactive", "scheduled"}
    assert all(is_valid_iccid(s.iccid) for s in a.state.sims.values())
    c = make_simulator(sims=400, seed=4)
    assert list(c.state.sims) != list(a.state.sims)


def test_large_account_seeds(make_simulator: Callable[..., Simulator]) -> None:
    """100,000 SIMs can be created (the scale the SIMs pane and status command are built for)."""
    sim = make_simulator(sims=100_000)
    assert len(sim.state.sims) == 100_000
    assert len(sim.state.sims_by_iccid) == 100_000


# ------------------------------------------------------------ fleet and SIM webhook fields (issue 18)
@pytest.mark.parametrize("field", ["SmsCommandsUrl", "IpCommandsUrl"])
async def test_fleet_command_urls_must_be_urls(http: httpx.AsyncClient, field: str) -> None:
    """The spec gives the commands' URLs `format: uri`: on create and update, a value that is not an absolute
    http(s) URL is 20001 naming the field, and nothing changes; a URL is kept as sent."""
    before = (await http.get("/v1/Fleets/us-meters")).json()
    for bad in ("not a url", "example.com/hook", "ftp://example.com/x", "https://"):
        body = _error(await http.post("/v1/Fleets/us-meters", data={field: bad, "DataLimit": "9"}), 400, 20001)
        assert field in body["message"]
        body = _error(await http.post("/v1/Fleets", data={"NetworkAccessProfile": "eu-only", field: bad}), 400, 20001)
        assert field in body["message"]
    assert (await http.get("/v1/Fleets/us-meters")).json() == before
    good = await http.post("/v1/Fleets/us-meters", data={field: "https://example.com/hook?x=1"})
    key = "sms_commands_url" if field.startswith("Sms") else "ip_commands_url"
    assert good.status_code == 200 and good.json()[key] == "https://example.com/hook?x=1"


@pytest.mark.parametrize("field", ["SmsCommandsMethod", "IpCommandsMethod"])
async def test_fleet_command_methods_are_get_or_post(http: httpx.AsyncClient, field: str) -> None:
    """The methods' enum is GET, POST: anything else is 20001 naming the field, on create and update."""
    body = _error(await http.post("/v1/Fleets/us-meters", data={field: "PUT"}), 400, 20001)
    assert field in body["message"]
    body = _error(await http.post("/v1/Fleets", data={"NetworkAccessProfile": "eu-only", field: "DELETE"}), 400, 20001)
    assert field in body["message"]


async def test_create_only_fleet_fields_are_not_updatable(http: httpx.AsyncClient) -> None:
    """DataEnabled and SmsCommandsEnabled are create parameters only (the spec's update lists neither): an update
    that sends them does not change them."""
    before = (await http.get("/v1/Fleets/us-meters")).json()
    flipped = {"DataEnabled": str(not before["data_enabled"]).lower(), "SmsCommandsEnabled": "false"}
    after = (await http.post("/v1/Fleets/us-meters", data=flipped)).json()
    assert after["data_enabled"] == before["data_enabled"]
    assert after["sms_commands_enabled"] == before["sms_commands_enabled"]


async def test_sim_callback_url_and_method_are_checked(http: httpx.AsyncClient) -> None:
    """CallbackUrl is `format: uri` and CallbackMethod GET or POST: a bad one is 20001 and the SIM is unchanged."""
    sim = await _first_sim(http, "inactive")
    for data in ({"CallbackUrl": "nowhere"}, {"CallbackMethod": "PATCH"}):
        body = _error(await http.post(f"/v1/Sims/{sim['sid']}", data={"Status": "active", **data}), 400, 20001)
        assert next(iter(data)) in body["message"]
    assert (await http.get(f"/v1/Sims/{sim['sid']}")).json()["status"] == "inactive"


async def test_the_simulated_world_has_one_clock(make_simulator: Callable[..., Simulator]) -> None:
    """What happens now happens in the simulated world's present: a SIM registered and activated in a world whose
    clock started in the past (``epoch``) is created at that present, and has its first billing period from
    then. (The creation date came from the machine's clock while billing periods ran to the world's: a SIM
    created "after" the world's present had none, and a test flaked when the two clocks were a second apart.)"""
    from datetime import UTC, datetime, timedelta

    epoch = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    sim = make_simulator(epoch=epoch)
    async with _raw(sim) as http:
        iccid, code = registrable_examples(sim.state, 1)[0]
        fleet = next(iter(sim.state.fleets))
        created = (await http.post("/v1/Sims", data={"Iccid": iccid, "RegistrationCode": code})).json()
        when = datetime.fromisoformat(created["date_created"].replace("Z", "+00:00"))
        assert epoch <= when <= sim.state.world_now() < epoch + timedelta(minutes=5)
        updated = (await http.post(f"/v1/Sims/{created['sid']}", data={"Status": "active", "Fleet": fleet})).json()
        assert "date_updated" in updated, updated
        assert (
            epoch
            <= datetime.fromisoformat(updated["date_updated"].replace("Z", "+00:00"))
            < epoch + timedelta(minutes=5)
        )
        periods = (await http.get(f"/v1/Sims/{created['sid']}/BillingPeriods")).json()["billing_periods"]
        assert [p["start_time"] for p in periods] == [created["date_created"]]


@pytest.mark.parametrize("epoch", [None, datetime(2026, 12, 2, 21, 30, tzinfo=UTC)], ids=["now", "evening"])
@pytest.mark.parametrize("sims", [300, 20_000])
def test_seeded_sims_were_updated_after_they_were_created_and_not_in_the_future(
    sims: int, epoch: datetime | None
) -> None:
    """Every seeded SIM's date_updated lies between its date_created and the simulator's now, as the API's would
    (a ready SIM created today was dated 00:00 tomorrow: "Updated 2026-12-03 00:00 UTC" on 2 December)."""
    from .conftest import demo_simulator

    sim = demo_simulator(sims=sims, epoch=epoch)
    now = sim.state.world_now()
    wrong = [
        (s.unique_name, s.date_created, s.date_updated)
        for s in sim.state.sims.values()
        if not datetime.fromisoformat(s.date_created) <= datetime.fromisoformat(s.date_updated) <= now
    ]
    assert wrong == []
