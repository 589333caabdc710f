"""The Super SIM v1 API as an ASGI app (Starlette), over :class:`SimulatorState`.

Follows the OpenAPI description: paths, form-encoded POST bodies (repeated
``Networks``), Twilio paging (``meta`` with absolute URLs on the request's own
host), Twilio error JSON, HTTP Basic auth. Around the API it adds what a test
of a client needs: per-request latency, deterministic fault injection and a
request log. A tiny OAuth client-credentials endpoint stands in for KORE's.

Why one file over 400 lines: one route table with its request parsing and rendering per resource (Networks,
Fleets, NAPs and their Networks, Sims, IpAddresses, BillingPeriods, UsageRecords, the OAuth stand-in, the
test-only admin endpoints) plus the middleware (auth, latency, faults, log) that wraps them all; each handler is
a short parse/call-state/render, and the rules themselves are in ``state.py``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import logging
import random
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx
import msgspec
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from .catalog import CatalogNetwork
from .errors import ApiFailure, SimulatedDrop, invalid, not_found
from .seed import registrable_examples, seed_account
from .state import FleetRecord, NapRecord, SimRecord, SimulatorConfig, SimulatorState

log = logging.getLogger("supersim_tui.simulator")

FAULT_KINDS = ("429", "500", "503", "drop")
CONCURRENCY_FAULT = "concurrency"  # logged as the fault of a request refused for the account's allowance
CONCURRENT_HEADER = "Twilio-Concurrent-Requests"
REQUEST_STATUS_CLIENT_GONE = 499  # logged for a client that went away before its reply was sent (nginx's code)
REQUEST_LOG_LIMIT = 500_000  # a long-running loopback simulator keeps the newest requests only
TOKEN_PATH = "/oauth2/token"
ADMIN_PREFIX = "/_simulator/"


@dataclass(slots=True)
class ScriptedFault:
    """A fault forced on the next request matching ``method`` and ``path_prefix``."""

    kind: str
    method: str | None = None
    path_prefix: str = ""

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and path.startswith(self.path_prefix)


@dataclass(slots=True)
class LoggedRequest:
    """One request as the simulator saw it (secrets are never recorded)."""

    method: str
    path: str
    query: str
    form: list[tuple[str, str]]
    status: int
    fault: str | None
    at: float


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(msgspec.json.encode(body), status_code=status, headers=headers, media_type="application/json")


def _error(failure: ApiFailure) -> Response:
    return _json(failure.body(), failure.status, failure.headers)


class Simulator:
    """An in-memory Super SIM account served as an ASGI app.

    Use it in-process with :func:`asgi_transport` (no socket) or serve it with
    uvicorn (``supersim-tui simulator``).
    """

    def __init__(self, config: SimulatorConfig | None = None, clock: Callable[[], float] = time.monotonic):
        self.config = config or SimulatorConfig()
        self.state = SimulatorState(self.config, clock)
        seed_account(self.state)
        self.fault_rng = random.Random(self.config.seed * 7919 + 17)
        self.request_log: list[LoggedRequest] = []
        self.scripted_faults: list[ScriptedFault] = []
        self.tokens: dict[str, float] = {}
        self.delivered_callbacks: list[dict[str, str]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._router = Starlette(routes=self._routes())
        # Concurrency accounting (API requests only, not /_simulator/*): admitted requests in flight now,
        # the most ever admitted at once, the most ever offered at once (admitted + being refused), refusals.
        self.in_flight = 0
        self.peak_in_flight = 0
        self.offered = 0
        self.peak_offered = 0
        self.refused_for_concurrency = 0

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._router(scope, receive, send)
            return
        path: str = scope["path"]
        body = bytearray()

        async def recording_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.extend(message.get("body", b""))
            return message

        status_box = [0]
        fault: str | None = None

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
            if fault == "drop" and message["type"] == "http.response.body":
                raise SimulatedDrop("connection dropped by fault injection")
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        counted = not path.startswith(ADMIN_PREFIX) and path != TOKEN_PATH
        admitted = False
        concurrent = 0
        if counted:
            self.offered += 1
            self.peak_offered = max(self.peak_offered, self.offered)
            cap = self.config.max_concurrency
            if cap is None or self.in_flight < cap:
                admitted = True
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            else:
                fault = CONCURRENCY_FAULT
                self.refused_for_concurrency += 1
                concurrent = self.in_flight + 1  # as Twilio counts them: this request included
        try:
            if self.config.latency_ms:
                await asyncio.sleep(self.config.latency_ms / 1000)
            if fault == CONCURRENCY_FAULT:
                # Not processed, safe to retry; Twilio promises no Retry-After, so none is sent.
                await _error(
                    ApiFailure(
                        429,
                        20429,
                        "Too Many Requests: your account exceeds allowed concurrency",
                        {CONCURRENT_HEADER: str(concurrent)},
                    )
                )(scope, recording_receive, recording_send)
                return
            if path == TOKEN_PATH:
                await self._router(scope, recording_receive, recording_send)
                return
            failure = self._authenticate(headers.get("authorization", ""))
            if failure is not None:
                await _error(failure)(scope, recording_receive, recording_send)
                return
            if not path.startswith(ADMIN_PREFIX):
                fault = self._scripted_fault(scope["method"], path) or self._roll_fault()
            if fault in ("429", "503"):
                # Not processed: safe for the client to retry.
                await self._fault_response(fault)(scope, recording_receive, recording_send)
                return
            if fault == "500":
                # Processed, then reported as failed: the ambiguous case.
                await self._router(scope, recording_receive, _discard)
                await self._fault_response(fault)(scope, recording_receive, recording_send)
                return
            await self._router(scope, recording_receive, recording_send)
        except (ClientDisconnect, OSError) as gone:
            # The client went away (a closed socket on send, or a disconnect while its body was read):
            # nothing to answer and nothing wrong with the simulator, so no traceback and no 500 in the log.
            status_box[0] = REQUEST_STATUS_CLIENT_GONE
            log.debug("client went away during %s %s: %s", scope["method"], path, type(gone).__name__)
        finally:
            if counted:
                self.offered -= 1
                if admitted:
                    self.in_flight -= 1
            if not path.startswith(ADMIN_PREFIX):
                form = [
                    (k, v)
                    for k, v in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
                    if k not in ("client_secret",)
                ]
                self.request_log.append(
                    LoggedRequest(
                        scope["method"],
                        path,
                        scope.get("query_string", b"").decode("latin-1"),
                        form,
                        status_box[0],
                        fault,
                        time.time(),
                    )
                )
                if len(self.request_log) > REQUEST_LOG_LIMIT:
                    del self.request_log[: REQUEST_LOG_LIMIT // 2]
            self._after_request()

    def force_faults(self, *kinds: str, method: str | None = None, path_prefix: str = "") -> None:
        """Make the next matching requests fail with ``kinds`` in order (for exact test scenarios)."""
        for kind in kinds:
            if kind not in FAULT_KINDS:
                raise ValueError(f"fault kind must be one of {FAULT_KINDS}")
            self.scripted_faults.append(ScriptedFault(kind, method, path_prefix))

    def _scripted_fault(self, method: str, path: str) -> str | None:
        for index, scripted in enumerate(self.scripted_faults):
            if scripted.matches(method, path):
                del self.scripted_faults[index]
                return scripted.kind
        return None

    def _roll_fault(self) -> str | None:
        if self.config.fault_rate <= 0 or self.fault_rng.random() >= self.config.fault_rate:
            return None
        return self.fault_rng.choice(FAULT_KINDS)

    def _fault_response(self, fault: str) -> Response:
        if fault == "429":
            return _error(ApiFailure(429, 20429, "Too many requests", {"Retry-After": str(self.config.retry_after)}))
        if fault == "503":
            return _error(ApiFailure(503, 20503, "Service unavailable"))
        return _error(ApiFailure(500, 20500, "Internal server error"))

    def _authenticate(self, header: str) -> ApiFailure | None:
        unauthorized = ApiFailure(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            expiry = self.tokens.get(value.strip())
            if expiry is None or expiry < time.monotonic():
                return ApiFailure(403, 20006, "Invalid or expired token")
            return None
        if scheme.lower() != "basic":
            return unauthorized
        try:
            user, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return unauthorized
        # Compared as bytes: compare_digest refuses str with non-ASCII characters.
        given = password.encode()
        if user == self.config.account_sid and secrets.compare_digest(given, self.config.auth_token.encode()):
            return None
        expected = self.config.api_keys.get(user)
        if expected is not None and secrets.compare_digest(given, expected.encode()):
            return None
        return unauthorized

    def _after_request(self) -> None:
        self.state.settle_due()
        self._deliver_callbacks()
        next_at = self.state.next_settle_at()
        if next_at is None:
            return
        if self._timer is not None and not self._timer.cancelled() and self._timer_at <= next_at:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: settle lazily on the next request
            loop = asyncio.get_running_loop()
            if self._timer is not None:
                self._timer.cancel()
            self._timer_at = next_at
            self._timer = loop.call_later(max(0.0, next_at - self.state.clock()), self._tick)

    def _tick(self) -> None:
        self._timer = None
        self._after_request()

    def _deliver_callbacks(self) -> None:
        while self.state.outbox:
            callback = self.state.outbox.pop(0)
            task = asyncio.get_running_loop().create_task(
                self._send_callback(callback.url, callback.method, callback.params)
            )
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _send_callback(self, url: str, method: str, params: dict[str, str]) -> None:
        self.delivered_callbacks.append(dict(params, _url=url, _method=method))
        try:
            async with httpx.AsyncClient(timeout=5.0) as client:
                if method == "GET":
                    await client.get(url, params=params)
                else:
                    await client.post(url, data=params)
        except httpx.HTTPError as exc:
            log.warning("status callback to %s failed: %s", url, exc)

    # ---------------------------------------------------------------- routes
    def _routes(self) -> list[Route]:
        return [
            Route("/v1/Networks", self.list_networks, methods=["GET"]),
            Route("/v1/Networks/{sid}", self.fetch_network, methods=["GET"]),
            Route("/v1/NetworkAccessProfiles", self.naps, methods=["GET", "POST"]),
            Route("/v1/NetworkAccessProfiles/{sid}", self.nap, methods=["GET", "POST"]),
            Route("/v1/NetworkAccessProfiles/{nap}/Networks", self.nap_networks, methods=["GET", "POST"]),
            Route("/v1/NetworkAccessProfiles/{nap}/Networks/{sid}", self.nap_network, methods=["GET", "DELETE"]),
            Route("/v1/Fleets", self.fleets, methods=["GET", "POST"]),
            Route("/v1/Fleets/{sid}", self.fleet, methods=["GET", "POST"]),
            Route("/v1/Sims", self.sims, methods=["GET", "POST"]),
            Route("/v1/Sims/{sid}", self.sim, methods=["GET", "POST"]),
            Route("/v1/Sims/{sid}/BillingPeriods", self.billing_periods, methods=["GET"]),
            Route("/v1/Sims/{sid}/IpAddresses", self.ip_addresses, methods=["GET"]),
            Route("/v1/UsageRecords", self.usage_records, methods=["GET"]),
            Route(TOKEN_PATH, self.token, methods=["POST"]),
            Route(ADMIN_PREFIX + "registrable", self.admin_registrable, methods=["GET"]),
            Route(ADMIN_PREFIX + "changes", self.admin_changes, methods=["GET"]),
            Route(ADMIN_PREFIX + "requests", self.admin_requests, methods=["GET"]),
            Route(ADMIN_PREFIX + "concurrency", self.admin_concurrency, methods=["GET", "POST"]),
            Route("/{path:path}", self.unknown, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]),
        ]

    async def _handle(
        self, request: Request, handler: Callable[[dict[str, str], list[tuple[str, str]]], Response]
    ) -> Response:
        form: list[tuple[str, str]] = []
        if request.method == "POST":
            try:
                raw = (await request.body()).decode("utf-8", "replace")
            except ClientDisconnect:
                return _client_gone()
            form = parse_qsl(raw, keep_blank_values=True)
        params = dict(form)
        try:
            return handler(params, form)
        except ApiFailure as failure:
            return _error(failure)

    # -------------------------------------------------------------- renderers
    def _base(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc}"

    def network_json(self, base: str, n: CatalogNetwork, nap_sid: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sid": n.sid,
            "friendly_name": n.friendly_name,
            "iso_country": n.iso_country,
            "identifiers": [{"mcc": mcc, "mnc": mnc} for mcc, mnc in n.identifiers],
            "url": f"{base}/v1/Networks/{n.sid}",
        }
        if nap_sid is not None:
            body["network_access_profile_sid"] = nap_sid
            body["url"] = f"{base}/v1/NetworkAccessProfiles/{nap_sid}/Networks/{n.sid}"
        return body

    def nap_json(self, base: str, nap: NapRecord) -> dict[str, Any]:
        url = f"{base}/v1/NetworkAccessProfiles/{nap.sid}"
        return {
            "sid": nap.sid,
            "unique_name": nap.unique_name,
            "account_sid": nap.account_sid,
            "date_created": nap.date_created,
            "date_updated": nap.date_updated,
            "url": url,
            "links": {"networks": f"{url}/Networks"},
        }

    def fleet_json(self, base: str, f: FleetRecord) -> dict[str, Any]:
        return {
            "account_sid": f.account_sid,
            "sid": f.sid,
            "unique_name": f.unique_name,
            "date_created": f.date_created,
            "date_updated": f.date_updated,
            "url": f"{base}/v1/Fleets/{f.sid}",
            "data_enabled": f.data_enabled,
            "data_limit": f.data_limit,
            "data_metering": f.data_metering,
            "sms_commands_enabled": f.sms_commands_enabled,
            "sms_commands_url": f.sms_commands_url,
            "sms_commands_method": f.sms_commands_method,
            "network_access_profile_sid": f.network_access_profile_sid,
            "ip_commands_url": f.ip_commands_url,
            "ip_commands_method": f.ip_commands_method,
        }

    def sim_json(self, base: str, s: SimRecord) -> dict[str, Any]:
        url = f"{base}/v1/Sims/{s.sid}"
        return {
            "sid": s.sid,
            "unique_name": s.unique_name,
            "account_sid": s.account_sid,
            "iccid": s.iccid,
            "status": s.status,
            "fleet_sid": s.fleet_sid,
            "date_created": s.date_created,
            "date_updated": s.date_updated,
            "url": url,
            "links": {"billing_periods": f"{url}/BillingPeriods", "sim_ip_addresses": f"{url}/IpAddresses"},
        }

    def _page(
        self,
        request: Request,
        key: str,
        items: Iterator[tuple[int, dict[str, Any]]] | Iterable[tuple[int, dict[str, Any]]],
        filters: list[tuple[str, str]],
    ) -> Response:
        """Render one Twilio list page; ``items`` yields (position, body) from the token's position."""
        query = request.query_params
        try:
            page_size = int(query.get("PageSize", "50"))
            page = int(query.get("Page", "0"))
        except ValueError:
            return _error(invalid("PageSize", "must be a whole number"))
        if not 1 <= page_size <= 1000:
            return _error(invalid("PageSize", "must be between 1 and 1000"))
        if page < 0:
            return _error(invalid("Page", "must be 0 or more"))
        rows: list[dict[str, Any]] = []
        next_position: int | None = None
        for position, body in items:
            if len(rows) == page_size:
                next_position = position
                break
            rows.append(body)
        base = self._base(request)
        path = request.url.path

        def page_url(number: int, token: str | None) -> str:
            params = [*filters, ("PageSize", str(page_size)), ("Page", str(number))]
            if token:
                params.append(("PageToken", token))
            return f"{base}{path}?{urlencode(params)}"

        token = query.get("PageToken")
        meta = {
            "first_page_url": page_url(0, None),
            "key": key,
            "next_page_url": page_url(page + 1, f"PA{next_position}") if next_position is not None else None,
            "page": page,
            "page_size": page_size,
            "previous_page_url": page_url(page - 1, None) if page > 0 else None,
            "url": page_url(page, token),
        }
        return _json({key: rows, "meta": meta})

    @staticmethod
    def _start(request: Request) -> int:
        token = request.query_params.get("PageToken", "")
        digits = token[2:]
        if token.startswith("PA") and digits.isascii() and digits.isdigit() and len(digits) <= 18:
            return int(digits)
        if token:
            raise invalid("PageToken", "is not a token this API issued")
        return 0

    @staticmethod
    def _filters(request: Request, names: Iterable[str]) -> list[tuple[str, str]]:
        return [(n, request.query_params[n]) for n in names if request.query_params.get(n)]

    def _list(
        self, request: Request, key: str, bodies: list[dict[str, Any]], filter_names: Iterable[str] = ()
    ) -> Response:
        try:
            start = self._start(request)
        except ApiFailure as failure:
            return _error(failure)
        items = ((i, b) for i, b in enumerate(bodies) if i >= start)
        return self._page(request, key, items, self._filters(request, filter_names))

    # --------------------------------------------------------------- handlers
    async def unknown(self, request: Request) -> Response:
        return _error(not_found(request.url.path))

    async def list_networks(self, request: Request) -> Response:
        q = request.query_params
        base = self._base(request)
        networks = self.state.list_networks(q.get("IsoCountry"), q.get("Mcc"), q.get("Mnc"))
        return self._list(
            request, "networks", [self.network_json(base, n) for n in networks], ("IsoCountry", "Mcc", "Mnc")
        )

    async def fetch_network(self, request: Request) -> Response:
        network = self.state.networks.get(request.path_params["sid"])
        if network is None:
            return _error(not_found(request.url.path))
        return _json(self.network_json(self._base(request), network))

    async def naps(self, request: Request) -> Response:
        base = self._base(request)
        if request.method == "GET":
            return self._list(
                request, "network_access_profiles", [self.nap_json(base, n) for n in self.state.list_naps()]
            )

        def create(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            networks = [v for k, v in form if k == "Networks"]
            nap = self.state.create_nap(params.get("UniqueName"), networks)
            return _json(self.nap_json(base, nap), 201)

        return await self._handle(request, create)

    async def nap(self, request: Request) -> Response:
        base = self._base(request)
        ref = request.path_params["sid"]

        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            if request.method == "GET":
                return _json(self.nap_json(base, self.state.nap_or_404(ref)))
            return _json(self.nap_json(base, self.state.update_nap(ref, params.get("UniqueName"))))

        return await self._handle(request, handle)

    async def nap_networks(self, request: Request) -> Response:
        base = self._base(request)
        ref = request.path_params["nap"]

        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            if request.method == "POST":
                nap, network = self.state.add_nap_network(ref, params.get("Network"))
                return _json(self.network_json(base, network, nap.sid), 201)
            nap = self.state.nap_or_404(ref)
            bodies = [self.network_json(base, self.state.networks[s], nap.sid) for s in nap.network_sids]
            return self._list(request, "networks", bodies)

        return await self._handle(request, handle)

    async def nap_network(self, request: Request) -> Response:
        base = self._base(request)
        ref, sid = request.path_params["nap"], request.path_params["sid"]

        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            if request.method == "DELETE":
                self.state.remove_nap_network(ref, sid)
                return Response(status_code=204)
            nap, network = self.state.nap_network(ref, sid)
            return _json(self.network_json(base, network, nap.sid))

        return await self._handle(request, handle)

    async def fleets(self, request: Request) -> Response:
        base = self._base(request)

        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            if request.method == "POST":
                return _json(self.fleet_json(base, self.state.create_fleet(params)), 201)
            fleets = self.state.list_fleets(request.query_params.get("NetworkAccessProfile"))
            return self._list(request, "fleets", [self.fleet_json(base, f) for f in fleets], ("NetworkAccessProfile",))

        return await self._handle(request, handle)

    async def fleet(self, request: Request) -> Response:
        base = self._base(request)
        ref = request.path_params["sid"]

        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            if request.method == "GET":
                return _json(self.fleet_json(base, self.state.fleet_or_404(ref)))
            return _json(self.fleet_json(base, self.state.update_fleet(ref, params)))

        return await self._handle(request, handle)

    async def sims(self, request: Request) -> Response:
        base = self._base(request)

        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            if request.method == "POST":
                sim = self.state.register_sim(params.get("Iccid"), params.get("RegistrationCode"))
                return _json(self.sim_json(base, sim), 201)
            q = request.query_params
            matches = self.state.list_sims(
                q.get("Status") or None, q.get("Fleet") or None, q.get("Iccid") or None, self._start(request)
            )
            items = ((position, self.sim_json(base, sim)) for position, sim in matches)
            return self._page(request, "sims", items, self._filters(request, ("Status", "Fleet", "Iccid")))

        return await self._handle(request, handle)

    async def sim(self, request: Request) -> Response:
        base = self._base(request)
        ref = request.path_params["sid"]

        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            if request.method == "GET":
                return _json(self.sim_json(base, self.state.sim_or_404(ref)))
            sim, asynchronous = self.state.update_sim(ref, params)
            return _json(self.sim_json(base, sim), 202 if asynchronous else 200)

        return await self._handle(request, handle)

    async def billing_periods(self, request: Request) -> Response:
        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            sim = self.state.sim_or_404(request.path_params["sid"])
            return self._list(request, "billing_periods", self.state.billing_periods(sim))

        return await self._handle(request, handle)

    async def ip_addresses(self, request: Request) -> Response:
        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            sim = self.state.sim_or_404(request.path_params["sid"])
            return self._list(request, "ip_addresses", self.state.ip_addresses(sim))

        return await self._handle(request, handle)

    async def usage_records(self, request: Request) -> Response:
        def handle(params: dict[str, str], form: list[tuple[str, str]]) -> Response:
            from .usage import usage_records

            records = usage_records(self.state, request.query_params)
            names = ("Sim", "Fleet", "Network", "IsoCountry", "Group", "Granularity", "StartTime", "EndTime")
            return self._list(request, "usage_records", records, names)

        return await self._handle(request, handle)

    async def token(self, request: Request) -> Response:
        try:
            form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        except ClientDisconnect:
            return _client_gone()
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            with contextlib.suppress(binascii.Error, UnicodeDecodeError):
                client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        expected = self.config.oauth_clients.get(client_id)
        if form.get("grant_type") != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, 400)
        if expected is None or not secrets.compare_digest(expected.encode(), client_secret.encode()):
            return _json({"error": "invalid_client"}, 401)
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.monotonic() + self.config.token_ttl
        return _json({"access_token": token, "token_type": "Bearer", "expires_in": int(self.config.token_ttl)})

    async def admin_registrable(self, request: Request) -> Response:
        raw = request.query_params.get("count", "20")
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 6 and 1 <= int(raw) <= 100_000):
            return _error(invalid("count", "must be a whole number from 1 to 100000"))
        count = int(raw)
        pairs = registrable_examples(self.state, count)
        return _json({"registrable": [{"iccid": i, "registration_code": c} for i, c in pairs]})

    async def admin_changes(self, request: Request) -> Response:
        return _json(
            {"changes": [{"sid": sid, "what": what, "value": value} for sid, what, value in self.state.changes]}
        )

    async def admin_requests(self, request: Request) -> Response:
        return _json(
            {
                "requests": [
                    {"method": r.method, "path": r.path, "query": r.query, "status": r.status, "fault": r.fault}
                    for r in self.request_log
                ]
            }
        )

    async def admin_concurrency(self, request: Request) -> Response:
        """GET: the allowance and what was seen. POST ``Max=C`` (0 or empty: unlimited) changes the allowance
        mid-run; ``Reset=true`` starts the peaks afresh."""
        if request.method == "POST":
            form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
            if "Max" in form:
                raw = form["Max"].strip()
                if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
                    return _error(invalid("Max", "must be a whole number (0 or empty: unlimited)"))
                self.set_max_concurrency(int(raw) if raw and int(raw) > 0 else None)
            if form.get("Reset", "").lower() == "true":
                self.reset_concurrency_peaks()
        return _json(self.concurrency_report())

    def concurrency_report(self) -> dict[str, int | None]:
        return {
            "max_concurrency": self.config.max_concurrency,
            "in_flight": self.in_flight,
            "peak_in_flight": self.peak_in_flight,
            "peak_offered": self.peak_offered,
            "refused": self.refused_for_concurrency,
        }

    def set_max_concurrency(self, cap: int | None) -> None:
        """Change the account's allowance; requests already admitted finish."""
        self.config.max_concurrency = cap

    def reset_concurrency_peaks(self) -> None:
        self.peak_in_flight = self.in_flight
        self.peak_offered = self.offered
        self.refused_for_concurrency = 0

    # ----------------------------------------------------------- test helpers
    def expire_tokens(self) -> None:
        """Make every issued bearer token expired (to test refresh)."""
        for token in self.tokens:
            self.tokens[token] = 0.0


def _client_gone() -> Response:
    # Nobody reads it; returned so the request ends normally and is logged as the client's doing.
    return Response(status_code=REQUEST_STATUS_CLIENT_GONE)


async def _discard(message: Message) -> None:
    return None


class SimulatorTransport(httpx.AsyncBaseTransport):
    """In-process transport: like ``httpx.ASGITransport``, with dropped connections
    surfacing as ``httpx.RemoteProtocolError`` exactly as they would over a socket."""

    def __init__(self, app: Simulator, client: tuple[str, int] = ("127.0.0.1", 50000)):
        self.app = app
        self._inner = httpx.ASGITransport(app=app, client=client)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except SimulatedDrop:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a complete response.", request=request
            ) from None


def asgi_transport(app: Simulator) -> SimulatorTransport:
    return SimulatorTransport(app)


__all__ = ["Simulator", "SimulatorConfig", "SimulatorTransport", "asgi_transport"]
