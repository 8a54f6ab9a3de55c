"""RedisTokenStore: one token set shared by every process, refreshed by one of them at a time.

``lock()`` is a lease in Redis: it expires (a worker that dies mid-refresh locks nobody out for
longer than ``lease_ttl``) and carries a fencing token, a number that grows with every lease. A
save made under a lease is written only while that lease is still the current one, so a worker
whose lease lapsed while it refreshed cannot overwrite the pair rotated after it: its save fails
and its new access token is never used, which keeps its old refresh token valid (the server
revokes a refresh token only once the access token minted from it is used, docs/reference.md#oauth-lifetimes).
:meth:`RedisTokenStore.take_refresh_slot` keeps refreshes of one token under the server's limit
(5 a minute), counted in Redis for every process. :class:`~lightspeed_pos.oauth.OAuthSession`
uses all three: it takes the lease, adopts a pair another process rotated, takes a slot, refreshes,
and saves the rotated pair before returning the new access token.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import LightspeedError
from ..oauth import LockTimeoutError, TokenSet

if TYPE_CHECKING:
    from ._state import RedisState

__all__ = ["MAX_REFRESHES", "REFRESH_WINDOW", "LeaseLostError", "RedisTokenStore"]

logger = logging.getLogger("lightspeed_pos")

MAX_REFRESHES = 5
REFRESH_WINDOW = 60.0
WINDOW_MARGIN = 0.1
"""Slots are counted over a window this much longer (a share of it): a refresh reaches the server
a little after its slot was taken, and the server counts by arrival."""
POLL = 0.01
MAX_POLL = 0.2

_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return -redis.call('PTTL', KEYS[1])
end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
_EXTEND = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_SAVE_FENCED = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[2])
return 1
"""
_TAKE_SLOT = """
if redis.replicate_commands then
  redis.replicate_commands()
end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window, most = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.6f', now - window))
if redis.call('ZCARD', KEYS[1]) < most then
  redis.call('ZADD', KEYS[1], string.format('%.6f', now), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
  return '0'
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return string.format('%.6f', oldest + window - now)
"""


class LeaseLostError(LightspeedError):
    """The refresh outlived its lease (``lease_ttl``): another process may have refreshed since,
    so the tokens it obtained were not saved and must not be used."""


