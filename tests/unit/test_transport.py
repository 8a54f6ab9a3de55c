"""The AsyncClient's own transport: one pool per group of accounts, one TLS context, proxies kept."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos import _transport
from lightspeed_pos._transport import SHARDS, ShardedAsyncTransport, own_async_http, shard_of
from lightspeed_pos.sandbox import Sandbox

from ..support.holders import ExampleTokenHolder


def test_shard_of_reads_the_account_in_the_path() -> None:
    assert shard_of("/API/V3/Account/1/Item.json", 32) == 1
    assert shard_of("/API/V3/Account/33/Item/5.json", 32) == 1
    assert shard_of("/API/V3/Account/34", 32) == 2
    assert shard_of("/API/V3/Account.json", 32) == 0
    assert shard_of("/API/V3/Account/abc/Item.json", 32) == 0
    assert shard_of("/auth/oauth/token", 32) == 0


def test_pools_are_made_on_first_use_with_one_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []
    real = httpx2.create_ssl_context

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(httpx2, "create_ssl_context", counting)
    transport = ShardedAsyncTransport(shards=4)
    pools = {
        id(transport._shard(httpx2.Request("GET", f"https://x/API/V3/Account/{n}/Item.json")))
        for n in range(8)
    }
    assert len(pools) == 4 and len(made) == 1
    same = transport._shard(httpx2.Request("GET", "https://x/API/V3/Account/5/Sale.json"))
    assert same is transport._shard(httpx2.Request("GET", "https://x/API/V3/Account/1/Item.json"))


def test_the_client_uses_it_unless_a_transport_or_a_proxy_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(own_async_http(None, 5.0, True)._transport, ShardedAsyncTransport)
    given = httpx2.AsyncHTTPTransport()
    assert own_async_http(given, 5.0, True)._transport is given
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    http = own_async_http(None, 5.0, True)
    assert not isinstance(http._transport, ShardedAsyncTransport)
    assert any(mount is not None for mount in http._mounts.values())  # httpx2 routes through the proxy


def test_many_accounts_over_a_socket_each_on_its_pool() -> None:
    sandbox = Sandbox(items=5, rate_limit=False)
    accounts = [sandbox.account_id]

    async def main(base_url: str) -> list[int]:
        client = ls.AsyncClient(ExampleTokenHolder(sandbox.issue_tokens().access_token), base_url=base_url)
        assert isinstance(client._http._transport, ShardedAsyncTransport)
        found: list[int] = []
        async with anyio.create_task_group() as group:
            for _ in range(3 * SHARDS):

                async def read() -> None:
                    found.append(len(await client.account(accounts[0]).items.all()))

                group.start_soon(read)
        shards = [pool for pool in client._http._transport._shards if pool is not None]
        await client.close()
        assert len(shards) == 1  # one account: one pool
        return found

    with sandbox.serve() as served:
        assert anyio.run(main, served.base_url) == [5] * (3 * SHARDS)


def test_closing_closes_every_pool() -> None:
    closed: list[int] = []

    class Recording(httpx2.AsyncHTTPTransport):
        async def aclose(self) -> None:
            closed.append(1)
            await super().aclose()

    transport = ShardedAsyncTransport(shards=3)
    transport._shards = [Recording(), None, Recording()]
    anyio.run(transport.aclose)
    assert closed == [1, 1]
    assert _transport.DEFAULT_LIMITS.max_keepalive_connections == _transport.DEFAULT_LIMITS.max_connections
