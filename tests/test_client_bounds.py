"""The client's bounds and safety rules, driven directly: deadlines per response (token request included)
and per walk, page walks that stop at a limit or on links that never end, capped Retry-After and bodies,
URL rules for where secrets go, and server text made safe to print (with property-based checks)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supersim_tui import cli
from supersim_tui.api import (
    ApiError,
    BasicAuth,
    OAuthClientCredentials,
    RateLimitedError,
    RequestTimeoutError,
    ResponseFormatError,
    RetryPolicy,
    Sim,
    SuperSimClient,
    check_base_url,
)
from supersim_tui.api.replies import decode, error_from, page_type
from supersim_tui.api.retry import parse_retry_after
from supersim_tui.api.text import is_printable, printable
from supersim_tui.commands.output import json_text

from .faultserver import BASE, FaultServer, _Drip

UNSAFE = "\x1b\x07\x9b\u202e\x00\r"


def _client(server: httpx.AsyncBaseTransport, **kwargs: Any) -> SuperSimClient:
    async def no_wait(seconds: float) -> None:
        return None

    retry = kwargs.pop("retry", RetryPolicy(attempts=2, total_seconds=1.0, sleep=no_wait))
    return SuperSimClient(BasicAuth("AC1", "t"), base_url=BASE, transport=server, retry=retry, **kwargs)


# ------------------------------------------------------------------ deadlines
async def test_drip_fed_response_ends_at_the_response_deadline() -> None:
    """A reply that never finishes (one byte at a time) ends in RequestTimeoutError after response_timeout."""
    server = FaultServer("drip")
    started = time.monotonic()
    async with _client(server, response_timeout=0.2) as client:
        with pytest.raises(RequestTimeoutError, match="in time"):
            await asyncio.wait_for(client.fetch_fleet("fleet-one"), 10)
    assert time.monotonic() - started < 2.0


async def test_token_request_has_a_timeout_and_a_deadline() -> None:
    """The KORE token request carries its own timeouts and, dripping, ends at the client's response deadline."""
    seen: list[dict[str, Any]] = []

    class TokenDrip(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/oauth2/token":
                seen.append(dict(request.extensions.get("timeout") or {}))
                return httpx.Response(
                    200, headers={"content-type": "application/json"}, stream=_Drip(b'{"access_token": "x"}', 0.01)
                )
            return httpx.Response(200, json={"sid": "HF" + "f" * 32})

    auth = OAuthClientCredentials("https://auth.test/oauth2/token", "client", "secret")
    async with SuperSimClient(
        auth, base_url=BASE, transport=TokenDrip(), response_timeout=0.2, retry=RetryPolicy(attempts=1)
    ) as client:
        with pytest.raises(RequestTimeoutError):
            await asyncio.wait_for(client.fetch_fleet("x"), 10)
    assert seen and all(value is not None and value > 0 for value in seen[0].values())
    assert set(seen[0]) == {"connect", "read", "write", "pool"}


async def test_walk_deadline_stops_a_slow_endless_listing() -> None:
    """Pages that each come in time but never end stop at walk_timeout with RequestTimeoutError."""

    class Slow(FaultServer):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(0.02)
            return await super().handle_async_request(request)

    server = Slow("endless")
    started = time.monotonic()
    async with _client(server, walk_timeout=0.3) as client:
        with pytest.raises(RequestTimeoutError, match="Listing did not finish in time"):
            await asyncio.wait_for(client.list_fleets().collect(), 10)
    assert time.monotonic() - started < 2.0


async def test_limit_stops_an_endless_walk() -> None:
    """collect(limit=5) over links that never end reads only the pages it needs."""
    server = FaultServer("endless")
    async with _client(server) as client:
        sims = await asyncio.wait_for(client.list_sims().collect(limit=5), 10)
    assert len(sims) == 5 and server.requests == 2


async def test_endless_walk_is_bounded_in_pages() -> None:
    """More pages than max_pages is an error naming the cause, after exactly max_pages requests."""
    server = FaultServer("endless")
    async with _client(server, max_pages=25) as client:
        with pytest.raises(ResponseFormatError, match="never end"):
            await asyncio.wait_for(client.list_sims().collect(), 10)
    assert server.requests == 25


async def test_empty_pages_that_link_on_are_stopped() -> None:
    """Empty pages that keep linking to more end the walk after a few pages."""
    server = FaultServer("endless-empty")
    async with _client(server) as client:
        with pytest.raises(ResponseFormatError, match="empty pages"):
            await asyncio.wait_for(client.list_sims().collect(), 10)
    assert server.requests <= 5


@pytest.mark.parametrize("behaviour", ["off-host", "downgrade"])
async def test_off_host_links_are_refused(behaviour: str) -> None:
    """A next link to another host or scheme is refused before any request goes there."""
    hosts: list[str] = []

    class Recording(FaultServer):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            hosts.append(f"{request.url.scheme}://{request.url.host}")
            return await super().handle_async_request(request)

    async with _client(Recording(behaviour)) as client:
        with pytest.raises(ResponseFormatError, match="another host"):
            await client.list_fleets().collect()
    assert hosts == [BASE]


@pytest.mark.parametrize("retry_after", ["1000000000", "nan", "inf", "-5", "1e400", "Mon, 01 Jan 99999 00:00:00 GMT"])
async def test_absurd_retry_after_is_capped(retry_after: str) -> None:
    """Whatever Retry-After says, each wait is finite and within the retry budget, and so is their sum."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    class Busy(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(
                429,
                headers={"Retry-After": retry_after},
                json={"code": 20429, "message": "Too many requests", "status": 429},
            )

    policy = RetryPolicy(attempts=4, total_seconds=5.0, sleep=record)
    async with _client(Busy(), retry=policy) as client:
        with pytest.raises(RateLimitedError):
            await client.fetch_fleet("x")
    assert all(0 <= w <= 5.0 for w in waits) and sum(waits) <= 5.0


def test_parse_retry_after_is_finite_or_none() -> None:
    """Retry-After values that are not a time (nan, inf, garbage) mean 'no advice', not a wait."""
    for value in ("nan", "inf", "-inf", "1e400", "x", "Mon, 01 Jan 99999 00:00:00 GMT"):
        assert parse_retry_after(value) in (None, 0.0) or parse_retry_after(value) is None
    assert parse_retry_after("7") == 7.0


async def test_huge_body_is_capped() -> None:
    """A body larger than max_response_bytes is refused without reading it all."""
    server = FaultServer("huge")
    async with _client(server, max_response_bytes=100_000) as client:
        with pytest.raises(ResponseFormatError, match="larger than"):
            await client.fetch_fleet("x")


# ------------------------------------------------------------------ URL rules
@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/oauth2/token",
        "http://127.evil.com/token",
        "ftp://x/token",
        "https://user:s3cret@auth.test/token",
        "",
    ],
)
def test_token_url_rule(url: str) -> None:
    """The KORE token URL follows the base URL's rule: https, or http on loopback; no user:password@."""
    with pytest.raises(ValueError) as refused:
        OAuthClientCredentials(url, "client", "secret")
    assert "s3cret" not in str(refused.value)
    assert OAuthClientCredentials("http://127.0.0.1:9/oauth2/token", "c", "s").token_url.startswith("http://127")
    assert OAuthClientCredentials("https://auth.test/token", "c", "s").token_url == "https://auth.test/token"


def test_base_url_with_password_is_refused_without_repeating_it() -> None:
    """user:password@ in a base URL is refused and the password is never repeated."""
    for url in ("https://user:s3cret@api.test", "https://s3cret@api.test", "http://u:s3cret@127.0.0.1:8080"):
        with pytest.raises(ValueError, match="user name or password") as refused:
            check_base_url(url)
        assert "s3cret" not in str(refused.value)


def test_cli_base_url_with_password(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`--base-url https://user:pass@host` is a usage error (exit 2) that does not print the password."""
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token")
    code = cli.main(["status", "--base-url", "https://user:s3cret@api.test"])
    out, err = capsys.readouterr()
    assert code == 2 and "s3cret" not in out + err and "user name or password" in err


def test_cli_kore_token_url_must_be_https(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """KORE credentials with an http token URL on another host: exit 2 naming the rule, nothing sent."""
    monkeypatch.setenv("KORE_CLIENT_ID", "client")
    monkeypatch.setenv("KORE_CLIENT_SECRET", "kore-s3cret")
    monkeypatch.setenv("KORE_TOKEN_URL", "http://10.0.0.1/oauth2/token")
    code = cli.main(["status", "--base-url", "https://api.test"])
    out, err = capsys.readouterr()
    assert code == 2 and "KORE token URL" in err and "https" in err and "kore-s3cret" not in out + err


# ------------------------------------------------------------------ printable text
def test_printable_removes_terminal_control() -> None:
    """Escape sequences go, other controls show as U+FFFD, plain text (accents, emoji) is kept."""
    assert printable("fleet-één 🚀") == "fleet-één 🚀"
    assert printable("a\x1b[2Jb\x1b]0;title\x07c") == "abc"
    assert printable("x\u202ey\x00z") == "x\ufffdy\ufffdz"
    assert printable("two\nlines") == "two lines"
    assert printable("two\nlines", multiline=True) == "two\nlines"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_printable_properties(text: str) -> None:
    """For any text: no control left, idempotent, and already-safe text is unchanged."""
    shown = printable(text, multiline=True)
    assert is_printable(shown) and all(ch not in shown for ch in UNSAFE)
    assert printable(shown, multiline=True) == shown
    if is_printable(text) and "\t" not in text:
        assert shown == text


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    )
)
def test_json_output_round_trips_and_is_safe(data: Any) -> None:
    """--json output parses back to the same data and carries no raw terminal-control characters."""
    text = json_text(data, indent=2)
    assert json.loads(text) == data
    assert not any(ch in text for ch in "\x1b\x07\x9b\u202e\x00")


def _response(status: int, content_type: str, body: bytes) -> httpx.Response:
    return httpx.Response(
        status, headers={"content-type": content_type}, content=body, request=httpx.Request("GET", f"{BASE}/v1/Sims")
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
    st.sampled_from(["application/json", "text/html", "", "application/json; charset=\x1b[31m"]),
    st.integers(min_value=200, max_value=599),
)
def test_any_server_body_decodes_or_fails_cleanly(body: bytes, content_type: str, status: int) -> None:
    """Any bytes, as a page or an error reply, end in a page or the client's own error with printable text."""
    response = _response(status, content_type, body)
    try:
        page = decode(response, page_type("sims", Sim))
        assert isinstance(page.sims, list)
    except ResponseFormatError as error:
        assert is_printable(str(error))
    error_ = error_from(response)
    assert isinstance(error_, ApiError) and is_printable(str(error_))


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["code", "message", "more_info", "status"]),
        st.none() | st.integers() | st.text() | st.lists(st.integers(), max_size=2),
    )
)
def test_error_json_of_any_shape(body: dict[str, Any]) -> None:
    """Twilio error JSON with fields of any type or content gives an ApiError with a printable message."""
    error = error_from(_response(400, "application/json", msgspec.json.encode(body)))
    assert isinstance(error, ApiError) and is_printable(str(error))


