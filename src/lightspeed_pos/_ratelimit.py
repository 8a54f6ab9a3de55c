"""The client side of the leaky bucket: wait only as long as needed, never trip the limit.

One :class:`BucketState` per account, fed by the response headers (``X-LS-API-Bucket-Level``
``level/size``, ``X-LS-API-Drip-Rate``, ``X-LS-API-Burst-Level``). Before a request is sent,
:meth:`Throttler.reserve` either books its estimated cost (in-flight requests count against the
bucket, so threads and tasks sharing a client never overflow it) or says how long to wait.
No I/O and no sleeping here: the caller sleeps, through an injectable sleep.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

logger = logging.getLogger("lightspeed_pos")

DEFAULT_BUCKET_SIZE = 90.0
DEFAULT_DRIP_RATE = 1.0
BURST_WINDOW = 1.0

_LEVEL = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*/\s*([0-9]+(?:\.[0-9]+)?)\s*$")


def parse_level(value: str | None) -> tuple[float, float] | None:
    """``"75.898271799086/90"`` -> ``(75.898271799086, 90.0)``; ``None`` when absent or malformed."""
    if not value:
        return None
    match = _LEVEL.match(value)
    if not match:
        return None
    level, size = float(match.group(1)), float(match.group(2))
    return (level, size) if size > 0 else None


def parse_rate(value: str | None) -> float | None:
    if not value:
        return None
    try:
        rate = float(value)
    except ValueError:
        return None
    return rate if rate > 0 else None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


@dataclass
class BucketState:
    """What the client knows of one account's bucket."""

    level: float = 0.0
    size: float = DEFAULT_BUCKET_SIZE
    drip_rate: float = DEFAULT_DRIP_RATE
    updated_at: float = 0.0
    in_flight: float = 0.0
    burst_max: int | None = None
    sent_at: deque[float] = field(default_factory=deque)
    seen: bool = False

    def level_at(self, now: float) -> float:
        """The level drained by the drip since the last update."""
        return max(0.0, self.level - self.drip_rate * max(0.0, now - self.updated_at))


@dataclass(frozen=True)
class BucketSnapshot:
    level: float
    size: float
    drip_rate: float
    in_flight: float


class Throttler:
    """Per-account leaky buckets shared by every thread or task of one client."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        default_size: float = DEFAULT_BUCKET_SIZE,
        default_drip_rate: float = DEFAULT_DRIP_RATE,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, BucketState] = {}
        self._default_size = default_size
        self._default_drip_rate = default_drip_rate
        self.bucket_level: float | None = None
        """The bucket level in the last response seen (any account)."""
        self.bucket_max: float | None = None
        """The bucket size in the last response seen (any account)."""
        self.drip_rate: float | None = None
        """The drip rate in the last response that carried one."""

    def _bucket(self, key: str) -> BucketState:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = BucketState(
                size=self._default_size, drip_rate=self._default_drip_rate, updated_at=self._clock()
            )
            self._buckets[key] = bucket
        return bucket

    def snapshot(self, key: str) -> BucketSnapshot:
        """The current estimate for one account's bucket."""
        with self._lock:
            bucket = self._bucket(key)
            now = self._clock()
            return BucketSnapshot(bucket.level_at(now), bucket.size, bucket.drip_rate, bucket.in_flight)

    def reserve(self, key: str, cost: float) -> float:
        """Book ``cost`` against ``key``'s bucket and return 0, or return the seconds to wait first."""
        with self._lock:
            now = self._clock()
            bucket = self._bucket(key)
            level = bucket.level_at(now)
            projected = level + bucket.in_flight + cost
            alone = bucket.in_flight == 0 and level == 0.0
            if projected > bucket.size and not alone:
                return max((projected - bucket.size) / bucket.drip_rate, 0.001)
            if bucket.burst_max is not None:
                window = bucket.sent_at
                while window and now - window[0] >= BURST_WINDOW:
                    window.popleft()
                if len(window) >= bucket.burst_max:
                    return max(window[0] + BURST_WINDOW - now, 0.001)
                window.append(now)
            bucket.in_flight += cost
            return 0.0

    def release(self, key: str, cost: float, headers: Mapping[str, str] | None, *, sent: bool = True) -> None:
        """The request booked with ``cost`` is over: learn from its headers, or estimate."""
        with self._lock:
            now = self._clock()
            bucket = self._bucket(key)
            bucket.in_flight = max(0.0, bucket.in_flight - cost)
            seen = parse_level(_header(headers, "X-LS-API-Bucket-Level")) if headers is not None else None
            if seen is not None:
                bucket.level, bucket.size = seen
                bucket.seen = True
                self.bucket_level, self.bucket_max = seen
            elif sent:
                bucket.level = bucket.level_at(now) + cost
            else:
                bucket.level = bucket.level_at(now)
            bucket.updated_at = now
            if headers is not None:
                drip = parse_rate(_header(headers, "X-LS-API-Drip-Rate"))
                if drip is not None:
                    bucket.drip_rate = drip
                    self.drip_rate = drip
                burst = parse_level(_header(headers, "X-LS-API-Burst-Level"))
                if burst is not None:
                    bucket.burst_max = max(1, int(burst[1]))
            if seen is not None:
                logger.debug(
                    "bucket %s: level %.3f/%.0f, drip %.3f/s",
                    key,
                    bucket.level,
                    bucket.size,
                    bucket.drip_rate,
                )
