"""The client side of the leaky bucket: wait only as long as needed, never trip the limit.

One :class:`BucketState` per account, fed by the response headers (``X-LS-API-Bucket-Level``
``level/size``, ``X-LS-API-Drip-Rate``, ``X-LS-API-Burst-Level``). Before a request is sent,
:meth:`Throttler.reserve` either books its estimated cost (in-flight requests count against the
bucket, so threads and tasks sharing a client never overflow it) or says how long to wait.
No I/O and no sleeping here: the caller sleeps, through an injectable sleep.
"""

from __future__ import annotations

import bisect
import logging
import math
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
MAX_LATENCY_CREDIT = 0.5
"""The most one-way latency (seconds) the throttler anticipates, whatever it measured."""
SAFE_SHARE = 0.8
"""Of a request's cost, the most the throttler's time estimates may together be off by."""

MAX_BUCKET_SIZE = 100_000.0
"""Headers announcing a larger bucket (or burst window) are garbage and ignored."""
MIN_DRIP_RATE = 0.1
MAX_DRIP_RATE = 10_000.0
"""Drip rates outside [MIN_DRIP_RATE, MAX_DRIP_RATE] (or not finite) are ignored: with the level
never above the size, no header can make one wait longer than (requests in flight + cost) / 0.1 s,
and the flow caps each wait at the retry policy's ``max_retry_after`` anyway."""

Headers = Mapping[str, str] | None
"""An answer's headers (``None`` when there was no answer)."""

_LEVEL = re.compile(r"^\s*([0-9]{1,12}(?:\.[0-9]{1,20})?)\s*/\s*([0-9]{1,12}(?:\.[0-9]{1,20})?)\s*$")


def parse_level(value: str | None) -> tuple[float, float] | None:
    """``"75.898271799086/90"`` -> ``(75.898271799086, 90.0)``; ``None`` when absent or malformed.

    Garbage is ignored (a size that is not positive or absurdly large, more than 12 digits) and
    a level is believed up to twice the size (a bucket a little over full is real; 999999/1 is
    not): a header can never ask for a wait longer than draining one bucketful.
    """
    if not value:
        return None
    match = _LEVEL.match(value)
    if not match:
        return None
    level, size = float(match.group(1)), float(match.group(2))
    if not (0 < size <= MAX_BUCKET_SIZE) or not math.isfinite(level):
        return None
    return min(level, 2 * size), size


def parse_rate(value: str | None) -> float | None:
    """A drip rate in drips per second; ``None`` when absent, absurd or not finite."""
    if not value:
        return None
    try:
        rate = float(value)
    except ValueError:
        return None
    return rate if MIN_DRIP_RATE <= rate <= MAX_DRIP_RATE else None  # NaN and inf fail the comparison


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value


def burst_allowance(burst_max: int | None) -> int | None:
    """Requests to send per second under a burst limit of ``burst_max``: one less, from 4 up,
    as a margin for requests that reach the server's fixed windows later than they left."""
    if burst_max is None:
        return None
    return burst_max - 1 if burst_max >= 4 else burst_max


def resync_window(window: deque[float], reported: int, limit: int | None, measured_at: float) -> int:
    """Date at ``measured_at`` the sends the server counted that ``window`` does not hold.

    The server reported ``reported`` requests in its current one-second window; the sends known
    here (this client's, or every client's sharing the state) that fall in the second before
    ``measured_at`` are among them. The rest came from other clients on the same account: they
    occupy the window until a second after ``measured_at``. At most ``limit`` are added (more
    would not change any decision). Returns how many were added.
    """
    if limit is not None:
        reported = min(reported, limit)
    known = sum(1 for sent in window if measured_at - BURST_WINDOW < sent <= measured_at)
    missing = max(0, reported - known)
    for _ in range(missing):
        bisect.insort(window, measured_at)
    return missing


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
    latency: float = 0.0
    """How long a request takes to reach the server (half the round trip, smoothed)."""

    def level_at(self, now: float) -> float:
        """The level drained by the drip since the last update."""
        return max(0.0, self.level - self.drip_rate * max(0.0, now - self.updated_at))


@dataclass(frozen=True)
class BucketSnapshot:
    level: float
    size: float
    drip_rate: float
    in_flight: float
    seen: bool = False
    """Whether an answer has reported the level yet."""
    burst_max: int | None = None
    latency: float = 0.0


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
            return BucketSnapshot(
                bucket.level_at(now),
                bucket.size,
                bucket.drip_rate,
                bucket.in_flight,
                bucket.seen,
                bucket.burst_max,
                bucket.latency,
            )

    def reserve(self, key: str, cost: float) -> float:
        """Book ``cost`` against ``key``'s bucket and return 0, or return the seconds to wait first."""
        with self._lock:
            bucket = self._bucket(key)
            return book(bucket, self._clock(), cost, bucket.latency)

    def now(self) -> float:
        """The throttler's clock."""
        return self._clock()

    def release(
        self, key: str, cost: float, headers: Headers, *, sent: bool = True, sent_at: float | None = None
    ) -> None:
        """The request booked with ``cost`` is over: learn from its headers, or estimate.

        ``sent_at`` (the clock when the request left) dates the level the server reported (see
        :func:`settle`) and measures the one-way trip that :func:`book` anticipates.
        """
        answer = Answer.from_headers(headers)
        with self._lock:
            now = self._clock()
            bucket = self._bucket(key)
            trip = round_trip(sent_at, now)
            if trip is not None and sent:
                way = trip / 2
                bucket.latency = way if bucket.latency == 0.0 else 0.8 * bucket.latency + 0.2 * way
            settle(bucket, now, cost, answer, sent=sent, trip=trip)
            if answer.level is not None:
                self.bucket_level, self.bucket_max = answer.level
                logger.debug(
                    "bucket %s: level %.3f/%.0f, drip %.3f/s",
                    key,
                    bucket.level,
                    bucket.size,
                    bucket.drip_rate,
                )
            if answer.drip is not None:
                self.drip_rate = answer.drip

    def abandon(self, key: str, cost: float) -> None:
        """Give back a reservation whose request never left (no I/O: safe while a flow closes)."""
        self.release(key, cost, None, sent=False)


