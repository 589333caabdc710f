"""The client's transport (api/transport.py): how it reads a reply's declared size."""

from __future__ import annotations

import ssl

import httpx
import pytest

from supersim_tui.api import BasicAuth, ResponseFormatError, RetryPolicy, SuperSimClient
from supersim_tui.api.pool import ShardedTransport

NAPS = b'{"network_access_profiles": [], "meta": {"next_page_url": null}}'


def _client_replying(content_length: str, body: bytes = NAPS, limit: int = 100_000) -> SuperSimClient:
    def handler(request: httpx.Request) -> httpx.Response:
        stream = httpx.ByteStream(body)
        headers = [(b"content-type", b"application/json"), (b"content-length", content_length.encode("latin-1"))]
        return httpx.Response(200, headers=headers, stream=stream)

    return SuperSimClient(
        BasicAuth("AC1", "t"),
        base_url="http://127.0.0.1",
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(attempts=1),
        max_response_bytes=limit,
    )


@pytest.mark.parametrize(
    "declared",
    ["²", "¹²", " 12", "12, 12", "-1", "0x10", ""],
    ids=["superscript", "superscripts", "space", "list", "sign", "hex", "empty"],
)
async def test_an_odd_content_length_is_not_a_crash(declared: str) -> None:
    """A Content-Length that is not plain ASCII digits (superscript digits, sent as Latin-1, pass
    str.isdigit but not int(); a list; a sign) is ignored: the body is read, still bounded by its real size."""
    async with _client_replying(declared) as client:
        page = await client.list_naps().next_page()
    assert page == []


@pytest.mark.parametrize("declared", ["9" * 5000, str(10**30), "100001"], ids=["5000-digits", "1e30", "cap+1"])
async def test_a_huge_declared_length_is_refused_before_reading(declared: str) -> None:
    """A declared size over the cap is refused with the tool's own error, however many digits it has
    (int() of over 4,300 digits raises ValueError)."""
    async with _client_replying(declared) as client:
        with pytest.raises(ResponseFormatError, match="larger than"):
            await client.list_naps().next_page()


@pytest.mark.parametrize(
    ("base_url", "reads_bundle"), [("http://127.0.0.1:9", False), ("https://supersim.twilio.com", True)]
)
async def test_only_an_https_client_reads_the_ca_bundle(base_url: str, reads_bundle: bool) -> None:
    """A plain-HTTP client (the simulator on loopback: every link keeps the base URL's origin) never uses TLS, so
    its pools get a context that trusts no certificate instead of reading the CA bundle before the first request
    (~30 ms of the start-up); an https client's pools verify against the bundle, as before."""
    async with SuperSimClient(BasicAuth("AC1", "t"), base_url=base_url) as client:
        pools = client._http._transport
        assert isinstance(pools, ShardedTransport)
        pools._shard(0)  # the first pool, as the first request makes it
        assert pools._ssl is not None
        assert pools._ssl.verify_mode == ssl.CERT_REQUIRED and pools._ssl.check_hostname
        assert (pools._ssl.cert_store_stats()["x509_ca"] > 0) is reads_bundle
