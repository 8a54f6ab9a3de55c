"""The jobs table: claims that never collide (FOR UPDATE SKIP LOCKED), leases that lapse when a
worker dies, retries with backoff, and the status. Real PostgreSQL, and SQLite."""

from __future__ import annotations

import threading
import time
from collections import Counter
from functools import partial
from pathlib import Path

import pytest

from lightspeed_pos.sync._queue import JobQueue, work
from tests.support.threads import run_threads


@pytest.fixture(params=["postgresql", "sqlite"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "queue.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


def test_each_job_is_claimed_by_one_worker(queue_url: str) -> None:
    queue = JobQueue(queue_url, lease=30)
    jobs = [(account, stream) for account in range(1, 21) for stream in ("items", "sales")]
    assert queue.enqueue(jobs) == 40
    assert queue.enqueue(jobs) == 0  # queued already
    ran: Counter[tuple[int, str]] = Counter()
    lock = threading.Lock()

    def run_one(account_id: int, stream: str) -> str:
        with lock:
            ran[(account_id, stream)] += 1
        time.sleep(0.002)
        return "ok"

    run_threads([partial(work, queue, run_one, poll=0.05)] * 6)
    assert ran == Counter(dict.fromkeys(jobs, 1))
    states = queue.status()
    assert {s.state for s in states} == {"done"}
    assert all(s.runs == 1 and s.last_result == "ok" for s in states)
    assert queue.enqueue(jobs[:3]) == 3  # finished jobs are queued again
    queue.close()


def test_a_lapsed_lease_is_taken_over(queue_url: str) -> None:
    queue = JobQueue(queue_url, lease=0.3)
    queue.enqueue([(1, "items")])
    dead = queue.claim("dead-worker")  # claims, then never renews (as if killed)
    assert dead is not None and queue.claim("other") is None  # held
    time.sleep(0.4)
    taken = queue.claim("other")
    assert taken is not None and taken.attempt == 2
    assert not queue.complete(dead)  # the dead worker's late answer changes nothing
    assert queue.complete(taken, "done by the other")
    (status,) = queue.status()
    assert status.state == "done" and status.last_result == "done by the other"
    queue.close()


def test_failures_are_retried_then_given_up(queue_url: str) -> None:
    queue = JobQueue(queue_url, lease=30, max_attempts=2, retry_after=0.2)
    queue.enqueue([(7, "sales")])
    claim = queue.claim("w")
    assert claim is not None
    assert queue.fail(claim, "APIConnectionError: the network")
    (status,) = queue.status()
    assert status.state == "queued" and status.last_error == "APIConnectionError: the network"
    assert queue.claim("w") is None  # waiting out its backoff
    time.sleep(0.3)
    second = queue.claim("w")
    assert second is not None and second.attempt == 2
    assert queue.fail(second, "APIConnectionError: again")
    (status,) = queue.status()
    assert status.state == "failed" and queue.pending() == 0
    queue.close()


def test_a_failing_job_does_not_stop_the_worker(queue_url: str) -> None:
    queue = JobQueue(queue_url, lease=30, max_attempts=1)
    queue.enqueue([(1, "items"), (2, "items")])

    def run_one(account_id: int, stream: str) -> None:
        if account_id == 1:
            raise RuntimeError("boom")

    summary = work(queue, run_one, poll=0.01)
    assert (summary.completed, summary.failed) == (1, 1)
    states = {s.account_id: s for s in queue.status()}
    assert states[1].state == "failed" and states[1].last_error == "RuntimeError: boom"
    assert states[2].state == "done"
    queue.close()
