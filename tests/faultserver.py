"""A misbehaving Super SIM API as an in-process httpx transport, for the fault corpus.

Every behaviour answers like a small but valid account (one NAP, one fleet, a few SIMs) except
for the one thing it breaks: dripping bodies, endless or off-host page links, HTML, truncated or
empty JSON, 401 half-way through a listing, 429 with an absurd Retry-After, dropped connections,
huge bodies, refused connections, and control characters in names and error messages.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlencode

import httpx

BASE = "https://api.test"
ESC = "\x1b"
HOSTILE = f"{ESC}]0;pwned{ESC}\\{ESC}[2J{ESC}[31mred\x9b1m\u202eevil\x07"  # title, clear, colour, C1, bidi, bell
NAP_SID = "HA" + "a" * 32
FLEET_SID = "HF" + "f" * 32
NETWORK_SID = "HW" + "b" * 32
SIM_SIDS = ["HS" + f"{i:032x}" for i in range(1, 8)]
ICCID = "89883070000000000016"

# name: what it does. The tests read this table.
BEHAVIOURS = {
    "drip": "every reply sends one byte at a time, slowly, forever",
    "drip-second-page": "the first page is fine, the second drips forever",
    "endless": "every list page links to a new next page, with items",
    "endless-sims": "only the SIM list links to a new next page on every page",
    "endless-empty": "every list page is empty and links to a new next page",
    "same-link": "every list page links to itself",
    "off-host": "the next page link points to another host",
    "downgrade": "the next page link switches to plain http",
    "html": "200 with an HTML page",
    "html-500": "500 with an HTML page",
    "truncated": "200 with JSON cut in half",
    "empty": "200 with an empty JSON body",
    "wrong-shape": "200 with JSON of the wrong shape",
    "401": "every request is refused (401)",
    "401-mid-walk": "the second page of a listing is refused (401)",
    "403": "every request is forbidden (403)",
    "429-absurd": "429 with Retry-After: 1000000000",
    "429-nan": "429 with Retry-After: nan",
    "503": "503 on every request",
    "reset": "the connection is dropped before a reply",
    "reset-mid-walk": "the second page's connection is dropped",
    "refused": "no connection can be made",
    "huge": "200 with a 6 MB body that is not JSON",
    "hostile-names": "names with terminal escape sequences (a valid reply)",
    "hostile-error": "400 whose message holds terminal escape sequences",
}


class _Drip(httpx.AsyncByteStream):
    def __init__(self, first: bytes, interval: float):
        self.first = first
        self.interval = interval

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.first[:1]
        while True:  # never ends: only a deadline stops it
            await asyncio.sleep(self.interval)
            yield b" "


class FaultServer(httpx.AsyncBaseTransport):
    """``behaviour`` from :data:`BEHAVIOURS`; ``requests`` counts what reached the server."""

    def __init__(self, behaviour: str, drip_interval: float = 0.01):
        assert behaviour == "ok" or behaviour in BEHAVIOURS, behaviour
        self.behaviour = behaviour
        self.drip_interval = drip_interval
        self.requests = 0
        self.list_requests = 0

    # -------------------------------------------------------------- records
    def _name(self, text: str) -> str:
        return f"{text}{HOSTILE}" if self.behaviour == "hostile-names" else text

    def _nap(self) -> dict[str, Any]:
        return {"sid": NAP_SID, "unique_name": self._name("nap-one"), "account_sid": "AC" + "0" * 32}

    def _fleet(self) -> dict[str, Any]:
        return {
            "sid": FLEET_SID,
            "unique_name": self._name("fleet-one"),
            "network_access_profile_sid": NAP_SID,
            "data_enabled": True,
            "data_limit": 1000,
        }

    def _sim(self, index: int) -> dict[str, Any]:
        return {
            "sid": SIM_SIDS[index % len(SIM_SIDS)],
            "unique_name": self._name(f"sim-{index}"),
            "iccid": ICCID,
            "status": "active",
            "fleet_sid": FLEET_SID,
        }

    def _network(self) -> dict[str, Any]:
        return {
            "sid": NETWORK_SID,
            "friendly_name": self._name("Telekom"),
            "iso_country": "DE",
            "identifiers": [{"mcc": "262", "mnc": "01"}],
            "network_access_profile_sid": NAP_SID,
        }

    def _list(self, path: str) -> tuple[str, list[dict[str, Any]]] | None:
        if path == "/v1/Sims":
            return "sims", [self._sim(i) for i in range(3)]
        if path == "/v1/Fleets":
            return "fleets", [self._fleet()]
        if path == "/v1/NetworkAccessProfiles":
            return "network_access_profiles", [self._nap()]
        if path.startswith("/v1/NetworkAccessProfiles/") and path.endswith("/Networks"):
            return "networks", [self._network()]
        if path == "/v1/Networks":
            return "networks", [self._network()]
        if path.endswith("/BillingPeriods"):
            return "billing_periods", []
        if path.endswith("/IpAddresses"):
            return "ip_addresses", []
        if path == "/v1/UsageRecords":
            return "usage_records", []
        return None

    def _one(self, path: str) -> dict[str, Any] | None:
        if path.startswith("/v1/Sims/"):
            return self._sim(0)
        if path.startswith("/v1/Fleets/"):
            return self._fleet()
        if path.startswith("/v1/NetworkAccessProfiles/"):
            return self._nap()
        if path.startswith("/v1/Networks/"):
            return self._network()
        return None

    # -------------------------------------------------------------- replies
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        b = self.behaviour
        query = parse_qs(request.url.query.decode())
        page = int(query.get("Page", ["0"])[0])
        listing = self._list(request.url.path)
        if listing is not None:
            self.list_requests += 1
        second_page = listing is not None and page >= 1
        if b == "refused":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        if b == "reset" or (b == "reset-mid-walk" and second_page):
            raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        if b == "401" or (b == "401-mid-walk" and second_page):
            return _error(401, 20003, "Authenticate")
        if b == "403":
            return _error(403, 20006, "Forbidden")
        if b == "429-absurd":
            return _error(429, 20429, "Too many requests", {"Retry-After": "1000000000"})
        if b == "429-nan":
            return _error(429, 20429, "Too many requests", {"Retry-After": "nan"})
        if b == "503":
            return _error(503, 20503, "Service unavailable")
        if b == "hostile-error":
            return _error(400, 20001, f"Bad value {HOSTILE}")
        if b == "html":
            return httpx.Response(200, headers={"content-type": "text/html"}, content=b"<html>login</html>")
        if b == "html-500":
            return httpx.Response(500, headers={"content-type": "text/html"}, content=b"<html>oops</html>")
        if b == "huge":
            return httpx.Response(200, headers={"content-type": "text/plain"}, content=b"x" * 6_000_000)
        if b == "empty":
            return httpx.Response(200, headers={"content-type": "application/json"}, content=b"")
        if b == "wrong-shape":
            return _json(
                {"sims": "x", "fleets": 5, "network_access_profiles": [1], "networks": {"a": 1}, "sid": 7, "meta": []}
            )
        body = self._body(request, listing, page)
        if body is None:
            return _error(404, 20404, f"The requested resource {request.url.path} was not found")
        raw = json.dumps(body).encode()
        if b == "truncated":
            return httpx.Response(200, headers={"content-type": "application/json"}, content=raw[: len(raw) // 2])
        if b == "drip" or (b == "drip-second-page" and second_page):
            return httpx.Response(
                200, headers={"content-type": "application/json"}, stream=_Drip(raw, self.drip_interval)
            )
        return _json(body)

    def _body(
        self, request: httpx.Request, listing: tuple[str, list[dict[str, Any]]] | None, page: int
    ) -> dict[str, Any] | None:
        path = request.url.path
        if listing is None:
            return self._one(path)
        key, items = listing
        b = self.behaviour
        base = BASE
        following: str | None = None
        if b == "endless-sims" and path == "/v1/Sims":
            following = f"{base}{path}?{urlencode({'PageSize': 50, 'Page': page + 1, 'PageToken': f'PA{page}'})}"
        if b in ("endless", "endless-empty", "401-mid-walk", "reset-mid-walk", "drip-second-page"):
            following = f"{base}{path}?{urlencode({'PageSize': 50, 'Page': page + 1, 'PageToken': f'PA{page}'})}"
        elif b == "same-link":
            following = f"{base}{path}?Page=1"
        elif b == "off-host":
            following = f"https://evil.example{path}?Page=1"
        elif b == "downgrade":
            following = f"http://api.test{path}?Page=1"
        if b == "endless-empty":
            items = []
        return {
            key: items,
            "meta": {"key": key, "page": page, "page_size": 50, "next_page_url": following, "url": f"{base}{path}"},
        }


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status, headers={"content-type": "application/json", **(headers or {})}, content=json.dumps(body).encode()
    )


def _error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return _json(
        {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status},
        status,
        headers,
    )
