"""Worker processes sync many accounts from the queue, one bucket and one token per account shared
through Redis: every destination table equals the API, with no 429."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from lightspeed_pos.oauth import TokenSet
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState
from lightspeed_pos.sync._queue import JobQueue, engine_url

from .conftest import drop_namespace

ACCOUNTS = 6


@pytest.fixture
def cli_state(shared_redis_url: str) -> Iterator[tuple[str, RedisState]]:
    client_id = f"workers-{secrets.token_hex(4)}"
    state = RedisState(shared_redis_url, namespace=f"lightspeed-{client_id}")
    yield client_id, state
    drop_namespace(state)
    state.close()


def test_worker_processes_sync_every_account_exactly(
    postgres_url: str, shared_redis_url: str, cli_state: tuple[str, RedisState], tmp_path: Path
) -> None:
    client_id, state = cli_state
    sandbox = Sandbox(accounts=ACCOUNTS, items=40, client_id=client_id, time_scale=20)
    (tmp_path / "config.toml").write_text("")
    with sandbox.serve() as where:
        for account_id in sandbox.account_ids:  # what `lightspeed --account-id N login` stores
            pair = sandbox.issue_tokens(account_id)
            now = time.time()
            tokens = TokenSet(pair.access_token, pair.refresh_token, expires_at=now + 3600, obtained_at=now)
            state.token_store(f"account-{account_id}").save(tokens)
        env = {
            **os.environ,
            "LIGHTSPEED_CONFIG": str(tmp_path / "config.toml"),
            "LIGHTSPEED_CLIENT_ID": client_id,
            "LIGHTSPEED_CLIENT_SECRET": sandbox.client_secret,
            "LIGHTSPEED_BASE_URL": where.base_url,
            "LIGHTSPEED_AUTH_URL": where.auth_url,
            "LIGHTSPEED_TOKEN_FILE": str(tmp_path / "tokens.json"),
        }
        command = [sys.executable, "-m", "lightspeed_pos.cli", "worker", "--to", postgres_url]
        ids = ",".join(map(str, sandbox.account_ids))
        queued = subprocess.run(
            [*command, "--enqueue", "--accounts", ids, "--streams", "items,categories"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert queued.returncode == 0, queued.stderr
        ran = subprocess.run(
            [*command, "--redis", shared_redis_url, "--processes", "3"],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert ran.returncode == 0, ran.stderr
        assert "Traceback" not in ran.stderr and ran.stdout.count(" done, 0 failed") == 3
        expected = {
            account_id: sorted(
                int(item.id)
                for item in sandbox.client(account_id).account(account_id).items.all({"archived": "true"})
            )
            for account_id in sandbox.account_ids
        }
    queue = JobQueue(postgres_url)
    assert {s.state for s in queue.status()} == {"done"} and len(queue.status()) == ACCOUNTS * 2
    queue.close()
    engine = sa.create_engine(engine_url(postgres_url))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT account_id, item_id FROM items ORDER BY 1, 2")).all()
    engine.dispose()
    found: dict[int, list[int]] = {}
    for account_id, item_id in rows:
        found.setdefault(int(account_id), []).append(int(item_id))
    assert found == expected
    view = state.bucket_script()(keys=state.bucket_keys(str(sandbox.account_id)), args=["peek", "", *"0" * 5])
    assert view[4] == b"1"  # the workers' requests went through the shared bucket
