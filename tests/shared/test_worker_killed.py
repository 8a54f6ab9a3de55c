"""A worker process SIGKILLed while it holds a job's lease, in the middle of the sync: its lease
lapses, another worker takes the job over and resumes from the stream's checkpoint, and the
destination ends exactly equal to the API, with no duplicate row."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from lightspeed_pos import Client
from lightspeed_pos.sync import resolve_streams, sync_job
from lightspeed_pos.sync._queue import JobQueue, engine_url, work
from tests.sync._compare import compare_all
from tests.sync._support import sandbox

LEASE = 1.5
ITEMS = 200


class SlowHolder:
    """The test's token; each request waits a little, so the kill lands mid-sync."""

    def __init__(self, token: str) -> None:
        self.token = token

    @property
    def oauth_token(self) -> str:
        time.sleep(0.02)
        return self.token

    def refresh_oauth_token(self) -> None:
        raise RuntimeError("the test's token does not expire")


def worker(base_url: str, token: str, url: str, name: str) -> None:
    """A worker's body in a forked process: claim, sync with small pages, until nothing is left."""
    queue = JobQueue(url, lease=LEASE)
    with Client(oauth_token_holder=SlowHolder(token), base_url=base_url) as client:

        def run_one(account_id: int, stream: str) -> str:
            report = sync_job(client, url, account_id, stream, page_size=5, lookback=0)
            if report.error:
                raise RuntimeError(str(report.error))
            return f"{report.inserted} inserted"

        summary = work(queue, run_one, worker=name, poll=0.1)
    queue.close()
    os._exit(0 if summary.failed == 0 else 1)


def start(*args: str) -> multiprocessing.process.BaseProcess:
    process = multiprocessing.get_context("fork").Process(target=worker, args=args, daemon=True)
    process.start()
    return process


def rows(url: str) -> int:
    engine = sa.create_engine(engine_url(url))
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("items"):
                return 0
            return int(conn.execute(sa.text("SELECT count(*) FROM items")).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_killed_workers_job_is_resumed_elsewhere(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'killed.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    box = sandbox(items=ITEMS)
    queue = JobQueue(url, lease=LEASE)
    assert queue.enqueue([(box.account_id, "items")]) == 1
    with box.serve() as served, box.client() as client:
        token = box.issue_tokens().access_token
        first = start(served.base_url, token, url, "first")
        deadline = time.monotonic() + 60
        while rows(url) < 30:  # some pages checkpointed, far from the end
            assert first.is_alive() and time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(first.pid or 0, signal.SIGKILL)
        first.join()
        copied = rows(url)
        (held,) = queue.status()
        assert held.state == "running" and held.lease_owner == "first" and copied < ITEMS
        second = start(served.base_url, token, url, "second")
        second.join(90)
        assert second.exitcode == 0
        (job,) = queue.status()
        assert job.state == "done" and job.lease_owner is None and job.last_error is None
        inserted = int((job.last_result or "0").split()[0])
        assert inserted == ITEMS - copied  # resumed from the checkpoint, not from the start
        compared = compare_all(client, box.account_id, url, resolve_streams(["items"]))
    queue.close()
    assert compared >= ITEMS and rows(url) == ITEMS
