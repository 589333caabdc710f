"""The API client against the in-process simulator: every method, paging, each error
class, retries (with Retry-After), safe handling of creations after ambiguous
failures, malformed replies, and authentication strategies."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from supersim_tui.api import (
    AlreadyRegisteredError,
    AuthenticationError,
    BasicAuth,
    ConnectFailedError,
    NotFoundError,
    OAuthClientCredentials,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ResponseFormatError,
    RetryPolicy,
    Secret,
    ServerError,
    SimStatus,
    SuperSimClient,
    TransportError,
    ValidationError,
    check_base_url,
)
from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.simulator.seed import registrable_examples

from .conftest import RecordedSleep

MakeClient = Callable[..., SuperSimClient]


def posts(sim: Simulator, path: str) -> list[Any]:
    return [r for r in sim.request_log if r.method == "POST" and r.path == path]


# --------------------------------------------------------------- every method
async def test_fleet_methods(client: SuperSimClient, simulator: Simulator) -> None:
    """create / list (with NAP filter) / fetch by sid and name / update change the simulator's fleets."""
    created = await client.create_fleet(
        "us-only", unique_name="pumps", data_limit=64, data_enabled=False, sms_commands_enabled=False
    )
    assert simulator.state.fleets[created.sid].data_limit == 64
    assert created.data_enabled is False and created.sms_commands_enabled is False
    us_only = simulator.state.find_nap("us-only")
    assert us_only is not None and created.network_access_profile_sid == us_only.sid
    listed = await client.list_fleets(network_access_profile="us-only").collect()
    assert "pumps" in {f.unique_name for f in listed}
    assert {f.network_access_profile_sid for f in listed} == {us_only.sid}
    assert (await client.fetch_fleet("pumps")).sid == created.sid
    assert (await client.fetch_fleet(created.sid)).unique_name == "pumps"
    updated = await client.update_fleet("pumps", unique_name="pumps-2", network_access_profile="global", data_limit=128)
    record = simulator.state.fleets[created.sid]
    assert (record.unique_name, record.data_limit) == ("pumps-2", 128)
    assert updated.network_access_profile_sid == simulator.state.find_nap("global").sid  # type: ignore[union-attr]


async def test_nap_and_network_methods(client: SuperSimClient, simulator: Simulator) -> None:
    """NAPs and their networks: create with networks, rename, add, fetch, list, remove."""
    fr = await client.list_networks(iso_country="FR").collect()
    assert {n.friendly_name for n in fr} == {"Orange", "SFR", "Free Mobile", "Bouygues Telecom"}
    orange = await client.list_networks(mcc="208", mnc="01").collect()
    assert [n.sid for n in orange] == [next(n.sid for n in fr if n.friendly_name == "Orange")]
    assert (await client.fetch_network(orange[0].sid)).plmns == ["208-01"]

    nap = await client.create_nap(unique_name="fr", networks=[n.sid for n in fr[:2]])
    assert simulator.state.naps[nap.sid].network_sids == [n.sid for n in fr[:2]]
    renamed = await client.update_nap(nap.sid, unique_name="france")
    assert renamed.unique_name == "france" and (await client.fetch_nap("france")).sid == nap.sid
    assert "france" in {n.unique_name for n in await client.list_naps().collect()}

    added = await client.add_nap_network("france", fr[2].sid)
    assert added.network_access_profile_sid == nap.sid
    assert (await client.fetch_nap_network(nap.sid, fr[2].sid)).friendly_name == fr[2].friendly_name
    assert [n.sid for n in await client.list_nap_networks(nap.sid).collect()] == [n.sid for n in fr[:3]]
    await client.remove_nap_network(nap.sid, fr[0].sid)
    assert simulator.state.naps[nap.sid].network_sids == [n.sid for n in fr[1:3]]
    with pytest.raises(NotFoundError):
        await client.remove_nap_network(nap.sid, fr[0].sid)


