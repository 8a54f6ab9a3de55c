"""``lightspeed sync --workers N`` runs N worker processes through the job queue in the database_url
(``--enqueue`` fills it, ``sync status`` shows it), and the sync's own tables are created safely by
several processes at once."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from lightspeed_pos.cli import build_app
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState
from lightspeed_pos.sync import Destination
from lightspeed_pos.sync._queue import JobQueue, engine_url
from tests.sync.conftest import database_url

from ._support import expected_items, worker_environment

__all__ = ["database_url"]  # each test that takes it: once on SQLite, once on PostgreSQL

ACCOUNTS = 4


def test_sync_enqueue_status_and_worker_processes(
    database_url: str, shared_redis_url: str, cli_state: tuple[str, RedisState], tmp_path: Path
) -> None:
    client_id, state = cli_state
    sandbox = Sandbox(accounts=ACCOUNTS, items=30, client_id=client_id, time_scale=20)
    with sandbox.serve() as where:
        env = worker_environment(sandbox, where, state, tmp_path)
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
    queue = JobQueue(database_url)
    jobs = queue.status()
    queue.close()
    assert len(jobs) == ACCOUNTS * 2 and {j.state for j in jobs} == {"done"}
    assert {j.runs for j in jobs} == {1} and all(j.last_error is None for j in jobs)
    engine = sa.create_engine(engine_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT account_id, item_id FROM items ORDER BY 1, 2")).all()
    engine.dispose()
    found: dict[int, list[int]] = {}
    for account_id, item_id in rows:
        found.setdefault(int(account_id), []).append(int(item_id))
    assert found == expected


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

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = sa.create_engine(engine_url(database_url))
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"_lightspeed_state", "_lightspeed_runs", "_lightspeed_jobs"} <= names
