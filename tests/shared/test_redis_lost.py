"""Redis restarted or flushed in the middle of a run: the clients pace themselves from the headers
meanwhile, start the lost buckets again from their own view, and carry on without a storm of 429s.
A private redis-server of the test's own is stopped, started and flushed (never the shared one)."""

from __future__ import annotations

import threading
import time
from collections import Counter

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState

from .conftest import PrivateRedis
from .test_shared_clients import Counting

CLIENTS, THREADS = 2, 3


def test_redis_restarted_then_flushed_mid_run(private_redis: PrivateRedis) -> None:
    sandbox = Sandbox(items=20, bucket_size=10, drip_rate=1, time_scale=40)
    counting = Counting(sandbox)
    state = RedisState(private_redis.url, namespace="lost", socket_timeout=0.5)
    clients = [
        ls.Client(sandbox.token_holder(), base_url=sandbox.base_url, transport=counting, shared=state)
        for _ in range(CLIENTS)
    ]
    stop = threading.Event()
    done: Counter[str] = Counter()
    errors: list[BaseException] = []

    def work(client: ls.Client) -> None:
        account = client.account(sandbox.account_id)
        try:
            while not stop.is_set():
                account.items.first()
                done["requests"] += 1
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(0.6)
    before = done["requests"]
    private_redis.stop()  # Redis goes away: each client paces from the headers
    time.sleep(0.6)
    during = done["requests"] - before
    private_redis.start()  # back, empty: the buckets start again from the clients' view
    time.sleep(0.6)
    state.redis.flushall()  # and lost once more
    time.sleep(0.6)
    stop.set()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    assert errors == []
    assert during > 0  # work went on while Redis was down
    fallbacks = sum(c._buckets.fallbacks for c in clients)
    reseeded = sum(c._buckets.reseeded for c in clients)
    assert fallbacks >= 1 and reseeded >= 2
    total = sum(counting.statuses.values())
    assert counting.statuses[429] <= max(3, total // 50), counting.statuses  # a few, not a storm
    state.close()
