"""The sandbox's request pipeline, and its ASGI face.

:class:`SandboxApp` is the one place a request travels through: ``/auth/oauth/*`` goes to the
OAuth server; ``/API/*`` is authenticated (Bearer) into an :class:`AuthContext`, priced with
:func:`lightspeed_pos._cost.request_cost`, admitted (or refused) by the rate limiter, exposed to
the faults, answered by ``engine.handle`` and given the ``X-LS-*`` headers. ``handle`` is
synchronous and thread-safe; the in-process transports call it directly. :attr:`SandboxApp.asgi`
adapts it to ASGI for uvicorn (or ``httpx2.ASGITransport``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import replace
from typing import Any, Protocol
from urllib.parse import parse_qsl

import anyio
import anyio.to_thread

from lightspeed_pos._cost import request_cost

from .buttons import JWKS_PATH, jwks_response
from .faults import Faults, proxy_error_page
from .limiter import RateDecision, RateLimiter, format_number
from .messages import ApiRequest, ApiResponse, AuthContext
from .oauth import API_ACCESS_DENIED, OAuthServer
from .oauth_wire import INVALID_REQUEST, OAuthError
from .scopes import allows, required_scopes

__all__ = ["MAX_BODY_BYTES", "EngineLike", "SandboxApp", "lower_headers"]

MAX_BODY_BYTES = 4 * 1024 * 1024
"""The default limit of an API request body (an image upload included); more is a 413."""
OAUTH_MAX_BODY_BYTES = 64 * 1024
"""The limit of an OAuth request body (a few form fields)."""
MAX_QUERY_CHARS = 16 * 1024
"""The longest query string accepted; more is a 414."""

logger = logging.getLogger("lightspeed_pos.sandbox")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class EngineLike(Protocol):
    """What the pipeline needs from the engine (``sandbox.engine.engine.Engine``)."""

    account_ids: list[int]

    def handle(self, request: ApiRequest, auth: AuthContext) -> ApiResponse: ...

    def count(self, account_id: int, entity: str, *, include_archived: bool = True) -> int: ...


def lower_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header pairs as a dict with lower-case names; repeated headers joined by ``", "``."""
    headers: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _internal_error() -> ApiResponse:
    return ApiResponse.api_error(500, "An internal error occurred.")


def _rate_limited(decision: RateDecision) -> ApiResponse:
    if decision.limit_type == "api-burst-limiter":
        message = (
            "Rate Limit Exceeded: burst rate limit exceeded. Wait at least 1 second before sending "
            "more requests."
        )
    else:
        message = (
            "Rate Limit Exceeded: Please decrease your request volume. To eliminate this message, keep your "
            f"request rate below {format_number(decision.drip_rate)} requests per second. Clients that "
            "continue to receive this response may have their traffic throttled."
        )
    return ApiResponse.api_error(429, message, "RateLimitedException")


