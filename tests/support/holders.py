"""Token holders for tests: the shapes a user's holder may take."""

from __future__ import annotations

import threading


class ExampleTokenHolder:
    """``oauth_token`` as an attribute; refreshing appends ``_refreshed`` (as the gem's specs did)."""

    def __init__(self, token: str = "test") -> None:
        self.oauth_token = token
        self.refresh_count = 0
        self._lock = threading.Lock()

    def refresh_oauth_token(self) -> None:
        with self._lock:
            self.refresh_count += 1
            self.oauth_token = f"{self.oauth_token.split('_')[0]}_refreshed"


class MethodTokenHolder:
    """``oauth_token`` as a zero-argument method."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.refresh_count = 0

    def oauth_token(self) -> str:
        return self._token

    def refresh_oauth_token(self) -> None:
        self.refresh_count += 1
        self._token = f"{self._token}-{self.refresh_count}"
