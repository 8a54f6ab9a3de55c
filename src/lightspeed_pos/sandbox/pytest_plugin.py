"""pytest plugin: a fresh Lightspeed sandbox per test.

Installed with lightspeed-pos (entry point ``pytest11``), so the fixture is available in any
project that has the package:

``lightspeed_sandbox``
    A new :class:`lightspeed_pos.sandbox.Sandbox` for each test: default seed and data, one
    account, the rate limiter on with ``time_scale=100`` (the 90-drip bucket drains in under a
    second of real time, so tests never wait long). Use ``lightspeed_sandbox.client()`` for a
    ready ``lightspeed_pos.Client``, ``.transport()`` for a raw ``httpx2`` transport,
    ``.issue_tokens()`` for tokens, ``.faults = Faults(...)`` to inject failures, and
    ``with lightspeed_sandbox.serve() as served:`` for a real socket on 127.0.0.1.

    .. code-block:: python

        def test_lists_items(lightspeed_sandbox):
            with lightspeed_sandbox.client() as client:
                assert client.items.list()

Importing this module is cheap and has no side effects: the sandbox is imported only when the
fixture runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from lightspeed_pos.sandbox import Sandbox

SANDBOX_TIME_SCALE = 100.0


@pytest.fixture
def lightspeed_sandbox() -> Sandbox:
    """A fresh in-process Lightspeed sandbox (rate limit on, ``time_scale=100``)."""
    from lightspeed_pos.sandbox import Sandbox

    return Sandbox(time_scale=SANDBOX_TIME_SCALE)
