"""``lightspeed sync --workers N`` runs N worker processes through the job queue in the database_url
(``--enqueue`` fills it, ``sync status`` shows it), and the sync's own tables are created safely by
several processes at once."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from lightspeed_pos.cli import build_app
from lightspeed_pos.shared import RedisState
from lightspeed_pos.sync import Destination
from lightspeed_pos.sync._queue import JobQueue, engine_url
from tests.support.threads import run_threads
from tests.sync.conftest import database_url

from ._support import expected_items, jobs_in, served_for_workers, synced_items

__all__ = ["database_url"]  # each test that takes it: once on SQLite, once on PostgreSQL

ACCOUNTS = 4


def test_sync_enqueue_status_and_worker_processes(
    database_url: str, shared_redis_url: str, cli_state: tuple[str, RedisState], tmp_path: Path
) -> None:
    with served_for_workers(cli_state, tmp_path, accounts=ACCOUNTS, items=30) as (sandbox, env):
        env.update(LIGHTSPEED_REDIS_URL=shared_redis_url, COLUMNS="200")

        def run(*args: str) -> tuple[int, str, str]:
            result = CliRunner().invoke(build_app(), list(args), env=env)
            return result.exit_code, result.stdout, result.stderr

        ids = ",".join(map(str, sandbox.account_ids))
        common = ("--to", database_url, "--accounts", ids, "--streams", "items,categories")
        code, out, err = run("sync", *common, "--enqueue")
        assert code == 0, err
        assert f"queued {ACCOUNTS * 2} jobs ({ACCOUNTS} accounts x 2 streams)" in out
        code, out, err = run("sync", "status", "--to", database_url)
        assert code == 0, err
        assert f"{ACCOUNTS * 2} jobs" in out and out.count("queued") == ACCOUNTS * 2
        code, out, err = run("sync", *common, "--workers", "2")
        assert code == 0, err
        assert "Traceback" not in out + err
        code, out, err = run("sync", "status", "--to", database_url)
        assert code == 0 and out.count(" done ") == ACCOUNTS * 2, out
        expected = expected_items(sandbox)
    jobs = jobs_in(database_url)
    assert len(jobs) == ACCOUNTS * 2 and {j.state for j in jobs} == {"done"}
    assert {j.runs for j in jobs} == {1} and all(j.last_error is None for j in jobs)
    assert synced_items(database_url) == expected


def test_sync_status_and_bad_actions_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("")
    env = {"LIGHTSPEED_CONFIG": str(tmp_path / "config.toml"), "COLUMNS": "200"}
    result = CliRunner().invoke(build_app(), ["sync", "stats", "--to", "sqlite://"], env=env)
    assert result.exit_code == 2 and "unknown sync action 'stats'" in result.stderr
    bad = "postgresql://nobody@127.0.0.1:1/none"
    result = CliRunner().invoke(build_app(), ["sync", "status", "--to", bad], env=env)
    assert result.exit_code == 3 and "cannot open the job queue" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    result = CliRunner().invoke(
        build_app(),
        ["sync", "--to", "sqlite://", "--accounts", "1", "--workers", "2", "--full-refresh"],
        env=env,
    )
    assert result.exit_code == 2 and "without --workers" in result.stderr


def test_the_state_tables_are_created_once_by_many_at_once(database_url: str) -> None:
    """Eight database_urls opened at the same instant on an empty database: none fails."""
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            barrier.wait()
            Destination(database_url).close()
            JobQueue(database_url).close()
        except BaseException as exc:
            errors.append(exc)

    run_threads([open_one] * 8)
    assert errors == []
    engine = sa.create_engine(engine_url(database_url))
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"_lightspeed_state", "_lightspeed_runs", "_lightspeed_jobs"} <= names
