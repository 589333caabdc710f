"""How the client talks to the API: one long-lived ``httpx.AsyncClient``, bounded exchanges and retries.
Replies become typed results or the tool's own errors in :mod:`.replies`.

:class:`Transport` is the base of :class:`~supersim_tui.api.client.SuperSimClient`, which adds only the
resources (paths, form fields, models). It is a base class rather than a member so that the client's
bounds (``response_timeout``, ``walk_timeout``, ``max_pages``…), ``requests_sent`` and
``throttle_listeners`` stay plain attributes of the client, as callers and tests use them.

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
import urllib.request
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from .errors import (
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
)
from .paging import Pager
from .pool import SHARD_CONNECTIONS, ShardedTransport
from .replies import decode, error_from, page_type
from .retry import RetryPolicy
from .text import printable
from .urls import DEFAULT_BASE_URL, check_base_url, redact_url, same_origin

# Deadlines (seconds) and bounds; each can be set where the client is built.
RESPONSE_TIMEOUT = 30.0  # one whole response, body included (a server dripping bytes ends here)
WALK_TIMEOUT = 900.0  # one walk through a list, every page (1,000 pages of 1,000 SIMs at ~0.5 s each fit)
COMMAND_TIMEOUT = 1800.0  # a whole read-only CLI command
MAX_PAGES = 20_000  # pages in one walk: 20 million records at 1,000 a page
MAX_RESPONSE_BYTES = 64 * 1024 * 1024  # a page of 1,000 SIMs is about 1 MB
MAX_CONNECTIONS = 300  # above the largest bulk concurrency (256), so a run is never queued inside httpx
MAX_PAGE_SIZE = 1000
USER_AGENT = "supersim-tui"

T = TypeVar("T")
R = TypeVar("R")
# Form bodies: a list value sends the field once per item (e.g. repeated ``Networks``).
FormData = Mapping[str, str | list[str]]


def form(values: Mapping[str, object | None]) -> dict[str, str]:
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


class Transport:
    """Sends requests to one API base URL with retries and bounds; replies are decoded by :mod:`.replies`.

    ``transport`` (httpx's) lets tests and ``--demo`` run against the in-process simulator.

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
            tls = urlsplit(self.base_url).scheme != "http"  # links must keep the base URL's origin (below)
            transport = ShardedTransport(-(-MAX_CONNECTIONS // SHARD_CONNECTIONS), tls=tls)
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
        # The environment variables the credentials came from (set by whoever resolved them; empty: a profile,
        # a form, a test): a 401 or 403 then advises fixing or unsetting them, not logging in (errors.py).
        self.credentials_env: tuple[str, ...] = ()
        # Called on every 429 with Retry-After and Twilio-Concurrent-Requests (each None when absent), so bulk
        # work can slow down as a whole and learn the account's allowance.
        self.throttle_listeners: list[Callable[[float | None, int | None], None]] = []
        # First pages sent early (read_ahead), by path and query, with when they were sent
        self._ahead: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[float, asyncio.Task[httpx.Response]]] = {}

    def read_ahead(self, pagers: Iterable[Pager[Any]]) -> None:
        """Send the first request of each (unread) pager now. The first page read with the same request (path and
        query) takes its reply, or its failure, as if sent then: the same retries, bounds and errors. For a
        start-up that knows what it will read first: the requests go out while the screen is still being built."""
        for pager in pagers:
            path, params = pager.first_request
            key = (path, tuple(sorted((params or {}).items())))
            if key not in self._ahead:
                task = asyncio.create_task(self._send("GET", path, params=params, safe=True))
                task.add_done_callback(_retrieved)  # a reply nobody took: no "exception never retrieved"
                self._ahead[key] = (self.retry.clock(), task)

    def _arrived_early(
        self, url: str, params: dict[str, str] | None, decoded: Callable[[httpx.Response], R]
    ) -> R | None:
        """The reply :meth:`read_ahead` got for this first page, decoded, if it has arrived (fresh, and a success
        that decodes); taken once. Otherwise None, and the request stays for :meth:`_read_early`: still on its way,
        or a failure, which the read that waits for it reports as any other."""
        key = (url, tuple(sorted((params or {}).items())))
        if params is None or (entry := self._ahead.get(key)) is None:
            return None
        sent, task = entry
        if not task.done() or task.cancelled() or task.exception() is not None:
            return None
        if self.retry.clock() - sent > READ_AHEAD_FRESH_SECONDS:
            return None
        try:
            result = decoded(task.result())
        except SuperSimError:  # (a reply that does not decode: the waiting read raises it where it is reported)
            return None
        del self._ahead[key]
        return result

    def _read_early(self, url: str, params: dict[str, str] | None) -> asyncio.Task[httpx.Response] | None:
        """The request :meth:`read_ahead` sent for this first page, if any (taken once), and only while fresh: a
        reply nobody took at start-up must not stand in for a later read (a reload after an edit)."""
        if not self._ahead or params is None:
            return None
        sent, task = self._ahead.pop((url, tuple(sorted(params.items()))), (0.0, None))
        if task is not None and self.retry.clock() - sent > READ_AHEAD_FRESH_SECONDS:
            task.cancel()
            return None
        return task

    async def aclose(self) -> None:
        for _, task in self._ahead.values():
            task.cancel()
        self._ahead.clear()
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

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
        except (AuthenticationError, PermissionDeniedError) as error:  # a token endpoint's refusal (OAuth)
            raise self._with_source(error) from None
        if response.status_code >= 400:
            raise self._with_source(error_from(response))
        return response

    def _with_source(self, error: SuperSimError) -> SuperSimError:
        """A refusal of the credentials says where they came from (:attr:`credentials_env`)."""
        if isinstance(error, AuthenticationError | PermissionDeniedError):
            error.credentials_env = self.credentials_env
        return error

    async def _exchange(
        self, method: str, url: str, params: Mapping[str, str] | None, data: FormData | None
    ) -> httpx.Response:
        """Send and read the body, at most ``max_response_bytes`` of it."""
        request = self._http.build_request(method, self._local(url), params=params, data=data)
        response = await self._http.send(request, stream=True)
        try:
            # Only plain ASCII digits are a size: str.isdigit() also accepts "²" or "١٢", which int() refuses, and
            # int() refuses over 4,300 digits. Anything else is ignored; the loop below counts the real bytes.
            declared = response.headers.get("content-length", "").strip()
            if (
                declared.isascii()
                and declared.isdigit()
                and (len(declared) > 18 or int(declared) > self.max_response_bytes)
            ):
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
        return decode(response, model)

    def _pager(
        self, path: str, key: str, model: type[T], params: Mapping[str, object | None], page_size: int | None = None
    ) -> Pager[T]:
        query = form(params)
        query["PageSize"] = str(max(1, min(page_size or self.page_size, MAX_PAGE_SIZE)))
        kind = page_type(key, model)

        async def fetch(url: str, first_params: dict[str, str] | None) -> tuple[list[T], str | None]:
            if not same_origin(url, self.base_url):
                raise ResponseFormatError(
                    f"The API sent a next page link to another host or scheme ({redact_url(url)[:200]}); "
                    f"links must stay on {redact_url(self.base_url)}, so the listing was stopped"
                )
            early = self._read_early(url, first_params)
            response = await (early if early is not None else self._send("GET", url, params=first_params, safe=True))
            return items(response)

        def items(response: httpx.Response) -> tuple[list[T], str | None]:
            page = decode(response, kind)
            return list(getattr(page, key)), page.meta.next_page_url

        def arrived(url: str, first_params: dict[str, str] | None) -> tuple[list[T], str | None] | None:
            return self._arrived_early(url, first_params, items) if same_origin(url, self.base_url) else None

        return Pager(fetch, path, query, max_pages=self.max_pages, walk_timeout=self.walk_timeout, arrived=arrived)

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

    @staticmethod
    async def _maybe(call: Awaitable[T]) -> T | None:
        try:
            return await call
        except NotFoundError:
            return None


READ_AHEAD_FRESH_SECONDS = 10.0  # start-up takes its first pages within a second or two, even over a slow link


def _retrieved(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()


def _secs(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 10 or math.isclose(seconds, round(seconds)) else f"{seconds:.1f} s"
