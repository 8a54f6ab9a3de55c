"""pytest plugin: a fresh Lightspeed sandbox per test, configurable, with ready clients.

Installed with lightspeed-pos (entry point ``pytest11``), so the fixtures are available in any
project that has the package:

``lightspeed_sandbox``
    A new :class:`lightspeed_pos.sandbox.Sandbox` for each test: default seed and data, one
    account, the rate limiter on with ``time_scale=100`` (the 90-drip bucket drains in under a
    second of real time). The marker ``@pytest.mark.lightspeed_sandbox(...)`` passes any
    :class:`~lightspeed_pos.sandbox.Sandbox` option: ``items``, ``seed``, ``accounts``,
    ``faults``, ``time_scale``, ``rate_limit``...
``lightspeed_sandbox_factory``
    ``lightspeed_sandbox_factory(**options)`` makes more sandboxes in one test.
``lightspeed_client``
    A ``lightspeed_pos.Client`` on the test's sandbox, closed after the test.
``lightspeed_async_client``
    A ``lightspeed_pos.AsyncClient`` on the test's sandbox, for async tests run by anyio's pytest
    plugin (``@pytest.mark.anyio``; it runs on asyncio and trio), closed after the test.

Examples (the project's tests run them as they are written here):

.. code-block:: python

    import pytest

    from lightspeed_pos import Query
    from lightspeed_pos.sandbox import Faults

    EVERY_ITEM = Query(archived=True)  # the listing leaves archived items out otherwise


    def test_lists_items(lightspeed_client):
        account = lightspeed_client.accounts.first()
        assert len(account.items.all(EVERY_ITEM)) == 250


    @pytest.mark.lightspeed_sandbox(items=12, seed=7)
    def test_a_small_store(lightspeed_sandbox, lightspeed_client):
        assert lightspeed_client.account(lightspeed_sandbox.account_id).items.count(EVERY_ITEM) == 12


    @pytest.mark.lightspeed_sandbox(faults=Faults(error_rate=0.3, seed=1))
    def test_retries_through_faults(lightspeed_client):
        assert lightspeed_client.accounts.first().shops.all()


    def test_two_stores(lightspeed_sandbox_factory):
        one, two = lightspeed_sandbox_factory(seed=1), lightspeed_sandbox_factory(seed=2)
        assert one.account_id == two.account_id


    @pytest.mark.anyio
    async def test_async(lightspeed_async_client):
        account = await lightspeed_async_client.accounts.first()
        assert await account.items.count(EVERY_ITEM) == 250

Importing this module is cheap and has no side effects: the sandbox is imported only when a
fixture runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from lightspeed_pos import AsyncClient, Client
    from lightspeed_pos.sandbox import Sandbox

SANDBOX_TIME_SCALE = 100.0
MARKER = "lightspeed_sandbox"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(**options): options of the test's lightspeed_sandbox (items, seed, faults ...)"
    )


def _make(**options: Any) -> Sandbox:
    from lightspeed_pos.sandbox import Sandbox

    options.setdefault("time_scale", SANDBOX_TIME_SCALE)
    return Sandbox(**options)


@pytest.fixture
def lightspeed_sandbox_factory() -> Callable[..., Sandbox]:
    """``factory(**options)``: a new sandbox (``time_scale=100`` unless given)."""
    return _make


@pytest.fixture
def lightspeed_sandbox(request: pytest.FixtureRequest) -> Sandbox:
    """A fresh in-process Lightspeed sandbox (rate limit on, ``time_scale=100``); the
    ``lightspeed_sandbox`` marker's keyword arguments are its options."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        options.update(marker.kwargs)
    return _make(**options)


@pytest.fixture
def lightspeed_client(lightspeed_sandbox: Sandbox) -> Iterator[Client]:
    """A ``Client`` bound to the test's sandbox."""
    with lightspeed_sandbox.client() as client:
        yield client


@pytest.fixture
async def lightspeed_async_client(lightspeed_sandbox: Sandbox) -> AsyncIterator[AsyncClient]:
    """An ``AsyncClient`` bound to the test's sandbox (an anyio test)."""
    async with lightspeed_sandbox.async_client() as client:
        yield client
