"""A cancelled request gives its bucket reservation back, on asyncio and on trio (issue #10, item 3)."""

from __future__ import annotations

import threading

import anyio
import httpx2
import pytest

import lightspeed_pos as ls
from tests.support.holders import ExampleTokenHolder

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class NeverAnswers(httpx2.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await anyio.sleep(60)
        raise AssertionError("unreachable")  # pragma: no cover


async def test_cancelled_requests_leave_nothing_in_flight() -> None:
    async with ls.AsyncClient(ExampleTokenHolder(), transport=NeverAnswers()) as client:
        for _ in range(3):
            with anyio.move_on_after(0.01):
                await client.request("GET", "Account/1/Item")
        assert client.throttler.snapshot("1").in_flight == 0.0


async def test_a_cancelled_wait_for_the_bucket_holds_nothing_either() -> None:
    answered = httpx2.Response(200, json={}, headers={"X-LS-API-Bucket-Level": "90/90"})

    async def handler(request: httpx2.Request) -> httpx2.Response:
        return answered

    async with ls.AsyncClient(ExampleTokenHolder(), transport=httpx2.MockTransport(handler)) as client:
        await client.request("GET", "Account/1/Item")  # the bucket is full now
        with anyio.move_on_after(0.01):
            await client.request("GET", "Account/1/Item")
        assert client.throttler.snapshot("1").in_flight == 0.0


def test_an_interrupted_sync_request_leaves_nothing_in_flight() -> None:
    started = threading.Event()

    def handler(request: httpx2.Request) -> httpx2.Response:
        started.set()
        raise KeyboardInterrupt

    with ls.Client(ExampleTokenHolder(), transport=httpx2.MockTransport(handler)) as client:
        with pytest.raises(KeyboardInterrupt):
            client.request("GET", "Account/1/Item")
        assert started.is_set() and client.throttler.snapshot("1").in_flight == 0.0
