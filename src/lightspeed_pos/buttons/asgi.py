"""Button verification for ASGI applications: a middleware, and a Starlette/FastAPI dependency.

Plain ASGI 3, so it works with any ASGI framework; Starlette is imported only by
:func:`starlette_dependency`. A refused request is answered ``400`` (``503`` when the key set
cannot be fetched) with the reason as plain text; the application is not called.

    app = ButtonMiddleware(app, ButtonVerifier(), paths=["/button"])
    # Starlette: request.state.lightspeed_button; raw ASGI: scope["state"]["lightspeed_button"]

    button = starlette_dependency(ButtonVerifier())
    @app.get("/button")                                    # FastAPI
    async def handler(context: ButtonRequest = Depends(button)): ...

Behind a proxy the URL the application sees is not the one Lightspeed signed: give
``public_origin="https://app.example.com"``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ._errors import ButtonError
from ._guard import PathGuard, refusal
from ._verify import ButtonRequest, ButtonVerifier

__all__ = ["STATE_KEY", "ButtonMiddleware", "request_url", "starlette_dependency"]

STATE_KEY = "lightspeed_button"

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


def request_url(scope: Scope, public_origin: str | None = None) -> str:
    """The full URL of an ASGI HTTP request (``public_origin`` replaces scheme and host)."""
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else scope.get("root_path", "") + scope["path"]
    query = scope.get("query_string", b"").decode("latin-1")
    if public_origin:
        origin = public_origin.rstrip("/")
    else:
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"), None)
        if host is None:
            server = scope.get("server") or ("localhost", 80)
            host = f"{server[0]}:{server[1]}"
        origin = f"{scope.get('scheme', 'http')}://{host}"
    return f"{origin}{path}?{query}" if query else f"{origin}{path}"


class ButtonMiddleware(PathGuard[ASGIApp]):
    """Verifies the requests under ``paths`` (prefixes) before the application sees them."""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not self.guards(scope["path"]):
            await self.app(scope, receive, send)
            return
        try:
            button = await self.verifier.averify(request_url(scope, self.public_origin))
        except ButtonError as refused:
            headers, body = refusal(refused)
            raw = [(name.lower().encode(), value.encode()) for name, value in headers]
            await send({"type": "http.response.start", "status": refused.status, "headers": raw})
            await send({"type": "http.response.body", "body": body})
            return
        scope.setdefault("state", {})[STATE_KEY] = button
        await self.app(scope, receive, send)


def starlette_dependency(verifier: ButtonVerifier) -> Callable[..., Awaitable[ButtonRequest]]:
    """A dependency (FastAPI ``Depends``) giving the verified :class:`ButtonRequest`, or raising
    Starlette's ``HTTPException`` (400, or 503) with the reason."""
    from starlette.exceptions import HTTPException
    from starlette.requests import Request

    async def lightspeed_button(request: Request) -> ButtonRequest:
        try:
            return await verifier.averify(str(request.url))
        except ButtonError as refused:
            raise HTTPException(refused.status, str(refused)) from None

    return lightspeed_button
