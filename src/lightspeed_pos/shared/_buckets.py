"""The buckets shared through Redis: each Reserve and Release is one call of the bucket script.

:class:`SharedBuckets` (Client) and :class:`AsyncSharedBuckets` (AsyncClient, on redis-py's
asyncio client; under trio the synchronous client in a worker thread) stand in for a client's
throttler. Reserve and Release are written once, in :class:`_Core`, as generators that yield the
script calls they need (with the fallback when Redis cannot be reached); the two classes only make
the calls. The arguments of a call are built by :func:`reserve_args` and :func:`release_args`,
which the test of the script against ``_ratelimit``'s arithmetic uses too. The client's own
throttler keeps learning from every answer: it seeds a bucket that Redis lost, and it paces the
client while Redis cannot be reached.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import anyio.to_thread

from .._ratelimit import Answer, BucketSnapshot, Headers, Throttler, round_trip
from ._state import BUCKET_SCRIPT

if TYPE_CHECKING:
    from ._state import RedisState

__all__ = ["AsyncSharedBuckets", "SharedBuckets"]

logger = logging.getLogger("lightspeed_pos")

LOCAL = "local:"
"""How the reservation id of a request booked in the client's own throttler (Redis was
unreachable) starts; the amount booked follows."""
RETRY_REDIS_AFTER = 1.0
"""Seconds between attempts to reach Redis again after it failed."""

P = ParamSpec("P")
T = TypeVar("T")

Call = tuple[list[str], list[str]]
"""One call of the bucket script: its keys and its arguments."""
Steps = Generator[Call, Any, T]
"""Reserve or Release: yields the calls to make; each call's reply is sent back, and a failure to
reach Redis is thrown in. Returns the result."""


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def seed_args(view: BucketSnapshot) -> list[str]:
    """The caller's view of a bucket, from which the script starts a bucket it does not have."""
    return [
        repr(view.level),
        repr(view.size),
        repr(view.drip_rate),
        "1" if view.seen else "0",
        str(view.burst_max or 0),
    ]


def reserve_args(
    seed: list[str],
    cost: float,
    latency: float,
    rid: str,
    ttl: float,
    client: str,
    now: float | None = None,
) -> list[str]:
    """The script's arguments to book ``cost`` (``_ratelimit.book``) under the reservation id
    ``rid``, kept ``ttl`` seconds; ``now`` ``None``: on the Redis server's clock."""
    return ["reserve", _number(now), *seed, repr(float(cost)), repr(latency), rid, repr(ttl), client]


def release_args(
    seed: list[str],
    cost: float,
    rid: str,
    answer: Answer,
    sent: bool,
    trip: float | None,
    now: float | None = None,
) -> list[str]:
    """The script's arguments to end the reservation ``rid`` (``_ratelimit.settle``)."""
    level, size = answer.level if answer.level is not None else (None, None)
    count, most = answer.burst if answer.burst is not None else (None, None)
    return [
        "release", _number(now), *seed, repr(float(cost)), rid, "1" if sent else "0",
        repr(-1.0 if trip is None else trip),
        _number(level), _number(size), _number(answer.drip), _number(count), _number(most),
    ]  # fmt: skip


