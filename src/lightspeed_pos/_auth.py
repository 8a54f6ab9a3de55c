"""The token holder, read and refreshed: one refresh for any number of concurrent 401s.

A holder is any object with ``oauth_token`` (an attribute, a property, or a zero-argument method
returning the access token) and ``refresh_oauth_token()``. Either may be a coroutine function when
the holder is used by :class:`~lightspeed_pos.AsyncClient`.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol, runtime_checkable

from .errors import LightspeedError


@runtime_checkable
class TokenHolder(Protocol):
    """What the client needs from whoever owns the OAuth tokens."""

    @property
    def oauth_token(self) -> Any: ...

    def refresh_oauth_token(self) -> Any: ...


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

    def refresh(self, stale_token: str) -> None:
        with self._lock:
            if self.token() != stale_token:
                return  # another thread refreshed while this one waited
            self._holder.refresh_oauth_token()
            self.refresh_count += 1

    def __repr__(self) -> str:
        return f"<SyncTokens holder={type(self._holder).__name__}>"
