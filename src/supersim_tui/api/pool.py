"""Many requests in flight without a slow connection pool: requests spread over small pools.

httpcore's pool scans all its connections (and, for each idle one, all of them again) every
time a request starts or ends, so with a hundred or more connections in one pool the client
spends its time in that scan: at 50 ms latency one pool of 128 connections tops out near 20
requests in flight on a modest machine. Several small pools do the same work at a fraction
of the cost. Each pool is made on first use, so a client that sends one request at a time
builds one pool, as before.
"""

from __future__ import annotations

import ssl

import httpx

SHARD_CONNECTIONS = 8  # connections per pool: the scan stays cheap at this size


class ShardedTransport(httpx.AsyncBaseTransport):
    """An HTTP transport over ``shards`` pools of ``per_shard`` connections; each request goes to the least
    busy pool (counted until its response headers arrive, which is when most of a request's time is spent)."""

    def __init__(self, shards: int, per_shard: int = SHARD_CONNECTIONS, *, tls: bool = True):
        self.per_shard = per_shard
        self.tls = tls  # False: plain HTTP only (every request has the base URL's origin: the transport checks)
        self._shards: list[httpx.AsyncHTTPTransport | None] = [None] * max(1, shards)
        self._busy = [0] * len(self._shards)
        self._ssl: ssl.SSLContext | None = None

    def _shard(self, index: int) -> httpx.AsyncHTTPTransport:
        shard = self._shards[index]
        if shard is None:
            if self._ssl is None:  # one context (CA bundle read once) for every pool
                # Plain HTTP (the simulator on loopback) never uses it: reading the CA bundle would delay the
                # first request by ~30 ms. A bare context trusts no certificate, so it could never connect.
                self._ssl = httpx.create_ssl_context() if self.tls else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            limits = httpx.Limits(max_connections=self.per_shard, max_keepalive_connections=self.per_shard)
            shard = self._shards[index] = httpx.AsyncHTTPTransport(verify=self._ssl, limits=limits)
        return shard

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # The first pool until it is full, then the least busy one: one request at a time uses one pool.
        index = 0 if self._busy[0] < self.per_shard else min(range(len(self._busy)), key=self._busy.__getitem__)
        self._busy[index] += 1
        try:
            return await self._shard(index).handle_async_request(request)
        finally:
            self._busy[index] -= 1

    async def aclose(self) -> None:
        for shard in self._shards:
            if shard is not None:
                await shard.aclose()
