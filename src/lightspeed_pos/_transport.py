"""The AsyncClient's own HTTP transport: one connection pool per group of accounts.

httpcore's pool looks at every connection it holds each time a request starts or ends (and asks
each idle one's socket whether the server closed it). A client that keeps hundreds of stores at
full rate holds hundreds of connections, so that bookkeeping grows with the number of stores
and, past a few hundred, costs more than the requests themselves. Requests are therefore spread
over :data:`SHARDS` pools by account (``/Account/{id}/`` in the path; everything else goes to the
first), each pool holding only the connections of its own accounts: the bookkeeping per request
stays small however many stores are read. Used only when the client makes its own HTTP client.
"""

from __future__ import annotations

import ssl
import urllib.request
from typing import Any

import httpx2

DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=100)
"""Connections kept open between requests (a pool's): as many as may be open at once (httpx2
keeps 20), so that a client serving many stores does not reconnect after every wave of requests."""

SHARDS = 32
"""Pools of one transport. With a few stores every request goes to a pool or two; with a thousand,
each pool serves about thirty."""

_MARK = "/Account/"


def shard_of(path: str, shards: int) -> int:
    """The pool of the request to ``path``: by its account id, the first pool when it has none."""
    start = path.find(_MARK)
    if start < 0:
        return 0
    start += len(_MARK)
    end = path.find("/", start)
    account = path[start:] if end < 0 else path[start:end]
    return int(account) % shards if account.isdigit() else 0


class ShardedAsyncTransport(httpx2.AsyncBaseTransport):
    """``SHARDS`` ``httpx2.AsyncHTTPTransport`` pools, one chosen per request by its account."""

    def __init__(self, shards: int = SHARDS, *, verify: Any = True, **options: Any) -> None:
        self._verify = verify
        self._options = options
        self._shards: list[httpx2.AsyncHTTPTransport | None] = [None] * shards

    def _shard(self, request: httpx2.Request) -> httpx2.AsyncHTTPTransport:
        number = shard_of(request.url.path, len(self._shards))
        transport = self._shards[number]
        if transport is None:  # made on first use, all with one TLS context (loaded once)
            if not isinstance(self._verify, ssl.SSLContext):
                self._verify = httpx2.create_ssl_context(verify=self._verify)
            transport = self._shards[number] = httpx2.AsyncHTTPTransport(verify=self._verify, **self._options)
        return transport

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return await self._shard(request).handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._shards:
            if transport is not None:
                await transport.aclose()


def own_async_http(
    transport: httpx2.AsyncBaseTransport | None, timeout: float | httpx2.Timeout, verify: bool
) -> httpx2.AsyncClient:
    """The HTTP client an AsyncClient makes for itself: on the sharded transport, unless the
    user gave a transport or the environment names a proxy (httpx2 then routes through it)."""
    if transport is None and not urllib.request.getproxies():
        transport = ShardedAsyncTransport(verify=verify, limits=DEFAULT_LIMITS)
    return httpx2.AsyncClient(transport=transport, timeout=timeout, verify=verify, limits=DEFAULT_LIMITS)
