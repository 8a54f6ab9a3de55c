"""``lightspeed sync``: progress and summary, --quiet, exit codes a scheduler can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lightspeed_pos.cli import _sync_cmd, build_app
from lightspeed_pos.sync import _job
from tests.cli.conftest import SANDBOX_ITEMS, clean_environment

__all__ = ["clean_environment"]  # the command line's test settings: no LIGHTSPEED_*, a small sandbox


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(), ["--sandbox", *args])
    return result.exit_code, result.stdout, result.stderr


def test_sync_prints_a_summary_and_fills_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    code, out, _ = run("sync", "--to", url, "--streams", "items,categories")
    assert code == 0
    assert "items" in out and "total" in out
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM items")).scalar_one() == SANDBOX_ITEMS
        runs = conn.execute(sa.text("SELECT status, rows_inserted FROM _lightspeed_runs")).all()
    engine.dispose()
    assert runs[0][0] == "ok" and runs[0][1] > SANDBOX_ITEMS


def test_quiet_prints_nothing_when_all_is_well(tmp_path: Path) -> None:
    code, out, err = run("sync", "--to", f"sqlite:///{tmp_path / 'q.db'}", "--streams", "tags", "--quiet")
    assert (code, out, err) == (0, "", "")


def test_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    code, _, err = run("sync", "--to", url, "--streams", "nope")
    assert code == 2 and "unknown stream 'nope'" in err
    code, _, err = run("sync", "--to", "postgresql://nobody@127.0.0.1:1/none", "--streams", "tags", "-q")
    assert code == 3 and "cannot write to the destination" in err and "Traceback" not in err
    code, _, err = run("sync", "--to", url, "--every", "soon")
    assert code == 2 and "--every takes a duration" in err

    original = _job.Job._write

    def broken(
        self: _job.Job, records: list[dict[str, object]], state: dict[str, object] | None
    ) -> _job.JobOp:
        if self.stream.name == "tags":
            raise RuntimeError("disk on fire")
        return original(self, records, state)

    monkeypatch.setattr(_job.Job, "_write", broken)
    code, out, err = run("sync", "--to", url, "--streams", "tags,categories", "-q")
    assert code == 1 and "tags: RuntimeError: disk on fire" in err
    assert out == ""


def test_intervals() -> None:
    assert _sync_cmd.parse_interval("15m") == 900
    assert _sync_cmd.parse_interval("2h") == 7200
    assert _sync_cmd.parse_interval("45") == 45
    with pytest.raises(ValueError, match="longer than 0"):
        _sync_cmd.parse_interval("0")
