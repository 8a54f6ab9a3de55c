"""Fixtures for replaying the gem's recordings through the real client."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

import lightspeed_pos as ls
from tests.support.cassette import ReplayTransport
from tests.support.holders import ExampleTokenHolder

LEGACY_BASE_URL = "https://api.merchantos.com/API"
ACCOUNT_ID = 120645


class Replay:
    """A client replaying cassettes, its transport and its token holder."""

    def __init__(self, *cassettes: str, token: str = "test") -> None:
        self.transport = ReplayTransport.load(*cassettes)
        self.holder = ExampleTokenHolder(token)
        self.sleeps: list[float] = []
        self.client = ls.Client(
            oauth_token_holder=self.holder,
            base_url=LEGACY_BASE_URL,
            transport=self.transport,
            sleep=self.sleeps.append,
        )
        self.account = self.client.account(ACCOUNT_ID)

    @property
    def request_count(self) -> int:
        return len(self.transport.requests)


@pytest.fixture
def replay() -> Iterator[Callable[..., Replay]]:
    made: list[Replay] = []

    def make(*cassettes: str, token: str = "test") -> Replay:
        made.append(Replay(*cassettes, token=token))
        return made[-1]

    yield make
    for replayed in made:
        replayed.client.close()
