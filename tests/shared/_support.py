"""What the shared-state tests share: a sandbox that logs the refresh grants it answers, a served
sandbox for worker processes and what they synced, and code run in child processes (importable,
so that ``spawn`` finds it)."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx2

import lightspeed_pos as ls
from lightspeed_pos.oauth import OAuthSession, TokenSet
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState

if TYPE_CHECKING:  # the sync extra is imported by the tests that use it (not by child processes)
    from lightspeed_pos.sync._queue import JobStatus


@dataclass
class RefreshLog:
    """Every refresh grant the sandbox answered: when, and with which refresh token."""

    grants: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def install(cls, sandbox: Sandbox) -> RefreshLog:
        log = cls()
        oauth = sandbox.app.oauth
        real = oauth._refresh

        def logged(form: dict[str, str], *args: Any, **kwargs: Any) -> Any:
            with log.lock:
                log.grants.append((time.monotonic(), form.get("refresh_token", "")))
            return real(form, *args, **kwargs)

        oauth._refresh = logged  # type: ignore[method-assign]
        return log

    def most_in_any_window(self, seconds: float) -> int:
        times = sorted(t for t, _ in self.grants)
        return max((sum(1 for u in times if t <= u < t + seconds) for t in times), default=0)

    def reused(self) -> list[str]:
        """Refresh tokens presented more than once (a rotation spent twice)."""
        seen: dict[str, int] = {}
        for _, token in self.grants:
            seen[token] = seen.get(token, 0) + 1
        return [token for token, count in seen.items() if count > 1]


def seed_tokens(state: RedisState, name: str, sandbox: Sandbox) -> None:
    pair = sandbox.issue_tokens()
    expires = time.time() + pair.expires_in
    tokens = TokenSet(pair.access_token, pair.refresh_token, expires_at=expires, obtained_at=time.time())
    state.token_store(name).save(tokens)


def session_for(
    state: RedisState, name: str, client_id: str, secret: str, auth_url: str, **store: Any
) -> OAuthSession:
    return OAuthSession(
        client_id, secret, store=state.token_store(name, **store), auth_url=auth_url, refresh_margin=0.3
    )


def storm_worker(
    redis_url: str,
    namespace: str,
    name: str,
    served: Sequence[str],
    seconds: float,
    window: float,
    results: Any,
) -> None:
    """Read the API for ``seconds`` with short-lived tokens, forcing a refresh now and then."""
    base_url, auth_url, client_id, secret = served
    state = RedisState(redis_url, namespace=namespace)
    outcome: dict[str, Any] = {"requests": 0, "errors": [], "statuses": {}}
    try:
        session = session_for(state, name, client_id, secret, auth_url, refresh_window=window)
        with session, ls.Client(session, base_url=base_url, shared=state) as client:
            account = client.account(100001)
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    client.request("GET", f"Account/{account.id}")
                    outcome["requests"] += 1
                    if outcome["requests"] % 20 == 0:
                        session.refresh_oauth_token()  # forced: adopts a pair refreshed elsewhere
                except ls.LightspeedError as error:
                    outcome["errors"].append(f"{type(error).__name__}: {error}")
                    break
    finally:
        results.put(outcome)


def die_holding_the_lease(redis_url: str, namespace: str, name: str, ready: Any) -> None:
    """Take the token lease, say so, and die there (SIGKILL: no cleanup runs)."""
    store = RedisState(redis_url, namespace=namespace).token_store(name, lease_ttl=1.0)
    with store.lock():
        ready.set()
        os.kill(os.getpid(), signal.SIGKILL)


def refresh_and_die_before_saving(
    redis_url: str, namespace: str, name: str, served: Sequence[str], ready: Any
) -> None:
    """Refresh at the server, then die before the rotated pair is saved (SIGKILL)."""
    _base_url, auth_url, client_id, secret = served
    state = RedisState(redis_url, namespace=namespace)
    store = state.token_store(name, lease_ttl=1.0)
    stored = store.load()
    assert stored is not None and stored.refresh_token
    with store.lock():
        form = {
            "grant_type": "refresh_token",
            "refresh_token": stored.refresh_token,
            "client_id": client_id,
            "client_secret": secret,
        }
        response = httpx2.post(f"{auth_url}/token", data=form)
        assert response.status_code == 200
        ready.set()
        os.kill(os.getpid(), signal.SIGKILL)


def worker_environment(sandbox: Sandbox, where: Any, state: RedisState, folder: Any) -> dict[str, str]:
    """What ``lightspeed worker`` / ``sync --workers`` run with against the served ``sandbox``: each
    account's tokens in Redis (as ``lightspeed --account-id N login`` stores them), an empty config."""
    for account_id in sandbox.account_ids:
        pair = sandbox.issue_tokens(account_id)
        now = time.time()
        tokens = TokenSet(pair.access_token, pair.refresh_token, expires_at=now + 3600, obtained_at=now)
        state.token_store(f"account-{account_id}").save(tokens)
    (folder / "config.toml").write_text("")
    return {
        "LIGHTSPEED_CONFIG": str(folder / "config.toml"),
        "LIGHTSPEED_CLIENT_ID": sandbox.client_id,
        "LIGHTSPEED_CLIENT_SECRET": sandbox.client_secret,
        "LIGHTSPEED_BASE_URL": where.base_url,
        "LIGHTSPEED_AUTH_URL": where.auth_url,
        "LIGHTSPEED_TOKEN_FILE": str(folder / "tokens.json"),
    }


def expected_items(sandbox: Sandbox) -> dict[int, list[int]]:
    """Each account's item ids, archived ones too, as the API lists them."""
    return {
        account_id: sorted(
            int(item.id)
            for item in sandbox.client(account_id).account(account_id).items.all({"archived": "true"})
        )
        for account_id in sandbox.account_ids
    }


@contextmanager
def served_for_workers(
    cli_state: tuple[str, RedisState], folder: Path, *, accounts: int, items: int
) -> Iterator[tuple[Sandbox, dict[str, str]]]:
    """A sandbox of ``accounts`` stores for the command line's OAuth client (``cli_state``),
    served, and the environment worker processes run with (:func:`worker_environment`)."""
    client_id, state = cli_state
    sandbox = Sandbox(accounts=accounts, items=items, client_id=client_id, time_scale=20)
    with sandbox.serve() as where:
        yield sandbox, worker_environment(sandbox, where, state, folder)


def jobs_in(database_url: str) -> list[JobStatus]:
    """The jobs of the queue in ``database_url``, as ``sync status`` shows them."""
    from lightspeed_pos.sync._queue import JobQueue

    queue = JobQueue(database_url)
    try:
        return queue.status()
    finally:
        queue.close()


def synced_items(database_url: str) -> dict[int, list[int]]:
    """Each account's item ids in the destination's ``items`` table (compare with
    :func:`expected_items`)."""
    import sqlalchemy as sa

    from lightspeed_pos.sync._queue import engine_url

    engine = sa.create_engine(engine_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT account_id, item_id FROM items ORDER BY 1, 2")).all()
    engine.dispose()
    found: dict[int, list[int]] = {}
    for account_id, item_id in rows:
        found.setdefault(int(account_id), []).append(int(item_id))
    return found


def peek_bucket(state: RedisState, account: int | str) -> list[Any]:
    """The bucket script's view of ``account``'s bucket in ``state`` (level, size, drip, updated,
    seen, burst max, in flight, then the send times in the burst window)."""
    return list(state.bucket_script()(keys=state.bucket_keys(str(account)), args=["peek", "", *"0" * 5]))
