"""Over a real socket: the session against a served sandbox, and processes refreshing at once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos.oauth import FileTokenStore, OAuthSession, TokenSet
from lightspeed_pos.sandbox import Sandbox, ServedSandbox

from ._support import REDIRECT_URI, TinyEngine, approve
from ._workers import refresh_at_once

PROCESSES = 4


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, ServedSandbox, list[int]]]:
    """A sandbox on 127.0.0.1 that counts the refresh grants it answers."""
    sandbox = Sandbox(engine=TinyEngine(), rate_limit=False)
    oauth = sandbox.app.oauth
    rotations: list[int] = []
    real_refresh = oauth._refresh

    def counting_refresh(*args: Any, **kwargs: Any) -> Any:
        rotations.append(1)
        return real_refresh(*args, **kwargs)

    oauth._refresh = counting_refresh  # type: ignore[method-assign]
    with sandbox.serve() as where:
        yield sandbox, where, rotations


def test_login_refresh_and_revoke_over_a_socket(
    served: tuple[Sandbox, ServedSandbox, list[int]], tmp_path: Path
) -> None:
    sandbox, where, rotations = served
    store = FileTokenStore(tmp_path / "tokens.json")
    with OAuthSession(
        sandbox.client_id,
        sandbox.client_secret,
        store=store,
        auth_url=where.auth_url,
        redirect_uri=REDIRECT_URI,
    ) as session:
        request = session.authorization_url()
        tokens = session.exchange_code(approve(request.url, httpx2.HTTPTransport()))
        assert store.load() == tokens
        with ls.Client(oauth_token_holder=session, base_url=where.base_url) as client:
            assert client.request("GET", "Account")["account"] == sandbox.account_id
        session.refresh_oauth_token()
        assert rotations == [1]
        session.revoke()
    assert store.load() is None


def test_processes_refreshing_at_once_rotate_once(
    served: tuple[Sandbox, ServedSandbox, list[int]], tmp_path: Path
) -> None:
    sandbox, where, rotations = served
    store = FileTokenStore(tmp_path / "tokens.json")
    pair = sandbox.issue_tokens()
    store.save(TokenSet(pair.access_token, pair.refresh_token, obtained_at=1.0))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    args = (str(store.path), where.auth_url, sandbox.client_id, sandbox.client_secret, barrier, results)
    processes = [context.Process(target=refresh_at_once, args=args, daemon=True) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(30)
        assert process.exitcode == 0
    assert rotations == [1]  # exactly one refresh grant reached the server
    assert {stale for stale, _, _, _ in outcomes} == {pair.access_token}
    assert len({(access, refresh) for _, access, refresh, _ in outcomes}) == 1
    assert sum(count for _, _, _, count in outcomes) == 1
    final = store.load()
    assert final is not None and (final.access_token, final.refresh_token) == outcomes[0][1:3]
    # The shared tokens work, and the one rotation left a usable refresh token behind.
    with OAuthSession(
        sandbox.client_id, sandbox.client_secret, store=store, auth_url=where.auth_url
    ) as session:
        with ls.Client(oauth_token_holder=session, base_url=where.base_url) as client:
            assert client.request("GET", "Account")["account"] == sandbox.account_id
        session.refresh_oauth_token()
    assert rotations == [1, 1]