async def test_sim_methods(client: SuperSimClient, simulator: Simulator) -> None:
    """register, find by ICCID, fetch by sid and name, filters, update, per-SIM lists."""
    iccid, code = registrable_examples(simulator.state, 1)[0]
    sim = await client.register_sim(iccid, code)
    assert sim.status is SimStatus.NEW and simulator.state.sims[sim.sid].iccid == iccid
    assert (await client.find_sim_by_iccid(iccid)) == sim
    assert await client.find_sim_by_iccid("8988307000000000000") is None

    renamed = await client.update_sim(sim.sid, unique_name="door-1", fleet="lab-bench")
    assert renamed.unique_name == "door-1"
    assert (await client.fetch_sim("door-1")).fleet_sid == simulator.state.find_fleet("lab-bench").sid  # type: ignore[union-attr]
    activated = await client.update_sim("door-1", status="active")
    assert activated.status == "scheduled"
    assert (await client.fetch_sim(sim.sid)).status == "active"  # settle_seconds=0

    active = await client.list_sims(status="active").collect()
    assert {s.sid for s in active} == {s.sid for s in simulator.state.sims.values() if s.status == "active"}
    in_fleet = await client.list_sims(fleet="lab-bench").collect()
    assert sim.sid in {s.sid for s in in_fleet}
    assert all(s.fleet_sid == renamed.fleet_sid for s in in_fleet)

    periods = await client.list_billing_periods(sim.sid).collect()
    assert periods and periods[0].sim_sid == sim.sid
    ips = await client.list_ip_addresses(sim.sid).collect()
    assert ips and ips[0].ip_address_version == "IPv4"


async def test_usage_records(client: SuperSimClient) -> None:
    """Usage grouped by fleet adds up to the ungrouped total; rule violations carry their 836xx code."""
    total = await client.list_usage_records(
        start_time="2026-10-01T00:00:00Z", end_time="2026-10-31T00:00:00Z"
    ).collect()
    by_fleet = await client.list_usage_records(
        group="fleet", start_time="2026-10-01T00:00:00Z", end_time="2026-10-31T00:00:00Z"
    ).collect()
    assert len(total) == 1 and len(by_fleet) > 1
    assert sum(r.data_total or 0 for r in by_fleet) == total[0].data_total
    assert all(r.fleet_sid for r in by_fleet)
    with pytest.raises(ValidationError) as caught:
        await client.list_usage_records(
            granularity="day", start_time="2026-10-01T05:00:00Z", end_time="2026-10-02T00:00:00Z"
        ).collect()
    assert caught.value.code == 83601 and caught.value.hint


# --------------------------------------------------------------------- paging
async def test_paging_crosses_page_boundaries_lazily(
    make_simulator: Callable[..., Simulator], make_client: MakeClient
) -> None:
    """Iteration follows next_page_url one page at a time and yields every SIM exactly once."""
    sim = make_simulator(sims=103)
    client = make_client(sim, page_size=10)
    pager = client.list_sims()
    first = await pager.__anext__()
    assert pager.pages_fetched == 1
    rest = [s async for s in pager]
    assert [first.sid, *(s.sid for s in rest)] == list(sim.state.sims)
    assert pager.pages_fetched == math.ceil(103 / 10)
    assert all(r.path == "/v1/Sims" for r in sim.request_log)


async def test_pager_stops_on_a_looping_server() -> None:
    """A server that sends the same next_page_url again cannot make the client loop."""
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, json={"fleets": [], "meta": {"next_page_url": "http://127.0.0.1/v1/Fleets?Page=1"}})

    async with SuperSimClient(
        BasicAuth("AC1", "t"), base_url="http://127.0.0.1", transport=httpx.MockTransport(handler)
    ) as client:
        with pytest.raises(ResponseFormatError):
            await client.list_fleets().collect()
    assert calls == 2


async def test_foreign_next_page_url_is_not_followed_with_credentials() -> None:
    """A next_page_url on another host is refused (the listing stops with a clear error), never followed
    with our credentials and never quietly rewritten to our host."""
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if "PageToken" in str(request.url):
            return httpx.Response(200, json={"fleets": [], "meta": {"next_page_url": None}})
        return httpx.Response(
            200, json={"fleets": [], "meta": {"next_page_url": "https://elsewhere.example/v1/Fleets?PageToken=PA1"}}
        )

    async with SuperSimClient(
        BasicAuth("AC1", "t"), base_url="http://127.0.0.1", transport=httpx.MockTransport(handler)
    ) as client:
        with pytest.raises(ResponseFormatError, match="another host"):
            await client.list_fleets().collect()
    assert hosts == ["127.0.0.1"]


