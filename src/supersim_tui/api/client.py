"""The async Super SIM v1 client: one long-lived ``httpx.AsyncClient``, typed results.

Retries are decided per request kind:

* GETs, DELETEs and updates that set absolute values are *safe*: retried on
  429, 5xx, timeouts and dropped connections, with backoff and Retry-After.
* Creations (register a SIM, add a network to a NAP, create a fleet or NAP)
  are retried blindly only when the server certainly did not process them
  (429, or a connection that was never made). After an *ambiguous* failure
  (5xx, dropped connection, read timeout) the client first checks whether the
  thing now exists, and only retries if it does not.
"""

from __future__ import annotations

import asyncio
import math
import re
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx
import msgspec

from .errors import (
    ApiError,
    AuthenticationError,
    ConnectFailedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ResponseFormatError,
    ServerError,
    SuperSimError,
    TransportError,
    ValidationError,
)
from .models import (
    BillingPeriod,
    Fleet,
    NapNetwork,
    Network,
    NetworkAccessProfile,
    PageMeta,
    Sim,
    SimIpAddress,
    UsageRecord,
)
from .paging import Pager
from .pool import SHARD_CONNECTIONS, ShardedTransport
from .retry import RetryPolicy, parse_retry_after
from .text import printable
from .urls import check_url, redact_url, same_origin

DEFAULT_BASE_URL = "https://supersim.twilio.com"
# Deadlines (seconds) and bounds; each can be set where the client is built.
RESPONSE_TIMEOUT = 30.0  # one whole response, body included (a server dripping bytes ends here)
WALK_TIMEOUT = 900.0  # one walk through a list, every page (1,000 pages of 1,000 SIMs at ~0.5 s each fit)
COMMAND_TIMEOUT = 1800.0  # a whole read-only CLI command
MAX_PAGES = 20_000  # pages in one walk: 20 million records at 1,000 a page
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # a page of 1,000 SIMs is about 1 MB
MAX_CONNECTIONS = 300  # above the largest bulk concurrency (256), so a run is never queued inside httpx
MAX_PAGE_SIZE = 1000
USER_AGENT = "supersim-tui"
_SIM_SID = re.compile(r"HS[0-9a-fA-F]{32}")

T = TypeVar("T")
# Form bodies: a list value sends the field once per item (e.g. repeated ``Networks``).
FormData = Mapping[str, str | list[str]]


