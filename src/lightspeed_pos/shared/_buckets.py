"""The buckets shared through Redis: each Reserve and Release is one call of the bucket script.

:class:`SharedBuckets` (Client) and :class:`AsyncSharedBuckets` (AsyncClient, on redis-py's
asyncio client; under trio the synchronous client in a worker thread) stand in for a client's
throttler. What to send and how to read the answer is written once in :class:`_Core`; the two
classes only make the call. The client's own throttler keeps learning from every answer: it seeds
a bucket that Redis lost, and it paces the client while Redis cannot be reached.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from .._ratelimit import Answer, Throttler
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

Call = tuple[list[str], list[str]]


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


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
        view = self.throttler.snapshot(key)
        return [
            repr(view.level),
            repr(view.size),
            repr(view.drip_rate),
            "1" if view.seen else "0",
            str(view.burst_max or 0),
        ]

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

    def _reserve_call(self, key: str, cost: float) -> tuple[Call, str]:
        rid = secrets.token_hex(8)
        latency = self.throttler.snapshot(key).latency
        args = ["reserve", "", *self._seed(key), repr(float(cost)), repr(latency), rid]
        args += [repr(self.state.reservation_ttl), self._id]
        return (self.state.bucket_keys(key), args), rid

    def _reserved(self, key: str, cost: float, rid: str, result: Sequence[Any]) -> float:
        self._back()
        wait = float(result[0])
        self._noticed(key, result[1])
        self._sharers[key] = max(1, int(result[2]))
        if wait == 0:
            self._book(key, cost, rid)
        return wait

    def _noticed(self, key: str, fresh: Any) -> None:
        if fresh in (b"1", "1"):
            self.reseeded += 1
            logger.debug("bucket %s was not in Redis: started from this process's view", key)

    def _release_call(
        self, key: str, cost: float, headers: Mapping[str, str] | None, sent: bool, sent_at: float | None
    ) -> Call | None:
        rid = self._unbook(key, cost)
        local = rid is not None and rid.startswith(LOCAL)
        # The client's own view learns from every answer: it is the seed and the fallback.
        booked = float(rid[len(LOCAL) :]) if local and rid is not None else cost
        self.throttler.release(key, booked, headers, sent=sent, sent_at=sent_at)
        if rid is None or local:
            return None
        return self._release_args(key, cost, rid, Answer.from_headers(headers), sent, sent_at)

    def _release_args(
        self, key: str, cost: float, rid: str, answer: Answer, sent: bool, sent_at: float | None
    ) -> Call:
        trip = -1.0 if sent_at is None else max(0.0, self.throttler.now() - sent_at)
        level, size = answer.level if answer.level is not None else (None, None)
        count, most = answer.burst if answer.burst is not None else (None, None)
        args = ["release", "", *self._seed(key), repr(float(cost)), rid, "1" if sent else "0", repr(trip)]
        args += [_number(level), _number(size), _number(answer.drip), _number(count), _number(most)]
        return self.state.bucket_keys(key), args

    def abandon(self, key: str, cost: float) -> None:
        """Give back a reservation whose request never left; no I/O (a closing flow calls it):
        the release goes with this process's next call to Redis, or lapses."""
        rid = self._unbook(key, cost)
        if rid is not None and rid.startswith(LOCAL):
            self.throttler.abandon(key, float(rid[len(LOCAL) :]))
        elif rid is not None:
            call = self._release_args(key, cost, rid, Answer(), False, None)
            with self._lock:
                self._abandoned.append(call)

    def _take_abandoned(self) -> list[Call]:
        with self._lock:
            calls, self._abandoned = self._abandoned, []
        return calls


class SharedBuckets(_Core):
    """The shared buckets for :class:`~lightspeed_pos.Client` (redis-py's synchronous client)."""

    def _run(self, call: Call) -> Any:
        keys, args = call
        return self.state.bucket_script()(keys=keys, args=args)

    def reserve(self, key: str, cost: float) -> float:
        if not self._redis_up():
            return self._local_reserve(key, cost)
        call, rid = self._reserve_call(key, cost)
        try:
            for abandoned in self._take_abandoned():
                self._run(abandoned)
            result = self._run(call)
        except self.state.errors() as error:
            self._failed(error)
            return self._local_reserve(key, cost)
        return self._reserved(key, cost, rid, result)

    def release(
        self,
        key: str,
        cost: float,
        headers: Mapping[str, str] | None,
        *,
        sent: bool = True,
        sent_at: float | None = None,
    ) -> None:
        call = self._release_call(key, cost, headers, sent, sent_at)
        if call is None or not self._redis_up():
            return
        try:
            self._noticed(key, self._run(call)[0])
        except self.state.errors() as error:
            self._failed(error)  # the reservation lapses after reservation_ttl


class AsyncSharedBuckets(_Core):
    """The shared buckets for :class:`~lightspeed_pos.AsyncClient`: redis-py's asyncio client
    under asyncio; under trio, the synchronous client in a worker thread."""

    def __init__(self, state: RedisState, throttler: Throttler) -> None:
        super().__init__(state, throttler)
        self._loop: Any = None
        self._client: Any = None
        self._script: Any = None

    async def _run(self, call: Call) -> Any:
        keys, args = call
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # trio: redis-py's client in a worker thread
            script = self.state.bucket_script()
            return await anyio.to_thread.run_sync(lambda: script(keys=keys, args=args))
        if self._loop is not loop:  # connections belong to one event loop
            self._loop, self._client = loop, self.state.async_client()
            self._script = self._client.register_script(BUCKET_SCRIPT)
        return await self._script(keys=keys, args=args)

    async def aclose(self) -> None:
        """Close this client's asyncio connections to Redis."""
        client, self._client, self._loop = self._client, None, None
        if client is not None:
            await client.aclose()

    async def reserve(self, key: str, cost: float) -> float:
        if not self._redis_up():
            return self._local_reserve(key, cost)
        call, rid = self._reserve_call(key, cost)
        try:
            for abandoned in self._take_abandoned():
                await self._run(abandoned)
            result = await self._run(call)
        except self.state.errors() as error:
            self._failed(error)
            return self._local_reserve(key, cost)
        return self._reserved(key, cost, rid, result)

    async def release(
        self,
        key: str,
        cost: float,
        headers: Mapping[str, str] | None,
        *,
        sent: bool = True,
        sent_at: float | None = None,
    ) -> None:
        call = self._release_call(key, cost, headers, sent, sent_at)
        if call is None or not self._redis_up():
            return
        try:
            self._noticed(key, (await self._run(call))[0])
        except self.state.errors() as error:
            self._failed(error)
