"""The sandbox's rate limiter: the 2026 leaky bucket plus the burst limiter (docs/reference.md#rate-limits).

One bucket per (account, OAuth client). Its level drains at the drip rate; a request is admitted
while the level is at or below the size, even when its cost pushes the level above the size
(levels such as ``92.57/90`` are real); while the level is above the size, requests get 429.
Beside it, a burst limiter counts every request in fixed one-second windows.

``time_scale`` speeds the model up: with 100 the bucket drains 100x faster in real time and
windows last 10 ms. Headers then report the effective drip rate (``drip * time_scale``) and
``Retry-After`` in real seconds. The clock is injectable, so tests never sleep.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateDecision", "RateLimiter", "format_number"]

BucketKey = tuple[int, str]


def format_number(value: float) -> str:
    """A level or rate as the API prints it: up to 14 significant digits, integer when whole."""
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    text = format(value, ".14g")
    if "e" in text:
        text = f"{value:.12f}".rstrip("0").rstrip(".")
    return text


def _format_retry_after(seconds: float, time_scale: float) -> str:
    """Whole seconds (rounded up) at real speed; a decimal string when the model runs scaled."""
    if time_scale == 1:
        return str(max(1, math.ceil(seconds - 1e-9)))
    scaled = max(0.0001, math.ceil(seconds * 10_000 - 1e-6) / 10_000)
    return f"{scaled:.4f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class RateDecision:
    """The limiter's verdict on one request, with everything its headers need."""

    allowed: bool
    limit_type: str | None
    """``api-leaky-bucket`` or ``api-burst-limiter`` when blocked."""
    level: float
    size: float
    burst_count: int
    burst_max: int
    drip_rate: float
    """The effective drip rate in drips per real second (``drip * time_scale``)."""
    cost: float
    retry_after: str | None
    """Real seconds to wait, already formatted; only when blocked."""

    def headers(self, account_id: int, client_id: str) -> list[tuple[str, str]]:
        """The ``X-LS-*`` headers (and ``Retry-After`` when blocked) for the response."""
        headers = [
            ("X-LS-Acct-Id", str(account_id)),
            ("X-LS-Oauth-Client-Id", client_id),
            ("X-LS-API-Bucket-Level", f"{format_number(self.level)}/{format_number(self.size)}"),
            ("X-LS-API-Burst-Level", f"{self.burst_count}/{self.burst_max}"),
            ("X-LS-API-Drip-Rate", format_number(self.drip_rate)),
            ("X-LS-API-Request-Cost", format_number(self.cost)),
        ]
        if not self.allowed and self.limit_type and self.retry_after:
            headers.append(("X-LS-API-RateLimit-Type", self.limit_type))
            headers.append(("Retry-After", self.retry_after))
        return headers


@dataclass
class _BucketState:
    level: float = 0.0
    updated: float = 0.0
    """Model time of the last drain."""
    window: int = -1
    window_count: int = 0


UNLIMITED_BURST = 1_000_000
"""The burst ceiling reported when limiting is off, so that clients do not pace themselves."""


class RateLimiter:
    """Leaky buckets and burst windows, one pair per (account, client); thread-safe."""

    def __init__(
        self,
        *,
        bucket_size: float = 90.0,
        drip_rate: float = 1.0,
        registers: int = 1,
        time_scale: float = 1.0,
        enabled: bool = True,
        burst_max: int | None = None,
        initial_level: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        extra = max(0, registers - 1)
        self.size = float(bucket_size) + 10.0 * extra
        self.drip_rate = float(drip_rate) + 0.5 * extra
        self.time_scale = float(time_scale)
        self.enabled = enabled
        self.burst_max = burst_max if burst_max is not None else max(1, round(self.size * 2 / 9))
        self.burst_limit = max(1, round(self.burst_max * self.time_scale))
        """Requests allowed per real second (the burst threshold, scaled like the drip)."""
        self.initial_level = float(initial_level)
        """The level of a bucket at its first request (0: a fresh bucket; the size: one already
        at its limit, as for a store that has been read at full rate for a while)."""
        self._clock = clock
        self._start = clock()
        self._buckets: dict[BucketKey, _BucketState] = {}
        self._lock = threading.Lock()

    def _model_time(self) -> float:
        return (self._clock() - self._start) * self.time_scale

    def admit(self, key: BucketKey, cost: float) -> RateDecision:
        """Charge ``cost`` to the bucket of ``key`` if the limiters let the request through."""
        with self._lock:
            now = self._model_time()
            state = self._buckets.setdefault(key, _BucketState(level=self.initial_level, updated=now))
            state.level = max(0.0, state.level - (now - state.updated) * self.drip_rate)
            state.updated = now
            # Burst windows are one second of real time, their threshold scaled with time: clients
            # count requests per second of their own clock, as they must against the real API.
            real = now / self.time_scale
            window = math.floor(real)
            if window != state.window:
                state.window, state.window_count = window, 0
            state.window_count += 1
            if not self.enabled:
                # No limiting, but believable headers: the bucket looks empty before each request.
                return self._decision(True, None, cost, state.window_count, cost, None)
            if state.window_count > self.burst_limit:
                wait = window + 1 - real
                return self._decision(False, "api-burst-limiter", state.level, state.window_count, cost, wait)
            if state.level > self.size:
                wait = (state.level - self.size) / self.drip_rate / self.time_scale
                return self._decision(False, "api-leaky-bucket", state.level, state.window_count, cost, wait)
            state.level += cost
            return self._decision(True, None, state.level, state.window_count, cost, None)

    def _decision(
        self, allowed: bool, limit_type: str | None, level: float, burst: int, cost: float, wait: float | None
    ) -> RateDecision:
        return RateDecision(
            allowed=allowed,
            limit_type=limit_type,
            level=level,
            size=self.size,
            burst_count=burst,
            burst_max=self.burst_limit if self.enabled else UNLIMITED_BURST,
            drip_rate=self.drip_rate * self.time_scale,
            cost=cost,
            retry_after=None if wait is None else _format_retry_after(wait, self.time_scale),
        )

    def level(self, key: BucketKey) -> float:
        """The current (drained) level of one bucket, for tests and diagnostics."""
        with self._lock:
            state = self._buckets.get(key)
            if state is None:
                return 0.0
            return max(0.0, state.level - (self._model_time() - state.updated) * self.drip_rate)

    def blocked(self, key: BucketKey, cost: float, limit_type: str, wait: float) -> RateDecision:
        """A forced 429 (the ``rate_limit_storm`` fault): report the bucket as it is, charge nothing."""
        return self._decision(False, limit_type, self.level(key), 0, cost, wait)