# ----------------------------------------------------------------- error classes
async def test_error_classes(make_client: MakeClient, simulator: Simulator) -> None:
    """401, 404 and 400 map to their classes, with Twilio's code, message and a hint."""
    wrong = SuperSimClient(
        BasicAuth(simulator.config.account_sid, "not-the-token"),
        base_url="http://127.0.0.1",
        transport=asgi_transport(simulator),
    )
    async with wrong:
        with pytest.raises(AuthenticationError) as auth:
            await wrong.fetch_fleet("us-meters")
    assert auth.value.code == 20003 and auth.value.status == 401
    assert "not-the-token" not in str(auth.value) and "not-the-token" not in repr(wrong._http.auth)

    client = make_client(simulator)
    with pytest.raises(NotFoundError) as missing:
        await client.fetch_sim("HS" + "f" * 32)
    assert missing.value.code == 20404

    active = next(s for s in simulator.state.sims.values() if s.status == "active")
    with pytest.raises(ValidationError) as invalid:
        await client.update_sim(active.sid, status="ready")
    assert invalid.value.code == 83010 and "ready" in invalid.value.message
    assert invalid.value.more_info == "https://www.twilio.com/docs/errors/83010"
    assert "ready only from new" in (invalid.value.hint or "")


async def test_already_registered_carries_the_sim(client: SuperSimClient, simulator: Simulator) -> None:
    """83003 becomes AlreadyRegisteredError naming the existing SIM."""
    existing = next(iter(simulator.state.sims.values()))
    with pytest.raises(AlreadyRegisteredError) as caught:
        await client.register_sim(existing.iccid, simulator.state.registration_code(existing.iccid))
    assert caught.value.sim_sid == existing.sid and caught.value.code == 83003


async def test_403_is_permission_denied() -> None:
    """403 without a bearer token to refresh is PermissionDeniedError."""
    transport = httpx.MockTransport(
        lambda r: httpx.Response(403, json={"code": 20006, "message": "Access denied", "more_info": "x", "status": 403})
    )
    async with SuperSimClient(BasicAuth("AC1", "t"), base_url="http://127.0.0.1", transport=transport) as client:
        with pytest.raises(PermissionDeniedError) as caught:
            await client.fetch_fleet("x")
    assert caught.value.code == 20006


# ---------------------------------------------------------------------- retries
async def test_retry_after_is_honoured(
    make_simulator: Callable[..., Simulator], make_client: MakeClient, sleeps: RecordedSleep
) -> None:
    """A 429 with Retry-After: 3 waits exactly 3 s, then the request succeeds."""
    sim = make_simulator(retry_after=3)
    sim.force_faults("429", path_prefix="/v1/Fleets")
    fleets = await make_client(sim).list_fleets().collect()
    assert len(fleets) == len(sim.state.fleets)
    assert sleeps.waits == [3.0]
    assert [r.status for r in sim.request_log] == [429, 200]


async def test_rate_limit_exhausts_attempts(
    simulator: Simulator, make_client: MakeClient, sleeps: RecordedSleep
) -> None:
    """Attempts are bounded: after the last 429 the error carries retry_after."""
    simulator.force_faults(*["429"] * 3)
    with pytest.raises(RateLimitedError) as caught:
        await make_client(simulator, attempts=3).fetch_fleet("us-meters")
    assert caught.value.retry_after == 1.0
    assert len(simulator.request_log) == 3 and len(sleeps.waits) == 2


async def test_retry_after_beyond_budget_is_not_waited(simulator: Simulator, sleeps: RecordedSleep) -> None:
    """A Retry-After longer than the remaining time budget fails at once instead of sleeping."""
    simulator.config.retry_after = 120
    simulator.force_faults("429")
    client = SuperSimClient(
        BasicAuth(simulator.config.account_sid, simulator.config.auth_token),
        base_url="http://127.0.0.1",
        transport=asgi_transport(simulator),
        retry=RetryPolicy(total_seconds=30, sleep=sleeps),
    )
    async with client:
        with pytest.raises(RateLimitedError):
            await client.fetch_fleet("us-meters")
    assert sleeps.waits == []


