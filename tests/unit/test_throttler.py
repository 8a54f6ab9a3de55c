"""The client's leaky bucket: waits computed from the headers, and no 429 under threads."""

from __future__ import annotations

import threading
import time

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos._ratelimit import Throttler, parse_level
from tests.support.clock import FakeClock
from tests.support.holders import ExampleTokenHolder
from tests.support.threads import run_threads


def headers(level: str, drip: str = "1", burst: str | None = None) -> dict[str, str]:
    out = {"X-LS-API-Bucket-Level": level, "X-LS-API-Drip-Rate": drip}
    if burst:
        out["X-LS-API-Burst-Level"] = burst
    return out


def test_parse_level() -> None:
    assert parse_level("9.2179536819447/90") == (9.2179536819447, 90.0)
    assert parse_level("92.57/90") == (92.57, 90.0)
    assert parse_level(" 1 / 90 ") == (1.0, 90.0)
    assert parse_level("garbage") is None
    assert parse_level("5/0") is None
    assert parse_level(None) is None


def test_no_wait_while_there_is_room() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    assert throttler.reserve("1", 1) == 0
    throttler.release("1", 1, headers("10/90"))
    assert throttler.bucket_level == 10 and throttler.bucket_max == 90
    assert throttler.reserve("1", 1) == 0


def test_wait_is_the_minimum_from_the_real_drip_rate() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    throttler.reserve("1", 1)
    throttler.release("1", 1, headers("89.5/90", drip="2"))
    # 89.5 + 10 = 99.5 -> 9.5 over the size; at 2 drips a second that is 4.75 s, not size/60
    assert throttler.reserve("1", 10) == pytest.approx(4.75)
    clock.sleep(4.75)
    assert throttler.reserve("1", 10) == 0


def test_level_drains_between_requests() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    throttler.reserve("1", 1)
    throttler.release("1", 1, headers("90/90", drip="1"))
    clock.sleep(30)
    assert throttler.snapshot("1").level == pytest.approx(60)
    assert throttler.reserve("1", 30) == 0


def test_in_flight_requests_count_against_the_bucket() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    throttler.reserve("1", 1)
    throttler.release("1", 1, headers("85/90"))
    assert throttler.reserve("1", 2) == 0
    assert throttler.reserve("1", 2) == 0
    assert throttler.reserve("1", 2) == pytest.approx(1.0)  # 85 + 4 in flight + 2 = 91
    throttler.release("1", 2, headers("87/90"))
    assert throttler.snapshot("1").in_flight == 2


def test_buckets_are_per_account() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    throttler.reserve("1", 1)
    throttler.release("1", 1, headers("90/90"))
    assert throttler.reserve("1", 1) > 0
    assert throttler.reserve("2", 1) == 0


def test_burst_limit_from_the_header() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    throttler.reserve("1", 1)  # sent before any header: it still counts in this second
    throttler.release("1", 1, headers("1/90", burst="1/3"))
    assert throttler.reserve("1", 1) == 0
    assert throttler.reserve("1", 1) == 0
    wait = throttler.reserve("1", 1)
    assert 0 < wait <= 1.0
    clock.sleep(1.0)
    assert throttler.reserve("1", 1) == 0


def test_burst_allowance_keeps_a_margin() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    throttler.reserve("1", 1)
    throttler.release("1", 1, headers("1/90", burst="1/20"))
    sent = 1 + sum(throttler.reserve("1", 1) == 0 for _ in range(30))
    assert sent == 19  # 20 per second, less one for the network's jitter


def test_a_late_answer_does_not_lower_the_level() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    for _ in range(2):
        throttler.reserve("1", 1)
    throttler.release("1", 1, headers("50/90"))  # the newer request answered first
    throttler.release("1", 1, headers("49/90"))  # the older one's answer arrives late
    assert throttler.snapshot("1").level == pytest.approx(50)


def test_without_headers_the_client_estimates() -> None:
    clock = FakeClock()
    throttler = Throttler(clock)
    for _ in range(90):
        assert throttler.reserve("1", 1) == 0
        throttler.release("1", 1, None)
    assert throttler.reserve("1", 1) == pytest.approx(1.0)


class BucketServer:
    """A leaky bucket like the API's (size, drip per real second), counting 429s."""

    def __init__(self, size: float, drip: float) -> None:
        self.size, self.drip = size, drip
        self.level = 0.0
        self.updated = time.monotonic()
        self.lock = threading.Lock()
        self.served = self.rejected = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        with self.lock:
            now = time.monotonic()
            self.level = max(0.0, self.level - self.drip * (now - self.updated))
            self.updated = now
            if self.level >= self.size:
                self.rejected += 1
                return httpx2.Response(
                    429,
                    headers={"X-LS-API-Bucket-Level": f"{self.level}/{self.size:g}", "Retry-After": "1"},
                    json={"message": "Rate Limit Exceeded"},
                )
            self.level += 1
            self.served += 1
            level = self.level
        time.sleep(0.002)  # the request takes a little while
        return httpx2.Response(
            200,
            headers={
                "X-LS-API-Bucket-Level": f"{level}/{self.size:g}",
                "X-LS-API-Drip-Rate": f"{self.drip:g}",
            },
            json={"@attributes": {"count": "1"}, "Account": {"accountID": "1", "name": "A"}},
        )


def test_no_429_under_threads() -> None:
    server = BucketServer(size=10, drip=400)
    client = ls.Client(ExampleTokenHolder(), transport=httpx2.MockTransport(server))

    def work() -> None:
        for _ in range(25):
            client.request("GET", "Account/1/Item")

    run_threads([work] * 8, timeout=30)
    assert server.served == 200
    assert server.rejected == 0


def test_a_failed_token_holder_gives_the_reservation_back() -> None:
    class Broken:
        broken = False

        @property
        def oauth_token(self) -> str:
            if self.broken:
                raise RuntimeError("vault unreachable")
            return "token"

        def refresh_oauth_token(self) -> None:
            pass

    holder = Broken()
    client = ls.Client(holder, transport=httpx2.MockTransport(lambda r: httpx2.Response(200, json={})))
    holder.broken = True
    with pytest.raises(RuntimeError):
        client.request("GET", "Account/1/Item")
    assert client.throttler.snapshot("1").in_flight == 0
