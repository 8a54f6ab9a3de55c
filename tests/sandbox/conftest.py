"""Fixtures of the sandbox tests: a small sandbox without rate limit, and a raw client onto it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from lightspeed_pos.sandbox import Sandbox

from ._hostile import raw_client


@pytest.fixture
def sandbox() -> Sandbox:
    """A fresh sandbox with 10 items and no rate limit."""
    return Sandbox(items=10, rate_limit=False)


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx2.Client]:
    """An httpx2 client onto ``sandbox`` (in-process) with an ``employee:all`` token."""
    with raw_client(sandbox) as client:
        yield client