async def test_server_errors_and_drops_are_retried_for_reads(
    simulator: Simulator, make_client: MakeClient, sleeps: RecordedSleep
) -> None:
    """503, 500 and a dropped connection on a GET are retried with growing backoff."""
    simulator.force_faults("503", "500", "drop")
    fleet = await make_client(simulator).fetch_fleet("us-meters")
    assert fleet.unique_name == "us-meters"
    assert [r.fault for r in simulator.request_log] == ["503", "500", "drop", None]
    assert len(sleeps.waits) == 3 and all(w > 0 for w in sleeps.waits)


async def test_persistent_failures_raise_their_class(simulator: Simulator, make_client: MakeClient) -> None:
    """When every try fails, 5xx raises ServerError and drops raise TransportError."""
    simulator.force_faults(*["503"] * 2)
    with pytest.raises(ServerError) as server:
        await make_client(simulator, attempts=2).fetch_fleet("us-meters")
    assert server.value.status == 503
    simulator.force_faults(*["drop"] * 2)
    with pytest.raises(TransportError):
        await make_client(simulator, attempts=2).fetch_fleet("us-meters")


async def test_listing_survives_random_faults(
    make_simulator: Callable[..., Simulator], make_client: MakeClient
) -> None:
    """With 20% of requests failing (429/500/503/drops), a full listing still returns every SIM once."""
    sim = make_simulator(sims=500, fault_rate=0.2, retry_after=0)
    sims = await make_client(sim, page_size=20, attempts=8).list_sims().collect()
    assert [s.sid for s in sims] == list(sim.state.sims)
    assert any(r.fault for r in sim.request_log)


async def test_timeout_and_refused_connection() -> None:
    """A read timeout is RequestTimeoutError; a closed loopback port is ConnectFailedError, retried safely."""

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    sleeps = RecordedSleep()
    async with SuperSimClient(
        BasicAuth("AC1", "t"),
        base_url="http://127.0.0.1",
        transport=httpx.MockTransport(slow),
        retry=RetryPolicy(attempts=2, sleep=sleeps),
    ) as client:
        with pytest.raises(RequestTimeoutError):
            await client.fetch_fleet("x")
    assert client.requests_sent == 2

    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with SuperSimClient(
        BasicAuth("AC1", "t"), base_url=f"http://127.0.0.1:{port}", retry=RetryPolicy(attempts=2, sleep=sleeps)
    ) as client:
        with pytest.raises(ConnectFailedError):
            await client.create_fleet("global")
    assert client.requests_sent == 2  # never processed, so even a creation may be retried


# ------------------------------------------------- creations after ambiguous failures
@pytest.mark.parametrize("fault", ["500", "drop"])
async def test_registration_is_not_repeated_after_ambiguous_failure(
    simulator: Simulator, make_client: MakeClient, fault: str
) -> None:
    """The POST went through but the reply was lost: the client finds the SIM instead of posting again."""
    iccid, code = registrable_examples(simulator.state, 1)[0]
    simulator.force_faults(fault, method="POST", path_prefix="/v1/Sims")
    sim = await make_client(simulator).register_sim(iccid, code)
    assert sim.iccid == iccid and simulator.state.sims[sim.sid].status == "new"
    assert len(posts(simulator, "/v1/Sims")) == 1
    lookups = [r for r in simulator.request_log if r.method == "GET" and f"Iccid={iccid}" in r.query]
    assert len(lookups) == 1


async def test_registration_retried_when_not_processed(simulator: Simulator, make_client: MakeClient) -> None:
    """503 (not processed) and 429: the SIM is not there, so the POST is sent again and succeeds."""
    iccid, code = registrable_examples(simulator.state, 1)[0]
    simulator.force_faults("503", "429", method="POST", path_prefix="/v1/Sims")
    sim = await make_client(simulator).register_sim(iccid, code)
    assert sim.iccid == iccid
    assert [r.status for r in posts(simulator, "/v1/Sims")] == [503, 429, 201]


