"""A local emulator of Lightspeed Retail's R-Series API: accounts, OAuth, rate limits and faults.

:class:`Sandbox` puts together the engine (every resource's semantics: ``engine/``), the behaviour
of each domain (``domains/``: all of a Sale in ``domains/sales/``), the seeded data (``seed/``) and
the HTTP layer (``http/``: OAuth, the leaky bucket, faults, the pipeline ``http/app.py``,
in-process transports, uvicorn). The HTTP layer and the engine meet only in ``http/messages.py``.
The sandbox may import the standard library, httpx2, anyio, and
``lightspeed_pos._catalog`` / ``lightspeed_pos._cost`` (shared with the client); uvicorn is imported
only when serving, and the client (``lightspeed_pos.Client``) only inside :meth:`Sandbox.client`.
Nothing here touches the network beyond 127.0.0.1.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx2

from .engine.engine import Engine
from .http.app import MAX_BODY_BYTES, EngineLike, SandboxApp
from .http.faults import Faults
from .http.limiter import RateLimiter
from .http.oauth import DEFAULT_REDIRECT_URIS, OAuthServer, TokenPair
from .http.serve import ServedSandbox, serve_asgi
from .http.state import SandboxState, ServedInfo, WriteCounter, default_state_path
from .http.transport import AsyncSandboxTransport, SandboxTransport

if TYPE_CHECKING:
    from lightspeed_pos import AsyncClient, Client

__all__ = [
    "AsyncSandboxTransport",
    "Faults",
    "Sandbox",
    "SandboxApp",
    "SandboxState",
    "SandboxTokenHolder",
    "SandboxTransport",
    "ServedInfo",
    "ServedSandbox",
    "TokenPair",
    "client",
    "default_state_path",
]

DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-secret-0123456789abcdef"
"""A fixed, public secret: the sandbox guards nothing."""


def _check_settings(**settings: float) -> None:
    """``ValueError`` naming the setting when a count is below 1 or a rate is not a positive number."""
    for name in ("items", "accounts", "registers"):
        value = settings[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    for name in ("bucket_size", "drip_rate", "time_scale", "token_lifetime"):
        value = settings[name]
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, not {value!r}")


class SandboxTokenHolder:
    """A token holder for ``lightspeed_pos.Client`` that refreshes against the sandbox; thread-safe.

    ``refresh_oauth_token()`` sends ``POST /auth/oauth/token`` (``grant_type=refresh_token``)
    through the given transport and keeps the rotated pair.
    """

    def __init__(
        self,
        tokens: TokenPair,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        transport: httpx2.BaseTransport,
    ) -> None:
        self._tokens = tokens
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._transport = transport
        self._lock = threading.Lock()
        self.refresh_count = 0

    @property
    def oauth_token(self) -> str:
        """The current access token."""
        with self._lock:
            return self._tokens.access_token

    @property
    def refresh_token(self) -> str:
        """The current refresh token."""
        with self._lock:
            return self._tokens.refresh_token

    def refresh_oauth_token(self) -> str:
        """``POST /auth/oauth/token`` with the refresh token; store and return the new access token."""
        with self._lock:
            form = {
                "grant_type": "refresh_token",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
                "refresh_token": self._tokens.refresh_token,
            }
            with httpx2.Client(transport=self._transport) as http:
                response = http.post(self._token_url, data=form)
            if response.status_code != 200:
                raise RuntimeError(f"the sandbox refused the refresh: {response.status_code} {response.text}")
            payload = response.json()
            self._tokens = TokenPair(
                payload["access_token"], payload["refresh_token"], int(payload["expires_in"])
            )
            self.refresh_count += 1
            return self._tokens.access_token

    def __repr__(self) -> str:
        return f"<SandboxTokenHolder client_id={self._client_id!r} refreshes={self.refresh_count}>"


class Sandbox:
    """One emulated Lightspeed deployment: accounts with seeded data, an OAuth server, rate limits.

    Use it in-process (:meth:`transport`, :meth:`client`; ``base_url`` is the real API's, the
    transports answer any host) or on a socket (:meth:`serve`).
    """

    base_url = "https://api.lightspeedapp.com/API/V3"
    legacy_base_url = "https://api.lightspeedapp.com/API"
    """The unversioned (pre-V3) API: offset pagination, as in the recordings."""
    auth_url = "https://cloud.lightspeedapp.com/auth/oauth"

    def __init__(
        self,
        *,
        seed: int = 1,
        items: int = 250,
        accounts: int = 1,
        bucket_size: float = 90.0,
        drip_rate: float = 1.0,
        registers: int = 1,
        time_scale: float = 1.0,
        rate_limit: bool = True,
        token_lifetime: float = 3600.0,
        faults: Faults | None = None,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        redirect_uris: Sequence[str] = DEFAULT_REDIRECT_URIS,
        clock: Callable[[], float] | None = None,
        engine: EngineLike | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        state: SandboxState | str | os.PathLike[str] | None = None,
    ) -> None:
        _check_settings(
            items=items,
            accounts=accounts,
            registers=registers,
            bucket_size=bucket_size,
            drip_rate=drip_rate,
            time_scale=time_scale,
            token_lifetime=token_lifetime,
        )
        self.state = state if isinstance(state, SandboxState) or state is None else SandboxState(state)
        if engine is None:
            stores = self.state.load() if self.state is not None else None
            engine = Engine(stores) if stores else Engine.create(seed=seed, items=items, accounts=accounts)
        clock = clock or time.monotonic
        self.engine = engine
        self.client_id = client_id
        self.client_secret = client_secret
        oauth = OAuthServer(
            clients={client_id: client_secret},
            redirect_uris={client_id: list(redirect_uris)},
            account_ids=list(engine.account_ids),
            token_lifetime=token_lifetime,
            clock=clock,
        )
        limiter = RateLimiter(
            bucket_size=bucket_size,
            drip_rate=drip_rate,
            registers=registers,
            time_scale=time_scale,
            enabled=rate_limit,
            clock=clock,
        )
        self._writes = WriteCounter(engine) if self.state is not None else None
        self._saved_writes = 0
        pipeline: EngineLike = self._writes if self._writes is not None else engine
        self.app = SandboxApp(
            pipeline, oauth=oauth, limiter=limiter, faults=faults, clock=clock, max_body_bytes=max_body_bytes
        )

    def save_state(self) -> bool:
        """Write the data to the state file (``state=``) if it changed; ``True`` when written."""
        if self.state is None or self._writes is None or not isinstance(self.engine, Engine):
            return False
        writes = self._writes.writes
        if writes == self._saved_writes:
            return False  # nothing written since the last save (a seeded store is made again alike)
        with self.engine._lock:  # a consistent copy: no request runs while the stores are pickled
            stores = list(self.engine._stores.values())
            self.state.save(stores)
        self._saved_writes = writes
        return True

    def register_redirect_uri(self, redirect_uri: str) -> None:
        """Register one more redirect URI for the sandbox's client (``/authorize`` redirects only
        to registered ones; :data:`DEFAULT_REDIRECT_URIS` are registered from the start)."""
        self.app.oauth.register_redirect_uri(self.client_id, redirect_uri)

    @property
    def account_ids(self) -> list[int]:
        return list(self.engine.account_ids)

    @property
    def account_id(self) -> int:
        """The demo account (the first one)."""
        return self.engine.account_ids[0]

    @property
    def faults(self) -> Faults:
        """The faults in force; assign a new :class:`Faults` to change them at runtime."""
        return self.app.faults

    @faults.setter
    def faults(self, faults: Faults | None) -> None:
        self.app.faults = faults

    @property
    def token_url(self) -> str:
        return f"{self.auth_url}/token"

    def issue_tokens(self, account_id: int | None = None, scope: str = "employee:all") -> TokenPair:
        """A fresh access/refresh token pair for ``account_id`` (default: the demo account) with
        ``scope`` (space-separated; docs/reference.md#oauth-scopes)."""
        return self.app.oauth.issue(self.client_id, account_id, scope)

    def transport(self, *, sleep: Callable[[float], None] = time.sleep) -> SandboxTransport:
        """An in-process sync transport onto this sandbox."""
        return SandboxTransport(self.app, sleep=sleep)

    def async_transport(self, **kwargs: Any) -> AsyncSandboxTransport:
        """An in-process async transport onto this sandbox (``sleep=`` an async sleep to fake time)."""
        return AsyncSandboxTransport(self.app, **kwargs)

    def token_holder(self, account_id: int | None = None) -> SandboxTokenHolder:
        """A token holder with fresh tokens that refreshes through the in-process transport."""
        return SandboxTokenHolder(
            self.issue_tokens(account_id),
            token_url=self.token_url,
            client_id=self.client_id,
            client_secret=self.client_secret,
            transport=self.transport(),
        )

    def client(self, account_id: int | None = None, **client_kwargs: Any) -> Client:
        """A ``lightspeed_pos.Client`` wired to this sandbox in-process, with refreshable tokens."""
        from lightspeed_pos import Client

        client_kwargs.setdefault("base_url", self.base_url)
        client_kwargs.setdefault("transport", self.transport())
        return Client(oauth_token_holder=self.token_holder(account_id), **client_kwargs)

    def async_client(self, account_id: int | None = None, **client_kwargs: Any) -> AsyncClient:
        """A ``lightspeed_pos.AsyncClient`` wired to this sandbox in-process, with refreshable tokens."""
        from lightspeed_pos import AsyncClient

        client_kwargs.setdefault("base_url", self.base_url)
        client_kwargs.setdefault("transport", self.async_transport())
        return AsyncClient(oauth_token_holder=self.token_holder(account_id), **client_kwargs)

    def sign_button(self, url: str, **context: Any) -> str:
        """``url`` as a custom button opens it, signed with the sandbox's key (served at
        ``/.well-known/jwks``); ``context``: ``type``, ``sale_id``... (see ``http.buttons.ButtonSigner``)."""
        from .http.buttons import ButtonSigner

        context.setdefault("account_id", self.account_id)
        return ButtonSigner().sign(url, **context)

    @property
    def button_jwks(self) -> dict[str, Any]:
        """The public key set that verifies :meth:`sign_button`'s URLs (``GET /.well-known/jwks``)."""
        from .http.buttons import SANDBOX_JWKS

        return SANDBOX_JWKS

    @contextmanager
    def serve(self, port: int = 0) -> Iterator[ServedSandbox]:
        """Serve on ``127.0.0.1:port`` (0 = any free port) until the block ends."""
        with serve_asgi(self.app.asgi, port=port) as served:
            yield served


@contextmanager
def client(**options: Any) -> Iterator[Client]:
    """A ``lightspeed_pos.Client`` bound to a fresh in-process sandbox, closed at the end.

    ``options`` go to :class:`Sandbox` (``items``, ``seed``, ``time_scale``, ``faults``...)::

        with lightspeed_pos.sandbox.client(items=1000) as client:
            account = client.accounts.first()
    """
    with Sandbox(**options).client() as bound:
        yield bound
