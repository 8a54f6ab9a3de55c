"""The sandbox's leaky bucket and burst limiter (docs/reference.md#bucket, #rate-headers,
#rate-limited-body)."""

from __future__ import annotations

import httpx2
import pytest

from lightspeed_pos.sandbox.http.limiter import RateLimiter, format_number

from ._http_fakes import FakeClock, body, fake_sandbox

KEY = (1, "client")


def limiter(clock: FakeClock, **kwargs: float) -> RateLimiter:
    return RateLimiter(clock=clock, burst_max=1000, **kwargs)  # type: ignore[arg-type]


def test_the_overflowing_request_is_admitted_then_429_until_below_size() -> None:
    clock = FakeClock()
    bucket = limiter(clock)
    for _ in range(8):
        assert bucket.admit(KEY, 10).allowed
    overflow = bucket.admit(KEY, 12.57)  # 80 -> 92.57: still admitted
    assert overflow.allowed and overflow.level == pytest.approx(92.57)
    blocked = bucket.admit(KEY, 1)
    assert not blocked.allowed and blocked.limit_type == "api-leaky-bucket"
    assert blocked.retry_after == "3"  # ceil((92.57 - 90) / 1): the documented example
    assert bucket.level(KEY) == pytest.approx(92.57)  # a refused request costs nothing
    clock.advance(2.57)
    assert bucket.admit(KEY, 1).allowed


def test_bucket_drains_at_the_drip_rate() -> None:
    clock = FakeClock()
    bucket = limiter(clock, drip_rate=2.0)
    bucket.admit(KEY, 50)
    clock.advance(10)
    assert bucket.level(KEY) == pytest.approx(30)
    clock.advance(100)
    assert bucket.level(KEY) == 0


def test_registers_grow_size_and_drip() -> None:
    bucket = RateLimiter(registers=3, clock=FakeClock())
    assert (bucket.size, bucket.drip_rate, bucket.burst_max) == (110, 2, 24)
    assert RateLimiter(clock=FakeClock()).burst_max == 20


def test_time_scale_drains_faster_and_reports_effective_rate_and_real_seconds() -> None:
    clock = FakeClock()
    bucket = limiter(clock, time_scale=100)
    bucket.admit(KEY, 90)
    bucket.admit(KEY, 2.57)
    blocked = bucket.admit(KEY, 1)
    assert blocked.retry_after == "0.0257"
    assert blocked.drip_rate == 100
    clock.advance(0.5)  # 50 model seconds
    assert bucket.level(KEY) == pytest.approx(42.57)


def test_burst_limiter_fixed_one_second_windows() -> None:
    clock = FakeClock(0.0)
    bucket = RateLimiter(clock=clock)
    decisions = [bucket.admit(KEY, 1) for _ in range(21)]
    assert all(d.allowed for d in decisions[:20])
    assert decisions[19].burst_count == 20
    last = decisions[20]
    assert not last.allowed and last.limit_type == "api-burst-limiter" and last.retry_after == "1"
    clock.advance(1.0)
    fresh = bucket.admit(KEY, 1)
    assert fresh.allowed and fresh.burst_count == 1


def test_buckets_are_per_account_and_client() -> None:
    bucket = limiter(FakeClock())
    bucket.admit((1, "a"), 95)
    assert not bucket.admit((1, "a"), 1).allowed
    assert bucket.admit((1, "b"), 1).allowed
    assert bucket.admit((2, "a"), 1).allowed


def test_disabled_limiter_never_refuses_but_still_reports() -> None:
    bucket = RateLimiter(enabled=False, clock=FakeClock())
    decisions = [bucket.admit(KEY, 10) for _ in range(100)]
    assert all(d.allowed for d in decisions)
    assert dict(decisions[-1].headers(1, "c"))["X-LS-API-Bucket-Level"] == "10/90"


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0, "1"), (92.57, "92.57"), (75.898271799086, "75.898271799086"), (1e-7, "0.0000001")],
)
def test_number_format(value: float, text: str) -> None:
    assert format_number(value) == text


def test_headers_on_every_api_response_and_the_429_shape() -> None:
    sandbox, _, _ = fake_sandbox(bucket_size=10)
    token = sandbox.issue_tokens().access_token
    client = httpx2.Client(
        transport=sandbox.transport(), base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"}
    )
    first = client.get("/Account/1/Item.json")
    assert first.status_code == 200
    assert first.headers["X-LS-Acct-Id"] == "1"
    assert first.headers["X-LS-Oauth-Client-Id"].isdigit()  # numeric, as the real API shows it
    assert first.headers["X-LS-API-Bucket-Level"] == "1/10"
    assert first.headers["X-LS-API-Burst-Level"] == "1/2"
    assert first.headers["X-LS-API-Drip-Rate"] == "1"
    assert first.headers["X-LS-API-Request-Cost"] == "1"
    assert "Retry-After" not in first.headers
    client.get("/Account/1/Item.json", params={"count": "1"})  # 11/10
    limited = client.get("/Account/1/Item.json")
    assert limited.status_code == 429
    assert limited.headers["X-LS-API-RateLimit-Type"] in ("api-leaky-bucket", "api-burst-limiter")
    assert limited.headers["Retry-After"] == "1"
    assert limited.headers["X-LS-API-Bucket-Level"] == "11/10"
    payload = body(limited)
    assert payload["httpCode"] == "429" and payload["httpMessage"] == "Too Many Requests"
    assert payload["errorClass"] == "RateLimitedException" and payload["message"].startswith(
        "Rate Limit Exceeded: "
    )


def test_burst_429_message_mentions_burst() -> None:
    sandbox, _, _ = fake_sandbox()
    token = sandbox.issue_tokens().access_token
    client = httpx2.Client(transport=sandbox.transport(), headers={"Authorization": f"Bearer {token}"})
    responses = [client.get(f"{sandbox.base_url}/Account.json") for _ in range(21)]
    assert [r.status_code for r in responses].count(429) == 1
    assert "burst rate limit exceeded" in body(responses[-1])["message"]
    assert responses[-1].headers["X-LS-API-RateLimit-Type"] == "api-burst-limiter"


def test_rate_limit_off_keeps_headers() -> None:
    sandbox, _, _ = fake_sandbox(rate_limit=False)
    token = sandbox.issue_tokens().access_token
    client = httpx2.Client(transport=sandbox.transport(), headers={"Authorization": f"Bearer {token}"})
    statuses = {
        client.get(f"{sandbox.base_url}/Account/1/Item.json", params={"count": "1"}).status_code
        for _ in range(50)
    }
    assert statuses == {200}
    assert "X-LS-API-Bucket-Level" in client.get(f"{sandbox.base_url}/Account.json").headers
