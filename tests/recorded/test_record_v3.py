"""Record new interactions against the real V3 API, and replay them.

``make record`` (``pytest tests/recorded --record``) with ``LIGHTSPEED_OAUTH_TOKEN``,
``LIGHTSPEED_OAUTH_REFRESH_TOKEN`` and ``LIGHTSPEED_ACCOUNT_ID`` set runs these scenarios
against https://api.lightspeedapp.com/API/V3 and writes ``tests/cassettes/v3/<scenario>.yml``
with the tokens and the account id filtered out. Without them, each scenario replays its
recording (and is skipped until one has been recorded).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

import lightspeed_pos as ls
from tests.conftest import recording
from tests.support.cassette import RecordingTransport, ReplayTransport, load_cassette

V3_CASSETTES = Path(__file__).resolve().parent.parent / "cassettes" / "v3"
REPLAY_ACCOUNT = 1


class StaticHolder:
    def __init__(self, token: str) -> None:
        self.oauth_token = token

    def refresh_oauth_token(self) -> None:
        raise ls.UnauthorizedError(
            "the recording token expired: get a fresh one and record again", status_code=401
        )


@pytest.fixture
def v3_client(request: pytest.FixtureRequest) -> Iterator[tuple[ls.Client, int]]:
    path = V3_CASSETTES / f"{request.node.name}.yml"
    if recording(request.config):
        token = os.environ["LIGHTSPEED_OAUTH_TOKEN"]
        account_id = os.environ["LIGHTSPEED_ACCOUNT_ID"]
        secrets = {
            token: "OAuth Token",
            os.environ["LIGHTSPEED_OAUTH_REFRESH_TOKEN"]: "Refresh Token",
            account_id: str(REPLAY_ACCOUNT),
            "__account__": account_id,
        }
        transport: httpx2.BaseTransport = RecordingTransport(httpx2.HTTPTransport(), path, secrets)
        client = ls.Client(StaticHolder(token), transport=transport)
        yield client, int(account_id)
    else:
        if not path.exists():
            pytest.skip(f"no V3 recording yet for {request.node.name}: run make record (see README)")
        client = ls.Client(StaticHolder("OAuth Token"), transport=ReplayTransport(load_cassette(path)))
        yield client, REPLAY_ACCOUNT
    client.close()


def test_v3_accounts_and_first_items(v3_client: tuple[ls.Client, int]) -> None:
    client, account_id = v3_client
    accounts = client.accounts.all()
    assert accounts and all(isinstance(a, ls.Account) for a in accounts)
    items = next(client.account(account_id).items.each_page(), [])
    assert all(isinstance(i, ls.Item) for i in items)
    assert client.account(account_id).items.count() >= len(items)


def test_v3_item_lifecycle(v3_client: tuple[ls.Client, int]) -> None:
    client, account_id = v3_client
    items = client.account(account_id).items
    item = items.create(description="lightspeed-pos recording")
    item.update(description="lightspeed-pos recording (updated)")
    assert items.find(item.id).description == "lightspeed-pos recording (updated)"
    assert item.archive().archived is True
