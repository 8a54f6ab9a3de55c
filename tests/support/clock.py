"""A clock for the client (and the sandbox) that moves only when someone sleeps on it."""

from __future__ import annotations


class FakeClock:
    """``clock()`` is the time; ``clock.advance(seconds)`` (or ``clock.sleep``) moves it. Give the
    same one to the sandbox and the clients (``clock=clock, sleep=clock.sleep``) so they agree."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    sleep = advance
    """What the client and the sandbox are given to sleep with: sleeping moves the clock."""
