"""The burst window learns from ``X-LS-API-Burst-Level``: other clients' sends on the same account
count too, as the bucket level does."""

from __future__ import annotations

from collections import Counter, deque

import httpx2

import lightspeed_pos as ls
from lightspeed_pos._ratelimit import Throttler, resync_window
from lightspeed_pos.sandbox import Sandbox
from tests.support.clock import FakeClock


class Counting(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.statuses: Counter[int] = Counter()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        self.statuses[response.status_code] += 1
        return response


def _client(sandbox: Sandbox, clock: FakeClock, transport: httpx2.BaseTransport) -> ls.Client:
    return ls.Client(
        sandbox.token_holder(),
        base_url=sandbox.base_url,
        transport=transport,
        clock=clock,
        sleep=clock.sleep,
    )


def test_a_client_starting_right_after_another_clients_burst_gets_no_429() -> None:
    clock = FakeClock(start=0.0)
    sandbox = Sandbox(items=30, clock=clock)  # bucket 90: 20 requests per one-second window
    transport = Counting(sandbox.transport(sleep=clock.sleep))
    first, second = _client(sandbox, clock, transport), _client(sandbox, clock, transport)
    account_id = sandbox.account_id
    for item_id in range(1, 20):  # the first client's whole allowance, within one second
        first.account(account_id).items.find(item_id)
    assert clock.now < 1.0
    for item_id in range(1, 6):  # the second starts in the same second, on the same account
        second.account(account_id).items.find(item_id)
    assert transport.statuses == Counter({200: 24})
    assert clock.now >= 1.0  # it waited for the server's next window instead of being refused


def test_without_the_header_the_second_client_would_have_been_refused() -> None:
    """The same scenario with the second client blind to the count (the old behaviour): a 429."""
    clock = FakeClock(start=0.0)
    sandbox = Sandbox(items=30, clock=clock)
    transport = Counting(sandbox.transport(sleep=clock.sleep))

    class NoBurstCount(httpx2.BaseTransport):
        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            response = transport.handle_request(request)
            level = response.headers.get("X-LS-API-Burst-Level", "0/20")
            response.headers["X-LS-API-Burst-Level"] = "0/" + level.split("/")[1]
            return response

    first, second = _client(sandbox, clock, transport), _client(sandbox, clock, NoBurstCount())
    for item_id in range(1, 20):
        first.account(sandbox.account_id).items.find(item_id)
    for item_id in range(1, 6):
        second.account(sandbox.account_id).items.find(item_id)
    assert transport.statuses[429] >= 1


def test_the_reported_count_fills_the_window_up_to_the_allowance() -> None:
    clock = FakeClock(start=0.0)
    throttler = Throttler(clock)
    assert throttler.reserve("1", 1) == 0
    throttler.release("1", 1, {"X-LS-API-Bucket-Level": "1/90", "X-LS-API-Burst-Level": "15/20"})
    # 15 in the server's window, 1 of them ours: 14 others. Allowance 19: 4 more now.
    sent = sum(throttler.reserve("1", 1) == 0 for _ in range(10))
    assert sent == 4
    wait = throttler.reserve("1", 1)
    assert 0 < wait <= 1.0
    clock.sleep(wait)
    assert throttler.reserve("1", 1) == 0


def test_resync_counts_known_sends_and_keeps_the_window_sorted() -> None:
    window: deque[float] = deque([0.1, 0.2, 0.9])
    assert resync_window(window, 5, 19, measured_at=0.5) == 3  # 0.1 and 0.2 were known
    assert list(window) == [0.1, 0.2, 0.5, 0.5, 0.5, 0.9]
    assert resync_window(window, 5, 19, measured_at=0.5) == 0  # the same count again adds nothing
    assert resync_window(window, 10**9, 19, measured_at=0.6) == 19 - 5  # capped; 0.9 is later
    assert resync_window(window, 1, 19, measured_at=2.0) == 1  # an old window's sends do not count
