"""Crash safety: the sync killed with SIGKILL at 20 random points (the store changing between the
runs), then run to the end, equals the API exactly with no duplicate row."""

from __future__ import annotations

import multiprocessing
import multiprocessing.process
import os
import random
import time
from pathlib import Path

import pytest

from lightspeed_pos.sync import resolve_streams

from . import _crash_worker
from ._compare import compare_all
from ._support import Clock, sandbox

STREAMS = "categories,customers,items,item_shops,sales,sale_lines,inventory_logs"


def start(served_base: str, token: str, account: int, url: str) -> multiprocessing.process.BaseProcess:
    """The sync in a forked child process (it inherits the imports: no start-up cost)."""
    context = multiprocessing.get_context("fork")
    process = context.Process(
        target=_crash_worker.child, args=(served_base, token, str(account), url, STREAMS, "3"), daemon=True
    )
    process.start()
    return process


@pytest.mark.timeout(180)
def test_killed_at_20_random_points_then_rerun_is_exact(tmp_path: Path) -> None:
    seed = int(os.environ.get("LIGHTSPEED_CRASH_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    clock = Clock()
    box = sandbox(items=60, clock=clock)
    mid_run = 0
    with box.serve() as served, box.client() as client:
        account = client.account(box.account_id)
        token = box.issue_tokens().access_token
        for point in range(20):
            worker = start(served.base_url, token, box.account_id, url)
            time.sleep(rng.uniform(0.0, 0.25))
            if worker.is_alive():
                mid_run += 1
            worker.kill()  # SIGKILL
            worker.join()
            clock.tick(1 + rng.randrange(3))  # the store changes between (and during) the runs
            if point % 2:
                account.items.update(rng.randrange(1, 60), description=f"Changed {point}")
            if point % 5 == 0:
                account.sales.create(
                    shopID=1,
                    employeeID=1,
                    registerID=1,
                    SaleLines={"SaleLine": [{"itemID": 3, "unitQuantity": 1}]},
                )
        clock.tick(1)
        final = start(served.base_url, token, box.account_id, url)
        final.join(120)
        assert final.exitcode == 0
        assert mid_run >= 10, f"only {mid_run} of 20 kills landed while the sync ran (seed {seed})"
        compared = compare_all(client, box.account_id, url, resolve_streams(STREAMS))
        assert compared > 500, seed
