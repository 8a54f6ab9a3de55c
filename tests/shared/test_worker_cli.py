"""``lightspeed worker``: fill the queue, show it, and refuse a bad destination in one line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lightspeed_pos.cli import build_app
from lightspeed_pos.sync._queue import JobQueue


def invoke(*args: str, tmp_path: Path) -> tuple[int, str, str]:
    config = tmp_path / "config.toml"
    config.write_text("")
    env = {"LIGHTSPEED_CONFIG": str(config), "COLUMNS": "200"}
    result = CliRunner().invoke(build_app(), list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_enqueue_then_status(postgres_url: str, tmp_path: Path) -> None:
    code, out, _ = invoke(
        "worker", "--to", postgres_url, "--enqueue", "--accounts", "1,2", "--streams", "items,sales",
        tmp_path=tmp_path,
    )  # fmt: skip
    assert code == 0 and "queued 4 jobs (2 accounts x 2 streams)" in out
    queue = JobQueue(postgres_url)
    claim = queue.claim("host:1:abc")
    assert claim is not None
    queue.fail(claim, "APIConnectionError: the network")
    queue.close()
    code, out, _ = invoke("worker", "--to", postgres_url, "--status", tmp_path=tmp_path)
    assert code == 0
    assert "4 jobs" in out and out.count("queued") == 4 and "APIConnectionError: the network" in out
    assert "postgres@" not in out


def test_a_bad_destination_is_one_line(tmp_path: Path) -> None:
    code, out, err = invoke(
        "worker", "--to", "postgresql://nobody@127.0.0.1:1/none", "--status", tmp_path=tmp_path
    )
    assert code == 3 and "cannot open the job queue" in err and "Traceback" not in out + err
