"""One parametrised fixture runs the behaviour tests with Client and with AsyncClient,
on asyncio and on trio, against a fresh sandbox."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class Api:
    """The test's view of a client: ``await api.run(x)`` works whether x is a value or awaitable."""

    def __init__(self, mode: str, sandbox: Sandbox, **client_kwargs: Any) -> None:
        self.mode = mode
        self.sandbox = sandbox
        self.client: ls.Client | ls.AsyncClient = (
            sandbox.client(**client_kwargs) if mode == "sync" else sandbox.async_client(**client_kwargs)
        )
        self.account: Any = self.client.account(sandbox.account_id)

    @staticmethod
    async def run(value: Any) -> Any:
        return await value if inspect.isawaitable(value) else value

    @staticmethod
    async def collect(iterable: Iterable[Any] | Any) -> list[Any]:
        if hasattr(iterable, "__aiter__"):
            return [x async for x in iterable]
        return list(iterable)

    async def load(self, record: ls.Resource, name: str) -> Any:
        return await self.run(record.load(name))

    @property
    def holder(self) -> Any:
        return self.client._tokens._holder

    async def close(self) -> None:
        await self.run(self.client.close())


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    made = Api(str(request.param), Sandbox(time_scale=1000))
    yield made
    await made.close()
