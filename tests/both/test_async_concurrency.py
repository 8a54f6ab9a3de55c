"""One AsyncClient serving 50 accounts with 20 tasks each: no 429, one refresh per expiry."""

from __future__ import annotations

import math
import time

import anyio
import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox

pytestmark = pytest.mark.anyio


class Counting(httpx2.AsyncBaseTransport):
    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.statuses: dict[int, int] = {}

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response


async def test_fifty_accounts_twenty_tasks_each() -> None:
    # At least one expiry in the run (it lasts 1.5 lifetimes at the least), each longer than a
    # request may wait, on a loaded 2-core machine, between its own refresh and its answer: the
    # 1,000 tasks queue for the in-process sandbox (2 s was not long enough under load).
    lifetime = 5.0
    sandbox = Sandbox(accounts=50, bucket_size=10, drip_rate=1, time_scale=100, token_lifetime=lifetime)
    counting = Counting(sandbox.async_transport())
    client = ls.AsyncClient(base_url=sandbox.base_url, transport=counting)
    holders = {account_id: sandbox.token_holder(account_id) for account_id in sandbox.account_ids}
    accounts = [client.account(a, oauth_token_holder=holders[a]) for a in sandbox.account_ids]
    started = time.monotonic()

    rounds = 0

    async def task(account: ls.AsyncAccount, number: int) -> None:
        # three rounds, and more until the first tokens have surely expired (a quiet machine is fast)
        nonlocal rounds
        done = 0
        while done < 3 or time.monotonic() - started < 1.5 * lifetime:
            assert await account.items.first() is not None
            assert await account.shops.first() is not None
            done += 1
            rounds += 1

    async with anyio.create_task_group() as group:
        for account in accounts:
            for number in range(20):
                group.start_soon(task, account, number)
    elapsed = time.monotonic() - started
    await client.close()

    assert counting.statuses.get(429, 0) == 0
    assert counting.statuses[200] == rounds * 2 >= 50 * 20 * 3 * 2
    expiries = math.ceil(elapsed / lifetime)
    for holder in holders.values():
        # at most one refresh per expiry (20 tasks meeting the same 401 refresh once)
        assert holder.refresh_count <= expiries + 1
    assert sum(h.refresh_count for h in holders.values()) >= 1
    buckets = {client.throttler.snapshot(str(a)).size for a in sandbox.account_ids}
    assert buckets == {10.0}


async def test_one_account_under_many_tasks_never_overflows() -> None:
    sandbox = Sandbox(bucket_size=15, drip_rate=1, time_scale=200)
    counting = Counting(sandbox.async_transport())
    client = sandbox.async_client(transport=counting)
    account = client.account(sandbox.account_id)

    async def task() -> None:
        for _ in range(5):
            await account.items.first()

    async with anyio.create_task_group() as group:
        for _ in range(40):
            group.start_soon(task)
    await client.close()
    assert counting.statuses == {200: 200}