class AsyncBuckets:
    """The in-process throttler as :class:`~lightspeed_pos.AsyncClient`'s loop uses it (it awaits
    Reserve and Release, which a shared state carries out over the network)."""

    def __init__(self, throttler: Throttler) -> None:
        self.throttler = throttler

    async def reserve(self, key: str, cost: float) -> float:
        return self.throttler.reserve(key, cost)

    async def release(
        self, key: str, cost: float, headers: Headers, *, sent: bool = True, sent_at: float | None = None
    ) -> None:
        self.throttler.release(key, cost, headers, sent=sent, sent_at=sent_at)

    def now(self) -> float:
        return self.throttler.now()

    def abandon(self, key: str, cost: float) -> None:
        self.throttler.abandon(key, cost)

    async def aclose(self) -> None:
        """Nothing to close in process."""


# --- the bucket arithmetic: written once here, mirrored line by line by shared/_bucket.lua ------


@dataclass(frozen=True)
class Answer:
    """What one answer's headers say of the bucket; each part ``None`` when absent or malformed."""

    level: tuple[float, float] | None = None
    drip: float | None = None
    burst: tuple[float, float] | None = None

    @classmethod
    def from_headers(cls, headers: Headers) -> Answer:
        if headers is None:
            return cls()
        return cls(
            parse_level(_header(headers, "X-LS-API-Bucket-Level")),
            parse_rate(_header(headers, "X-LS-API-Drip-Rate")),
            parse_level(_header(headers, "X-LS-API-Burst-Level")),
        )


def book(bucket: BucketState, now: float, cost: float, latency: float) -> float:
    """Book ``cost`` in ``bucket`` at ``now`` and return 0, or return the seconds to wait first.

    ``latency`` is the caller's one-way trip to the server. Room is needed when the request reaches
    the server, a one-way trip from now: sending only once there is room now would waste that
    trip's worth of drip on every request. The credit stays below what the server's admission rule
    tolerates (it admits while the level is at most the size), counting the dating of the level.
    """
    trip = bucket.drip_rate * min(latency, MAX_LATENCY_CREDIT)
    credit = min(trip, max(0.0, SAFE_SHARE * cost - trip))
    level = max(0.0, bucket.level_at(now) - credit)
    projected = level + bucket.in_flight + cost
    alone = bucket.in_flight == 0 and level == 0.0
    if projected > bucket.size and not alone:
        return max((projected - bucket.size) / bucket.drip_rate, 0.001)
    window = bucket.sent_at
    while window and now - window[0] >= BURST_WINDOW:
        window.popleft()
    # Every send is counted, even before the first answer says what the burst limit is.
    limit = burst_allowance(bucket.burst_max)
    if limit is not None and len(window) >= limit:
        return max(window[0] + BURST_WINDOW - now, 0.001)
    window.append(now)
    bucket.in_flight += cost
    return 0.0


def round_trip(sent_at: float | None, now: float) -> float | None:
    """Seconds from sending (``sent_at``) to the answer (``now``); ``None`` when not known."""
    return None if sent_at is None else max(0.0, now - sent_at)


def settle(
    bucket: BucketState, now: float, cost: float, answer: Answer, *, sent: bool, trip: float | None
) -> None:
    """The request booked with ``cost`` is over at ``now``: learn from ``answer``, or estimate.

    ``trip`` (the round trip, see :func:`round_trip`) dates what the server reported: it was
    measured while the request was at the server, taken as halfway between leaving and the answer
    (``now`` when the trip is not known). Dating it at the answer instead would add the round trip
    to every wait. An answer that overtook this one already carried a higher level: the level never
    goes below the drained estimate, so a late answer cannot erase the cost of newer requests.
    """
    measured_at = now if trip is None else now - trip / 2
    bucket.in_flight = max(0.0, bucket.in_flight - cost)
    if answer.level is not None:
        reported = max(0.0, answer.level[0] - bucket.drip_rate * (now - measured_at))
        bucket.level = max(reported, bucket.level_at(now)) if bucket.seen else reported
        bucket.size = answer.level[1]
        bucket.seen = True
    elif sent:
        bucket.level = bucket.level_at(now) + cost
    else:
        bucket.level = bucket.level_at(now)
    bucket.updated_at = now
    if answer.drip is not None:
        bucket.drip_rate = answer.drip
    if answer.burst is not None:
        bucket.burst_max = max(1, int(answer.burst[1]))
        # Other clients' sends in the server's window count against this one too.
        limit = burst_allowance(bucket.burst_max)
        resync_window(bucket.sent_at, int(answer.burst[0]), limit, measured_at)