async def test_drip_over_a_real_socket_ends_at_the_deadline() -> None:
    """Over a real loopback socket (httpx's own per-read timeout never fires: a byte comes every 50 ms),
    a reply that never completes ends at response_timeout, and the listing with it."""
    writers: list[asyncio.StreamWriter] = []

    async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{")
        try:
            while True:
                await asyncio.sleep(0.05)
                writer.write(b" ")
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            writer.close()

    server = await asyncio.start_server(drip, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    started = time.monotonic()
    try:
        async with SuperSimClient(
            BasicAuth("AC1", "t"),
            base_url=f"http://127.0.0.1:{port}",
            timeout=5.0,
            response_timeout=0.4,
            retry=RetryPolicy(attempts=1),
        ) as client:
            with pytest.raises(RequestTimeoutError, match="in time"):
                await asyncio.wait_for(client.list_sims().collect(), 10)
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()
    assert time.monotonic() - started < 3.0


async def test_tui_sign_in_with_plain_http_token_url_is_a_message() -> None:
    """Signing in (TUI) with a KORE token URL on plain http elsewhere is a SignInError naming the rule."""
    from supersim_tui.connect import Connector, SignInError

    with pytest.raises(SignInError, match="KORE token URL") as refused:
        await Connector().sign_in(
            profile="kore",
            kind="kore",
            identity="client",
            secret="kore-s3cret",
            base_url="https://api.test",
            token_url="http://10.0.0.1/oauth2/token",
            store="none",
        )
    assert "kore-s3cret" not in str(refused.value)


async def test_parallel_failure_cancels_and_awaits_the_rest() -> None:
    """all_of/together: the first failure is raised as itself (not an ExceptionGroup), after every sibling
    was cancelled and has finished; no task is left running or unretrieved."""
    from supersim_tui.ops.parallel import all_of, together

    finished: list[str] = []

    async def slow(name: str) -> str:
        try:
            await asyncio.sleep(10)
        finally:
            finished.append(name)
        return name

    async def fails() -> str:
        await asyncio.sleep(0.01)
        raise RequestTimeoutError("boom")

    before = asyncio.all_tasks()
    with pytest.raises(RequestTimeoutError, match="boom"):
        await all_of([slow("a"), fails(), slow("b")])
    assert sorted(finished) == ["a", "b"]
    with pytest.raises(RequestTimeoutError):
        await together(slow("c"), fails())
    assert "c" in finished and asyncio.all_tasks() == before
    assert await together(asyncio.sleep(0, "x"), asyncio.sleep(0, 1)) == ("x", 1)


def test_command_deadline(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A read-only command that keeps getting pages in time still ends at command_timeout, with exit 1."""
    from supersim_tui.commands import session as session_module

    class Slow(FaultServer):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await asyncio.sleep(0.05)
            return await super().handle_async_request(request)

    def fake_session(args: object) -> session_module.Session:
        client = _client(Slow("endless-sims"), walk_timeout=60, command_timeout=0.5)
        return session_module.Session(client, "AC1", False)

    monkeypatch.setattr(session_module, "open_session", fake_session)
    started = time.monotonic()
    code = cli.main(["sims", "list"])
    out, err = capsys.readouterr()
    assert code == 1 and "did not finish in time (0.5 s)" in err and "Traceback" not in err
    assert time.monotonic() - started < 3.0
