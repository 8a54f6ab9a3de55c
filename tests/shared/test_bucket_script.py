"""The Lua bucket script and the Python arithmetic agree, step by step, on random sequences."""

from __future__ import annotations

import random
import secrets
from collections import deque
from typing import Any

import pytest

from lightspeed_pos._ratelimit import (
    DEFAULT_BUCKET_SIZE,
    DEFAULT_DRIP_RATE,
    Answer,
    BucketSnapshot,
    BucketState,
    book,
    settle,
)
from lightspeed_pos.shared import RedisState
from lightspeed_pos.shared._buckets import release_args, reserve_args, seed_args

SEED_VIEW = seed_args(BucketSnapshot(0.0, DEFAULT_BUCKET_SIZE, DEFAULT_DRIP_RATE, 0.0))
"""A new bucket, as the Python side starts one."""


class ScriptBucket:
    """The script driven with an explicit clock, as the Python functions are, with the arguments
    the shared buckets send."""

    def __init__(self, state: RedisState, account: str) -> None:
        self.keys = state.bucket_keys(account)
        self.script = state.bucket_script()

    def call(self, args: list[str]) -> Any:
        return self.script(keys=self.keys, args=args)

    def reserve(self, now: float, cost: float, latency: float, rid: str) -> float:
        wait, _fresh, _clients = self.call(reserve_args(SEED_VIEW, cost, latency, rid, 1e9, "client", now))
        return float(wait)

    def release(
        self, now: float, cost: float, rid: str, answer: Answer, sent: bool, trip: float | None
    ) -> None:
        self.call(release_args(SEED_VIEW, cost, rid, answer, sent, trip, now))

    def peek(self, now: float) -> dict[str, Any]:
        out = [float(x) for x in self.call(["peek", repr(now), *SEED_VIEW])]
        return {
            "level": out[0], "size": out[1], "drip": out[2], "updated": out[3], "seen": out[4],
            "burst_max": out[5], "in_flight": out[6], "window": sorted(out[7:]),
        }  # fmt: skip


def python_view(bucket: BucketState) -> dict[str, Any]:
    return {
        "level": bucket.level, "size": bucket.size, "drip": bucket.drip_rate, "updated": bucket.updated_at,
        "seen": float(bucket.seen), "burst_max": float(bucket.burst_max or 0), "in_flight": bucket.in_flight,
        "window": sorted(bucket.sent_at),
    }  # fmt: skip


def random_answer(rng: random.Random) -> Answer:
    if rng.random() < 0.15:
        return Answer()  # no headers (a connection error, a proxy's page)
    level = rng.uniform(0, 95)
    size = rng.choice([90.0, 110.0])
    drip = rng.choice([None, 1.0, 2.0, 20.0])
    burst = None if rng.random() < 0.2 else (float(rng.randint(1, 25)), rng.choice([20.0, 3.0, 400.0]))
    return Answer((level, size), drip, burst)


@pytest.mark.parametrize("seed", range(6))
def test_script_and_python_agree(state: RedisState, seed: int) -> None:
    rng = random.Random(seed)
    now = 1_000_000.0 + rng.random()
    script = ScriptBucket(state, f"agree-{seed}")
    python: BucketState | None = None
    booked: list[tuple[float, str]] = []
    waits = sends = 0
    for _step in range(250):
        now += rng.choice([0.0, rng.uniform(0, 0.05), rng.uniform(0, 0.5), rng.uniform(0, 3)])
        if python is None:  # both start a bucket at its first use
            python = BucketState(updated_at=now)
        if booked and rng.random() < 0.45:
            cost, rid = booked.pop(rng.randrange(len(booked)))
            answer, sent = random_answer(rng), rng.random() < 0.9
            trip = rng.choice([None, rng.uniform(0, 0.4)])  # None: not known (never sent)
            settle(python, now, cost, answer, sent=sent, trip=trip)
            script.release(now, cost, rid, answer, sent, trip)
        else:
            cost = rng.choice([1.0, 1.0, 2.0, 10.0, 1.3])
            latency = rng.choice([0.0, rng.uniform(0, 0.8)])
            expected = book(python, now, cost, latency)
            rid = secrets.token_hex(4)
            got = script.reserve(now, cost, latency, rid)
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)
            if got == 0:
                booked.append((cost, rid))
                sends += 1
            else:
                waits += 1
        theirs, ours = script.peek(now), python_view(python)
        assert theirs["window"] == pytest.approx(ours.pop("window"), abs=1e-6)
        del theirs["window"]
        assert theirs == pytest.approx(ours, rel=1e-9, abs=1e-9)
    assert waits > 10 and sends > 50  # both paths were exercised


def test_python_window_stays_a_deque_of_floats() -> None:
    bucket = BucketState()
    assert isinstance(bucket.sent_at, deque)