class SandboxApp:
    """Routes, authenticates, prices, limits, faults and answers sandbox requests."""

    def __init__(
        self,
        engine: EngineLike,
        *,
        oauth: OAuthServer,
        limiter: RateLimiter,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.engine = engine
        self.max_body_bytes = max_body_bytes
        self.oauth = oauth
        self.limiter = limiter
        self._clock = clock
        self._faults_lock = threading.Lock()
        self._faults = faults or Faults()
        self._faults_set_at = clock()
        self._asgi: SandboxASGI | None = None

    @property
    def faults(self) -> Faults:
        """The faults in force; assign a new :class:`Faults` to change them on a live sandbox."""
        return self._faults

    @faults.setter
    def faults(self, faults: Faults | None) -> None:
        with self._faults_lock:
            self._faults = faults or Faults()
            self._faults_set_at = self._clock()

    @property
    def asgi(self) -> SandboxASGI:
        """This pipeline as an ASGI 3 application."""
        if self._asgi is None:
            self._asgi = SandboxASGI(self)
        return self._asgi

    def handle(self, request: ApiRequest) -> ApiResponse:
        """Answer one request (any path); thread-safe. Never raises: an unexpected error is
        logged and answered as the API's JSON 500."""
        try:
            early = self.admit(request)
            if early is not None:
                return early
            if len(request.body) > self.body_limit(request.path):
                return self.too_large(request.path)
            if request.path.startswith("/auth/oauth/"):
                return self.oauth.handle(request)
            if request.path.startswith("/API/"):
                return self._api(request)
            if request.path == JWKS_PATH:
                return jwks_response()
            return ApiResponse.api_error(404, "No route for this path.")
        except Exception:
            logger.exception("sandbox failed on %s %s", request.method, request.path[:200])
            return _internal_error()

    def body_limit(self, path: str) -> int:
        """The largest body accepted on ``path``: :attr:`max_body_bytes`, or a small one for OAuth."""
        return OAUTH_MAX_BODY_BYTES if path.startswith("/auth/oauth/") else self.max_body_bytes

    def admit(self, request: ApiRequest) -> ApiResponse | None:
        """What is answered before the body is read (``request.body`` is not looked at): an API
        request is authenticated (401) and checked against its token's scopes (403) first, then
        a declared ``Content-Length`` over the limit is a 413 and a too long URL a 414."""
        if request.path.startswith("/API/"):
            auth = self.oauth.authenticate(request)
            if auth is None:
                return ApiResponse.json_body(401, API_ACCESS_DENIED)
            if not allows(auth.scope, request.method, request.path):
                needed = ", ".join(sorted(required_scopes(request.method, request.path) or ()))
                message = f"The access token's scope does not allow this request; it needs one of: {needed}"
                return ApiResponse.api_error(403, message)
        if sum(len(k) + len(v) + 2 for k, v in request.query) > MAX_QUERY_CHARS:
            return ApiResponse.api_error(414, f"The query string exceeds {MAX_QUERY_CHARS} characters.")
        declared = request.headers.get("content-length", "")
        if (
            declared.isascii()
            and declared.isdigit()
            and (len(declared) > 18 or int(declared) > self.body_limit(request.path))
        ):
            return self.too_large(request.path)
        return None

    def too_large(self, path: str) -> ApiResponse:
        """The 413 for a body over :meth:`body_limit`."""
        limit = self.body_limit(path)
        if path.startswith("/auth/oauth/"):
            return OAuthError(
                413, "invalid_request", INVALID_REQUEST, f"The request body exceeds {limit} bytes"
            ).response()
        return ApiResponse.api_error(413, f"The request body exceeds {limit} bytes.")

    def _api(self, request: ApiRequest) -> ApiResponse:
        auth = self.oauth.authenticate(request)
        if auth is None:
            return ApiResponse.json_body(401, API_ACCESS_DENIED)
        body: Any = None
        if request.method in ("POST", "PUT") and request.body:
            try:
                body = request.json()
            except ValueError:
                body = None
        cost = request_cost(request.method, request.path, request.query, body)
        key = (auth.account_id, auth.client_id)
        faults, storm_left = self._faults, self._storm_left()
        if storm_left > 0:
            decision = self.limiter.blocked(key, cost, "api-leaky-bucket", storm_left)
        else:
            decision = self.limiter.admit(key, cost)
        if not decision.allowed:
            response = _rate_limited(decision)
        else:
            kind, status = faults.draw(request.method)
            if kind == "rate_limit":
                decision = self.limiter.blocked(key, cost, "api-leaky-bucket", faults.rate_limit_wait)
                response = _rate_limited(decision)
                response.headers.extend(decision.headers(auth.account_id, auth.api_client_number))
                return response
            if kind == "error":
                return ApiResponse(
                    status, proxy_error_page(status), [("Content-Type", "text/html; charset=UTF-8")]
                )
            if kind == "drop":
                return ApiResponse(502, b"", drop_connection=True)
            response = self._engine(request, auth)
            if kind == "slow":
                response.delay = faults.slow_seconds
            elif kind == "lost_write":
                response.drop_connection = True
        response.headers.extend(decision.headers(auth.account_id, auth.api_client_number))
        return response

    def _storm_left(self) -> float:
        storm = self._faults.rate_limit_storm
        return storm - (self._clock() - self._faults_set_at) if storm > 0 else 0.0

    def _engine(self, request: ApiRequest, auth: AuthContext) -> ApiResponse:
        try:
            return self.engine.handle(request, auth)
        except Exception:
            logger.exception("sandbox engine failed on %s %s", request.method, request.path[:200])
            return _internal_error()


class SandboxASGI:
    """ASGI 3 adapter: HTTP scope and body in, :class:`ApiResponse` out.

    A dropped connection closes the socket without an answer (under uvicorn, through the
    connection's transport); elsewhere (``httpx2.ASGITransport``) it raises
    ``httpx2.RemoteProtocolError``, as a client would see it. Slow answers ``await`` the delay.
    """

    def __init__(self, app: SandboxApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = lower_headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
        host = headers.get("host") or "{}:{}".format(*(scope.get("server") or ("127.0.0.1", 80)))
        head = ApiRequest(
            method=scope["method"].upper(),
            path=scope["path"],
            query=tuple(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)),
            headers=headers,
            body=b"",
            origin=f"{scope.get('scheme', 'http')}://{host}",
        )
        response = self.app.admit(head)
        if response is None:
            body = await _read_body(receive, self.app.body_limit(head.path))
            if body is None:
                response = self.app.too_large(head.path)
            else:
                # the engine works in a worker thread: the event loop keeps answering others
                response = await anyio.to_thread.run_sync(self.app.handle, replace(head, body=body))
        if response.delay > 0:
            await anyio.sleep(response.delay)
        if response.drop_connection:
            await _drop(receive, send)
            return
        out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
        if response.header("content-length") is None:
            out.append((b"content-length", str(len(response.body)).encode("ascii")))
        await send({"type": "http.response.start", "status": response.status, "headers": out})
        await send({"type": "http.response.body", "body": response.body})


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or ``None`` as soon as it grows past ``limit`` bytes (the rest unread)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body") or message["type"] == "http.disconnect":
            return b"".join(chunks)


async def _drop(receive: Receive, send: Send) -> None:
    """Close the connection without answering."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "close"):
        import httpx2

        raise httpx2.RemoteProtocolError("Server disconnected without sending a response.")
    transport.close()
    while (await receive())["type"] != "http.disconnect":
        pass  # wait until the server has seen the close, so it sends no 500 of its own


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
