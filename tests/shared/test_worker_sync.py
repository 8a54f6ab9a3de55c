"""Worker processes sync many accounts from the queue, one bucket and one token per account shared
through Redis: every destination table equals the API, with no 429."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState
from lightspeed_pos.sync._queue import JobQueue, engine_url

from ._support import expected_items, worker_environment

ACCOUNTS = 6


def test_worker_processes_sync_every_account_exactly(
    postgres_url: str, shared_redis_url: str, cli_state: tuple[str, RedisState], tmp_path: Path
) -> None:
    client_id, state = cli_state
    sandbox = Sandbox(accounts=ACCOUNTS, items=40, client_id=client_id, time_scale=20)
    with sandbox.serve() as where:
        env = {**os.environ, **worker_environment(sandbox, where, state, tmp_path)}
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
        expected = expected_items(sandbox)
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
