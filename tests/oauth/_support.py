"""Helpers for the OAuth tests: a wall-clock-like fake clock, a tiny engine, recording doubles."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2

from lightspeed_pos.oauth import MemoryTokenStore, OAuthSession, TokenSet, TokenStore
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.http.messages import ApiRequest, ApiResponse, AuthContext

REDIRECT_URI = "https://localhost/callback"


class FakeClock:
    """Unix time that moves only when told to (starts at the real time, so JWT ``exp`` agrees)."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class TinyEngine:
    """Answers every API path with who called; enough to check that a token is accepted."""

    def __init__(self) -> None:
        self.account_ids = [100001]

    def handle(self, request: ApiRequest, auth: AuthContext) -> ApiResponse:
        return ApiResponse.json_body(200, {"path": request.path, "account": auth.account_id})

    def count(self, account_id: int, entity: str, *, include_archived: bool = True) -> int:
        return 0


def tiny_sandbox(clock: Callable[[], float] | None = None, **kwargs: Any) -> Sandbox:
    return Sandbox(engine=TinyEngine(), clock=clock, rate_limit=False, **kwargs)


class RecordingTransport(httpx2.BaseTransport):
    """Passes requests on and records ``(method, path, bearer token or None)``."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.events: list[tuple[str, str, str | None]] = []
        self.lock = threading.Lock()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with self.lock:
            self.events.append((request.method, request.url.path, token if scheme == "Bearer" else None))
        return self.inner.handle_request(request)

    def token_requests(self) -> int:
        return sum(1 for _, path, _ in self.events if path.endswith("/auth/oauth/token"))


class ObservableStore:
    """A memory store that calls ``on_save`` before saving and counts what happens."""

    def __init__(self, on_save: Callable[[TokenSet], None] | None = None) -> None:
        self.inner = MemoryTokenStore()
        self.on_save = on_save
        self.saves: list[TokenSet] = []

    def load(self) -> TokenSet | None:
        return self.inner.load()

    def save(self, tokens: TokenSet) -> None:
        if self.on_save is not None:
            self.on_save(tokens)
        self.saves.append(tokens)
        self.inner.save(tokens)

    def clear(self) -> None:
        self.inner.clear()

    def lock(self) -> AbstractContextManager[None]:
        return self.inner.lock()


def make_session(
    sandbox: Sandbox,
    store: TokenStore,
    *,
    transport: httpx2.BaseTransport | None = None,
    clock: Callable[[], float] = time.time,
    **kwargs: Any,
) -> OAuthSession:
    kwargs.setdefault("client_secret", sandbox.client_secret)
    return OAuthSession(
        sandbox.client_id,
        store=store,
        redirect_uri=REDIRECT_URI,
        auth_url=sandbox.auth_url,
        transport=transport or sandbox.transport(),
        clock=clock,
        **kwargs,
    )


def approve(url: str, transport: httpx2.BaseTransport) -> str:
    """Follow the authorize URL as a browser would (the sandbox approves at once): the redirect URL."""
    with httpx2.Client(transport=transport, follow_redirects=False) as http:
        response = http.get(url)
    assert response.status_code == 302, response.text
    location: str = response.headers["Location"]
    return location


def login(session: OAuthSession, transport: httpx2.BaseTransport) -> TokenSet:
    request = session.authorization_url()
    return session.exchange_code(approve(request.url, transport))


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
