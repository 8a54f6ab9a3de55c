"""The client against the sandbox, in-process: on the V3 paths and on the legacy ones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox


@dataclass
class Store:
    sandbox: Sandbox
    client: ls.Client
    account: ls.Account
    sleeps: list[float]


@pytest.fixture(params=["v3", "legacy"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    sandbox = Sandbox(time_scale=1000)
    sleeps: list[float] = []
    base_url = sandbox.base_url if request.param == "v3" else sandbox.legacy_base_url
    client = sandbox.client(base_url=base_url, sleep=sleeps.append)
    yield Store(sandbox, client, client.account(sandbox.account_id), sleeps)
    client.close()