class AlreadyRegisteredError(ValidationError):
    """83003: the SIM already belongs to this account. Treat as success; ``sim_sid`` names it."""

    def __init__(self, message: str, *, sim_sid: str | None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.sim_sid = sim_sid


def check_base_url(url: str) -> str:
    """Accept https, or http only for a loopback host (the simulator); no user:password@.
    Returns it without a trailing /."""
    return check_url(url, "base URL")


def _page_type(key: str, item: type[Any]) -> type[Any]:
    items: Any = list[item]  # type: ignore[valid-type]  # a runtime type built for msgspec
    return msgspec.defstruct(f"{item.__name__}Page", [(key, items, []), ("meta", PageMeta, PageMeta())], kw_only=True)


_PAGE_TYPES: dict[tuple[str, type[Any]], type[Any]] = {}


def page_type(key: str, item: type[Any]) -> type[Any]:
    if (key, item) not in _PAGE_TYPES:
        _PAGE_TYPES[(key, item)] = _page_type(key, item)
    return _PAGE_TYPES[(key, item)]


def _form(values: Mapping[str, object | None]) -> dict[str, str]:
    """Form fields for the values that were given (None = leave unchanged)."""
    form: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            form[name] = "true" if value else "false"
        else:
            form[name] = str(value)
    return form


class SuperSimClient:
    """Async client for the Super SIM v1 API. Use as ``async with SuperSimClient(...) as client``.

    ``transport`` lets tests and ``--demo`` run against the in-process simulator.

    Bounds: ``timeout`` is httpx's per-operation timeout (connect, each read);
    ``response_timeout`` bounds one whole response, body included; ``walk_timeout``
    and ``max_pages`` bound one walk through a list; ``command_timeout`` is what a
    read-only CLI command may take in all; ``max_response_bytes`` caps one body.
    """

    def __init__(
        self,
        auth: httpx.Auth,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        page_size: int = 50,
        response_timeout: float = RESPONSE_TIMEOUT,
        walk_timeout: float = WALK_TIMEOUT,
        command_timeout: float = COMMAND_TIMEOUT,
        max_pages: int = MAX_PAGES,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ):
        self.base_url = check_base_url(base_url)
        self.retry = retry or RetryPolicy()
        self.page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        self.response_timeout = response_timeout
        self.walk_timeout = walk_timeout
        self.command_timeout = command_timeout
        self.max_pages = max_pages
        self.max_response_bytes = max_response_bytes
        if transport is None and not urllib.request.getproxies():  # (a proxy from the environment: httpx's pool)
            transport = ShardedTransport(-(-MAX_CONNECTIONS // SHARD_CONNECTIONS))
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
            # Bulk work runs up to 256 requests in flight: keep that many connections open between requests
            # (httpx's defaults, 100 connections and 20 kept alive, cap a run and reconnect all the time).
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_CONNECTIONS),
        )
        self.requests_sent = 0
        # Called on every 429 with Retry-After and Twilio-Concurrent-Requests (each None when absent), so bulk
        # work can slow down as a whole and learn the account's allowance.
        self.throttle_listeners: list[Callable[[float | None, int | None], None]] = []

    async def __aenter__(self) -> SuperSimClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    # ------------------------------------------------------------- transport
    def _local(self, url: str) -> str:
        """Paths and our own absolute URLs pass; another host's URL is reduced to its path,
        so credentials are never sent to a host named by a server reply."""
        parts = urlsplit(url)
        if not parts.scheme:
            return url
        own = urlsplit(self.base_url)
        if (parts.scheme, parts.netloc) == (own.scheme, own.netloc):
            return url
        return parts.path + (f"?{parts.query}" if parts.query else "")

    async def _attempt(
        self, method: str, url: str, params: Mapping[str, str] | None, data: FormData | None, seconds: float
    ) -> httpx.Response:
        """One try: the whole exchange (token request, headers and body) within ``seconds``."""
        self.requests_sent += 1
        shown = redact_url(self.base_url)
        try:
            async with asyncio.timeout(max(seconds, 0.0)):
                response = await self._exchange(method, url, params, data)
        except TimeoutError:
            raise RequestTimeoutError(
                f"No complete reply from {shown} in time (waited {_secs(seconds)}); "
                "the server or the network is too slow"
            ) from None
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise ConnectFailedError(f"Could not connect to {shown}") from None
        except httpx.TimeoutException as exc:
            raise RequestTimeoutError(f"No reply from {shown} in time ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise TransportError(
                f"Could not complete the request to {shown}: {type(exc).__name__}: {printable(exc)}"
            ) from None
        if response.status_code >= 400:
            raise _error_from(response)
        return response

    async def _exchange(
        self, method: str, url: str, params: Mapping[str, str] | None, data: FormData | None
    ) -> httpx.Response:
        """Send and read the body, at most ``max_response_bytes`` of it."""
        request = self._http.build_request(method, self._local(url), params=params, data=data)
        response = await self._http.send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_response_bytes:
                raise self._too_big(request)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise self._too_big(request)
                chunks.append(chunk)
        finally:
            await response.aclose()
        headers = [
            (k, v)
            for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(chunks),
            request=request,
            extensions={"reason_phrase": response.reason_phrase.encode("ascii", "replace")},
        )

    def _too_big(self, request: httpx.Request) -> ResponseFormatError:
        return ResponseFormatError(
            f"The reply from {request.url.path} is larger than "
            f"{self.max_response_bytes // (1024 * 1024)} MB; stopped reading it"
        )

    async def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: FormData | None = None,
        safe: bool,
    ) -> httpx.Response:
        """One request with retries. ``safe`` requests may be repeated after any transient
        failure; unsafe ones only when the server surely did not act (429, connect errors)."""
        policy = self.retry
        deadline = policy.clock() + policy.total_seconds
        attempt = 0
        ambiguous_before = False
        while True:
            attempt += 1
            # Each try gets a whole response's time, but never more than the retries have left.
            seconds = (
                min(self.response_timeout, max(deadline - policy.clock(), 0.0))
                if attempt > 1
                else self.response_timeout
            )
            try:
                return await self._attempt(method, url, params, data, seconds)
            except SuperSimError as error:
                error.after_ambiguous = ambiguous_before
                not_processed = isinstance(error, RateLimitedError | ConnectFailedError)
                transient = not_processed or isinstance(error, ServerError | TransportError)
                if not transient or (not safe and not not_processed):
                    raise
                if attempt >= policy.attempts:
                    raise
                retry_after = error.retry_after if isinstance(error, RateLimitedError) else None
                if isinstance(error, RateLimitedError):
                    for listener in list(self.throttle_listeners):
                        listener(retry_after, error.concurrent_requests)
                wait = policy.backoff(attempt, retry_after)
                if policy.clock() + wait > deadline:
                    raise
                if not not_processed:
                    ambiguous_before = True
                await policy.sleep(wait)

    async def _json(
        self,
        method: str,
        url: str,
        model: type[T],
        *,
        params: Mapping[str, str] | None = None,
        data: FormData | None = None,
        safe: bool = True,
    ) -> T:
        response = await self._send(method, url, params=params, data=data, safe=safe)
        return _decode(response, model)

    def _pager(
        self, path: str, key: str, model: type[T], params: Mapping[str, object | None], page_size: int | None = None
    ) -> Pager[T]:
        query = _form(params)
        query["PageSize"] = str(max(1, min(page_size or self.page_size, MAX_PAGE_SIZE)))
        kind = page_type(key, model)

        async def fetch(url: str, first_params: dict[str, str] | None) -> tuple[list[T], str | None]:
            if not same_origin(url, self.base_url):
                raise ResponseFormatError(
                    f"The API sent a next page link to another host or scheme ({redact_url(url)[:200]}); "
                    f"links must stay on {redact_url(self.base_url)}, so the listing was stopped"
                )
            response = await self._send("GET", url, params=first_params, safe=True)
            page = _decode(response, kind)
            return list(getattr(page, key)), page.meta.next_page_url

        return Pager(fetch, path, query, max_pages=self.max_pages, walk_timeout=self.walk_timeout)

    async def _create(
        self, path: str, data: FormData, model: type[T], recover: Callable[[], Awaitable[T | None]] | None
    ) -> T:
        """POST a creation; after an ambiguous failure, ``recover`` looks for the result."""
        policy = self.retry
        for round_ in range(1, policy.attempts + 1):
            try:
                return await self._json("POST", path, model, data=data, safe=False)
            except (ServerError, TransportError):
                if recover is None:
                    raise
                found = await recover()
                if found is not None:
                    return found
                if round_ >= policy.attempts:
                    raise
                await policy.sleep(policy.backoff(round_, None))
        raise AssertionError("unreachable")

    # ----------------------------------------------------------------- fleets
    async def create_fleet(
        self,
        network_access_profile: str,
        *,
        unique_name: str | None = None,
        data_enabled: bool | None = None,
        data_limit: int | None = None,
        ip_commands_url: str | None = None,
        ip_commands_method: str | None = None,
        sms_commands_enabled: bool | None = None,
        sms_commands_url: str | None = None,
        sms_commands_method: str | None = None,
    ) -> Fleet:
        data = _form(
            {
                "NetworkAccessProfile": network_access_profile,
                "UniqueName": unique_name,
                "DataEnabled": data_enabled,
                "DataLimit": data_limit,
                "IpCommandsUrl": ip_commands_url,
                "IpCommandsMethod": ip_commands_method,
                "SmsCommandsEnabled": sms_commands_enabled,
                "SmsCommandsUrl": sms_commands_url,
                "SmsCommandsMethod": sms_commands_method,
            }
        )
        recover = (lambda: self._maybe(self.fetch_fleet(unique_name))) if unique_name else None
        return await self._create("/v1/Fleets", data, Fleet, recover)

    def list_fleets(self, *, network_access_profile: str | None = None) -> Pager[Fleet]:
        return self._pager("/v1/Fleets", "fleets", Fleet, {"NetworkAccessProfile": network_access_profile})

    async def fetch_fleet(self, sid_or_name: str) -> Fleet:
        return await self._json("GET", f"/v1/Fleets/{_seg(sid_or_name)}", Fleet)

    async def update_fleet(
        self,
        sid_or_name: str,
        *,
        unique_name: str | None = None,
        network_access_profile: str | None = None,
        data_limit: int | None = None,
        ip_commands_url: str | None = None,
        ip_commands_method: str | None = None,
        sms_commands_url: str | None = None,
        sms_commands_method: str | None = None,
    ) -> Fleet:
        data = _form(
            {
                "UniqueName": unique_name,
                "NetworkAccessProfile": network_access_profile,
                "DataLimit": data_limit,
                "IpCommandsUrl": ip_commands_url,
                "IpCommandsMethod": ip_commands_method,
                "SmsCommandsUrl": sms_commands_url,
                "SmsCommandsMethod": sms_commands_method,
            }
        )
        return await self._json("POST", f"/v1/Fleets/{_seg(sid_or_name)}", Fleet, data=data)

    # ------------------------------------------------------------------- NAPs
    async def create_nap(
        self, *, unique_name: str | None = None, networks: list[str] | tuple[str, ...] = ()
    ) -> NetworkAccessProfile:
        data: dict[str, str | list[str]] = {"Networks": list(networks)}
        if unique_name:
            data["UniqueName"] = unique_name
        recover = (lambda: self._maybe(self.fetch_nap(unique_name))) if unique_name else None
        return await self._create("/v1/NetworkAccessProfiles", data, NetworkAccessProfile, recover)

    def list_naps(self) -> Pager[NetworkAccessProfile]:
        return self._pager("/v1/NetworkAccessProfiles", "network_access_profiles", NetworkAccessProfile, {})

    async def fetch_nap(self, sid_or_name: str) -> NetworkAccessProfile:
        return await self._json("GET", f"/v1/NetworkAccessProfiles/{_seg(sid_or_name)}", NetworkAccessProfile)

    async def update_nap(self, sid_or_name: str, *, unique_name: str) -> NetworkAccessProfile:
        return await self._json(
            "POST",
            f"/v1/NetworkAccessProfiles/{_seg(sid_or_name)}",
            NetworkAccessProfile,
            data={"UniqueName": unique_name},
        )

    async def add_nap_network(self, nap: str, network_sid: str) -> NapNetwork:
        path = f"/v1/NetworkAccessProfiles/{_seg(nap)}/Networks"
        return await self._create(
            path, {"Network": network_sid}, NapNetwork, lambda: self._maybe(self.fetch_nap_network(nap, network_sid))
        )

    def list_nap_networks(self, nap: str) -> Pager[NapNetwork]:
        return self._pager(f"/v1/NetworkAccessProfiles/{_seg(nap)}/Networks", "networks", NapNetwork, {})

    async def fetch_nap_network(self, nap: str, network_sid: str) -> NapNetwork:
        return await self._json(
            "GET", f"/v1/NetworkAccessProfiles/{_seg(nap)}/Networks/{_seg(network_sid)}", NapNetwork
        )

    async def remove_nap_network(self, nap: str, network_sid: str) -> None:
        path = f"/v1/NetworkAccessProfiles/{_seg(nap)}/Networks/{_seg(network_sid)}"
        try:
            await self._send("DELETE", path, safe=True)
        except NotFoundError as error:
            if not error.after_ambiguous:
                raise
            # An earlier try was applied but its reply was lost: the network is gone, as asked.

    # --------------------------------------------------------------- networks
    def list_networks(
        self,
        *,
        iso_country: str | None = None,
        mcc: str | None = None,
        mnc: str | None = None,
        page_size: int | None = None,
    ) -> Pager[Network]:
        return self._pager(
            "/v1/Networks", "networks", Network, {"IsoCountry": iso_country, "Mcc": mcc, "Mnc": mnc}, page_size
        )

    async def fetch_network(self, sid: str) -> Network:
        return await self._json("GET", f"/v1/Networks/{_seg(sid)}", Network)

    # ------------------------------------------------------------------- SIMs
    async def register_sim(self, iccid: str, registration_code: str) -> Sim:
        """Claim a SIM. Raises :class:`AlreadyRegisteredError` (83003) if it is already ours."""
        return await self._create(
            "/v1/Sims",
            {"Iccid": iccid, "RegistrationCode": registration_code},
            Sim,
            lambda: self.find_sim_by_iccid(iccid),
        )

    def list_sims(
        self,
        *,
        status: str | None = None,
        fleet: str | None = None,
        iccid: str | None = None,
        page_size: int | None = None,
    ) -> Pager[Sim]:
        return self._pager("/v1/Sims", "sims", Sim, {"Status": status, "Fleet": fleet, "Iccid": iccid}, page_size)

    def list_sims_undecoded(
        self, *, status: str | None = None, fleet: str | None = None, page_size: int | None = None
    ) -> Pager[msgspec.Raw]:
        """SIMs left as raw JSON: for counting, where decoding 100,000 SIMs would cost the UI its frames."""
        return self._pager("/v1/Sims", "sims", msgspec.Raw, {"Status": status, "Fleet": fleet}, page_size)

    async def find_sim_by_iccid(self, iccid: str) -> Sim | None:
        found = await self.list_sims(iccid=iccid).collect(limit=1)
        if found and found[0].iccid != iccid:  # a server (or proxy) that ignored the Iccid filter
            raise ResponseFormatError(
                f"asked for the SIM with ICCID {iccid}, the server returned {found[0].sid} "
                f"(ICCID {found[0].iccid}); nothing was changed"
            )
        return found[0] if found else None

    async def fetch_sim(self, sid_or_name: str) -> Sim:
        return await self._json("GET", f"/v1/Sims/{_seg(sid_or_name)}", Sim)

    async def update_sim(
        self,
        sid_or_name: str,
        *,
        unique_name: str | None = None,
        status: str | None = None,
        fleet: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        account_sid: str | None = None,
    ) -> Sim:
        """Update a SIM. Status and fleet changes may be asynchronous: the returned SIM
        then shows ``scheduled`` (and its old fleet) until the change completes."""
        data = _form(
            {
                "UniqueName": unique_name,
                "Status": status,
                "Fleet": fleet,
                "CallbackUrl": callback_url,
                "CallbackMethod": callback_method,
                "AccountSid": account_sid,
            }
        )
        try:
            return await self._json("POST", f"/v1/Sims/{_seg(sid_or_name)}", Sim, data=data)
        except ValidationError as error:
            if error.code in (83009, 83010) and error.after_ambiguous:
                # A try whose reply was lost started the change; the SIM is now scheduled or done.
                current = await self.fetch_sim(sid_or_name)
                if current.status == "scheduled" or (status is not None and current.status == status):
                    return current
            raise

    def list_billing_periods(self, sim_sid: str) -> Pager[BillingPeriod]:
        return self._pager(f"/v1/Sims/{_seg(sim_sid)}/BillingPeriods", "billing_periods", BillingPeriod, {})

    def list_ip_addresses(self, sim_sid: str) -> Pager[SimIpAddress]:
        return self._pager(f"/v1/Sims/{_seg(sim_sid)}/IpAddresses", "ip_addresses", SimIpAddress, {})

    def list_usage_records(
        self,
        *,
        sim: str | None = None,
        fleet: str | None = None,
        network: str | None = None,
        iso_country: str | None = None,
        group: str | None = None,
        granularity: str | None = None,
        start_time: str | None = None,
        end_time: str | None = None,
        page_size: int | None = None,
    ) -> Pager[UsageRecord]:
        return self._pager(
            "/v1/UsageRecords",
            "usage_records",
            UsageRecord,
            {
                "Sim": sim,
                "Fleet": fleet,
                "Network": network,
                "IsoCountry": iso_country,
                "Group": group,
                "Granularity": granularity,
                "StartTime": start_time,
                "EndTime": end_time,
            },
            page_size,
        )

    # ---------------------------------------------------------------- helpers
    @staticmethod
    async def _maybe(call: Awaitable[T]) -> T | None:
        try:
            return await call
        except NotFoundError:
            return None


