"""Threads sharing one client against the sandbox's real leaky bucket: no 429, one refresh."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx2

import lightspeed_pos as ls
import lightspeed_pos.sandbox
from lightspeed_pos.sandbox import Sandbox


class Counting(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.statuses: list[int] = []
        self.lock = threading.Lock()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        with self.lock:
            self.statuses.append(response.status_code)
        return response


def run_threads(count: int, work: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            work()
        except BaseException as exc:  # pragma: no cover - reported by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_eight_threads_on_one_account_never_trip_the_bucket() -> None:
    sandbox = Sandbox(items=300, bucket_size=20, drip_rate=1, time_scale=200)
    counting = Counting(sandbox.transport())
    client = sandbox.client(transport=counting)
    account = client.account(sandbox.account_id)

    def work() -> None:
        for _ in range(4):
            assert len(account.items.all()) > 0

    assert run_threads(8, work) == []
    assert 429 not in counting.statuses
    assert len(counting.statuses) == 8 * 4 * 3
    assert client.throttler.bucket_max == 20


def test_threads_with_an_expiring_token_refresh_once() -> None:
    now = [0.0]
    sandbox = Sandbox(token_lifetime=60, clock=lambda: now[0], rate_limit=False)
    client = sandbox.client()
    holder = client._tokens._holder
    account = client.account(sandbox.account_id)
    account.shops.first()
    now[0] = 120.0
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        account.items.first()

    assert run_threads(8, work) == []
    assert holder.refresh_count == 1


def test_a_context_manager_gives_a_client_on_a_fresh_sandbox() -> None:
    with lightspeed_pos.sandbox.client(items=50) as client:
        assert isinstance(client, ls.Client)
        account = client.accounts.first()
        assert account is not None
        assert account.items.count() <= 50
