"""In-process httpx2 transports onto a :class:`SandboxApp`: no socket, no ASGI, no thread portal.

They answer any host (so ``https://api.lightspeedapp.com/API/V3`` works as a base URL) and pass
the request's scheme and host on as ``origin``. Faults reach the client as a real network would
show them: a dropped connection raises ``httpx2.RemoteProtocolError``; an answer slower than the
request's read timeout raises ``httpx2.ReadTimeout`` after waiting out the timeout; other delays
are slept through. ``sleep`` is injectable, so tests never really wait.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio
import httpx2

from .app import SandboxApp, lower_headers
from .messages import ApiRequest, ApiResponse

__all__ = ["AsyncSandboxTransport", "SandboxTransport"]


def _api_request(request: httpx2.Request, body: bytes) -> ApiRequest:
    url = request.url
    return ApiRequest(
        method=request.method.upper(),
        path=url.path,
        query=tuple(url.params.multi_items()),
        headers=lower_headers(request.headers.multi_items()),
        body=body,
        origin=f"{url.scheme}://{url.netloc.decode('ascii')}",
    )


def _plan(request: httpx2.Request, response: ApiResponse) -> tuple[float, Exception | None]:
    """How long to wait before answering, and the exception to raise instead of answering."""
    timeout = request.extensions.get("timeout", {}).get("read")
    if response.delay > 0 and timeout is not None and response.delay > timeout:
        return float(timeout), httpx2.ReadTimeout("The read operation timed out", request=request)
    if response.drop_connection:
        error = httpx2.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return response.delay, error
    return response.delay, None


def _response(request: httpx2.Request, response: ApiResponse) -> httpx2.Response:
    return httpx2.Response(response.status, headers=response.headers, content=response.body, request=request)


class SandboxTransport(httpx2.BaseTransport):
    """Sync transport: ``httpx2.Client(transport=SandboxTransport(app))``."""

    def __init__(self, app: SandboxApp, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.app = app
        self.sleep = sleep

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.app.handle(_api_request(request, request.read()))
        delay, error = _plan(request, response)
        if delay > 0:
            self.sleep(delay)
        if error is not None:
            raise error
        return _response(request, response)


class AsyncSandboxTransport(httpx2.AsyncBaseTransport):
    """Async transport (asyncio or trio): ``httpx2.AsyncClient(transport=AsyncSandboxTransport(app))``."""

    def __init__(self, app: SandboxApp, *, sleep: Callable[[float], Awaitable[None]] = anyio.sleep) -> None:
        self.app = app
        self.sleep = sleep

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.app.handle(_api_request(request, await request.aread()))
        delay, error = _plan(request, response)
        if delay > 0:
            await self.sleep(delay)
        if error is not None:
            raise error
        return _response(request, response)