def _seg(value: str) -> str:
    return quote(value, safe="")


def _secs(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 10 or math.isclose(seconds, round(seconds)) else f"{seconds:.1f} s"


def _decode(response: httpx.Response, model: type[T]) -> T:
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type:
        raise ResponseFormatError(
            f"Expected JSON from {response.request.url.path} but got "
            f"{printable(content_type[:100]) or 'no content type'} (HTTP {response.status_code}); "
            "is the base URL right?",
            status=response.status_code,
        )
    try:
        return msgspec.json.decode(response.content, type=model)
    except msgspec.ValidationError as exc:  # a subclass of DecodeError: test it first
        raise ResponseFormatError(
            f"The reply from {response.request.url.path} does not match the Super SIM API: {exc}",
            status=response.status_code,
        ) from None
    except msgspec.DecodeError:
        raise ResponseFormatError(
            f"The reply from {response.request.url.path} is not valid JSON "
            f"(HTTP {response.status_code}, {len(response.content)} bytes; truncated?)",
            status=response.status_code,
        ) from None


class _ErrorBody(msgspec.Struct):
    code: int | None = None
    message: str | None = None
    more_info: str | None = None
    status: int | None = None


def _error_from(response: httpx.Response) -> ApiError:
    status = response.status_code
    code: int | None = None
    message: str | None = None
    more_info: str | None = None
    try:
        body = msgspec.json.decode(response.content, type=_ErrorBody)
        code, message, more_info = body.code, body.message, body.more_info
    except (msgspec.DecodeError, msgspec.ValidationError):
        kind = printable(response.headers.get("content-type", "no content type").split(";")[0][:100])
        reason = printable(response.reason_phrase or "")[:100]
        message = f"HTTP {status} {reason}".strip() + f" (the reply was not JSON: {kind})"
    message = printable(message or f"HTTP {status}")
    more_info = printable(more_info) if more_info else None
    kwargs: dict[str, Any] = {"status": status, "code": code, "more_info": more_info}
    if status == 401:
        return AuthenticationError(message, **kwargs)
    if status == 403:
        return PermissionDeniedError(message, **kwargs)
    if status == 404:
        return NotFoundError(message, **kwargs)
    if status == 429:
        return RateLimitedError(
            message,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            concurrent_requests=_count_header(response.headers.get("twilio-concurrent-requests")),
            **kwargs,
        )
    if status >= 500:
        return ServerError(message, **kwargs)
    if code == 83003:
        match = _SIM_SID.search(message)
        return AlreadyRegisteredError(message, sim_sid=match.group(0) if match else None, **kwargs)
    return ValidationError(message, **kwargs)


def _count_header(value: str | None) -> int | None:
    """A whole-number header (Twilio-Concurrent-Requests), or None when absent or not a sane count."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) <= 7 else None