async def test_creations_recover_by_unique_name(simulator: Simulator, make_client: MakeClient) -> None:
    """A NAP, a fleet and a NAP network created behind a lost reply are found, not duplicated."""
    client = make_client(simulator)
    de = await client.list_networks(iso_country="DE").collect()
    simulator.force_faults("drop", method="POST", path_prefix="/v1/NetworkAccessProfiles")
    nap = await client.create_nap(unique_name="de", networks=[de[0].sid])
    assert [n.unique_name for n in simulator.state.naps.values()].count("de") == 1
    simulator.force_faults("500", method="POST", path_prefix="/v1/NetworkAccessProfiles")
    await client.add_nap_network(nap.sid, de[1].sid)
    assert simulator.state.naps[nap.sid].network_sids == [de[0].sid, de[1].sid]
    simulator.force_faults("500", method="POST", path_prefix="/v1/Fleets")
    fleet = await client.create_fleet(nap.sid, unique_name="de-fleet")
    assert [f.unique_name for f in simulator.state.fleets.values()].count("de-fleet") == 1
    assert fleet.network_access_profile_sid == nap.sid


async def test_unnamed_fleet_creation_is_never_retried_blindly(simulator: Simulator, make_client: MakeClient) -> None:
    """Without a unique name there is no way to check, so an ambiguous failure is reported, not repeated."""
    before = len(simulator.state.fleets)
    simulator.force_faults("500", method="POST", path_prefix="/v1/Fleets")
    with pytest.raises(ServerError):
        await make_client(simulator).create_fleet("global")
    assert len(posts(simulator, "/v1/Fleets")) == 1
    assert len(simulator.state.fleets) == before + 1  # the server did create it: the user is told it may exist


async def test_delete_after_lost_reply_counts_as_done(simulator: Simulator, make_client: MakeClient) -> None:
    """DELETE applied but answered 500: the retry's 404 means it is gone, as asked."""
    nap = simulator.state.find_nap("us-only")
    assert nap is not None
    network = nap.network_sids[0]
    simulator.force_faults("500", method="DELETE")
    await make_client(simulator).remove_nap_network(nap.sid, network)
    assert network not in nap.network_sids


async def test_status_update_after_lost_reply(
    make_simulator: Callable[..., Simulator], make_client: MakeClient
) -> None:
    """Activation applied but the reply dropped: the retry's 83010 (update in progress) yields the scheduled SIM."""
    sim = make_simulator(settle_seconds=30)
    target = next(s for s in sim.state.sims.values() if s.status == "new" and s.fleet_sid)
    sim.force_faults("drop", method="POST", path_prefix=f"/v1/Sims/{target.sid}")
    result = await make_client(sim).update_sim(target.sid, status="active")
    assert result.status == "scheduled"
    assert target.pending is not None and target.pending.status == "active"


# ----------------------------------------------------------------- bad replies
def _mock(response: httpx.Response) -> SuperSimClient:
    return SuperSimClient(
        BasicAuth("AC1", "t"),
        base_url="http://127.0.0.1",
        transport=httpx.MockTransport(lambda request: response),
        retry=RetryPolicy(attempts=1),
    )


async def test_html_error_page_is_a_clear_server_error() -> None:
    """A proxy's HTML 502 page becomes a ServerError that says the reply was not JSON."""
    async with _mock(httpx.Response(502, html="<html><body>Bad Gateway</body></html>")) as client:
        with pytest.raises(ServerError) as caught:
            await client.fetch_fleet("x")
    assert "502" in str(caught.value) and "not JSON" in str(caught.value) and "text/html" in str(caught.value)


@pytest.mark.parametrize(
    ("response", "words"),
    [
        (
            httpx.Response(200, content=b'{"sid": "HF1", "unique', headers={"content-type": "application/json"}),
            "not valid JSON",
        ),
        (httpx.Response(200, html="<html>login page</html>"), "Expected JSON"),
        (httpx.Response(200, json={"sid": 42}), "does not match"),
        (httpx.Response(200, json=["not", "an", "object"]), "does not match"),
    ],
)
async def test_malformed_success_bodies(response: httpx.Response, words: str) -> None:
    """Truncated JSON, a wrong content type or a wrong shape give ResponseFormatError saying which."""
    async with _mock(response) as client:
        with pytest.raises(ResponseFormatError) as caught:
            await client.fetch_fleet("x")
    assert words in str(caught.value)


