"""t_min is a true lower bound: no client, however greedy, gets its work admitted sooner."""

from __future__ import annotations

import math

from benchmarks.ratelimit import lower_bound
from hypothesis import given, settings
from hypothesis import strategies as st

from lightspeed_pos.sandbox.http.limiter import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def greedy(costs: list[float], size: float, drip: float, burst: int, initial: float, step: float) -> float:
    """Send each request as soon as the server admits it (retrying every ``step`` seconds, as a
    client with perfect knowledge would): the time of the last admitted request."""
    clock = Clock()
    limiter = RateLimiter(
        bucket_size=size, drip_rate=drip, burst_max=burst, initial_level=initial, clock=clock
    )
    for cost in costs:
        while not limiter.admit((1, "c"), cost).allowed:
            clock.now += step
    return clock.now


@settings(max_examples=60, deadline=None)
@given(
    costs=st.lists(st.sampled_from([1.0, 1.0, 1.0, 2.0, 3.0, 10.0]), min_size=1, max_size=120),
    size=st.sampled_from([3.0, 12.0, 90.0]),
    drip=st.sampled_from([1.0, 4.0, 20.0]),
    burst=st.integers(min_value=1, max_value=25),
    initial=st.sampled_from([0.0, 5.0, 90.0]),
)
def test_no_greedy_client_beats_the_bound(
    costs: list[float], size: float, drip: float, burst: int, initial: float
) -> None:
    achieved = greedy(costs, size, drip, burst, initial, step=0.01)
    bound = lower_bound(
        len(costs), sum(costs), max(costs), size=size, drip=drip, burst=burst, initial_level=initial
    )
    assert bound <= achieved + 1e-9


def test_the_bound_counts_the_initial_level_and_the_request_that_overflows() -> None:
    # 100 requests of 1 on an empty bucket of 90 at 1/s: the 91st is admitted at once (level 90
    # is not above the size), the 100th at t = 9
    assert lower_bound(100, 100.0, 1.0, size=90, drip=1, burst=math.inf) == 9.0
    assert greedy([1.0] * 100, 90, 1, 10_000, 0.0, step=0.001) >= 9.0
    # a bucket already at 30 needs 30 seconds more
    assert lower_bound(100, 100.0, 1.0, size=90, drip=1, burst=math.inf, initial_level=30) == 39.0
    # 100 requests at 20 per one-second window: 5 windows, the first and last 3 seconds apart at least
    assert lower_bound(100, 100.0, 1.0, size=1000, drip=1, burst=20) == 3.0
