"""Reading every record of every resource under faults: exactly the sandbox's records.

10% 5xx answers, 5% dropped connections, 5% answers slower than the client's timeout, a 429
storm at the start, and access tokens that expire every quarter second (refresh tokens rotate): the
client's ``each()`` must still return every record once, sync and async.
"""

from __future__ import annotations

import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Faults, Sandbox

from ._support import TOLERANT, live_counts, read_everything, read_everything_async

TIMEOUT = 0.05
FAULTS = {
    "error_rate": 0.10,
    "drop_rate": 0.05,
    "slow_rate": 0.05,
    "slow_seconds": 0.2,
    "rate_limit_storm": 0.3,
}


def _sandbox() -> Sandbox:
    return Sandbox(items=250, time_scale=1000, token_lifetime=0.25)


def _expected(sandbox: Sandbox) -> dict[str, list[int | str]]:
    with sandbox.client() as clean:
        account = clean.account(sandbox.account_id)
        expected = read_everything(account)
        counts = live_counts(sandbox, account)
    assert {name: len(ids) for name, ids in expected.items()} == counts
    assert all(len(set(ids)) == len(ids) for ids in expected.values())
    return expected


def test_each_under_faults_returns_exactly_the_records_sync() -> None:
    sandbox = _sandbox()
    expected = _expected(sandbox)
    sandbox.faults = Faults(**FAULTS, seed=11)
    with sandbox.client(retry_policy=TOLERANT, timeout=TIMEOUT) as client:
        found = read_everything(client.account(sandbox.account_id))
        holder = client._tokens._holder
    assert found == expected
    assert holder.refresh_count >= 1


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_each_under_faults_returns_exactly_the_records_async(anyio_backend: str) -> None:
    sandbox = _sandbox()
    expected = _expected(sandbox)
    sandbox.faults = Faults(**FAULTS, seed=12)
    client = sandbox.async_client(retry_policy=TOLERANT, timeout=TIMEOUT)
    try:
        found = await read_everything_async(client.account(sandbox.account_id))
    finally:
        await client.close()
    assert found == expected
    assert client._tokens._holder.refresh_count >= 1


def test_a_fault_the_client_cannot_outlast_is_a_lightspeed_error() -> None:
    sandbox = Sandbox(items=20, time_scale=1000, faults=Faults(error_rate=1.0))
    policy = ls.RetryPolicy(max_retries=1, backoff_base=0.001)
    with sandbox.client(retry_policy=policy) as client, pytest.raises(ls.ServerError):
        client.account(sandbox.account_id).items.all()
