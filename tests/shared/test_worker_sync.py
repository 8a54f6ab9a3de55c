"""Worker processes sync many accounts from the queue, one bucket and one token per account shared
through Redis: every destination table equals the API, with no 429."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lightspeed_pos.shared import RedisState

from ._support import expected_items, jobs_in, peek_bucket, served_for_workers, synced_items

ACCOUNTS = 6


def test_worker_processes_sync_every_account_exactly(
    postgres_url: str, shared_redis_url: str, cli_state: tuple[str, RedisState], tmp_path: Path
) -> None:
    with served_for_workers(cli_state, tmp_path, accounts=ACCOUNTS, items=40) as (sandbox, environment):
        env = {**os.environ, **environment}
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
    jobs = jobs_in(postgres_url)
    assert {s.state for s in jobs} == {"done"} and len(jobs) == ACCOUNTS * 2
    assert synced_items(postgres_url) == expected
    view = peek_bucket(cli_state[1], sandbox.account_id)
    assert view[4] == b"1"  # the workers' requests went through the shared bucket