class RedisTokenStore:
    """A :class:`~lightspeed_pos.oauth.TokenStore` in Redis, with a lease for ``lock()``.

    ``name`` identifies the token (one per account and OAuth client). The tokens are one JSON
    value, as the file store writes them; Redis must be trusted like that file (use a password
    and TLS, ``rediss://``, between machines). When the value is missing (Redis restarted or was
    flushed), the last pair this store read or wrote is put back, so that work goes on.
    """

    def __init__(
        self,
        state: RedisState,
        name: str,
        *,
        lease_ttl: float | None = None,
        lock_timeout: float | None = None,
        max_refreshes: int = MAX_REFRESHES,
        refresh_window: float = REFRESH_WINDOW,
    ) -> None:
        if not name or any(ch in name for ch in "{} "):
            raise ValueError("the token store's name must be non-empty, without spaces or braces")
        self.state = state
        self.name = name
        self.lease_ttl = lease_ttl if lease_ttl is not None else state.lease_ttl
        self.lock_timeout = lock_timeout if lock_timeout is not None else state.lock_timeout
        self.max_refreshes = max_refreshes
        self.refresh_window = refresh_window
        self._tokens_key = state.key("tokens", name, "set")
        self._lease_key = state.key("tokens", name, "lease")
        self._fence_key = state.key("tokens", name, "fence")
        self._slots_key = state.key("tokens", name, "refreshes")
        self._held = threading.local()
        self._last: TokenSet | None = None

    def __repr__(self) -> str:
        return f"<RedisTokenStore {self.name!r} on {self.state!r}>"

    @property
    def fence(self) -> int | None:
        """The fencing token of the lease this thread holds, or ``None``."""
        fence: int | None = getattr(self._held, "fence", None)
        return fence

    def _eval(self, script: str, keys: list[str], args: list[Any]) -> Any:
        return self.state.redis.eval(script, len(keys), *keys, *args)

    # --- TokenStore ------------------------------------------------------------------------------
    def load(self) -> TokenSet | None:
        raw = self.state.redis.get(self._tokens_key)
        if raw is None:
            if self._last is not None:
                # Redis lost it (a restart, a flush): put back the last pair seen here, unless
                # another process did first.
                self.state.redis.set(self._tokens_key, json.dumps(self._last.to_dict()), nx=True)
                logger.warning("the tokens %r were missing in Redis: put back the last ones seen", self.name)
                raw = self.state.redis.get(self._tokens_key)
            if raw is None:
                return None
        try:
            tokens = TokenSet.from_dict(json.loads(raw))
        except ValueError as exc:
            logger.warning(
                "the tokens %r in Redis are unreadable (%s): ignoring them", self.name, type(exc).__name__
            )
            return None
        self._last = tokens
        return tokens

    def save(self, tokens: TokenSet) -> None:
        """Write ``tokens``; under a lease, only while the lease is still this one
        (:class:`LeaseLostError` otherwise, and nothing is written)."""
        data = json.dumps(tokens.to_dict())
        fence = self.fence
        if fence is None:
            self.state.redis.set(self._tokens_key, data)
        elif not int(self._eval(_SAVE_FENCED, [self._lease_key, self._tokens_key], [fence, data])):
            raise LeaseLostError(
                f"the lease on the tokens {self.name!r} lapsed before they were saved "
                f"(lease_ttl={self.lease_ttl:g} s): another process may have refreshed since"
            )
        self._last = tokens
        logger.debug("saved tokens to %r", self)

    def clear(self) -> None:
        self.state.redis.delete(self._tokens_key)
        self._last = None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the lease for the duration of the ``with`` block (not reentrant)."""
        fence = self._acquire()
        self._held.fence = fence
        try:
            yield
        finally:
            self._held.fence = None
            with contextlib.suppress(*self.state.errors()):
                self._eval(_RELEASE, [self._lease_key], [fence])

    def _acquire(self) -> int:
        deadline = time.monotonic() + self.lock_timeout
        interval = POLL
        ttl_ms = max(1, round(self.lease_ttl * 1000))
        while True:
            try:
                answer = int(self._eval(_ACQUIRE, [self._lease_key, self._fence_key], [ttl_ms]))
            except self.state.errors() as exc:  # Redis restarting: keep trying until the deadline
                logger.debug("taking the lease on %r failed (%s)", self.name, type(exc).__name__)
                answer = -1
            if answer > 0:
                logger.debug("took the lease on the tokens %r (fence %d)", self.name, answer)
                return answer
            if time.monotonic() >= deadline:
                raise LockTimeoutError(
                    f"could not take the lease on the tokens {self.name!r} within {self.lock_timeout:g} s"
                )
            time.sleep(interval + secrets.randbelow(1000) / 1_000_000)
            interval = min(interval * 2, MAX_POLL)

    def extend(self) -> bool:
        """Give the lease this thread holds a full ``lease_ttl`` again; whether it was still held."""
        fence = self.fence
        if fence is None:
            return False
        ttl_ms = max(1, round(self.lease_ttl * 1000))
        return bool(int(self._eval(_EXTEND, [self._lease_key], [fence, ttl_ms])))

    # --- the refresh budget ----------------------------------------------------------------------
    def take_refresh_slot(self, *, block: bool = True) -> bool:
        """Count one refresh of this token, at most ``max_refreshes`` per ``refresh_window``
        seconds across every process. When none is free: ``False`` at once, or with ``block``,
        wait for one (keeping the lease) and return ``True``."""
        while True:
            member = secrets.token_hex(8)
            window = self.refresh_window * (1 + WINDOW_MARGIN)
            wait = float(self._eval(_TAKE_SLOT, [self._slots_key], [window, self.max_refreshes, member]))
            if wait <= 0:
                return True
            if not block:
                return False
            logger.debug("refresh budget of %r spent: waiting %.2f s", self.name, wait)
            time.sleep(min(wait, max(0.05, self.lease_ttl / 3)))
            self.extend()