class _Core:
    """Reservation ids, the calls to make, and the fallback: everything but the I/O."""

    def __init__(self, state: RedisState, throttler: Throttler) -> None:
        self.state = state
        self.throttler = throttler
        self._lock = threading.Lock()
        self._booked: dict[tuple[str, float], list[str]] = {}
        self._abandoned: list[Call] = []
        self._down_until: float | None = None
        self._id = secrets.token_hex(8)
        self._sharers: dict[str, int] = {}
        self.fallbacks = 0
        """How many times Redis was found unreachable."""
        self.reseeded = 0
        """How many times a bucket was missing in Redis and started from this process's view."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.state!r}>"

    def now(self) -> float:
        return self.throttler.now()

    def _seed(self, key: str) -> list[str]:
        return seed_args(self.throttler.snapshot(key))

    def _redis_up(self) -> bool:
        return self._down_until is None or self.throttler.now() >= self._down_until

    def _failed(self, error: BaseException) -> None:
        if self._down_until is None:
            logger.warning(
                "Redis %s unreachable (%s): pacing from this process's view of the buckets until it is back",
                self.state,
                type(error).__name__,
            )
        self._down_until = self.throttler.now() + RETRY_REDIS_AFTER
        self.fallbacks += 1

    def _back(self) -> None:
        if self._down_until is not None:
            logger.warning("Redis %s is back: the buckets are shared again", self.state)
            self._down_until = None

    def _book(self, key: str, cost: float, rid: str) -> None:
        with self._lock:
            self._booked.setdefault((key, cost), []).append(rid)

    def _unbook(self, key: str, cost: float) -> str | None:
        with self._lock:
            rids = self._booked.get((key, cost))
            return rids.pop() if rids else None

    def _local_reserve(self, key: str, cost: float) -> float:
        # Without Redis, the others' requests in flight are unknown: each client that drew on the
        # bucket lately is assumed to spend as this one does (the level comes from the headers).
        booked = cost * self._sharers.get(key, 1)
        wait = self.throttler.reserve(key, booked)
        if wait == 0:
            self._book(key, cost, f"{LOCAL}{booked!r}")
        return wait

    def _noticed(self, key: str, fresh: Any) -> None:
        if fresh in (b"1", "1"):
            self.reseeded += 1
            logger.debug("bucket %s was not in Redis: started from this process's view", key)

    def _resume(self, steps: Steps[T], reply: Any) -> Call:
        """The call ``steps`` yield after ``reply`` (an error is thrown into them); at their end,
        StopIteration with their result. The first call: ``reply`` ``None``."""
        return steps.throw(reply) if isinstance(reply, BaseException) else steps.send(reply)

    def _reserve_steps(self, key: str, cost: float) -> Steps[float]:
        """Book ``cost`` in ``key``'s bucket and return 0, or return the seconds to wait first."""
        if not self._redis_up():
            return self._local_reserve(key, cost)
        rid, view = secrets.token_hex(8), self.throttler.snapshot(key)
        args = reserve_args(seed_args(view), cost, view.latency, rid, self.state.reservation_ttl, self._id)
        try:
            for call in [*self._take_abandoned(), (self.state.bucket_keys(key), args)]:
                reply = yield call  # the releases abandoned since the last call first, then this
        except self.state.errors() as error:
            self._failed(error)
            return self._local_reserve(key, cost)
        self._back()
        wait = float(reply[0])
        self._noticed(key, reply[1])
        self._sharers[key] = max(1, int(reply[2]))
        if wait == 0:
            self._book(key, cost, rid)
        return wait

    def _release_steps(
        self, key: str, cost: float, headers: Headers, *, sent: bool = True, sent_at: float | None = None
    ) -> Steps[None]:
        """The request booked with ``cost`` is over: learn from its headers, or estimate."""
        rid = self._unbook(key, cost)
        local = rid is not None and rid.startswith(LOCAL)
        # The client's own view learns from every answer: it is the seed and the fallback.
        booked = float(rid[len(LOCAL) :]) if local and rid is not None else cost
        self.throttler.release(key, booked, headers, sent=sent, sent_at=sent_at)
        if rid is None or local or not self._redis_up():
            return
        answer = Answer.from_headers(headers)
        trip = round_trip(sent_at, self.throttler.now())
        args = release_args(self._seed(key), cost, rid, answer, sent, trip)
        try:
            reply = yield self.state.bucket_keys(key), args
        except self.state.errors() as error:
            self._failed(error)  # the reservation lapses after reservation_ttl
            return
        self._noticed(key, reply[0])

    def abandon(self, key: str, cost: float) -> None:
        """Give back a reservation whose request never left; no I/O (a closing flow calls it):
        the release goes with this process's next call to Redis, or lapses."""
        rid = self._unbook(key, cost)
        if rid is not None and rid.startswith(LOCAL):
            self.throttler.abandon(key, float(rid[len(LOCAL) :]))
        elif rid is not None:
            args = release_args(self._seed(key), cost, rid, Answer(), False, None)
            with self._lock:
                self._abandoned.append((self.state.bucket_keys(key), args))

    def _take_abandoned(self) -> list[Call]:
        with self._lock:
            calls, self._abandoned = self._abandoned, []
        return calls


def _sync(steps: Callable[Concatenate[_Core, P], Steps[T]]) -> Callable[Concatenate[SharedBuckets, P], T]:
    """A method of :class:`SharedBuckets` that makes the calls ``steps`` yields."""

    def method(self: SharedBuckets, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._drive(steps(self, *args, **kwargs))

    return method


def _async(
    steps: Callable[Concatenate[_Core, P], Steps[T]],
) -> Callable[Concatenate[AsyncSharedBuckets, P], Coroutine[Any, Any, T]]:
    """A coroutine method of :class:`AsyncSharedBuckets` that makes the calls ``steps`` yields."""

    async def method(self: AsyncSharedBuckets, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._drive(steps(self, *args, **kwargs))

    return method


class SharedBuckets(_Core):
    """The shared buckets for :class:`~lightspeed_pos.Client` (redis-py's synchronous client)."""

    def _attempt(self, call: Call) -> Any:
        """The script's reply to ``call``, or the error that kept it from Redis."""
        try:
            return self.state.bucket_script()(keys=call[0], args=call[1])
        except self.state.errors() as error:
            return error

    def _drive(self, steps: Steps[T]) -> T:
        reply: Any = None
        try:
            while True:
                reply = self._attempt(self._resume(steps, reply))
        except StopIteration as stop:
            done: T = stop.value
            return done

    reserve = _sync(_Core._reserve_steps)
    release = _sync(_Core._release_steps)


class AsyncSharedBuckets(_Core):
    """The shared buckets for :class:`~lightspeed_pos.AsyncClient`: redis-py's asyncio client
    under asyncio; under trio, the synchronous client in a worker thread."""

    def __init__(self, state: RedisState, throttler: Throttler) -> None:
        super().__init__(state, throttler)
        self._loop: Any = None
        self._client: Any = None
        self._script: Any = None

    def _loop_script(self) -> Any:
        """The script on the running event loop's asyncio client; ``None`` outside asyncio."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        if self._loop is not loop:  # connections belong to one event loop
            self._loop, self._client = loop, self.state.async_client()
            self._script = self._client.register_script(BUCKET_SCRIPT)
        return self._script

    async def _attempt(self, call: Call) -> Any:
        """The script's reply to ``call``, or the error that kept it from Redis."""
        keys, args = call
        try:
            script = self._loop_script()
            if script is None:  # trio: redis-py's client in a worker thread
                script = self.state.bucket_script()
                return await anyio.to_thread.run_sync(lambda: script(keys=keys, args=args))
            return await script(keys=keys, args=args)
        except self.state.errors() as error:
            return error

    async def _drive(self, steps: Steps[T]) -> T:
        reply: Any = None
        try:
            while True:
                reply = await self._attempt(self._resume(steps, reply))
        except StopIteration as stop:
            done: T = stop.value
            return done

    async def aclose(self) -> None:
        """Close this client's asyncio connections to Redis."""
        client, self._client, self._loop = self._client, None, None
        if client is not None:
            await client.aclose()

    reserve = _async(_Core._reserve_steps)
    release = _async(_Core._release_steps)
