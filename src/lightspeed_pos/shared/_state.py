"""RedisState: where the buckets and the tokens of many processes and machines meet.

One Redis (any 5.0 or newer, or a managed one), one namespace per OAuth client: a bucket belongs
to an (account, OAuth client) pair, so processes of different OAuth applications sharing a Redis
use different namespaces. redis-py is imported when the state is built (the ``redis`` extra).
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from ..errors import LightspeedError

if TYPE_CHECKING:
    from .._ratelimit import Throttler
    from ._tokens import RedisTokenStore

__all__ = ["DEFAULT_NAMESPACE", "RedisState", "SharedState"]

DEFAULT_NAMESPACE = "lightspeed"
BUCKET_SCRIPT = (Path(__file__).parent / "_bucket.lua").read_text(encoding="utf-8")


class SharedState(Protocol):
    """What a client needs of a shared state: buckets that stand in for its own throttler."""

    def buckets(self, throttler: Throttler, *, asynchronous: bool) -> Any: ...


def redact_url(url: str) -> str:
    """``redis://:secret@host:6379/0`` -> ``redis://:***@host:6379/0``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _redis_module() -> Any:
    try:
        return importlib.import_module("redis")
    except ImportError as exc:
        raise LightspeedError("RedisState needs redis-py: pip install 'lightspeed-pos[redis]'") from exc


class RedisState:
    """The shared state on one Redis: ``Client(holder, shared=RedisState("redis://host:6379/0"))``.

    Every client built with the same state (in this process or any other, on any machine) draws
    on one bucket per account: the reservation is one Lua script call, atomic in Redis, against
    the level computed from the drip rate and the Redis server's clock, and every answer's
    headers resynchronise it (bucket level and burst window). :meth:`token_store` gives a token
    store whose refreshes are single-flight across every process (see :class:`RedisTokenStore`).

    When Redis cannot be reached, clients pace themselves from what the headers told them and try
    Redis again a second later; a bucket lost with a restart or a flush is started again from the
    view of the first process that comes back.

    ``reservation_ttl``: how long a reservation of a process that died is kept (seconds).
    ``lease_ttl``: how long a token refresh may hold the lease before another process may take it.
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        namespace: str = DEFAULT_NAMESPACE,
        reservation_ttl: float = 60.0,
        lease_ttl: float = 60.0,
        lock_timeout: float = 120.0,
        socket_timeout: float = 2.0,
    ) -> None:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"not a Redis URL (redis://, rediss:// or unix://): {redact_url(url)!r}")
        if not namespace or any(ch in namespace for ch in "{} "):
            raise ValueError("namespace must be a non-empty name without spaces or braces")
        if reservation_ttl <= 0 or lease_ttl <= 0 or lock_timeout <= 0:
            raise ValueError("reservation_ttl, lease_ttl and lock_timeout must be positive")
        self._redis = _redis_module()
        self.url = url
        self.namespace = namespace
        self.reservation_ttl = reservation_ttl
        self.lease_ttl = lease_ttl
        self.lock_timeout = lock_timeout
        self.socket_timeout = socket_timeout
        self._lock = threading.Lock()
        self._sync: Any = None
        self._sync_script: Any = None

    def __repr__(self) -> str:
        return f"<RedisState {redact_url(self.url)!r} namespace={self.namespace!r}>"

    # --- connections -----------------------------------------------------------------------------
    def _options(self) -> dict[str, Any]:
        retry = importlib.import_module("redis.retry")
        backoff = importlib.import_module("redis.backoff")
        return {
            "socket_timeout": self.socket_timeout,
            "socket_connect_timeout": self.socket_timeout,
            # one attempt: on failure the client paces itself from the headers at once
            "retry": retry.Retry(backoff.NoBackoff(), 0),
        }

    @property
    def redis(self) -> Any:
        """The synchronous redis-py client (made on first use)."""
        with self._lock:
            if self._sync is None:
                self._sync = self._redis.Redis.from_url(self.url, **self._options())
                self._sync_script = self._sync.register_script(BUCKET_SCRIPT)
            return self._sync

    def bucket_script(self) -> Any:
        """The bucket script bound to the synchronous client (EVALSHA, loaded again if missing)."""
        _ = self.redis
        return self._sync_script

    def async_client(self) -> Any:
        """A new redis-py asyncio client (its connections belong to the event loop that uses it)."""
        asyncio_redis = importlib.import_module("redis.asyncio")
        retry = importlib.import_module("redis.asyncio.retry")
        backoff = importlib.import_module("redis.backoff")
        return asyncio_redis.Redis.from_url(
            self.url,
            socket_timeout=self.socket_timeout,
            socket_connect_timeout=self.socket_timeout,
            retry=retry.Retry(backoff.NoBackoff(), 0),
        )

    def errors(self) -> tuple[type[BaseException], ...]:
        """What redis-py raises when Redis cannot be reached or answers with an error."""
        return (self._redis.RedisError, OSError)

    def key(self, kind: str, name: str, part: str) -> str:
        """``namespace:{kind:name}:part``; the braces keep one object's keys in one cluster slot."""
        return f"{self.namespace}:{{{kind}:{name}}}:{part}"

    def bucket_keys(self, account: str) -> list[str]:
        return [self.key("bucket", account, part) for part in ("state", "inflight", "window", "clients")]

    # --- what clients and sessions use -----------------------------------------------------------
    def buckets(self, throttler: Throttler, *, asynchronous: bool = False) -> Any:
        """The buckets a client uses in place of its own throttler (which they keep up to date)."""
        from ._buckets import AsyncSharedBuckets, SharedBuckets

        if asynchronous:
            return AsyncSharedBuckets(self, throttler)
        return SharedBuckets(self, throttler)

    def token_store(self, name: str, **options: Any) -> RedisTokenStore:
        """A token store named ``name`` (one per token: per account and OAuth client), for
        ``OAuthSession(client_id, secret, store=state.token_store("store-120645"))``."""
        from ._tokens import RedisTokenStore

        return RedisTokenStore(self, name, **options)

    def ping(self) -> bool:
        """Whether Redis answers."""
        try:
            return bool(self.redis.ping())
        except self.errors():
            return False

    def close(self) -> None:
        """Close the synchronous connections (an AsyncClient closes its own asyncio ones)."""
        with self._lock:
            if self._sync is not None:
                self._sync.close()
                self._sync = None
