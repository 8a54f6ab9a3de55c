"""The token holder, read and refreshed: one refresh for any number of concurrent 401s.

A holder is any object with ``oauth_token`` (an attribute, a property, or a zero-argument method
returning the access token) and ``refresh_oauth_token()``. Either may be a coroutine function when
the holder is used by :class:`~lightspeed_pos.AsyncClient`.
"""

from __future__ import annotations

import inspect
import threading
from typing import Any, Protocol, runtime_checkable

import anyio
import anyio.to_thread

from .errors import LightspeedError, LoginRequiredError


@runtime_checkable
class TokenHolder(Protocol):
    """What the client needs from whoever owns the OAuth tokens."""

    @property
    def oauth_token(self) -> Any: ...

    def refresh_oauth_token(self) -> Any: ...


class AccessToken:
    """A token holder for a plain access token, with no refresh: what ``lightspeed sandbox serve``
    prints, a token from another tool, or a test. ``Client(oauth_token_holder=AccessToken(token))``.
    When the API refuses it (401), the request fails with :class:`LoginRequiredError`."""

    def __init__(self, token: str) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("AccessToken needs a non-empty access token")
        self._token = token.strip()

    @property
    def oauth_token(self) -> str:
        return self._token

    def refresh_oauth_token(self) -> str:
        """A plain token cannot be refreshed: :class:`LoginRequiredError`."""
        raise LoginRequiredError(
            "the access token was refused (expired or revoked); a plain access token cannot be "
            "refreshed: get a new one or log in"
        )

    def __repr__(self) -> str:
        return "<AccessToken ***>"


def token_value(value: Any) -> str:
    """The access token out of whatever ``oauth_token`` gave."""
    if not isinstance(value, str) or not value:
        raise LightspeedError(
            "the token holder gave no access token (oauth_token must be a non-empty string)"
        )
    return value


def read_token(holder: Any) -> Any:
    """``holder.oauth_token``, called when it is a method (the result may be awaitable)."""
    value = holder.oauth_token
    return value() if callable(value) else value


class SyncTokens:
    """Reads the current token; refreshes once however many threads saw the same stale token."""

    def __init__(self, holder: Any) -> None:
        if not hasattr(holder, "oauth_token") or not callable(getattr(holder, "refresh_oauth_token", None)):
            raise TypeError("oauth_token_holder needs an oauth_token and a refresh_oauth_token() method")
        self._holder = holder
        self._lock = threading.Lock()
        self.refresh_count = 0

    def token(self) -> str:
        return token_value(read_token(self._holder))

    def refresh(self, stale_token: str) -> bool:
        """Refresh unless another thread already did; whether this call refreshed."""
        with self._lock:
            if self.token() != stale_token:
                return False  # another thread refreshed while this one waited
            self._holder.refresh_oauth_token()
            self.refresh_count += 1
            return True

    def __repr__(self) -> str:
        return f"<SyncTokens holder={type(self._holder).__name__}>"


class AsyncTokens:
    """The async twin of :class:`SyncTokens`: the holder's methods may be sync or async.

    A sync ``refresh_oauth_token()`` runs in a worker thread so the event loop keeps going.
    """

    def __init__(self, holder: Any) -> None:
        if not hasattr(holder, "oauth_token") or not callable(getattr(holder, "refresh_oauth_token", None)):
            raise TypeError("oauth_token_holder needs an oauth_token and a refresh_oauth_token() method")
        self._holder = holder
        self._lock: anyio.Lock | None = None
        self.refresh_count = 0

    async def token(self) -> str:
        value = read_token(self._holder)
        if inspect.isawaitable(value):
            value = await value
        return token_value(value)

    async def refresh(self, stale_token: str) -> bool:
        """Refresh unless another task already did; whether this call refreshed."""
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            if await self.token() != stale_token:
                return False  # another task refreshed while this one waited
            refresh = self._holder.refresh_oauth_token
            if inspect.iscoroutinefunction(refresh):
                await refresh()
            else:
                result = await anyio.to_thread.run_sync(refresh)
                if inspect.isawaitable(result):
                    await result
            self.refresh_count += 1
            return True

    def __repr__(self) -> str:
        return f"<AsyncTokens holder={type(self._holder).__name__}>"
