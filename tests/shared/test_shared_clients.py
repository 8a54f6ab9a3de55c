"""Clients that share a RedisState share each account's bucket: 0 x 429 with many threads of
several clients on one account (benchmarks/shared.py shows separate ones colliding). Sync and
async (asyncio on redis-py's asyncio client, trio)."""

from __future__ import annotations

import threading
from collections import Counter
from functools import partial

import anyio
import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState
from tests.support.threads import run_threads

from ._support import peek_bucket

CLIENTS, THREADS, REQUESTS = 2, 4, 8


class Counting(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """Counts the statuses the sandbox answered, sync and async."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sync = sandbox.transport()
        self.asynchronous = sandbox.async_transport()
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()

    def _count(self, response: httpx2.Response) -> httpx2.Response:
        with self._lock:
            self.statuses[response.status_code] += 1
        return response

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self._count(self.sync.handle_request(request))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return self._count(await self.asynchronous.handle_async_request(request))


def small_bucket() -> Sandbox:
    return Sandbox(items=20, bucket_size=8, drip_rate=1, time_scale=60)


def run_sync_clients(sandbox: Sandbox, counting: Counting, shared: RedisState | None) -> None:
    clients = [
        ls.Client(sandbox.token_holder(), base_url=sandbox.base_url, transport=counting, shared=shared)
        for _ in range(CLIENTS)
    ]

    def work(client: ls.Client) -> None:
        account = client.account(sandbox.account_id)
        for _ in range(REQUESTS):
            account.items.first()

    run_threads(partial(work, c) for c in clients for _ in range(THREADS))
    for client in clients:
        client.close()


def test_clients_sharing_a_redis_state_never_get_a_429(state: RedisState) -> None:
    sandbox = small_bucket()
    counting = Counting(sandbox)
    run_sync_clients(sandbox, counting, state)
    assert counting.statuses == Counter({200: CLIENTS * THREADS * REQUESTS})
    view = peek_bucket(state, sandbox.account_id)
    assert float(view[1]) == 8.0  # the size the headers reported, learned in Redis
    assert float(view[6]) == 0.0  # nothing left in flight


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
@pytest.mark.anyio
async def test_async_clients_sharing_a_redis_state_never_get_a_429(state: RedisState) -> None:
    sandbox = small_bucket()
    counting = Counting(sandbox)
    clients = [
        ls.AsyncClient(sandbox.token_holder(), base_url=sandbox.base_url, transport=counting, shared=state)
        for _ in range(CLIENTS)
    ]

    async def work(client: ls.AsyncClient) -> None:
        account = client.account(sandbox.account_id)
        for _ in range(REQUESTS):
            await account.items.first()

    async with anyio.create_task_group() as group:
        for client in clients:
            for _ in range(THREADS):
                group.start_soon(work, client)
    for client in clients:
        await client.close()
    assert counting.statuses == Counter({200: CLIENTS * THREADS * REQUESTS})


def test_a_cancelled_request_gives_its_reservation_back(state: RedisState) -> None:
    sandbox = small_bucket()
    client = ls.Client(
        sandbox.token_holder(), base_url=sandbox.base_url, transport=sandbox.transport(), shared=state
    )
    buckets = client._buckets
    assert buckets.reserve("7", 3.0) == 0
    buckets.abandon("7", 3.0)  # what a closing flow does: no I/O
    assert buckets.reserve("7", 1.0) == 0  # the abandoned release went with this call
    view = peek_bucket(state, "7")
    assert float(view[6]) == 1.0


def test_a_bad_shared_option_is_refused() -> None:
    with pytest.raises(TypeError, match="shared"):
        ls.Client("token", shared="redis://localhost")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Redis URL"):
        RedisState("http://localhost:6379")


def test_the_redis_password_never_shows() -> None:
    state = RedisState("redis://:hunter2secret@127.0.0.1:6379/0", namespace="x")
    assert "hunter2secret" not in repr(state)
    assert "hunter2secret" not in repr(state.token_store("t"))
