"""The Redis token store: one refresh for everyone, a lease that expires, a fence that refuses a
late save, the refresh budget (5 a minute per token), and processes storming it."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from functools import partial

import pytest

import lightspeed_pos as ls
from lightspeed_pos.oauth import LockTimeoutError, TokenSet
from lightspeed_pos.sandbox import Sandbox, ServedSandbox
from lightspeed_pos.shared import LeaseLostError, RedisState
from tests.support.threads import run_threads

from ..oauth._support import TinyEngine
from ._support import (
    RefreshLog,
    die_holding_the_lease,
    refresh_and_die_before_saving,
    seed_tokens,
    session_for,
    storm_worker,
)


def serve(token_lifetime: float) -> Iterator[tuple[Sandbox, ServedSandbox, RefreshLog]]:
    sandbox = Sandbox(engine=TinyEngine(), rate_limit=False, token_lifetime=token_lifetime)
    log = RefreshLog.install(sandbox)
    with sandbox.serve() as where:
        yield sandbox, where, log


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, ServedSandbox, RefreshLog]]:
    yield from serve(token_lifetime=60)


@pytest.fixture
def short_lived() -> Iterator[tuple[Sandbox, ServedSandbox, RefreshLog]]:
    yield from serve(token_lifetime=2)


def endpoints(sandbox: Sandbox, where: ServedSandbox) -> tuple[str, str, str, str]:
    return where.base_url, where.auth_url, sandbox.client_id, sandbox.client_secret


def test_sessions_refreshing_the_same_token_at_once_refresh_once(
    state: RedisState, served: tuple[Sandbox, ServedSandbox, RefreshLog]
) -> None:
    sandbox, where, log = served
    seed_tokens(state, "t", sandbox)
    sessions = [session_for(state, "t", *endpoints(sandbox, where)[2:], where.auth_url) for _ in range(8)]
    stale = sessions[0].oauth_token
    barrier = threading.Barrier(len(sessions))
    results: list[str] = []

    def refresh(session: ls.oauth.OAuthSession) -> None:
        barrier.wait()
        results.append(session.refresh_oauth_token(stale))

    run_threads(partial(refresh, s) for s in sessions)
    for session in sessions:
        session.close()
    assert len(log.grants) == 1
    assert len(set(results)) == 1 and results[0] != stale
    stored = state.token_store("t").load()
    assert stored is not None and stored.access_token == results[0]


def test_a_save_after_the_lease_lapsed_is_refused(state: RedisState) -> None:
    slow = state.token_store("t", lease_ttl=0.1)
    fast = state.token_store("t", lease_ttl=5)
    with slow.lock():
        first_fence = slow.fence
        time.sleep(0.2)  # the lease lapses while the slow one "refreshes"
        with fast.lock():
            assert fast.fence is not None and first_fence is not None and fast.fence > first_fence
            fast.save(TokenSet("new-access", "new-refresh", obtained_at=2.0))
        with pytest.raises(LeaseLostError, match="lapsed"):
            slow.save(TokenSet("late-access", "late-refresh", obtained_at=1.0))
    stored = state.token_store("t").load()
    assert stored is not None and stored.access_token == "new-access"


def test_a_lease_times_out_with_a_clear_error(state: RedisState) -> None:
    holder = state.token_store("t", lease_ttl=5)
    waiter = state.token_store("t", lock_timeout=0.2)
    with holder.lock(), pytest.raises(LockTimeoutError, match="lease"), waiter.lock():
        pass


def test_a_worker_killed_holding_the_lease_locks_nobody_out(
    state: RedisState, shared_redis_url: str, served: tuple[Sandbox, ServedSandbox, RefreshLog]
) -> None:
    sandbox, where, log = served
    seed_tokens(state, "t", sandbox)
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(
        target=die_holding_the_lease, args=(shared_redis_url, state.namespace, "t", ready)
    )
    process.start()
    process.join(30)
    assert ready.is_set() and process.exitcode == -9
    started = time.monotonic()
    with session_for(state, "t", sandbox.client_id, sandbox.client_secret, where.auth_url) as session:
        session.refresh_oauth_token(session.oauth_token)
    assert time.monotonic() - started < 5  # waited for the dead worker's 1 s lease, no more
    assert len(log.grants) == 1


def test_a_worker_killed_mid_refresh_loses_no_refresh_token(
    state: RedisState, shared_redis_url: str, served: tuple[Sandbox, ServedSandbox, RefreshLog]
) -> None:
    """It refreshed at the server and died before saving: its access token is never used, so the
    old refresh token stays valid and the next worker refreshes with it."""
    sandbox, where, log = served
    seed_tokens(state, "t", sandbox)
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    args = (shared_redis_url, state.namespace, "t", endpoints(sandbox, where), ready)
    process = context.Process(target=refresh_and_die_before_saving, args=args)
    process.start()
    process.join(30)
    assert ready.is_set() and process.exitcode == -9
    session = session_for(state, "t", sandbox.client_id, sandbox.client_secret, where.auth_url)
    with session, ls.Client(session, base_url=where.base_url, shared=state) as client:
        session.refresh_oauth_token(session.oauth_token)
        assert client.request("GET", "Account/100001")
    assert len(log.grants) == 2 and log.reused() == [log.grants[0][1]]  # the old one, spent again


def test_the_refresh_budget_holds_across_sessions(
    state: RedisState, served: tuple[Sandbox, ServedSandbox, RefreshLog]
) -> None:
    sandbox, where, log = served
    seed_tokens(state, "t", sandbox)
    window = 1.0
    sessions = [
        session_for(
            state, "t", sandbox.client_id, sandbox.client_secret, where.auth_url, refresh_window=window
        )
        for _ in range(3)
    ]
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        for session in sessions:
            session.refresh_oauth_token()  # forced, each with the token it holds
    for session in sessions:
        session.close()
    assert log.most_in_any_window(window) <= 5
    assert len(log.grants) >= 6  # the budget was reached and waited out, not just never used
    assert log.reused() == []


def test_an_early_refresh_is_put_off_while_the_budget_is_spent(
    state: RedisState, served: tuple[Sandbox, ServedSandbox, RefreshLog]
) -> None:
    sandbox, where, log = served
    seed_tokens(state, "t", sandbox)
    store_options = {"max_refreshes": 1, "refresh_window": 30.0}
    session = session_for(
        state, "t", sandbox.client_id, sandbox.client_secret, where.auth_url, **store_options
    )
    with session:
        session.refresh_oauth_token()
        session.refresh_margin = 3600  # every token now looks about to expire
        token = session.oauth_token  # the early refresh has no slot: the valid token is used
    assert len(log.grants) == 1 and token == session.tokens.access_token  # type: ignore[union-attr]


def test_tokens_lost_with_a_redis_flush_are_put_back(
    private_redis: object, served: tuple[Sandbox, ServedSandbox, RefreshLog]
) -> None:
    sandbox, where, log = served
    state = RedisState(private_redis.url, namespace="flush")  # type: ignore[attr-defined]
    seed_tokens(state, "t", sandbox)
    session = session_for(state, "t", sandbox.client_id, sandbox.client_secret, where.auth_url)
    with session, ls.Client(session, base_url=where.base_url, shared=state) as client:
        assert client.request("GET", "Account/100001")
        state.redis.flushall()  # a private server: never the shared one
        session.refresh_oauth_token()
        assert client.request("GET", "Account/100001")
    assert len(log.grants) == 1 and log.reused() == []
    assert state.token_store("t").load() is not None
    state.close()


def test_a_refresh_storm_of_processes(
    state: RedisState, shared_redis_url: str, short_lived: tuple[Sandbox, ServedSandbox, RefreshLog]
) -> None:
    """4 processes, tokens living 2 s, forced refreshes, 3 s; the bench runs 8 for 60 s."""
    sandbox, where, log = short_lived
    seed_tokens(state, "t", sandbox)
    window = 2.0
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    args = (shared_redis_url, state.namespace, "t", endpoints(sandbox, where), 3.0, window, results)
    processes = [context.Process(target=storm_worker, args=args) for _ in range(4)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(30)
    assert [o["errors"] for o in outcomes] == [[]] * 4
    assert all(o["requests"] > 10 for o in outcomes)
    assert log.reused() == []  # no refresh token spent twice: at most one refresh per expiry
    assert log.most_in_any_window(window) <= 5
    final = state.token_store("t").load()
    assert final is not None
    assert final.refresh_token not in {token for _, token in log.grants}  # the live one, unspent
