"""``lightspeed sync --workers N`` runs N worker processes through the job queue in the destination
(``--enqueue`` fills it, ``sync status`` shows it), and the sync's own tables are created safely by
several processes at once."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lightspeed_pos.cli import build_app
from lightspeed_pos.oauth import TokenSet
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState
from lightspeed_pos.sync import Destination
from lightspeed_pos.sync._queue import JobQueue, engine_url

from .conftest import drop_namespace

ACCOUNTS = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def destination(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workers.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def cli_state(shared_redis_url: str) -> Iterator[tuple[str, RedisState]]:
    client_id = f"sync-workers-{secrets.token_hex(4)}"
    state = RedisState(shared_redis_url, namespace=f"lightspeed-{client_id}")
    yield client_id, state
    drop_namespace(state)
    state.close()


def test_sync_enqueue_status_and_worker_processes(
    destination: str, shared_redis_url: str, cli_state: tuple[str, RedisState], tmp_path: Path
) -> None:
    client_id, state = cli_state
    sandbox = Sandbox(accounts=ACCOUNTS, items=30, client_id=client_id, time_scale=20)
    (tmp_path / "config.toml").write_text("")
    with sandbox.serve() as where:
        for account_id in sandbox.account_ids:  # what `lightspeed --account-id N login` stores
            pair = sandbox.issue_tokens(account_id)
            now = time.time()
            tokens = TokenSet(pair.access_token, pair.refresh_token, expires_at=now + 3600, obtained_at=now)
            state.token_store(f"account-{account_id}").save(tokens)
        env = {
            "LIGHTSPEED_CONFIG": str(tmp_path / "config.toml"),
            "LIGHTSPEED_CLIENT_ID": client_id,
            "LIGHTSPEED_CLIENT_SECRET": sandbox.client_secret,
            "LIGHTSPEED_BASE_URL": where.base_url,
            "LIGHTSPEED_AUTH_URL": where.auth_url,
            "LIGHTSPEED_TOKEN_FILE": str(tmp_path / "tokens.json"),
            "LIGHTSPEED_REDIS_URL": shared_redis_url,
            "COLUMNS": "200",
        }

        def run(*args: str) -> tuple[int, str, str]:
            result = CliRunner().invoke(build_app(), list(args), env=env)
            return result.exit_code, result.stdout, result.stderr

        ids = ",".join(map(str, sandbox.account_ids))
        common = ("--to", destination, "--accounts", ids, "--streams", "items,categories")
        code, out, err = run("sync", *common, "--enqueue")
        assert code == 0, err
        assert f"queued {ACCOUNTS * 2} jobs ({ACCOUNTS} accounts x 2 streams)" in out
        code, out, err = run("sync", "status", "--to", destination)
        assert code == 0, err
        assert f"{ACCOUNTS * 2} jobs" in out and out.count("queued") == ACCOUNTS * 2
        code, out, err = run("sync", *common, "--workers", "2")
        assert code == 0, err
        assert "Traceback" not in out + err
        code, out, err = run("sync", "status", "--to", destination)
        assert code == 0 and out.count(" done ") == ACCOUNTS * 2, out
        expected = {
            account_id: sorted(
                int(item.id)
                for item in sandbox.client(account_id).account(account_id).items.all({"archived": "true"})
            )
            for account_id in sandbox.account_ids
        }
    queue = JobQueue(destination)
    jobs = queue.status()
    queue.close()
    assert len(jobs) == ACCOUNTS * 2 and {j.state for j in jobs} == {"done"}
    assert {j.runs for j in jobs} == {1} and all(j.last_error is None for j in jobs)
    engine = sa.create_engine(engine_url(destination))
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


def test_the_state_tables_are_created_once_by_many_at_once(destination: str) -> None:
    """Eight destinations opened at the same instant on an empty database: none fails."""
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            barrier.wait()
            Destination(destination).close()
            JobQueue(destination).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = sa.create_engine(engine_url(destination))
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"_lightspeed_state", "_lightspeed_runs", "_lightspeed_jobs"} <= names