async def test_unknown_enum_values_do_not_break_parsing() -> None:
    """A status the spec does not list yet parses (as an unknown member) instead of failing the page."""
    body = {"sims": [{"sid": "HS" + "a" * 32, "status": "suspended", "iccid": "1"}], "meta": {"next_page_url": None}}
    async with _mock(httpx.Response(200, json=body)) as client:
        sims = await client.list_sims().collect()
    assert sims[0].status == "suspended"
    assert sims[0].status is not None and not sims[0].status.known
    assert SimStatus("active").known


# ------------------------------------------------------------------------ auth
async def test_api_key_auth(make_simulator: Callable[..., Simulator]) -> None:
    """An API key SID + secret authenticates like the Auth Token."""
    sim = make_simulator(api_keys={"SK" + "1" * 32: "key-secret"})
    async with SuperSimClient(
        BasicAuth("SK" + "1" * 32, Secret("key-secret")), base_url="http://127.0.0.1", transport=asgi_transport(sim)
    ) as client:
        assert len(await client.list_fleets().collect()) == len(sim.state.fleets)


async def test_bearer_tokens_refresh(make_simulator: Callable[..., Simulator]) -> None:
    """One token serves many calls; an expired token (403) is refreshed once; expiry is anticipated by the clock."""
    sim = make_simulator(oauth_clients={"kore-client": "kore-secret"}, token_ttl=3600)
    now = [1000.0]
    auth = OAuthClientCredentials("http://127.0.0.1/oauth2/token", "kore-client", "kore-secret", clock=lambda: now[0])
    async with SuperSimClient(auth, base_url="http://127.0.0.1", transport=asgi_transport(sim)) as client:
        for _ in range(3):
            await client.fetch_fleet("us-meters")
        assert auth.tokens_fetched == 1
        sim.expire_tokens()
        await client.fetch_fleet("us-meters")
        assert auth.tokens_fetched == 2
        assert [r.status for r in sim.request_log if r.path == "/v1/Fleets/us-meters"][-2:] == [403, 200]
        now[0] += 3600 - 30  # inside the refresh margin: refreshed before the server refuses it
        await client.fetch_fleet("us-meters")
        assert auth.tokens_fetched == 3
        assert [r.status for r in sim.request_log if r.path == "/v1/Fleets/us-meters"][-1] == 200
    assert "kore-secret" not in repr(auth)


async def test_bad_client_secret(make_simulator: Callable[..., Simulator]) -> None:
    """Refused client credentials are an AuthenticationError that does not show the secret."""
    sim = make_simulator(oauth_clients={"kore-client": "kore-secret"})
    auth = OAuthClientCredentials("http://127.0.0.1/oauth2/token", "kore-client", "wrong-secret")
    async with SuperSimClient(auth, base_url="http://127.0.0.1", transport=asgi_transport(sim)) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.fetch_fleet("us-meters")
    assert "wrong-secret" not in str(caught.value)


def test_secret_is_masked() -> None:
    """Secret never shows its value through str, repr or f-strings, and cannot be pickled."""
    import pickle

    secret = Secret("s3cr3t-value")
    assert "s3cr3t" not in f"{secret} {secret!r} {[secret]}"
    assert secret.reveal() == "s3cr3t-value"
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert "s3cr3t" not in repr(BasicAuth("AC1", "s3cr3t-value"))


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://supersim.twilio.com", True),
        ("http://127.0.0.1:8080", True),
        ("http://localhost:1", True),
        ("http://[::1]:9", True),
        ("http://supersim.example.com", False),
        ("ftp://127.0.0.1", False),
        ("127.0.0.1:8080", False),
        ("http://10.0.0.5", False),
    ],
)
def test_base_url_rules(url: str, ok: bool) -> None:
    """https anywhere; plain http only on loopback; anything else is refused with the reason."""
    if ok:
        assert check_base_url(url + "/") == url
    else:
        with pytest.raises(ValueError) as caught:
            check_base_url(url)
        assert url in str(caught.value)
